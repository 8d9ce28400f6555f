/* SPDX-License-Identifier: GPL-2.0 */
/*
 * taskstats.h - the taskstats source: the end of every task on the host, from the kernel's
 * generic netlink family TASKSTATS (a listener registered on every possible CPU).
 *
 * Standalone: a pollable fd, a non-blocking batch read that hands each item to a callback,
 * a close that deregisters. Needs CONFIG_TASKSTATS, root in the initial user and pid
 * namespaces.
 *
 * What each item guarantees (from kernel/tsacct.c bacct_add_tsk(), run in do_exit() before
 * the task's memory is released; checked on 6.18, struct taskstats version 16):
 * - One TW_TS_EXIT item per task (thread) that ends after tw_taskstats_open() returned,
 *   while the socket buffer keeps up; otherwise a TW_TS_LOST item: the kernel dropped an
 *   unknown number of ends before @ts (ENOBUFS).
 * - @pid is the thread id and @tgid its process id, in the initial pid namespace. @tgid is
 *   from ac_tgid (version 12+), else from the AGGR_TGID nest when present, else 0 (unknown).
 * - @ppid: the process id of the real parent at the time of the exit, so after any
 *   re-parenting of an orphan (to a subreaper or init); 0 if unknown.
 * - @uid/@gid: the REAL uid and gid at exit (cred->uid), in the initial user namespace; the
 *   effective ids are not reported by the kernel.
 * - @exit_code: the wait status as waitpid() would see it: (code << 8) for exit(code), the
 *   signal number (| 0x80 with a core dump) for a kill. For a thread that ends alone it is
 *   that thread's status; in exit_group() all threads carry the group's status.
 * - @group_dead: this was the last thread of its process (AGROUP, version 12+; before that
 *   only known when an AGGR_TGID nest came, false otherwise).
 * - @comm: the task's comm at exit (15 bytes at most, as the kernel truncates it).
 * - @elapsed_us, @utime_us, @stime_us: the thread's wall time since its start (fork) and its
 *   CPU times, in microseconds, truncated.
 * - @btime_wall: the start in seconds since the Epoch (ac_btime64): whole seconds, and
 *   computed at exit from the wall clock, so a clock step shifts it.
 * - @start_mono_max: @ts - @elapsed_us: an UPPER bound of the start in CLOCK_MONOTONIC ns
 *   (the kernel's start_time is that clock). It is late by the delivery delay (the time
 *   between the exit and our read; microseconds when we keep up, unbounded under load) plus
 *   less than 1 µs of truncation. Exact start times come from the trace's fork events.
 * - @has_exe, @exe_dev, @exe_ino: the executable's device (st_dev form) and inode at the
 *   exit, i.e. /proc/PID/exe's file (version 12+; @has_exe false before, and for kernel
 *   threads, which have none).
 * - @ts: CLOCK_MONOTONIC ns when the message was read (after the exit, not the exit time).
 */
#ifndef TW_TASKSTATS_H
#define TW_TASKSTATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tw_taskstats;

enum tw_ts_type {
	TW_TS_EXIT,
	TW_TS_LOST,
};

/* Bytes of ac_comm kept (TS_COMM_LEN in <linux/taskstats.h>). */
#define TW_TS_COMM_LEN 32

/* One task's end. Plain data (see above for what each field guarantees). */
struct tw_ts_item {
	enum tw_ts_type type;
	uint64_t ts;
	unsigned int version; /* the kernel's struct taskstats version */
	int pid, tgid, ppid;
	uint32_t uid, gid;
	uint32_t exit_code;
	uint8_t ac_flag; /* AFORK, ASU, ACORE, AXSIG, AGROUP of <linux/acct.h> */
	bool group_dead;
	uint64_t btime_wall;
	uint64_t start_mono_max;
	uint64_t elapsed_us, utime_us, stime_us;
	char comm[TW_TS_COMM_LEN + 1];
	bool has_exe;
	uint64_t exe_dev, exe_ino;
};

struct tw_taskstats_opts {
	int rcvbuf; /* socket receive buffer in bytes; 0: a default of 4 MiB */
};

/* Called for each item; returns 0 or a negative errno (see tw_taskstats_read()). */
typedef int (*tw_ts_cb)(const struct tw_ts_item *it, void *ctx);

/*
 * Open a generic netlink socket, resolve the TASKSTATS family and register as a listener
 * for every possible CPU (TASKSTATS_CMD_ATTR_REGISTER_CPUMASK). Returns 0 with *@out set,
 * or -errno with a one-line message and nothing left registered: -ENOENT when the kernel
 * has no taskstats, -EPERM/-EINVAL when not root in the initial namespaces, -ENOMEM.
 */
int tw_taskstats_open(const struct tw_taskstats_opts *opts, struct tw_taskstats **out);

/* The socket to poll for POLLIN. Valid until tw_taskstats_close(). */
int tw_taskstats_fd(const struct tw_taskstats *t);

/*
 * Non-blocking: receive what is queued (up to a bounded number of datagrams, taken in
 * batches) and hand each task end, in order, to @cb. A non-zero @cb return stops the reading
 * after the batch in hand was delivered (later datagrams stay queued) and the first such
 * return is returned. Returns the number of items delivered (0: nothing queued), the
 * @cb return, or -errno on a socket error other than ENOBUFS (which becomes a TW_TS_LOST
 * item). A malformed datagram is skipped. *@empty tells whether the socket was read empty.
 */
int tw_taskstats_read(struct tw_taskstats *t, tw_ts_cb cb, void *ctx, bool *empty);

/* Deregister the CPUs and close the socket. NULL is accepted. */
void tw_taskstats_close(struct tw_taskstats *t);

/*
 * Parse one buffer as received (one or more netlink messages) for the generic netlink
 * family id @family: each TASKSTATS_CMD_NEW message gives one item for @cb, stamped @ts;
 * other messages (acks, other families) are skipped. Exposed for the unit tests.
 * Returns the number of items, the first non-zero @cb return (after the whole buffer was
 * delivered), or -EBADMSG for a malformed message (the items before it were delivered).
 */
int tw_taskstats_parse(const void *buf, size_t len, int family, uint64_t ts, tw_ts_cb cb,
		       void *ctx);

#endif
