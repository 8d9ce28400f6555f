// SPDX-License-Identifier: GPL-2.0
/* frontend.c - signals, output files, stats line and exit code shared by the commands. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "frontend.h"
#include "pipeline.h"
#include "util.h"

/* Set by the signal handler only; read by the pipeline's loop. */
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

void tw_frontend_signals(void)
{
	struct sigaction sa = { 0 };

	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);	/* a closed pipe shows up as EPIPE on write */
}

volatile sig_atomic_t *tw_frontend_stop_flag(void)
{
	return &stop_signal;
}

int tw_frontend_open(struct tw_output *o, const char *path, const char *what)
{
	struct stat st;
	int fd;

	o->what = what;
	if (!path || !strcmp(path, "-")) {
		o->f = stdout;
		o->path = NULL;
		return 0;
	}
	o->path = path;
	if (!strcmp(what, "recording") && stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size > 0)
		return tw_err(EEXIST, "the recording %s exists already: remove it or choose "
				      "another name", path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0)
		o->f = fdopen(fd, "w");
	if (!o->f) {
		int err = errno;

		if (fd >= 0)
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
	tw_pipeline_get_stats(p, &st);
	fprintf(stderr,
		"tracewatch: stats: events=%llu execs=%llu unresolved=%llu lost=%llu "
		"overrun=%llu late=%llu string_fallbacks=%llu records=%llu",
		(unsigned long long)st.events, (unsigned long long)st.execs,
		(unsigned long long)st.unresolved, (unsigned long long)st.lost,
		(unsigned long long)st.overrun, (unsigned long long)st.late,
		(unsigned long long)st.string_fallbacks, (unsigned long long)st.records);
	if (fe->record.f)
		fprintf(stderr, " recorded_bytes=%llu", (unsigned long long)st.recorded_bytes);
	fputc('\n', stderr);
	if (st.overrun > st.lost)
		tw_warn("the kernel overwrote %llu events that were not all reported in the stream; "
			"raise --buffer-size", (unsigned long long)(st.overrun - st.lost));
	return ret;
}

void tw_frontend_said_signal(void)
{
	if (stop_signal)
		fprintf(stderr, "tracewatch: stopped by signal %d\n", (int)stop_signal);
}
