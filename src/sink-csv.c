// SPDX-License-Identifier: GPL-2.0
/* sink-csv.c - RFC 4180 CSV with a header row; escaped fields never split a row. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "escape.h"
#include "sink-impl.h"

/* Append one field, quoted when it holds a comma, a quote, or space at either end. */
static int put_field(struct tw_buf *line, const char *s, size_t n)
{
	bool quote = n && (memchr(s, ',', n) || memchr(s, '"', n) || s[0] == ' ' ||
			   s[n - 1] == ' ');
	size_t i;

	if (!quote)
		return tw_buf_append(line, s, n);
	if (tw_buf_putc(line, '"'))
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		if (s[i] == '"' && tw_buf_putc(line, '"'))
			return -ENOMEM;
		if (tw_buf_putc(line, s[i]))
			return -ENOMEM;
	}
	return tw_buf_putc(line, '"');
}

static int csv_begin(struct tw_sink *s)
{
	int i;

	tw_buf_reset(&s->line);
	for (i = 0; i < TW_COL_NR; i++)
		if ((i && tw_buf_putc(&s->line, ',')) || tw_buf_puts(&s->line, tw_column_names[i]))
			return -ENOMEM;
	if (tw_buf_putc(&s->line, '\n'))
		return -ENOMEM;
	return tw_sink_put_line(s);
}

static int csv_write(struct tw_sink *s, const struct tw_record *rec)
{
	struct tw_buf *l = &s->line;
	char ts[48];
	int c;

	for (c = 0; c < TW_COL_NR; c++) {
		const char *str;
		int ret = 0;

		if (c && tw_buf_putc(l, ','))
			return -ENOMEM;
		switch (c) {
		case TW_COL_TIMESTAMP:
			tw_sink_timestamp(s, rec->ts_ns, ts, sizeof(ts));
			ret = tw_buf_puts(l, ts);
			break;
		case TW_COL_TS_NS:
			ret = tw_buf_printf(l, "%" PRIu64, rec->ts_ns);
			break;
		case TW_COL_PID:
			ret = tw_buf_printf(l, "%d", rec->pid);
			break;
		case TW_COL_TID:
			ret = tw_buf_printf(l, "%d", rec->tid);
			break;
		case TW_COL_PPID:
			if (rec->ppid > 0)
				ret = tw_buf_printf(l, "%d", rec->ppid);
			break;
		case TW_COL_UID:
			if (rec->uid >= 0)
				ret = tw_buf_printf(l, "%ld", rec->uid);
			break;
		case TW_COL_CGROUP_ID:
			if (rec->cgroup_id)
				ret = tw_buf_printf(l, "%" PRIu64, rec->cgroup_id);
			break;
		case TW_COL_LOST:
			if (rec->type == TW_REC_LOST)
				ret = tw_buf_printf(l, "%" PRIu64, rec->lost);
			break;
		case TW_COL_CPU:
			if (rec->type == TW_REC_LOST)
				ret = tw_buf_printf(l, "%d", rec->cpu);
			break;
		case TW_COL_ARGV:
			if (rec->argv) {
				tw_buf_reset(&s->field);
				ret = tw_escape_argv(&s->field, rec->argv, rec->argv_len) ?:
					      put_field(l, s->field.data, s->field.len);
			}
			break;
		default:
			str = tw_sink_column_string(rec, c);
			if (str) {
				tw_buf_reset(&s->field);
				ret = tw_escape(&s->field, str, strlen(str)) ?:
					      put_field(l, s->field.data, s->field.len);
			}
			break;
		}
		if (ret)
			return -ENOMEM;
	}
	return tw_buf_putc(l, '\n') ? -ENOMEM : 0;
}

const struct tw_sink_ops tw_sink_csv_ops = {
	.begin = csv_begin,
	.write = csv_write,
};
