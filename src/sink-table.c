// SPDX-License-Identifier: GPL-2.0
/*
 * sink-table.c - a table for people at a terminal: one row per record, sized to the terminal,
 * every string escaped so that no control byte gets out.
 */
#include <errno.h>
#include <locale.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>

#include "escape.h"
#include "sink-impl.h"

enum table_col {
	T_TIME,
	T_EVENT,
	T_PID,
	T_PPID,
	T_UID,
	T_COMM,
	T_PATH,
	T_CWD,
	T_ARGS,
	T_NR,
};

/*
 * The columns, in order. A row is at most as wide as the terminal: when the least widths do
 * not fit, columns are dropped by rank (UID, then PPID, COMM, ARGS, CWD; TIME, EVENT, PID and
 * PATH stay); the room beyond the least widths goes to PATH, CWD and ARGS by weight (2:1:2),
 * what division leaves to the last of them. A value longer than its column is shortened with
 * an ellipsis: paths keep their end ("…/bin/cc1"), other text its start. Numbers are never
 * shortened; one that overflows takes room from the columns after it.
 */
static const struct table_column {
	const char *title;
	unsigned int width;	/* the width of a fixed column, the least width of a flexible one */
	unsigned int weight;	/* flexible columns: share of the room beyond the least widths */
	unsigned int drop;	/* rank in which narrow terminals drop the column (1 first); 0 never */
	bool right;		/* right-aligned and never shortened (numbers) */
	bool keep_end;		/* shortened from the left, keeping the end (paths) */
} tcols[T_NR] = {
	[T_TIME] = { "TIME(UTC)", 12, 0, 0, false, false },	/* HH:MM:SS.mmm */
	[T_EVENT] = { "EVENT", 6, 0, 0, false, false },
	[T_PID] = { "PID", 7, 0, 0, true, false },		/* pid_max is at most 2^22 */
	[T_PPID] = { "PPID", 7, 0, 2, true, false },
	[T_UID] = { "UID", 5, 0, 1, true, false },
	[T_COMM] = { "COMM", 16, 0, 3, false, false },		/* TASK_COMM_LEN - 1, plus one */
	[T_PATH] = { "PATH", 16, 2, 0, false, true },
	[T_CWD] = { "CWD", 12, 1, 5, false, true },
	[T_ARGS] = { "ARGS", 12, 2, 4, false, false },
};

/* The most drop rank in tcols[]. */
#define T_DROP_MAX 5

/* "…", one column wide: marks where a shortened value was cut. */
static const char ellipsis[] = "\xe2\x80\xa6";

struct tw_table {
	unsigned int width[T_NR];	/* 0: column not shown */
	bool unlimited;			/* nothing is shortened (--wide, or not a terminal) */
	locale_t utf8;			/* C.UTF-8, for wcwidth(); 0 when the system has none */
	char day[11];			/* "YYYY-MM-DD" of the last date line; "" before the first */
	struct tw_buf cell;		/* the escaped text of one cell, reused */
};

/*
 * Widths for a terminal @cols columns wide (see tcols[]). Below the least width of the
 * narrowest layout the rows are that wide and the terminal wraps them.
 */
static void layout(struct tw_table *t, unsigned int cols)
{
	unsigned int need = 0, extra, weights = 0, given = 0, rank;
	int c, last = -1;

	for (c = 0; c < T_NR; c++) {
		t->width[c] = tcols[c].width;
		need += tcols[c].width + (c > 0);
	}
	for (rank = 1; rank <= T_DROP_MAX && need > cols; rank++) {
		for (c = 0; c < T_NR; c++) {
			if (tcols[c].drop == rank) {
				need -= t->width[c] + 1;
				t->width[c] = 0;
			}
		}
	}
	extra = cols > need ? cols - need : 0;
	for (c = 0; c < T_NR; c++) {
		if (t->width[c] && tcols[c].weight) {
			weights += tcols[c].weight;
			last = c;
		}
	}
	for (c = 0; c < T_NR && last >= 0; c++) {
		if (t->width[c] && tcols[c].weight) {
			unsigned int add = c == last ? extra - given : extra * tcols[c].weight / weights;

			t->width[c] += add;
			given += add;
		}
	}
}

/* The width to fit rows into (struct tw_sink_opts), 0 for no limit. */
static unsigned int terminal_columns(FILE *out, const struct tw_sink_opts *o)
{
	const char *env = getenv("COLUMNS");
	struct winsize ws;
	char *end;
	long v;
	int fd;

	if (o->wide)
		return 0;
	if (o->columns)
		return o->columns;
	if (env && *env) {
		v = strtol(env, &end, 10);
		if (!*end && v > 0 && v < 100000)
			return (unsigned int)v;
	}
	fd = fileno(out);
	if (fd >= 0 && isatty(fd) && !ioctl(fd, TIOCGWINSZ, &ws) && ws.ws_col)
		return ws.ws_col;
	return 0;
}

static int table_init(struct tw_sink *s, const struct tw_sink_opts *opts)
{
	unsigned int cols = terminal_columns(s->out, opts);
	struct tw_table *t = tw_calloc(1, sizeof(*t));
	int c;

	if (!t)
		return -ENOMEM;
	s->table = t;
	if (cols) {
		layout(t, cols);
	} else {
		t->unlimited = true;
		for (c = 0; c < T_NR; c++)
			t->width[c] = tcols[c].width;
	}
	/* wcwidth() follows LC_CTYPE; the program's own locale may be "C" (everything 1 wide). */
	t->utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	return 0;
}

static void table_release(struct tw_sink *s)
{
	struct tw_table *t = s->table;

	if (!t)
		return;
	if (t->utf8)
		freelocale(t->utf8);
	tw_buf_release(&t->cell);
	free(t);
	s->table = NULL;
}

/*
 * Length in bytes of the unit of escaped text at @s (@n bytes left) that must not be split:
 * an escape ("\\n", "\\xHH", "\\u{XXXX}", the shell's "\\'"), or one UTF-8 character.
 */
static size_t unit_len(const char *s, size_t n)
{
	unsigned char c = (unsigned char)s[0];
	size_t len = 1;

	if (c == '\\')
		len = n > 1 && s[1] == 'x' ? 4 : n > 1 && s[1] == 'u' ? 8 : 2;
	else if (c >= 0xf0)
		len = 4;
	else if (c >= 0xe0)
		len = 3;
	else if (c >= 0xc0)
		len = 2;
	return len < n ? len : n;
}

/*
 * Display width of the unit at @s (@len bytes): escapes are ASCII, one column a byte; a
 * character is what wcwidth() says in C.UTF-8 (2 for CJK and most emoji, 0 for combining
 * marks), 1 when it can't say.
 */
static unsigned int unit_width(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	wchar_t wc;
	int w;

	if (u[0] < 0x80)
		return (unsigned int)len;
	if (len == 2 && u[0] >= 0xc0 && u[0] < 0xe0)
		wc = ((u[0] & 0x1f) << 6) | (u[1] & 0x3f);
	else if (len == 3 && u[0] >= 0xe0 && u[0] < 0xf0)
		wc = ((u[0] & 0x0f) << 12) | ((u[1] & 0x3f) << 6) | (u[2] & 0x3f);
	else if (len == 4 && u[0] >= 0xf0)
		wc = ((u[0] & 0x07) << 18) | ((u[1] & 0x3f) << 12) | ((u[2] & 0x3f) << 6) |
		     (u[3] & 0x3f);
	else
		return 1;	/* not a whole UTF-8 character: escaped text never has one */
	w = wcwidth(wc);
	return w < 0 ? 1 : (unsigned int)w;
}

/* Display width of @n bytes of escaped text. */
static unsigned int text_width(const char *s, size_t n)
{
	unsigned int w = 0;
	size_t i = 0;

	while (i < n) {
		size_t len = unit_len(s + i, n - i);

		w += unit_width(s + i, len);
		i += len;
	}
	return w;
}

static int pad(struct tw_buf *l, unsigned int n)
{
	while (n--)
		if (tw_buf_putc(l, ' '))
			return -ENOMEM;
	return 0;
}

/* Where the row being built stands. */
struct row {
	struct tw_buf *l;
	unsigned int pos;	/* display columns written */
	unsigned int end;	/* where the current column ends, in limited layouts */
	size_t content;		/* bytes up to the end of the last value (padding after it is cut) */
};

/*
 * The first @keep columns of @s (@n bytes), or its last @keep columns when @from_end, cut at
 * unit boundaries. Sets *@start and returns the byte length of the part kept.
 */
static size_t cut(const char *s, size_t n, unsigned int keep, bool from_end, size_t *start)
{
	unsigned int total = text_width(s, n), w = 0;
	size_t i = 0;

	while (i < n) {
		size_t len = unit_len(s + i, n - i);
		unsigned int uw = unit_width(s + i, len);

		if (from_end ? total - w <= keep : w + uw > keep)
			break;
		w += uw;
		i += len;
	}
	if (from_end) {
		*start = i;
		return n - i;
	}
	*start = 0;
	return i;
}

/*
 * Put the escaped text @s (@n bytes) in column @c of the row: aligned, padded to the column,
 * shortened when the layout is limited and the text is wider than the room left.
 */
static int put_cell(struct tw_table *t, struct row *r, enum table_col c, const char *s, size_t n)
{
	const struct table_column *tc = &tcols[c];
	unsigned int w = text_width(s, n), room;
	size_t start = 0;
	bool shortened = false;

	if (r->pos && tw_buf_putc(r->l, ' '))
		return -ENOMEM;
	r->pos += r->pos > 0;
	/* A limited layout has fixed column ends; an unlimited one lets long values push. */
	r->end = t->unlimited ? r->pos + t->width[c] : r->end + (r->end > 0) + t->width[c];
	room = r->end > r->pos ? r->end - r->pos : 0;
	if (!t->unlimited && !tc->right && w > room) {
		unsigned int keep = room ? room - 1 : 0;

		n = cut(s, n, keep, tc->keep_end, &start);
		w = text_width(s + start, n) + 1;
		shortened = true;
	}
	if (tc->right && w < room && pad(r->l, room - w))
		return -ENOMEM;
	if (shortened && tc->keep_end && tw_buf_puts(r->l, ellipsis))
		return -ENOMEM;
	if (tw_buf_append(r->l, s + start, n))
		return -ENOMEM;
	if (shortened && !tc->keep_end && tw_buf_puts(r->l, ellipsis))
		return -ENOMEM;
	if (n || shortened)
		r->content = r->l->len;
	if (!tc->right && w < room && pad(r->l, room - w))
		return -ENOMEM;
	r->pos += w > room ? w : room;
	return 0;
}

/* Column @c holds the escaped form of @n bytes at @str ("?" for NULL). */
static int put_escaped(struct tw_table *t, struct row *r, enum table_col c, const char *str,
		       size_t n)
{
	struct tw_buf *f = &t->cell;

	tw_buf_reset(f);
	if (tw_escape(f, str ? str : "?", str ? n : 1))
		return -ENOMEM;
	return put_cell(t, r, c, f->data, f->len);
}

static int put_str(struct tw_table *t, struct row *r, enum table_col c, const char *str)
{
	return put_escaped(t, r, c, str, str ? strlen(str) : 0);
}

/* A number column, "?" when unknown. */
static int put_number(struct tw_table *t, struct row *r, const struct tw_record *rec,
		      enum tw_column col, enum table_col c)
{
	char num[TW_SINK_NUM_SIZE];
	size_t n = tw_sink_column_number(rec, col, num);

	return n ? put_cell(t, r, c, num, n) : put_cell(t, r, c, "?", 1);
}

/* End the row: the padding after the last value goes, the newline comes. */
static int end_row(struct row *r)
{
	r->l->len = r->content;
	return tw_buf_putc(r->l, '\n') ? -ENOMEM : 0;
}

static int table_header(struct tw_sink *s)
{
	struct tw_table *t = s->table;
	struct row r = { &s->line, 0, 0, 0 };
	int c;

	t->day[0] = '\0';	/* a new file: the date line again before the next record */
	for (c = 0; c < T_NR; c++)
		if (t->width[c] && put_cell(t, &r, c, tcols[c].title, strlen(tcols[c].title)))
			return -ENOMEM;
	return end_row(&r);
}

/* "LOST   123 events on cpu 1": the loss is a line of its own, never a silent gap. */
static int format_lost(struct tw_buf *l, const struct tw_record *rec)
{
	char num[TW_SINK_NUM_SIZE];
	size_t n;

	if (tw_buf_puts(l, "LOST   "))
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
	return tw_buf_putc(l, '\n') ? -ENOMEM : 0;
}

/*
 * PATH: the absolute path; unresolved, "?" and the name as passed, so it can't pass for one;
 * then the error of a failed exec in brackets.
 */
static int put_path(struct tw_table *t, struct row *r, const struct tw_record *rec)
{
	struct tw_buf *f = &t->cell;
	int ret;

	tw_buf_reset(f);
	if (rec->path)
		ret = tw_escape(f, rec->path, strlen(rec->path));
	else if (rec->filename)
		ret = tw_buf_putc(f, '?') ?: tw_escape(f, rec->filename, strlen(rec->filename));
	else if (rec->cwd)
		ret = tw_escape(f, rec->cwd, strlen(rec->cwd));	/* chdir records: the new cwd */
	else
		ret = tw_buf_putc(f, '-');
	if (!ret && rec->error)
		ret = tw_buf_puts(f, " [") ?: tw_escape(f, rec->error, strlen(rec->error)) ?:
		      tw_buf_putc(f, ']');
	return ret ? -ENOMEM : put_cell(t, r, T_PATH, f->data, f->len);
}

static int put_args(struct tw_table *t, struct row *r, const struct tw_record *rec)
{
	struct tw_buf *f = &t->cell;

	tw_buf_reset(f);
	if (rec->argv && tw_escape_argv(f, rec->argv, rec->argv_len))
		return -ENOMEM;
	return put_cell(t, r, T_ARGS, f->data ? f->data : "", f->len);
}

/*
 * A "--- YYYY-MM-DD UTC ---" line before the first record and whenever the UTC day changes.
 * t->day is set by the caller once the whole row is made: a row that fails for memory is
 * written again later, date line included.
 */
static int date_line(struct tw_table *t, struct tw_buf *l, const char *ts)
{
	if (!memcmp(t->day, ts, 10))
		return 0;
	if (tw_buf_puts(l, "--- ") || tw_buf_append(l, ts, 10) || tw_buf_puts(l, " UTC ---\n"))
		return -ENOMEM;
	return 0;
}

/* The row of @rec, after a date line when the day changed; @ts receives its timestamp. */
static int format_row(struct tw_sink *s, const struct tw_record *rec, char ts[TW_SINK_TS_SIZE])
{
	struct tw_table *t = s->table;
	struct row r = { &s->line, 0, 0, 0 };
	const char *event;

	/* "2026-11-28T19:30:00.123456789Z": the date on its own line, "19:30:00.123" here. */
	tw_sink_timestamp(s, rec->ts_ns, ts);
	if (date_line(t, &s->line, ts))
		return -ENOMEM;
	r.content = s->line.len;
	if (put_cell(t, &r, T_TIME, ts + 11, 12))
		return -ENOMEM;
	if (rec->type == TW_REC_LOST)
		return tw_buf_putc(&s->line, ' ') ? -ENOMEM : format_lost(&s->line, rec);

	event = rec->type == TW_REC_EXEC_FAILED ? "FAILED" : tw_record_type_name(rec->type);
	if (put_str(t, &r, T_EVENT, event) || put_number(t, &r, rec, TW_COL_PID, T_PID))
		return -ENOMEM;
	if (t->width[T_PPID] && put_number(t, &r, rec, TW_COL_PPID, T_PPID))
		return -ENOMEM;
	if (t->width[T_UID] && put_number(t, &r, rec, TW_COL_UID, T_UID))
		return -ENOMEM;
	if (t->width[T_COMM] && put_str(t, &r, T_COMM, rec->comm))
		return -ENOMEM;
	if (put_path(t, &r, rec))
		return -ENOMEM;
	if (t->width[T_CWD] && put_str(t, &r, T_CWD, rec->cwd))
		return -ENOMEM;
	if (t->width[T_ARGS] && put_args(t, &r, rec))
		return -ENOMEM;
	return end_row(&r);
}

/* Whatever is used inside, wcwidth() sees C.UTF-8, and the thread's locale is put back. */
static int table_format(struct tw_sink *s, const struct tw_record *rec)
{
	struct tw_table *t = s->table;
	locale_t old = t->utf8 ? uselocale(t->utf8) : (locale_t)0;
	char ts[TW_SINK_TS_SIZE];
	int ret = format_row(s, rec, ts);

	if (old)
		uselocale(old);
	if (!ret)
		memcpy(t->day, ts, 10);
	return ret;
}

const struct tw_sink_ops tw_sink_table_ops = {
	.init = table_init,
	.release = table_release,
	.header = table_header,
	.format = table_format,
};
