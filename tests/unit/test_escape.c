// SPDX-License-Identifier: GPL-2.0
/* test_escape.c - the reversible escaping rule, byte class by byte class, and argv quoting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <iconv.h>
#include <cmocka.h>

#include "escape.h"

/* Expected values below are written from the rule in escape.h, by hand. */

/* @fn (tw_escape or tw_escape_argv) of @len bytes at @in into an empty buffer gives @want. */
static void result_is(int (*fn)(struct tw_buf *, const char *, size_t), const char *in,
		      size_t len, const char *want)
{
	struct tw_buf b = { 0 };

	assert_int_equal(fn(&b, in, len), 0);
	assert_non_null(b.data);
	assert_int_equal(b.len, strlen(want));
	assert_string_equal(b.data, want);
	tw_buf_release(&b);
}

static void esc_is(const char *in, size_t len, const char *want)
{
	result_is(tw_escape, in, len, want);
}

#define ESC(lit, want) esc_is(lit, sizeof(lit) - 1, want)

static void argv_is(const char *argv, size_t len, const char *want)
{
	result_is(tw_escape_argv, argv, len, want);
}

#define ARGV(lit, want) argv_is(lit, sizeof(lit) - 1, want)

/*
 * Independent check that @s is valid UTF-8 (glibc's iconv decoder: strict about overlong
 * forms, surrogates and > U+10FFFF) with no C0, DEL, C1 or bidi / line control code point.
 */
static void assert_printable_utf8(const char *s, size_t n)
{
	iconv_t cd = iconv_open("UTF-32LE", "UTF-8");
	uint32_t *cps = malloc(4 * n + 4);
	char *in = (char *)s, *out = (char *)cps;
	size_t inleft = n, outleft = 4 * n + 4, i, ncp;

	assert_true(cd != (iconv_t)-1);
	assert_non_null(cps);
	assert_int_not_equal(iconv(cd, &in, &inleft, &out, &outleft), (size_t)-1);
	assert_int_equal(inleft, 0);
	ncp = (size_t)(out - (char *)cps) / 4;
	for (i = 0; i < ncp; i++) {
		uint32_t c = cps[i];

		assert_true(c >= 0x20 && c != 0x7f);
		assert_false(c >= 0x80 && c <= 0x9f);
		assert_false(c == 0x61c || c == 0x200e || c == 0x200f);
		assert_false(c >= 0x2028 && c <= 0x202e);
		assert_false(c >= 0x2066 && c <= 0x2069);
	}
	iconv_close(cd);
	free(cps);
}

static void put_utf8(unsigned char **o, uint32_t c)
{
	unsigned char *p = *o;

	if (c < 0x80) {
		*p++ = c;
	} else if (c < 0x800) {
		*p++ = 0xc0 | c >> 6;
		*p++ = 0x80 | (c & 0x3f);
	} else if (c < 0x10000) {
		*p++ = 0xe0 | c >> 12;
		*p++ = 0x80 | ((c >> 6) & 0x3f);
		*p++ = 0x80 | (c & 0x3f);
	} else {
		*p++ = 0xf0 | c >> 18;
		*p++ = 0x80 | ((c >> 12) & 0x3f);
		*p++ = 0x80 | ((c >> 6) & 0x3f);
		*p++ = 0x80 | (c & 0x3f);
	}
	*o = p;
}

/* The inverse of the rule, written from escape.h alone. Returns the decoded length. */
static size_t unescape(const char *e, size_t n, unsigned char *out)
{
	unsigned char *o = out;
	size_t i = 0;

	while (i < n) {
		char hex[8] = { 0 };

		if (e[i] != '\\') {
			*o++ = (unsigned char)e[i++];
			continue;
		}
		assert_true(i + 1 < n);
		switch (e[i + 1]) {
		case '\\':
			*o++ = '\\';
			i += 2;
			break;
		case 'n':
			*o++ = '\n';
			i += 2;
			break;
		case 't':
			*o++ = '\t';
			i += 2;
			break;
		case 'r':
			*o++ = '\r';
			i += 2;
			break;
		case 'x':
			assert_true(i + 3 < n);
			memcpy(hex, e + i + 2, 2);
			assert_non_null(strchr("0123456789abcdef", hex[0]));
			assert_non_null(strchr("0123456789abcdef", hex[1]));
			*o++ = (unsigned char)strtoul(hex, NULL, 16);
			i += 4;
			break;
		case 'u':
			assert_true(i + 7 < n);
			assert_true(e[i + 2] == '{' && e[i + 7] == '}');
			memcpy(hex, e + i + 3, 4);
			assert_int_equal(strspn(hex, "0123456789ABCDEF"), 4);
			put_utf8(&o, (uint32_t)strtoul(hex, NULL, 16));
			i += 8;
			break;
		default:
			fail_msg("bad escape \\%c at %zu", e[i + 1], i);
		}
	}
	return (size_t)(o - out);
}

/* escape -> printable UTF-8 -> unescape gives back exactly the input. */
static void assert_roundtrip(const unsigned char *in, size_t n)
{
	struct tw_buf b = { 0 };
	unsigned char *back = malloc(n + 1);

	assert_non_null(back);
	assert_int_equal(tw_escape(&b, (const char *)in, n), 0);
	assert_printable_utf8(b.data, b.len);
	assert_int_equal(unescape(b.data, b.len, back), n);
	assert_memory_equal(back, in, n);
	free(back);
	tw_buf_release(&b);
}

static void test_plain_ascii(void **state)
{
	char all[96];
	size_t n = 0;
	int c;

	ESC("/usr/bin/true", "/usr/bin/true");
	ESC("", "");
	ESC("a", "a");
	/* Long enough for several 8-byte words and an overlapping tail. */
	ESC("/usr/lib/x86_64-linux-gnu/gcc/cc1plus --version",
	    "/usr/lib/x86_64-linux-gnu/gcc/cc1plus --version");
	/* Every printable ASCII byte but the backslash stands for itself. */
	for (c = 0x20; c < 0x7f; c++)
		if (c != '\\')
			all[n++] = (char)c;
	all[n] = '\0';
	esc_is(all, n, all);
	tw_fault_inject_after(-1);
}

static void test_backslash_and_c0(void **state)
{
	ESC("\\", "\\\\");
	ESC("a\\b", "a\\\\b");
	ESC("C:\\x41", "C:\\\\x41");	/* a literal "\x41" can't pass for an escape */
	ESC("\n", "\\n");
	ESC("\t", "\\t");
	ESC("\r", "\\r");
	ESC("a\nb\tc\rd", "a\\nb\\tc\\rd");
	ESC("\x01", "\\x01");
	ESC("\x1b[31mred", "\\x1b[31mred");
	ESC("\x1f", "\\x1f");
	ESC("\x7f", "\\x7f");
	ESC("\x0b\x0c\x08\x07", "\\x0b\\x0c\\x08\\x07");	/* \v \f \b \a: hex, not C names */
	esc_is("a\0b", 3, "a\\x00b");	/* an embedded NUL is a byte like any other */
	esc_is("\0", 1, "\\x00");
	tw_fault_inject_after(-1);
}

static void test_invalid_utf8(void **state)
{
	ESC("\xff", "\\xff");
	ESC("\xfe\xff", "\\xfe\\xff");
	ESC("\xf5\x80\x80\x80", "\\xf5\\x80\\x80\\x80");	/* lead byte beyond U+10FFFF */
	ESC("\xc1\xbf", "\\xc1\\xbf");				/* overlong 2-byte lead */
	/* Truncated at the end: each byte stands alone. */
	ESC("a\xc3", "a\\xc3");
	ESC("\xe2\x82", "\\xe2\\x82");
	ESC("\xf0\x9f\x98", "\\xf0\\x9f\\x98");
	/* Truncated in the middle: the next byte is kept and judged on its own. */
	ESC("\xe2\x82z", "\\xe2\\x82z");
	ESC("\xc3\xc3\xa9", "\\xc3\xc3\xa9");
	/* Overlong encodings of '/' (the classic path-traversal disguise). */
	ESC("\xc0\xaf", "\\xc0\\xaf");
	ESC("\xe0\x80\xaf", "\\xe0\\x80\\xaf");
	ESC("\xf0\x80\x80\xaf", "\\xf0\\x80\\x80\\xaf");
	/* UTF-16 surrogates encoded in UTF-8 (CESU-8) are not UTF-8. */
	ESC("\xed\xa0\x80", "\\xed\\xa0\\x80");
	ESC("\xed\xbf\xbf", "\\xed\\xbf\\xbf");
	ESC("\xed\x9f\xbf", "\xed\x9f\xbf");	/* U+D7FF, just below: valid */
	ESC("\xee\x80\x80", "\xee\x80\x80");	/* U+E000, just above: valid */
	/* Beyond U+10FFFF, and the last valid code point. */
	ESC("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80");
	ESC("\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf");
	/* Stray continuation bytes. */
	ESC("\x80x", "\\x80x");
	ESC("x\xbf", "x\\xbf");
	tw_fault_inject_after(-1);
}

static void test_valid_multibyte(void **state)
{
	ESC("caf\xc3\xa9", "caf\xc3\xa9");				/* é */
	ESC("\xe6\x97\xa5\xe6\x9c\xac", "\xe6\x97\xa5\xe6\x9c\xac");	/* 日本 */
	ESC("\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80");			/* 😀 */
	ESC("\xc2\xa0", "\xc2\xa0");	/* no-break space: printable */
	ESC("\xc2\xa1", "\xc2\xa1");	/* ¡, first after the C1 block */
	ESC("/home/\xe6\x97\xa5\xe6\x9c\xac/caf\xc3\xa9/\xf0\x9f\x98\x80.txt",
	    "/home/\xe6\x97\xa5\xe6\x9c\xac/caf\xc3\xa9/\xf0\x9f\x98\x80.txt");
	tw_fault_inject_after(-1);
}

static void test_invisible_controls(void **state)
{
	ESC("\xc2\x80", "\\u{0080}");
	ESC("\xc2\x85", "\\u{0085}");		/* NEL */
	ESC("\xc2\x9b" "2J", "\\u{009B}2J");	/* CSI: a terminal would clear the screen */
	ESC("\xc2\x9f", "\\u{009F}");
	ESC("evil\xe2\x80\xaetxt.exe", "evil\\u{202E}txt.exe");	/* right-to-left override */
	ESC("\xe2\x80\x8e", "\\u{200E}");	/* LRM */
	ESC("\xe2\x80\x8f", "\\u{200F}");	/* RLM */
	ESC("\xd8\x9c", "\\u{061C}");		/* ALM */
	ESC("\xe2\x80\xa8", "\\u{2028}");
	ESC("\xe2\x80\xa9", "\\u{2029}");
	ESC("\xe2\x80\xaa", "\\u{202A}");
	ESC("\xe2\x81\xa6", "\\u{2066}");
	ESC("\xe2\x81\xa9", "\\u{2069}");
	/* Neighbours that are not in the list pass. */
	ESC("\xe2\x80\x8d", "\xe2\x80\x8d");	/* U+200D ZWJ (emoji sequences) */
	ESC("\xe2\x80\xaf", "\xe2\x80\xaf");	/* U+202F */
	ESC("\xe2\x81\xa5", "\xe2\x81\xa5");	/* U+2065 */
	ESC("\xe2\x81\xaa", "\xe2\x81\xaa");	/* U+206A */
	tw_fault_inject_after(-1);
}

/*
 * Each special byte at every offset of a 24-byte plain string: the escape is found wherever
 * it sits relative to the 8-byte words of the fast path, and nothing else changes. Also the
 * bytes at the edges of the plain range, which must not be taken for special.
 */
static void test_every_offset(void **state)
{
	static const struct {
		unsigned char c;
		const char *esc;
	} cases[] = {
		{ 0x00, "\\x00" }, { 0x1f, "\\x1f" }, { '\n', "\\n" }, { 0x7f, "\\x7f" },
		{ '\\', "\\\\" },  { 0x80, "\\x80" }, { 0xff, "\\xff" }, { ' ', " " },
		{ '~', "~" },	   { '[', "[" },      { ']', "]" },
	};
	size_t k, p;

	for (k = 0; k < TW_ARRAY_SIZE(cases); k++) {
		for (p = 0; p < 24; p++) {
			char in[24], want[64];

			memset(in, 'a', sizeof(in));
			in[p] = (char)cases[k].c;
			snprintf(want, sizeof(want), "%.*s%s%.*s", (int)p, in, cases[k].esc,
				 (int)(23 - p), in + p + 1);
			esc_is(in, sizeof(in), want);
		}
	}
	tw_fault_inject_after(-1);
}

/* The rule is reversible and its output printable UTF-8, for every byte and random input. */
static void test_roundtrip(void **state)
{
	unsigned char in[256], rnd[300];
	uint32_t x = 12345;
	size_t i;
	int round;

	for (i = 0; i < 256; i++)
		in[i] = (unsigned char)i;
	assert_roundtrip(in, sizeof(in));
	/* Every byte after a 3-byte lead, so truncation and continuation cases mix. */
	for (i = 0; i < 256; i++) {
		unsigned char two[3] = { 0xe2, 0x80, (unsigned char)i };

		assert_roundtrip(two, 3);
	}
	/* Random bytes biased to UTF-8-ish values (xorshift32: reproducible). */
	for (round = 0; round < 2000; round++) {
		size_t n = round % 300;

		for (i = 0; i < n; i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			rnd[i] = (x & 3) ? (unsigned char)(0x20 + x % 0x60) :
					   (unsigned char)(x >> 8);
			if (!(x & 0x70))
				rnd[i] = "\xe2\x80\xae\xc2\x9b\xf0\x9f\x98\x80"[x % 9];
		}
		assert_roundtrip(rnd, n);
	}
	tw_fault_inject_after(-1);
}

/* tw_escape() appends: what the buffer held stays, and the result is NUL-terminated. */
static void test_appends(void **state)
{
	struct tw_buf b = { 0 };

	assert_int_equal(tw_buf_puts(&b, "x="), 0);
	assert_int_equal(tw_escape(&b, "a\nb", 3), 0);
	assert_int_equal(tw_escape(&b, "", 0), 0);
	assert_int_equal(tw_escape_argv(&b, "p\0q r\0", 6), 0);
	assert_string_equal(b.data, "x=a\\nbp 'q r'");
	assert_int_equal(b.len, strlen("x=a\\nbp 'q r'"));
	tw_buf_release(&b);
	tw_fault_inject_after(-1);
}

static void test_argv(void **state)
{
	ARGV("ls\0-l\0/tmp\0", "ls -l /tmp");
	ARGV("ls\0-l\0/tmp", "ls -l /tmp");		/* no trailing NUL: the same */
	ARGV("true\0", "true");
	ARGV("true", "true");
	ARGV("p\0k=v,w:x@y%z+1\0", "p k=v,w:x@y%z+1");	/* every safe punctuation */
	/* Empty arguments are kept, quoted, wherever they are. */
	ARGV("echo\0\0x\0", "echo '' x");
	ARGV("\0x\0", "'' x");
	ARGV("x\0\0", "x ''");
	ARGV("\0", "''");
	ARGV("\0\0", "'' ''");
	argv_is("", 0, "");
	/* Spaces, quotes and shell syntax come out quoted. */
	ARGV("sh\0-c\0cd D && ./x\0", "sh -c 'cd D && ./x'");
	ARGV("a b\0", "'a b'");
	ARGV("echo\0it's\0", "echo 'it'\\''s'");
	ARGV("''\0", "''\\'''\\'''");
	ARGV("echo\0$HOME\0~\0*\0", "echo '$HOME' '~' '*'");
	ARGV("echo\0\"q\"\0", "echo '\"q\"'");
	/* Escaped arguments: the backslash of the escape makes them quoted too. */
	ARGV("p\0a\nb\0", "p 'a\\nb'");
	ARGV("p\0\xff\0", "p '\\xff'");
	ARGV("p\0a\\b\0", "p 'a\\\\b'");
	ARGV("p\0\xe2\x80\xae" "gpj.exe\0", "p '\\u{202E}gpj.exe'");
	ARGV("p\0caf\xc3\xa9\0", "p 'caf\xc3\xa9'");	/* valid, but not in the safe set */
	/* A newline in an argument never makes a second line. */
	ARGV("printf\0line1\nline2\0", "printf 'line1\\nline2'");
	tw_fault_inject_after(-1);
}

/* Every allocation failure returns -ENOMEM and leaves the buffer as it was. */
static void test_alloc_failure(void **state)
{
	static const char argv[] = "sh\0-c\0echo 'a b' \xff\0\0tail\0"
				   "--a-long-safe-argument=/so/that/the/buffer/must/grow/at/least/once";
	static const char name[] = "a long name with \x1b escapes \xe2\x80\xae and more text after it";
	int which;

	for (which = 0; which < 2; which++) {
		int ret = -1;
		long n;

		for (n = 0; n < 100 && ret; n++) {
			struct tw_buf b = { 0 };

			assert_int_equal(tw_buf_puts(&b, "keep"), 0);
			tw_fault_inject_after(n);
			ret = which ? tw_escape_argv(&b, argv, sizeof(argv) - 1) :
				      tw_escape(&b, name, sizeof(name) - 1);
			if (ret) {
				assert_int_equal(ret, -ENOMEM);
				assert_true(tw_fault_injected() > 0);
				assert_int_equal(b.len, 4);
				assert_string_equal(b.data, "keep");
			} else {
				assert_int_equal(tw_fault_injected(), 0);
			}
			tw_fault_inject_after(-1);
			tw_buf_release(&b);
		}
		assert_int_equal(ret, 0);
		assert_true(n > 1);	/* at least one failure was injected and survived */
	}
	tw_fault_inject_after(-1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_ascii),
		cmocka_unit_test(test_backslash_and_c0),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_valid_multibyte),
		cmocka_unit_test(test_invisible_controls),
		cmocka_unit_test(test_every_offset),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_appends),
		cmocka_unit_test(test_argv),
		cmocka_unit_test(test_alloc_failure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
