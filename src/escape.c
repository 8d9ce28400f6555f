// SPDX-License-Identifier: GPL-2.0
/* escape.c - the one reversible escaping rule shared by every sink (see escape.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "escape.h"

static const char hex[] = "0123456789abcdef";

/* Length of the valid UTF-8 sequence at @s (at most @n bytes) and its code point; 0 if invalid. */
static int utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c = s[0];
	int len, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xc2 && c <= 0xdf) {
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
	if ((size_t)len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	/* overlong, surrogates, beyond U+10FFFF */
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

static bool invisible_control(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x200e || cp == 0x200f || cp == 0x2028 ||
	       cp == 0x2029 || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

static bool plain_ascii(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '\\';
}

int tw_escape(struct tw_buf *out, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < len) {
		size_t run = i;
		uint32_t cp;
		int n;

		/* Fast path: copy a run of printable ASCII in one append. */
		while (run < len && plain_ascii(s[run]))
			run++;
		if (run > i) {
			if (tw_buf_append(out, s + i, run - i))
				return -ENOMEM;
			i = run;
			continue;
		}
		n = utf8_seq(s + i, len - i, &cp);
		if (n == 1) {
			char esc[4] = { '\\', 0, 0, 0 };
			int elen = 2;

			switch (cp) {
			case '\\':
				esc[1] = '\\';
				break;
			case '\n':
				esc[1] = 'n';
				break;
			case '\t':
				esc[1] = 't';
				break;
			case '\r':
				esc[1] = 'r';
				break;
			default:
				esc[1] = 'x';
				esc[2] = hex[cp >> 4];
				esc[3] = hex[cp & 15];
				elen = 4;
			}
			if (tw_buf_append(out, esc, elen))
				return -ENOMEM;
		} else if (n == 0) {
			char esc[4] = { '\\', 'x', hex[s[i] >> 4], hex[s[i] & 15] };

			if (tw_buf_append(out, esc, 4))
				return -ENOMEM;
			n = 1;
		} else if (invisible_control(cp)) {
			if (tw_buf_printf(out, "\\u{%04X}", (unsigned int)cp))
				return -ENOMEM;
		} else if (tw_buf_append(out, s + i, n)) {
			return -ENOMEM;
		}
		i += n;
	}
	/* Make sure an empty result is still a valid (empty) string. */
	return tw_buf_append(out, "", 0);
}

static bool shell_safe(const char *s, size_t n)
{
	size_t i;

	if (!n)
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '@' || c == '%' || c == '+' || c == '=' || c == ':' ||
		      c == ',' || c == '.' || c == '/' || c == '-'))
			return false;
	}
	return true;
}

int tw_escape_argv(struct tw_buf *out, const char *argv, size_t len)
{
	struct tw_buf arg = { 0 };
	size_t i = 0;
	bool first = true;
	int ret = 0;

	while (i < len) {
		const char *a = argv + i;
		size_t n = strnlen(a, len - i);
		size_t k;

		tw_buf_reset(&arg);
		ret = tw_escape(&arg, a, n);
		if (ret)
			break;
		if (!first && tw_buf_putc(out, ' ')) {
			ret = -ENOMEM;
			break;
		}
		first = false;
		if (shell_safe(arg.data, arg.len)) {
			ret = tw_buf_append(out, arg.data, arg.len);
		} else {
			ret = tw_buf_putc(out, '\'');
			for (k = 0; !ret && k < arg.len; k++)
				ret = arg.data[k] == '\'' ? tw_buf_puts(out, "'\\''") :
							    tw_buf_putc(out, arg.data[k]);
			if (!ret)
				ret = tw_buf_putc(out, '\'');
		}
		if (ret)
			break;
		i += n + 1;	/* the NUL; a trailing one ends the vector */
	}
	tw_buf_release(&arg);
	if (!ret)
		ret = tw_buf_append(out, "", 0);
	return ret ? -ENOMEM : 0;
}
