/* SPDX-License-Identifier: GPL-2.0 */
/*
 * procfs.h - the /proc side channel ("arrival reads"; "probe" means only u/eprobes): reads
 * of a task's cwd, exe, cmdline and ids at the moment an event is read, and the snapshot of
 * the tasks that exist when tracing starts.
 * Every read is stamped with CLOCK_MONOTONIC before and after, so the model can decide
 * whether the value can still be the one in force at the event's own (earlier) time.
 */
#ifndef TW_PROCFS_H
#define TW_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"

/* Which parts of /proc/<pid> tw_proc_read() reads. */
enum {
	TW_PROC_CWD = 1 << 0,
	TW_PROC_EXE = 1 << 1,
	TW_PROC_ARGV = 1 << 2,
	TW_PROC_STATUS = 1 << 3,	/* uid, euid, ppid, NoNewPrivs, tracer; loginuid */
	TW_PROC_ROOT = 1 << 4,		/* whether its root directory is ours */
};

/*
 * Read the parts of /proc/@pid named by @what into @p (fields that could not be read stay
 * NULL / -1; a task that vanished mid-read is not an error). Sets p->t_start before the first
 * read and p->t_read after the last. Returns 0, or -ENOMEM (then @p holds what was read so far,
 * still to be released with tw_proc_release()).
 */
int tw_proc_read(struct tw_proc_read *p, int pid, unsigned int what);

/* Free the strings of @p and reset it to "nothing read". */
void tw_proc_release(struct tw_proc_read *p);

/*
 * Read the target of the symlink @path (any length). Returns a malloc'd string the caller
 * frees, or NULL (errno set) on failure.
 */
char *tw_readlink(const char *path);

/*
 * Where the cgroup v2 (unified) hierarchy is mounted, from @mountinfo (normally
 * "/proc/self/mountinfo"): "/sys/fs/cgroup" on v2 hosts, "/sys/fs/cgroup/unified" on hybrid
 * ones. Returns a malloc'd path, or NULL when no cgroup2 is mounted (v1-only host) or on error.
 */
char *tw_cgroup_v2_root(const char *mountinfo);

/*
 * The cgroup v2 path of @pid ("0::" line of /proc/<pid>/cgroup) into *@path (malloc'd) and,
 * when @v2_root is given, the cgroup id (inode number of the directory) into *@id (0 when it
 * can't be read: the cgroup was removed meanwhile). Returns 0, -ENOENT (task gone or no v2
 * line), or -ENOMEM.
 */
int tw_proc_cgroup(int pid, const char *v2_root, char **path, uint64_t *id);

/*
 * The mount namespace of @pid (the inode number of /proc/@pid/ns/mnt) into *@ns. Returns 0,
 * or -ESRCH when the task is gone or the link can't be read.
 */
int tw_proc_mnt_ns(int pid, uint64_t *ns);

/*
 * Whether @pid is a live process whose comm starts with "tracewatch", in this pid namespace.
 * Not a proof of life (a renamed copy, another pid namespace): only the fallback owner test
 * for runs of older tracewatch versions, which hold no lock on their instance.
 */
bool tw_proc_is_tracewatch(int pid);

/*
 * Call @cb(tid, ctx) for every task of process @root and of its descendants in /proc/@proc_dir
 * (threads included) for which @known(tid, ctx) is false. A process belongs when its parent
 * process does. Returns how many were reported, -ESRCH when @root is not there, -ENOMEM, or
 * the first negative return of @cb.
 */
int tw_proc_tree(const char *proc_dir, int root, bool (*known)(int tid, void *ctx),
		  int (*cb)(int tid, void *ctx), void *ctx);

/* One task found in /proc at start. Borrowed strings: valid during the callback only. */
struct tw_proc_task {
	int tid;
	int tgid;
	int ppid;		/* 0 unknown */
	const char *comm;	/* may be NULL */
	const char *cwd;	/* NULL when unreadable (kernel thread, vanished, no permission) */
	const char *cgroup;	/* v2 cgroup path, NULL unknown */
	uint64_t cgroup_id;	/* 0 unknown */
	int root;		/* as struct tw_proc_read's root */
	/*
	 * Which task shares this one's fs_struct (cwd): the tid of one reported earlier, -1
	 * none (its own, even for a thread that unshare(CLONE_FS)d), 0 unknown (no kcmp(2)):
	 * then a thread is taken to share its leader's, a process to have its own.
	 */
	int fs_owner;
	uint64_t t_start;	/* CLOCK_MONOTONIC before the cwd read */
	uint64_t t_read;	/* and after it */
	uint64_t start_ns;	/* the task's start, ns since boot (/proc stat, clock ticks); 0 unknown */
	/* From its status, read after the cwd: -1 unknown. */
	long uid, euid;
	int nnp;		/* NoNewPrivs: 0 / 1 */
	int tracer;		/* a tracer is attached: 0 / 1 */
	int userns;		/* in another user namespace than ours: 0 / 1 */
	int libc;		/* maps the probed libc (tw_proc_snapshot()'s @libc): 0 / 1 */
	bool kthread;		/* a kernel thread: no user code */
};

/* A file's identity: st_dev and st_ino (ino 0: none). */
struct tw_file_id {
	uint64_t dev, ino;
};

/*
 * Walk every thread of every process in /proc (@proc_dir, normally "/proc"), then call @cb for
 * each in walk order (tasks sharing an fs_struct point at the first of them, see fs_owner);
 * cgroups are read when @v2_root (tw_cgroup_v2_root()) is not NULL, and whether each process
 * maps the file @libc when it is given (NULL: libc = -1). Tasks that vanish during
 * the walk are reported with what could be read. Stops at the first non-zero return of @cb
 * and returns it; returns 0 after a full walk, -ENOMEM, or -errno when @proc_dir can't be
 * opened.
 */
int tw_proc_snapshot(const char *proc_dir, const char *v2_root, const struct tw_file_id *libc,
		      int (*cb)(const struct tw_proc_task *t, void *ctx), void *ctx);

#endif
