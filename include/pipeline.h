/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pipeline.h - the one session every command runs: sources -> decode (+ arrival reads) ->
 * reorder -> model -> filter -> sink, with an optional recording of every input, the poll
 * loop, stats and the stop conditions (signal, deadline, end of a watched process, end of a
 * recording). `tracewatch`, `record`, `report` and the bench only fill in the options.
 *
 * Live, the inputs are the tracefs instance's per-CPU buffers and what /proc and the file
 * system answer at arrival; replayed, they all come from a recording (recording.h) in the
 * same order, so the model makes the same decisions and the sink prints the same bytes.
 */
#ifndef TW_PIPELINE_H
#define TW_PIPELINE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "filter.h"
#include "sink.h"
#include "source.h"

struct tw_pipeline;

struct tw_pipeline_opts {
	/* Input: a recording to replay (borrowed FILE), or NULL for the live kernel. */
	FILE *replay;
	const char *replay_name;	/* for messages */
	bool replay_skip_crc;		/* the fuzz harness only: reach the payload decoders */
	struct tw_source_opts source;	/* live only */
	bool no_snapshot;		/* live: do not read /proc at start (bench) */
	bool no_fanotify;		/* live: no FAN_OPEN_EXEC listener */
	bool no_taskstats;		/* live: no taskstats listener */
	bool fanotify_unlimited;	/* live: fanotify's queue never overflows */

	/* Processing. */
	bool all_events;		/* also fork, exit and chdir records */
	bool show_failed;		/* every failed exec attempt, none folded */
	struct tw_filter filter;
	/*
	 * > 0: only this process and its descendants (run): followed through the fork events
	 * in stream order, every other task's events (also fanotify's and taskstats', which
	 * are host-wide) are dropped before the model. Live, the kernel filters too
	 * (source.filter_pid).
	 */
	int tree_pid;
	bool tree_existing;		/* tree_pid runs already (live --pid): its threads and
					   descendants found in /proc join the tree at start */
	/* Hands each record that passed the filter to @consume (borrowed for the call) before
	 * the sink; non-zero stops the run with that error. NULL: none. */
	int (*consume)(const struct tw_record *rec, void *ctx);
	void *consume_ctx;
	bool sink_execs_only;		/* only exec, exec_failed and lost records reach @out */

	/* Output: records to @out in @format (NULL: none), every input to @record (NULL: none). */
	enum tw_format format;
	struct tw_sink_opts sink;	/* the table's layout */
	FILE *out;
	const char *out_path;		/* the file behind @out (NULL: not a file we opened) */
	bool out_append;		/* @out goes on from an existing file: no header */
	FILE *record;

	/* Stop conditions, besides the end of a recording. */
	double duration;		/* seconds, 0: none */
	unsigned int poll_ms;		/* how often quiet buffers are read */
	volatile sig_atomic_t *stop;	/* non-zero: stop (set by the front end's handler) */
	/*
	 * Live: asked after every wake-up; true stops the run (then the last events are read,
	 * as after any stop). run's "the watched tree is gone". NULL: never.
	 */
	bool (*done)(void *ctx);
	void *done_ctx;
	/* Log rotation: non-zero reopens @out_path (the pipeline clears it). */
	volatile sig_atomic_t *reopen;
	/* Non-zero prints a stats line to stderr now (the pipeline clears it). */
	volatile sig_atomic_t *stats_now;
	double stats_interval;		/* seconds between stats lines, 0: none */
};

struct tw_pipeline_stats {
	uint64_t events;	/* events applied to the model */
	uint64_t execs;		/* exec records made */
	uint64_t unresolved;	/* exec records without a path */
	uint64_t string_fallbacks;
	uint64_t uid_conflicts;		/* tracked uids the kernel contradicted */
	uint64_t given_up;		/* records let out before their reads were settled */
	uint64_t records;	/* records written to the output (after filters) */
	uint64_t lost;		/* events the kernel said it lost */
	uint64_t side_lost;	/* fanotify / taskstats queue overflows */
	uint64_t overrun;	/* the kernel's overrun counters at the end (live) */
	uint64_t late;		/* events read after newer ones were let out */
	uint64_t recorded_bytes;
	uint64_t not_written;	/* records lost to a failed output (disk full) */
	uint64_t reopened;	/* times the output was reopened */
};

/*
 * Print a stats line to @f: the counters, and with @rates their rates since the last such
 * line and tracewatch's own CPU time per exec.
 */
void tw_pipeline_print_stats(struct tw_pipeline *p, FILE *f, bool rates);

/*
 * Set up every stage. Live: opens the tracefs source (instance, events, probes), reads the
 * start-up snapshot of /proc; replay: reads the recording's header and metadata. On failure a
 * message says what failed and NULL is returned with nothing left behind.
 */
struct tw_pipeline *tw_pipeline_new(const struct tw_pipeline_opts *opts);

/* One line to stderr saying what is traced and how (live), or what is replayed. */
void tw_pipeline_banner(const struct tw_pipeline *p, FILE *f);

/*
 * Run until a stop condition, then drain and let out everything held, close the sink (flushed)
 * and end the recording. Returns 0; -EPIPE when the output's reader went away; -EIO when
 * writing records or the recording failed; -EBADMSG when a replayed recording is damaged (the
 * records before the damage were written); -ENOMEM; other -errno from the kernel side.
 * tw_pipeline_error() says what failed. Call once.
 */
int tw_pipeline_run(struct tw_pipeline *p);

/* What went wrong, for the front end's message ("" when nothing did). */
const char *tw_pipeline_error(const struct tw_pipeline *p);

void tw_pipeline_get_stats(const struct tw_pipeline *p, struct tw_pipeline_stats *st);

/*
 * Tear down: removes the tracefs instance and probes, frees everything. (Outputs not closed by
 * tw_pipeline_run() are closed here, errors ignored.) Returns 0, or -EBUSY when the instance
 * or probes could not be removed (after a message). Accepts NULL.
 */
int tw_pipeline_free(struct tw_pipeline *p);

#endif
