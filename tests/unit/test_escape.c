// SPDX-License-Identifier: GPL-2.0
/* test_escape.c - the reversible escaping rule, byte class by byte class, and argv quoting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "escape.h"

static void esc(const char *in, size_t len, const char *want)
{
	struct tw_buf b = { 0 };

	assert_int_equal(tw_escape(&b, in, len), 0);
	assert_string_equal(b.data, want);
	tw_buf_release(&b);
}

#define ESC(lit, want) esc(lit, sizeof(lit) - 1, want)

static void test_plain_and_controls(void **state)
{
	ESC("/usr/bin/true", "/usr/bin/true");
	ESC("", "");
	ESC("a\\b", "a\\\\b");
	ESC("a\nb\tc\rd", "a\\nb\\tc\\rd");
	ESC("\x01\x1b[31m\x7f", "\\x01\\x1b[31m\\x7f");
	/* An embedded NUL (length given) is a byte like any other. */
	esc("a\0b", 3, "a\\x00b");
}

static void test_utf8(void **state)
{
	ESC("caf\xc3\xa9", "caf\xc3\xa9");			/* é passes */
	ESC("\xe6\x97\xa5\xe6\x9c\xac", "\xe6\x97\xa5\xe6\x9c\xac");	/* 日本 */
	ESC("\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80");		/* emoji */
	ESC("\xff", "\\xff");
	ESC("a\xc3", "a\\xc3");					/* truncated at the end */
	ESC("\xc0\xaf", "\\xc0\\xaf");				/* overlong '/' */
	ESC("\xed\xa0\x80", "\\xed\\xa0\\x80");			/* surrogate */
	ESC("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80");	/* > U+10FFFF */
	ESC("\x80x", "\\x80x");					/* stray continuation */
	ESC("\xe2\x82", "\\xe2\\x82");				/* cut 3-byte sequence */
}

static void test_invisible_controls(void **state)
{
	ESC("\xc2\x85", "\\u{0085}");		/* NEL, a C1 control */
	ESC("\xc2\x9b" "2J", "\\u{009B}2J");	/* CSI */
	ESC("evil\xe2\x80\xaetxt.exe", "evil\\u{202E}txt.exe");	/* right-to-left override */
	ESC("\xe2\x80\xa8", "\\u{2028}");
	ESC("\xe2\x81\xa6", "\\u{2066}");
	ESC("\xc2\xa0", "\xc2\xa0");		/* no-break space is printable: kept */
}

static void argv_is(const char *argv, size_t len, const char *want)
{
	struct tw_buf b = { 0 };

	assert_int_equal(tw_escape_argv(&b, argv, len), 0);
	assert_string_equal(b.data, want);
	tw_buf_release(&b);
}

#define ARGV(lit, want) argv_is(lit, sizeof(lit) - 1, want)

static void test_argv(void **state)
{
	ARGV("ls\0-l\0/tmp\0", "ls -l /tmp");
	ARGV("ls\0-l\0/tmp", "ls -l /tmp");		/* no trailing NUL */
	ARGV("sh\0-c\0cd D && ./x\0", "sh -c 'cd D && ./x'");
	ARGV("echo\0\0x\0", "echo '' x");		/* empty argument kept */
	ARGV("echo\0it's\0", "echo 'it'\\''s'");
	ARGV("p\0a\nb\0", "p 'a\\nb'");
	ARGV("p\0\xff\0", "p '\\xff'");
	ARGV("p\0k=v,w:x@y%z+1\0", "p k=v,w:x@y%z+1");
	argv_is("", 0, "");
}

/* The rule is reversible: decoding the escaped text gives the bytes back, for every byte. */
static void test_roundtrip_all_bytes(void **state)
{
	unsigned char in[256];
	struct tw_buf b = { 0 };
	unsigned char out[1024];
	size_t n = 0, i;

	for (i = 0; i < 256; i++)
		in[i] = (unsigned char)i;
	assert_int_equal(tw_escape(&b, (const char *)in, sizeof(in)), 0);
	for (i = 0; i < b.len;) {
		if (b.data[i] != '\\') {
			out[n++] = (unsigned char)b.data[i++];
			continue;
		}
		switch (b.data[i + 1]) {
		case '\\': out[n++] = '\\'; i += 2; break;
		case 'n': out[n++] = '\n'; i += 2; break;
		case 't': out[n++] = '\t'; i += 2; break;
		case 'r': out[n++] = '\r'; i += 2; break;
		case 'x': {
			char hex[3] = { b.data[i + 2], b.data[i + 3], 0 };

			out[n++] = (unsigned char)strtol(hex, NULL, 16);
			i += 4;
			break;
		}
		default:
			fail_msg("unexpected escape at %zu", i);
		}
	}
	assert_int_equal(n, 256);
	assert_memory_equal(out, in, 256);
	/* And what came out is printable ASCII only: no byte >= 0x80, none < 0x20. */
	for (i = 0; i < b.len; i++)
		assert_true(b.data[i] >= 0x20 && b.data[i] < 0x7f);
	tw_buf_release(&b);
}

static void test_alloc_failure(void **state)
{
	long n;

	for (n = 0; n < 20; n++) {
		struct tw_buf b = { 0 };
		int ret;

		tw_fault_inject_after(n);
		ret = tw_escape_argv(&b, "sh\0-c\0a b\xff\0", 11);
		tw_fault_inject_after(-1);
		tw_buf_release(&b);
		if (ret == 0)
			return;
		assert_int_equal(ret, -12);
	}
	fail_msg("did not converge");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_and_controls),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_invisible_controls),
		cmocka_unit_test(test_argv),
		cmocka_unit_test(test_roundtrip_all_bytes),
		cmocka_unit_test(test_alloc_failure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
