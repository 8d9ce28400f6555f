/* SPDX-License-Identifier: GPL-2.0 */
/*
 * escape.h - the one escaping rule every sink uses, so that no byte is dropped and no name
 * can split a CSV row, forge a JSON line or send control sequences to a terminal.
 *
 * Rule (reversible): valid, printable UTF-8 passes unchanged, except:
 *   '\\' -> "\\\\"; '\n' -> "\\n"; '\t' -> "\\t"; '\r' -> "\\r";
 *   other C0 controls and DEL (0x7f) -> "\\xHH";
 *   every byte that is not part of a valid UTF-8 sequence (stray continuation, overlong,
 *   surrogate, > U+10FFFF, truncated) -> "\\xHH" for that byte;
 *   C1 controls U+0080..U+009F, and the invisible direction / line controls U+061C (ALM),
 *   U+200E, U+200F, U+2028, U+2029, U+202A..U+202E, U+2066..U+2069 -> "\\u{XXXX}" (hex,
 *   upper case).
 * HH is two lower-case hex digits. The output is printable UTF-8 (printable ASCII alone when
 * the input is ASCII): no byte below 0x20, no 0x7f, no invalid sequence.
 */
#ifndef TW_ESCAPE_H
#define TW_ESCAPE_H

#include <stddef.h>

#include "util.h"

/*
 * Append the escaped form of @len bytes at @s (any bytes, NUL included) to @out.
 * Returns 0, or -ENOMEM with @out unchanged.
 */
int tw_escape(struct tw_buf *out, const char *s, size_t len);

/*
 * Append a NUL-separated argument vector (as /proc/<pid>/cmdline) as one line of text:
 * each argument escaped with tw_escape(), then, if the escaped argument is empty or holds a
 * byte outside [A-Za-z0-9_@%+=:,./-], wrapped in single quotes with ' written as '\''
 * (POSIX shell quoting); arguments joined by one space. A trailing NUL does not make an
 * extra empty argument. Returns 0, or -ENOMEM with @out unchanged.
 */
int tw_escape_argv(struct tw_buf *out, const char *argv, size_t len);

#endif
