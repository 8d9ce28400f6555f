// SPDX-License-Identifier: GPL-2.0
/* test_model.c - the task model against synthetic event sequences: cwd tracking, races, identity. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fanwatch.h"
#include "model.h"
#include "util.h"
#include "model_fixture.h"



/* Fake filesystem for ".." resolution: a table of directory -> canonical form. */
static char *fake_realpath(const char *dir, void *ctx)
{
	const char *const *map = ctx;
	int i;

	for (i = 0; map && map[i]; i += 2)
		if (!strcmp(map[i], dir))
			return strdup(map[i + 1]);
	return NULL;
}

static struct tw_model *model(struct sink *s, const char *const *fsmap, bool all)
{
	struct tw_model_opts o = {
		.all_events = all,
		.report_unchecked = true,	/* these test the tiers themselves */
		.realpath_fn = fake_realpath,
		.realpath_ctx = (void *)fsmap,
		.emit = collect,
		.emit_ctx = s,
	};
	struct tw_model *m = tw_model_new(&o);

	assert_non_null(m);
	return m;
}

static void seed(struct tw_model *m, int tid, int tgid, int ppid, const char *cwd, uint64_t t_read)
{
	struct tw_proc_task t = {
		.tid = tid, .tgid = tgid, .ppid = ppid, .cwd = cwd,
		.t_start = t_read ? t_read - 1 : 0, .t_read = t_read,
	};

	assert_int_equal(tw_model_seed(m, &t), 0);
}

static void chdir_enter(struct tw_model *m, uint64_t ts, int tid)
{
	struct tw_event *ev = tw_event_new(TW_EV_CHDIR_ENTER);

	ev->ts = ts;
	ev->tid = tid;
	apply(m, ev);
}

/* A successful chdir whose /proc read ran during [t_start, t_read] and saw @cwd (NULL: failed). */
static void chdir_done(struct tw_model *m, uint64_t ts, int tid, const char *cwd, uint64_t t_start,
		       uint64_t t_read)
{
	struct tw_event *ev = tw_event_new(TW_EV_CHDIR);

	ev->ts = ts;
	ev->tid = tid;
	ev->chdir.ret = 0;
	ev->proc.t_start = t_start;
	ev->proc.t_read = t_read;
	ev->proc.cwd = cwd ? strdup(cwd) : NULL;
	apply(m, ev);
}

static void do_chdir(struct tw_model *m, uint64_t ts, int tid, const char *cwd)
{
	chdir_enter(m, ts, tid);
	chdir_done(m, ts + 1, tid, cwd, ts + 2, ts + 3);
}

struct exec_probe {
	const char *cwd;
	const char *exe;
	const char *argv;	/* single argument */
	uint64_t t_start, t_read;
};

static void exec_ev(struct tw_model *m, uint64_t ts, int pid, int old_pid, const char *filename,
		    const struct exec_probe *p)
{
	struct tw_event *ev = tw_event_new(TW_EV_EXEC);

	ev->ts = ts;
	ev->tid = pid;
	ev->exec.pid = pid;
	ev->exec.old_pid = old_pid;
	ev->exec.filename = strdup(filename);
	if (p) {
		ev->proc.t_start = p->t_start;
		ev->proc.t_read = p->t_read;
		ev->proc.cwd = p->cwd ? strdup(p->cwd) : NULL;
		ev->proc.exe = p->exe ? strdup(p->exe) : NULL;
		if (p->argv) {
			ev->proc.argv = strdup(p->argv);
			ev->proc.argv_len = strlen(p->argv) + 1;
		}
		ev->proc.uid = 0;
	}
	apply(m, ev);
}

static void exit_ev(struct tw_model *m, uint64_t ts, int tid)
{
	struct tw_event *ev = tw_event_new(TW_EV_EXIT);

	ev->ts = ts;
	ev->tid = tid;
	ev->exit.pid = tid;
	ev->exit.group_dead = 1;
	apply(m, ev);
}

static struct tw_record *only_exec(struct sink *s)
{
	struct tw_record *found = NULL;
	int i;

	for (i = 0; i < s->n; i++)
		if (s->recs[i]->type == TW_REC_EXEC) {
			assert_null(found);
			found = s->recs[i];
		}
	assert_non_null(found);
	return found;
}

static void assert_path(struct tw_record *r, const char *path, const char *source)
{
	if (path)
		assert_string_equal(r->path, path);
	else
		assert_null(r->path);
	assert_string_equal(tw_prov_name(r->path_source), source);
}

/* bash (seeded in /home) forks a child that runs ./prog: the child copied the cwd. */
static void test_inherited_cwd(void **state)
{
	struct sink s = { 0 };
	struct tw_model *m = model(&s, NULL, false);

	seed(m, 100, 100, 1, "/home/u", 5);
	newtask(m, 10, 100, 200, 0);
	exec_ev(m, 20, 200, 200, "./prog", NULL);
	assert_int_equal(tw_model_flush(m), 0);
	assert_path(only_exec(&s), "/home/u/prog", "cwd");
	assert_int_equal(only_exec(&s)->ppid, 100);
	assert_string_equal(only_exec(&s)->comm, "prog");
	sink_clear(&s);
	tw_model_free(m);
}

/* cd D then fork+exec ./prog: the chdir probe gives the new cwd; bare name too. */
static void test_chdir_then_exec(void **state)
{
	struct sink s = { 0 };
	struct tw_model *m = model(&s, NULL, false);

	seed(m, 100, 100, 1, "/", 5);
	do_chdir(m, 10, 100, "/D");
	newtask(m, 20, 100, 200, 0);
	exec_ev(m, 30, 200, 200, "prog", NULL);
	assert_int_equal(tw_model_flush(m), 0);
	assert_path(only_exec(&s), "/D/prog", "cwd");
	assert_string_equal(only_exec(&s)->cwd, "/D");
	sink_clear(&s);
	tw_model_free(m);
}

/*
 * The chdir's /proc read happened late (read ended at 50) and another chdir began at 40:
 * the read may have seen the second cwd, so the child forked at 20 has no known cwd.
 * The path must be unresolved, not the second directory.
 */
static void test_late_read_is_not_trusted(void **state)
{
	struct sink s = { 0 };
	struct tw_model *m = model(&s, NULL, false);

	seed(m, 100, 100, 1, "/", 5);
	chdir_enter(m, 10, 100);
	chdir_done(m, 11, 100, "/SECOND", 45, 50);
	newtask(m, 20, 100, 200, 0);
	exec_ev(m, 30, 200, 200, "./prog", NULL);
	chdir_enter(m, 40, 100);
	chdir_done(m, 41, 100, "/SECOND", 46, 51);
	assert_int_equal(tw_model_flush(m), 0);
	assert_path(only_exec(&s), NULL, "unresolved");
	sink_clear(&s);
	tw_model_free(m);
}

/* Same as above but no second chdir: the late read stands. */
static void test_late_read_confirmed(void **state)
{
	struct sink s = { 0 };
	struct tw_model *m = model(&s, NULL, false);

	seed(m, 100, 100, 1, "/", 5);
	chdir_enter(m, 10, 100);
	chdir_done(m, 11, 100, "/D", 45, 50);
	newtask(m, 20, 100, 200, 0);
	exec_ev(m, 30, 200, 200, "./prog", NULL);
	assert_int_equal(tw_model_flush(m), 0);
	assert_path(only_exec(&s), "/D/prog", "cwd");
	sink_clear(&s);
	tw_model_free(m);
}

/* A task the model never saw: the exec-time /proc cwd resolves it (proc-cwd). */
static void test_unknown_task_proc_cwd(void **state)
{
	struct sink s = { 0 };
	struct tw_model *m = model(&s, NULL, false);
	struct exec_probe p = { .cwd = "/P", .exe = "/P/x", .argv = "x", .t_start = 11, .t_read = 12 };

	exec_ev(m, 10, 300, 300, "./x", &p);
	assert_int_equal(tw_model_flush(m), 0);
	assert_path(only_exec(&s), "/P/x", "proc-cwd");
	assert_string_equal(only_exec(&s)->exe, "/P/x");
	assert_memory_equal(only_exec(&s)->argv, "x", 2);
	sink_clear(&s);
	tw_model_free(m);
}

/* The process exited before the read began: what was read is another process's (pid reuse). */
static void test_exit_before_read_discards_probe(void **state)
{
	struct sink s = { 0 };
	struct tw_model *m = model(&s, NULL, false);
	struct exec_probe p = { .cwd = "/WRONG", .exe = "/WRONG/x", .argv = "y", .t_start = 30,
				.t_read = 31 };

	exec_ev(m, 10, 300, 300, "./x", &p);
	exit_ev(m, 20, 300);
	assert_int_equal(tw_model_flush(m), 0);
	assert_path(only_exec(&s), NULL, "unresolved");
	assert_null(only_exec(&s)->exe);
	assert_null(only_exec(&s)->argv);
	sink_clear(&s);
	tw_model_free(m);
}

/* A new task took the pid before the read ended. */
static void test_pid_reuse_discards_probe(void **state)
{
	struct sink s = { 0 };
	struct tw_model *m = model(&s, NULL, false);
	struct exec_probe p = { .cwd = "/WRONG", .exe = "/WRONG/x", .t_start = 25, .t_read = 31 };

	seed(m, 1, 1, 0, "/", 1);
	exec_ev(m, 10, 300, 300, "./x", &p);
	exit_ev(m, 26, 300);
	newtask(m, 27, 1, 300, 0);
	assert_int_equal(tw_model_flush(m), 0);
	assert_path(only_exec(&s), NULL, "unresolved");
	sink_clear(&s);
	tw_model_free(m);
}

/* A second exec of the process began before the read: exe and argv may be the second's. */
static void test_reexec_before_read_discards_argv(void **state)
{
	struct sink s = { 0 };
	struct tw_model *m = model(&s, NULL, false);
	struct exec_probe p = { .cwd = "/", .exe = "/bin/second", .argv = "second", .t_start = 25,
				.t_read = 31 };
	struct tw_event *ev;

	seed(m, 300, 300, 1, "/", 1);
	exec_ev(m, 10, 300, 300, "/bin/first", &p);
	ev = tw_event_new(TW_EV_EXEC_ENTER);
	ev->ts = 20;
	ev->tid = 300;
	apply(m, ev);
	assert_int_equal(tw_model_flush(m), 0);
	assert_path(only_exec(&s), "/bin/first", "absolute");
	assert_null(only_exec(&s)->argv);
	assert_null(only_exec(&s)->exe);
	sink_clear(&s);
	tw_model_free(m);
}

/* CLONE_FS shares the cwd both ways; without it the child's chdir stays its own. */
static void test_clone_fs_shared(void **state)
{
	struct sink s = { 0 };
	struct tw_model *m = model(&s, NULL, false);

	seed(m, 100, 100, 1, "/A", 5);
	newtask(m, 10, 100, 200, CLONE_FS);
	newtask(m, 11, 100, 300, 0);
	do_chdir(m, 20, 200, "/X");
	do_chdir(m, 30, 300, "/Y");
	exec_ev(m, 40, 100, 100, "./p", NULL);
	assert_int_equal(tw_model_flush(m), 0);
	assert_path(only_exec(&s), "/X/p", "cwd");
	sink_clear(&s);
	tw_model_free(m);
}

/* One thread chdirs, another thread forks: the child copies the shared cwd. */
static void test_thread_chdir_other_thread_forks(void **state)
{
	struct sink s = { 0 };
	struct tw_model *m = model(&s, NULL, false);

	seed(m, 100, 100, 1, "/", 5);
	newtask(m, 10, 100, 101, THREAD_FLAGS);
	newtask(m, 11, 100, 102, THREAD_FLAGS);
	do_chdir(m, 20, 101, "/T");
	newtask(m, 30, 102, 400, 0);
	exec_ev(m, 40, 400, 400, "./prog", NULL);
	assert_int_equal(tw_model_flush(m), 0);
	assert_path(only_exec(&s), "/T/prog", "cwd");
	assert_int_equal(only_exec(&s)->ppid, 100);
	sink_clear(&s);
	tw_model_free(m);
}

/* A non-leader thread execs: it takes the leader's pid; its old tid leaves the table. */
static int count_emit(struct tw_record *rec, void *ctx)
{
	int *n = ctx;

	/* A read that was never shown valid gives nothing: no exe, no cwd from /proc. */
	if (rec->type == TW_REC_EXEC && (rec->exe || rec->cwd))
		n[1]++;
	tw_record_free(rec);
	n[0]++;
	return 0;
}

/*
 * Reads that claim far-future times (a hostile recording) would hold every record: the
 * model holds at most TW_MODEL_HELD_MAX and lets the oldest out with its reads unknown.
 */
static void test_held_records_capped(void **state)
{
	int counts[2] = { 0, 0 };
	struct tw_model_opts o = { .emit = count_emit, .emit_ctx = counts };
	struct tw_model *m = tw_model_new(&o);
	struct tw_model_stats st;
	const int n = TW_MODEL_HELD_MAX + 3000;
	int i;

	(void)state;
	assert_non_null(m);
	for (i = 0; i < n; i++) {
		struct tw_event *ev = tw_event_new(TW_EV_EXEC);

		ev->ts = 1000 + (uint64_t)i;
		ev->tid = ev->exec.pid = ev->exec.old_pid = 100 + i;
		ev->exec.filename = strdup("/bin/true");
		ev->proc.t_start = UINT64_MAX / 4;
		ev->proc.t_read = UINT64_MAX / 4 + 1;
		ev->proc.exe = strdup("/bin/true");
		ev->proc.cwd = strdup("/");
		apply(m, ev);
	}
	tw_model_get_stats(m, &st);
	assert_true(st.pending <= TW_MODEL_HELD_MAX);
	assert_int_equal(counts[0], n - (int)st.pending);
	assert_int_equal(st.given_up, (uint64_t)counts[0]);
	assert_int_equal(counts[1], 0);
	assert_int_equal(tw_model_flush(m), 0);
	assert_int_equal(counts[0], n);
	tw_model_free(m);
}

static void test_non_leader_exec(void **state)
{
	struct sink s = { 0 };
	struct tw_model *m = model(&s, NULL, false);
	struct tw_model_stats st;

	seed(m, 1, 1, 0, "/", 1);
	newtask(m, 5, 1, 100, 0);
	do_chdir(m, 6, 100, "/W");
	newtask(m, 10, 100, 101, THREAD_FLAGS);
	exit_ev(m, 19, 100);	/* the old leader is reaped by de_thread */
	exec_ev(m, 20, 100, 101, "./prog", NULL);
	assert_int_equal(tw_model_flush(m), 0);
	assert_path(only_exec(&s), "/W/prog", "cwd");
	assert_int_equal(only_exec(&s)->pid, 100);
	assert_int_equal(only_exec(&s)->ppid, 1);
	tw_model_get_stats(m, &st);
	assert_int_equal(st.tasks, 2);	/* 1 and 100; 101 is gone */
	exit_ev(m, 30, 100);
	tw_model_get_stats(m, &st);
	assert_int_equal(st.tasks, 1);
	sink_clear(&s);
	tw_model_free(m);
}

/* ".." is physical: "link/../prog" is the sibling of the link's target, not of the link. */
static void test_dotdot_physical(void **state)
{
	static const char *const fsmap[] = { "/D/link", "/X/Y", NULL };
	struct sink s = { 0 };
	struct tw_model *m = model(&s, fsmap, false);

	seed(m, 100, 100, 1, "/D", 5);
	exec_ev(m, 10, 100, 100, "link/../prog", NULL);
	assert_int_equal(tw_model_flush(m), 0);
	assert_path(only_exec(&s), "/X/prog", "cwd");
	sink_clear(&s);
	tw_model_free(m);
}

/* A ".." that cannot be resolved leaves the path unresolved rather than lexical. */
static void test_dotdot_unresolvable(void **state)
{
	struct sink s = { 0 };
	struct tw_model *m = model(&s, NULL, false);

	seed(m, 100, 100, 1, "/D", 5);
	exec_ev(m, 10, 100, 100, "gone/../prog", NULL);
	assert_int_equal(tw_model_flush(m), 0);
	assert_path(only_exec(&s), NULL, "unresolved");
	sink_clear(&s);
	tw_model_free(m);
}

/* fexecve: "/dev/fd/3" is only resolvable through /proc/<pid>/exe. */
static void test_dev_fd(void **state)
{
	struct sink s = { 0 };
	struct tw_model *m = model(&s, NULL, false);
	struct exec_probe p = { .cwd = "/", .exe = "/opt/real", .t_start = 11, .t_read = 12 };

	seed(m, 100, 100, 1, "/", 5);
	exec_ev(m, 10, 100, 100, "/dev/fd/3", &p);
	exec_ev(m, 20, 100, 100, "/dev/fd/4/prog", NULL);
	assert_int_equal(tw_model_flush(m), 0);
	assert_int_equal(s.n, 2);
	assert_path(s.recs[0], "/opt/real", "proc-exe");
	assert_path(s.recs[1], NULL, "unresolved");
	sink_clear(&s);
	tw_model_free(m);
}

/* A record waits until the stream has passed the /proc read it depends on. */
static void test_hold_until_read_passed(void **state)
{
	struct sink s = { 0 };
	struct tw_model *m = model(&s, NULL, false);
	struct exec_probe p = { .cwd = "/P", .t_start = 100, .t_read = 110 };

	exec_ev(m, 10, 300, 300, "./x", &p);
	assert_int_equal(s.n, 0);
	assert_int_equal(tw_model_advance(m, 105), 0);
	assert_int_equal(s.n, 0);
	assert_int_equal(tw_model_advance(m, 110), 0);
	assert_int_equal(s.n, 1);
	assert_path(s.recs[0], "/P/x", "proc-cwd");
	sink_clear(&s);
	tw_model_free(m);
}

/* After lost events no cwd learned before can be trusted: unresolved, and a lost record. */
static void test_loss_untrusts_cwd(void **state)
{
	struct sink s = { 0 };
	struct tw_model *m = model(&s, NULL, false);
	struct tw_event *ev = tw_event_new(TW_EV_LOST);

	seed(m, 100, 100, 1, "/old", 5);
	ev->ts = 10;
	ev->cpu = 1;
	ev->lost.count = 7;
	apply(m, ev);
	exec_ev(m, 20, 100, 100, "./p", NULL);
	do_chdir(m, 30, 100, "/new");
	exec_ev(m, 40, 100, 100, "./q", NULL);
	assert_int_equal(tw_model_flush(m), 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.recs[0]->type, TW_REC_LOST);
	assert_int_equal(s.recs[0]->lost, 7);
	assert_int_equal(s.recs[0]->cpu, 1);
	assert_path(s.recs[1], NULL, "unresolved");
	assert_path(s.recs[2], "/new/q", "cwd");
	sink_clear(&s);
	tw_model_free(m);
}

/* The snapshot read a cwd after the parent already changed it post-fork: the child can't trust it. */
static void test_snapshot_race(void **state)
{
	struct sink s = { 0 };
	struct tw_model *m = model(&s, NULL, false);

	seed(m, 100, 100, 1, "/after", 100);
	newtask(m, 50, 100, 200, 0);
	chdir_enter(m, 60, 100);
	chdir_done(m, 61, 100, "/after", 101, 102);
	exec_ev(m, 70, 200, 200, "./p", NULL);
	assert_int_equal(tw_model_flush(m), 0);
	assert_path(only_exec(&s), NULL, "unresolved");
	sink_clear(&s);
	tw_model_free(m);
}

/* A child's chdir can't have changed what was read from its parent. */
static void test_child_chdir_keeps_parent(void **state)
{
	struct sink s = { 0 };
	struct tw_model *m = model(&s, NULL, false);

	seed(m, 100, 100, 1, "/", 5);
	chdir_enter(m, 10, 100);
	chdir_done(m, 11, 100, "/D", 90, 100);
	newtask(m, 20, 100, 200, 0);
	chdir_enter(m, 50, 200);
	exec_ev(m, 60, 100, 100, "./p", NULL);
	assert_int_equal(tw_model_flush(m), 0);
	assert_path(only_exec(&s), "/D/p", "cwd");
	sink_clear(&s);
	tw_model_free(m);
}

/* Records come out in event order with --events all, threads don't make fork records. */
static void test_all_events_order(void **state)
{
	struct sink s = { 0 };
	struct tw_model *m = model(&s, NULL, true);

	seed(m, 100, 100, 1, "/", 5);
	newtask(m, 10, 100, 200, 0);
	newtask(m, 11, 100, 101, THREAD_FLAGS);
	do_chdir(m, 20, 200, "/c");
	exec_ev(m, 30, 200, 200, "/bin/true", NULL);
	exit_ev(m, 40, 200);
	assert_int_equal(tw_model_flush(m), 0);
	assert_int_equal(s.n, 4);
	assert_int_equal(s.recs[0]->type, TW_REC_FORK);
	assert_int_equal(s.recs[0]->pid, 200);
	assert_int_equal(s.recs[0]->ppid, 100);
	assert_int_equal(s.recs[1]->type, TW_REC_CHDIR);
	assert_string_equal(s.recs[1]->cwd, "/c");
	assert_int_equal(s.recs[2]->type, TW_REC_EXEC);
	assert_int_equal(s.recs[3]->type, TW_REC_EXIT);
	sink_clear(&s);
	tw_model_free(m);
}

static void cgroup_ev(struct tw_model *m, uint64_t ts, int pid, int root, uint64_t id, const char *path)
{
	struct tw_event *ev = tw_event_new(TW_EV_CGROUP);

	ev->ts = ts;
	ev->tid = 1;
	ev->cgroup.pid = pid;
	ev->cgroup.root = root;
	ev->cgroup.id = id;
	ev->cgroup.path = strdup(path);
	apply(m, ev);
}

#define H64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* Cgroups: seeded, inherited at fork, changed by attach (v2 only), container parsed from path. */
static void test_cgroup_tracking(void **state)
{
	struct sink s = { 0 };
	struct tw_model *m = model(&s, NULL, false);
	struct tw_proc_task t = { .tid = 100, .tgid = 100, .ppid = 1, .cwd = "/", .t_read = 5,
				  .cgroup = "/user.slice", .cgroup_id = 11 };

	assert_int_equal(tw_model_seed(m, &t), 0);
	newtask(m, 10, 100, 200, 0);
	exec_ev(m, 20, 200, 200, "/bin/a", NULL);		/* inherited: /user.slice */
	cgroup_ev(m, 30, 200, 8, 99, "/v1-only");		/* v1 hierarchy: ignored */
	cgroup_ev(m, 31, 200, 0, 77, "/system.slice/docker-" H64 ".scope");
	exec_ev(m, 40, 200, 200, "/bin/b", NULL);		/* moved: in the container */
	newtask(m, 50, 200, 300, 0);
	exec_ev(m, 60, 300, 300, "/bin/c", NULL);		/* child inherits the container */
	exec_ev(m, 70, 100, 100, "/bin/d", NULL);		/* parent unaffected */
	exec_ev(m, 80, 999, 999, "/bin/e", NULL);		/* never seen: unknown, not guessed */
	assert_int_equal(tw_model_flush(m), 0);
	assert_int_equal(s.n, 5);
	assert_int_equal(s.recs[0]->cgroup_id, 11);
	assert_string_equal(s.recs[0]->cgroup_path, "/user.slice");
	assert_null(s.recs[0]->container_id);
	assert_int_equal(s.recs[1]->cgroup_id, 77);
	assert_string_equal(s.recs[1]->container_id, H64);
	assert_string_equal(s.recs[1]->container_runtime, "docker");
	assert_int_equal(s.recs[2]->cgroup_id, 77);
	assert_string_equal(s.recs[2]->container_id, H64);
	assert_int_equal(s.recs[3]->cgroup_id, 11);
	assert_int_equal(s.recs[4]->cgroup_id, 0);
	assert_null(s.recs[4]->cgroup_path);
	sink_clear(&s);
	tw_model_free(m);
}

/* clone3(CLONE_INTO_CGROUP): the child's cgroup comes from the /proc read, not the parent. */
static void test_clone_into_cgroup(void **state)
{
	struct sink s = { 0 };
	struct tw_model *m = model(&s, NULL, false);
	struct tw_proc_task t = { .tid = 100, .tgid = 100, .ppid = 1, .cwd = "/", .t_read = 5,
				  .cgroup = "/a", .cgroup_id = 11 };
	struct tw_event *ev = tw_event_new(TW_EV_NEWTASK);

	assert_int_equal(tw_model_seed(m, &t), 0);
	ev->ts = 10;
	ev->tid = 100;
	ev->newtask.pid = 200;
	ev->newtask.clone_flags = 0x200000000ull;
	ev->proc.cgroup = strdup("/b");
	ev->proc.cgroup_id = 22;
	apply(m, ev);
	exec_ev(m, 20, 200, 200, "/bin/x", NULL);
	assert_int_equal(tw_model_flush(m), 0);
	assert_int_equal(only_exec(&s)->cgroup_id, 22);
	assert_string_equal(only_exec(&s)->cgroup_path, "/b");
	sink_clear(&s);
	tw_model_free(m);
}

static void uchdir(struct tw_model *m, uint64_t ts, int tid, const char *path)
{
	struct tw_event *ev = tw_event_new(TW_EV_UCHDIR);

	ev->ts = ts;
	ev->tid = tid;
	ev->uchdir.path = path ? strdup(path) : NULL;
	apply(m, ev);
}

static void uexec(struct tw_model *m, uint64_t ts, int tid, const char *fn, const char *argv,
		  size_t argv_len, bool fault)
{
	struct tw_event *ev = tw_event_new(TW_EV_UEXEC);

	ev->ts = ts;
	ev->tid = tid;
	ev->uexec.fd = -1;
	ev->uexec.filename = strdup(fn);
	if (argv) {
		ev->uexec.argv = malloc(argv_len);
		memcpy(ev->uexec.argv, argv, argv_len);
		ev->uexec.argv_len = argv_len;
	}
	ev->uexec.argv_fault = fault;
	apply(m, ev);
}

static void exec_enter(struct tw_model *m, uint64_t ts, int tid)
{
	struct tw_event *ev = tw_event_new(TW_EV_EXEC_ENTER);

	ev->ts = ts;
	ev->tid = tid;
	apply(m, ev);
}

/*
 * sh -c 'cd D/sub && exec ../prog' where everything is gone before /proc can be read: the
 * chdir string and argv captured by the uprobes still give the exact path and arguments.
 */
static void test_uprobe_short_lived(void **state)
{
	static const char *const fsmap[] = { "/D/sub", "/D/sub", "/D/sub/..", "/D", NULL };
	struct sink s = { 0 };
	struct tw_model *m = model(&s, fsmap, false);
	struct exec_probe gone = { .t_start = 90, .t_read = 91 };	/* all reads failed */

	seed(m, 100, 100, 1, "/D", 5);
	newtask(m, 10, 100, 200, 0);
	uchdir(m, 20, 200, "sub");
	chdir_enter(m, 21, 200);
	chdir_done(m, 22, 200, NULL, 80, 81);		/* /proc read failed: process gone */
	uexec(m, 30, 200, "../prog", "../prog\0a b\0\xff\n", 15, false);
	exec_enter(m, 31, 200);
	exec_ev(m, 40, 200, 200, "../prog", &gone);
	exit_ev(m, 50, 200);
	assert_int_equal(tw_model_flush(m), 0);
	assert_path(only_exec(&s), "/D/prog", "cwd");
	assert_string_equal(only_exec(&s)->cwd, "/D/sub");
	assert_string_equal(tw_prov_name(only_exec(&s)->cwd_source), "uprobe");
	assert_int_equal(only_exec(&s)->argv_len, 15);
	assert_memory_equal(only_exec(&s)->argv, "../prog\0a b\0\xff\n", 15);
	assert_string_equal(tw_prov_name(only_exec(&s)->argv_source), "uprobe");
	sink_clear(&s);
	tw_model_free(m);
}

/* A string the kernel could not read (fault): fall back to /proc and say so. */
static void test_uprobe_fault_falls_back(void **state)
{
	struct sink s = { 0 };
	struct tw_model *m = model(&s, NULL, false);
	struct exec_probe p = { .cwd = "/X", .argv = "procargv", .t_start = 41, .t_read = 42 };
	struct tw_model_stats st;

	seed(m, 100, 100, 1, "/", 5);
	uchdir(m, 10, 100, NULL);			/* fault */
	chdir_enter(m, 11, 100);
	chdir_done(m, 12, 100, "/X", 13, 14);
	uexec(m, 30, 100, "./p", NULL, 0, true);	/* argv fault */
	exec_enter(m, 31, 100);
	exec_ev(m, 40, 100, 100, "./p", &p);
	assert_int_equal(tw_model_flush(m), 0);
	assert_path(only_exec(&s), "/X/p", "cwd");
	assert_string_equal(tw_prov_name(only_exec(&s)->cwd_source), "proc");
	assert_string_equal(tw_prov_name(only_exec(&s)->argv_source), "proc");
	assert_memory_equal(only_exec(&s)->argv, "procargv", 9);
	tw_model_get_stats(m, &st);
	assert_int_equal(st.string_fallbacks, 1);
	sink_clear(&s);
	tw_model_free(m);
}

/*
 * A libc execve that failed, then a raw execve syscall with no uprobe: the captured argv
 * belongs to the failed call and must not be reported for the second exec.
 */
static void test_stale_uexec_not_reused(void **state)
{
	struct sink s = { 0 };
	struct tw_model *m = model(&s, NULL, false);

	seed(m, 100, 100, 1, "/", 5);
	uexec(m, 10, 100, "/nonexistent", "old\0", 4, false);
	exec_enter(m, 11, 100);
	exec_enter(m, 20, 100);				/* raw syscall, no libc call */
	exec_ev(m, 30, 100, 100, "/bin/real", NULL);
	assert_int_equal(tw_model_flush(m), 0);
	assert_null(only_exec(&s)->argv);
	assert_int_equal(only_exec(&s)->argv_source, TW_PROV_NONE);
	sink_clear(&s);
	tw_model_free(m);
}

/* A failed exec attempt is reported with its errno name and what the uprobe captured. */
static void test_exec_failed(void **state)
{
	struct sink s = { 0 };
	struct tw_model *m = model(&s, NULL, false);
	struct tw_event *ev;

	seed(m, 100, 100, 1, "/W", 5);
	uexec(m, 10, 100, "./missing", "./missing\0-x\0", 13, false);
	exec_enter(m, 11, 100);
	ev = tw_event_new(TW_EV_EXEC_FAIL);
	ev->ts = 12;
	ev->tid = 100;
	ev->exec_fail.ret = -2;
	apply(m, ev);
	assert_int_equal(tw_model_flush(m), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.recs[0]->type, TW_REC_EXEC_FAILED);
	assert_string_equal(s.recs[0]->error, "ENOENT");
	assert_string_equal(s.recs[0]->filename, "./missing");
	/* Relative: no file was opened to check the cwd against (it may be stale): unknown. */
	assert_null(s.recs[0]->path);
	assert_int_equal(s.recs[0]->path_source, TW_PROV_UNRESOLVED);
	assert_memory_equal(s.recs[0]->argv, "./missing\0-x\0", 13);
	sink_clear(&s);
	tw_model_free(m);
}

static void chdir_enter_string(struct tw_model *m, uint64_t ts, int tid, const char *path)
{
	struct tw_event *ev = tw_event_new(TW_EV_CHDIR_ENTER);

	ev->ts = ts;
	ev->tid = tid;
	ev->chdir_enter.path = strdup(path);
	apply(m, ev);
}

/*
 * Tier 1 (6.19+ syscall events carry the string): used when exact. A string the kernel cut
 * ("...") or whose '.' may stand for an unprintable byte falls back to the next tier (here
 * the uprobe's copy, else /proc).
 */
static void test_syscall_string_tier(void **state)
{
	static const char *const fsmap[] = { "/D/sub", "/D/sub", "/D/sub/..", "/D", "/D/a.b", "/D/a.b",
					     NULL };
	struct sink s = { 0 };
	struct tw_model *m = model(&s, fsmap, false);

	seed(m, 100, 100, 1, "/D", 5);
	chdir_enter_string(m, 10, 100, "sub");
	chdir_done(m, 11, 100, NULL, 12, 13);			/* /proc lost the race */
	exec_ev(m, 20, 100, 100, "./p1", NULL);
	chdir_enter_string(m, 30, 100, "..");
	chdir_done(m, 31, 100, NULL, 32, 33);
	exec_ev(m, 35, 100, 100, "./p2", NULL);
	/* "a.b": the '.' may be a replaced byte; the uprobe's copy decides. */
	uchdir(m, 39, 100, "a.b");
	chdir_enter_string(m, 40, 100, "a.b");
	chdir_done(m, 41, 100, NULL, 42, 43);
	exec_ev(m, 50, 100, 100, "./p3", NULL);
	/* Cut by the kernel, no uprobe copy, /proc too late: unresolved, not a guess. */
	chdir_enter_string(m, 60, 100, "/D/lon...");
	chdir_done(m, 61, 100, NULL, 62, 63);
	exec_ev(m, 70, 100, 100, "./p4", NULL);
	assert_int_equal(tw_model_flush(m), 0);
	assert_int_equal(s.n, 4);
	assert_path(s.recs[0], "/D/sub/p1", "cwd");
	assert_string_equal(tw_prov_name(s.recs[0]->cwd_source), "syscall");
	assert_path(s.recs[1], "/D/p2", "cwd");
	assert_path(s.recs[2], "/D/a.b/p3", "cwd");
	assert_string_equal(tw_prov_name(s.recs[2]->cwd_source), "uprobe");
	assert_path(s.recs[3], NULL, "unresolved");
	sink_clear(&s);
	tw_model_free(m);
}

/*
 * A task under another root (container, chroot) passes path strings in its own view: the
 * string tiers are not used for it (realpath here would resolve them in ours); /proc is.
 */
static void test_foreign_root_ignores_strings(void **state)
{
	static const char *const fsmap[] = { "/app", "/app", NULL };	/* exists here too */
	struct sink s = { 0 };
	struct tw_model *m = model(&s, fsmap, false);
	struct tw_proc_task t = { .tid = 100, .tgid = 100, .ppid = 1, .cwd = "/var/c/root",
				  .t_start = 4, .t_read = 5, .root = 2 };

	assert_int_equal(tw_model_seed(m, &t), 0);
	newtask(m, 10, 100, 200, 0);			/* the child inherits the foreign root */
	uchdir(m, 20, 200, "/app");
	chdir_enter(m, 21, 200);
	chdir_done(m, 22, 200, NULL, 23, 24);		/* /proc lost the race */
	exec_ev(m, 30, 200, 200, "./run", NULL);
	assert_int_equal(tw_model_flush(m), 0);
	assert_path(only_exec(&s), NULL, "unresolved");
	sink_clear(&s);
	tw_model_free(m);
}

/* However many processes come and go, the table holds only the living. */
static void test_memory_bounded(void **state)
{
	struct sink s = { 0 };
	struct tw_model *m = model(&s, NULL, false);
	struct tw_model_stats st;
	uint64_t ts = 10;
	int i;

	seed(m, 100, 100, 1, "/", 5);
	for (i = 0; i < 100000; i++) {
		int pid = 1000 + (i % 30000);

		newtask(m, ts++, 100, pid, 0);
		exec_ev(m, ts++, pid, pid, "/bin/true", NULL);
		exit_ev(m, ts++, pid);
		sink_clear(&s);
	}
	tw_model_get_stats(m, &st);
	assert_int_equal(st.tasks, 1);
	assert_int_equal(st.execs, 100000);
	assert_int_equal(st.pending, 0);
	tw_model_free(m);
}

/* Every allocation failure is reported as -ENOMEM and leaks nothing (run under ASan). */
static void test_alloc_failures(void **state)
{
	long n;

	for (n = 0; n < 200; n++) {
		struct sink s = { 0 };
		struct tw_model_opts o = { .report_unchecked = true, .realpath_fn = fake_realpath,
					    .emit = collect, .emit_ctx = &s };
		struct tw_proc_task t = { .tid = 100, .tgid = 100, .ppid = 1, .cwd = "/", .t_read = 5 };
		struct tw_model *m;
		struct tw_event *ev[4];
		int i, failed = 0;

		for (i = 0; i < 4; i++)
			ev[i] = tw_event_new(i == 0 ? TW_EV_NEWTASK : i == 1 ? TW_EV_CHDIR :
						i == 2 ? TW_EV_EXEC : TW_EV_EXIT);
		ev[0]->ts = 10; ev[0]->tid = 100; ev[0]->newtask.pid = 200;
		ev[1]->ts = 20; ev[1]->tid = 200; ev[1]->proc.cwd = strdup("/d");
		ev[1]->proc.t_start = 21; ev[1]->proc.t_read = 22;
		ev[2]->ts = 30; ev[2]->tid = 200; ev[2]->exec.pid = 200; ev[2]->exec.old_pid = 200;
		ev[2]->exec.filename = strdup("./x");
		ev[3]->ts = 40; ev[3]->exit.pid = 200;

		tw_fault_inject_after(n);
		m = tw_model_new(&o);
		if (m) {
			failed |= tw_model_seed(m, &t) != 0;
			for (i = 0; i < 4 && !failed; i++)
				failed |= tw_model_apply(m, ev[i]) != 0;
			if (!failed)
				failed |= tw_model_flush(m) != 0;
		}
		tw_fault_inject_after(-1);
		for (i = 0; i < 4; i++)
			tw_event_free(ev[i]);
		if (!m || failed) {
			tw_model_free(m);
			sink_clear(&s);
			continue;
		}
		/* No failure was injected: the run is complete and correct. */
		assert_int_equal(s.n, 1);
		assert_path(s.recs[0], "/d/x", "cwd");
		sink_clear(&s);
		tw_model_free(m);
		return;
	}
	fail_msg("allocation count did not converge");
}

static void ns_call(struct tw_model *m, uint64_t ts, int tid, bool setns, uint64_t flags, long ret)
{
	struct tw_event *ev = tw_event_new(TW_EV_NS_ENTER);

	ev->ts = ts;
	ev->tid = tid;
	ev->ns.setns = setns;
	ev->ns.flags = flags;
	apply(m, ev);
	ev = tw_event_new(TW_EV_NS_EXIT);
	ev->ts = ts + 1;
	ev->tid = tid;
	ev->ns.setns = setns;
	ev->ns.ret = ret;
	apply(m, ev);
}

/*
 * A thread unshare(CLONE_FS)s, then chdir(/D2): the main thread's cwd stays /D1, so its child
 * runs /D1/prog. Without the unshare the same chdir moves the whole process (/D2/prog).
 */
static void test_thread_unshare_fs(void **state)
{
	static const uint64_t results[2][2] = { { 0, 0 }, { 0x200, 0 } };
	const char *expect[2] = { "/D2/prog", "/D1/prog" };
	int k;

	for (k = 0; k < 2; k++) {
		struct sink s = { 0 };
		struct tw_model *m = model(&s, NULL, false);

		seed(m, 100, 100, 1, "/D1", 5);
		newtask(m, 10, 100, 101, THREAD_FLAGS);
		if (results[k][0])
			ns_call(m, 15, 101, false, results[k][0], 0);
		do_chdir(m, 20, 101, "/D2");
		newtask(m, 30, 100, 200, 0);
		exec_ev(m, 40, 200, 200, "./prog", NULL);
		assert_int_equal(tw_model_flush(m), 0);
		assert_path(only_exec(&s), expect[k], "cwd");
		sink_clear(&s);
		tw_model_free(m);
	}
}

/* A failed unshare changes nothing; an unshare of another namespace type neither. */
static void test_unshare_failed_or_other(void **state)
{
	struct sink s = { 0 };
	struct tw_model *m = model(&s, NULL, false);

	seed(m, 100, 100, 1, "/D1", 5);
	newtask(m, 10, 100, 101, THREAD_FLAGS);
	ns_call(m, 12, 101, false, 0x200, -22);
	ns_call(m, 14, 101, false, 0x40000000 /* CLONE_NEWNET */, 0);
	do_chdir(m, 20, 101, "/D2");
	newtask(m, 30, 100, 200, 0);
	exec_ev(m, 40, 200, 200, "./prog", NULL);
	assert_int_equal(tw_model_flush(m), 0);
	assert_path(only_exec(&s), "/D2/prog", "cwd");
	sink_clear(&s);
	tw_model_free(m);
}

/*
 * setns() into a mount namespace (nstype CLONE_NEWNS, or 0 = any) moves the cwd to that
 * namespace's root: unknown to the model, so only the exec-time /proc read may resolve a
 * relative exec. setns(CLONE_NEWNET) leaves the cwd alone.
 */
static void test_setns_cwd(void **state)
{
	static const uint64_t nstypes[3] = { 0x20000, 0, 0x40000000 };
	int k;

	for (k = 0; k < 3; k++) {
		struct sink s = { 0 };
		struct tw_model *m = model(&s, NULL, false);

		seed(m, 100, 100, 1, "/D1", 5);
		ns_call(m, 10, 100, true, nstypes[k], 0);
		newtask(m, 30, 100, 200, 0);
		exec_ev(m, 40, 200, 200, "./prog", NULL);
		assert_int_equal(tw_model_flush(m), 0);
		if (k < 2)
			assert_path(only_exec(&s), NULL, "unresolved");
		else
			assert_path(only_exec(&s), "/D1/prog", "cwd");
		sink_clear(&s);
		tw_model_free(m);
	}
}

static void seed_owner(struct tw_model *m, int tid, int tgid, int ppid, const char *cwd,
		       int fs_owner)
{
	struct tw_proc_task t = {
		.tid = tid, .tgid = tgid, .ppid = ppid, .cwd = cwd,
		.t_start = 4, .t_read = 5, .fs_owner = fs_owner,
	};

	assert_int_equal(tw_model_seed(m, &t), 0);
}

/*
 * Sharing set up before tracewatch started, as the snapshot's kcmp() grouping reports it:
 * process 200 shares 100's fs_struct (CLONE_FS child), so 100's chdir moves 200 too; thread
 * 101 unshared (fs_owner -1), so it keeps its own; with fs_owner unknown (0) a thread is
 * taken to share its leader's.
 */
static void test_seed_fs_owner(void **state)
{
	struct sink s = { 0 };
	struct tw_model *m = model(&s, NULL, false);

	seed_owner(m, 100, 100, 1, "/D1", -1);
	seed_owner(m, 101, 100, 1, "/D1", -1);
	seed_owner(m, 102, 100, 1, "/D1", 0);
	seed_owner(m, 200, 200, 100, "/D1", 100);
	do_chdir(m, 10, 100, "/D2");
	exec_ev(m, 20, 200, 200, "./a", NULL);
	assert_int_equal(tw_model_flush(m), 0);
	assert_path(only_exec(&s), "/D2/a", "cwd");
	sink_clear(&s);

	/* The unshared thread's child still looks in /D1; the thread that shares sees /D2. */
	newtask(m, 30, 101, 300, 0);
	exec_ev(m, 40, 300, 300, "./b", NULL);
	assert_int_equal(tw_model_flush(m), 0);
	assert_path(only_exec(&s), "/D1/b", "cwd");
	sink_clear(&s);
	newtask(m, 50, 102, 400, 0);
	exec_ev(m, 60, 400, 400, "./c", NULL);
	assert_int_equal(tw_model_flush(m), 0);
	assert_path(only_exec(&s), "/D2/c", "cwd");
	sink_clear(&s);
	tw_model_free(m);
}

/* ---- fanotify matching ---- */

static struct tw_model *fan_model(struct sink *s, const char *const *fsmap, bool taskstats)
{
	struct tw_model_opts o = {
		.fanotify = true,
		.taskstats = taskstats,
		.realpath_fn = fake_realpath,
		.realpath_ctx = (void *)fsmap,
		.emit = collect,
		.emit_ctx = s,
	};
	struct tw_model *m = tw_model_new(&o);

	assert_non_null(m);
	return m;
}

/* One FAN_OPEN_EXEC item of exec caller @tid, read at @ts: file @ino with path @path. */
static void fan_item(struct tw_model *m, uint64_t ts, int tid, uint64_t ino, const char *path,
		     unsigned int flags)
{
	struct tw_event *ev = tw_event_new(TW_EV_FAN_EXEC);

	ev->ts = ts;
	ev->tid = tid;
	ev->fan.has_stat = true;
	ev->fan.dev = 8;
	ev->fan.ino = ino;
	ev->fan.mode = 0100755;
	ev->fan.kind = path ? TW_FAN_PATH : TW_FAN_NOPATH;
	ev->fan.flags = flags;
	ev->fan.path = path ? strdup(path) : NULL;
	apply(m, ev);
}

static void fan_sync(struct tw_model *m, uint64_t ts)
{
	struct tw_event *ev = tw_event_new(TW_EV_FAN_EXEC);

	ev->ts = ts;
	apply(m, ev);
}

static void fan_lost(struct tw_model *m, uint64_t ts)
{
	struct tw_event *ev = tw_event_new(TW_EV_FAN_EXEC);

	ev->ts = ts;
	ev->tid = 0;
	ev->fan.lost = true;
	apply(m, ev);
}

static void task_end(struct tw_model *m, uint64_t ts, int tid, uint64_t exe_ino)
{
	struct tw_event *ev = tw_event_new(TW_EV_TASK_END);

	ev->ts = ts;
	ev->tid = tid;
	ev->task_end.tgid = tid;
	ev->task_end.has_exe = exe_ino != 0;
	ev->task_end.exe_dev = 8;
	ev->task_end.exe_ino = exe_ino;
	apply(m, ev);
}

/*
 * A script: program, interpreter, loader. The record waits for the sync that covers its exec;
 * exe is the file /proc named (the interpreter), interpreter is filled, the path verified.
 */
static void test_fan_script(void **state)
{
	struct sink s = { 0 };
	struct tw_model *m = fan_model(&s, NULL, false);
	struct exec_probe p = { .exe = "/usr/bin/dash", .t_start = 21, .t_read = 22 };
	struct tw_record *r;

	seed(m, 100, 100, 1, "/W", 5);
	fan_sync(m, 10);
	fan_item(m, 15, 100, 1, "/W/s.sh", 0);		/* read before the exec event */
	exec_ev(m, 20, 100, 100, "./s.sh", &p);
	fan_item(m, 25, 100, 2, "/usr/bin/dash", 0);	/* read after it */
	fan_item(m, 25, 100, 3, "/usr/lib/ld.so", 0);
	assert_int_equal(tw_model_advance(m, 30), 0);
	assert_int_equal(s.n, 0);			/* no sync covers the exec yet */
	fan_sync(m, 30);
	assert_int_equal(s.n, 0);			/* the first sync after it covers only 10 */
	fan_sync(m, 40);
	assert_int_equal(tw_model_advance(m, 40), 0);
	r = only_exec(&s);
	assert_path(r, "/W/s.sh", "cwd");
	assert_string_equal(r->path_check, "verified");
	assert_string_equal(r->exe, "/usr/bin/dash");
	assert_string_equal(r->exe_source, "fanotify");
	assert_string_equal(r->interpreter, "/usr/bin/dash");
	sink_clear(&s);
	tw_model_free(m);
}

/*
 * The cwd model's path names another file (the directory was renamed): the kernel's path is
 * reported, the cwd is not, and the stale value is not used again.
 */
static void test_fan_renamed_cwd(void **state)
{
	struct sink s = { 0 };
	struct tw_model *m = fan_model(&s, NULL, true);	/* realpath finds nothing */
	struct tw_record *r;

	seed(m, 100, 100, 1, "/D/a", 5);
	fan_sync(m, 10);
	newtask(m, 11, 100, 200, 0);
	exec_ev(m, 20, 200, 200, "./prog", NULL);	/* gone before /proc was read */
	exit_ev(m, 22, 200);
	fan_item(m, 25, 200, 7, "/D/b/prog", 0);
	fan_item(m, 25, 200, 3, "/usr/lib/ld.so", 0);
	fan_sync(m, 30);
	fan_sync(m, 40);
	assert_int_equal(tw_model_advance(m, 40), 0);
	assert_int_equal(s.n, 0);			/* waits for the task end's exe */
	task_end(m, 45, 200, 7);
	assert_int_equal(tw_model_advance(m, 50), 0);
	r = only_exec(&s);
	assert_path(r, "/D/b/prog", "fanotify");
	assert_string_equal(r->path_check, "mismatch");
	assert_null(r->cwd);
	assert_string_equal(r->exe, "/D/b/prog");
	sink_clear(&s);
	/* The parent's cwd value was the same stale one: not used for its next exec. */
	exec_ev(m, 60, 100, 100, "./other", NULL);
	assert_int_equal(tw_model_flush(m), 0);
	r = only_exec(&s);
	assert_null(r->path);
	sink_clear(&s);
	tw_model_free(m);
}

/* A failed attempt opened a file first (ENOEXEC): the exec's own program is matched. */
static void test_fan_failed_attempt_first(void **state)
{
	struct sink s = { 0 };
	struct tw_model *m = fan_model(&s, NULL, false);
	struct exec_probe p = { .exe = "/bin/real", .t_start = 21, .t_read = 22 };
	struct tw_record *r;

	seed(m, 100, 100, 1, "/W", 5);
	fan_sync(m, 10);
	fan_item(m, 12, 100, 9, "/W/notelf", 0);	/* opened, then ENOEXEC */
	fan_item(m, 15, 100, 4, "/bin/real", 0);
	fan_item(m, 15, 100, 3, "/usr/lib/ld.so", 0);
	exec_ev(m, 20, 100, 100, "/bin/real", &p);
	fan_sync(m, 30);
	fan_sync(m, 40);
	r = only_exec(&s);
	assert_path(r, "/bin/real", "absolute");
	assert_string_equal(r->path_check, "verified");
	assert_null(r->interpreter);
	sink_clear(&s);
	tw_model_free(m);
}

/* fexecve: no path of its own; the kernel's path of the final ELF, never "/dev/fd/3". */
static void test_fan_fd_exec(void **state)
{
	struct sink s = { 0 };
	struct tw_model *m = fan_model(&s, NULL, false);
	struct exec_probe p = { .exe = "/x/prog", .t_start = 21, .t_read = 22 };
	struct tw_record *r;

	seed(m, 100, 100, 1, "/W", 5);
	fan_sync(m, 10);
	exec_ev(m, 20, 100, 100, "/proc/self/fd/3", &p);
	fan_item(m, 25, 100, 4, "/x/prog", 0);
	fan_sync(m, 30);
	fan_sync(m, 40);
	r = only_exec(&s);
	assert_path(r, "/x/prog", "fanotify");
	assert_string_equal(r->path_check, "kernel");
	sink_clear(&s);
	tw_model_free(m);
}

/* Items lost before an exec's opens were all seen: nothing is matched, and later ones are. */
static void test_fan_lost(void **state)
{
	struct sink s = { 0 };
	struct tw_model *m = fan_model(&s, NULL, false);
	struct exec_probe p = { .exe = "/bin/a", .t_start = 21, .t_read = 22 };
	struct exec_probe q = { .exe = "/bin/b", .t_start = 61, .t_read = 62 };
	struct tw_record *r;

	seed(m, 100, 100, 1, "/W", 5);
	fan_sync(m, 10);
	fan_lost(m, 15);
	exec_ev(m, 20, 100, 100, "/bin/a", &p);
	fan_item(m, 25, 100, 4, "/bin/a", 0);
	fan_sync(m, 30);
	fan_sync(m, 40);
	r = only_exec(&s);
	assert_string_equal(r->path_check, "unverified");
	assert_string_equal(r->exe_source, "proc");
	sink_clear(&s);
	/* The next exec of the same caller began after the loss: a clean point. */
	fan_item(m, 55, 100, 5, "/bin/b", 0);
	exec_ev(m, 60, 100, 100, "/bin/b", &q);
	fan_sync(m, 70);
	fan_sync(m, 80);
	r = only_exec(&s);
	assert_string_equal(r->path_check, "verified");
	assert_string_equal(r->exe_source, "fanotify");
	sink_clear(&s);
	tw_model_free(m);
}

/*
 * Without fanotify, a path made from the tracked cwd is shown only when /proc's exe names the
 * same file; the cwd only when /proc agreed or that path checked out.
 */
static void test_unchecked_not_reported(void **state)
{
	struct tw_model_opts o = { .realpath_fn = fake_realpath, .emit = collect };
	struct exec_probe ok = { .exe = "/D/prog", .t_start = 31, .t_read = 32 };
	struct sink s = { 0 };
	struct tw_model *m;
	struct tw_record *r;

	o.emit_ctx = &s;
	m = tw_model_new(&o);
	assert_non_null(m);
	seed(m, 100, 100, 1, "/D", 5);
	exec_ev(m, 20, 100, 100, "./gone", NULL);	/* exited before /proc was read */
	assert_int_equal(tw_model_flush(m), 0);
	r = only_exec(&s);
	assert_path(r, NULL, "unresolved");
	assert_string_equal(r->path_check, "unverified");
	assert_null(r->cwd);
	sink_clear(&s);
	exec_ev(m, 30, 100, 100, "./prog", &ok);
	assert_int_equal(tw_model_flush(m), 0);
	r = only_exec(&s);
	assert_path(r, "/D/prog", "cwd");
	assert_string_equal(r->path_check, "verified");
	assert_string_equal(r->cwd, "/D");
	sink_clear(&s);
	tw_model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inherited_cwd),
		cmocka_unit_test(test_chdir_then_exec),
		cmocka_unit_test(test_late_read_is_not_trusted),
		cmocka_unit_test(test_late_read_confirmed),
		cmocka_unit_test(test_unknown_task_proc_cwd),
		cmocka_unit_test(test_exit_before_read_discards_probe),
		cmocka_unit_test(test_pid_reuse_discards_probe),
		cmocka_unit_test(test_reexec_before_read_discards_argv),
		cmocka_unit_test(test_clone_fs_shared),
		cmocka_unit_test(test_thread_chdir_other_thread_forks),
		cmocka_unit_test(test_non_leader_exec),
		cmocka_unit_test(test_held_records_capped),
		cmocka_unit_test(test_dotdot_physical),
		cmocka_unit_test(test_dotdot_unresolvable),
		cmocka_unit_test(test_dev_fd),
		cmocka_unit_test(test_hold_until_read_passed),
		cmocka_unit_test(test_loss_untrusts_cwd),
		cmocka_unit_test(test_snapshot_race),
		cmocka_unit_test(test_child_chdir_keeps_parent),
		cmocka_unit_test(test_all_events_order),
		cmocka_unit_test(test_cgroup_tracking),
		cmocka_unit_test(test_clone_into_cgroup),
		cmocka_unit_test(test_uprobe_short_lived),
		cmocka_unit_test(test_uprobe_fault_falls_back),
		cmocka_unit_test(test_stale_uexec_not_reused),
		cmocka_unit_test(test_exec_failed),
		cmocka_unit_test(test_syscall_string_tier),
		cmocka_unit_test(test_foreign_root_ignores_strings),
		cmocka_unit_test(test_thread_unshare_fs),
		cmocka_unit_test(test_unshare_failed_or_other),
		cmocka_unit_test(test_setns_cwd),
		cmocka_unit_test(test_seed_fs_owner),
		cmocka_unit_test(test_memory_bounded),
		cmocka_unit_test(test_fan_script),
		cmocka_unit_test(test_fan_renamed_cwd),
		cmocka_unit_test(test_fan_failed_attempt_first),
		cmocka_unit_test(test_fan_fd_exec),
		cmocka_unit_test(test_fan_lost),
		cmocka_unit_test(test_unchecked_not_reported),
		cmocka_unit_test(test_alloc_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
