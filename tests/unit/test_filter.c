// SPDX-License-Identifier: GPL-2.0
/* test_filter.c - record filters: cgroup prefix by component, container prefix, host/container only. */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cgroup_prefix),
		cmocka_unit_test(test_container),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
