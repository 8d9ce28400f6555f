// SPDX-License-Identifier: GPL-2.0
/* test_ident.c - exec_id / parent_exec_id from fork, exec and exit records (ident.h's rule). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ident.h"
#include "util.h"

static struct tw_record *rec(enum tw_record_type type, uint64_t ts, int pid, int tid, int ppid,
			     const char *path)
{
	struct tw_record *r = tw_record_new(type);

	assert_non_null(r);
	r->ts_ns = ts;
	r->pid = pid;
	r->tid = tid;
	r->ppid = ppid;
	if (path)
		r->path = strdup(path);
	return r;
}

/* Feed @r, check its ids (NULL: unknown), free it. */
static void feed(struct tw_ident *id, struct tw_record *r, const char *exec_id,
		 const char *parent_exec_id, const char *parent_path)
{
	assert_int_equal(tw_ident_record(id, r), 0);
	if (exec_id)
		assert_string_equal(r->exec_id, exec_id);
	else
		assert_null(r->exec_id);
	if (parent_exec_id)
		assert_string_equal(r->parent_exec_id, parent_exec_id);
	else
		assert_null(r->parent_exec_id);
	if (parent_path)
		assert_string_equal(r->parent_path, parent_path);
	else
		assert_null(r->parent_path);
	tw_record_free(r);
}

/* A shell seen at start forks a child that execs twice; then the child's pid is reused. */
static void test_tree_and_pid_reuse(void **state)
{
	struct tw_ident *id = tw_ident_new("3f2a9c1e-5b6d-4e7f-8a9b-0c1d2e3f4a5b");

	assert_non_null(id);
	assert_int_equal(tw_ident_seed(id, 100, 5000), 0);
	/* the shell execs itself again: N goes from 0 (the image at start) to 1 */
	feed(id, rec(TW_REC_EXEC, 10, 100, 100, 1, "/bin/bash"), "3f2a9c1e:100:5000:1", NULL, NULL);
	feed(id, rec(TW_REC_FORK, 20, 200, 200, 100, NULL), NULL, NULL, NULL);
	/* a thread of the child: not a process, changes nothing */
	feed(id, rec(TW_REC_FORK, 25, 200, 201, 100, NULL), NULL, NULL, NULL);
	feed(id, rec(TW_REC_EXEC, 30, 200, 200, 100, "/usr/bin/make"), "3f2a9c1e:200:20:1",
	     "3f2a9c1e:100:5000:1", "/bin/bash");
	feed(id, rec(TW_REC_EXEC, 40, 200, 200, 100, "/usr/bin/cc"), "3f2a9c1e:200:20:2",
	     "3f2a9c1e:100:5000:1", "/bin/bash");
	/* make forks a child that runs make's image, then execs */
	feed(id, rec(TW_REC_FORK, 45, 300, 300, 200, NULL), NULL, NULL, NULL);
	feed(id, rec(TW_REC_EXEC_FAILED, 46, 300, 300, 200, "/nowhere/as"), "3f2a9c1e:200:20:2",
	     "3f2a9c1e:200:20:2", "/usr/bin/cc");
	feed(id, rec(TW_REC_EXEC, 47, 300, 300, 200, "/usr/bin/as"), "3f2a9c1e:300:45:1",
	     "3f2a9c1e:200:20:2", "/usr/bin/cc");
	feed(id, rec(TW_REC_EXIT, 50, 200, 200, 100, NULL), "3f2a9c1e:200:20:2",
	     "3f2a9c1e:100:5000:1", "/bin/bash");
	/* pid 200 again: another process, another id, same parent */
	feed(id, rec(TW_REC_FORK, 60, 200, 200, 100, NULL), NULL, NULL, NULL);
	feed(id, rec(TW_REC_EXEC, 70, 200, 200, 100, "/usr/bin/make"), "3f2a9c1e:200:60:1",
	     "3f2a9c1e:100:5000:1", "/bin/bash");
	tw_ident_free(id);
}

/* What tracing did not see stays unknown, never made up. */
static void test_unknown_start(void **state)
{
	struct tw_ident *id = tw_ident_new(NULL);

	assert_non_null(id);
	/* an exec of a process neither seen at start nor forked while traced */
	feed(id, rec(TW_REC_EXEC, 10, 400, 400, 1, "/bin/true"), NULL, NULL, NULL);
	/* seen at start but its start time could not be read */
	assert_int_equal(tw_ident_seed(id, 500, 0), 0);
	feed(id, rec(TW_REC_EXEC, 20, 500, 500, 1, "/bin/true"), NULL, NULL, NULL);
	/* a boot id is never made up either: zeros */
	assert_int_equal(tw_ident_seed(id, 600, 77), 0);
	feed(id, rec(TW_REC_EXEC, 30, 600, 600, 1, "/bin/true"), "00000000:600:77:1", NULL, NULL);
	tw_ident_free(id);
}

/* Allocation failures: an error, the record unchanged or partly filled, nothing leaks. */
static void test_alloc_failures(void **state)
{
	long n;

	for (n = 0;; n++) {
		struct tw_ident *id;
		struct tw_record *r[3];
		long injected;
		int i, ret = 0;

		r[0] = rec(TW_REC_FORK, 20, 200, 200, 100, NULL);
		r[1] = rec(TW_REC_EXEC, 30, 200, 200, 100, "/usr/bin/make");
		r[2] = rec(TW_REC_EXIT, 40, 200, 200, 100, NULL);
		tw_fault_inject_after(n);
		id = tw_ident_new("abc");
		if (id && tw_ident_seed(id, 100, 5))
			ret = -1;
		for (i = 0; id && i < 3; i++)
			if (tw_ident_record(id, r[i]))
				ret = -1;
		injected = tw_fault_injected();
		tw_fault_inject_after(-1);
		tw_ident_free(id);
		for (i = 0; i < 3; i++)
			tw_record_free(r[i]);
		if (!injected) {
			assert_int_equal(ret, 0);
			break;
		}
		assert_true(ret || !id);
	}
	assert_true(n > 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tree_and_pid_reuse),
		cmocka_unit_test(test_unknown_start),
		cmocka_unit_test(test_alloc_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
