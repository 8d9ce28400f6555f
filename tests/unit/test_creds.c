// SPDX-License-Identifier: GPL-2.0
/*
 * test_creds.c - the uids the model follows for each task and puts on exec records: forks,
 * set*id calls, the set-user-ID bit (fanotify), /proc at the exec, task ends, losses, and the
 * three creds modes (syscalls, libc uprobes, none).
 *
 * Tests named test_bug_* are sequences where the model once reported a WRONG uid or euid (not
 * merely an unknown one); they assert what the kernel does (or "unknown") and stay as
 * regression tests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "event.h"
#include "fanwatch.h"
#include "model.h"
#include "util.h"
#include "model_fixture.h"


#define DEV	   8
#define LOADER_INO 3 /* the host libc's ELF loader */
#define MODE_PLAIN 0100755u
#define MODE_SUID  (0100755u | S_ISUID)


/* ---- harness ---- */


/* Every directory is canonical already. */
static char *same_realpath(const char *dir, void *ctx)
{
	(void)ctx;
	return strdup(dir);
}

struct mopts {
	enum tw_creds_mode creds;
	bool fanotify;
	bool taskstats;
	bool no_loader; /* no host loader known */
};

static struct tw_model *model(struct sink *s, const struct mopts *mo)
{
	struct tw_model_opts o = {
	    .fanotify = mo->fanotify,
	    .taskstats = mo->taskstats,
	    .creds = mo->creds,
	    .realpath_fn = same_realpath,
	    .emit = collect,
	    .emit_ctx = s,
	};
	struct tw_model *m;

	if (!mo->no_loader) {
		o.host_loader.dev = DEV;
		o.host_loader.ino = LOADER_INO;
	}
	m = tw_model_new(&o);
	assert_non_null(m);
	return m;
}

struct seedv {
	long uid, euid;
	int nnp, tracer, userns, libc;
};

/* A task found at start, with its uids and privilege flags as the snapshot read them. */
static void seed(struct tw_model *m, int tid, int tgid, const struct seedv *v)
{
	struct tw_proc_task t = {
	    .tid = tid,
	    .tgid = tgid,
	    .ppid = 1,
	    .cwd = "/",
	    .t_start = 1,
	    .t_read = 2,
	    .fs_owner = 0,
	    .uid = v->uid,
	    .euid = v->euid,
	    .nnp = v->nnp,
	    .tracer = v->tracer,
	    .userns = v->userns,
	    .libc = v->libc,
	};

	assert_int_equal(tw_model_seed(m, &t), 0);
}

/* uid/euid 1000, no_new_privs, tracer and user namespace known to be off, libc mapped. */
static const struct seedv USER = {1000, 1000, 0, 0, 0, 1};
static const struct seedv ROOT = {0, 0, 0, 0, 0, 1};

/* What /proc said at the exec's arrival (t_read 0: nothing read). */
struct probe {
	uint64_t t_start, t_read;
	const char *exe;
	long uid, euid, loginuid;
	int nnp, tracer;
};

#define PROBE(t0, t1, exe_, uid_, euid_, login, nnp_, tracer_)                               \
	{ .t_start = (t0), .t_read = (t1), .exe = (exe_), .uid = (uid_), .euid = (euid_),     \
	  .loginuid = (login), .nnp = (nnp_), .tracer = (tracer_) }

static void exec_ev(struct tw_model *m, uint64_t ts, int pid, int old_pid, const char *filename,
		    const struct probe *p)
{
	struct tw_event *ev = tw_event_new(TW_EV_EXEC);

	ev->ts = ts;
	ev->tid = old_pid;
	ev->exec.pid = pid;
	ev->exec.old_pid = old_pid;
	ev->exec.filename = strdup(filename);
	if (p) {
		ev->proc.t_start = p->t_start;
		ev->proc.t_read = p->t_read;
		ev->proc.exe = p->exe ? strdup(p->exe) : NULL;
		ev->proc.uid = p->uid;
		ev->proc.euid = p->euid;
		ev->proc.loginuid = p->loginuid;
		ev->proc.nnp = p->nnp;
		ev->proc.tracer = p->tracer;
	}
	apply(m, ev);
}

static void exit_ev(struct tw_model *m, uint64_t ts, int tid, int group_dead)
{
	struct tw_event *ev = tw_event_new(TW_EV_EXIT);

	ev->ts = ts;
	ev->tid = tid;
	ev->exit.pid = tid;
	ev->exit.group_dead = group_dead;
	apply(m, ev);
}

static void setid_enter(struct tw_model *m, uint64_t ts, int tid, int call, uint32_t ruid,
			uint32_t euid, bool libc)
{
	struct tw_event *ev = tw_event_new(TW_EV_SETID);

	ev->ts = ts;
	ev->tid = tid;
	ev->setid.call = call;
	ev->setid.ruid = ruid;
	ev->setid.euid = euid;
	ev->setid.suid = call == TW_SETID_SETRESUID ? euid : TW_ID_KEEP;
	ev->setid.libc = libc;
	apply(m, ev);
}

static void setid_exit(struct tw_model *m, uint64_t ts, int tid, int call, long ret, bool libc)
{
	struct tw_event *ev = tw_event_new(TW_EV_SETID_EXIT);

	ev->ts = ts;
	ev->tid = tid;
	ev->setid.call = call;
	ev->setid.ret = ret;
	ev->setid.libc = libc;
	apply(m, ev);
}

/* A set*id call seen entering at @ts and returning @ret at @ts + 1. */
static void setid(struct tw_model *m, uint64_t ts, int tid, int call, uint32_t ruid, uint32_t euid,
		  long ret, bool libc)
{
	setid_enter(m, ts, tid, call, ruid, euid, libc);
	setid_exit(m, ts + 1, tid, call, ret, libc);
}

static void priv(struct tw_model *m, uint64_t ts, int tid, int what, int target)
{
	struct tw_event *ev = tw_event_new(TW_EV_PRIV);

	ev->ts = ts;
	ev->tid = tid;
	ev->priv.what = what;
	ev->priv.target = target;
	apply(m, ev);
}

/* One FAN_OPEN_EXEC item of exec caller @tid: file DEV/@ino at @path, @mode, owned by @owner. */
static void fan_item(struct tw_model *m, uint64_t ts, int tid, uint64_t ino, const char *path,
		     uint32_t mode, uint32_t owner, unsigned int flags)
{
	struct tw_event *ev = tw_event_new(TW_EV_FAN_EXEC);

	ev->ts = ts;
	ev->tid = tid;
	ev->fan.has_stat = true;
	ev->fan.dev = DEV;
	ev->fan.ino = ino;
	ev->fan.mode = mode;
	ev->fan.uid = owner;
	ev->fan.nlink = 1;
	ev->fan.kind = TW_FAN_PATH;
	ev->fan.flags = flags;
	ev->fan.path = strdup(path);
	apply(m, ev);
}

static void fan_sync(struct tw_model *m, uint64_t ts)
{
	struct tw_event *ev = tw_event_new(TW_EV_FAN_EXEC);

	ev->ts = ts;
	apply(m, ev);
}

/* Two syncs: every open before @ts has been applied; held exec records before it are let out. */
static void settle(struct tw_model *m, uint64_t ts)
{
	fan_sync(m, ts);
	fan_sync(m, ts + 1);
	assert_int_equal(tw_model_advance(m, ts + 1), 0);
}

/*
 * An exec of ELF @path (inode @ino, @mode, owner @owner, item @flags) by @old_pid becoming
 * @pid at @ts: its item read at @ts - 2, the host loader's right after it (a dynamic program)
 * unless @is_static, then the exec event.
 */
static void fan_exec(struct tw_model *m, uint64_t ts, int pid, int old_pid, const char *path,
		     uint64_t ino, uint32_t mode, uint32_t owner, unsigned int flags,
		     bool is_static, const struct probe *p)
{
	fan_item(m, ts - 2, old_pid, ino, path, mode, owner, flags);
	if (!is_static)
		fan_item(m, ts - 2, old_pid, LOADER_INO, "/lib/ld-linux.so.2", MODE_PLAIN, 0, 0);
	exec_ev(m, ts, pid, old_pid, path, p);
}

/* A plain dynamic program's exec. */
static void dyn_exec(struct tw_model *m, uint64_t ts, int pid, const char *path, uint64_t ino)
{
	fan_exec(m, ts, pid, pid, path, ino, MODE_PLAIN, 0, 0, false, NULL);
}

static void task_end(struct tw_model *m, uint64_t ts, int tid, int tgid, uint32_t uid,
		     uint64_t exe_ino, bool group_dead)
{
	struct tw_event *ev = tw_event_new(TW_EV_TASK_END);

	ev->ts = ts;
	ev->tid = tid;
	ev->task_end.tgid = tgid;
	ev->task_end.uid = uid;
	ev->task_end.group_dead = group_dead;
	ev->task_end.has_exe = exe_ino != 0;
	ev->task_end.exe_dev = DEV;
	ev->task_end.exe_ino = exe_ino;
	apply(m, ev);
}

static void lost_ev(struct tw_model *m, uint64_t ts)
{
	struct tw_event *ev = tw_event_new(TW_EV_LOST);

	ev->ts = ts;
	ev->lost.count = 3;
	apply(m, ev);
}

/* The exec record of @pid whose filename is @fn (exactly one). */
static struct tw_record *exec_rec(struct sink *s, int pid, const char *fn)
{
	struct tw_record *found = NULL;
	int i;

	for (i = 0; i < s->n; i++) {
		struct tw_record *r = s->recs[i];

		if (r->type == TW_REC_EXEC && r->pid == pid && !strcmp(r->filename, fn)) {
			assert_null(found);
			found = r;
		}
	}
	if (!found)
		fail_msg("no exec record of %d %s among %d records", pid, fn, s->n);
	return found;
}

static void assert_ids(const struct tw_record *r, long uid, long euid, const char *source)
{
	if (r->uid != uid || r->euid != euid || !r->uid_source || strcmp(r->uid_source, source))
		fail_msg("%s (pid %d): uid %ld euid %ld source %s; want uid %ld euid %ld source %s",
			 r->filename, r->pid, r->uid, r->euid,
			 r->uid_source ? r->uid_source : "(null)", uid, euid, source);
}

static uint64_t conflicts(const struct tw_model *m)
{
	struct tw_model_stats st;

	tw_model_get_stats(m, &st);
	return st.uid_conflicts;
}

static const struct mopts SYS_FAN = {.creds = TW_CREDS_SYSCALLS, .fanotify = true};
static const struct mopts SYS_FAN_TS = {
    .creds = TW_CREDS_SYSCALLS, .fanotify = true, .taskstats = true};
static const struct mopts SYS_NOFAN = {.creds = TW_CREDS_SYSCALLS};
static const struct mopts LIBC_FAN = {.creds = TW_CREDS_LIBC, .fanotify = true};

/* ---- 1. forks and execs carry the ids ---- */

/*
 * Syscall events, fanotify: the seeded shell's ids go through a fork and an exec (a final ELF
 * without the set-user-ID bit) and on to a grandchild; nothing from /proc.
 */
static void test_tracked_through_fork_exec(void **state)
{
	struct sink s = {0};
	struct tw_model *m = model(&s, &SYS_FAN);
	struct tw_record *r;

	(void)state;
	seed(m, 100, 100, &USER);
	fan_sync(m, 5);
	newtask(m, 10, 100, 200, 0);
	dyn_exec(m, 20, 200, "/bin/prog", 4);
	newtask(m, 25, 200, 300, 0); /* forked while the exec's record is held */
	dyn_exec(m, 30, 300, "/bin/child", 5);
	settle(m, 40);
	r = exec_rec(&s, 200, "/bin/prog");
	assert_string_equal(r->exe_source, "fanotify"); /* the final ELF was known */
	assert_ids(r, 1000, 1000, "tracked");
	assert_int_equal(r->loginuid, -1); /* only /proc tells it */
	assert_ids(exec_rec(&s, 300, "/bin/child"), 1000, 1000, "tracked");
	assert_int_equal(conflicts(m), 0);
	sink_clear(&s);
	tw_model_free(m);
}

/* Without fanotify the executed file is unknown: a set-user-ID bit may have applied. */
static void test_tracked_no_fanotify(void **state)
{
	struct sink s = {0};
	struct tw_model *m = model(&s, &SYS_NOFAN);

	(void)state;
	seed(m, 100, 100, &USER);
	newtask(m, 10, 100, 200, 0);
	exec_ev(m, 20, 200, 200, "/bin/prog", NULL);
	newtask(m, 25, 200, 300, 0);
	exec_ev(m, 30, 300, 300, "/bin/child", NULL);
	assert_int_equal(tw_model_flush(m), 0);
	assert_ids(exec_rec(&s, 200, "/bin/prog"), 1000, -1, "tracked");
	/* The euid stays unknown down the tree; the real uid is kept by every exec. */
	assert_ids(exec_rec(&s, 300, "/bin/child"), 1000, -1, "tracked");
	sink_clear(&s);
	tw_model_free(m);
}

/* fanotify on, but nothing identifies the final ELF (no /proc, no loader known): euid unknown. */
static void test_final_elf_unknown(void **state)
{
	struct mopts mo = SYS_FAN;
	struct sink s = {0};
	struct tw_model *m;

	(void)state;
	mo.no_loader = true;
	m = model(&s, &mo);
	seed(m, 100, 100, &USER);
	fan_sync(m, 5);
	newtask(m, 10, 100, 200, 0);
	fan_item(m, 18, 200, 4, "/bin/prog", MODE_PLAIN, 0, 0);
	fan_item(m, 18, 200, 9, "/lib/other-ld.so", MODE_PLAIN, 0, 0);
	exec_ev(m, 20, 200, 200, "/bin/prog", NULL);
	settle(m, 40);
	assert_ids(exec_rec(&s, 200, "/bin/prog"), 1000, -1, "tracked");
	sink_clear(&s);
	tw_model_free(m);
}

/* ---- 2. set*id calls ---- */

/* setresuid in the child before its exec: seen to succeed, failed, or returning unseen. */
static void test_setresuid(void **state)
{
	struct sink s = {0};
	struct tw_model *m = model(&s, &SYS_FAN);

	(void)state;
	seed(m, 100, 100, &ROOT);
	fan_sync(m, 5);
	/* Succeeds: the exec has the new ids. */
	newtask(m, 10, 100, 200, 0);
	setid(m, 12, 200, TW_SETID_SETRESUID, 1000, 1001, 0, false);
	dyn_exec(m, 20, 200, "/bin/a", 4);
	/* Fails (EPERM): nothing changes. */
	newtask(m, 30, 100, 201, 0);
	setid(m, 32, 201, TW_SETID_SETRESUID, 1000, 1000, -1, false);
	dyn_exec(m, 40, 201, "/bin/b", 5);
	/* Returns successfully but its entry was not seen: the ids it set are unknown. */
	newtask(m, 50, 100, 202, 0);
	setid_exit(m, 53, 202, TW_SETID_SETRESUID, 0, false);
	dyn_exec(m, 60, 202, "/bin/c", 6);
	/* An unseen entry whose call failed changes nothing. */
	newtask(m, 70, 100, 203, 0);
	setid_exit(m, 73, 203, TW_SETID_SETRESUID, -1, false);
	dyn_exec(m, 80, 203, "/bin/d", 7);
	settle(m, 90);
	assert_ids(exec_rec(&s, 200, "/bin/a"), 1000, 1001, "tracked");
	assert_ids(exec_rec(&s, 201, "/bin/b"), 0, 0, "tracked");
	assert_ids(exec_rec(&s, 202, "/bin/c"), -1, -1, "untracked");
	assert_ids(exec_rec(&s, 203, "/bin/d"), 0, 0, "tracked");
	/* The parent is untouched by its children's calls. */
	dyn_exec(m, 100, 100, "/bin/e", 8);
	settle(m, 110);
	assert_ids(exec_rec(&s, 100, "/bin/e"), 0, 0, "tracked");
	sink_clear(&s);
	tw_model_free(m);
}

/* setreuid/setresuid with -1 keep that id; seteuid changes only the euid. */
static void test_setreuid_keep_and_seteuid(void **state)
{
	struct sink s = {0};
	struct tw_model *m = model(&s, &SYS_FAN);

	(void)state;
	seed(m, 100, 100, &ROOT);
	fan_sync(m, 5);
	newtask(m, 10, 100, 200, 0);
	setid(m, 12, 200, TW_SETID_SETREUID, TW_ID_KEEP, 1000, 0, false);
	dyn_exec(m, 20, 200, "/bin/a", 4);
	newtask(m, 30, 100, 201, 0);
	setid(m, 32, 201, TW_SETID_SETRESUID, 1000, TW_ID_KEEP, 0, false);
	dyn_exec(m, 40, 201, "/bin/b", 5);
	newtask(m, 50, 100, 202, 0);
	setid(m, 52, 202, TW_SETID_SETEUID, 0, 2000, 0, false);
	dyn_exec(m, 60, 202, "/bin/c", 6);
	/* Two calls in a row: each applies to what the one before gave. */
	newtask(m, 70, 100, 203, 0);
	setid(m, 72, 203, TW_SETID_SETEUID, 0, 1000, 0, false);
	setid(m, 74, 203, TW_SETID_SETREUID, 2000, TW_ID_KEEP, 0, false);
	dyn_exec(m, 80, 203, "/bin/d", 7);
	settle(m, 90);
	assert_ids(exec_rec(&s, 200, "/bin/a"), 0, 1000, "tracked");
	assert_ids(exec_rec(&s, 201, "/bin/b"), 1000, 0, "tracked");
	assert_ids(exec_rec(&s, 202, "/bin/c"), 0, 2000, "tracked");
	assert_ids(exec_rec(&s, 203, "/bin/d"), 2000, 1000, "tracked");
	sink_clear(&s);
	tw_model_free(m);
}

/* ---- 3. setuid(x) ---- */

/*
 * setuid(x): with euid 0 every id becomes x; without (euid 1000) only the euid; with the
 * privilege unknown, the real uid only when it is x already.
 */
static void test_setuid_semantics(void **state)
{
	static const struct seedv SUID_ROOT = {1000, 0, 0, 0, 0, 1}; /* running su */
	static const struct seedv EUID_UNKNOWN = {1000, -1, 0, 0, 0, 1};
	struct sink s = {0};
	struct tw_model *m = model(&s, &SYS_FAN);

	(void)state;
	seed(m, 100, 100, &ROOT);
	seed(m, 101, 101, &USER);
	seed(m, 102, 102, &SUID_ROOT);
	seed(m, 103, 103, &EUID_UNKNOWN);
	fan_sync(m, 5);
	newtask(m, 10, 100, 200, 0);
	setid(m, 12, 200, TW_SETID_SETUID, 1000, TW_ID_KEEP, 0, false);
	dyn_exec(m, 20, 200, "/bin/a", 4);
	newtask(m, 21, 101, 201, 0);
	setid(m, 22, 201, TW_SETID_SETUID, 2000, TW_ID_KEEP, 0, false);
	dyn_exec(m, 30, 201, "/bin/b", 5);
	newtask(m, 31, 102, 202, 0);
	setid(m, 32, 202, TW_SETID_SETUID, 3000, TW_ID_KEEP, 0, false);
	dyn_exec(m, 40, 202, "/bin/c", 6);
	newtask(m, 41, 103, 203, 0);
	setid(m, 42, 203, TW_SETID_SETUID, 2000, TW_ID_KEEP, 0, false);
	dyn_exec(m, 50, 203, "/bin/d", 7);
	newtask(m, 51, 103, 204, 0);
	setid(m, 52, 204, TW_SETID_SETUID, 1000, TW_ID_KEEP, 0, false);
	dyn_exec(m, 60, 204, "/bin/e", 8);
	settle(m, 70);
	assert_ids(exec_rec(&s, 200, "/bin/a"), 1000, 1000, "tracked");
	assert_ids(exec_rec(&s, 201, "/bin/b"), 1000, 2000, "tracked");
	assert_ids(exec_rec(&s, 202, "/bin/c"), 3000, 3000, "tracked");
	assert_ids(exec_rec(&s, 203, "/bin/d"), -1, 2000, "tracked");
	assert_ids(exec_rec(&s, 204, "/bin/e"), 1000, 1000, "tracked");
	sink_clear(&s);
	tw_model_free(m);
}

/* ---- 4. threads ---- */

/* A libc call (glibc applies it to every thread) in the leader; another thread then execs. */
static void test_libc_call_all_threads(void **state)
{
	struct sink s = {0};
	struct tw_model *m = model(&s, &LIBC_FAN);

	(void)state;
	seed(m, 100, 100, &ROOT);
	fan_sync(m, 5);
	newtask(m, 10, 100, 101, THREAD_FLAGS);
	newtask(m, 11, 100, 102, THREAD_FLAGS);
	setid(m, 12, 100, TW_SETID_SETUID, 1000, TW_ID_KEEP, 0, true);
	newtask(m, 15, 102, 300, 0); /* thread 102's child, after the call */
	fan_exec(m, 20, 100, 101, "/bin/a", 4, MODE_PLAIN, 0, 0, false, NULL);
	dyn_exec(m, 25, 300, "/bin/b", 5);
	settle(m, 30);
	assert_ids(exec_rec(&s, 100, "/bin/a"), 1000, 1000, "tracked");
	assert_ids(exec_rec(&s, 300, "/bin/b"), 1000, 1000, "tracked");
	sink_clear(&s);
	tw_model_free(m);
}

/* A raw syscall changes only its own thread's ids. */
static void test_syscall_one_thread(void **state)
{
	struct sink s = {0};
	struct tw_model *m = model(&s, &SYS_FAN);

	(void)state;
	seed(m, 100, 100, &ROOT);
	fan_sync(m, 5);
	newtask(m, 10, 100, 101, THREAD_FLAGS);
	newtask(m, 11, 100, 102, THREAD_FLAGS);
	setid(m, 12, 100, TW_SETID_SETRESUID, 1000, 1000, 0, false);
	newtask(m, 14, 100, 301, 0); /* the leader's child: the new ids */
	newtask(m, 15, 102, 302, 0); /* thread 102's: the old ones */
	dyn_exec(m, 20, 301, "/bin/c", 6);
	dyn_exec(m, 24, 302, "/bin/d", 7);
	fan_exec(m, 28, 100, 101, "/bin/a", 4, MODE_PLAIN, 0, 0, false, NULL);
	settle(m, 40);
	assert_ids(exec_rec(&s, 100, "/bin/a"), 0, 0, "tracked");
	assert_ids(exec_rec(&s, 301, "/bin/c"), 1000, 1000, "tracked");
	assert_ids(exec_rec(&s, 302, "/bin/d"), 0, 0, "tracked");
	sink_clear(&s);
	tw_model_free(m);
}

/* ---- 5. the set-user-ID bit ---- */

/*
 * Run /usr/bin/sudo (set-user-ID root, item @flags) in a child of a task seeded with @v,
 * forked with @clone_flags, after @prepare (may be NULL) ran in the child at ts 12..14.
 * Returns the exec record (in @s).
 */
static struct tw_record *run_setuid(struct tw_model *m, struct sink *s, const struct seedv *v,
				    uint64_t clone_flags, unsigned int flags,
				    void (*prepare)(struct tw_model *m, int child),
				    const struct probe *p)
{
	seed(m, 100, 100, v);
	fan_sync(m, 5);
	newtask(m, 10, 100, 200, clone_flags);
	if (prepare)
		prepare(m, 200);
	fan_exec(m, 20, 200, 200, "/usr/bin/sudo", 4, MODE_SUID, 0, flags, false, p);
	settle(m, 30);
	return exec_rec(s, 200, "/usr/bin/sudo");
}

static void prep_nnp(struct tw_model *m, int child)
{
	priv(m, 12, child, TW_PRIV_NO_NEW_PRIVS, 0);
}

static void prep_traceme(struct tw_model *m, int child)
{
	priv(m, 12, child, TW_PRIV_TRACEME, 0);
}

static void prep_attached(struct tw_model *m, int child)
{
	priv(m, 12, 999, TW_PRIV_ATTACH, child);
}

/* The bit applies: euid is the file's owner; the real uid stays; children inherit it. */
static void test_setuid_file_applies(void **state)
{
	struct sink s = {0};
	struct tw_model *m = model(&s, &SYS_FAN);
	struct tw_record *r;

	(void)state;
	r = run_setuid(m, &s, &USER, 0, 0, NULL, NULL);
	assert_ids(r, 1000, 0, "setuid-file");
	/* sudo's child runs a plain program: the ids sudo had, now tracked. */
	newtask(m, 40, 200, 300, 0);
	dyn_exec(m, 50, 300, "/usr/bin/id", 5);
	settle(m, 60);
	assert_ids(exec_rec(&s, 300, "/usr/bin/id"), 1000, 0, "tracked");
	sink_clear(&s);
	tw_model_free(m);
}

/* A set-user-ID file owned by the caller's euid: the same euid whether or not it applied. */
static void test_setuid_file_own_euid(void **state)
{
	static const struct seedv NNP = {1000, 1000, 1, 0, 0, 1};
	struct sink s = {0};
	struct tw_model *m = model(&s, &SYS_FAN);

	(void)state;
	seed(m, 100, 100, &NNP);
	fan_sync(m, 5);
	newtask(m, 10, 100, 200, 0);
	fan_exec(m, 20, 200, 200, "/home/u/mine", 4, MODE_SUID, 1000, 0, false, NULL);
	settle(m, 30);
	assert_ids(exec_rec(&s, 200, "/home/u/mine"), 1000, 1000, "tracked");
	sink_clear(&s);
	tw_model_free(m);
}

/* Each thing that keeps the bit from applying (or may) leaves the euid unknown. */
static void test_setuid_file_blocked(void **state)
{
	static const struct seedv NNP = {1000, 1000, 1, 0, 0, 1};
	static const struct seedv NNP_UNKNOWN = {1000, 1000, -1, 0, 0, 1};
	static const struct seedv TRACED = {1000, 1000, 0, 1, 0, 1};
	static const struct seedv TRACER_UNKNOWN = {1000, 1000, 0, -1, 0, 1};
	static const struct seedv USERNS = {1000, 1000, 0, 0, 1, 1};
	static const struct seedv USERNS_UNKNOWN = {1000, 1000, 0, 0, -1, 1};
	static const struct {
		const char *what;
		const struct seedv *v;
		uint64_t clone_flags;
		unsigned int flags;
		void (*prepare)(struct tw_model *m, int child);
	} cases[] = {
	    {"nnp", &NNP, 0, 0, NULL},
	    {"nnp unknown", &NNP_UNKNOWN, 0, 0, NULL},
	    {"traced", &TRACED, 0, 0, NULL},
	    {"tracer unknown", &TRACER_UNKNOWN, 0, 0, NULL},
	    {"userns", &USERNS, 0, 0, NULL},
	    {"userns unknown", &USERNS_UNKNOWN, 0, 0, NULL},
	    {"nosuid mount", &USER, 0, TW_FAN_NOSUID, NULL},
	    {"prctl no_new_privs", &USER, 0, 0, prep_nnp},
	    {"ptrace traceme", &USER, 0, 0, prep_traceme},
	    {"ptrace attach", &USER, 0, 0, prep_attached},
	    {"clone newuser", &USER, CLONE_NEWUSER, 0, NULL},
	};
	size_t i;

	(void)state;
	for (i = 0; i < TW_ARRAY_SIZE(cases); i++) {
		struct sink s = {0};
		struct tw_model *m = model(&s, &SYS_FAN);
		struct tw_record *r = run_setuid(m, &s, cases[i].v, cases[i].clone_flags,
						 cases[i].flags, cases[i].prepare, NULL);

		if (r->uid != 1000 || r->euid != -1 || strcmp(r->uid_source, "tracked"))
			fail_msg("%s: uid %ld euid %ld %s", cases[i].what, r->uid, r->euid,
				 r->uid_source);
		sink_clear(&s);
		tw_model_free(m);
	}
}

/* Inherited: a prctl in the parent before the fork counts, one after it does not. */
static void test_setuid_file_flags_inherited(void **state)
{
	struct sink s = {0};
	struct tw_model *m = model(&s, &SYS_FAN);

	(void)state;
	seed(m, 100, 100, &USER);
	fan_sync(m, 5);
	newtask(m, 10, 100, 200, 0);
	priv(m, 11, 100, TW_PRIV_NO_NEW_PRIVS, 0);
	newtask(m, 12, 100, 201, 0);
	fan_exec(m, 20, 200, 200, "/usr/bin/sudo", 4, MODE_SUID, 0, 0, false, NULL);
	fan_exec(m, 22, 201, 201, "/usr/bin/sudo", 4, MODE_SUID, 0, 0, false, NULL);
	settle(m, 30);
	assert_ids(exec_rec(&s, 200, "/usr/bin/sudo"), 1000, 0, "setuid-file");
	assert_ids(exec_rec(&s, 201, "/usr/bin/sudo"), 1000, -1, "tracked");
	sink_clear(&s);
	tw_model_free(m);
}

/*
 * Flags unknown in the snapshot, read as off by /proc after the exec. no_new_privs can only
 * be set, so it was off at the exec; but a tracer may have detached between the exec and the
 * read: TracerPid 0 then says nothing of the exec, and the bit may or may not have applied.
 * The read's ids are unknown here.
 */
static void test_setuid_file_flags_from_proc(void **state)
{
	static const struct seedv UNKNOWN_FLAGS = {1000, 1000, -1, -1, 0, 1};
	struct probe p = PROBE(21, 22, "/usr/bin/sudo", -1, -1, -1, 0, 0);
	struct sink s = {0};
	struct tw_model *m = model(&s, &SYS_FAN);

	(void)state;
	assert_ids(run_setuid(m, &s, &UNKNOWN_FLAGS, 0, 0, NULL, &p), 1000, -1, "tracked");
	sink_clear(&s);
	tw_model_free(m);
}

/* ---- 6. libc uprobes: static programs ---- */

/*
 * A dynamic program (the host loader right after its final ELF) is sure: its child's exec is
 * tracked. A static one (no loader) may change its ids unseen: its own record has the ids at
 * its exec, but a child it forks, and its own next exec, are unknown.
 */
static void test_libc_static_unsure(void **state)
{
	struct probe p = PROBE(61, 62, "/bin/static", -1, -1, -1, -1, -1);
	struct probe q = PROBE(91, 92, "/bin/musl", -1, -1, -1, -1, -1);
	struct sink s = {0};
	struct tw_model *m = model(&s, &LIBC_FAN);

	(void)state;
	seed(m, 100, 100, &USER);
	fan_sync(m, 5);
	newtask(m, 10, 100, 200, 0);
	dyn_exec(m, 20, 200, "/bin/dyn", 4);
	newtask(m, 25, 200, 300, 0);
	dyn_exec(m, 30, 300, "/bin/x", 6);
	settle(m, 40);
	assert_ids(exec_rec(&s, 200, "/bin/dyn"), 1000, 1000, "tracked");
	assert_ids(exec_rec(&s, 300, "/bin/x"), 1000, 1000, "tracked");
	sink_clear(&s);

	newtask(m, 50, 100, 201, 0);
	fan_exec(m, 60, 201, 201, "/bin/static", 5, MODE_PLAIN, 0, 0, true, &p);
	newtask(m, 63, 201, 301, 0);
	dyn_exec(m, 70, 301, "/bin/x", 6);
	settle(m, 80);
	assert_ids(exec_rec(&s, 201, "/bin/static"), 1000, 1000, "tracked");
	assert_ids(exec_rec(&s, 301, "/bin/x"), -1, -1, "untracked");
	sink_clear(&s);

	/* Another libc's loader is not the probed one: unsure too. */
	newtask(m, 84, 100, 202, 0);
	fan_item(m, 88, 202, 7, "/bin/musl", MODE_PLAIN, 0, 0);
	fan_item(m, 88, 202, 8, "/lib/ld-musl.so.1", MODE_PLAIN, 0, 0);
	exec_ev(m, 90, 202, 202, "/bin/musl", &q);
	newtask(m, 93, 202, 302, 0);
	dyn_exec(m, 95, 302, "/bin/x", 6);
	/* The static program execs again: what it had may have changed. */
	dyn_exec(m, 97, 201, "/bin/dyn", 4);
	settle(m, 110);
	assert_ids(exec_rec(&s, 202, "/bin/musl"), 1000, 1000, "tracked");
	assert_ids(exec_rec(&s, 302, "/bin/x"), -1, -1, "untracked");
	assert_ids(exec_rec(&s, 201, "/bin/dyn"), -1, -1, "untracked");
	sink_clear(&s);
	tw_model_free(m);
}

/* A process found at start that does not map the probed libc is unsure from the start. */
static void test_libc_seed_without_libc(void **state)
{
	static const struct seedv STATIC = {1000, 1000, 0, 0, 0, 0};
	struct sink s = {0};
	struct tw_model *m = model(&s, &LIBC_FAN);

	(void)state;
	seed(m, 100, 100, &STATIC);
	seed(m, 101, 101, &USER);
	fan_sync(m, 5);
	newtask(m, 10, 100, 200, 0);
	newtask(m, 11, 101, 201, 0);
	dyn_exec(m, 20, 200, "/bin/a", 4);
	dyn_exec(m, 21, 201, "/bin/b", 5);
	settle(m, 30);
	assert_ids(exec_rec(&s, 200, "/bin/a"), -1, -1, "untracked");
	assert_ids(exec_rec(&s, 201, "/bin/b"), 1000, 1000, "tracked");
	sink_clear(&s);
	tw_model_free(m);
}

/* ---- 7. /proc at the exec ---- */

/*
 * /proc read after the exec, with no set*id call in between, is the kernel's word: it wins
 * over the tracked ids (a conflict is counted), fills loginuid, and is tracked on from there.
 * A call that returned between the exec and the read makes it not count.
 */
static void test_proc_wins(void **state)
{
	struct probe p = PROBE(21, 22, "/bin/a", 1001, 1002, 1000, 0, 0);
	struct probe q = PROBE(55, 56, "/bin/b", 2000, 2000, 1000, 0, 0);
	struct probe u = PROBE(81, 82, "/bin/c", 1000, 1000, 4294967295L, 0, 0);
	struct sink s = {0};
	struct tw_model *m = model(&s, &SYS_NOFAN);
	struct tw_record *r;

	(void)state;
	seed(m, 100, 100, &USER);
	newtask(m, 10, 100, 200, 0);
	exec_ev(m, 20, 200, 200, "/bin/a", &p);
	newtask(m, 30, 200, 300, 0);
	exec_ev(m, 35, 300, 300, "/bin/child", NULL);
	/* setresuid returned between the exec (50) and the read (56): the read is of later ids. */
	newtask(m, 40, 100, 201, 0);
	exec_ev(m, 50, 201, 201, "/bin/b", &q);
	setid(m, 52, 201, TW_SETID_SETRESUID, 2000, 2000, 0, false);
	/* The same, with the call after the read: the read counts. */
	newtask(m, 70, 100, 202, 0);
	exec_ev(m, 80, 202, 202, "/bin/c", &u);
	setid(m, 85, 202, TW_SETID_SETRESUID, 2000, 2000, 0, false);
	assert_int_equal(tw_model_flush(m), 0);

	r = exec_rec(&s, 200, "/bin/a");
	assert_ids(r, 1001, 1002, "proc");
	assert_int_equal(r->loginuid, 1000);
	assert_ids(exec_rec(&s, 300, "/bin/child"), 1001, -1, "tracked");
	r = exec_rec(&s, 201, "/bin/b");
	assert_ids(r, 1000, -1, "tracked");
	assert_int_equal(r->loginuid, -1);
	r = exec_rec(&s, 202, "/bin/c");
	assert_ids(r, 1000, 1000, "proc");
	assert_int_equal(r->loginuid, 4294967295L); /* unset: reported as is */
	assert_int_equal(conflicts(m), 1);	    /* /bin/a: tracked 1000, /proc 1001 */
	sink_clear(&s);
	tw_model_free(m);
}

/* A libc call in another thread of the process between the exec and the read counts too. */
static void test_proc_libc_call_other_thread(void **state)
{
	struct probe p = PROBE(55, 56, "/bin/b", 2000, 2000, 1000, 0, 0);
	struct sink s = {0};
	struct tw_model *m = model(&s, &LIBC_FAN);

	(void)state;
	seed(m, 100, 100, &USER);
	fan_sync(m, 5);
	newtask(m, 10, 100, 200, 0);
	fan_exec(m, 50, 200, 200, "/bin/b", 4, MODE_PLAIN, 0, 0, false, &p);
	newtask(m, 51, 200, 201, THREAD_FLAGS);
	setid(m, 52, 201, TW_SETID_SETUID, 2000, TW_ID_KEEP, 0, true);
	settle(m, 60);
	assert_ids(exec_rec(&s, 200, "/bin/b"), 1000, 1000, "tracked");
	sink_clear(&s);
	tw_model_free(m);
}

/* ---- 8. the task end (taskstats) ---- */

/*
 * The real uid the task ended with fills an unknown one when no set*id call came after the
 * exec; a tracked one it contradicts becomes unknown; after a call it is not used.
 */
static void test_task_end_uid(void **state)
{
	static const struct seedv UNKNOWN = {-1, -1, 0, 0, 0, 1};
	struct sink s = {0};
	struct tw_model *m = model(&s, &SYS_FAN_TS);

	(void)state;
	seed(m, 100, 100, &UNKNOWN);
	seed(m, 101, 101, &USER);
	fan_sync(m, 5);
	/*
	 * 200: unknown before: the end's uid, nothing else. 201: known 1000, the end says 0:
	 * unknown. 202 (unknown before) and 203 (1000): a set*id call after the exec, so the
	 * end's uid is not the exec's.
	 */
	newtask(m, 10, 100, 200, 0);
	newtask(m, 11, 101, 201, 0);
	newtask(m, 12, 100, 202, 0);
	newtask(m, 13, 101, 203, 0);
	dyn_exec(m, 20, 200, "/bin/a", 4);
	dyn_exec(m, 22, 201, "/bin/b", 5);
	dyn_exec(m, 24, 202, "/bin/c", 6);
	dyn_exec(m, 26, 203, "/bin/d", 7);
	setid(m, 27, 202, TW_SETID_SETRESUID, 3000, 3000, 0, false);
	setid(m, 29, 203, TW_SETID_SETRESUID, 3000, 3000, 0, false);
	exit_ev(m, 31, 200, 1);
	exit_ev(m, 32, 201, 1);
	exit_ev(m, 33, 202, 1);
	exit_ev(m, 34, 203, 1);
	settle(m, 40);
	assert_int_equal(s.n, 0); /* each waits for its end */
	task_end(m, 45, 200, 200, 1000, 4, true);
	task_end(m, 45, 201, 201, 0, 5, true);
	task_end(m, 45, 202, 202, 3000, 6, true);
	task_end(m, 45, 203, 203, 3000, 7, true);
	assert_int_equal(tw_model_advance(m, 50), 0);
	assert_ids(exec_rec(&s, 200, "/bin/a"), 1000, -1, "taskstats");
	assert_ids(exec_rec(&s, 201, "/bin/b"), -1, -1, "untracked");
	assert_ids(exec_rec(&s, 202, "/bin/c"), -1, -1, "unresolved");
	assert_ids(exec_rec(&s, 203, "/bin/d"), 1000, 1000, "tracked");
	assert_int_equal(conflicts(m), 1);
	sink_clear(&s);
	tw_model_free(m);
}

/* Only a sure program's end counts (libc uprobes: not a static one's). */
static void test_task_end_unsure(void **state)
{
	static const struct seedv UNKNOWN = {-1, -1, 0, 0, 0, 1};
	struct mopts mo = LIBC_FAN;
	struct probe p = PROBE(21, 22, "/bin/static", -1, -1, -1, -1, -1);
	struct sink s = {0};
	struct tw_model *m;

	(void)state;
	mo.taskstats = true;
	m = model(&s, &mo);
	seed(m, 100, 100, &UNKNOWN);
	fan_sync(m, 5);
	newtask(m, 10, 100, 200, 0);
	newtask(m, 11, 100, 201, 0);
	fan_exec(m, 20, 200, 200, "/bin/static", 5, MODE_PLAIN, 0, 0, true, &p);
	dyn_exec(m, 23, 201, "/bin/dyn", 4);
	exit_ev(m, 25, 200, 1);
	exit_ev(m, 26, 201, 1);
	settle(m, 30);
	task_end(m, 35, 200, 200, 1000, 5, true);
	task_end(m, 35, 201, 201, 1000, 4, true);
	assert_int_equal(tw_model_advance(m, 40), 0);
	assert_ids(exec_rec(&s, 200, "/bin/static"), -1, -1, "unresolved");
	assert_ids(exec_rec(&s, 201, "/bin/dyn"), 1000, -1, "taskstats");
	sink_clear(&s);
	tw_model_free(m);
}

/* ---- 9. losses ---- */

/*
 * Lost events may hide any set*id call: a held exec and every later one are unknown ("lost")
 * until the kernel tells again (/proc at an exec), from which they are tracked again.
 */
static void test_lost(void **state)
{
	struct probe p = PROBE(21, 40, "/bin/a", 1000, 1000, 1000, 0, 0);
	struct probe q = PROBE(71, 72, "/bin/c", 1000, 1000, 1000, 0, 0);
	struct sink s = {0};
	struct tw_model *m = model(&s, &SYS_NOFAN);

	(void)state;
	seed(m, 100, 100, &USER);
	newtask(m, 10, 100, 200, 0);
	exec_ev(m, 20, 200, 200, "/bin/a", &p); /* held until its read at 40 */
	lost_ev(m, 25);
	newtask(m, 50, 100, 201, 0);
	exec_ev(m, 60, 201, 201, "/bin/b", NULL);
	newtask(m, 65, 100, 202, 0);
	exec_ev(m, 70, 202, 202, "/bin/c", &q);
	newtask(m, 75, 202, 302, 0);
	exec_ev(m, 80, 302, 302, "/bin/d", NULL);
	assert_int_equal(tw_model_flush(m), 0);
	assert_ids(exec_rec(&s, 200, "/bin/a"), -1, -1, "lost");
	assert_int_equal(exec_rec(&s, 200, "/bin/a")->loginuid, -1);
	assert_ids(exec_rec(&s, 201, "/bin/b"), -1, -1, "lost");
	assert_ids(exec_rec(&s, 202, "/bin/c"), 1000, 1000, "proc");
	assert_ids(exec_rec(&s, 302, "/bin/d"), 1000, -1, "tracked");
	sink_clear(&s);
	tw_model_free(m);
}

/* A set*id call in flight at a loss: its return can't be matched to its entry. */
static void test_lost_mid_call(void **state)
{
	struct sink s = {0};
	struct tw_model *m = model(&s, &SYS_FAN);
	struct tw_record *r;

	(void)state;
	seed(m, 100, 100, &ROOT);
	fan_sync(m, 5);
	newtask(m, 10, 100, 200, 0);
	setid_enter(m, 12, 200, TW_SETID_SETRESUID, 1000, 1000, false);
	lost_ev(m, 13);
	setid_exit(m, 14, 200, TW_SETID_SETRESUID, 0, false);
	dyn_exec(m, 20, 200, "/bin/a", 4);
	settle(m, 30);
	/* The call's exit was seen without its (forgotten) entry: unknown, not its arguments. */
	r = exec_rec(&s, 200, "/bin/a");
	assert_int_equal(r->uid, -1);
	assert_int_equal(r->euid, -1);
	assert_true(!strcmp(r->uid_source, "untracked") || !strcmp(r->uid_source, "lost"));
	sink_clear(&s);
	tw_model_free(m);
}

/* ---- 10. no set*id calls in the stream ---- */

/*
 * Nothing is tracked: every program may change its ids unseen, even between its exec and the
 * /proc read, so neither the read nor a task end tells the ids at the exec.
 */
static void test_none_mode(void **state)
{
	struct mopts mo = {.creds = TW_CREDS_NONE, .taskstats = true};
	struct probe p = PROBE(41, 42, "/bin/b", 1000, 0, 1000, 0, 0);
	struct sink s = {0};
	struct tw_model *m;
	struct tw_record *r;

	(void)state;
	m = model(&s, &mo);
	seed(m, 100, 100, &USER);
	newtask(m, 10, 100, 200, 0);
	exec_ev(m, 20, 200, 200, "/bin/a", NULL);
	exit_ev(m, 25, 200, 1);
	task_end(m, 30, 200, 200, 1000, 0, true);
	newtask(m, 35, 100, 201, 0);
	exec_ev(m, 40, 201, 201, "/bin/b", &p);
	newtask(m, 45, 201, 301, 0);
	exec_ev(m, 50, 301, 301, "/bin/c", NULL);
	exec_ev(m, 55, 100, 100, "/bin/d", NULL); /* the seeded task itself */
	assert_int_equal(tw_model_flush(m), 0);
	assert_ids(exec_rec(&s, 200, "/bin/a"), -1, -1, "untracked");
	r = exec_rec(&s, 201, "/bin/b");
	assert_ids(r, -1, -1, "untracked");
	assert_int_equal(r->loginuid, -1);
	assert_ids(exec_rec(&s, 301, "/bin/c"), -1, -1, "untracked");
	assert_ids(exec_rec(&s, 100, "/bin/d"), -1, -1, "untracked");
	sink_clear(&s);
	tw_model_free(m);
}

/* ---- sequences where the model reported a wrong id ---- */

/* What a bug test checks, copied out so that everything is freed before it fails. */
struct ids {
	long uid, euid;
	char source[32];
};

static struct ids take_ids(const struct tw_record *r)
{
	struct ids v = {r->uid, r->euid, ""};

	snprintf(v.source, sizeof(v.source), "%s", r->uid_source ? r->uid_source : "(null)");
	return v;
}

static void done(struct tw_model *m, struct sink *s)
{
	sink_clear(s);
	tw_model_free(m);
}

/*
 * setresuid entered before the /proc read ended and returned after it: the read may have seen
 * the new ids (the kernel commits them inside the call, before its exit event). The read must
 * not count; the exec's ids are the tracked ones from before the call (uid 0; no fanotify, so
 * euid unknown).
 */
static void test_bug_setid_in_flight_at_proc_read(void **state)
{
	struct probe p = PROBE(23, 24, "/bin/a", 1000, 1000, 1000, 0, 0);
	struct sink s = {0};
	struct tw_model *m = model(&s, &SYS_NOFAN);
	struct ids v;

	(void)state;
	seed(m, 100, 100, &ROOT);
	newtask(m, 10, 100, 200, 0);
	exec_ev(m, 20, 200, 200, "/bin/a", &p);
	setid_enter(m, 22, 200, TW_SETID_SETRESUID, 1000, 1000, false);
	setid_exit(m, 26, 200, TW_SETID_SETRESUID, 0, false);
	assert_int_equal(tw_model_flush(m), 0);
	v = take_ids(exec_rec(&s, 200, "/bin/a"));
	done(m, &s);
	if (v.uid == 1000 || v.euid == 1000)
		fail_msg("exec record took the ids of a set*id call in flight at the /proc read: "
			 "uid %ld euid %ld %s (at the exec: uid 0 euid 0)",
			 v.uid, v.euid, v.source);
	assert_int_equal(v.uid, 0);
	assert_int_equal(v.euid, -1);
}

/*
 * A child made with CLONE_FS (no CLONE_THREAD) shares its fs_struct with its parent: the
 * kernel's check_unsafe_exec() sets LSM_UNSAFE_SHARE and, the caller lacking CAP_SETUID
 * (uid/euid 1000), cap_bprm_creds_from_file() resets the euid to the uid: the set-user-ID bit
 * does not raise it (it stays 1000).
 */
static void test_bug_setuid_file_shared_fs(void **state)
{
	struct sink s = {0};
	struct tw_model *m = model(&s, &SYS_FAN);
	struct ids v = take_ids(run_setuid(m, &s, &USER, CLONE_FS, 0, NULL, NULL));

	(void)state;
	done(m, &s);
	if (v.euid == 0)
		fail_msg("set-user-ID applied to a CLONE_FS child sharing its parent's fs_struct: "
			 "euid 0 (%s); the kernel leaves euid 1000",
			 v.source);
	assert_int_equal(v.uid, 1000);
	assert_true(v.euid == -1 || v.euid == 1000);
}

/*
 * A file on a mount outside the caller's mount namespace (an item with TW_FAN_OTHER_NS run by a
 * task in ours, e.g. /proc/PID/root/usr/bin/sudo) is treated as nosuid by the kernel
 * (mnt_may_suid(): check_mnt()): the euid stays 1000.
 */
static void test_bug_setuid_file_foreign_mount(void **state)
{
	struct probe p = PROBE(51, 52, "/usr/bin/sudo", -1, -1, -1, 0, 0);
	struct sink s = {0};
	struct tw_model *m = model(&s, &SYS_FAN);
	struct ids v;

	(void)state;
	seed(m, 100, 100, &USER);
	fan_sync(m, 5);
	/* The item says the file's mount is in another mount namespace than ours (and 201's). */
	newtask(m, 40, 100, 201, 0);
	fan_item(m, 48, 201, 4, "/usr/bin/sudo", MODE_SUID, 0, TW_FAN_OTHER_NS);
	fan_item(m, 48, 201, LOADER_INO, "/lib/ld-linux.so.2", MODE_PLAIN, 0, 0);
	exec_ev(m, 50, 201, 201, "/proc/4242/root/usr/bin/sudo", &p);
	settle(m, 60);
	v = take_ids(exec_rec(&s, 201, "/proc/4242/root/usr/bin/sudo"));
	done(m, &s);
	if (v.euid == 0)
		fail_msg(
		    "set-user-ID applied from a mount of another mount namespace: euid 0 (%s); "
		    "the kernel treats it as nosuid, euid stays 1000",
		    v.source);
	assert_int_equal(v.uid, 1000);
	assert_true(v.euid == -1 || v.euid == 1000);
}

/*
 * Lost events may include a prctl(PR_SET_NO_NEW_PRIVS), a ptrace attach or an
 * unshare(CLONE_NEWUSER): after a loss the flags that decide the set-user-ID bit are unknown,
 * as the ids are. The model keeps the snapshot's "off" and reports euid 0 from the file.
 */
static void test_bug_lost_keeps_priv_flags(void **state)
{
	struct sink s = {0};
	struct tw_model *m = model(&s, &SYS_FAN);
	struct ids v;

	(void)state;
	seed(m, 100, 100, &USER);
	fan_sync(m, 5);
	newtask(m, 10, 100, 200, 0);
	lost_ev(m, 12); /* e.g. 200's prctl(PR_SET_NO_NEW_PRIVS, 1) */
	fan_exec(m, 20, 200, 200, "/usr/bin/sudo", 4, MODE_SUID, 0, 0, false, NULL);
	settle(m, 30);
	v = take_ids(exec_rec(&s, 200, "/usr/bin/sudo"));
	done(m, &s);
	if (v.euid == 0)
		fail_msg("after a loss the set-user-ID bit was taken to apply: uid %ld euid 0 (%s)",
			 v.uid, v.source);
	assert_int_equal(v.uid, -1);
	assert_int_equal(v.euid, -1);
	assert_string_equal(v.source, "lost");
}

/*
 * A non-leader thread execs: de_thread() kills the old leader first, whose task end (tid =
 * tgid = the pid the exec'ing thread takes over) is read after the exec event. The model takes
 * it for the end of the new program and fills the exec's unknown real uid with the old
 * leader's uid (0), though the thread that exec'd had changed its own (setresuid, raw syscall,
 * entry not seen) and the new program's real end says 1000.
 */
static void test_bug_old_leader_end_after_thread_exec(void **state)
{
	struct sink s = {0};
	struct tw_model *m = model(&s, &SYS_FAN_TS);
	struct ids v;

	(void)state;
	seed(m, 100, 100, &ROOT);
	fan_sync(m, 5);
	newtask(m, 10, 100, 101, THREAD_FLAGS);
	setid_exit(m, 12, 101, TW_SETID_SETRESUID, 0, false); /* thread 101 only: unknown */
	fan_item(m, 14, 101, 4, "/bin/prog", MODE_PLAIN, 0, 0);
	fan_item(m, 14, 101, LOADER_INO, "/lib/ld-linux.so.2", MODE_PLAIN, 0, 0);
	exit_ev(m, 16, 100, 0); /* the old leader, killed */
	exec_ev(m, 20, 100, 101, "/bin/prog", NULL);
	task_end(m, 25, 100, 100, 0, 9, false);	  /* the old leader's end */
	exit_ev(m, 27, 100, 1);			  /* the new program's exit */
	task_end(m, 28, 100, 100, 1000, 4, true); /* ... and end */
	settle(m, 30);
	v = take_ids(exec_rec(&s, 100, "/bin/prog"));
	done(m, &s);
	if (v.uid == 0)
		fail_msg("the old leader's task end gave the new program's uid: uid 0 (%s); the "
			 "thread that exec'd ended with 1000",
			 v.source);
	assert_true(v.uid == -1 || v.uid == 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tracked_through_fork_exec),
	    cmocka_unit_test(test_tracked_no_fanotify),
	    cmocka_unit_test(test_final_elf_unknown),
	    cmocka_unit_test(test_setresuid),
	    cmocka_unit_test(test_setreuid_keep_and_seteuid),
	    cmocka_unit_test(test_setuid_semantics),
	    cmocka_unit_test(test_libc_call_all_threads),
	    cmocka_unit_test(test_syscall_one_thread),
	    cmocka_unit_test(test_setuid_file_applies),
	    cmocka_unit_test(test_setuid_file_own_euid),
	    cmocka_unit_test(test_setuid_file_blocked),
	    cmocka_unit_test(test_setuid_file_flags_inherited),
	    cmocka_unit_test(test_setuid_file_flags_from_proc),
	    cmocka_unit_test(test_libc_static_unsure),
	    cmocka_unit_test(test_libc_seed_without_libc),
	    cmocka_unit_test(test_proc_wins),
	    cmocka_unit_test(test_proc_libc_call_other_thread),
	    cmocka_unit_test(test_task_end_uid),
	    cmocka_unit_test(test_task_end_unsure),
	    cmocka_unit_test(test_lost),
	    cmocka_unit_test(test_lost_mid_call),
	    cmocka_unit_test(test_none_mode),
	    cmocka_unit_test(test_bug_setid_in_flight_at_proc_read),
	    cmocka_unit_test(test_bug_setuid_file_shared_fs),
	    cmocka_unit_test(test_bug_setuid_file_foreign_mount),
	    cmocka_unit_test(test_bug_lost_keeps_priv_flags),
	    cmocka_unit_test(test_bug_old_leader_end_after_thread_exec),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
