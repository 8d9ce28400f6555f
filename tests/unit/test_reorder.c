// SPDX-License-Identifier: GPL-2.0
/* test_reorder.c - per-CPU merge by (ts, cpu, seq), held back by drained marks, no leaks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "event.h"
#include "reorder.h"
#include "util.h"

static uint64_t rnd(uint64_t *s)
{
	/* xorshift64: reproducible interleavings from a fixed seed. */
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static struct tw_event *mk(enum tw_event_type type, int cpu, uint64_t ts, uint64_t seq)
{
	struct tw_event *ev = tw_event_new(type);

	assert_non_null(ev);
	ev->cpu = cpu;
	ev->ts = ts;
	ev->seq = seq;
	return ev;
}

static void push(struct tw_reorder *ro, int cpu, uint64_t ts, uint64_t seq)
{
	assert_int_equal(tw_reorder_push(ro, mk(TW_EV_NEWTASK, cpu, ts, seq)), 0);
}

/* Pop (or pop_any) one event, check it is (cpu, ts, seq), free it. */
static void expect(struct tw_event *ev, int cpu, uint64_t ts, uint64_t seq)
{
	assert_non_null(ev);
	assert_int_equal(ev->cpu, cpu);
	assert_int_equal(ev->ts, ts);
	assert_int_equal(ev->seq, seq);
	assert_null(ev->next);
	tw_event_free(ev);
}

/* (ts, cpu, seq) of @b strictly after @a: the merger's total output order. */
static int key_after(const struct tw_event *a, const struct tw_event *b)
{
	if (a->ts != b->ts)
		return b->ts > a->ts;
	if (a->cpu != b->cpu)
		return b->cpu > a->cpu;
	return b->seq > a->seq;
}

static void test_fork_before_exec(void **state)
{
	struct tw_reorder *ro = tw_reorder_new(2);
	struct tw_event *exec = mk(TW_EV_EXEC, 1, 200, 0);
	struct tw_event *ev;

	assert_non_null(ro);
	exec->exec.filename = tw_strdup("/usr/bin/true");
	assert_non_null(exec->exec.filename);
	/* The reader drained CPU1 first: the child's exec arrives before its fork. */
	assert_int_equal(tw_reorder_push(ro, exec), 0);
	assert_null(tw_reorder_pop(ro)); /* CPU0 empty, never drained */
	assert_int_equal(tw_reorder_push(ro, mk(TW_EV_NEWTASK, 0, 100, 0)), 0);
	tw_reorder_mark_drained(ro, 0, 300);
	tw_reorder_mark_drained(ro, 1, 300);

	ev = tw_reorder_pop(ro);
	assert_non_null(ev);
	assert_int_equal(ev->type, TW_EV_NEWTASK);
	expect(ev, 0, 100, 0);
	ev = tw_reorder_pop(ro);
	assert_non_null(ev);
	assert_int_equal(ev->type, TW_EV_EXEC);
	assert_string_equal(ev->exec.filename, "/usr/bin/true");
	expect(ev, 1, 200, 0);
	assert_null(tw_reorder_pop(ro));
	assert_int_equal(tw_reorder_count(ro), 0);
	tw_reorder_free(ro);
}

static void test_fork_before_exec_unmarked(void **state)
{
	struct tw_reorder *ro = tw_reorder_new(2);

	/* Both CPUs have queued events: their heads bound them, no mark is needed for the fork. */
	assert_non_null(ro);
	push(ro, 1, 200, 0);
	push(ro, 0, 100, 0);
	expect(tw_reorder_pop(ro), 0, 100, 0);
	/* Now CPU0 is empty at mark 0: it could still deliver something before 200. */
	assert_null(tw_reorder_pop(ro));
	tw_reorder_mark_drained(ro, 0, 201);
	expect(tw_reorder_pop(ro), 1, 200, 0);
	tw_reorder_free(ro);
}

static void test_watermark_holds_back(void **state)
{
	struct tw_reorder *ro = tw_reorder_new(2);

	assert_non_null(ro);
	tw_reorder_mark_drained(ro, 1, 150);
	push(ro, 0, 200, 0);
	assert_null(tw_reorder_pop(ro));
	assert_int_equal(tw_reorder_count(ro), 1);
	assert_int_equal(tw_reorder_watermark(ro), 150);
	tw_reorder_mark_drained(ro, 1, 250);
	assert_int_equal(tw_reorder_watermark(ro), 200);
	expect(tw_reorder_pop(ro), 0, 200, 0);
	assert_int_equal(tw_reorder_count(ro), 0);
	assert_null(tw_reorder_pop(ro));
	tw_reorder_free(ro);
}

static void test_mark_equal_ts_held(void **state)
{
	struct tw_reorder *ro = tw_reorder_new(2);

	/*
	 * CPU0 drained up to 200 may still deliver an event at 200, which sorts before CPU1's
	 * event at 200: hold it until the mark is past it.
	 */
	assert_non_null(ro);
	push(ro, 1, 200, 0);
	tw_reorder_mark_drained(ro, 0, 200);
	assert_null(tw_reorder_pop(ro));
	push(ro, 0, 200, 0);
	expect(tw_reorder_pop(ro), 0, 200, 0);
	assert_null(tw_reorder_pop(ro));
	tw_reorder_mark_drained(ro, 0, 201);
	expect(tw_reorder_pop(ro), 1, 200, 0);
	tw_reorder_free(ro);
}

static void test_idle_cpu_holds_back(void **state)
{
	struct tw_reorder *ro = tw_reorder_new(4);
	int cpu;

	assert_non_null(ro);
	for (cpu = 0; cpu < 3; cpu++) {
		push(ro, cpu, 10 + cpu, 0);
		push(ro, cpu, 20 + cpu, 1);
		tw_reorder_mark_drained(ro, cpu, 1000);
	}
	/* CPU3 never marked: its mark 0 is below everything. */
	assert_int_equal(tw_reorder_watermark(ro), 0);
	assert_null(tw_reorder_pop(ro));
	assert_int_equal(tw_reorder_count(ro), 6);

	/* End of stream: pop_any drains in order regardless. */
	expect(tw_reorder_pop_any(ro), 0, 10, 0);
	expect(tw_reorder_pop_any(ro), 1, 11, 0);
	expect(tw_reorder_pop_any(ro), 2, 12, 0);
	expect(tw_reorder_pop_any(ro), 0, 20, 1);
	expect(tw_reorder_pop_any(ro), 1, 21, 1);
	expect(tw_reorder_pop_any(ro), 2, 22, 1);
	assert_null(tw_reorder_pop_any(ro));
	assert_int_equal(tw_reorder_count(ro), 0);
	tw_reorder_free(ro);
}

static void test_equal_ts(void **state)
{
	struct tw_reorder *ro = tw_reorder_new(3);
	int cpu;

	assert_non_null(ro);
	push(ro, 2, 50, 0);
	push(ro, 0, 50, 0);
	push(ro, 1, 50, 3);
	push(ro, 1, 50, 1); /* same ts, earlier seq arriving late: goes before seq 3 */
	push(ro, 0, 50, 1);
	push(ro, 0, 50, 2);
	push(ro, 1, 49, 0);
	for (cpu = 0; cpu < 3; cpu++)
		tw_reorder_mark_drained(ro, cpu, 51);

	expect(tw_reorder_pop(ro), 1, 49, 0);
	expect(tw_reorder_pop(ro), 0, 50, 0);
	expect(tw_reorder_pop(ro), 0, 50, 1);
	expect(tw_reorder_pop(ro), 0, 50, 2);
	expect(tw_reorder_pop(ro), 1, 50, 1);
	expect(tw_reorder_pop(ro), 1, 50, 3);
	expect(tw_reorder_pop(ro), 2, 50, 0);
	assert_null(tw_reorder_pop(ro));
	tw_reorder_free(ro);
}

static void test_marks_forward_only(void **state)
{
	struct tw_reorder *ro = tw_reorder_new(2);

	assert_non_null(ro);
	tw_reorder_mark_drained(ro, 0, 300);
	tw_reorder_mark_drained(ro, 1, 300);
	tw_reorder_mark_drained(ro, 0, 200);
	assert_int_equal(tw_reorder_watermark(ro), 300);
	/* Had CPU0's mark gone back to 200, this would be held. */
	push(ro, 1, 250, 0);
	expect(tw_reorder_pop(ro), 1, 250, 0);
	/* Out of range is ignored, not a crash. */
	tw_reorder_mark_drained(ro, -1, 1000);
	tw_reorder_mark_drained(ro, 2, 1000);
	assert_int_equal(tw_reorder_watermark(ro), 300);
	tw_reorder_free(ro);
}

static void test_out_of_order_in_cpu(void **state)
{
	struct tw_reorder *ro = tw_reorder_new(2);

	assert_non_null(ro);
	/* CPU0's clock goes back: each late event lands at its place, none is dropped. */
	push(ro, 0, 100, 0);
	push(ro, 0, 300, 1);
	push(ro, 0, 200, 2); /* middle */
	push(ro, 0, 300, 3); /* equal to the tail: after it */
	push(ro, 0, 250, 4); /* middle again */
	push(ro, 1, 150, 0);
	push(ro, 0, 50, 5); /* new head of CPU0: goes before CPU1's head in the merge */
	assert_int_equal(tw_reorder_count(ro), 7);
	assert_int_equal(tw_reorder_watermark(ro), 50);

	expect(tw_reorder_pop(ro), 0, 50, 5);
	expect(tw_reorder_pop(ro), 0, 100, 0);
	expect(tw_reorder_pop(ro), 1, 150, 0);
	tw_reorder_mark_drained(ro, 1, 1000);
	expect(tw_reorder_pop(ro), 0, 200, 2);
	expect(tw_reorder_pop(ro), 0, 250, 4);
	expect(tw_reorder_pop(ro), 0, 300, 1);
	expect(tw_reorder_pop(ro), 0, 300, 3);
	assert_null(tw_reorder_pop(ro));
	assert_int_equal(tw_reorder_count(ro), 0);
	tw_reorder_free(ro);
}

static void test_idle_leaves_middle(void **state)
{
	static const uint64_t marks[7] = {10, 50, 20, 60, 70, 30, 40};
	struct tw_reorder *ro = tw_reorder_new(7);
	int cpu;

	/*
	 * A CPU leaving the middle of the set of idle CPUs: the one that takes its place may
	 * belong higher up. Marks set leaves first keep CPU i at slot i of the idle heap; CPU3
	 * leaving pulls CPU6 (40) under CPU1 (50), and raising CPUs 2, 5, 0 brings that pair to
	 * the top. The lowest idle mark must still be CPU6's 40.
	 */
	assert_non_null(ro);
	for (cpu = 6; cpu >= 0; cpu--)
		tw_reorder_mark_drained(ro, cpu, marks[cpu]);
	assert_int_equal(tw_reorder_watermark(ro), 10);
	push(ro, 3, 45, 0);
	tw_reorder_mark_drained(ro, 2, 1000);
	tw_reorder_mark_drained(ro, 5, 1000);
	tw_reorder_mark_drained(ro, 0, 1000);
	assert_int_equal(tw_reorder_watermark(ro), 40);
	assert_null(tw_reorder_pop(ro));
	tw_reorder_mark_drained(ro, 6, 46);
	assert_int_equal(tw_reorder_watermark(ro), 45);
	expect(tw_reorder_pop(ro), 3, 45, 0);
	assert_int_equal(tw_reorder_watermark(ro), 46);
	tw_reorder_free(ro);
}

static void test_push_bad_cpu(void **state)
{
	struct tw_reorder *ro = tw_reorder_new(2);
	struct tw_event *ev = mk(TW_EV_EXEC, 2, 10, 0);

	assert_non_null(ro);
	ev->exec.filename = tw_strdup("/bin/sh");
	assert_non_null(ev->exec.filename);
	assert_int_equal(tw_reorder_push(ro, ev), -EINVAL);
	ev->cpu = -1;
	assert_int_equal(tw_reorder_push(ro, ev), -EINVAL);
	assert_int_equal(tw_reorder_push(ro, NULL), -EINVAL);
	assert_int_equal(tw_reorder_count(ro), 0);
	assert_null(tw_reorder_pop_any(ro));
	tw_reorder_free(ro);
	/* Still ours: under ASan a double free or a leak here would fail the run. */
	tw_event_free(ev);
}

static void test_free_queued(void **state)
{
	struct tw_reorder *ro = tw_reorder_new(4);
	struct tw_event *ev;
	int i;

	assert_non_null(ro);
	for (i = 0; i < 40; i++) {
		ev = mk(TW_EV_EXEC, i % 4, 1000 - i, i); /* late pushes: exercise inserts */
		ev->exec.filename = tw_strdup("/usr/bin/env");
		ev->proc.cwd = tw_strdup("/tmp");
		assert_non_null(ev->exec.filename);
		assert_non_null(ev->proc.cwd);
		assert_int_equal(tw_reorder_push(ro, ev), 0);
	}
	expect(tw_reorder_pop_any(ro), 3, 961, 39);
	assert_int_equal(tw_reorder_count(ro), 39);
	/* The rest is freed here; LeakSanitizer checks it. */
	tw_reorder_free(ro);
	tw_reorder_free(NULL);
}

static void test_alloc_failure(void **state)
{
	struct tw_reorder *ro;
	long n;

	tw_fault_inject_after(0);
	assert_null(tw_reorder_new(4));
	assert_true(tw_fault_injected() >= 1);
	/* Fail each allocation in turn: always NULL, never a leak (ASan), until all succeed. */
	for (n = 1;; n++) {
		tw_fault_inject_after(n);
		ro = tw_reorder_new(4);
		if (ro)
			break;
		assert_true(tw_fault_injected() >= 1);
		assert_true(n < 100);
	}
	tw_fault_inject_after(-1);
	assert_int_equal(tw_reorder_count(ro), 0);
	push(ro, 1, 5, 0);
	expect(tw_reorder_pop_any(ro), 1, 5, 0);
	tw_reorder_free(ro);

	assert_null(tw_reorder_new(0));
	assert_null(tw_reorder_new(-3));
}

static void test_watermark_count(void **state)
{
	struct tw_reorder *ro = tw_reorder_new(3);

	assert_non_null(ro);
	assert_int_equal(tw_reorder_watermark(ro), 0);
	assert_int_equal(tw_reorder_count(ro), 0);
	tw_reorder_mark_drained(ro, 0, 100);
	tw_reorder_mark_drained(ro, 1, 200);
	tw_reorder_mark_drained(ro, 2, 300);
	assert_int_equal(tw_reorder_watermark(ro), 100);

	push(ro, 0, 150, 0); /* CPU0 now bounded by its head, not its mark */
	assert_int_equal(tw_reorder_watermark(ro), 150);
	assert_int_equal(tw_reorder_count(ro), 1);
	push(ro, 2, 120, 0);
	assert_int_equal(tw_reorder_watermark(ro), 120);
	assert_int_equal(tw_reorder_count(ro), 2);

	expect(tw_reorder_pop(ro), 2, 120, 0);
	assert_int_equal(tw_reorder_watermark(ro), 150);
	assert_int_equal(tw_reorder_count(ro), 1);
	expect(tw_reorder_pop(ro), 0, 150, 0);
	/* All empty again: the lowest mark, CPU0's 100. */
	assert_int_equal(tw_reorder_watermark(ro), 100);
	assert_int_equal(tw_reorder_count(ro), 0);
	assert_null(tw_reorder_pop(ro));
	tw_reorder_free(ro);

	assert_int_equal(tw_reorder_count(NULL), 0);
	assert_null(tw_reorder_pop(NULL));
	assert_null(tw_reorder_pop_any(NULL));
}

#define REF_CPUS 37
#define REF_QLEN 8

/* A linear-scan model of the merger: per-CPU sorted arrays, bounds recomputed each time. */
struct ref {
	uint64_t mark[REF_CPUS];
	uint64_t ts[REF_CPUS][REF_QLEN], seq[REF_CPUS][REF_QLEN];
	int len[REF_CPUS];
};

/* The CPU whose head is oldest by (ts, cpu, seq), or -1 when everything is empty. */
static int ref_top(const struct ref *r)
{
	int cpu, best = -1;

	for (cpu = 0; cpu < REF_CPUS; cpu++)
		if (r->len[cpu] && (best < 0 || r->ts[cpu][0] < r->ts[best][0]))
			best = cpu;
	return best;
}

static uint64_t ref_idle_min(const struct ref *r)
{
	uint64_t m = UINT64_MAX;
	int cpu;

	for (cpu = 0; cpu < REF_CPUS; cpu++)
		if (!r->len[cpu] && r->mark[cpu] < m)
			m = r->mark[cpu];
	return m;
}

static void test_against_reference(void **state)
{
	struct tw_reorder *ro = tw_reorder_new(REF_CPUS);
	struct ref *r = calloc(1, sizeof(*r));
	uint64_t seed = 7, seq = 0, tail[REF_CPUS] = {0};
	int step;

	assert_non_null(ro);
	assert_non_null(r);
	for (step = 0; step < 200000; step++) {
		int op = rnd(&seed) % 8, cpu = rnd(&seed) % REF_CPUS, top, i;
		uint64_t t, idle, wm;
		struct tw_event *ev;

		if (op < 3 && r->len[cpu] < REF_QLEN) {
			/* Mostly forward in time, sometimes back (inserted in place). */
			t = tail[cpu] + rnd(&seed) % 50;
			if (rnd(&seed) % 8 == 0)
				t -= rnd(&seed) % (t + 1);
			tail[cpu] = t > tail[cpu] ? t : tail[cpu];
			push(ro, cpu, t, seq);
			for (i = r->len[cpu]; i > 0 && r->ts[cpu][i - 1] > t; i--) {
				r->ts[cpu][i] = r->ts[cpu][i - 1];
				r->seq[cpu][i] = r->seq[cpu][i - 1];
			}
			r->ts[cpu][i] = t;
			r->seq[cpu][i] = seq++;
			r->len[cpu]++;
		} else if (op < 5) {
			/* Marks jump around, backwards too: the merger must keep the highest. */
			t = tail[cpu] + rnd(&seed) % 100;
			if (rnd(&seed) % 4 == 0)
				t -= rnd(&seed) % (t + 1);
			tw_reorder_mark_drained(ro, cpu, t);
			if (t > r->mark[cpu])
				r->mark[cpu] = t;
		} else {
			top = ref_top(r);
			idle = ref_idle_min(r);
			ev = op < 7 ? tw_reorder_pop(ro) : tw_reorder_pop_any(ro);
			if (top < 0 || (op < 7 && r->ts[top][0] >= idle)) {
				assert_null(ev);
			} else {
				expect(ev, top, r->ts[top][0], r->seq[top][0]);
				r->len[top]--;
				memmove(r->ts[top], r->ts[top] + 1,
					r->len[top] * sizeof(r->ts[0][0]));
				memmove(r->seq[top], r->seq[top] + 1,
					r->len[top] * sizeof(r->seq[0][0]));
			}
		}
		top = ref_top(r);
		wm = ref_idle_min(r);
		if (top >= 0 && r->ts[top][0] < wm)
			wm = r->ts[top][0];
		assert_int_equal(tw_reorder_watermark(ro), wm);
	}
	tw_reorder_free(ro);
	free(r);
}

#define BURST_CPUS 8
#define BURST_MAX  16

/* Output checker: global (ts, cpu, seq) order, and each CPU's events exactly once, in order. */
struct checker {
	struct tw_event last;
	int have_last;
	size_t out;
	uint64_t next_seq[64];
};

static void check_out(struct checker *c, struct tw_event *ev)
{
	if (c->have_last && !key_after(&c->last, ev))
		fail_msg("out of order: (%llu,%d,%llu) after (%llu,%d,%llu)",
			 (unsigned long long)ev->ts, ev->cpu, (unsigned long long)ev->seq,
			 (unsigned long long)c->last.ts, c->last.cpu,
			 (unsigned long long)c->last.seq);
	/* Per-CPU ts are sorted and seq is the index: each CPU must come out as 0, 1, 2, ... */
	if (ev->seq != c->next_seq[ev->cpu])
		fail_msg("cpu %d: seq %llu, want %llu", ev->cpu, (unsigned long long)ev->seq,
			 (unsigned long long)c->next_seq[ev->cpu]);
	c->next_seq[ev->cpu]++;
	c->last.ts = ev->ts;
	c->last.cpu = ev->cpu;
	c->last.seq = ev->seq;
	c->have_last = 1;
	c->out++;
	tw_event_free(ev);
}

static void test_bursts_random(void **state)
{
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	int round;

	for (round = 0; round < 1000; round++) {
		uint64_t ts[BURST_CPUS][BURST_MAX], maxts = 0;
		int n[BURST_CPUS], pushed[BURST_CPUS] = {0};
		int nr = 1 + rnd(&seed) % BURST_CPUS;
		struct checker chk = {.have_last = 0};
		struct tw_reorder *ro = tw_reorder_new(nr);
		struct tw_event *ev;
		size_t total = 0, queued = 0;
		int cpu, i, left;

		assert_non_null(ro);
		for (cpu = 0; cpu < nr; cpu++) {
			uint64_t t = rnd(&seed) % 8;

			n[cpu] = rnd(&seed) % (BURST_MAX + 1);
			for (i = 0; i < n[cpu]; i++) {
				t += rnd(&seed) % 3; /* steps of 0: ties within and across CPUs */
				ts[cpu][i] = t;
			}
			if (n[cpu] && t > maxts)
				maxts = t;
			total += n[cpu];
		}

		for (left = total; left > 0;) {
			int k;

			/* The reader reads a burst of one CPU... */
			cpu = rnd(&seed) % nr;
			k = 1 + rnd(&seed) % 4;
			for (i = 0; i < k && pushed[cpu] < n[cpu]; i++, left--, queued++) {
				push(ro, cpu, ts[cpu][pushed[cpu]], pushed[cpu]);
				pushed[cpu]++;
			}
			/* ...and promises some CPU drained up to t: all its events < t are in. */
			if (rnd(&seed) % 2) {
				uint64_t limit;

				cpu = rnd(&seed) % nr;
				limit = pushed[cpu] < n[cpu] ? ts[cpu][pushed[cpu]] : maxts + 2;
				tw_reorder_mark_drained(ro, cpu, rnd(&seed) % (limit + 1));
			}
			while (1) {
				uint64_t wm = tw_reorder_watermark(ro);

				ev = tw_reorder_pop(ro);
				if (!ev)
					break;
				assert_true(ev->ts <= wm);
				queued--;
				check_out(&chk, ev);
			}
			assert_int_equal(tw_reorder_count(ro), queued);
		}
		while ((ev = tw_reorder_pop_any(ro)))
			check_out(&chk, ev);
		assert_int_equal(chk.out, total);
		for (cpu = 0; cpu < nr; cpu++)
			assert_int_equal(chk.next_seq[cpu], n[cpu]);
		assert_int_equal(tw_reorder_count(ro), 0);
		tw_reorder_free(ro);
	}
}

/* 1,000,000 events over 64 CPUs read round-robin, the way the live reader does. Order only. */
static void test_many_events(void **state)
{
	enum { NR = 64, PER_CPU = 1000000 / NR };
	uint64_t next_ts[NR], seed = 42, now = 0;
	int made[NR] = {0};
	struct checker chk = {.have_last = 0};
	struct tw_reorder *ro = tw_reorder_new(NR);
	struct tw_event *ev;
	size_t done_cpus = 0;
	int cpu;

	assert_non_null(ro);
	for (cpu = 0; cpu < NR; cpu++)
		next_ts[cpu] = 1 + rnd(&seed) % 64;
	while (done_cpus < NR) {
		done_cpus = 0;
		for (cpu = 0; cpu < NR; cpu++) {
			/* Drain CPU @cpu: everything it logged before now, then mark it. */
			now += 37;
			while (made[cpu] < PER_CPU && next_ts[cpu] < now) {
				push(ro, cpu, next_ts[cpu], made[cpu]);
				made[cpu]++;
				next_ts[cpu] += 1 + rnd(&seed) % 128;
			}
			if (made[cpu] == PER_CPU)
				done_cpus++;
			tw_reorder_mark_drained(ro, cpu, now);
			while ((ev = tw_reorder_pop(ro)))
				check_out(&chk, ev);
		}
	}
	while ((ev = tw_reorder_pop_any(ro)))
		check_out(&chk, ev);
	assert_int_equal(chk.out, (size_t)NR * PER_CPU);
	assert_int_equal(tw_reorder_count(ro), 0);
	tw_reorder_free(ro);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fork_before_exec),
	    cmocka_unit_test(test_fork_before_exec_unmarked),
	    cmocka_unit_test(test_watermark_holds_back),
	    cmocka_unit_test(test_mark_equal_ts_held),
	    cmocka_unit_test(test_idle_cpu_holds_back),
	    cmocka_unit_test(test_equal_ts),
	    cmocka_unit_test(test_marks_forward_only),
	    cmocka_unit_test(test_out_of_order_in_cpu),
	    cmocka_unit_test(test_idle_leaves_middle),
	    cmocka_unit_test(test_push_bad_cpu),
	    cmocka_unit_test(test_free_queued),
	    cmocka_unit_test(test_alloc_failure),
	    cmocka_unit_test(test_watermark_count),
	    cmocka_unit_test(test_against_reference),
	    cmocka_unit_test(test_bursts_random),
	    cmocka_unit_test(test_many_events),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
