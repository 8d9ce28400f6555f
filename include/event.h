/* SPDX-License-Identifier: GPL-2.0 */
/*
 * event.h - struct tw_event: one decoded trace event with the /proc side-channel read taken
 * at its arrival. Plain data shared by decode (producer), reorder and model (consumers).
 */
#ifndef TW_EVENT_H
#define TW_EVENT_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

enum tw_event_type {
	TW_EV_EXEC,	/* sched:sched_process_exec */
	TW_EV_NEWTASK,	/* task:task_newtask */
	TW_EV_EXIT,	/* sched:sched_process_exit */
	TW_EV_CHDIR_ENTER, /* syscalls:sys_enter_chdir / sys_enter_fchdir: cwd about to change */
	TW_EV_CHDIR,	/* syscalls:sys_exit_chdir / sys_exit_fchdir (ret) */
	TW_EV_EXEC_ENTER, /* syscalls:sys_enter_execve / sys_enter_execveat: mm about to change */
	TW_EV_CGROUP,	/* cgroup:cgroup_attach_task / cgroup_transfer_tasks */
	TW_EV_EXEC_FAIL, /* syscalls:sys_exit_execve / sys_exit_execveat with ret < 0 */
	TW_EV_UCHDIR,	/* uprobe on libc chdir(): the path string, read at the call */
	TW_EV_UEXEC,	/* uprobe on libc execve/execveat/fexecve: filename and argv */
	TW_EV_LOST,	/* events lost by the kernel ring buffer before this point */
	TW_EV_NS_ENTER,	/* syscalls:sys_enter_unshare / sys_enter_setns: flags */
	TW_EV_NS_EXIT,	/* syscalls:sys_exit_unshare / sys_exit_setns: ret */
	TW_EV_FAN_EXEC,	/* fanotify FAN_OPEN_EXEC: a file the kernel opened for an exec */
	TW_EV_TASK_END,	/* taskstats: a task ended (exit code, uid, times) */
	TW_EV_SETID,	/* setuid/setreuid/setresuid/seteuid called (syscall event or uprobe) */
	TW_EV_SETID_EXIT, /* ... and returned (ret) */
	TW_EV_PRIV,	/* prctl(PR_SET_NO_NEW_PRIVS) or ptrace(TRACEME/ATTACH/SEIZE) called */
	TW_EV_NR,
};

/*
 * What /proc said about a task at the moment its event was read (arrival), not at the
 * event's own time. t_read is CLOCK_MONOTONIC (= trace clock "mono"): the model uses it to
 * decide whether the value can still be the one in force at the event's time.
 * Strings are owned by the event (NULL = not read or the read failed).
 */
struct tw_proc_read {
	uint64_t t_start;	/* before the first read */
	uint64_t t_read;	/* after the last read; 0: nothing read */
	char *cwd;		/* readlink /proc/<pid>/cwd */
	char *exe;		/* readlink /proc/<pid>/exe */
	char *argv;		/* /proc/<pid>/cmdline: NUL-separated, argv_len bytes */
	size_t argv_len;
	long uid;		/* real uid from /proc/<pid>/status, -1 unknown */
	long euid;		/* effective uid from the same line, -1 unknown */
	long loginuid;		/* /proc/<pid>/loginuid (4294967295: unset), -1 unknown */
	int nnp;		/* NoNewPrivs from status: 0, 1, or -1 unknown */
	int tracer;		/* TracerPid from status: 0 not traced, > 0 traced, -1 unknown */
	int ppid;		/* PPid from /proc/<pid>/status, 0 unknown */
	char *cgroup;		/* v2 path from /proc/<pid>/cgroup ("0::" line) */
	uint64_t cgroup_id;	/* inode of that cgroup directory, 0 unknown */
	int root;		/* /proc/<pid>/root: 0 not read, 1 "/", 2 another root (chroot,
				   container): its path strings are not in our view */
};

/* "Leave this id as it is" in a set*id call ((uid_t)-1). */
#define TW_ID_KEEP 0xffffffffu

enum tw_setid_call {
	TW_SETID_SETUID,	/* setuid(ruid) */
	TW_SETID_SETEUID,	/* seteuid(euid) */
	TW_SETID_SETREUID,	/* setreuid(ruid, euid) */
	TW_SETID_SETRESUID,	/* setresuid(ruid, euid, suid) */
	TW_SETID_NR,
};

/*
 * The prctl(2) option and ptrace(2) requests that become TW_EV_PRIV, and the text of a tracefs
 * filter that keeps just them, on the event field @f holding the option or request (the
 * syscall events and the libc uprobes name it differently).
 */
#define TW_PRCTL_NO_NEW_PRIVS 38
#define TW_PTRACE_TRACEME 0
#define TW_PTRACE_ATTACH 16
#define TW_PTRACE_SEIZE 0x4206
#define TW_STR_(x) #x
#define TW_STR(x) TW_STR_(x)
#define TW_PRCTL_FILTER(f) f " == " TW_STR(TW_PRCTL_NO_NEW_PRIVS)
#define TW_PTRACE_FILTER(f) \
	f " == " TW_STR(TW_PTRACE_TRACEME) " || " f " == " TW_STR(TW_PTRACE_ATTACH) " || " \
	f " == " TW_STR(TW_PTRACE_SEIZE)

enum tw_priv_what {
	TW_PRIV_NO_NEW_PRIVS,	/* the caller can no longer gain privileges on exec */
	TW_PRIV_TRACEME,	/* the caller asks to be traced */
	TW_PRIV_ATTACH,		/* the caller attaches to @target */
};

struct tw_event {
	enum tw_event_type type;
	int cpu;
	uint64_t ts;		/* trace timestamp, clock "mono", ns */
	uint64_t seq;		/* arrival order within its CPU, tie-breaker for equal ts */
	int tid;		/* common_pid: the task the event ran in */
	union {
		struct {
			char *filename;	/* owned: bprm->filename as the kernel captured it */
			int pid;	/* tgid after exec */
			int old_pid;	/* tid that called exec (≠ pid for a non-leader thread) */
		} exec;
		struct {
			int pid;	/* new tid; the creator is @tid */
			uint64_t clone_flags;
			char comm[16];
		} newtask;
		struct {
			int pid;	/* exiting tid */
			int group_dead;	/* 1, 0, or -1 when the kernel has no such field */
			char comm[16];
		} exit;
		struct {
			long ret;	/* syscall return value: 0 means the cwd changed */
			bool is_fchdir;
			char *path;	/* owned: path string captured in the kernel, or NULL */
		} chdir;
		struct {
			bool is_fchdir;
			int fd;		/* fchdir only */
			char *path;	/* owned: path string captured in the kernel, or NULL */
		} chdir_enter;
		struct {
			int pid;	/* the task moved */
			int root;	/* hierarchy id: 0 is the cgroup v2 (unified) hierarchy */
			uint64_t id;	/* cgroup id (v2: inode number of the cgroup directory) */
			char *path;	/* owned: path from the hierarchy's root */
		} cgroup;
		struct {
			long ret;	/* -errno */
		} exec_fail;
		struct {
			char *path;	/* owned; NULL when the kernel could not read it (fault) */
			bool eprobe;	/* captured by an event probe (tier 2), not a uprobe */
		} uchdir;
		struct {
			int func;	/* enum tw_uprobe_func */
			int fd;		/* execveat dirfd / fexecve fd, -1 otherwise */
			char *filename;	/* owned; NULL for fexecve or a fault */
			bool filename_fault;
			char *argv;	/* owned: NUL-separated, argv_len bytes */
			size_t argv_len;
			int argc;	/* elements captured */
			bool argv_fault;	/* an element could not be read */
			bool argv_truncated;	/* more elements than probed */
			bool eprobe;		/* captured by an event probe (tier 2) */
		} uexec;
		struct {
			uint64_t count;	/* events lost; 0 if the kernel could not say how many */
		} lost;
		/*
		 * From fanwatch.h's struct tw_fan_item (see there what each field guarantees).
		 * ts is the read time, an upper bound of the open's time; tid the exec caller.
		 */
		struct {
			bool lost;	/* the queue overflowed: opens before ts were dropped */
			bool has_stat;
			uint64_t dev, ino;
			uint32_t mode, uid, gid, nlink;
			int kind;	/* enum tw_fan_kind */
			unsigned int flags; /* TW_FAN_DELETED, TW_FAN_OTHER_NS */
			char *path;	/* owned; NULL for TW_FAN_NOPATH */
		} fan;
		/*
		 * From taskstats.h's struct tw_ts_item (see there what each field guarantees).
		 * ts is the read time, after the task's end; tid is the ended task.
		 */
		struct {
			bool lost;	/* the socket overflowed: ends before ts were dropped */
			int tgid, ppid;
			uint32_t uid, gid;
			uint32_t exit_code;	/* wait status */
			bool group_dead;
			uint64_t start_mono_max; /* upper bound of the start, CLOCK_MONOTONIC */
			uint64_t elapsed_us, utime_us, stime_us;
			bool has_exe;
			uint64_t exe_dev, exe_ino;
			char comm[33];
		} task_end;
		/*
		 * A set*id call: enter carries the ids asked for (TW_ID_KEEP: "leave as is"),
		 * exit the result. @libc: seen as the libc function (a uprobe), which glibc
		 * applies to every thread of the process; else the syscall of one thread.
		 */
		struct {
			int call;	/* enum tw_setid_call */
			uint32_t ruid, euid, suid;
			long ret;	/* exit only */
			bool libc;
		} setid;
		/* prctl(PR_SET_NO_NEW_PRIVS, 1) by @tid, or a ptrace request on @target. */
		struct {
			int what;	/* enum tw_priv_what */
			int target;	/* ptrace ATTACH/SEIZE: the traced tid */
		} priv;
		struct {
			bool setns;	/* setns(2), else unshare(2) */
			uint64_t flags;	/* unshare_flags / setns nstype (0: any) */
			long ret;	/* exit only */
		} ns;
	};
	struct tw_proc_read proc;
	struct tw_event *next;	/* queue link, owned by whoever holds the event */
};

/* Set @p to "nothing read": no strings, every number unknown (-1). Does not free. */
void tw_proc_read_reset(struct tw_proc_read *p);

/* Allocate a zeroed event (proc: nothing read). NULL on allocation failure. Free with tw_event_free(). */
struct tw_event *tw_event_new(enum tw_event_type type);
/* Free the event and every string it owns. Accepts NULL. Does not follow ->next. */
void tw_event_free(struct tw_event *ev);
/* Short stable name of an event type ("exec", "newtask", ...). */
const char *tw_event_type_name(enum tw_event_type type);

#endif
