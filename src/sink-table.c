// SPDX-License-Identifier: GPL-2.0
/* sink-table.c - a table for people at a terminal; every string escaped, no control byte gets out. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "escape.h"
#include "sink-impl.h"

static int table_begin(struct tw_sink *s)
{
	tw_buf_reset(&s->line);
	if (tw_buf_printf(&s->line, "%-12s %-6s %7s %7s %5s %-16s %s  %s\n", "TIME(UTC)", "EVENT",
			  "PID", "PPID", "UID", "COMM", "PATH", "ARGS"))
		return -ENOMEM;
	return tw_sink_put_line(s);
}

static int put_escaped(struct tw_sink *s, const char *str)
{
	tw_buf_reset(&s->field);
	if (tw_escape(&s->field, str, strlen(str)))
		return -ENOMEM;
	return tw_buf_append(&s->line, s->field.data, s->field.len);
}

static int table_write(struct tw_sink *s, const struct tw_record *rec)
{
	struct tw_buf *l = &s->line;
	char ts[48], num[24];
	int ret;

	tw_sink_timestamp(s, rec->ts_ns, ts, sizeof(ts));
	/* "2026-11-28T19:30:00.123456789Z" -> "19:30:00.123" */
	ts[23] = '\0';
	if (rec->type == TW_REC_LOST)
		return tw_buf_printf(l, "%-12s LOST   %" PRIu64 " events on cpu %d%s\n", ts + 11,
				     rec->lost, rec->cpu, rec->lost ? "" : " (count unknown)") ?
			       -ENOMEM : 0;
	ret = tw_buf_printf(l, "%-12s %-6.6s %7d ", ts + 11,
			    rec->type == TW_REC_EXEC_FAILED ? "FAILED" : tw_record_type_name(rec->type),
			    rec->pid);
	snprintf(num, sizeof(num), "%d", rec->ppid);
	ret = ret ?: tw_buf_printf(l, "%7s ", rec->ppid > 0 ? num : "?");
	snprintf(num, sizeof(num), "%ld", rec->uid);
	ret = ret ?: tw_buf_printf(l, "%5s ", rec->uid >= 0 ? num : "?");
	if (ret)
		return -ENOMEM;
	/* comm is at most 15 bytes, but escapes can make it longer: pad by hand. */
	{
		size_t before = l->len;

		if (put_escaped(s, rec->comm ? rec->comm : "?"))
			return -ENOMEM;
		while (l->len - before < 16)
			if (tw_buf_putc(l, ' '))
				return -ENOMEM;
		if (tw_buf_putc(l, ' '))
			return -ENOMEM;
	}
	if (rec->path) {
		ret = put_escaped(s, rec->path);
	} else if (rec->filename) {
		/* Unresolved: show what was passed to exec, marked so it can't pass for a path. */
		ret = tw_buf_putc(l, '?') ?: put_escaped(s, rec->filename);
	} else if (rec->cwd) {
		ret = put_escaped(s, rec->cwd);
	} else {
		ret = tw_buf_putc(l, '-');
	}
	if (!ret && rec->error)
		ret = tw_buf_printf(l, " [%s]", rec->error);
	if (!ret && rec->argv) {
		tw_buf_reset(&s->field);
		ret = tw_buf_puts(l, "  ") ?: tw_escape_argv(&s->field, rec->argv, rec->argv_len) ?:
					       tw_buf_append(l, s->field.data, s->field.len);
	}
	if (!ret)
		ret = tw_buf_putc(l, '\n');
	return ret ? -ENOMEM : 0;
}

const struct tw_sink_ops tw_sink_table_ops = {
	.begin = table_begin,
	.write = table_write,
};
