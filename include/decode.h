/* SPDX-License-Identifier: GPL-2.0 */
/*
 * decode.h - raw ring-buffer events to struct tw_event, with event layouts read at run time
 * from the kernel's format files (libtraceevent), field handles looked up once.
 */
#ifndef TW_DECODE_H
#define TW_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#include "event.h"

struct tep_handle;
struct tw_decoder;

/* The events the decoder understands, and so the ones a source should enable. */
struct tw_event_spec {
	const char *system;
	const char *name;
	bool required;		/* tracewatch cannot work without it */
	int tag;		/* decoder-private */
	const char *filter;	/* tracefs filter written when it is enabled; NULL: none */
};

/* NULL-terminated list of the events tracewatch uses. */
const struct tw_event_spec *tw_decode_event_specs(void);

/*
 * A decoder for the events of @tep (borrowed: it must outlive the decoder). Looks up every
 * event and field once, and the uprobe events of group @uprobe_group (NULL: none). Returns
 * NULL when a required event or field is missing (after a message that names it) or on
 * allocation failure.
 */
struct tw_decoder *tw_decoder_new(struct tep_handle *tep, const char *uprobe_group);

/*
 * Look for the uprobe events of @group again (after probes were added at run time).
 * Returns 0 or -ENOMEM (then no uprobe event is decoded until the next refresh).
 */
int tw_decoder_refresh_uprobes(struct tw_decoder *d, const char *group);

/*
 * Call @cb for each event the decoder reads (by id, in id order), with its system and name
 * (borrowed from the tep). Stops at and returns the first non-zero return of @cb; else 0.
 */
int tw_decoder_for_each_event(const struct tw_decoder *d,
			      int (*cb)(int id, const char *system, const char *name, void *ctx),
			      void *ctx);

/* Number of uprobe events the decoder found. */
int tw_decoder_uprobe_count(const struct tw_decoder *d);

/* Accepts NULL. */
void tw_decoder_free(struct tw_decoder *d);

/* Whether the chdir syscall event carries the path string itself (Linux 6.19+ formats). */
bool tw_decoder_has_chdir_string(const struct tw_decoder *d);

/*
 * Decode one raw event (@data, @size bytes, as kbuffer returns it) read from @cpu at trace
 * time @ts. Returns 1 and a new event in *@out (caller frees), 0 when the event is not one
 * tracewatch uses or is malformed (too short for its fields), or -ENOMEM.
 */
int tw_decoder_decode(struct tw_decoder *d, int cpu, uint64_t ts, const void *data, int size,
		      struct tw_event **out);

#endif
