// SPDX-License-Identifier: GPL-2.0
/* cmd-run.c - `tracewatch run -- CMD`: run one command, trace its tree only, print the tree. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "cmd.h"
#include "exitcode.h"
#include "frontend.h"
#include "pipeline.h"
#include "runtree.h"
#include "util.h"

/* Shell conventions for a command that could not be run. */
#define EXIT_NOT_FOUND 127
#define EXIT_CANNOT_RUN 126
/* What a child that never got the go (tracewatch failed first) exits with. */
#define EXIT_ABORTED 125

/* The signals passed on to CMD when they are sent to tracewatch (kill), not by the terminal. */
static const int forwarded_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

/* Set once the child exists; read by the signal handler (CLI code: the process's one child). */
static volatile sig_atomic_t child_pid;
static volatile sig_atomic_t child_changed;

/*
 * What CMD inherits: the signals ignored when tracewatch started (a shell's background job
 * runs with SIGINT ignored, nohup with SIGHUP ignored) and the signal mask, as if tracewatch
 * were not there.
 */
struct inherited {
	bool ignored[NSIG];
	sigset_t mask;
};

/*
 * A signal for CMD. The terminal sends Ctrl-C (SIGINT), Ctrl-\ and its hang-up to the whole
 * foreground process group, CMD included (si_code SI_KERNEL): passing it on would double
 * it. One sent by a process (kill(1), a supervisor: si_code <= 0) reached only us.
 */
static void on_forward(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (child_pid > 0 && si->si_code <= 0)
		kill((pid_t)child_pid, sig);
}

static void on_child(int sig)
{
	(void)sig;
	child_changed = 1;
}

static void install_handlers(struct inherited *in)
{
	struct sigaction sa = { 0 };
	size_t i;
	int sig;

	for (sig = 1; sig < NSIG; sig++)
		in->ignored[sig] = sigaction(sig, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN;
	sigprocmask(SIG_SETMASK, NULL, &in->mask);
	tw_frontend_signals(false);
	sa.sa_sigaction = on_forward;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < TW_ARRAY_SIZE(forwarded_signals); i++)
		sigaction(forwarded_signals[i], &sa, NULL);
	/* No SA_RESTART: a child's end interrupts the pipeline's poll at once. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_child;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);
	/* Writing the tree to the terminal after CMD took it over must not stop us. */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGTTOU, &sa, NULL);
}

struct run_user {
	const char *name;
	uid_t uid;
	gid_t gid;
};

static int lookup_user(const char *user, struct run_user *u)
{
	struct tw_user pw;

	if (tw_user_lookup(user, &pw)) {
		fprintf(stderr, "tracewatch: --user %s: no such user\n", user);
		return -ENOENT;
	}
	u->name = tw_strdup(pw.name);
	if (!u->name)
		return -ENOMEM;
	u->uid = pw.uid;
	u->gid = pw.gid;
	return 0;
}

/* In the child: report why it could not go on (errno, then the step), and end. */
static void __attribute__((noreturn)) child_fail(int fd, int err, int step)
{
	int msg[2] = { err, step };

	if (write(fd, msg, sizeof(msg)) < 0) {
		/* nothing left to tell it with */
	}
	_exit(step == 0 && err == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_RUN);
}

static const char *const child_steps[] = {
	"cannot run", "initgroups failed for", "setgid failed for", "setuid failed for",
};

/*
 * The child: the signal dispositions and mask tracewatch was started with, wait for the go
 * (tracing runs), become the user, exec. Never returns.
 */
static void __attribute__((noreturn)) run_child(int go, int err, char **command,
						const struct run_user *u, const struct inherited *in)
{
	struct sigaction sa = { 0 };
	char c;
	int sig;

	sigemptyset(&sa.sa_mask);
	for (sig = 1; sig < NSIG; sig++) {
		/* Our SIG_IGN (SIGPIPE, SIGTTOU) would survive the exec: give back the original. */
		sa.sa_handler = in->ignored[sig] ? SIG_IGN : SIG_DFL;
		sigaction(sig, &sa, NULL);
	}
	sigprocmask(SIG_SETMASK, &in->mask, NULL);
	if (read(go, &c, 1) != 1)
		_exit(EXIT_ABORTED);
	close(go);
	if (u->name) {
		struct tw_user tu = { .uid = u->uid, .gid = u->gid };
		int ret;

		snprintf(tu.name, sizeof(tu.name), "%s", u->name);
		ret = tw_user_init_groups(&tu);
		if (ret)
			child_fail(err, -ret, 1);
		if (setgid(u->gid))
			child_fail(err, errno, 2);
		if (setuid(u->uid))
			child_fail(err, errno, 3);
	}
	execvp(command[0], command);
	child_fail(err, errno, 0);
}

struct run_state {
	pid_t child;
	bool child_done;
	int child_status;
	bool tree_gone;
	bool no_wait;
	struct tw_runtree *tree;
};

/* Reap whatever ended (we are the tree's subreaper); true once the run is over. */
static bool run_done(void *ctx)
{
	struct run_state *rs = ctx;
	int status;
	pid_t pid;

	child_changed = 0;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (pid == rs->child) {
			rs->child_done = true;
			rs->child_status = status;
		}
	}
	if (pid < 0 && errno == ECHILD)
		rs->tree_gone = true;
	return rs->no_wait ? rs->child_done : rs->tree_gone;
}

static int consume(const struct tw_record *rec, void *ctx)
{
	struct run_state *rs = ctx;

	return tw_runtree_add(rs->tree, rec);
}

/* Truncate: a tree or timeline is one document, not a log to append to. */
static FILE *open_doc(const char *path, const char *what)
{
	FILE *f = fopen(path, "we");

	if (!f)
		tw_err(errno, "cannot open the %s file %s: %s", what, path, strerror(errno));
	return f;
}

static int close_doc(FILE *f, const char *path, const char *what)
{
	if (f && fclose(f))
		return tw_err(errno, "writing the %s file %s failed: %s", what, path,
			      strerror(errno));
	return 0;
}

/* The outputs at the end: tree, summary, timeline, what still runs. Returns 0 or 1. */
static int print_outputs(const struct tw_live_opts *o, struct run_state *rs, FILE *tree_f,
			 FILE *timeline_f)
{
	FILE *tf = tree_f ? tree_f : stderr;
	struct tw_runtree_counts c;
	int ret = 0;

	if (!o->no_tree && tw_runtree_print_tree(rs->tree, tf, !tree_f && isatty(2) &&
						 !getenv("NO_COLOR")))
		ret = tw_err(EIO, "writing the tree failed");
	if (o->summary && tw_runtree_print_summary(rs->tree, tf))
		ret = tw_err(EIO, "writing the summary failed");
	if (timeline_f && tw_runtree_write_timeline(rs->tree, timeline_f))
		ret = tw_err(EIO, "writing the timeline %s failed", o->timeline);
	tw_runtree_get_counts(rs->tree, &c);
	if (c.running && !o->summary) {
		fprintf(stderr, "tracewatch: %u processes of the tree still run:\n", c.running);
		tw_runtree_print_running(rs->tree, stderr);
	}
	return ret;
}

/* The exit status of a run: CMD's, like a shell's. */
static int child_exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 1;
}

int cmd_run(int argc, char **argv)
{
	struct run_state rs = { .child = -1 };
	struct tw_pipeline_opts po = { 0 };
	struct tw_frontend fe = { 0 };
	struct run_user u = { 0 };
	struct inherited in;
	FILE *tree_f = NULL, *timeline_f = NULL;
	struct tw_pipeline *p = NULL;
	int go[2] = { -1, -1 }, err[2] = { -1, -1 };
	struct tw_live_opts o;
	int msg[2], run_ret, ret = 1;
	ssize_t n;

	ret = tw_cli_parse(TW_CLI_RUN, argc, argv, &o);
	if (ret)
		return tw_cli_exit_code(ret);
	ret = TW_EXIT_ERROR;
	if (geteuid() != 0) {
		tw_err(EPERM, "run traces through tracefs and needs root: run with sudo (use "
			      "--user USER to run the command as someone else)");
		return 1;
	}
	if (o.user && lookup_user(o.user, &u))
		return TW_EXIT_USAGE;
	if ((o.output && tw_frontend_open(&fe.out, o.output, "output")) ||
	    (o.tree && !(tree_f = open_doc(o.tree, "tree"))) ||
	    (o.timeline && !(timeline_f = open_doc(o.timeline, "timeline"))))
		goto out_close;
	install_handlers(&in);
	/* Orphans of the tree come to us, not to init: they stay traced and waited for. */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)) {
		tw_err(errno, "cannot become the subreaper of the command's tree: %s",
		       strerror(errno));
		goto out_close;
	}
	if (pipe2(go, O_CLOEXEC) || pipe2(err, O_CLOEXEC)) {
		tw_err(errno, "cannot create a pipe: %s", strerror(errno));
		goto out_close;
	}
	fflush(NULL);
	rs.child = fork();
	if (rs.child < 0) {
		tw_err(errno, "cannot start %s: fork failed: %s", o.command[0], strerror(errno));
		goto out_close;
	}
	if (rs.child == 0) {
		close(go[1]);
		close(err[0]);
		run_child(go[0], err[1], o.command, &u, &in);
	}
	child_pid = rs.child;
	close(go[0]);
	close(err[1]);
	go[0] = err[1] = -1;

	tw_frontend_pipeline_opts(&o, &fe, &po);
	po.reopen = NULL;			/* SIGHUP goes to CMD */
	po.source.buffer_kb = o.buffer_kb;
	po.source.buffer_percent = 25;
	po.source.events = tw_decode_event_specs();
	po.source.uprobes = o.uprobes;
	po.source.uprobe_args = o.max_args;
	po.source.no_syscalls = o.no_syscalls;
	po.source.filter_pid = rs.child;
	po.no_fanotify = o.no_fanotify;
	po.no_taskstats = o.no_taskstats;
	po.fanotify_unlimited = o.fanotify_unlimited;
	po.all_events = true;			/* the tree needs fork and exit records */
	po.sink_execs_only = !o.all_events;
	po.tree_pid = rs.child;
	po.consume = consume;
	po.consume_ctx = &rs;
	po.poll_ms = o.poll_ms;
	po.done = run_done;
	po.done_ctx = &rs;
	rs.no_wait = o.no_wait;
	p = tw_pipeline_new(&po);
	if (!p)
		goto out_abort;
	rs.tree = tw_runtree_new(rs.child, tw_now_mono());
	if (!rs.tree) {
		tw_err(ENOMEM, "out of memory");
		goto out_abort;
	}
	/* Tracing runs: let CMD go. */
	if (write(go[1], "g", 1) != 1) {
		tw_err(errno, "cannot start %s: %s", o.command[0], strerror(errno));
		goto out_abort;
	}
	close(go[1]);
	go[1] = -1;
	/* The error pipe closes on exec (CLOEXEC) or brings the errno of what failed. */
	do
		n = read(err[0], msg, sizeof(msg));
	while (n < 0 && errno == EINTR);
	if (n == sizeof(msg) && msg[1] >= 0 && msg[1] < (int)TW_ARRAY_SIZE(child_steps))
		fprintf(stderr, "tracewatch: %s %s: %s\n", child_steps[msg[1]],
			msg[1] ? u.name : o.command[0], strerror(msg[0]));

	run_ret = tw_pipeline_run(p);
	tw_runtree_end(rs.tree, tw_now_mono());
	if (run_ret && run_ret != -EPIPE)
		tw_err(-run_ret, "%s", tw_pipeline_error(p)[0] ? tw_pipeline_error(p) :
								 strerror(-run_ret));
	ret = print_outputs(&o, &rs, tree_f, timeline_f);
	if (run_ret && run_ret != -EPIPE)
		ret = 1;
	if (!rs.child_done) {
		/* Stopped by a signal or an error before CMD ended: wait for it, as a shell does. */
		if (waitpid(rs.child, &rs.child_status, 0) == rs.child)
			rs.child_done = true;
	}
	if (rs.child_done && (child_exit_code(rs.child_status) || !ret))
		ret = child_exit_code(rs.child_status);
	goto out_free;

out_abort:
	/* The child reads EOF instead of the go and ends without running CMD. */
	if (go[1] >= 0)
		close(go[1]);
	go[1] = -1;
	waitpid(rs.child, NULL, 0);
	ret = 1;
out_free:
	if (tw_pipeline_free(p))
		ret = ret ? ret : 1;
	tw_runtree_free(rs.tree);
out_close:
	if (go[0] >= 0)
		close(go[0]);
	if (go[1] >= 0)
		close(go[1]);
	if (err[0] >= 0)
		close(err[0]);
	if (err[1] >= 0)
		close(err[1]);
	if (tw_frontend_close(&fe))
		ret = ret ? ret : 1;
	if (close_doc(tree_f, o.tree, "tree") || close_doc(timeline_f, o.timeline, "timeline"))
		ret = ret ? ret : 1;
	free((char *)u.name);
	return ret;
}
