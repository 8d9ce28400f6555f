// SPDX-License-Identifier: GPL-2.0
/* test_filter.c - record filters: cgroup prefix by component, container prefix, host/container only. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "filter.h"

static struct tw_record rec(const char *cgroup, const char *container)
{
	struct tw_record r = { .type = TW_REC_EXEC, .cgroup_path = (char *)cgroup,
			       .container_id = (char *)container };
	return r;
}

static void test_cgroup_prefix(void **state)
{
	struct tw_filter f = { .cgroup_prefix = "/system.slice" };
	struct tw_record a = rec("/system.slice", NULL), b = rec("/system.slice/x.scope", NULL);
	struct tw_record c = rec("/system.slicer", NULL), d = rec(NULL, NULL);
	struct tw_filter root = { .cgroup_prefix = "/" };

	assert_true(tw_filter_match(&f, &a));
	assert_true(tw_filter_match(&f, &b));
	assert_false(tw_filter_match(&f, &c));
	assert_false(tw_filter_match(&f, &d));	/* unknown cgroup can't be shown to match */
	assert_true(tw_filter_match(&root, &c));
	f.cgroup_prefix = "/system.slice/";
	assert_true(tw_filter_match(&f, &b));
}

static void test_container(void **state)
{
	struct tw_filter f = { .container_prefix = "abc" };
	struct tw_filter host = { .host_only = true }, ctr = { .containers_only = true };
	struct tw_record in = rec("/docker/abcdef", "abcdef"), other = rec("/docker/ff", "ff");
	struct tw_record h = rec("/user.slice", NULL), unknown = rec(NULL, NULL);
	struct tw_record lost = { .type = TW_REC_LOST };

	assert_true(tw_filter_match(&f, &in));
	assert_false(tw_filter_match(&f, &other));
	assert_false(tw_filter_match(&f, &h));
	assert_true(tw_filter_match(&host, &h));
	assert_false(tw_filter_match(&host, &in));
	assert_false(tw_filter_match(&host, &unknown));
	assert_true(tw_filter_match(&ctr, &in));
	assert_false(tw_filter_match(&ctr, &h));
	assert_true(tw_filter_match(&f, &lost));
	assert_true(tw_filter_match(&host, &lost));
}

static struct tw_record prog(long uid, const char *comm, const char *path)
{
	struct tw_record r = { .type = TW_REC_EXEC, .uid = uid, .comm = (char *)comm,
			       .path = (char *)path };
	return r;
}

/* --uid / --comm / --path: a value shown to match; several values: any of them. */
static void test_uid_comm_path(void **state)
{
	struct tw_filter f = { 0 };
	struct tw_record a = prog(0, "make", "/usr/bin/make");
	struct tw_record b = prog(1000, "cc1", "/usr/lib/gcc/x86_64-linux-gnu/12/cc1");
	struct tw_record u = prog(-1, NULL, NULL);	/* uid, comm and path unknown */
	struct tw_record lost = { .type = TW_REC_LOST, .uid = -1 };

	assert_int_equal(tw_filter_add(&f.uid, "root", true), 0);	/* by name */
	assert_int_equal(tw_filter_add(&f.uid, "1000", true), 0);	/* by number */
	assert_int_equal(tw_filter_add(&f.uid, "no-such-user-xyz", true), -EINVAL);
	assert_int_equal(tw_filter_add(&f.uid, "-1", true), -EINVAL);
	assert_true(tw_filter_match(&f, &a));
	assert_true(tw_filter_match(&f, &b));
	assert_false(tw_filter_match(&f, &u));	/* unknown uid: can't be shown to match */
	assert_true(tw_filter_match(&f, &lost));	/* a loss is never filtered away */

	memset(&f, 0, sizeof(f));
	assert_int_equal(tw_filter_add(&f.path, "/usr/lib/*", false), 0);
	assert_false(tw_filter_match(&f, &a));
	assert_true(tw_filter_match(&f, &b));	/* '*' matches '/' too */
	assert_false(tw_filter_match(&f, &u));

	memset(&f, 0, sizeof(f));
	assert_int_equal(tw_filter_add(&f.comm, "c?1", false), 0);
	assert_int_equal(tw_filter_add(&f.comm, "ma*", false), 0);
	assert_true(tw_filter_match(&f, &a));
	assert_true(tw_filter_match(&f, &b));
	assert_false(tw_filter_match(&f, &u));
}

/* --exclude-*: only a value shown to be in the set is left out; unknown values stay. */
static void test_excludes(void **state)
{
	struct tw_filter f = { 0 };
	struct tw_record a = prog(0, "make", "/usr/bin/make");
	struct tw_record b = prog(1000, "cc1", "/usr/lib/cc1");
	struct tw_record u = prog(-1, NULL, NULL);
	int i;

	assert_int_equal(tw_filter_add(&f.no_uid, "0", true), 0);
	assert_int_equal(tw_filter_add(&f.no_comm, "cc*", false), 0);
	assert_false(tw_filter_match(&f, &a));
	assert_false(tw_filter_match(&f, &b));
	assert_true(tw_filter_match(&f, &u));
	memset(&f, 0, sizeof(f));
	assert_int_equal(tw_filter_add(&f.path, "/usr/*", false), 0);
	assert_int_equal(tw_filter_add(&f.no_path, "*/cc1", false), 0);
	assert_true(tw_filter_match(&f, &a));
	assert_false(tw_filter_match(&f, &b));
	/* A set holds TW_FILTER_MAX_VALUES values, then says so. */
	memset(&f, 0, sizeof(f));
	for (i = 0; i < TW_FILTER_MAX_VALUES; i++)
		assert_int_equal(tw_filter_add(&f.comm, "x", false), 0);
	assert_int_equal(tw_filter_add(&f.comm, "x", false), -E2BIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cgroup_prefix),
		cmocka_unit_test(test_container),
		cmocka_unit_test(test_uid_comm_path),
		cmocka_unit_test(test_excludes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
