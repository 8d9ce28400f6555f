// SPDX-License-Identifier: GPL-2.0
/* test_decode.c - decoding raw events against format files given as text, as a kernel would show them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <traceevent/event-parse.h>

#include "decode.h"
#include "util.h"

#include "formats.h"

static struct tep_handle *make_tep(bool with_exit, bool chdir_619)
{
	struct tep_handle *tep = tep_alloc();
	const char *const sched[] = { fmt_exec, with_exit ? fmt_exit : NULL };
	const char *const sys[] = { chdir_619 ? fmt_enter_chdir_619 : fmt_enter_chdir,
				    fmt_enter_fchdir, fmt_exit_chdir, fmt_exit_fchdir };
	size_t i;

	assert_non_null(tep);
	tep_set_long_size(tep, 8);
	tep_set_file_bigendian(tep, TEP_LITTLE_ENDIAN);
	tep_set_local_bigendian(tep, TEP_LITTLE_ENDIAN);
	for (i = 0; i < 2; i++)
		if (sched[i])
			assert_int_equal(tep_parse_event(tep, sched[i], strlen(sched[i]), "sched"), 0);
	assert_int_equal(tep_parse_event(tep, fmt_newtask, strlen(fmt_newtask), "task"), 0);
	for (i = 0; i < 4; i++)
		assert_int_equal(tep_parse_event(tep, sys[i], strlen(sys[i]), "syscalls"), 0);
	return tep;
}

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

static void test_exec(void **state)
{
	struct tep_handle *tep = make_tep(true, false);
	struct tw_decoder *d = tw_decoder_new(tep, NULL);
	const char fn[] = "./prog\xff name";
	uint8_t raw[64] = { 0 };
	struct tw_event *ev;

	assert_non_null(d);
	put16(raw, 365);
	put32(raw + 4, 4242);
	put32(raw + 8, (uint32_t)(sizeof(fn) << 16 | 20));
	put32(raw + 12, 4242);
	put32(raw + 16, 4243);
	memcpy(raw + 20, fn, sizeof(fn));
	assert_int_equal(tw_decoder_decode(d, 1, 777, raw, 20 + sizeof(fn), &ev), 1);
	assert_int_equal(ev->type, TW_EV_EXEC);
	assert_int_equal(ev->cpu, 1);
	assert_int_equal(ev->ts, 777);
	assert_int_equal(ev->tid, 4242);
	assert_int_equal(ev->exec.pid, 4242);
	assert_int_equal(ev->exec.old_pid, 4243);
	assert_string_equal(ev->exec.filename, fn);
	tw_event_free(ev);

	/* The string location points past the end of the record: rejected, not read. */
	put32(raw + 8, (uint32_t)(200 << 16 | 20));
	assert_int_equal(tw_decoder_decode(d, 1, 778, raw, 20 + sizeof(fn), &ev), 0);
	assert_null(ev);
	/* Too short for its fixed fields. */
	assert_int_equal(tw_decoder_decode(d, 1, 779, raw, 10, &ev), 0);
	/* Unknown event id. */
	put16(raw, 9999);
	assert_int_equal(tw_decoder_decode(d, 1, 780, raw, 40, &ev), 0);
	tw_decoder_free(d);
	tep_free(tep);
}

static void test_newtask_exit_chdir(void **state)
{
	struct tep_handle *tep = make_tep(true, false);
	struct tw_decoder *d = tw_decoder_new(tep, NULL);
	uint8_t raw[64] = { 0 };
	struct tw_event *ev;

	assert_non_null(d);
	assert_false(tw_decoder_has_chdir_string(d));
	put16(raw, 205);
	put32(raw + 4, 100);
	put32(raw + 8, 200);
	memcpy(raw + 12, "bash", 5);
	put64(raw + 32, 0x10f00ull);
	assert_int_equal(tw_decoder_decode(d, 0, 5, raw, 44, &ev), 1);
	assert_int_equal(ev->type, TW_EV_NEWTASK);
	assert_int_equal(ev->tid, 100);
	assert_int_equal(ev->newtask.pid, 200);
	assert_int_equal(ev->newtask.clone_flags, 0x10f00ull);
	assert_string_equal(ev->newtask.comm, "bash");
	tw_event_free(ev);

	memset(raw, 0, sizeof(raw));
	put16(raw, 369);
	put32(raw + 4, 200);
	memcpy(raw + 8, "sh", 3);
	put32(raw + 24, 200);
	raw[32] = 1;
	assert_int_equal(tw_decoder_decode(d, 0, 6, raw, 36, &ev), 1);
	assert_int_equal(ev->type, TW_EV_EXIT);
	assert_int_equal(ev->exit.pid, 200);
	assert_int_equal(ev->exit.group_dead, 1);
	tw_event_free(ev);

	memset(raw, 0, sizeof(raw));
	put16(raw, 805);
	put32(raw + 4, 300);
	put64(raw + 16, (uint64_t)-2);	/* -ENOENT */
	assert_int_equal(tw_decoder_decode(d, 0, 7, raw, 24, &ev), 1);
	assert_int_equal(ev->type, TW_EV_CHDIR);
	assert_false(ev->chdir.is_fchdir);
	assert_int_equal(ev->chdir.ret, -2);
	tw_event_free(ev);

	put16(raw, 803);
	put64(raw + 16, 0);
	assert_int_equal(tw_decoder_decode(d, 0, 8, raw, 24, &ev), 1);
	assert_int_equal(ev->type, TW_EV_CHDIR);
	assert_true(ev->chdir.is_fchdir);
	assert_int_equal(ev->chdir.ret, 0);
	tw_event_free(ev);

	put16(raw, 804);
	put64(raw + 16, 7);
	assert_int_equal(tw_decoder_decode(d, 0, 9, raw, 24, &ev), 1);
	assert_int_equal(ev->type, TW_EV_CHDIR_ENTER);
	assert_true(ev->chdir_enter.is_fchdir);
	assert_int_equal(ev->chdir_enter.fd, 7);
	tw_event_free(ev);
	tw_decoder_free(d);
	tep_free(tep);
}

/* A required event missing from this kernel: the decoder refuses to start. */
static void test_missing_required_event(void **state)
{
	struct tep_handle *tep = make_tep(false, false);

	assert_null(tw_decoder_new(tep, NULL));
	tep_free(tep);
}

/* 6.19+: the chdir path string is in the event; detected from the format, not the version. */
static void test_chdir_string_format(void **state)
{
	struct tep_handle *tep = make_tep(true, true);
	struct tw_decoder *d = tw_decoder_new(tep, NULL);
	const char path[] = "../c";
	uint8_t raw[64] = { 0 };
	struct tw_event *ev;

	assert_non_null(d);
	assert_true(tw_decoder_has_chdir_string(d));
	put16(raw, 806);
	put32(raw + 4, 300);
	put64(raw + 16, 0x7ffd0000);
	put32(raw + 24, (uint32_t)(sizeof(path) << 16 | 28));
	memcpy(raw + 28, path, sizeof(path));
	assert_int_equal(tw_decoder_decode(d, 0, 9, raw, 28 + sizeof(path), &ev), 1);
	assert_int_equal(ev->type, TW_EV_CHDIR_ENTER);
	assert_string_equal(ev->chdir_enter.path, "../c");
	tw_event_free(ev);
	tw_decoder_free(d);
	tep_free(tep);
}

/* A uprobe event as uprobe_events creates it: "__probe_ip", then the fetched fields. */
static const char fmt_uchdir[] = "name: chdir_0\nID: 2001\nformat:\n" COMMON
	"\tfield:unsigned long __probe_ip;\toffset:8;\tsize:8;\tsigned:0;\n"
	"\tfield:__data_loc char[] path;\toffset:16;\tsize:4;\tsigned:1;\n\n"
	"print fmt: \"(%lx) path=\\\"%s\\\"\", REC->__probe_ip, __get_str(path)\n";

static const char fmt_uexec[] = "name: execve_0\nID: 2002\nformat:\n" COMMON
	"\tfield:unsigned long __probe_ip;\toffset:8;\tsize:8;\tsigned:0;\n"
	"\tfield:__data_loc char[] fn;\toffset:16;\tsize:4;\tsigned:1;\n"
	"\tfield:__data_loc char[] a0;\toffset:20;\tsize:4;\tsigned:1;\n"
	"\tfield:u64 p0;\toffset:24;\tsize:8;\tsigned:0;\n"
	"\tfield:__data_loc char[] a1;\toffset:32;\tsize:4;\tsigned:1;\n"
	"\tfield:u64 p1;\toffset:36;\tsize:8;\tsigned:0;\n"
	"\tfield:u64 p2;\toffset:44;\tsize:8;\tsigned:0;\n\n"
	"print fmt: \"x\"\n";

/*
 * Strings fetched by uprobes: a string the kernel could not read (page not present) has a
 * data_loc length of 0 ("(fault)" in the text output): it is reported as a fault, never as "".
 * argv ends at a NULL pointer; a non-NULL pointer past the last fetched one means truncated.
 */
static void test_uprobe_strings_and_faults(void **state)
{
	struct tep_handle *tep = make_tep(true, false);
	struct tw_decoder *d;
	uint8_t raw[96] = { 0 };
	struct tw_event *ev;

	assert_int_equal(tep_parse_event(tep, fmt_uchdir, strlen(fmt_uchdir), "tracewatch_1"), 0);
	assert_int_equal(tep_parse_event(tep, fmt_uexec, strlen(fmt_uexec), "tracewatch_1"), 0);
	d = tw_decoder_new(tep, "tracewatch_1");
	assert_non_null(d);
	assert_int_equal(tw_decoder_uprobe_count(d), 2);

	put16(raw, 2001);
	put32(raw + 4, 77);
	put32(raw + 16, (uint32_t)(4 << 16 | 20));
	memcpy(raw + 20, "sub", 4);
	assert_int_equal(tw_decoder_decode(d, 0, 1, raw, 24, &ev), 1);
	assert_int_equal(ev->type, TW_EV_UCHDIR);
	assert_string_equal(ev->uchdir.path, "sub");
	assert_false(ev->uchdir.eprobe);
	tw_event_free(ev);
	put32(raw + 16, (uint32_t)(0 << 16 | 20));	/* fault */
	assert_int_equal(tw_decoder_decode(d, 0, 2, raw, 24, &ev), 1);
	assert_null(ev->uchdir.path);
	tw_event_free(ev);

	memset(raw, 0, sizeof(raw));
	put16(raw, 2002);
	put32(raw + 4, 78);
	put32(raw + 16, (uint32_t)(3 << 16 | 52));	/* fn "./x" */
	memcpy(raw + 52, "./x", 3);
	put32(raw + 20, (uint32_t)(4 << 16 | 56));	/* a0 "./x" */
	memcpy(raw + 56, "./x", 4);
	put64(raw + 24, 0x1000);
	put32(raw + 32, (uint32_t)(4 << 16 | 60));	/* a1 "a b" */
	memcpy(raw + 60, "a b", 4);
	put64(raw + 36, 0x2000);
	put64(raw + 44, 0);				/* argv[2] == NULL: the end */
	assert_int_equal(tw_decoder_decode(d, 1, 3, raw, 64, &ev), 1);
	assert_int_equal(ev->type, TW_EV_UEXEC);
	assert_int_equal(ev->uexec.argc, 2);
	assert_int_equal(ev->uexec.argv_len, 8);
	assert_memory_equal(ev->uexec.argv, "./x\0a b\0", 8);
	assert_false(ev->uexec.argv_fault);
	assert_false(ev->uexec.argv_truncated);
	tw_event_free(ev);

	put64(raw + 44, 0x3000);			/* more arguments than fetched */
	assert_int_equal(tw_decoder_decode(d, 1, 4, raw, 64, &ev), 1);
	assert_true(ev->uexec.argv_truncated);
	tw_event_free(ev);

	put32(raw + 32, (uint32_t)(0 << 16 | 60));	/* argv[1] could not be read */
	assert_int_equal(tw_decoder_decode(d, 1, 5, raw, 64, &ev), 1);
	assert_true(ev->uexec.argv_fault);
	tw_event_free(ev);
	tw_decoder_free(d);
	tep_free(tep);
}

/* Uprobes as tracewatch makes them now: strings in fixed u64-array slots (uprobe.h). */
static const char fmt_uchdir_slot[] = "name: chdir_0\nID: 2003\nformat:\n" COMMON
	"\tfield:unsigned long __probe_ip;\toffset:8;\tsize:8;\tsigned:0;\n"
	"\tfield:u64 path[];\toffset:16;\tsize:8;\tsigned:0;\n"
	"\tfield:u64 path_1[];\toffset:24;\tsize:8;\tsigned:0;\n\n"
	"print fmt: \"x\"\n";

static const char fmt_uexec_slot[] = "name: execve_0\nID: 2004\nformat:\n" COMMON
	"\tfield:unsigned long __probe_ip;\toffset:8;\tsize:8;\tsigned:0;\n"
	"\tfield:u64 fn[];\toffset:16;\tsize:16;\tsigned:0;\n"
	"\tfield:u64 a0[];\toffset:32;\tsize:8;\tsigned:0;\n"
	"\tfield:u64 p0;\toffset:40;\tsize:8;\tsigned:0;\n"
	"\tfield:u64 a1[];\toffset:48;\tsize:8;\tsigned:0;\n"
	"\tfield:u64 p1;\toffset:56;\tsize:8;\tsigned:0;\n"
	"\tfield:u64 p2;\toffset:64;\tsize:8;\tsigned:0;\n\n"
	"print fmt: \"x\"\n";

/*
 * A slot holds a string up to its first NUL. A slot without one holds the start of a longer
 * string: an argv element is kept as that start with the vector marked truncated (and ends
 * there); a path or file name is no name at all (never a wrong, shorter one).
 */
static void test_uprobe_fixed_slots(void **state)
{
	struct tep_handle *tep = make_tep(true, false);
	struct tw_decoder *d;
	uint8_t raw[72] = { 0 };
	struct tw_event *ev;

	assert_int_equal(tep_parse_event(tep, fmt_uchdir_slot, strlen(fmt_uchdir_slot),
					 "tracewatch_1"), 0);
	assert_int_equal(tep_parse_event(tep, fmt_uexec_slot, strlen(fmt_uexec_slot),
					 "tracewatch_1"), 0);
	d = tw_decoder_new(tep, "tracewatch_1");
	assert_non_null(d);
	assert_int_equal(tw_decoder_uprobe_count(d), 2);

	put16(raw, 2003);
	memcpy(raw + 16, "sub", 4);
	assert_int_equal(tw_decoder_decode(d, 0, 1, raw, 32, &ev), 1);
	assert_int_equal(ev->type, TW_EV_UCHDIR);
	assert_string_equal(ev->uchdir.path, "sub");
	tw_event_free(ev);
	memcpy(raw + 16, "0123456789", 11);		/* through both parts of the slot */
	assert_int_equal(tw_decoder_decode(d, 0, 2, raw, 32, &ev), 1);
	assert_string_equal(ev->uchdir.path, "0123456789");
	tw_event_free(ev);
	memcpy(raw + 16, "0123456789abcdef", 16);	/* no NUL: a longer path, cut */
	assert_int_equal(tw_decoder_decode(d, 0, 3, raw, 32, &ev), 1);
	assert_null(ev->uchdir.path);
	tw_event_free(ev);
	assert_int_equal(tw_decoder_decode(d, 0, 4, raw, 24, &ev), 0);	/* too short for the slot */

	memset(raw, 0, sizeof(raw));
	put16(raw, 2004);
	memcpy(raw + 16, "./x", 3);
	memcpy(raw + 32, "./x", 3);
	put64(raw + 40, 0x1000);
	memcpy(raw + 48, "", 1);			/* an empty argument */
	put64(raw + 56, 0x2000);
	assert_int_equal(tw_decoder_decode(d, 1, 3, raw, 72, &ev), 1);
	assert_int_equal(ev->type, TW_EV_UEXEC);
	assert_string_equal(ev->uexec.filename, "./x");
	assert_int_equal(ev->uexec.argc, 2);
	assert_int_equal(ev->uexec.argv_len, 5);
	assert_memory_equal(ev->uexec.argv, "./x\0\0", 5);
	assert_false(ev->uexec.argv_truncated);
	assert_false(ev->uexec.argv_fault);
	tw_event_free(ev);

	memcpy(raw + 48, "abcdefgh", 8);		/* argv[1] longer than its slot */
	assert_int_equal(tw_decoder_decode(d, 1, 4, raw, 72, &ev), 1);
	assert_int_equal(ev->uexec.argc, 2);
	assert_memory_equal(ev->uexec.argv, "./x\0abcdefgh\0", 13);
	assert_true(ev->uexec.argv_truncated);
	assert_false(ev->uexec.argv_fault);
	tw_event_free(ev);

	memcpy(raw + 16, "0123456789abcdef", 16);	/* file name longer than its slot */
	assert_int_equal(tw_decoder_decode(d, 1, 5, raw, 72, &ev), 1);
	assert_null(ev->uexec.filename);
	assert_true(ev->uexec.filename_fault);
	tw_event_free(ev);
	tw_decoder_free(d);
	tep_free(tep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exec),
		cmocka_unit_test(test_newtask_exit_chdir),
		cmocka_unit_test(test_missing_required_event),
		cmocka_unit_test(test_chdir_string_format),
		cmocka_unit_test(test_uprobe_strings_and_faults),
		cmocka_unit_test(test_uprobe_fixed_slots),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
