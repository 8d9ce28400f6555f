/* SPDX-License-Identifier: GPL-2.0 */
/*
 * model.h - the task model: which task belongs to which process, who created it, which cwd
 * it has; turns the ordered event stream into exec records with absolute paths.
 *
 * Pure: it does no I/O of its own. /proc values arrive inside the events (struct tw_proc_read,
 * read at arrival, stamped with read times); the model decides whether each such value can be
 * the one in force at the event's time, and holds a record back until every event that could
 * prove the value wrong (a chdir, exec or exit before the read) has been applied.
 * A value that can't be established is reported as unknown: never guessed.
 */
#ifndef TW_MODEL_H
#define TW_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "event.h"
#include "path.h"
#include "procfs.h"
#include "record.h"

struct tw_model;

/*
 * How long after an exit the model waits for the task's end before it lets the exit record
 * out without it. The kernel sends the task end before the exit event fires, so it is read
 * in the next pass over the side sources: this bound only matters when it was lost.
 */
#define TW_MODEL_TASK_END_WAIT_NS (1000ull * 1000 * 1000)

/*
 * Records held at most. Live, a record waits tens of milliseconds (a few thousand at the
 * highest exec rates); a recording whose reads claim far-future times would otherwise hold
 * every record and make each event scan them all. Beyond it the oldest goes out with what
 * it waited for counted as unknown (stats: given_up).
 */
#define TW_MODEL_HELD_MAX 8192

/* Which set*id calls the stream shows (the uids the model can follow). */
enum tw_creds_mode {
	TW_CREDS_NONE,		/* none: uids only from /proc and task ends */
	TW_CREDS_LIBC,		/* libc's (uprobes): static programs' calls are not seen */
	TW_CREDS_SYSCALLS,	/* every one (syscall events) */
};

struct tw_model_opts {
	bool all_events;		/* also emit fork, exit and chdir records */
	/*
	 * Task ends (TW_EV_TASK_END) come in the stream: an exit record waits for its task's
	 * end (exit status) until the stream is TW_MODEL_TASK_END_WAIT_NS past the exit.
	 */
	bool task_ends;
	/*
	 * The stream carries fanotify items (TW_EV_FAN_EXEC): each exec record waits until
	 * the items of its exec have been applied, i.e. until a sync item (tid 0) proves that
	 * every open before the exec was delivered, and is checked against them (see
	 * tw_model_apply()).
	 */
	bool fanotify;
	bool taskstats;			/* the stream carries task ends (TW_EV_TASK_END) */
	enum tw_creds_mode creds;
	/* The ELF loader of the probed libc: a program it loads calls that libc (TW_CREDS_LIBC). */
	struct tw_file_id host_loader;
	/*
	 * Its path (canonical, found at start; borrowed): the path of fanotify items of that
	 * file, which come without one (TW_FAN_PATH_SKIPPED). NULL: unknown.
	 */
	const char *host_loader_path;
	/*
	 * Report a path or cwd made from the tracked cwd even when nothing from the kernel
	 * showed it right (path_check "unverified"): for the tests of the tiers themselves.
	 * Off, such a path is reported only when /proc's exe names the same file, and such a
	 * cwd only when /proc agreed at the exec or a path made from it checked out.
	 */
	bool report_unchecked;
	tw_realpath_fn realpath_fn;	/* canonicalise a directory (for ".." in exec filenames) */
	void *realpath_ctx;
	/* Receives each finished record, in timestamp order, and owns it. Non-zero stops. */
	int (*emit)(struct tw_record *rec, void *ctx);
	void *emit_ctx;
};

struct tw_model_stats {
	uint64_t events;	/* events applied */
	uint64_t execs;		/* exec records emitted */
	uint64_t unresolved;	/* exec records without a path */
	uint64_t lost;		/* events the kernel reported lost */
	uint64_t side_lost;	/* fanotify / taskstats queue overflows */
	uint64_t string_fallbacks; /* chdir strings from uprobes that could not be used */
	uint64_t tasks;		/* tasks in the table now */
	uint64_t pending;	/* records held back now */
	uint64_t uid_conflicts;	/* tracked uids the kernel (/proc, task end) contradicted */
	uint64_t given_up;	/* records let out before what they waited for was known */
};

/* A model with an empty task table. NULL on allocation failure. */
struct tw_model *tw_model_new(const struct tw_model_opts *opts);

/* Free the model; held records are dropped (call tw_model_flush() first to get them). NULL ok. */
void tw_model_free(struct tw_model *m);

/*
 * Add a task that existed before tracing started (from tw_proc_snapshot()). Threads of one
 * process share one cwd. Its cwd counts as read at t->t_read: an event before that time that
 * could have changed it makes it unknown. Returns 0 or -ENOMEM.
 */
int tw_model_seed(struct tw_model *m, const struct tw_proc_task *t);

/*
 * Apply one event; events must come in timestamp order (tw_reorder's output).
 *
 * fanotify items (TW_EV_FAN_EXEC, stamped with their read time): an item with tid 0 is a
 * sync: the fanotify queue was read empty at a time before the previous sync's timestamp,
 * so once a sync is applied every file opened for an exec before the previous sync's time
 * has been applied too. Items of one exec caller (tid = sched_process_exec's old_pid) are
 * matched to its exec records in order: program, interpreters, the final ELF (what
 * /proc/PID/exe names: identified by the /proc read of the exec or the task end's exe
 * identity), then its ELF loader; items of failed attempts may come first. A lost item
 * (queue overflow) makes every exec whose caller could have opened a file before it unknown.
 * A path made from the cwd and the filename is reported only when it names the file the
 * item says was opened; otherwise the kernel's path of that file is reported
 * (path_source "fanotify") and path_check says "mismatch".
 *
 * The model may move the /proc strings and exec filename out of @ev (leaving NULL); the caller still frees
 * @ev. Records that are ready are passed to opts->emit. Returns 0, -ENOMEM, or the first
 * non-zero value returned by emit.
 */
int tw_model_apply(struct tw_model *m, struct tw_event *ev);

/*
 * Tell the model that every event with ts <= @watermark has been applied: records held for a
 * /proc read before that time are released. Returns 0 or the emit error.
 */
int tw_model_advance(struct tw_model *m, uint64_t watermark);

/* End of stream: release every held record. Returns 0 or the emit error. */
int tw_model_flush(struct tw_model *m);

/* Counters. */
void tw_model_get_stats(const struct tw_model *m, struct tw_model_stats *st);

#endif
