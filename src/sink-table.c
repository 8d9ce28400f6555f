// SPDX-License-Identifier: GPL-2.0
/* sink-table.c - a table for people at a terminal; every string escaped, no control byte gets out. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "escape.h"
#include "sink-impl.h"

/* Column widths, execsnoop-like: fixed minimums, a wider value pushes the line right. */
#define W_TIME 12	/* HH:MM:SS.mmm */
#define W_EVENT 6
#define W_PID 7
#define W_UID 5
#define W_COMM 16	/* TASK_COMM_LEN - 1, plus one */

/* Characters (not bytes) of the UTF-8 text @s, @n bytes: what a terminal mostly shows. */
static size_t text_width(const char *s, size_t n)
{
	size_t w = 0, i;

	for (i = 0; i < n; i++)
		w += ((unsigned char)s[i] & 0xc0) != 0x80;
	return w;
}

static int pad(struct tw_buf *l, size_t have, size_t width)
{
	for (; have < width; have++)
		if (tw_buf_putc(l, ' '))
			return -ENOMEM;
	return 0;
}

/* @n bytes of (already safe) text, then spaces up to @width characters, then one space. */
static int put_left(struct tw_buf *l, const char *s, size_t n, size_t width)
{
	if (tw_buf_append(l, s, n) || pad(l, text_width(s, n), width) || tw_buf_putc(l, ' '))
		return -ENOMEM;
	return 0;
}

/* Spaces up to @width characters, @n bytes of (already safe) text, then one space. */
static int put_right(struct tw_buf *l, const char *s, size_t n, size_t width)
{
	if (pad(l, text_width(s, n), width) || tw_buf_append(l, s, n) || tw_buf_putc(l, ' '))
		return -ENOMEM;
	return 0;
}

/* A number column, "?" when unknown. */
static int put_number(struct tw_buf *l, const struct tw_record *rec, enum tw_column c,
		      size_t width)
{
	char num[TW_SINK_NUM_SIZE];
	size_t n = tw_sink_column_number(rec, c, num);

	return n ? put_right(l, num, n, width) : put_right(l, "?", 1, width);
}

/* The escaped form of @str: the one way any string of a record reaches the terminal. */
static int put_escaped(struct tw_buf *l, const char *str)
{
	return tw_escape(l, str, strlen(str));
}

static int table_header(struct tw_sink *s)
{
	struct tw_buf *l = &s->line;

	if (put_left(l, "TIME(UTC)", 9, W_TIME) || put_left(l, "EVENT", 5, W_EVENT) ||
	    put_right(l, "PID", 3, W_PID) || put_right(l, "PPID", 4, W_PID) ||
	    put_right(l, "UID", 3, W_UID) || put_left(l, "COMM", 4, W_COMM) ||
	    tw_buf_puts(l, "PATH  ARGS\n"))
		return -ENOMEM;
	return 0;
}

/* "LOST   123 events on cpu 1": the loss is a line of its own, never a silent gap. */
static int format_lost(struct tw_buf *l, const struct tw_record *rec)
{
	char num[TW_SINK_NUM_SIZE];
	size_t n;

	if (put_left(l, "LOST", 4, W_EVENT))
		return -ENOMEM;
	n = tw_sink_column_number(rec, TW_COL_LOST, num);
	if (n ? tw_buf_append(l, num, n) : tw_buf_puts(l, "an unknown number of"))
		return -ENOMEM;
	n = tw_sink_column_number(rec, TW_COL_CPU, num);
	if (tw_buf_puts(l, " events on "))
		return -ENOMEM;
	if (n ? (tw_buf_puts(l, "cpu ") || tw_buf_append(l, num, n)) :
		tw_buf_puts(l, "an unknown cpu"))
		return -ENOMEM;
	return 0;
}

/* PATH: the absolute path; unresolved, "?" and the name as passed, so it can't pass for one. */
static int put_path(struct tw_buf *l, const struct tw_record *rec)
{
	if (rec->path)
		return put_escaped(l, rec->path);
	if (rec->filename)
		return tw_buf_putc(l, '?') ?: put_escaped(l, rec->filename);
	if (rec->cwd)
		return put_escaped(l, rec->cwd);	/* chdir records: the new cwd */
	return tw_buf_putc(l, '-');
}

static int table_format(struct tw_sink *s, const struct tw_record *rec)
{
	struct tw_buf *l = &s->line;
	char ts[TW_SINK_TS_SIZE];
	const char *event;
	size_t start;
	int ret;

	/* "2026-11-28T19:30:00.123456789Z" -> "19:30:00.123" */
	tw_sink_timestamp(s, rec->ts_ns, ts);
	if (put_left(l, ts + 11, 12, W_TIME))
		return -ENOMEM;
	if (rec->type == TW_REC_LOST) {
		if (format_lost(l, rec) || tw_buf_putc(l, '\n'))
			return -ENOMEM;
		return 0;
	}

	event = rec->type == TW_REC_EXEC_FAILED ? "FAILED" : tw_record_type_name(rec->type);
	start = l->len;
	if (put_escaped(l, event) || pad(l, text_width(l->data + start, l->len - start), W_EVENT) ||
	    tw_buf_putc(l, ' '))
		return -ENOMEM;
	if (put_number(l, rec, TW_COL_PID, W_PID) || put_number(l, rec, TW_COL_PPID, W_PID) ||
	    put_number(l, rec, TW_COL_UID, W_UID))
		return -ENOMEM;

	/* comm is at most 15 bytes, but escapes make it longer: pad what was written. */
	start = l->len;
	if (put_escaped(l, rec->comm ? rec->comm : "?") ||
	    pad(l, text_width(l->data + start, l->len - start), W_COMM) || tw_buf_putc(l, ' '))
		return -ENOMEM;

	ret = put_path(l, rec);
	if (!ret && rec->error)
		ret = tw_buf_puts(l, " [") ?: put_escaped(l, rec->error) ?: tw_buf_putc(l, ']');
	if (!ret && rec->argv)
		ret = tw_buf_puts(l, "  ") ?: tw_escape_argv(l, rec->argv, rec->argv_len);
	if (!ret)
		ret = tw_buf_putc(l, '\n');
	return ret ? -ENOMEM : 0;
}

const struct tw_sink_ops tw_sink_table_ops = {
	.header = table_header,
	.format = table_format,
};
