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
 * the input is ASCII): no byte below 0x20, no 0x7f, no invalid sequence. The terminal table
 * and CSV use this rule.
 *
 * JSON rule (tw_escape_json()), written here with literal characters: a JSON string whose
 * decoded value is the exact bytes whenever they are valid UTF-8, so that json.loads() and
 * jq -r give the name back as it is:
 *   "  -> \"     \  -> \\     newline -> \n     tab -> \t     CR -> \r
 *   other C0 controls, DEL, and the invisible controls listed above (C1, bidi, line and
 *   paragraph separators) -> \uxxxx, four lower-case hex digits (ESC is \u001b, U+202E is
 *   \u202e);
 *   every other valid UTF-8 sequence -> its own bytes.
 * So the JSON text is printable UTF-8 too, safe to show on a terminal.
 * Bytes that are NOT valid UTF-8 (some byte is part of no valid sequence, as defined above)
 * fit in no JSON string, so the value is then their "byte-escaped" text:
 *   \ -> the two characters \\     each byte of no valid sequence -> the four characters
 *   \xHH (lower-case hex)     everything else unchanged,
 * written as a JSON string by the rule above; the caller is told, so the record lists the
 * keys whose values are in this form (JSON key "escaped"). Inverse of the byte-escaped form,
 * in Python, on the decoded value v (a str):
 *   re.sub(rb"\\(\\|x[0-9a-f]{2})",
 *          lambda m: b"\\" if m[1] == b"\\" else bytes.fromhex(m[1][1:].decode()),
 *          v.encode())
 */
#ifndef TW_ESCAPE_H
#define TW_ESCAPE_H

#include <stdbool.h>
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

/*
 * Append @len bytes at @s as one JSON string, quotes included, by the JSON rule above.
 * *@bytes_escaped: on entry, true forces the byte-escaped form even for valid UTF-8 (so that
 * all strings of one key, such as the arguments of argv, are in one form); on return, whether
 * the byte-escaped form was used. Returns 0, or -ENOMEM with @out and *@bytes_escaped
 * unchanged.
 */
int tw_escape_json(struct tw_buf *out, const char *s, size_t len, bool *bytes_escaped);

#endif
