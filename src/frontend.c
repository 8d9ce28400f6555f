// SPDX-License-Identifier: GPL-2.0
/* frontend.c - signals, output files, stats line and exit code shared by the commands. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli.h"
#include "exitcode.h"
#include "frontend.h"
#include "pipeline.h"
#include "util.h"

/* Set by the signal handlers only; read (and the last two cleared) by the pipeline's loop. */
static volatile sig_atomic_t stop_signal;
static volatile sig_atomic_t reopen_pending;
static volatile sig_atomic_t stats_pending;
/* Whether SIGHUP reopens the output (-o FILE) or, as on a terminal's hang-up, stops. */
static volatile sig_atomic_t hup_reopens;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		stats_pending = 1;
	else if (sig == SIGHUP && hup_reopens)
		reopen_pending = 1;
	else
		stop_signal = sig;
}

/*
 * Every catchable signal whose default action ends the process: each either does what is
 * documented (SIGHUP reopens -o FILE, SIGUSR1 prints a stats line) or stops tracewatch the
 * clean way, so that no instance, probe or enabled event outlives it.
 */
static const int handled_signals[] = {
	SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGALRM, SIGVTALRM, SIGPROF,
	SIGIO, SIGPWR, SIGXCPU, SIGXFSZ, SIGSTKFLT,
};

void tw_frontend_signals(bool hup_reopen)
{
	struct sigaction sa = { 0 };
	size_t i;
	int sig;

	hup_reopens = hup_reopen;
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < TW_ARRAY_SIZE(handled_signals); i++)
		sigaction(handled_signals[i], &sa, NULL);
	for (sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
		sigaction(sig, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);	/* a closed pipe shows up as EPIPE on write */
}

volatile sig_atomic_t *tw_frontend_stop_flag(void)
{
	return &stop_signal;
}

volatile sig_atomic_t *tw_frontend_reopen_flag(void)
{
	return &reopen_pending;
}

volatile sig_atomic_t *tw_frontend_stats_flag(void)
{
	return &stats_pending;
}

int tw_frontend_open(struct tw_output *o, const char *path, const char *what)
{
	bool recording = !strcmp(what, "recording");
	struct stat st;
	int fd;

	o->what = what;
	o->appending = false;
	if (!path || !strcmp(path, "-")) {
		o->f = stdout;
		o->path = NULL;
		return 0;
	}
	o->path = path;
	/*
	 * Records go on at the end of an existing file (the convention of logs: rotation by
	 * SIGHUP or copytruncate works, nothing is overwritten). A recording is one stream from
	 * its header on: an existing one is never overwritten or extended.
	 */
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return tw_err(errno, "cannot open the %s file %s: %s", what, path, strerror(errno));
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
		if (recording) {
			close(fd);
			return tw_err(EEXIST, "the recording %s exists already: remove it or "
					      "choose another name", path);
		}
		o->appending = true;
	}
	o->f = fdopen(fd, "a");
	if (!o->f) {
		int err = errno;

		close(fd);
		return tw_err(err, "cannot open the %s file %s: %s", what, path, strerror(err));
	}
	return 0;
}

static int close_output(struct tw_output *o)
{
	int ret = 0;

	if (!o->f)
		return 0;
	if (o->f != stdout) {
		if (fclose(o->f))
			ret = tw_err(errno, "closing the %s file %s failed: %s", o->what, o->path,
				     strerror(errno));
	} else if (fflush(stdout) && errno != EPIPE) {
		ret = tw_err(errno, "writing the %s to standard output failed: %s", o->what,
			     strerror(errno));
	}
	o->f = NULL;
	return ret;
}

int tw_frontend_close(struct tw_frontend *fe)
{
	int a = close_output(&fe->out);
	int b = close_output(&fe->record);

	return a ? a : b;
}

int tw_frontend_finish(struct tw_frontend *fe, struct tw_pipeline *p, int run)
{
	struct tw_pipeline_stats st;
	int ret = 0;

	if (run == -EPIPE) {
		run = 0;	/* the reader went away (| head): a normal way to stop */
	} else if (run) {
		tw_err(-run, "%s", tw_pipeline_error(p)[0] ? tw_pipeline_error(p) : strerror(-run));
		ret = 1;
	}
	tw_pipeline_print_stats(p, stderr, false);
	tw_pipeline_get_stats(p, &st);
	if (st.overrun > st.lost)
		tw_warn("the kernel overwrote %llu events that were not all reported in the stream; "
			"raise --buffer-size", (unsigned long long)(st.overrun - st.lost));
	if (ret)
		return TW_EXIT_ERROR;
	/* SIGINT and SIGTERM are the way to stop; any other signal is said in the status. */
	if (stop_signal && stop_signal != SIGINT && stop_signal != SIGTERM)
		return TW_EXIT_SIGNAL + stop_signal;
	if (st.lost || st.side_lost || st.overrun > st.lost)
		return TW_EXIT_LOST;
	return TW_EXIT_OK;
}

int tw_frontend_ready(const char *ready_file)
{
	const char *sock = getenv("NOTIFY_SOCKET");
	int ret = 0;

	if (ready_file) {
		FILE *f = fopen(ready_file, "we");

		if (!f || fprintf(f, "%d\n", (int)getpid()) < 0 || fclose(f))
			ret = tw_err(errno, "cannot write the ready file %s: %s", ready_file,
				     strerror(errno));
	}
	/* systemd's Type=notify: one datagram "READY=1" to $NOTIFY_SOCKET (sd_notify(3)). */
	if (sock && (sock[0] == '/' || sock[0] == '@') && strlen(sock) < 108) {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		socklen_t len = offsetof(struct sockaddr_un, sun_path) + strlen(sock);
		int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

		memcpy(sa.sun_path, sock, strlen(sock));
		if (sa.sun_path[0] == '@')
			sa.sun_path[0] = 0;	/* an abstract socket */
		if (fd < 0 || sendto(fd, "READY=1", 7, MSG_NOSIGNAL, (struct sockaddr *)&sa, len) < 0)
			tw_warn("cannot tell systemd that tracing started (NOTIFY_SOCKET=%s): %s", sock,
				strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	return ret;
}

void tw_frontend_unready(const char *ready_file)
{
	if (ready_file)
		unlink(ready_file);
}

void tw_frontend_pipeline_opts(const struct tw_live_opts *o, const struct tw_frontend *fe,
			       struct tw_pipeline_opts *po)
{
	po->all_events = o->all_events;
	po->show_failed = o->show_failed;
	po->filter = o->filter;
	po->format = o->format;
	po->sink.wide = o->wide;
	po->out = fe->out.f;
	po->out_path = fe->out.path;
	po->out_append = fe->out.appending;
	po->record = fe->record.f;
	po->stop = &stop_signal;
	po->reopen = &reopen_pending;
	po->stats_now = &stats_pending;
	po->stats_interval = o->stats_interval;
}

void tw_frontend_said_signal(void)
{
	if (stop_signal)
		fprintf(stderr, "tracewatch: stopped by signal %d\n", (int)stop_signal);
}
