/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ident.h - process-exec identity: an exec_id for every program execution and the parent's,
 * so that a tree can be rebuilt with one self-join of the records.
 *
 * The rule (documented in README and the man page):
 *   exec_id = BOOT:PID:START:N
 *   BOOT  the first 8 hex digits of the kernel's boot id (/proc/sys/kernel/random/boot_id)
 *   PID   the process id (tgid)
 *   START the process's start in ns since boot: the fork event's time (CLOCK_MONOTONIC) for a
 *         process that started while traced, /proc/PID/stat's start time (clock ticks) for one
 *         that was there before
 *   N     how many execs the process has done since it started, as far as traced: 1 for its
 *         first exec. A process that was there before tracing is N = 0 until its first exec
 *         seen (then 1: the count restarts at what tracing saw).
 * Unique per program execution on a host across pid reuse (START differs) and reboots (BOOT
 * differs). parent_exec_id is the exec_id of the image that forked the process (its parent
 * at fork time), parent_path that image's path when tracewatch knows it.
 * Pure: it learns everything from the records (fork, exec, exit) and the start-up snapshot.
 */
#ifndef TW_IDENT_H
#define TW_IDENT_H

#include <stdint.h>

#include "record.h"

struct tw_ident;

/* A table for the boot @boot_id (NULL or "": "00000000"). NULL on allocation failure. */
struct tw_ident *tw_ident_new(const char *boot_id);

/* Accepts NULL. */
void tw_ident_free(struct tw_ident *id);

/*
 * A process that was there at start: @pid started at @start_ns (0 unknown: then its exec_id
 * can't be told and stays unknown). Returns 0 or -ENOMEM.
 */
int tw_ident_seed(struct tw_ident *id, int pid, uint64_t start_ns);

/*
 * Learn from @rec (in time order) and fill its exec_id, parent_exec_id and parent_path:
 * fork records start a process, exec records count its execs, exit records (process end) end
 * it. Returns 0 or -ENOMEM (the record's fields stay unknown).
 */
int tw_ident_record(struct tw_ident *id, struct tw_record *rec);

#endif
