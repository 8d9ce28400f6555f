// SPDX-License-Identifier: GPL-2.0
/* test_path.c - joining exec filenames to a cwd, ".." resolved physically; /proc probes of ourselves. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "path.h"
#include "procfs.h"
#include "util.h"

static char *fake_realpath(const char *dir, void *ctx)
{
	const char *const *map = ctx;
	int i;

	for (i = 0; map && map[i]; i += 2)
		if (!strcmp(map[i], dir))
			return strdup(map[i + 1]);
	return NULL;
}

static void check(const char *cwd, const char *fn, const char *const *map, const char *want)
{
	char *got = tw_path_join(cwd, fn, fake_realpath, (void *)map);

	if (want) {
		assert_non_null(got);
		assert_string_equal(got, want);
	} else {
		assert_null(got);
	}
	free(got);
}

static void test_join_plain(void **state)
{
	check("/D", "prog", NULL, "/D/prog");
	check("/D", "./prog", NULL, "/D/prog");
	check("/D/", "./sub/./prog", NULL, "/D/sub/prog");
	check("/", "prog", NULL, "/prog");
	check("/D", "sub//prog", NULL, "/D/sub/prog");
}

static void test_join_dotdot(void **state)
{
	static const char *const map[] = { "/D/link", "/X/Y", "/D/a/b", "/D/a/b", NULL };

	/* ".." straight after the canonical cwd is its parent. */
	check("/D/sub", "../prog", NULL, "/D/prog");
	check("/", "../prog", NULL, "/prog");
	/* "link/.." is the parent of the link's target. */
	check("/D", "link/../prog", map, "/X/prog");
	check("/D", "a/b/../../prog", map, "/D/prog");
	/* Unresolvable prefix: no lexical guess. */
	check("/D", "nope/../prog", map, NULL);
}

static void test_comm(void **state)
{
	char comm[16];

	tw_path_comm("/usr/bin/true", comm);
	assert_string_equal(comm, "true");
	tw_path_comm("a-very-long-program-name", comm);
	assert_string_equal(comm, "a-very-long-pro");
	tw_path_comm("plain", comm);
	assert_string_equal(comm, "plain");
}

static void test_probe_self(void **state)
{
	struct tw_proc_read p = { .uid = -1 };
	char cwd[4096];

	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(tw_proc_read(&p, getpid(), TW_PROC_CWD | TW_PROC_EXE | TW_PROC_ARGV |
							TW_PROC_STATUS), 0);
	assert_string_equal(p.cwd, cwd);
	assert_non_null(p.exe);
	assert_non_null(strstr(p.exe, "test_path"));
	assert_non_null(p.argv);
	assert_true(p.argv_len > 0);
	assert_int_equal(p.uid, (long)getuid());
	assert_int_equal(p.ppid, getppid());
	assert_true(p.t_read >= p.t_start && p.t_start > 0);
	tw_proc_release(&p);
}

static void test_probe_vanished(void **state)
{
	struct tw_proc_read p = { .uid = -1 };

	/* pid_max is at most 4194304: this pid can't exist. */
	assert_int_equal(tw_proc_read(&p, 4194305, TW_PROC_CWD | TW_PROC_EXE | TW_PROC_ARGV |
							TW_PROC_STATUS), 0);
	assert_null(p.cwd);
	assert_null(p.exe);
	assert_null(p.argv);
	assert_int_equal(p.uid, -1);
	assert_true(p.t_read != 0);
	tw_proc_release(&p);
}

static int count_self(const struct tw_proc_task *t, void *ctx)
{
	int *found = ctx;

	if (t->tid == getpid()) {
		assert_int_equal(t->tgid, getpid());
		assert_int_equal(t->ppid, getppid());
		assert_non_null(t->cwd);
		(*found)++;
	}
	return 0;
}

static void test_snapshot_finds_self(void **state)
{
	int found = 0;

	assert_int_equal(tw_proc_snapshot("/proc", NULL, NULL, count_self, &found), 0);
	assert_int_equal(found, 1);
	assert_int_equal(tw_proc_snapshot("/nonexistent-proc", NULL, NULL, count_self, &found), -ENOENT);
}

struct fs_case {
	int shared_thread, private_thread, clonefs_child, fork_child;
	int owner[4];		/* fs_owner seen for each, in that order */
	int seen;
};

static int record_owner(const struct tw_proc_task *t, void *ctx)
{
	struct fs_case *c = ctx;
	int ids[4] = { c->shared_thread, c->private_thread, c->clonefs_child, c->fork_child };
	int i;

	for (i = 0; i < 4; i++)
		if (t->tid == ids[i]) {
			c->owner[i] = t->fs_owner;
			c->seen++;
		}
	return 0;
}

static int thread_go[2], thread_done[2];

/* Says its tid (negative once it has its own fs_struct) and waits for thread_go to close. */
static void *thread_main(void *unshare_fs)
{
	int tid = gettid();
	char c;

	if (unshare_fs) {
		if (unshare(CLONE_FS))
			tid = 0;
		else
			tid = -tid;
	}
	(void)!write(thread_done[1], &tid, sizeof(tid));
	(void)!read(thread_go[0], &c, 1);
	return NULL;
}

/* A child that waits for its pipe to close; @flags 0 = fork, CLONE_FS = shares our cwd. */
static pid_t spawn_waiter(unsigned long flags, const int fds[2])
{
	pid_t pid = syscall(SYS_clone, flags | SIGCHLD, 0, NULL, NULL, 0);
	char c;

	if (pid == 0) {
		close(fds[1]);
		(void)!read(fds[0], &c, 1);
		_exit(0);
	}
	return pid;
}

/*
 * The snapshot groups tasks by fs_struct (kcmp): a thread shares its leader's, a thread
 * that unshare(CLONE_FS)d does not, a CLONE_FS child shares its parent's, a fork child not.
 */
static void test_snapshot_fs_groups(void **state)
{
	struct fs_case c = { 0 };
	pthread_t t1, t2;
	int kids[2];
	int i;

	assert_int_equal(pipe(thread_go), 0);
	assert_int_equal(pipe(thread_done), 0);
	assert_int_equal(pipe(kids), 0);
	assert_int_equal(pthread_create(&t1, NULL, thread_main, NULL), 0);
	assert_int_equal(pthread_create(&t2, NULL, thread_main, (void *)1), 0);
	for (i = 0; i < 2; i++) {
		int tid;

		assert_int_equal(read(thread_done[0], &tid, sizeof(tid)), sizeof(tid));
		assert_int_not_equal(tid, 0);	/* unshare failed */
		if (tid > 0)
			c.shared_thread = tid;
		else
			c.private_thread = -tid;
	}
	c.clonefs_child = spawn_waiter(CLONE_FS, kids);
	c.fork_child = spawn_waiter(0, kids);
	assert_true(c.clonefs_child > 0 && c.fork_child > 0);
	assert_true(c.shared_thread > 0 && c.private_thread > 0);
	assert_int_equal(tw_proc_snapshot("/proc", NULL, NULL, record_owner, &c), 0);
	assert_int_equal(c.seen, 4);
	assert_int_equal(c.owner[0], getpid());
	assert_int_equal(c.owner[1], -1);
	assert_int_equal(c.owner[2], getpid());
	assert_int_equal(c.owner[3], -1);
	close(kids[1]);
	close(thread_go[1]);
	waitpid(c.clonefs_child, NULL, 0);
	waitpid(c.fork_child, NULL, 0);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	close(kids[0]);
	close(thread_go[0]);
	close(thread_done[0]);
	close(thread_done[1]);
}

static void test_readlink_long(void **state)
{
	char target[1200];
	char link[] = "/tmp/tw-test-link-XXXXXX";
	char *got;
	int fd = mkstemp(link);

	assert_true(fd >= 0);
	close(fd);
	unlink(link);
	memset(target, 'a', sizeof(target) - 1);
	target[0] = '/';
	target[sizeof(target) - 1] = '\0';
	assert_int_equal(symlink(target, link), 0);
	got = tw_readlink(link);
	assert_non_null(got);
	assert_string_equal(got, target);
	free(got);
	unlink(link);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_join_plain),	  cmocka_unit_test(test_join_dotdot),
		cmocka_unit_test(test_comm),		  cmocka_unit_test(test_probe_self),
		cmocka_unit_test(test_probe_vanished),	  cmocka_unit_test(test_snapshot_finds_self),
		cmocka_unit_test(test_snapshot_fs_groups),
		cmocka_unit_test(test_readlink_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
