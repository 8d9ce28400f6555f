// SPDX-License-Identifier: GPL-2.0
/* reorder.c - k-way merge of per-CPU event queues by timestamp, released behind a watermark. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "reorder.h"
#include "util.h"

/*
 * Two indexed binary min-heaps of CPUs partition the CPUs:
 *
 *  - "busy": the CPUs whose queue is non-empty, keyed by (head ts, cpu). Its top is the
 *    oldest queued event; within one CPU the queue is kept in (ts, seq) order, so the
 *    global order is (ts, cpu, seq).
 *  - "idle": the CPUs whose queue is empty, keyed by (drained mark, cpu). Its top is the
 *    lowest bound any idle CPU puts on what may be released.
 *
 * A busy CPU is bounded by its own head, which is >= the busy top, so the top is releasable
 * iff its ts < the idle top's mark. Strictly below: an idle CPU drained up to t may still
 * deliver an event at t, which must come out before an equal-ts event of a higher CPU.
 * Every operation moves one CPU within or between the heaps, O(log nr_cpus), never a scan
 * over all CPUs: pop is called once per event.
 *
 * Heap nodes carry their key next to the CPU number so sifting never touches the events.
 */

enum { HEAP_BUSY, HEAP_IDLE, HEAP_NR };

struct heap_node {
	uint64_t key; /* busy: head ts; idle: drained mark */
	int cpu;
};

struct heap {
	struct heap_node *node; /* nr_cpus slots */
	int len;
	int which; /* HEAP_BUSY or HEAP_IDLE: index into cpu_queue.pos[] */
};

struct cpu_queue {
	struct tw_event *head; /* oldest; FIFO linked through ->next */
	struct tw_event *tail;
	uint64_t mark;	  /* drained up to here: no event with ts < mark will come */
	int pos[HEAP_NR]; /* slot in each heap, -1 when not in it */
};

struct tw_reorder {
	int nr_cpus;
	size_t count;
	struct cpu_queue *cpus;
	struct heap busy;
	struct heap idle;
};

static bool node_less(const struct heap_node *a, const struct heap_node *b)
{
	if (a->key != b->key)
		return a->key < b->key;
	return a->cpu < b->cpu;
}

static void heap_place(struct tw_reorder *ro, struct heap *h, int i, struct heap_node n)
{
	h->node[i] = n;
	ro->cpus[n.cpu].pos[h->which] = i;
}

static void heap_sift_up(struct tw_reorder *ro, struct heap *h, int i)
{
	struct heap_node n = h->node[i];

	while (i > 0) {
		int parent = (i - 1) / 2;

		if (!node_less(&n, &h->node[parent]))
			break;
		heap_place(ro, h, i, h->node[parent]);
		i = parent;
	}
	heap_place(ro, h, i, n);
}

static void heap_sift_down(struct tw_reorder *ro, struct heap *h, int i)
{
	struct heap_node n = h->node[i];

	for (;;) {
		int child = 2 * i + 1;

		if (child >= h->len)
			break;
		if (child + 1 < h->len && node_less(&h->node[child + 1], &h->node[child]))
			child++;
		if (!node_less(&h->node[child], &n))
			break;
		heap_place(ro, h, i, h->node[child]);
		i = child;
	}
	heap_place(ro, h, i, n);
}

static void heap_insert(struct tw_reorder *ro, struct heap *h, int cpu, uint64_t key)
{
	int i = h->len++;

	h->node[i] = (struct heap_node){.key = key, .cpu = cpu};
	heap_sift_up(ro, h, i);
}

static void heap_remove(struct tw_reorder *ro, struct heap *h, int cpu)
{
	int i = ro->cpus[cpu].pos[h->which];
	int last = --h->len;

	ro->cpus[cpu].pos[h->which] = -1;
	if (i == last)
		return;
	/* The last node fills the hole; it may belong above or below it. */
	heap_place(ro, h, i, h->node[last]);
	if (i > 0 && node_less(&h->node[i], &h->node[(i - 1) / 2]))
		heap_sift_up(ro, h, i);
	else
		heap_sift_down(ro, h, i);
}

/* Order within one CPU queue: (ts, seq). */
static bool event_before(const struct tw_event *a, const struct tw_event *b)
{
	if (a->ts != b->ts)
		return a->ts < b->ts;
	return a->seq < b->seq;
}

/**
 * tw_reorder_new() - a merger for CPUs 0..@nr_cpus-1
 * @nr_cpus: number of CPUs, > 0
 *
 * Every CPU starts empty with its drained mark at 0, so nothing is released by
 * tw_reorder_pop() until each CPU either has queued events or has been marked drained.
 * All memory the merger needs is allocated here: push and pop never allocate.
 *
 * Return: the merger, freed with tw_reorder_free(); NULL if @nr_cpus <= 0 or on allocation
 * failure (nothing is left allocated).
 */
struct tw_reorder *tw_reorder_new(int nr_cpus)
{
	struct tw_reorder *ro;
	int cpu;

	if (nr_cpus <= 0)
		return NULL;
	ro = tw_calloc(1, sizeof(*ro));
	if (!ro)
		return NULL;
	ro->nr_cpus = nr_cpus;
	ro->cpus = tw_calloc(nr_cpus, sizeof(*ro->cpus));
	if (!ro->cpus)
		goto out_free_ro;
	ro->busy.node = tw_calloc(nr_cpus, sizeof(*ro->busy.node));
	if (!ro->busy.node)
		goto out_free_cpus;
	ro->idle.node = tw_calloc(nr_cpus, sizeof(*ro->idle.node));
	if (!ro->idle.node)
		goto out_free_busy;
	ro->busy.which = HEAP_BUSY;
	ro->idle.which = HEAP_IDLE;

	/* Every CPU starts idle at mark 0: equal keys in CPU order already form a heap. */
	for (cpu = 0; cpu < nr_cpus; cpu++) {
		ro->cpus[cpu].pos[HEAP_BUSY] = -1;
		heap_place(ro, &ro->idle, cpu, (struct heap_node){.key = 0, .cpu = cpu});
	}
	ro->idle.len = nr_cpus;
	return ro;

out_free_busy:
	free(ro->busy.node);
out_free_cpus:
	free(ro->cpus);
out_free_ro:
	free(ro);
	return NULL;
}

/**
 * tw_reorder_free() - free a merger and every event still queued in it
 * @ro: the merger, or NULL
 *
 * Queued events are released with tw_event_free(); events already popped belong to the caller
 * and are not touched.
 */
void tw_reorder_free(struct tw_reorder *ro)
{
	int cpu;

	if (!ro)
		return;
	for (cpu = 0; cpu < ro->nr_cpus; cpu++) {
		struct tw_event *ev = ro->cpus[cpu].head;

		while (ev) {
			struct tw_event *next = ev->next;

			tw_event_free(ev);
			ev = next;
		}
	}
	free(ro->idle.node);
	free(ro->busy.node);
	free(ro->cpus);
	free(ro);
}

/**
 * tw_reorder_push() - queue an event on the queue of its CPU
 * @ro: the merger
 * @ev: the event; ev->cpu selects the queue, ev->ts and ev->seq its place in it
 *
 * The common case appends at the tail in O(1) (plus O(log nr_cpus) when the queue was
 * empty). An event older than the tail (the CPU's clock went back) is inserted at its (ts, seq)
 * place by a walk from the head: a rare path, and the event is never dropped. The merger
 * takes ownership of @ev only on success.
 *
 * Return: 0, or -EINVAL if ev->cpu is out of range (nothing changed, @ev still the caller's).
 */
int tw_reorder_push(struct tw_reorder *ro, struct tw_event *ev)
{
	struct cpu_queue *q;

	if (!ro || !ev || ev->cpu < 0 || ev->cpu >= ro->nr_cpus)
		return -EINVAL;
	q = &ro->cpus[ev->cpu];
	ev->next = NULL;

	if (!q->head) {
		/* The CPU's bound changes from its mark to this event. */
		q->head = ev;
		q->tail = ev;
		heap_remove(ro, &ro->idle, ev->cpu);
		heap_insert(ro, &ro->busy, ev->cpu, ev->ts);
	} else if (!event_before(ev, q->tail)) {
		q->tail->next = ev;
		q->tail = ev;
	} else if (event_before(ev, q->head)) {
		/* New oldest event of the CPU: its key in the busy heap goes down. */
		ev->next = q->head;
		q->head = ev;
		ro->busy.node[q->pos[HEAP_BUSY]].key = ev->ts;
		heap_sift_up(ro, &ro->busy, q->pos[HEAP_BUSY]);
	} else {
		/* head <= ev < tail: the walk stops before reaching the tail. */
		struct tw_event *prev = q->head;

		while (!event_before(ev, prev->next))
			prev = prev->next;
		ev->next = prev->next;
		prev->next = ev;
	}
	ro->count++;
	return 0;
}

/**
 * tw_reorder_mark_drained() - promise that a CPU delivers no event with ts < @t from now on
 * @ro: the merger
 * @cpu: the CPU the reader drained
 * @t: a time taken before the read that found the CPU empty, less a safety slack
 *
 * Marks only move forward: a lower @t than the current mark is ignored, and so is a @cpu out
 * of range. The mark bounds the CPU only while its queue is empty; O(log nr_cpus).
 */
void tw_reorder_mark_drained(struct tw_reorder *ro, int cpu, uint64_t t)
{
	struct cpu_queue *q;

	if (!ro || cpu < 0 || cpu >= ro->nr_cpus)
		return;
	q = &ro->cpus[cpu];
	if (t <= q->mark)
		return;
	q->mark = t;
	if (q->pos[HEAP_IDLE] >= 0) {
		ro->idle.node[q->pos[HEAP_IDLE]].key = t;
		heap_sift_down(ro, &ro->idle, q->pos[HEAP_IDLE]);
	}
}

/* Unlink the oldest queued event; the busy heap must not be empty. */
static struct tw_event *take_oldest(struct tw_reorder *ro)
{
	int cpu = ro->busy.node[0].cpu;
	struct cpu_queue *q = &ro->cpus[cpu];
	struct tw_event *ev = q->head;

	q->head = ev->next;
	ev->next = NULL;
	if (q->head) {
		ro->busy.node[0].key = q->head->ts;
		heap_sift_down(ro, &ro->busy, 0);
	} else {
		/* Empty again: from now on only the drained mark bounds this CPU. */
		q->tail = NULL;
		heap_remove(ro, &ro->busy, cpu);
		heap_insert(ro, &ro->idle, cpu, q->mark);
	}
	ro->count--;
	return ev;
}

/**
 * tw_reorder_pop() - the oldest queued event, if no CPU can still deliver an older one
 * @ro: the merger
 *
 * Busy CPUs are bounded by their heads, all >= the oldest event, so only idle CPUs' drained
 * marks can hold it back: it is released when its ts < the lowest of them (an idle CPU may
 * still deliver an event at exactly its mark). Equal timestamps come out by CPU number, then
 * ev->seq. O(log nr_cpus).
 *
 * Return: the event, owned by the caller from now on (its ->next is NULL), or NULL when the
 * merger is empty or the oldest event is above the watermark (nothing is changed then).
 */
struct tw_event *tw_reorder_pop(struct tw_reorder *ro)
{
	if (!ro || !ro->busy.len)
		return NULL;
	if (ro->idle.len && ro->busy.node[0].key >= ro->idle.node[0].key)
		return NULL;
	return take_oldest(ro);
}

/**
 * tw_reorder_pop_any() - the oldest queued event, ignoring the watermark
 * @ro: the merger
 *
 * For the end of the stream, when no CPU will deliver anything more. O(log nr_cpus).
 *
 * Return: the event, owned by the caller (its ->next is NULL), or NULL if nothing is queued.
 */
struct tw_event *tw_reorder_pop_any(struct tw_reorder *ro)
{
	if (!ro || !ro->busy.len)
		return NULL;
	return take_oldest(ro);
}

/**
 * tw_reorder_watermark() - the lowest bound over all CPUs
 * @ro: the merger
 *
 * The lower of the oldest queued timestamp and the lowest drained mark of an idle CPU: no event
 * with a smaller ts can come out of tw_reorder_pop() any more (unless a CPU breaks its promise).
 * O(1).
 *
 * Return: the watermark in trace ns; 0 for a NULL merger.
 */
uint64_t tw_reorder_watermark(const struct tw_reorder *ro)
{
	uint64_t wm = UINT64_MAX;

	if (!ro)
		return 0;
	if (ro->busy.len)
		wm = ro->busy.node[0].key;
	if (ro->idle.len && ro->idle.node[0].key < wm)
		wm = ro->idle.node[0].key;
	return wm;
}

/**
 * tw_reorder_count() - number of events queued in the merger
 * @ro: the merger, or NULL (0)
 *
 * Return: the count, O(1).
 */
size_t tw_reorder_count(const struct tw_reorder *ro)
{
	return ro ? ro->count : 0;
}
