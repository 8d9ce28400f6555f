// SPDX-License-Identifier: GPL-2.0
/* sink-json.c - one JSON object per line whose strings decode to the exact names (escape.h). */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "escape.h"
#include "sink-impl.h"

/*
 * The record's values are written straight into the line: keys are fixed ASCII names,
 * numbers their exact decimal text (a JSON library's doubles would round ts_ns and 64-bit
 * cgroup ids beyond 2^53), strings by the JSON rule of escape.h.
 */

/* argv as an array of strings; all in the byte-escaped form when one argument needs it. */
static int put_argv(struct tw_buf *l, const struct tw_record *rec, bool *bytes)
{
	size_t start = l->len;

	for (;;) {
		bool forced = *bytes;
		size_t i = 0;

		if (tw_buf_putc(l, '['))
			return -ENOMEM;
		while (i < rec->argv_len) {
			size_t n = strnlen(rec->argv + i, rec->argv_len - i);

			if ((i && tw_buf_putc(l, ',')) || tw_escape_json(l, rec->argv + i, n, bytes))
				return -ENOMEM;
			i += n + 1;
		}
		if (*bytes == forced)
			break;
		/* An argument was not UTF-8: write them all again in its form. */
		l->len = start;
	}
	return tw_buf_putc(l, ']') ? -ENOMEM : 0;
}

/* The value of column @c; *@bytes says whether it is in the byte-escaped form. */
static int put_value(struct tw_sink *s, const struct tw_record *rec, enum tw_column c,
		     bool *bytes)
{
	struct tw_buf *l = &s->line;
	char text[TW_SINK_TS_SIZE];
	const char *str;
	size_t n;

	switch (tw_columns[c].kind) {
	case TW_KIND_TIMESTAMP:
		n = tw_sink_timestamp(s, rec->ts_ns, text);
		return tw_buf_putc(l, '"') ?: tw_buf_append(l, text, n) ?: tw_buf_putc(l, '"');
	case TW_KIND_NUMBER:
		n = tw_sink_column_number(rec, c, text);
		return n ? tw_buf_append(l, text, n) : tw_buf_puts(l, "null");
	case TW_KIND_ARGV:
		return rec->argv ? put_argv(l, rec, bytes) : tw_buf_puts(l, "null");
	case TW_KIND_STRING:
		str = tw_sink_column_string(rec, c);
		return str ? tw_escape_json(l, str, strlen(str), bytes) : tw_buf_puts(l, "null");
	}
	return -EINVAL;
}

static int json_format(struct tw_sink *s, const struct tw_record *rec)
{
	struct tw_buf *l = &s->line;
	enum tw_column escaped[TW_COL_NR];
	size_t nescaped = 0, i;
	int c;

	if (tw_buf_putc(l, '{'))
		return -ENOMEM;
	for (c = 0; c < TW_COL_NR; c++) {
		bool bytes = false;

		/* lost and cpu describe lost records only: absent elsewhere, not null. */
		if ((tw_columns[c].lost_only && rec->type != TW_REC_LOST) ||
		    (tw_columns[c].exit_only && rec->type != TW_REC_EXIT))
			continue;
		if ((c && tw_buf_putc(l, ',')) || tw_buf_putc(l, '"') ||
		    tw_buf_puts(l, tw_columns[c].name) || tw_buf_puts(l, "\":") ||
		    put_value(s, rec, c, &bytes))
			return -ENOMEM;
		if (bytes)
			escaped[nescaped++] = c;
	}
	/* The keys whose values are byte-escaped text (escape.h); absent when there are none. */
	if (nescaped && tw_buf_puts(l, ",\"escaped\":["))
		return -ENOMEM;
	for (i = 0; i < nescaped; i++)
		if ((i && tw_buf_putc(l, ',')) || tw_buf_putc(l, '"') ||
		    tw_buf_puts(l, tw_columns[escaped[i]].name) || tw_buf_putc(l, '"'))
			return -ENOMEM;
	if (nescaped && tw_buf_putc(l, ']'))
		return -ENOMEM;
	return tw_buf_puts(l, "}\n") ? -ENOMEM : 0;
}

const struct tw_sink_ops tw_sink_json_ops = {
	.format = json_format,
};
