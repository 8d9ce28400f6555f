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
#include <cmocka.h>

#include "path.h"
#include "probe.h"
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
	struct tw_probe p = { .uid = -1 };
	char cwd[4096];

	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(tw_probe_read(&p, getpid(), TW_PROBE_CWD | TW_PROBE_EXE | TW_PROBE_ARGV |
							TW_PROBE_STATUS), 0);
	assert_string_equal(p.cwd, cwd);
	assert_non_null(p.exe);
	assert_non_null(strstr(p.exe, "test_path"));
	assert_non_null(p.argv);
	assert_true(p.argv_len > 0);
	assert_int_equal(p.uid, (long)getuid());
	assert_int_equal(p.ppid, getppid());
	assert_true(p.t_read >= p.t_start && p.t_start > 0);
	tw_probe_release(&p);
}

static void test_probe_vanished(void **state)
{
	struct tw_probe p = { .uid = -1 };

	/* pid_max is at most 4194304: this pid can't exist. */
	assert_int_equal(tw_probe_read(&p, 4194305, TW_PROBE_CWD | TW_PROBE_EXE | TW_PROBE_ARGV |
							TW_PROBE_STATUS), 0);
	assert_null(p.cwd);
	assert_null(p.exe);
	assert_null(p.argv);
	assert_int_equal(p.uid, -1);
	assert_true(p.t_read != 0);
	tw_probe_release(&p);
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

	assert_int_equal(tw_probe_snapshot("/proc", NULL, count_self, &found), 0);
	assert_int_equal(found, 1);
	assert_int_equal(tw_probe_snapshot("/nonexistent-proc", NULL, count_self, &found), -ENOENT);
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
		cmocka_unit_test(test_readlink_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
