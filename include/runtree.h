/* SPDX-License-Identifier: GPL-2.0 */
/*
 * runtree.h - the process tree of one `tracewatch run`: built from the records the pipeline
 * emits (fork, exec, exec_failed, exit), printed at the end as a tree (pstree-like, with
 * durations and exit statuses), a summary per program, and a timeline in Chrome's
 * trace-event JSON format (ui.perfetto.dev, chrome://tracing).
 *
 * A process stays under the parent that forked it, also after it was orphaned (tracewatch
 * is the subreaper of the tree). Its label is its last successful exec; a process that never
 * exec'd is shown as a fork of its parent's program. Failed exec attempts are kept with their
 * errno, except the misses of a PATH search: the attempts the pipeline folded into the next
 * exec (its failed_attempts), and, when every attempt comes as a record, one that failed with
 * ENOENT, ENOTDIR or EACCES and was followed, in the same process, by a successful exec of a
 * program of the same name. The summary counts the ones left out.
 */
#ifndef TW_RUNTREE_H
#define TW_RUNTREE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "record.h"

struct tw_runtree;

/* Runs of at least this many identical, successful sibling processes print as one line. */
#define TW_RUNTREE_COLLAPSE_MIN 3
/* Longest label (escaped argv) printed in the tree and summary, in bytes. */
#define TW_RUNTREE_LABEL_MAX 100

struct tw_runtree_counts {
	unsigned int processes;
	unsigned int execs;		/* successful exec records */
	unsigned int failed_execs;	/* shown (PATH search misses not counted) */
	unsigned int path_misses;	/* PATH search misses left out (folded or hidden) */
	unsigned int nonzero_exits;
	unsigned int killed;
	unsigned int running;		/* no exit seen by the end */
};

/*
 * An empty tree whose root is @root_pid, started (released) at @start_ns (CLOCK_MONOTONIC).
 * NULL on allocation failure. Free with tw_runtree_free().
 */
struct tw_runtree *tw_runtree_new(int root_pid, uint64_t start_ns);

/* Free the tree. Accepts NULL. */
void tw_runtree_free(struct tw_runtree *t);

/*
 * Take in one record, in timestamp order (the pipeline's consumer hook); copies what it keeps.
 * fork, exec, exec_failed and exit records of processes not in the tree are ignored, as are
 * other types. Returns 0 or -ENOMEM (the tree stays usable, without that record).
 */
int tw_runtree_add(struct tw_runtree *t, const struct tw_record *rec);

/* Tracing ended at @end_ns: processes without an exit count as still running until then. */
void tw_runtree_end(struct tw_runtree *t, uint64_t end_ns);

void tw_runtree_get_counts(const struct tw_runtree *t, struct tw_runtree_counts *c);

/*
 * Print the tree to @f; @color highlights failures (ANSI red: non-zero exits, killing
 * signals, failed execs). Returns 0, or -EIO when writing failed.
 */
int tw_runtree_print_tree(const struct tw_runtree *t, FILE *f, bool color);

/*
 * Print the summary to @f: the counts, one line per program (processes, total and longest
 * duration), then the failed execs, non-zero exits, killed and still running processes.
 * Returns 0, or -EIO when writing failed.
 */
int tw_runtree_print_summary(const struct tw_runtree *t, FILE *f);

/* Print one line per process still running at the end ("  [pid] label"). Returns 0 or -EIO. */
int tw_runtree_print_running(const struct tw_runtree *t, FILE *f);

/*
 * Write the timeline to @f as Chrome trace-event JSON: one track per process (tid = its pid),
 * grouped under its parent (pid = the parent's pid; the root under itself), a complete event
 * "X" per process over its lifetime and an instant event "i" per failed exec; timestamps in
 * microseconds since the root's start, in order. Returns 0, -ENOMEM, or -EIO.
 */
int tw_runtree_write_timeline(const struct tw_runtree *t, FILE *f);

#endif
