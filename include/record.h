/* SPDX-License-Identifier: GPL-2.0 */
/*
 * record.h - struct tw_record: one output record (the output contract of DESIGN.md), the
 * plain data the model produces and every sink prints. All strings are raw bytes as the
 * kernel or /proc gave them (may hold any byte but NUL); sinks escape them.
 */
#ifndef TW_RECORD_H
#define TW_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "provenance.h"

enum tw_record_type {
	TW_REC_EXEC,
	TW_REC_FORK,
	TW_REC_EXIT,
	TW_REC_CHDIR,
	TW_REC_LOST,
	TW_REC_EXEC_FAILED,	/* an exec attempt that returned an error */
	TW_REC_NR,
};

struct tw_record {
	enum tw_record_type type;
	uint64_t ts_ns;		/* CLOCK_MONOTONIC ns (trace clock "mono") */
	int pid;		/* tgid */
	int tid;
	int ppid;		/* 0 unknown */
	long uid;		/* -1 unknown */
	char *comm;		/* may be NULL */
	char *filename;		/* exec: as passed to exec; chdir: the new cwd */
	char *path;		/* exec: absolute path, NULL when unresolved */
	char *exe;		/* canonical /proc/<pid>/exe, NULL when unknown */
	char *cwd;		/* NULL when unknown */
	char *argv;		/* NUL-separated arguments, argv_len bytes; NULL unknown */
	size_t argv_len;
	uint64_t cgroup_id;	/* 0 unknown */
	char *cgroup_path;	/* may be NULL */
	char *container_id;	/* may be NULL */
	const char *container_runtime; /* static string: docker, containerd, crio, podman, ... */
	char *pod_uid;		/* Kubernetes pod UID, may be NULL */
	enum tw_prov path_source; /* how path was found (TW_PROV_NONE: not an exec record) */
	enum tw_prov cwd_source;  /* how the cwd was learned */
	enum tw_prov argv_source; /* how argv was read (TW_PROV_NONE when argv is unknown) */
	const char *error;	/* exec_failed: errno name ("ENOENT"); lost: the side queue
				   that overflowed ("fanotify-overflow", "taskstats-overflow"),
				   NULL for the ring buffer; static */
	uint64_t lost;		/* TW_REC_LOST: number of events lost, 0 = unknown amount */
	int cpu;		/* TW_REC_LOST: CPU whose buffer lost them, -1 otherwise */
	/*
	 * exec: failed exec attempts of the same process folded into this record (a PATH
	 * search); -1: not counted (other records, or every attempt shown with --failed).
	 */
	int failed_attempts;
	char *exec_id;		/* this program execution's id (ident.h), NULL unknown */
	char *parent_exec_id;	/* the id of the image that forked the process, NULL unknown */
	char *parent_path;	/* that image's path, NULL unknown */
	/* exit records, from the task end (taskstats); appended fields: */
	int exit_code;		/* the N of exit(N), 0..255; -1 unknown or killed */
	int exit_signal;	/* the signal that killed it; 0 none or unknown */
	bool core_dumped;	/* with exit_signal: a core was dumped */
	uint64_t start_ns;	/* exit: CLOCK_MONOTONIC start (fork) of the process, 0 unknown */
	const char *start_source; /* static: "fork" (the trace), "taskstats"; NULL unknown */
	/* Appended keys (after cpu in the output): */
	char *interpreter;	/* exec: the "#!" interpreter the kernel opened; NULL none/unknown */
	const char *exe_source;	/* static: fanotify, deleted, memfd, other-ns, proc, or why unknown */
	const char *path_check;	/* static: verified, mismatch, kernel, unverified, ambiguous */
	long euid;		/* -1 unknown */
	long loginuid;		/* -1 unknown (or unset: 4294967295 is reported as is) */
	const char *uid_source;	/* static: how uid/euid were learned */
	struct tw_record *next;	/* queue link, owned by the holder */
};

/* A zeroed record (uid = -1, cpu = -1, failed_attempts = -1). NULL on allocation failure. */
struct tw_record *tw_record_new(enum tw_record_type type);
/* Free the record and the strings it owns. Accepts NULL. */
void tw_record_free(struct tw_record *rec);
/* "exec", "fork", "exit", "chdir", "lost". */
const char *tw_record_type_name(enum tw_record_type type);

/* "SIGKILL" for 9 and so on (static); NULL for 0 or a number without a name. */
const char *tw_record_signal_name(int sig);

#endif
