/* SPDX-License-Identifier: GPL-2.0 */
/*
 * uprobe.h - uprobes on libc's chdir/execve/execveat/fexecve that capture the path and argv
 * strings inside the kernel, at the call, so short-lived processes lose nothing to a /proc race.
 * Probes live in the group "tracewatch_<pid>" and are removed on every exit path. The table
 * of probes, fields and limits here is the one creation, decoding and clean-up all use.
 */
#ifndef TW_UPROBE_H
#define TW_UPROBE_H

#include <stdbool.h>

struct tracefs_instance;
struct tw_uprobes;

/* Default and largest number of argv elements captured per exec. */
#define TW_UPROBE_DEFAULT_ARGS 16
#define TW_UPROBE_MAX_ARGS 48

/* Libc files probed per run at most: the host's, then containers' own copies. */
#define TW_UPROBE_MAX_LIBCS 32

/* Probe group of a run: "tracewatch_<pid>"; its instance is "tracewatch-<pid>" (source.h). */
#define TW_UPROBE_GROUP_PREFIX "tracewatch_"

/*
 * Bytes one probe hit may fetch, all fields together. The kernel copies a uprobe's fields
 * through a per-CPU buffer of one page (kernel/trace/trace_uprobe.c, MAX_UCB_BUFFER_SIZE =
 * PAGE_SIZE >= 4096): prepare_uprobe_buffer() WARNs (a panic with panic_on_warn) and cuts
 * the data when the fixed fields (tp.size) plus the strings exceed it. A ":ustring" is
 * measured with strnlen_user(MAX_STRING_SIZE = 4096), so even a single one can overflow
 * the page: uprobes fetch strings as fixed byte slots instead (u64 arrays), the dynamic
 * part is 0, and the worst case is the sum of the fixed fields, which this constant bounds:
 * 3072 < 4096. It is also the kernel's MAX_PROBE_EVENT_SIZE (kernels that have it refuse
 * larger fixed parts with E2BIG, "Event too big"), and with the 16-byte entry header and
 * the ring buffer's event header and time extend the event fits a 4096-byte sub-buffer
 * (4080 bytes of data) on kernels that can't enlarge sub-buffers.
 */
#define TW_UPROBE_FETCH_MAX 3072

/*
 * A string slot is fetched in parts: one fetch argument is an array of at most 64 elements
 * (the kernel's MAX_ARRAY_LEN) of u64, i.e. 512 bytes. Part 0 is field "<name>", the next
 * ones "<name>_1", "<name>_2", ... right after it in the event.
 */
#define TW_UPROBE_PART_MAX 512
#define TW_UPROBE_PART_FMT "%s_%d"

/*
 * Slot sizes (bytes, NUL included): a chdir path gets the whole budget (paths up to 3071
 * bytes; longer ones are left to /proc), an exec's file name and argv[0] (often a path) 512
 * each, the other argv elements what is left (tw_uprobe_arg_slot()).
 */
#define TW_UPROBE_PATH_SLOT TW_UPROBE_FETCH_MAX
#define TW_UPROBE_NAME_SLOT 512

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
	/* uid changes (entry: the ids; return: ret), and what rules out a set-user-ID exec. */
	TW_UPROBE_SETUID,
	TW_UPROBE_SETUID_RET,
	TW_UPROBE_SETEUID,
	TW_UPROBE_SETEUID_RET,
	TW_UPROBE_SETREUID,
	TW_UPROBE_SETREUID_RET,
	TW_UPROBE_SETRESUID,
	TW_UPROBE_SETRESUID_RET,
	TW_UPROBE_PRCTL,	/* entry: option, arg2 (filtered: PR_SET_NO_NEW_PRIVS) */
	TW_UPROBE_PTRACE,	/* entry: request, pid (filtered: TRACEME, ATTACH, SEIZE) */
	TW_UPROBE_NR,
};

/* Number arguments an entry probe may take as fields "id0", "id1", ... (u32 each). */
#define TW_UPROBE_IDS_MAX 3
#define TW_UPROBE_ID_FMT "id%d"

/* Event fields: the names creation writes and decoding looks up. */
enum tw_uprobe_field {
	TW_UPROBE_F_PATH,	/* chdir path (string) */
	TW_UPROBE_F_FN,		/* exec filename (string) */
	TW_UPROBE_F_FD,		/* fexecve / fchdir fd */
	TW_UPROBE_F_DIRFD,	/* execveat dirfd */
	TW_UPROBE_F_RET,	/* return value of a return probe */
	TW_UPROBE_F_FLAGS,	/* unshare flags / setns nstype */
	TW_UPROBE_F_NR,
};

/* Argv element k is field "a<k>" (string), the pointer argv[k] is "p<k>" (u64). */
#define TW_UPROBE_ARG_FMT "a%d"
#define TW_UPROBE_PTR_FMT "p%d"

/* One probe: what it hooks and what its event carries. */
struct tw_uprobe_def {
	const char *name;		/* event name prefix */
	const char *symbol;		/* libc function */
	bool is_ret;			/* return probe ("r:"): field TW_UPROBE_F_RET only */
	bool no_syscalls_only;		/* made only when syscall events are off */
	enum tw_uprobe_field num;	/* number field, or TW_UPROBE_F_NR */
	int num_arg;			/* ... from this function argument */
	enum tw_uprobe_field str;	/* string field, or TW_UPROBE_F_NR */
	int str_arg;
	int argv_arg;			/* argument holding argv; -1: none */
	const char *eprobe_target;	/* syscalls event an eprobe of the same fields uses */
	/*
	 * x86-64: a plain probe on the instruction after the function's "syscall" instead of
	 * the return probe, with field "sysret" = %ax: the kernel's -errno, which libc hides in
	 * thread-local storage (a probe can't read it) and replaces by -1.
	 */
	bool after_syscall;
	int nr_ids;			/* fields "id0".. from arguments 0..nr_ids-1 */
	/*
	 * tracefs filter of the event (fields "id0"..): hits that fail it are not recorded.
	 * The trap still happens: only for functions called rarely or by few programs.
	 */
	const char *filter;
};

/* The probe @f (NULL when out of range): one table for creation, decoding and clean-up. */
const struct tw_uprobe_def *tw_uprobe_def(enum tw_uprobe_func f);

/* Field name of @f ("path", "fn", ...); "" when out of range. */
const char *tw_uprobe_field_name(enum tw_uprobe_field f);

/* Event name prefix of a probe ("chdir", "chdir_ret", ...). */
const char *tw_uprobe_func_name(enum tw_uprobe_func f);

/* Whether a probe is a return probe (its event has a "ret" field). */
bool tw_uprobe_func_is_ret(enum tw_uprobe_func f);

/*
 * Size in bytes of the slot of argv element @k when @max_args are captured: 512 for
 * argv[0]; the others share what is left of TW_UPROBE_FETCH_MAX after the fixed fields
 * evenly, at most 512, a multiple of 8. An element that does not fit (no NUL in its slot)
 * is cut, and the decoder marks the vector truncated.
 */
int tw_uprobe_arg_slot(int max_args, int k);

/*
 * The libc this process runs with (from /proc/self/maps): the host's libc, which every
 * dynamically linked host program maps too. A static build maps none: then init's libc
 * (/proc/1/maps), else the first of the usual paths that exists. malloc'd; NULL if not found.
 */
char *tw_uprobe_host_libc(void);

/*
 * The ELF loader (ld.so) that libc goes with (its PT_INTERP), as a canonical path: malloc'd;
 * NULL if not found.
 */
char *tw_uprobe_host_loader(void);

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

/*
 * Remove every dynamic event (uprobe, return probe, eprobe) of the groups "tracewatch_<pid>"
 * for which @is_stale(pid, @ctx) says the owning run is provably gone; call it only once
 * their instances are removed (nothing may have them enabled). Returns how many events were
 * removed (0 also when they can't be listed).
 */
int tw_uprobes_remove_stale(bool (*is_stale)(int pid, void *ctx), void *ctx);

#endif
