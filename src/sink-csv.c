// SPDX-License-Identifier: GPL-2.0
/* sink-csv.c - RFC 4180 CSV with a header row; escaped fields never split or forge a row. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "escape.h"
#include "sink-impl.h"

/*
 * Whether the escaped field @f (@n bytes) must be quoted. A comma or a quote would change the row; a space at either
 * end is trimmed by many readers; an empty known value is written "" so that it differs from
 * an unknown one (an empty unquoted field), as PostgreSQL's COPY reads them. CR and LF need
 * no case here: escaping already turned them into \r and \n, so a row is one line.
 */
static bool needs_quotes(const char *f, size_t n)
{
	uint64_t w;
	size_t i;

	if (!n || f[0] == ' ' || f[n - 1] == ' ')
		return true;
	if (n < 8) {
		for (i = 0; i < n; i++)
			if (f[i] == ',' || f[i] == '"')
				return true;
		return false;
	}
	/*
	 * Eight bytes at a time, the "has zero byte" test on w ^ ',' and w ^ '"'; the last word
	 * is the one that ends the field, overlapping the one before.
	 */
	for (i = 0;; i += 8) {
		if (i > n - 8)
			i = n - 8;
		memcpy(&w, f + i, 8);
		if (tw_word_has_byte(w, ',') || tw_word_has_byte(w, '"'))
			return true;
		if (i == n - 8)
			return false;
	}
}

static int csv_header(struct tw_sink *s)
{
	int c;

	for (c = 0; c < TW_COL_NR; c++)
		if ((c && tw_buf_putc(&s->line, ',')) || tw_buf_puts(&s->line, tw_columns[c].name))
			return -ENOMEM;
	return tw_buf_putc(&s->line, '\n') ? -ENOMEM : 0;
}

/*
 * Every string is escaped straight into the line and quoted in place only when needed, and
 * numbers are formatted without printf: no allocation once the line buffer has grown to
 * its working size, one fwrite per record.
 */
static int csv_format(struct tw_sink *s, const struct tw_record *rec)
{
	struct tw_buf *l = &s->line;
	char text[TW_SINK_TS_SIZE];
	int c;

	for (c = 0; c < TW_COL_NR; c++) {
		size_t start, n;
		const char *str;
		int ret = 0;

		if (c && tw_buf_putc(l, ','))
			return -ENOMEM;
		start = l->len;
		switch (tw_columns[c].kind) {
		case TW_KIND_TIMESTAMP:
			n = tw_sink_timestamp(s, rec->ts_ns, text);
			ret = tw_buf_append(l, text, n);
			break;
		case TW_KIND_NUMBER:
			n = tw_sink_column_number(rec, c, text);
			ret = n ? tw_buf_append(l, text, n) : 0;
			break;
		case TW_KIND_ARGV:
			if (!rec->argv)
				break;
			ret = tw_escape_argv(l, rec->argv, rec->argv_len);
			if (!ret && needs_quotes(l->data + start, l->len - start))
				ret = tw_buf_quote_tail(l, start, '"', "\"\"");
			break;
		case TW_KIND_STRING:
			str = tw_sink_column_string(rec, c);
			if (!str)
				break;
			ret = tw_escape(l, str, strlen(str));
			if (!ret && needs_quotes(l->data + start, l->len - start))
				ret = tw_buf_quote_tail(l, start, '"', "\"\"");
			break;
		}
		if (ret)
			return -ENOMEM;
	}
	return tw_buf_putc(l, '\n') ? -ENOMEM : 0;
}

const struct tw_sink_ops tw_sink_csv_ops = {
	.header = csv_header,
	.format = csv_format,
};
