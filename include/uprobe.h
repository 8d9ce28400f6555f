/* SPDX-License-Identifier: GPL-2.0 */
/*
 * uprobe.h - uprobes on libc's chdir/execve/execveat/fexecve that capture the path and argv
 * strings inside the kernel, at the call, so short-lived processes lose nothing to a /proc race.
 * Probes live in the group "tracewatch_<pid>" and are removed on every exit path.
 */
#ifndef TW_UPROBE_H
#define TW_UPROBE_H

#include <stdbool.h>

struct tracefs_instance;
struct tw_uprobes;

/* Default and largest number of argv elements captured per exec. */
#define TW_UPROBE_DEFAULT_ARGS 16
#define TW_UPROBE_MAX_ARGS 48

/* The probes; event names are "<name>_<libc index>". */
enum tw_uprobe_func {
	TW_UPROBE_CHDIR,	/* entry: path string */
	TW_UPROBE_EXECVE,	/* entry: filename, argv; also reached by execv*, execl*,
				   posix_spawn*, system */
	TW_UPROBE_EXECVEAT,	/* entry: dirfd, filename, argv */
	TW_UPROBE_FEXECVE,	/* entry: fd, argv */
	/* Only without syscall events: they stand in for the syscall entry/exit events. */
	TW_UPROBE_FCHDIR,	/* entry: fd */
	TW_UPROBE_CHDIR_RET,	/* return: ret */
	TW_UPROBE_FCHDIR_RET,
	TW_UPROBE_EXECVE_RET,	/* returns only when the exec failed */
	TW_UPROBE_EXECVEAT_RET,
	TW_UPROBE_FEXECVE_RET,
	TW_UPROBE_UNSHARE,	/* entry: flags (a thread's own cwd after CLONE_FS) */
	TW_UPROBE_UNSHARE_RET,
	TW_UPROBE_SETNS,	/* entry: nstype (a mount namespace moves the cwd) */
	TW_UPROBE_SETNS_RET,
	TW_UPROBE_NR,
};

/* Event name prefix of a probe ("chdir", "chdir_ret", ...). */
const char *tw_uprobe_func_name(enum tw_uprobe_func f);

/* Whether a probe is a return probe (its event has a "ret" field). */
bool tw_uprobe_func_is_ret(enum tw_uprobe_func f);

/*
 * The libc this process runs with (from /proc/self/maps): the host's libc, which every
 * dynamically linked host program maps too. A static build maps none: then init's libc
 * (/proc/1/maps), else the first of the usual paths that exists. malloc'd; NULL if not found.
 */
char *tw_uprobe_host_libc(void);

/*
 * Create the probes of group @group on each of the @nr_libcs files (events
 * "<func>_<index>") with @max_args argv elements, and enable them in @inst. With
 * @no_syscalls the fchdir and return probes are added too, to replace syscall events. A libc without one
 * of the functions just lacks that probe. Returns NULL (with a warning saying why: no uprobe
 * support, unreadable ELF, ...) when no probe at all could be created; nothing is left behind.
 */
struct tw_uprobes *tw_uprobes_create(struct tracefs_instance *inst, const char *group,
				     const char *const *libcs, int nr_libcs, int max_args,
				     bool no_syscalls);

/*
 * Probe one more libc file (a container's own, reached as /proc/<pid>/root/...), as events
 * "<func>_<next index>", enabled in the instance. Returns how many probes were made (0 when
 * it has none of the functions) or -errno; probes made before a failure stay until
 * tw_uprobes_destroy().
 */
int tw_uprobes_add_libc(struct tw_uprobes *u, const char *libc);

/*
 * Tier 2: event probes (eprobes, Linux 5.15+ where enabled) on the syscall entry events, which
 * read the same strings from inside the syscall, for every caller, libc or not. Same event
 * names and fields as the uprobes ("chdir_0", "execve_0", "execveat_0"), so one decoder
 * reads both. Returns NULL (quietly: most kernels here have none) when they can't be made.
 */
struct tw_uprobes *tw_eprobes_create(struct tracefs_instance *inst, const char *group,
				     int max_args);

/* Number of probes in place. */
int tw_uprobes_count(const struct tw_uprobes *u);

/*
 * Remove the probes (the instance using them must be gone or have them disabled). Returns 0,
 * or -errno when some could not be removed (after a message). Accepts NULL.
 */
int tw_uprobes_destroy(struct tw_uprobes *u);

/* Remove probe groups "tracewatch_<pid>" whose tracewatch is dead. Returns how many events. */
int tw_uprobes_remove_stale(void);

#endif
