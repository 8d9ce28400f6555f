// SPDX-License-Identifier: GPL-2.0
/* escape.c - the one reversible escaping rule shared by every sink (see escape.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "escape.h"

static const char hex_lower[] = "0123456789abcdef";
static const char hex_upper[] = "0123456789ABCDEF";

/*
 * Bytes that stand for themselves: printable ASCII but the backslash, which is the escape
 * character and so must itself be escaped for the rule to be reversible.
 */
static const bool plain[256] = {
	[0x20 ... 0x5b] = true,
	[0x5d ... 0x7e] = true,	/* 0x5c is the backslash */
};

/*
 * Whether all 8 bytes of @w are plain, tested all at once (the "has less / has more / has
 * zero byte" tricks from Bit Twiddling Hacks; each is exact about whether some byte
 * matches, which is all this needs). Most names are plain ASCII: the scan then costs about
 * one instruction per byte instead of a table lookup and a branch for each.
 */
static inline bool word_plain(uint64_t w)
{
	uint64_t low = (w - TW_WORD_ONES * 0x20) & ~w;		/* some byte < 0x20 */
	uint64_t high = (w + TW_WORD_ONES * (0x7f - 0x7e)) | w;	/* some byte > 0x7e */

	return !((low | high) & TW_WORD_HIGHS) && !tw_word_has_byte(w, '\\');
}

/*
 * Length of the valid UTF-8 sequence of two or more bytes at @s (at most @n bytes) and its
 * code point in @cp; 0 when the bytes are not one (ASCII, stray continuation, overlong form,
 * surrogate, beyond U+10FFFF, cut short). Follows RFC 3629 / Unicode table 3-7 exactly, so
 * what passes is what any strict decoder (Python, JSON parsers, terminals) accepts.
 */
static size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c = s[0];
	size_t len, i;

	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		c &= 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		c &= 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		c &= 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/*
 * Code points that are valid but invisible and change how the rest of the line is shown:
 * C1 controls (terminals act on U+009B CSI like ESC [), the bidi marks and embeddings /
 * overrides / isolates ("Trojan Source", CVE-2021-42574: "evil\u{202E}txt.exe" displays as
 * "evilexe.txt"), and the Unicode line / paragraph separators.
 */
static bool invisible_control(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x061c || cp == 0x200e || cp == 0x200f ||
	       (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/* The escape of the single byte @c, which is not plain (see plain[]). Returns its length. */
static size_t escape_byte(unsigned char c, char esc[4])
{
	esc[0] = '\\';
	switch (c) {
	case '\\':
		esc[1] = '\\';
		return 2;
	case '\n':
		esc[1] = 'n';
		return 2;
	case '\t':
		esc[1] = 't';
		return 2;
	case '\r':
		esc[1] = 'r';
		return 2;
	default:
		esc[1] = 'x';
		esc[2] = hex_lower[c >> 4];
		esc[3] = hex_lower[c & 15];
		return 4;
	}
}

/* Even an empty result must be a valid (empty) string, not a NULL pointer. Returns -ENOMEM or 0. */
static int empty_string(struct tw_buf *b)
{
	return b->data ? 0 : tw_buf_append(b, "", 0);
}

/* Put @b back to its first @len bytes after a failed append, so a failure changes nothing. */
static void truncate_buf(struct tw_buf *b, size_t len)
{
	b->len = len;
	if (b->data)
		b->data[len] = '\0';
}

/**
 * tw_escape() - append the escaped form of a byte string
 * @out: buffer to append to
 * @str: the bytes (any value, NUL included; not NUL-terminated)
 * @len: number of bytes at @str
 *
 * Applies the rule of escape.h. Runs of bytes that pass unchanged (printable ASCII and valid
 * printable UTF-8) are copied with one append, so plain names cost one scan and one memcpy.
 * @out is NUL-terminated and non-NULL afterwards, even for @len 0.
 *
 * Return: 0, or -ENOMEM with @out unchanged.
 */
int tw_escape(struct tw_buf *out, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t start = out->len;
	size_t i = 0;

	if (empty_string(out))
		return -ENOMEM;
	while (i < len) {
		size_t run = i, n = 0;
		uint32_t cp = 0;
		char esc[16];
		size_t elen;

		for (;;) {
			uint64_t w;

			while (len - run >= 8) {
				memcpy(&w, s + run, 8);	/* unaligned load, one instruction */
				if (!word_plain(w))
					break;
				run += 8;
			}
			/* The last < 8 bytes: test the word that ends with them (it may overlap). */
			if (run < len && len >= 8 && len - run < 8) {
				memcpy(&w, s + len - 8, 8);
				if (word_plain(w))
					run = len;
			}
			while (run < len && plain[s[run]])
				run++;
			if (run == len || s[run] < 0x80)
				break;
			n = utf8_seq(s + run, len - run, &cp);
			if (!n || invisible_control(cp))
				break;
			run += n;
			n = 0;
		}
		if (run > i && tw_buf_append(out, s + i, run - i))
			goto out_nomem;
		i = run;
		if (i == len)
			break;
		if (n) {
			/* A valid sequence for an invisible control: "\u{XXXX}". */
			memcpy(esc, "\\u{", 3);
			esc[3] = hex_upper[(cp >> 12) & 15];
			esc[4] = hex_upper[(cp >> 8) & 15];
			esc[5] = hex_upper[(cp >> 4) & 15];
			esc[6] = hex_upper[cp & 15];
			esc[7] = '}';
			elen = 8;
			i += n;
		} else {
			/* A control byte, the backslash, or a byte of no valid sequence. */
			elen = escape_byte(s[i], esc);
			i++;
		}
		if (tw_buf_append(out, esc, elen))
			goto out_nomem;
	}
	return 0;

out_nomem:
	truncate_buf(out, start);
	return -ENOMEM;
}

/* Bytes the shell reads as themselves: [A-Za-z0-9_@%+=:,./-]. All are plain bytes too. */
static const bool shell_safe_byte[256] = {
	['a' ... 'z'] = true, ['A' ... 'Z'] = true, ['0' ... '9'] = true,
	['_'] = true,	      ['@'] = true,	    ['%'] = true,
	['+'] = true,	      ['='] = true,	    [':'] = true,
	[','] = true,	      ['.'] = true,	    ['/'] = true,
	['-'] = true,
};

/* True when the shell reads the (escaped) argument @s as itself without quotes. */
static bool shell_safe(const char *s, size_t n)
{
	size_t i;

	if (!n)
		return false;
	for (i = 0; i < n; i++)
		if (!shell_safe_byte[(unsigned char)s[i]])
			return false;
	return true;
}

/*
 * True when @argv is non-empty words of shell-safe bytes separated (and perhaps ended) by
 * single NULs, as most command lines are: then escaping and quoting change nothing and the
 * output is the vector itself with spaces for NULs.
 */
static bool argv_all_safe(const unsigned char *a, size_t len)
{
	size_t i;

	if (!len || !shell_safe_byte[a[0]])
		return false;
	for (i = 1; i < len; i++)
		if (!shell_safe_byte[a[i]] && (a[i] || !a[i - 1]))
			return false;
	return true;
}

/**
 * tw_escape_argv() - append an argument vector as one line of shell-like text
 * @out: buffer to append to
 * @argv: NUL-separated arguments, as in /proc/<pid>/cmdline
 * @len: number of bytes at @argv; a trailing NUL ends the last argument, it does not start
 *       an empty one
 *
 * Each argument is escaped with tw_escape(), then single-quoted when it is empty or holds a
 * byte outside [A-Za-z0-9_@%+=:,./-]; arguments are joined by one space. Spaces inside an
 * argument therefore always come with quotes, so the word boundaries stay visible.
 *
 * Return: 0, or -ENOMEM with @out unchanged.
 */
int tw_escape_argv(struct tw_buf *out, const char *argv, size_t len)
{
	size_t start = out->len;
	size_t i = 0;

	if (empty_string(out))
		return -ENOMEM;
	if (argv_all_safe((const unsigned char *)argv, len)) {
		size_t n = len - !argv[len - 1];

		if (tw_buf_append(out, argv, n))
			goto out_nomem;
		for (i = start; i < out->len; i++)
			if (!out->data[i])
				out->data[i] = ' ';
		return 0;
	}
	while (i < len) {
		size_t n = strnlen(argv + i, len - i);
		size_t arg_start;

		if (i && tw_buf_putc(out, ' '))
			goto out_nomem;
		arg_start = out->len;
		if (tw_escape(out, argv + i, n))
			goto out_nomem;
		if (!shell_safe(out->data + arg_start, out->len - arg_start) &&
		    tw_buf_quote_tail(out, arg_start, '\'', "'\\''"))
			goto out_nomem;
		i += n + 1;
	}
	return 0;

out_nomem:
	truncate_buf(out, start);
	return -ENOMEM;
}

/*
 * Bytes that stand for themselves in a JSON string: printable ASCII but the quote and the
 * backslash.
 */
static const bool json_plain[256] = {
	[0x20 ... 0x21] = true,	/* 0x22 is the quote */
	[0x23 ... 0x5b] = true,	/* 0x5c is the backslash */
	[0x5d ... 0x7e] = true,
};

/* Whether all 8 bytes of @w stand for themselves in a JSON string. */
static inline bool word_json_plain(uint64_t w)
{
	return word_plain(w) && !tw_word_has_byte(w, '"');
}

/* Append "\uxxxx" for the code point @cp (< 0x10000). */
static int json_u(struct tw_buf *out, uint32_t cp)
{
	char esc[6] = { '\\', 'u', hex_lower[(cp >> 12) & 15], hex_lower[(cp >> 8) & 15],
			hex_lower[(cp >> 4) & 15], hex_lower[cp & 15] };

	return tw_buf_append(out, esc, sizeof(esc));
}

/*
 * The JSON string of @len bytes at @s, quotes included (see escape.h). In the byte-escaped
 * form (@bytes) a backslash is the value's "\\" (JSON text \\\\) and a byte of no valid
 * sequence the value's "\xHH" (JSON text \\xHH). Without @bytes, such a byte is -EILSEQ:
 * the caller starts again in the byte-escaped form. Returns 0, -EILSEQ or -ENOMEM; on
 * error, @out may hold part of the string (the caller truncates it).
 */
static int json_string(struct tw_buf *out, const unsigned char *s, size_t len, bool bytes)
{
	size_t i = 0;

	if (tw_buf_putc(out, '"'))
		return -ENOMEM;
	while (i < len) {
		size_t run = i, n = 0;
		uint32_t cp = 0;
		unsigned char c;
		int ret;

		/* The longest run that passes unchanged: plain ASCII and valid visible UTF-8. */
		for (;;) {
			uint64_t w;

			while (len - run >= 8) {
				memcpy(&w, s + run, 8);
				if (!word_json_plain(w))
					break;
				run += 8;
			}
			while (run < len && json_plain[s[run]])
				run++;
			if (run == len || s[run] < 0x80)
				break;
			n = utf8_seq(s + run, len - run, &cp);
			if (!n || invisible_control(cp))
				break;
			run += n;
			n = 0;
		}
		if (run > i && tw_buf_append(out, s + i, run - i))
			return -ENOMEM;
		i = run;
		if (i == len)
			break;
		c = s[i];
		if (n) {
			ret = json_u(out, cp);	/* an invisible control (all are < 0x10000) */
			i += n;
		} else if (c >= 0x80) {
			char esc[6] = { '\\', '\\', 'x', hex_lower[c >> 4], hex_lower[c & 15] };

			if (!bytes)
				return -EILSEQ;
			ret = tw_buf_append(out, esc, 5);
			i++;
		} else {
			switch (c) {
			case '"':
				ret = tw_buf_append(out, "\\\"", 2);
				break;
			case '\\':
				ret = bytes ? tw_buf_append(out, "\\\\\\\\", 4) :
					      tw_buf_append(out, "\\\\", 2);
				break;
			case '\n':
				ret = tw_buf_append(out, "\\n", 2);
				break;
			case '\t':
				ret = tw_buf_append(out, "\\t", 2);
				break;
			case '\r':
				ret = tw_buf_append(out, "\\r", 2);
				break;
			default:
				ret = json_u(out, c);	/* other C0 controls and DEL */
				break;
			}
			i++;
		}
		if (ret)
			return -ENOMEM;
	}
	return tw_buf_putc(out, '"') ? -ENOMEM : 0;
}

/**
 * tw_escape_json() - append a byte string as one JSON string
 * @out: buffer to append to
 * @str: the bytes (any value, NUL included; not NUL-terminated)
 * @len: number of bytes at @str
 * @bytes_escaped: in: true forces the byte-escaped form; out: whether it was used
 *
 * Applies the JSON rule of escape.h, quotes included. Valid UTF-8 (nearly every name) is
 * written in one pass; a byte of no valid sequence restarts the string in the byte-escaped
 * form, since the value can then only be text that stands for the bytes.
 *
 * Return: 0, or -ENOMEM with @out and *@bytes_escaped unchanged.
 */
int tw_escape_json(struct tw_buf *out, const char *str, size_t len, bool *bytes_escaped)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t start = out->len;
	bool bytes = *bytes_escaped;
	int ret;

	ret = json_string(out, s, len, bytes);
	if (ret == -EILSEQ) {
		truncate_buf(out, start);
		bytes = true;
		ret = json_string(out, s, len, bytes);
	}
	if (ret) {
		truncate_buf(out, start);
		return -ENOMEM;
	}
	*bytes_escaped = bytes;
	return 0;
}
