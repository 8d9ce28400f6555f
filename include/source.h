/* SPDX-License-Identifier: GPL-2.0 */
/*
 * source.h - the live trace source: a private tracefs instance "tracewatch-<pid>" with the
 * "mono" clock, the events tracewatch needs, and per-CPU raw buffer readers.
 * The instance is the tool's only footprint on the host; tw_source_close() removes it.
 */
#ifndef TW_SOURCE_H
#define TW_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "procfs.h"

#include "decode.h"

struct tep_handle;
struct tw_source;

struct tw_source_opts {
	size_t buffer_kb;		/* per-CPU ring buffer size */
	unsigned int buffer_percent;	/* wake the reader when a buffer is this full */
	const struct tw_event_spec *events; /* NULL-terminated; required ones must enable */
	bool uprobes;			/* try the libc uprobe string tier */
	int uprobe_args;		/* argv elements captured per exec */
	bool no_syscalls;		/* enable no syscall event: uprobes stand in for them */
	/*
	 * > 0: trace only this process and its descendants (set_event_pid with the event-fork
	 * option: the kernel adds each child at fork and drops each pid at exit), so other tasks
	 * cost only the tracepoint's pid check.
	 */
	int filter_pid;
	/*
	 * Leave the syscall events off too when they would bring no path strings here (no
	 * event probes could be set up, no string in the chdir event's format) and the libc
	 * uprobes can stand in: for a caller that checks paths another way (fanotify).
	 */
	bool syscalls_only_for_strings;
};

/* What the reader hands over while draining. */
struct tw_source_handler {
	/* One raw event (borrowed: valid during the call). Non-zero stops the drain. */
	int (*event)(int cpu, uint64_t ts, const void *data, int size, void *ctx);
	/*
	 * The kernel overwrote @count events before @ts on @cpu (from the page header, else the
	 * growth of the CPU's overrun counter; 0: how many is unknown).
	 */
	int (*lost)(int cpu, uint64_t ts, long long count, void *ctx);
	/* @cpu has been read empty; everything it will deliver later has ts >= @t. */
	void (*drained)(int cpu, uint64_t t, void *ctx);
	void *ctx;
};

/*
 * Remove what tracewatch runs that are provably gone (killed with SIGKILL, crashed) left:
 * instances "tracewatch-<pid>" and then every dynamic event (uprobe, return probe, eprobe)
 * of the probe groups "tracewatch_<pid>" whose instance is gone. A run proves it lives by
 * holding flock() on its instance directory (source.c, "Who owns what"), so renamed copies
 * and runs in other pid namespaces are never touched. Returns how many instances were
 * removed, or -errno when tracefs can't be locked or listed.
 */
int tw_source_remove_stale(void);

/*
 * Mount tracefs if needed, remove stale runs' leftovers, create this run's instance and
 * lock it (the proof that this run lives, held until tw_source_close()), set clock and
 * buffers, enable the events, and open the per-CPU readers. On any failure a one-line
 * message says what failed and what to do, everything created is removed again, and NULL
 * is returned.
 */
struct tw_source *tw_source_open(const struct tw_source_opts *opts);

/* The event formats of this kernel (borrowed; valid until tw_source_close()). */
struct tep_handle *tw_source_tep(struct tw_source *s);

int tw_source_nr_cpus(const struct tw_source *s);

/* The instance's name ("tracewatch-<pid>"). */
const char *tw_source_name(const struct tw_source *s);

/* The probe group name when uprobes or eprobes are in place, else NULL. */
const char *tw_source_uprobe_group(const struct tw_source *s);

/* "eprobes", "libc uprobes", or NULL when the string tier is /proc only. */
const char *tw_source_probe_kind(const struct tw_source *s);

/*
 * @pid runs under another root (a container): if its mount namespace is new to us and holds
 * a libc file not probed yet, probe that one too and load the new events' formats. Returns 1
 * when probes were added (the decoder must look for new events), 0 when nothing was to do
 * (or the process is gone), -ENOMEM.
 */
int tw_source_probe_root_libc(struct tw_source *s, int pid);

/*
 * Sleep until a buffer is buffer_percent full or @timeout_ms pass. Returns 0 (also when
 * interrupted by a signal) or -errno.
 */
int tw_source_wait(struct tw_source *s, int timeout_ms);

/*
 * Read every CPU's buffer until empty (non-blocking; partial pages included), handing the
 * events to @h. Returns 0, the first non-zero handler return, or -errno on a read error.
 */
int tw_source_drain(struct tw_source *s, const struct tw_source_handler *h);

/*
 * Add task @tid to the instance's set_event_pid (with filter_pid set): a task of the traced
 * tree that existed before tracing started. Returns 0 or -errno.
 */
int tw_source_filter_add_pid(struct tw_source *s, int tid);

/* Stop recording new events (the instance's tracing_on = 0), so a final drain ends the stream. */
void tw_source_stop(struct tw_source *s);

/* Sum of the per-CPU "overrun" counters of the instance (events overwritten unread). */
uint64_t tw_source_overrun(struct tw_source *s);

/*
 * Whether the chdir syscall event's format carries the user's path string itself (6.19+):
 * decided from the format under the tracefs directory @tdir, never from the version number;
 * false when it cannot be read.
 */
bool tw_source_chdir_string(const char *tdir);

/* Whether the source runs without syscall events (asked, or decided by the option above). */
bool tw_source_no_syscalls(const struct tw_source *s);

/*
 * The host libc file the libc uprobes are on into *@libc. Returns false (and a zero @libc)
 * when there are none (no uprobes, or event probes instead).
 */
bool tw_source_probed_libc(const struct tw_source *s, struct tw_file_id *libc);

/* Close the readers and remove the instance. Returns 0 or -errno if removal failed. NULL ok. */
int tw_source_close(struct tw_source *s);

#endif
