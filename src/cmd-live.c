// SPDX-License-Identifier: GPL-2.0
/* cmd-live.c - the live monitor: source -> decode (+ /proc probe) -> reorder -> model -> sink. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cmd.h"
#include "decode.h"
#include "filter.h"
#include "model.h"
#include "probe.h"
#include "reorder.h"
#include "sink.h"
#include "source.h"
#include "util.h"

/*
 * How far behind the time of a read the drained mark is put: an event reserved on a CPU just
 * before the read may still be committing (or its vCPU preempted by the hypervisor) and show
 * up in the next read with an older timestamp.
 */
#define DRAIN_SLACK_NS (10ull * 1000 * 1000)

/* Set by the signal handler only; read by the loop. */
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

struct live {
	struct tw_live_opts opts;
	struct tw_source *src;
	struct tw_decoder *dec;
	struct tw_reorder *ro;
	struct tw_model *model;
	struct tw_sink *sink;
	FILE *out;
	uint64_t last_released;
	uint64_t late;
	uint64_t lost_kernel;
	char *cgroup_root;	/* cgroup v2 mount, NULL on v1-only hosts */
	/* tids whose libc exec call was captured whole: their exec needs no /proc argv read */
	int argv_captured[256];
	int sink_err;		/* first write error */
	int sink_errno;
};

static int emit_record(struct tw_record *rec, void *ctx)
{
	struct live *l = ctx;
	int ret = 0;

	if (!tw_filter_match(&l->opts.filter, rec)) {
		tw_record_free(rec);
		return 0;
	}
	if (!l->sink_err) {
		errno = 0;
		ret = tw_sink_write(l->sink, rec);
		if (ret) {
			l->sink_err = ret;
			l->sink_errno = errno ? errno : -ret;
		}
	}
	tw_record_free(rec);
	return ret;
}

static char *realpath_dir(const char *dir, void *ctx)
{
	return realpath(dir, NULL);
}

#define CLONE_INTO_CGROUP_FLAG 0x200000000ull

/* Arrival-time /proc reads: the values are checked against the event order by the model. */
static int probe_event(struct live *l, struct tw_event *ev)
{
	int ret;

	switch (ev->type) {
	case TW_EV_NEWTASK:
		if (!(ev->newtask.clone_flags & CLONE_INTO_CGROUP_FLAG) || !l->cgroup_root)
			return 0;
		ret = tw_probe_cgroup(ev->newtask.pid, l->cgroup_root, &ev->probe.cgroup,
				      &ev->probe.cgroup_id);
		return ret == -ENOMEM ? ret : 0;
	case TW_EV_UEXEC:
		if (!ev->uexec.argv_fault && !ev->uexec.argv_truncated)
			l->argv_captured[ev->tid & 255] = ev->tid;
		return 0;
	case TW_EV_UCHDIR:
		/* A path string is only usable in our view of the filesystem. */
		return tw_probe_read(&ev->probe, ev->tid, TW_PROBE_ROOT);
	case TW_EV_EXEC: {
		unsigned int what = TW_PROBE_CWD | TW_PROBE_EXE | TW_PROBE_STATUS | TW_PROBE_ROOT;
		int *slot = &l->argv_captured[ev->exec.old_pid & 255];

		if (*slot != ev->exec.old_pid)
			what |= TW_PROBE_ARGV;
		*slot = 0;
		ret = tw_probe_read(&ev->probe, ev->exec.pid, what);
		/* A process under another root: it may bring its own libc to probe. */
		if (!ret && ev->probe.root == 2 &&
		    tw_source_probe_root_libc(l->src, ev->exec.pid) > 0)
			ret = tw_decoder_refresh_uprobes(l->dec, tw_source_uprobe_group(l->src));
		return ret;
	}
	case TW_EV_CHDIR:
		if (ev->chdir.ret == 0)
			return tw_probe_read(&ev->probe, ev->tid, TW_PROBE_CWD);
		return 0;
	default:
		return 0;
	}
}

static int push_event(struct live *l, struct tw_event *ev)
{
	if (ev->ts < l->last_released)
		l->late++;
	if (tw_reorder_push(l->ro, ev)) {
		tw_event_free(ev);
		return 0;	/* a CPU we did not size for: can't happen with our readers */
	}
	return 0;
}

static int on_raw_event(int cpu, uint64_t ts, const void *data, int size, void *ctx)
{
	struct live *l = ctx;
	struct tw_event *ev;
	int ret;

	ret = tw_decoder_decode(l->dec, cpu, ts, data, size, &ev);
	if (ret <= 0)
		return ret;
	ret = probe_event(l, ev);
	if (ret) {
		tw_event_free(ev);
		return ret;
	}
	return push_event(l, ev);
}

static int on_lost(int cpu, uint64_t ts, long long count, void *ctx)
{
	struct live *l = ctx;
	struct tw_event *ev = tw_event_new(TW_EV_LOST);

	if (!ev)
		return -ENOMEM;
	ev->cpu = cpu;
	ev->ts = ts ? ts - 1 : 0;	/* before the first event after the gap */
	ev->lost.count = count > 0 ? (uint64_t)count : 0;
	if (count > 0)
		l->lost_kernel += count;
	return push_event(l, ev);
}

static void on_drained(int cpu, uint64_t t, void *ctx)
{
	struct live *l = ctx;

	tw_reorder_mark_drained(l->ro, cpu, t > DRAIN_SLACK_NS ? t - DRAIN_SLACK_NS : 0);
}

/* Apply every event the watermark lets out (or all of them at the end). */
static int release_events(struct live *l, bool all)
{
	struct tw_event *ev;
	int ret = 0;

	while ((ev = all ? tw_reorder_pop_any(l->ro) : tw_reorder_pop(l->ro))) {
		if (ev->ts > l->last_released)
			l->last_released = ev->ts;
		ret = tw_model_apply(l->model, ev);
		tw_event_free(ev);
		if (ret)
			return ret;
	}
	if (all)
		return tw_model_flush(l->model);
	return tw_model_advance(l->model, tw_reorder_watermark(l->ro));
}

static int seed_task(const struct tw_proc_task *t, void *ctx)
{
	return tw_model_seed(ctx, t);
}

static int64_t realtime_offset(void)
{
	struct timespec rt, mono;

	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	return ((int64_t)rt.tv_sec - mono.tv_sec) * 1000000000ll + (rt.tv_nsec - mono.tv_nsec);
}

static void install_signals(void)
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

static int run_loop(struct live *l)
{
	const struct tw_source_handler h = {
		.event = on_raw_event,
		.lost = on_lost,
		.drained = on_drained,
		.ctx = l,
	};
	uint64_t deadline = 0;
	int ret = 0;

	if (l->opts.duration > 0)
		deadline = tw_now_mono() + (uint64_t)(l->opts.duration * 1e9);
	while (!stop_signal) {
		struct tw_model_stats st;
		int timeout = l->opts.poll_ms;

		/*
		 * Records wait behind the watermark (drain time less the slack): when some do,
		 * come back once the slack has passed instead of a whole poll period later.
		 */
		tw_model_get_stats(l->model, &st);
		if ((st.pending || tw_reorder_count(l->ro)) &&
		    timeout > (int)(DRAIN_SLACK_NS / 1000000) + 2)
			timeout = (int)(DRAIN_SLACK_NS / 1000000) + 2;

		if (deadline) {
			uint64_t now = tw_now_mono();

			if (now >= deadline)
				break;
			if ((deadline - now) / 1000000 < (uint64_t)timeout)
				timeout = (int)((deadline - now) / 1000000) + 1;
		}
		ret = tw_source_wait(l->src, timeout);
		if (ret)
			break;
		ret = tw_source_drain(l->src, &h);
		if (ret)
			break;
		ret = release_events(l, false);
		if (ret)
			break;
		/* Once per wake-up, not per record: a pipe reader sees records within a poll period. */
		if (fflush(l->out) && !l->sink_err) {
			l->sink_err = -EIO;
			l->sink_errno = errno;
			ret = -EIO;
			break;
		}
	}
	if (ret)
		return ret;
	/* Stop the kernel side first, so the last drain sees the end of the stream. */
	tw_source_stop(l->src);
	ret = tw_source_drain(l->src, &h);
	if (ret)
		return ret;
	return release_events(l, true);
}

int cmd_live(int argc, char **argv)
{
	struct tw_source_opts sopts = { 0 };
	struct tw_model_opts mopts = { 0 };
	struct tw_model_stats st;
	struct live l = { 0 };
	uint64_t overrun = 0;
	int ret, cret;

	ret = tw_cli_parse_live(argc, argv, &l.opts);
	if (ret)
		return tw_cli_exit_code(ret);

	install_signals();
	if (l.opts.output) {
		l.out = fopen(l.opts.output, "we");
		if (!l.out) {
			tw_err(errno, "cannot open output file %s: %s", l.opts.output, strerror(errno));
			return 1;
		}
	} else {
		l.out = stdout;
	}

	sopts.buffer_kb = l.opts.buffer_kb;
	sopts.buffer_percent = 25;
	sopts.events = tw_decode_event_specs();
	sopts.uprobes = l.opts.uprobes;
	sopts.uprobe_args = l.opts.max_args;
	sopts.no_syscalls = l.opts.no_syscalls;
	l.src = tw_source_open(&sopts);
	if (!l.src) {
		ret = 1;
		goto out_close_out;
	}
	l.dec = tw_decoder_new(tw_source_tep(l.src), tw_source_uprobe_group(l.src));
	l.ro = tw_reorder_new(tw_source_nr_cpus(l.src));
	mopts.all_events = l.opts.all_events;
	mopts.realpath_fn = realpath_dir;
	mopts.emit = emit_record;
	mopts.emit_ctx = &l;
	l.model = tw_model_new(&mopts);
	l.sink = tw_sink_new(l.opts.format, l.out, realtime_offset());
	if (!l.dec || !l.ro || !l.model || !l.sink) {
		if (!l.sink)
			tw_err(errno ? errno : ENOMEM, "cannot start the output: %s",
			       strerror(errno ? errno : ENOMEM));
		else if (l.dec)
			tw_err(ENOMEM, "out of memory");
		ret = 1;
		goto out_free;
	}
	l.cgroup_root = tw_cgroup_v2_root("/proc/self/mountinfo");
	if (!l.cgroup_root)
		tw_warn("no cgroup v2 (unified) hierarchy is mounted: cgroup and container fields "
			"stay empty");
	/* Events are on: whatever changes while we walk /proc is in the stream too. */
	ret = tw_probe_snapshot("/proc", l.cgroup_root, seed_task, l.model);
	if (ret) {
		tw_err(ret, "cannot read the process table from /proc: %s", strerror(-ret));
		ret = 1;
		goto out_free;
	}
	fprintf(stderr, "tracewatch: tracing (instance %s, %d CPUs, strings: %s); Ctrl-C to stop\n",
		tw_source_name(l.src), tw_source_nr_cpus(l.src),
		l.dec && tw_decoder_uprobe_count(l.dec) ? tw_source_probe_kind(l.src) : "/proc only");

	ret = run_loop(&l);
	overrun = tw_source_overrun(l.src);
	if (ret == -ENOMEM)
		tw_err(ENOMEM, "out of memory");
	ret = ret ? 1 : 0;

out_free:
	cret = tw_sink_close(l.sink);
	l.sink = NULL;
	if (l.sink_err == -EIO && l.sink_errno == EPIPE) {
		/* The reader went away (| head): a normal way to stop. */
		ret = 0;
	} else if (l.sink_err || cret) {
		tw_err(EIO, "writing records to %s failed: %s", l.opts.output ? l.opts.output : "stdout",
		       strerror(l.sink_errno ? l.sink_errno : EIO));
		ret = 1;
	}
	if (l.model) {
		tw_model_get_stats(l.model, &st);
		fprintf(stderr,
			"tracewatch: stats: events=%llu execs=%llu unresolved=%llu lost=%llu "
			"overrun=%llu late=%llu string_fallbacks=%llu\n",
			(unsigned long long)st.events, (unsigned long long)st.execs,
			(unsigned long long)st.unresolved, (unsigned long long)l.lost_kernel,
			(unsigned long long)overrun, (unsigned long long)l.late,
			(unsigned long long)st.string_fallbacks);
		if (overrun > l.lost_kernel)
			tw_warn("the kernel overwrote %llu events that were not all reported in the "
				"stream; raise --buffer-size",
				(unsigned long long)(overrun - l.lost_kernel));
	}
	tw_model_free(l.model);
	free(l.cgroup_root);
	tw_reorder_free(l.ro);
	tw_decoder_free(l.dec);
	if (tw_source_close(l.src))
		ret = 1;
out_close_out:
	if (l.out && l.out != stdout) {
		if (fclose(l.out) && !ret) {
			tw_err(errno, "closing %s failed: %s", l.opts.output, strerror(errno));
			ret = 1;
		}
	} else if (l.out == stdout && fflush(stdout) && errno != EPIPE && !ret) {
		ret = 1;
	}
	if (stop_signal)
		fprintf(stderr, "tracewatch: stopped by signal %d\n", (int)stop_signal);
	return ret;
}
