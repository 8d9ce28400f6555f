// SPDX-License-Identifier: GPL-2.0
/* bench-pipeline.c - events/s through reorder -> model -> CSV sink on one core, and peak RSS. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "reorder.h"
#include "sink.h"
#include "util.h"

/*
 * VmHWM of this process image. Not getrusage(): Linux carries ru_maxrss across execve, so it
 * would report the launcher's peak.
 */
static long peak_rss_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmHWM:", 6))
			kb = atol(line + 6);
	fclose(f);
	return kb;
}

struct ctx {
	struct tw_sink *sink;
	uint64_t records;
};

static int emit(struct tw_record *rec, void *p)
{
	struct ctx *c = p;
	int ret = tw_sink_write(c->sink, rec);

	c->records++;
	tw_record_free(rec);
	return ret;
}

static char *no_realpath(const char *dir, void *ctx)
{
	return NULL;
}

/*
 * A stream like a busy build host: per process a fork (newtask), a chdir, an exec of a
 * relative name and an exit, spread over two CPUs the way the scheduler would (the child
 * runs on the other CPU), pushed per CPU in time order, marks advanced like a reader.
 */
int main(int argc, char **argv)
{
	long total = argc > 1 ? atol(argv[1]) : 1000000;
	struct tw_model_opts mo = { 0 };
	struct tw_proc_task seed = { .tid = 100, .tgid = 100, .ppid = 1, .cwd = "/src/project",
				     .t_start = 1, .t_read = 2 };
	struct tw_reorder *ro = tw_reorder_new(2);
	struct ctx c = { 0 };
	struct tw_model *m;
	FILE *out = fopen("/dev/null", "w");
	uint64_t ts = 1000, t0, t1;
	long produced = 0;
	int pid = 1000;

	c.sink = tw_sink_new(TW_FORMAT_CSV, out, 0);
	mo.realpath_fn = no_realpath;
	mo.emit = emit;
	mo.emit_ctx = &c;
	m = tw_model_new(&mo);
	if (!ro || !c.sink || !m || tw_model_seed(m, &seed)) {
		fprintf(stderr, "bench-pipeline: setup failed\n");
		return 1;
	}
	t0 = tw_now_mono();
	while (produced < total) {
		struct tw_event *ev[4];
		struct tw_event *e;
		int i;

		pid = pid >= 4000000 ? 1000 : pid + 1;
		for (i = 0; i < 4; i++)
			ev[i] = tw_event_new(i == 0 ? TW_EV_NEWTASK : i == 1 ? TW_EV_CHDIR :
					     i == 2 ? TW_EV_EXEC : TW_EV_EXIT);
		ev[0]->tid = 100;
		ev[0]->cpu = 0;
		ev[0]->newtask.pid = pid;
		ev[1]->tid = pid;
		ev[1]->cpu = 1;
		ev[1]->chdir.ret = 0;
		ev[1]->probe.cwd = tw_strdup("/src/project/sub");
		ev[2]->tid = pid;
		ev[2]->cpu = 1;
		ev[2]->exec.pid = pid;
		ev[2]->exec.old_pid = pid;
		ev[2]->exec.filename = tw_strdup("./configure-step");
		ev[3]->tid = pid;
		ev[3]->cpu = 1;
		ev[3]->exit.pid = pid;
		ev[3]->exit.group_dead = 1;
		for (i = 0; i < 4; i++) {
			ev[i]->ts = ts += 1000;
			if (i == 1) {
				ev[i]->probe.t_start = ts + 1;
				ev[i]->probe.t_read = ts + 2;
			}
		}
		/* The reader happens to see CPU1's part before CPU0's fork. */
		for (i = 1; i < 4; i++)
			tw_reorder_push(ro, ev[i]);
		tw_reorder_push(ro, ev[0]);
		tw_reorder_mark_drained(ro, 0, ts);
		tw_reorder_mark_drained(ro, 1, ts);
		while ((e = tw_reorder_pop(ro))) {
			if (tw_model_apply(m, e)) {
				fprintf(stderr, "bench-pipeline: model failed\n");
				return 1;
			}
			tw_event_free(e);
		}
		produced += 4;
	}
	while (1) {
		struct tw_event *e = tw_reorder_pop_any(ro);

		if (!e)
			break;
		tw_model_apply(m, e);
		tw_event_free(e);
	}
	tw_model_flush(m);
	t1 = tw_now_mono();
	printf("events=%ld records=%llu seconds=%.3f events_per_s=%.0f peak_rss_kb=%ld\n", produced,
	       (unsigned long long)c.records, (t1 - t0) / 1e9, produced / ((t1 - t0) / 1e9),
	       peak_rss_kb());
	tw_model_free(m);
	tw_reorder_free(ro);
	tw_sink_close(c.sink);
	fclose(out);
	return 0;
}
