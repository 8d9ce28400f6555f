// SPDX-License-Identifier: GPL-2.0
/* test_taskend.c - exit records and task ends: waiting, early ends, losses, the time bound. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "model.h"
#include "model_fixture.h"


static struct tw_model *model(struct sink *s)
{
	struct tw_model_opts o = {
		.all_events = true, .task_ends = true, .emit = collect, .emit_ctx = s,
	};
	struct tw_model *m = tw_model_new(&o);
	struct tw_proc_task t = { .tid = 100, .tgid = 100, .ppid = 1, .cwd = "/", .t_read = 1 };

	assert_non_null(m);
	assert_int_equal(tw_model_seed(m, &t), 0);
	return m;
}

static void fork_ev(struct tw_model *m, uint64_t ts, int creator, int pid)
{
	struct tw_event *ev = tw_event_new(TW_EV_NEWTASK);

	ev->ts = ts;
	ev->tid = creator;
	ev->newtask.pid = pid;
	apply(m, ev);
}

static void exit_ev(struct tw_model *m, uint64_t ts, int tid)
{
	struct tw_event *ev = tw_event_new(TW_EV_EXIT);

	ev->ts = ts;
	ev->tid = tid;
	ev->exit.pid = tid;
	ev->exit.group_dead = 1;
	apply(m, ev);
}

static void end_ev(struct tw_model *m, uint64_t ts, int tid, uint32_t status, uint64_t elapsed_us,
		   bool lost)
{
	struct tw_event *ev = tw_event_new(TW_EV_TASK_END);

	ev->ts = ts;
	ev->tid = tid;
	ev->task_end.tgid = tid;
	ev->task_end.exit_code = status;
	ev->task_end.elapsed_us = elapsed_us;
	ev->task_end.lost = lost;
	apply(m, ev);
}

/* The exit record waits for its task end, read later, and gets status and start from it. */
static void test_exit_waits_for_end(void **state)
{
	struct sink s = { 0 };
	struct tw_model *m = model(&s);

	(void)state;
	fork_ev(m, 10000, 100, 200);
	exit_ev(m, 40000, 200);
	assert_int_equal(tw_model_advance(m, 45000), 0);
	assert_int_equal(s.n, 1);	/* the fork only */
	end_ev(m, 50000, 200, 3 << 8, 30, false);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.recs[1]->type, TW_REC_EXIT);
	assert_int_equal(s.recs[1]->exit_code, 3);
	assert_int_equal(s.recs[1]->exit_signal, 0);
	assert_int_equal(s.recs[1]->start_ns, 10000);
	assert_string_equal(s.recs[1]->start_source, "fork");
	sink_clear(&s);
	tw_model_free(m);
}

/* Read on another CPU before the exit event was applied: kept on the task for its exit. */
static void test_end_before_exit(void **state)
{
	struct sink s = { 0 };
	struct tw_model *m = model(&s);

	(void)state;
	fork_ev(m, 10000, 100, 200);
	end_ev(m, 39000, 200, 9 | 0x80, 29, false);
	exit_ev(m, 40000, 200);
	assert_int_equal(tw_model_advance(m, 40001), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.recs[1]->exit_code, -1);
	assert_int_equal(s.recs[1]->exit_signal, 9);
	assert_true(s.recs[1]->core_dumped);
	sink_clear(&s);
	tw_model_free(m);
}

/* A loss of task ends, or the time bound, lets the exit out without a status. */
static void test_lost_and_timeout(void **state)
{
	struct sink s = { 0 };
	struct tw_model *m = model(&s);

	(void)state;
	fork_ev(m, 10000, 100, 200);
	fork_ev(m, 10001, 100, 201);
	exit_ev(m, 40000, 200);
	end_ev(m, 60000, 0, 0, 0, true);
	assert_int_equal(s.n, 4);
	assert_int_equal(s.recs[2]->type, TW_REC_EXIT);
	assert_int_equal(s.recs[2]->exit_code, -1);
	/* The overflow itself is a record: never silent. */
	assert_int_equal(s.recs[3]->type, TW_REC_LOST);
	assert_string_equal(s.recs[3]->error, "taskstats-overflow");
	exit_ev(m, 70000, 201);
	assert_int_equal(tw_model_advance(m, 70000 + TW_MODEL_TASK_END_WAIT_NS - 1), 0);
	assert_int_equal(s.n, 4);
	assert_int_equal(tw_model_advance(m, 70000 + TW_MODEL_TASK_END_WAIT_NS), 0);
	assert_int_equal(s.n, 5);
	assert_int_equal(s.recs[4]->pid, 201);
	assert_int_equal(s.recs[4]->exit_code, -1);
	sink_clear(&s);
	tw_model_free(m);
}

/* A process from before tracing: its start from the leader's elapsed time at its end. */
static void test_start_from_taskstats(void **state)
{
	struct sink s = { 0 };
	struct tw_model *m = model(&s);

	(void)state;
	exit_ev(m, 5000000, 100);
	end_ev(m, 5000100, 100, 0, 4000, false);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.recs[0]->exit_code, 0);
	assert_int_equal(s.recs[0]->start_ns, 1000000);
	assert_string_equal(s.recs[0]->start_source, "taskstats");
	sink_clear(&s);
	tw_model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_waits_for_end),
		cmocka_unit_test(test_end_before_exit),
		cmocka_unit_test(test_lost_and_timeout),
		cmocka_unit_test(test_start_from_taskstats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
