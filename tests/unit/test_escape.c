// SPDX-License-Identifier: GPL-2.0
/* test_escape.c - the reversible escaping rule, byte class by byte class, and argv quoting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
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

/* ------------------------------------------------------------------ JSON rule */

/* tw_escape_json() of @len bytes at @in gives the JSON text @want and byte-escaped form @bytes. */
static void json_is(const char *in, size_t len, const char *want, bool want_bytes)
{
	struct tw_buf b = { 0 };
	bool bytes = false;

	assert_int_equal(tw_escape_json(&b, in, len, &bytes), 0);
	assert_string_equal(b.data, want);
	assert_int_equal(b.len, strlen(want));
	assert_int_equal(bytes, want_bytes);
	tw_buf_release(&b);
}

#define JSON(lit, want) json_is(lit, sizeof(lit) - 1, want, false)
#define JSON_BYTES(lit, want) json_is(lit, sizeof(lit) - 1, want, true)

static int hexval(char c)
{
	const char *d = strchr("0123456789abcdef", c);

	assert_non_null(d);
	return (int)(d - "0123456789abcdef");
}

/*
 * A JSON string decoder written from RFC 8259 (not from the encoder): @e is the text with its
 * quotes. Accepts upper- and lower-case hex and surrogate pairs like any decoder, but a lone
 * surrogate is an error (a strict decoder's view). Returns the decoded UTF-8 length.
 */
static size_t json_decode(const char *e, size_t n, unsigned char *out)
{
	unsigned char *o = out;
	size_t i = 1;

	assert_true(n >= 2 && e[0] == '"' && e[n - 1] == '"');
	while (i < n - 1) {
		unsigned char c = (unsigned char)e[i];
		uint32_t cp;

		assert_true(c >= 0x20 && c != '"');	/* raw controls are not JSON */
		if (c != '\\') {
			*o++ = c;
			i++;
			continue;
		}
		switch (e[i + 1]) {
		case '"': case '\\': case '/':
			*o++ = (unsigned char)e[i + 1];
			i += 2;
			break;
		case 'n': *o++ = '\n'; i += 2; break;
		case 't': *o++ = '\t'; i += 2; break;
		case 'r': *o++ = '\r'; i += 2; break;
		case 'b': *o++ = '\b'; i += 2; break;
		case 'f': *o++ = '\f'; i += 2; break;
		case 'u':
			assert_true(i + 6 <= n - 1);
			cp = (uint32_t)strtoul((char[5]){ e[i + 2], e[i + 3], e[i + 4], e[i + 5], 0 },
					       NULL, 16);
			i += 6;
			assert_false(cp >= 0xdc00 && cp <= 0xdfff);
			if (cp >= 0xd800 && cp <= 0xdbff) {
				uint32_t lo;

				assert_true(e[i] == '\\' && e[i + 1] == 'u');
				lo = (uint32_t)strtoul((char[5]){ e[i + 2], e[i + 3], e[i + 4],
								  e[i + 5], 0 }, NULL, 16);
				assert_true(lo >= 0xdc00 && lo <= 0xdfff);
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				i += 6;
			}
			put_utf8(&o, cp);
			break;
		default:
			fail_msg("bad JSON escape \\%c", e[i + 1]);
		}
	}
	return (size_t)(o - out);
}

/* The inverse of the byte-escaped form, from escape.h: "\\" is '\', "\xHH" is the byte. */
static size_t byte_unescape(const unsigned char *v, size_t n, unsigned char *out)
{
	unsigned char *o = out;
	size_t i = 0;

	while (i < n) {
		if (v[i] != '\\') {
			*o++ = v[i++];
		} else if (i + 1 < n && v[i + 1] == '\\') {
			*o++ = '\\';
			i += 2;
		} else {
			assert_true(i + 3 < n && v[i + 1] == 'x');
			*o++ = (unsigned char)(hexval((char)v[i + 2]) * 16 + hexval((char)v[i + 3]));
			i += 4;
		}
	}
	return (size_t)(o - out);
}

/* JSON text -> decode -> (byte-unescape when flagged) gives back exactly the input. */
static void assert_json_roundtrip(const unsigned char *in, size_t n, bool force)
{
	struct tw_buf b = { 0 };
	unsigned char *dec = malloc(4 * n + 8), *back = malloc(n + 1);
	bool bytes = force;
	size_t dn;

	assert_non_null(dec);
	assert_non_null(back);
	assert_int_equal(tw_escape_json(&b, (const char *)in, n, &bytes), 0);
	assert_printable_utf8(b.data, b.len);
	dn = json_decode(b.data, b.len, dec);
	if (bytes) {
		assert_int_equal(byte_unescape(dec, dn, back), n);
		assert_memory_equal(back, in, n);
	} else {
		/* Not flagged: the decoded string is the bytes themselves. */
		assert_int_equal(dn, n);
		assert_memory_equal(dec, in, n);
	}
	free(dec);
	free(back);
	tw_buf_release(&b);
}

/* glibc's strict decoder accepts all of @s (n bytes) as UTF-8. */
static bool is_utf8(const unsigned char *s, size_t n)
{
	iconv_t cd = iconv_open("UTF-32LE", "UTF-8");
	char *buf = malloc(4 * n + 4), *in = (char *)s, *out = buf;
	size_t inleft = n, outleft = 4 * n + 4;
	bool ok;

	assert_true(cd != (iconv_t)-1);
	ok = iconv(cd, &in, &inleft, &out, &outleft) != (size_t)-1 && !inleft;
	iconv_close(cd);
	free(buf);
	return ok;
}

static void test_json_valid_utf8(void **state)
{
	JSON("/usr/bin/true", "\"/usr/bin/true\"");
	JSON("", "\"\"");
	JSON("a\"b\\c", "\"a\\\"b\\\\c\"");
	JSON("\n\t\r", "\"\\n\\t\\r\"");
	JSON("\x1b[31m", "\"\\u001b[31m\"");
	JSON("\x01\x08\x0c\x1f\x7f", "\"\\u0001\\u0008\\u000c\\u001f\\u007f\"");
	json_is("a\0b", 3, "\"a\\u0000b\"", false);
	JSON("caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80", "\"caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80\"");
	/* Invisible controls as JSON escapes, not the table's \u{...}. */
	JSON("evil\xe2\x80\xaetxt.exe", "\"evil\\u202etxt.exe\"");
	JSON("\xc2\x9b" "2J", "\"\\u009b2J\"");
	JSON("\xd8\x9c\xe2\x80\x8e\xe2\x80\xa8\xe2\x81\xa9", "\"\\u061c\\u200e\\u2028\\u2069\"");
	JSON("\xe2\x80\x8d", "\"\xe2\x80\x8d\"");	/* ZWJ: not in the list */
	/* A literal "\x41" in a valid name is just text: not flagged, the JSON keeps it. */
	JSON("C:\\x41", "\"C:\\\\x41\"");
	/* Long enough for the 8-byte fast path, with specials at word edges. */
	JSON("/usr/lib/x86_64-linux-gnu/\"q\"/cc1plus --version",
	     "\"/usr/lib/x86_64-linux-gnu/\\\"q\\\"/cc1plus --version\"");
	tw_fault_inject_after(-1);
}

static void test_json_invalid_utf8(void **state)
{
	JSON_BYTES("\xff", "\"\\\\xff\"");
	JSON_BYTES("/tmp/d\xff/x", "\"/tmp/d\\\\xff/x\"");
	/* In the byte-escaped form a backslash is doubled in the value, so \\\\ in the JSON. */
	JSON_BYTES("a\\b\xfe", "\"a\\\\\\\\b\\\\xfe\"");
	/* A literal "\x41" next to an invalid byte: its backslash is doubled, so it stays text. */
	JSON_BYTES("\\x41\x80", "\"\\\\\\\\x41\\\\x80\"");
	/* Valid parts keep the JSON rule: controls, bidi and UTF-8 as in a valid string. */
	JSON_BYTES("\x1b\xe2\x80\xae\xc3\xa9\xc3", "\"\\u001b\\u202e\xc3\xa9\\\\xc3\"");
	JSON_BYTES("\xed\xa0\x80", "\"\\\\xed\\\\xa0\\\\x80\"");	/* a surrogate in UTF-8 */
	JSON_BYTES("\xc0\xaf", "\"\\\\xc0\\\\xaf\"");			/* overlong '/' */
	JSON_BYTES("\xe2\x82z", "\"\\\\xe2\\\\x82z\"");			/* cut short */
	/* Forced: valid bytes in the byte-escaped form (all arguments of one argv). */
	{
		struct tw_buf b = { 0 };
		bool bytes = true;

		assert_int_equal(tw_escape_json(&b, "a\\b\n", 4, &bytes), 0);
		assert_string_equal(b.data, "\"a\\\\\\\\b\\n\"");
		assert_true(bytes);
		tw_buf_release(&b);
	}
	tw_fault_inject_after(-1);
}

/* Every byte value, alone and in context, and random strings: JSON round trip is exact. */
static void test_json_roundtrip(void **state)
{
	unsigned char in[256], rnd[300];
	uint32_t x = 2463534242u;
	size_t i;
	int round;

	for (i = 0; i < 256; i++) {
		unsigned char one[3] = { 'a', (unsigned char)i, 'z' };

		in[i] = (unsigned char)i;
		assert_json_roundtrip(one, 3, false);
		assert_json_roundtrip(one, 3, true);
	}
	assert_json_roundtrip(in, sizeof(in), false);
	assert_json_roundtrip(in, 128, false);	/* ASCII only, NUL included: valid */
	for (round = 0; round < 3000; round++) {
		size_t n = round % 300;
		struct tw_buf b = { 0 };
		bool bytes = false;

		for (i = 0; i < n; i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			rnd[i] = (x & 3) ? (unsigned char)(x % 0x80) : (unsigned char)(x >> 8);
			if (!(x & 0x70))
				rnd[i] = "\xe2\x80\xae\xc2\x9b\xf0\x9f\x98\x80\\\""[x % 11];
		}
		assert_json_roundtrip(rnd, n, false);
		/* Flagged exactly when the bytes are not UTF-8, by glibc's own judgement. */
		assert_int_equal(tw_escape_json(&b, (const char *)rnd, n, &bytes), 0);
		assert_int_equal(bytes, !is_utf8(rnd, n));
		tw_buf_release(&b);
	}
	tw_fault_inject_after(-1);
}

static void test_json_alloc_failure(void **state)
{
	static const char name[] = "a long name with \x1b escapes \xe2\x80\xae and \xff after it, "
				   "long enough to grow the buffer twice over at least";
	int ret = -1;
	long n;

	for (n = 0; n < 100 && ret; n++) {
		struct tw_buf b = { 0 };
		bool bytes = false;

		assert_int_equal(tw_buf_puts(&b, "keep"), 0);
		tw_fault_inject_after(n);
		ret = tw_escape_json(&b, name, sizeof(name) - 1, &bytes);
		if (ret) {
			assert_int_equal(ret, -ENOMEM);
			assert_string_equal(b.data, "keep");
			assert_int_equal(b.len, 4);
			assert_false(bytes);
		} else {
			assert_true(bytes);
		}
		tw_fault_inject_after(-1);
		tw_buf_release(&b);
	}
	assert_int_equal(ret, 0);
	assert_true(n > 1);
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
		cmocka_unit_test(test_json_valid_utf8),
		cmocka_unit_test(test_json_invalid_utf8),
		cmocka_unit_test(test_json_roundtrip),
		cmocka_unit_test(test_json_alloc_failure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
