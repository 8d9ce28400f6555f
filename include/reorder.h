/* SPDX-License-Identifier: GPL-2.0 */
/*
 * reorder.h - k-way merge of per-CPU event queues by timestamp, released behind a watermark.
 *
 * Each CPU's ring buffer is ordered in time, but the buffers are read one after another, so
 * a fork read from CPU0 may arrive after its child's exec read from CPU1. An event is only
 * released once no CPU can still deliver an earlier one: for a CPU with queued events that
 * bound is its oldest queued timestamp (later events of that CPU are not older); for a CPU
 * with an empty queue it is the time up to which the reader has drained it
 * (tw_reorder_mark_drained()).
 *
 * An empty CPU drained up to t may still deliver an event at exactly t, so an event is held
 * until its ts is strictly below every empty CPU's mark: otherwise an equal-ts event of a lower
 * CPU could arrive after it and break the (ts, cpu, seq) output order.
 *
 * Costs: push O(1) (O(log nr_cpus) when a queue turns non-empty; a walk of that CPU's queue
 * when its clock went back), pop and mark O(log nr_cpus), watermark and count O(1). Push and
 * pop never allocate: the queues are linked through ev->next.
 */
#ifndef TW_REORDER_H
#define TW_REORDER_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

struct tw_reorder;

/* A merger for CPUs 0..@nr_cpus-1, every CPU's drained mark at 0. NULL on failure. */
struct tw_reorder *tw_reorder_new(int nr_cpus);

/* Free the merger and every event still queued. Accepts NULL. */
void tw_reorder_free(struct tw_reorder *ro);

/*
 * Queue @ev (ownership moves to the merger on success) on the queue of ev->cpu.
 * Events of one CPU are expected in non-decreasing ts; one that goes back in time is
 * inserted at its ordered place in that CPU's queue rather than dropped.
 * Returns 0, or -EINVAL when ev->cpu is out of range (ownership stays with the caller).
 */
int tw_reorder_push(struct tw_reorder *ro, struct tw_event *ev);

/*
 * Promise that CPU @cpu will deliver no event with ts < @t from now on (the reader drained
 * it empty, and @t was taken before that read, less a safety slack). Marks only move forward.
 */
void tw_reorder_mark_drained(struct tw_reorder *ro, int cpu, uint64_t t);

/*
 * The oldest queued event if it is safe to release (its ts is below the drained mark of every
 * CPU with an empty queue; CPUs with queued events are bounded by their own, later, heads),
 * else NULL. Equal timestamps come out by CPU number, then arrival order (ev->seq).
 * The caller owns the returned event (its ->next is NULL).
 */
struct tw_event *tw_reorder_pop(struct tw_reorder *ro);

/* The oldest queued event regardless of the watermark (end of stream), or NULL if empty. */
struct tw_event *tw_reorder_pop_any(struct tw_reorder *ro);

/*
 * The release watermark: the lowest bound over all CPUs, i.e. the lower of the oldest queued
 * ts and the lowest drained mark of a CPU with an empty queue. No event with a smaller ts can
 * come out of tw_reorder_pop() any more (as long as the readers keep their promises).
 */
uint64_t tw_reorder_watermark(const struct tw_reorder *ro);

/* Number of queued events. */
size_t tw_reorder_count(const struct tw_reorder *ro);

#endif
