// SPDX-License-Identifier: GPL-2.0
/* test_runtree.c - run's tree, collapse, summary and timeline from hand-built records. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "runtree.h"

#define MS 1000000ull
#define T0 (1000 * MS)

static void add(struct tw_runtree *t, enum tw_record_type type, uint64_t ms, int pid, int ppid,
		const char *path, const char *argv, size_t argv_len)
{
	struct tw_record r = { .type = type, .ts_ns = T0 + ms * MS, .pid = pid, .tid = pid,
			       .ppid = ppid, .path = (char *)path, .filename = (char *)path,
			       .argv = (char *)argv, .argv_len = argv_len, .exit_code = -1 };

	if (type == TW_REC_FORK)
		r.comm = "sh";
	assert_int_equal(tw_runtree_add(t, &r), 0);
}

static void add_fail(struct tw_runtree *t, uint64_t ms, int pid, const char *path, const char *err)
{
	struct tw_record r = { .type = TW_REC_EXEC_FAILED, .ts_ns = T0 + ms * MS, .pid = pid,
			       .tid = pid, .path = (char *)path, .error = err, .exit_code = -1 };

	assert_int_equal(tw_runtree_add(t, &r), 0);
}

static void end(struct tw_runtree *t, uint64_t ms, int pid, int code, int sig)
{
	struct tw_record r = { .type = TW_REC_EXIT, .ts_ns = T0 + ms * MS, .pid = pid,
			       .tid = pid, .exit_code = code, .exit_signal = sig };

	assert_int_equal(tw_runtree_add(t, &r), 0);
}

#define ARGV(s) s, sizeof(s)

/*
 * sh build.sh (100) runs make -j2 (101), which runs cc1 four times (100 ms each), gcc after a
 * PATH search miss (exit 1) and a fork whose exec fails (exit 127); sh also runs sleep 10,
 * killed, and a subshell still running at the end (3100 ms).
 */
static struct tw_runtree *build(void)
{
	struct tw_runtree *t = tw_runtree_new(100, T0);
	int i;

	assert_non_null(t);
	add(t, TW_REC_EXEC, 1, 100, 1, "/bin/sh", ARGV("sh\0build.sh"));
	add(t, TW_REC_FORK, 2, 101, 100, NULL, NULL, 0);
	add(t, TW_REC_EXEC, 3, 101, 100, "/usr/bin/make", ARGV("make\0-j2"));
	for (i = 0; i < 4; i++) {
		add(t, TW_REC_FORK, 10 + 110 * i, 102 + i, 101, NULL, NULL, 0);
		add(t, TW_REC_EXEC, 11 + 110 * i, 102 + i, 101, "/usr/lib/gcc/cc1", ARGV("cc1\0a.c"));
		end(t, 110 + 110 * i, 102 + i, 0, 0);
	}
	add(t, TW_REC_FORK, 500, 106, 101, NULL, NULL, 0);
	add_fail(t, 501, 106, "/usr/local/bin/gcc", "ENOENT");
	add(t, TW_REC_EXEC, 502, 106, 101, "/usr/bin/gcc", ARGV("gcc\0-c\0b.c"));
	end(t, 800, 106, 1, 0);
	add(t, TW_REC_FORK, 900, 107, 101, NULL, NULL, 0);
	add_fail(t, 901, 107, "/nope", "ENOENT");
	end(t, 905, 107, 127, 0);
	add(t, TW_REC_FORK, 1000, 108, 100, NULL, NULL, 0);
	add(t, TW_REC_EXEC, 1001, 108, 100, "/bin/sleep", ARGV("sleep\0" "10"));
	end(t, 1500, 108, -1, 9);
	add(t, TW_REC_FORK, 1600, 109, 100, NULL, NULL, 0);
	end(t, 2500, 101, 2, 0);
	end(t, 3000, 100, 2, 0);
	/* Not of the tree: a fork from an unknown parent, an exit of an unknown pid. */
	add(t, TW_REC_FORK, 3001, 200, 99, NULL, NULL, 0);
	end(t, 3002, 201, 0, 0);
	tw_runtree_end(t, T0 + 3100 * MS);
	return t;
}

static char *capture(struct tw_runtree *t, int what)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	if (what == 0)
		assert_int_equal(tw_runtree_print_tree(t, f, false), 0);
	else if (what == 1)
		assert_int_equal(tw_runtree_print_summary(t, f), 0);
	else
		assert_int_equal(tw_runtree_write_timeline(t, f), 0);
	fclose(f);
	return text;
}

static void test_tree(void **state)
{
	struct tw_runtree *t = build();
	char *text = capture(t, 0);

	(void)state;
	assert_string_equal(text,
			    "sh build.sh [100] 3.0 s, exit 2\n"
			    "├─ make -j2 [101] 2.5 s, exit 2\n"
			    "│  ├─ cc1 ×4, 400 ms total\n"
			    "│  ├─ gcc -c b.c [106] 300 ms, exit 1\n"
			    "│  └─ (fork of make) [107] 5.00 ms, exit 127\n"
			    "│     └─ ✗ exec /nope: ENOENT\n"
			    "├─ sleep 10 [108] 500 ms, killed by SIGKILL\n"
			    "└─ (fork of sh) [109] 1.5 s, still running\n");
	free(text);
	tw_runtree_free(t);
}

static void test_color(void **state)
{
	struct tw_runtree *t = tw_runtree_new(1, T0);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	add(t, TW_REC_EXEC, 1, 1, 0, "/bin/false", ARGV("false"));
	end(t, 2, 1, 1, 0);
	assert_int_equal(tw_runtree_print_tree(t, f, true), 0);
	fclose(f);
	assert_string_equal(text, "\033[1;31mfalse [1] 2.00 ms, exit 1\033[0m\n");
	free(text);
	tw_runtree_free(t);
}

/* A failure, a different child or a run too short breaks the collapse. */
static void test_collapse_breaks(void **state)
{
	struct tw_runtree *t = tw_runtree_new(1, T0);
	char *text;
	int i;

	(void)state;
	add(t, TW_REC_EXEC, 0, 1, 0, "/bin/sh", ARGV("sh"));
	for (i = 0; i < 7; i++) {
		add(t, TW_REC_FORK, 10 * i + 1, 10 + i, 1, NULL, NULL, 0);
		add(t, TW_REC_EXEC, 10 * i + 2, 10 + i, 1, "/bin/true", ARGV("true"));
		if (i == 6) {
			/* The last one runs a child: not identical to the others. */
			add(t, TW_REC_FORK, 65, 30, 16, NULL, NULL, 0);
			end(t, 66, 30, 0, 0);
		}
		end(t, 10 * i + (i == 6 ? 9 : 4), 10 + i, i == 3 ? 1 : 0, 0);
	}
	end(t, 100, 1, 0, 0);
	text = capture(t, 0);
	assert_string_equal(text,
			    "sh [1] 100 ms, exit 0\n"
			    "├─ true ×3, 9.00 ms total\n"
			    "├─ true [13] 3.00 ms, exit 1\n"
			    "├─ true [14] 3.00 ms, exit 0\n"
			    "├─ true [15] 3.00 ms, exit 0\n"
			    "└─ true [16] 8.00 ms, exit 0\n"
			    "   └─ (fork of true) [30] 1.00 ms, exit 0\n");
	free(text);
	tw_runtree_free(t);
}

static void test_summary(void **state)
{
	struct tw_runtree *t = build();
	struct tw_runtree_counts c;
	char *text = capture(t, 1);

	(void)state;
	tw_runtree_get_counts(t, &c);
	assert_int_equal(c.processes, 10);
	assert_int_equal(c.path_misses, 1);
	assert_string_equal(text,
			    "summary: 10 processes, 8 execs, 1 failed execs, 4 non-zero exits, 1 killed, "
	"1 still running (1 PATH search misses not counted)\n"
			    "  program                                   count      total        max\n"
			    "  /bin/sh                                       1      3.0 s      3.0 s\n"
			    "  /usr/bin/make                                 1      2.5 s      2.5 s\n"
			    "  (no exec)                                     2      1.5 s      1.5 s\n"
			    "  /bin/sleep                                    1     500 ms     500 ms\n"
			    "  /usr/lib/gcc/cc1                              4     400 ms     100 ms\n"
			    "  /usr/bin/gcc                                  1     300 ms     300 ms\n"
			    "failed execs:\n"
			    "  [107] /nope: ENOENT (in make)\n"
			    "non-zero exits:\n"
			    "  [100] sh build.sh: exit 2\n"
			    "  [101] make -j2: exit 2\n"
			    "  [106] gcc -c b.c: exit 1\n"
			    "  [107] (fork of make): exit 127\n"
			    "killed:\n"
			    "  [108] sleep 10: SIGKILL\n"
			    "still running:\n"
			    "  [109] (fork of sh)\n");
	free(text);
	tw_runtree_free(t);
}

static void test_timeline(void **state)
{
	struct tw_runtree *t = tw_runtree_new(100, T0);
	char *text;

	(void)state;
	add(t, TW_REC_EXEC, 0, 100, 1, "/bin/echo", ARGV("echo\0a\"b"));
	add(t, TW_REC_FORK, 1, 101, 100, NULL, NULL, 0);
	add_fail(t, 2, 101, "/nope", "ENOENT");
	end(t, 3, 101, 127, 0);
	end(t, 4, 100, 0, 0);
	tw_runtree_end(t, T0 + 5 * MS);
	text = capture(t, 2);
	assert_string_equal(
		text,
		"{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n"
		"{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":100,\"tid\":100,\"args\":{\"name\":"
		"\"echo 'a\\\"b'\"}},\n"
		"{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":100,\"tid\":100,\"args\":{\"name\":"
		"\"echo 'a\\\"b'\"}},\n"
		"{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":100,\"tid\":101,\"args\":{\"name\":"
		"\"(fork of echo)\"}},\n"
		"{\"ph\":\"X\",\"cat\":\"process\",\"name\":\"echo\",\"pid\":100,\"tid\":100,"
		"\"ts\":0.000,\"dur\":4000.000,\"args\":{\"command\":\"echo 'a\\\"b'\",\"path\":"
		"\"/bin/echo\",\"status\":\"exit 0\"}},\n"
		"{\"ph\":\"X\",\"cat\":\"process\",\"name\":\"echo\",\"pid\":100,\"tid\":101,"
		"\"ts\":1000.000,\"dur\":2000.000,\"args\":{\"command\":\"(fork of echo)\",\"path\":"
		"null,\"status\":\"exit 127\"}},\n"
		"{\"ph\":\"i\",\"s\":\"t\",\"cat\":\"exec_failed\",\"name\":\"ENOENT\",\"pid\":100,"
		"\"tid\":101,\"ts\":2000.000,\"args\":{\"exec\":\"/nope\"}}\n"
		"]}\n");
	free(text);
	tw_runtree_free(t);
}

static void test_write_error(void **state)
{
	struct tw_runtree *t = build();
	FILE *f = fopen("/dev/full", "w");

	(void)state;
	assert_non_null(f);
	assert_int_equal(tw_runtree_print_tree(t, f, false), -EIO);
	fclose(f);
	tw_runtree_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tree),	 cmocka_unit_test(test_color),
		cmocka_unit_test(test_collapse_breaks), cmocka_unit_test(test_summary),
		cmocka_unit_test(test_timeline), cmocka_unit_test(test_write_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
