/* SPDX-License-Identifier: GPL-2.0 */
/*
 * model_fixture.h - what the model's unit tests share: a sink that keeps the records the
 * model lets out, and builders of the events every test feeds it. Include after cmocka.h.
 */
#ifndef TW_MODEL_FIXTURE_H
#define TW_MODEL_FIXTURE_H

#include <stdint.h>
#include <stdlib.h>

#include "event.h"
#include "model.h"

#define CLONE_VM 0x100ull
#define CLONE_FS 0x200ull
#define CLONE_SIGHAND 0x800ull
#define CLONE_THREAD 0x10000ull
#define CLONE_NEWUSER 0x10000000ull
#define THREAD_FLAGS (CLONE_VM | CLONE_FS | CLONE_SIGHAND | CLONE_THREAD)

/* Records kept by a sink; a test that makes more fails (or frees them, see collect_or_free). */
#define SINK_MAX 64

struct sink {
	struct tw_record *recs[SINK_MAX];
	int n;
};

/* The model's emit: keep the record (a full sink fails the test). */
static inline int collect(struct tw_record *rec, void *ctx)
{
	struct sink *s = ctx;

	assert_true(s->n < SINK_MAX);
	s->recs[s->n++] = rec;
	return 0;
}

static inline void sink_clear(struct sink *s)
{
	while (s->n)
		tw_record_free(s->recs[--s->n]);
}

/* Apply @ev (taken) and check it was accepted. */
static inline void apply(struct tw_model *m, struct tw_event *ev)
{
	assert_int_equal(tw_model_apply(m, ev), 0);
	tw_event_free(ev);
}

/* task_newtask: @creator made @pid with @flags. */
static inline void newtask(struct tw_model *m, uint64_t ts, int creator, int pid, uint64_t flags)
{
	struct tw_event *ev = tw_event_new(TW_EV_NEWTASK);

	ev->ts = ts;
	ev->tid = creator;
	ev->newtask.pid = pid;
	ev->newtask.clone_flags = flags;
	apply(m, ev);
}

#endif
