// SPDX-License-Identifier: GPL-2.0
/*
 * test_elfsym.c - ELF lookups against files built for the test: a function's file offset
 * (what a uprobe is placed at) and the program interpreter (PT_INTERP) a program names.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "elfsym.h"
#include "util.h"

/* Build @src into @out with the system compiler; skip the test when there is none. */
static void build(const char *src, const char *out, const char *flags)
{
	char cmd[512];
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "%s.c", out);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(src, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "cc %s -o %s %s 2>/dev/null", flags, out, path);
	if (system(cmd) != 0)
		skip();
	unlink(path);
}

static const char prog[] = "int tw_probe_here(int x) { return x + 1; }\n"
			   "int main(int argc, char **argv) { return tw_probe_here(argc) - 2; }\n";

/* A dynamic program names its loader; a static one none; a non-ELF file is no answer. */
static void test_interp(void **state)
{
	char dyn[] = "/tmp/tw-elf-dyn-XXXXXX", sta[] = "/tmp/tw-elf-sta-XXXXXX";
	char txt[] = "/tmp/tw-elf-txt-XXXXXX";
	int fd;
	char *interp;

	(void)state;
	close(mkstemp(dyn));
	close(mkstemp(sta));
	fd = mkstemp(txt);
	assert_int_equal(write(fd, "#!/bin/sh\n", 10), 10);
	close(fd);
	build(prog, dyn, "-O0");
	build(prog, sta, "-O0 -static");
	interp = tw_elf_interp(dyn);
	assert_non_null(interp);
	assert_non_null(strstr(interp, "ld-"));
	assert_int_equal(access(interp, F_OK), 0);
	free(interp);
	assert_null(tw_elf_interp(sta));
	assert_null(tw_elf_interp(txt));
	assert_null(tw_elf_interp("/nonexistent/tw-elf"));
	unlink(dyn);
	unlink(sta);
	unlink(txt);
}

/* A function defined in the program has an offset; an unknown name is -ENOENT. */
static void test_func_offset(void **state)
{
	char dyn[] = "/tmp/tw-elf-fn-XXXXXX";
	uint64_t off = 0;

	(void)state;
	close(mkstemp(dyn));
	build(prog, dyn, "-O0");
	assert_int_equal(tw_elf_func_offset(dyn, "tw_probe_here", &off), 0);
	assert_true(off > 0);
	assert_int_equal(tw_elf_func_offset(dyn, "tw_no_such_function", &off), -ENOENT);
	unlink(dyn);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_interp),
		cmocka_unit_test(test_func_offset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
