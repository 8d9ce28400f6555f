/* SPDX-License-Identifier: GPL-2.0 */
/*
 * model-impl.h - what the model's files share, private to src/model*.c: the task table, the
 * fs-groups and cwd values they hold, cgroup references, the records waiting to be let out.
 * model-tasks.c keeps the task table and cwd/fs-group sharing; model.c applies the events
 * and assembles the exec records.
 */
#ifndef TW_MODEL_IMPL_H
#define TW_MODEL_IMPL_H

#include <stdbool.h>
#include <stdint.h>
#include <uthash.h>

#include "container.h"
#include "model.h"

#define CLONE_FS_FLAG 0x00000200ull
#define CLONE_NEWNS_FLAG 0x00020000ull
#define CLONE_PARENT_FLAG 0x00008000ull
#define CLONE_THREAD_FLAG 0x00010000ull
#define CLONE_INTO_CGROUP_FLAG 0x200000000ull
#define CLONE_NEWUSER_FLAG 0x10000000ull

/* The cgroup v2 hierarchy's id in cgroup_attach_task's dst_root (cgrp_dfl_root). */
#define CGROUP_V2_HIERARCHY 0
/* fanotify items kept per exec caller: more unmatched ones mean the oldest are dropped. */
#define FAN_ITEMS_MAX 32
/*
 * An item no exec record claimed this long after every open before it was delivered belongs
 * to no exec that will still come (its caller exited, or it was a loader left over): dropped.
 */
#define FAN_STALE_NS (1000ull * 1000 * 1000)
/* ELF loaders remembered (files seen opened right after a final ELF, before its exec). */
#define FAN_LOADERS_MAX 8
/* The kernel's suffix of a link to an unlinked file. */
#define DELETED_SUFFIX " (deleted)"

/*
 * One cwd value as it was learned, shared (refcounted) by every fs-group that holds it:
 * a fork copies the reference, not the string. Values are immutable but for @invalid, which
 * marks every holder at once when an event proves the /proc read that made the value could
 * have seen a later cwd (or another task after PID reuse).
 */
struct cwd_value {
	int refs;
	char *path;		/* NULL: unknown */
	bool invalid;
	uint64_t loss_epoch;	/* events lost after this value was learned make it untrusted */
	/* Tentative while the stream has not passed t_read: the /proc read it came from. */
	uint64_t t_start;
	uint64_t t_read;
	int probe_tid;
	bool listed;		/* in the model's tentative list */
	enum tw_prov source;	/* how it was learned: uprobe, proc, snapshot, ... */
};

/* How a cred_value came to be (model-creds.c). */
enum cred_kind {
	CRED_KNOWN,	/* uid/euid final (-1: unknown, src says why) */
	CRED_EXEC,	/* an exec's, decided when its record is finished */
	CRED_FORK,	/* a fork's copy of @base */
	CRED_SETID,	/* @base changed by a successful set*id call */
};

/*
 * A task's real and effective uid (model-creds.c has the rules), shared by reference: a fork
 * copies the reference when nothing changes.
 */
struct cred_value {
	int refs;
	enum cred_kind kind;
	long uid, euid;			/* CRED_KNOWN: -1 unknown */
	enum tw_prov src;		/* CRED_KNOWN: how they were learned, or why unknown */
	bool unsure;			/* the program run can change them unseen */
	struct cred_value *base;	/* not CRED_KNOWN: what it derives from */
	int call;			/* CRED_SETID: enum tw_setid_call and its ids */
	uint32_t ruid_arg, euid_arg;
};

/* A cred_value as read now (a pending one reads as unknown). */
struct cred_now {
	long uid, euid;
	enum tw_prov src;
	bool unsure;
};

/* A cgroup as last seen; shared by the tasks in it. A re-created cgroup gets a new id and so a new ref. */
struct cgroup_ref {
	int refs;
	uint64_t id;		/* 0 unknown */
	char *path;
	struct tw_container ct;	/* parsed once */
};

/* Tasks sharing one fs_struct (threads, CLONE_FS children) share one fs-group. */
struct fsgroup {
	int refs;
	struct cwd_value *cwd;
	int inflight;		/* chdir/fchdir entered and not yet returned */
	/*
	 * Shared with another process (CLONE_FS without CLONE_THREAD), now or once: the
	 * kernel then treats an exec as unsafe, and a set-user-ID bit may not apply.
	 */
	bool cross_process;
};

/* What the libc exec uprobe captured at the call, waiting for the exec it announces. */
struct uexec {
	int func;
	int fd;
	char *filename;
	char *argv;
	size_t argv_len;
	bool argv_fault;
	bool argv_truncated;
	bool eprobe;		/* captured by an event probe, not a uprobe */
	int enters;		/* exec syscalls entered since the call */
};

struct task {
	int tid;
	int tgid;		/* 0 unknown */
	int ppid;		/* 0 unknown */
	bool in_chdir;
	/*
	 * Runs under another root (chroot, container): path strings it passes are in its own
	 * view, which realpath() here can't resolve, so the string tiers are not used for it.
	 * Known from /proc at start and at exec, inherited at fork.
	 */
	bool foreign_root;
	/*
	 * In a mount namespace of its own (unshare/setns/clone with CLONE_NEWNS): even /proc's
	 * cwd and exe texts are in that namespace's view, not host paths.
	 */
	bool other_ns;
	struct fsgroup *fs;
	struct cgroup_ref *cg;	/* NULL unknown */
	char *s_chdir;		/* path of a chdir syscall in progress, from its event (6.19+) */
	char *u_chdir;		/* path of a libc chdir() call in progress (uprobe) */
	bool u_chdir_set;	/* a chdir() call was seen (u_chdir NULL: the string faulted) */
	bool u_chdir_eprobe;	/* ... by an event probe (tier 2) */
	struct uexec *u_exec;	/* libc exec call in progress */
	bool in_ns;		/* unshare() / setns() in progress, with: */
	uint64_t ns_flags;
	uint64_t proc_start;	/* fork of its process (trace time), 0 unknown */
	struct task_end *end;	/* its task end, read before its exit event was applied */
	struct cred_value *creds; /* NULL: unknown */
	/* What decides whether a set-user-ID exec raises the euid: 0 no, 1 yes, -1 unknown. */
	int8_t nnp;		/* no_new_privs */
	int8_t traced;		/* a tracer may be attached (1: may) */
	int8_t userns;		/* in another user namespace than the initial one */
	int setid_call;		/* a set*id call in progress: enum tw_setid_call + 1, 0 none */
	uint32_t setid_ruid, setid_euid;
	uint64_t setid_enter;	/* ... entered at this time */
	bool threaded;		/* a leader that has (or had) other threads */
	uint64_t fan_since;	/* its opens after this time are for its next exec attempt */
	UT_hash_handle hh;
};

/* One file the kernel opened for an exec (fanotify), not yet matched to an exec record. */
struct fan_item {
	uint64_t ts;		/* read time */
	bool has_stat;
	uint64_t dev, ino;
	uint32_t mode, uid;
	int kind;		/* enum tw_fan_kind */
	unsigned int flags;
	char *path;
	struct fan_item *next;
};

/* The unmatched items of one exec caller (tid), in the order of the opens. */
struct fan_queue {
	int tid;
	struct fan_item *head, *tail;
	int n;
	uint64_t dropped;	/* read time of the newest item dropped for room; 0 none */
	UT_hash_handle hh;
};

/*
 * Exits applied minus task ends applied, per tid (taskstats only): an end can be read before
 * or after its exit event. Entries at 0 are removed.
 */
struct end_balance {
	int tid;
	int n;
	UT_hash_handle hh;
};

/* What a task end (taskstats) tells an exit record. */
struct task_end {
	uint32_t status;	/* wait status */
	int tgid;
	uint64_t elapsed_us;	/* the thread's wall time at its end */
};

/* A record waiting until the stream has passed the /proc reads it depends on. */
struct pending {
	struct tw_record *rec;
	uint64_t ts;
	uint64_t hold_until;
	bool is_exec;
	int end_tid;			/* exit waiting for this task's end, 0: none */
	/* exec only: */
	struct cwd_value *model_cwd;	/* cwd the model had for the task at exec time */
	struct fsgroup *fs;
	struct tw_proc_read proc;		/* read at arrival of the exec event */
	int probe_pid;
	bool probe_cwd_ok;
	bool probe_proc_ok;		/* exe, argv, uid, ppid */
	int model_ppid;
	struct cgroup_ref *cg;
	struct uexec *uexec;		/* argv captured by the uprobe, or NULL */
	bool foreign_root;		/* the task's paths are in another root's view */
	bool other_ns;			/* ... in another mount namespace's view, /proc's too */
	/* fanotify matching (exec with opts.fanotify): */
	bool need_fan;
	int fan_tid;			/* the exec caller (old_pid) */
	uint64_t fan_since;		/* its opens for this exec came after this time */
	/* the task's end (taskstats), for the final ELF's identity when /proc missed it: */
	bool exited;			/* the process's exit was applied */
	bool end_seen;			/* its task end arrived (or was lost) */
	bool end_has_exe;
	uint64_t end_dev, end_ino;
	/* uids: */
	struct cred_value *creds;	/* the exec's node, decided at finish */
	bool proc_ids_ok;		/* no set*id call between the exec and the /proc read */
	int8_t nnp, traced, userns;	/* the task's, at the exec */
	bool fs_shared;			/* its fs_struct is shared with another process */
	bool setid_after;		/* a set*id call succeeded after the exec */
	bool end_uid_ok;		/* its end's uid is the exec's: no set*id call between */
	int stale_ends;			/* ends of this tid's earlier tasks still to come */
	uint32_t end_uid;
	bool creds_lost;		/* events were lost before the exec was finished */
	/* the final ELF as fanotify saw it, and whether an ELF loader came with it: */
	bool fan_final;
	uint64_t fan_dev, fan_ino;
	uint32_t fan_mode, fan_uid;
	unsigned int fan_flags;
	bool fan_host_loader;		/* the host libc's loader came with it */
	struct pending *next;
};

struct tw_model {
	struct tw_model_opts opts;
	struct task *tasks;		/* uthash by tid */
	struct pending *head, *tail;
	struct cwd_value **tentative;	/* values whose /proc read the stream has not passed */
	size_t nr_tentative, cap_tentative;
	uint64_t loss_epoch;
	uint64_t last_ts;
	/* fanotify: */
	struct fan_queue *fanq;		/* uthash by tid */
	struct end_balance *ends;	/* uthash by tid */
	uint64_t fan_prev_sync;		/* time of the last sync item */
	uint64_t fan_covered;		/* every open before this time has been applied */
	uint64_t fan_lost;		/* read time of the last overflow; 0 none */
	struct {
		uint64_t dev, ino;
	} loaders[FAN_LOADERS_MAX];
	int nr_loaders;
	struct tw_model_stats st;
};

/*
 * ---- model-tasks.c: task table, fs-groups, cwd values, cgroup references ----
 * Private to the model (no tw_ prefix); each one's contract is the comment above it there.
 */

void cwd_put(struct cwd_value *v);
struct cwd_value *cwd_get(struct cwd_value *v);
void fs_put(struct fsgroup *fs);
struct fsgroup *fs_get(struct fsgroup *fs);
struct fsgroup *fs_new(struct cwd_value *cwd);
void fs_set_cwd(struct fsgroup *fs, struct cwd_value *v);
bool cwd_usable(const struct tw_model *m, const struct cwd_value *v);
bool cwd_still_valid(const struct cwd_value *v);
int track_tentative(struct tw_model *m, struct cwd_value *v);
size_t exe_link_len(const char *exe);
struct cwd_value *cwd_new(struct tw_model *m, char *path, uint64_t t_start, uint64_t t_read,
			  int tid, enum tw_prov source);
void check_tentative(struct tw_model *m, uint64_t ts, int exited_tid, int new_tid);
void cg_put(struct cgroup_ref *cg);
struct cgroup_ref *cg_get(struct cgroup_ref *cg);
struct cgroup_ref *cg_new(uint64_t id, char *path);
void task_set_cgroup(struct task *t, struct cgroup_ref *cg);
void uexec_free(struct uexec *u);
struct uexec *take_uexec(struct task *t);
void task_clear_calls(struct task *t);
struct task *task_find(struct tw_model *m, int tid);
void task_remove(struct tw_model *m, struct task *t);
struct task *task_add(struct tw_model *m, int tid, int tgid, int ppid, struct fsgroup *fs);
struct task *task_unknown(struct tw_model *m, int tid);

/* ---- model-creds.c: uid tracking; contracts in that file ---- */
struct cred_value *cred_get(struct cred_value *v);
void cred_put(struct cred_value *v);
struct cred_value *cred_known(long uid, long euid, enum tw_prov src, bool unsure);
struct cred_value *cred_exec_pending(struct cred_value *before);
struct cred_value *cred_fork(struct cred_value *parent);
struct cred_value *cred_setid(struct cred_value *base, int call, uint32_t ruid, uint32_t euid);
void cred_eval(struct cred_value *v);
void cred_read(struct cred_value *v, struct cred_now *out);
void cred_resolve_exec(struct cred_value *v, const struct cred_now *now);

#endif
