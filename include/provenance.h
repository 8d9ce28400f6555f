/* SPDX-License-Identifier: GPL-2.0 */
/*
 * provenance.h - how each value of a record was learned: path_source, cwd_source and
 * argv_source values, one enum and one name table (src/provenance.c) for all of them. The
 * names are the output contract: README and the man page list each one; never rename one.
 */
#ifndef TW_PROVENANCE_H
#define TW_PROVENANCE_H

enum tw_prov {
	TW_PROV_NONE,		/* no value (the field is empty / null) */
	/* path_source */
	TW_PROV_ABSOLUTE,	/* run by absolute path: the path as invoked */
	TW_PROV_CWD,		/* relative path joined with the cwd tracked from the events */
	TW_PROV_PROC_CWD,	/* relative path joined with /proc/PID/cwd read at the exec */
	TW_PROV_PROC_EXE,	/* fexecve / execveat(dirfd) forms: from /proc/PID/exe */
	TW_PROV_UNRESOLVED,	/* not established: the path is empty, never guessed */
	TW_PROV_FANOTIFY,	/* the kernel's path of the file it executed (fanotify) */
	/* cwd_source (and argv_source for the string tiers) */
	TW_PROV_SNAPSHOT,	/* the /proc snapshot at start, inherited since */
	TW_PROV_SYSCALL,	/* the string a 6.19+ syscall event carries */
	TW_PROV_EPROBE,		/* an event probe on the syscall entry */
	TW_PROV_UPROBE,		/* a uprobe on libc */
	TW_PROV_PROC,		/* /proc/PID/cwd (or cmdline) read when the event arrived */
	TW_PROV_PROC_EXEC,	/* /proc/PID/cwd read at the exec */
	TW_PROV_DELETED,	/* cwd: the directory was deleted; no path names it */
	TW_PROV_OTHER_NS,	/* cwd: in a mount namespace of its own; no host path */
	/* argv_source */
	TW_PROV_EPROBE_TRUNCATED, /* eprobe, more elements than captured */
	TW_PROV_UPROBE_TRUNCATED, /* uprobe, more elements than captured */
	/* uid_source (and "proc", "unresolved") */
	TW_PROV_TRACKED,	/* followed from an earlier kernel value through forks, execs and
				   the set*id calls seen */
	TW_PROV_SETUID_FILE,	/* tracked, with the euid from the file's set-user-ID bit */
	TW_PROV_TASKSTATS,	/* the real uid from the task's end (taskstats) */
	TW_PROV_UNTRACKED,	/* unknown: a change could have been missed */
	TW_PROV_LOST,		/* unknown: events were lost */
	TW_PROV_NR,
};

/* Which record keys a value may appear in (a bit mask of these). */
enum {
	TW_PROV_FOR_PATH = 1 << 0,
	TW_PROV_FOR_CWD = 1 << 1,
	TW_PROV_FOR_ARGV = 1 << 2,
	TW_PROV_FOR_UID = 1 << 3,
};

struct tw_prov_info {
	const char *name;	/* as printed; NULL for TW_PROV_NONE */
	unsigned int used_for;	/* TW_PROV_FOR_* */
	const char *meaning;	/* one line, for --help, README and the man page */
};

/* The table, indexed by enum tw_prov. */
extern const struct tw_prov_info tw_prov_table[TW_PROV_NR];

/* The printed name of @p: NULL for TW_PROV_NONE or a value out of range. */
const char *tw_prov_name(enum tw_prov p);

#endif
