// SPDX-License-Identifier: GPL-2.0
/* sink.c - output sink dispatch: format table, shared columns and timestamps, write errors. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sink-impl.h"

/* Indexed by enum tw_format: the one place that maps a format to its code. */
static const struct {
	const char *name;
	const struct tw_sink_ops *ops;
} formats[] = {
	[TW_FORMAT_TABLE] = { "table", &tw_sink_table_ops },
	[TW_FORMAT_CSV] = { "csv", &tw_sink_csv_ops },
	[TW_FORMAT_JSON] = { "json", &tw_sink_json_ops },
};

const struct tw_column_info tw_columns[TW_COL_NR] = {
	[TW_COL_TIMESTAMP] = { "timestamp", TW_KIND_TIMESTAMP, false },
	[TW_COL_TS_NS] = { "ts_ns", TW_KIND_NUMBER, false },
	[TW_COL_EVENT] = { "event", TW_KIND_STRING, false },
	[TW_COL_PID] = { "pid", TW_KIND_NUMBER, false },
	[TW_COL_TID] = { "tid", TW_KIND_NUMBER, false },
	[TW_COL_PPID] = { "ppid", TW_KIND_NUMBER, false },
	[TW_COL_UID] = { "uid", TW_KIND_NUMBER, false },
	[TW_COL_COMM] = { "comm", TW_KIND_STRING, false },
	[TW_COL_FILENAME] = { "filename", TW_KIND_STRING, false },
	[TW_COL_PATH] = { "path", TW_KIND_STRING, false },
	[TW_COL_EXE] = { "exe", TW_KIND_STRING, false },
	[TW_COL_CWD] = { "cwd", TW_KIND_STRING, false },
	[TW_COL_ARGV] = { "argv", TW_KIND_ARGV, false },
	[TW_COL_CGROUP_ID] = { "cgroup_id", TW_KIND_NUMBER, false },
	[TW_COL_CGROUP_PATH] = { "cgroup_path", TW_KIND_STRING, false },
	[TW_COL_CONTAINER_ID] = { "container_id", TW_KIND_STRING, false },
	[TW_COL_CONTAINER_RUNTIME] = { "container_runtime", TW_KIND_STRING, false },
	[TW_COL_POD_UID] = { "pod_uid", TW_KIND_STRING, false },
	[TW_COL_PATH_SOURCE] = { "path_source", TW_KIND_STRING, false },
	[TW_COL_CWD_SOURCE] = { "cwd_source", TW_KIND_STRING, false },
	[TW_COL_ARGV_SOURCE] = { "argv_source", TW_KIND_STRING, false },
	[TW_COL_ERROR] = { "error", TW_KIND_STRING, false },
	[TW_COL_LOST] = { "lost", TW_KIND_NUMBER, true },
	[TW_COL_CPU] = { "cpu", TW_KIND_NUMBER, true },
	[TW_COL_FAILED_ATTEMPTS] = { "failed_attempts", TW_KIND_NUMBER, false },
	[TW_COL_EXEC_ID] = { "exec_id", TW_KIND_STRING, false },
	[TW_COL_PARENT_EXEC_ID] = { "parent_exec_id", TW_KIND_STRING, false },
	[TW_COL_PARENT_PATH] = { "parent_path", TW_KIND_STRING, false },
	[TW_COL_EXIT_CODE] = { "exit_code", TW_KIND_NUMBER, false, true },
	[TW_COL_SIGNAL] = { "signal", TW_KIND_STRING, false, true },
	[TW_COL_START_NS] = { "start_ns", TW_KIND_NUMBER, false, true },
	[TW_COL_DURATION_NS] = { "duration_ns", TW_KIND_NUMBER, false, true },
	[TW_COL_START_SOURCE] = { "start_source", TW_KIND_STRING, false, true },
	[TW_COL_INTERPRETER] = { "interpreter", TW_KIND_STRING, false, false },
	[TW_COL_EXE_SOURCE] = { "exe_source", TW_KIND_STRING, false, false },
	[TW_COL_PATH_CHECK] = { "path_check", TW_KIND_STRING, false, false },
	[TW_COL_EUID] = { "euid", TW_KIND_NUMBER, false, false },
	[TW_COL_LOGINUID] = { "loginuid", TW_KIND_NUMBER, false, false },
	[TW_COL_UID_SOURCE] = { "uid_source", TW_KIND_STRING, false, false },
};

/**
 * tw_format_parse() - map an output format name to enum tw_format
 * @name: "table", "csv" or "json" (exact, lower case)
 * @fmt: set on success
 *
 * Return: 0, or -EINVAL for any other name, with @fmt unchanged.
 */
int tw_format_parse(const char *name, enum tw_format *fmt)
{
	size_t i;

	for (i = 0; i < TW_ARRAY_SIZE(formats); i++) {
		if (!strcmp(name, formats[i].name)) {
			*fmt = (enum tw_format)i;
			return 0;
		}
	}
	return -EINVAL;
}

/**
 * tw_sink_column_string() - the raw text of a string column
 * @rec: the record
 * @col: a column of kind TW_KIND_STRING
 *
 * Return: the unescaped bytes, borrowed from @rec (valid as long as @rec), or NULL when the
 * value is unknown or @col is not a string column.
 */
const char *tw_sink_column_string(const struct tw_record *rec, enum tw_column col)
{
	switch (col) {
	case TW_COL_EVENT:
		return tw_record_type_name(rec->type);
	case TW_COL_COMM:
		return rec->comm;
	case TW_COL_FILENAME:
		return rec->filename;
	case TW_COL_PATH:
		return rec->path;
	case TW_COL_EXE:
		return rec->exe;
	case TW_COL_CWD:
		return rec->cwd;
	case TW_COL_CGROUP_PATH:
		return rec->cgroup_path;
	case TW_COL_CONTAINER_ID:
		return rec->container_id;
	case TW_COL_CONTAINER_RUNTIME:
		return rec->container_runtime;
	case TW_COL_POD_UID:
		return rec->pod_uid;
	case TW_COL_PATH_SOURCE:
		return tw_prov_name(rec->path_source);
	case TW_COL_CWD_SOURCE:
		return tw_prov_name(rec->cwd_source);
	case TW_COL_ARGV_SOURCE:
		return tw_prov_name(rec->argv_source);
	case TW_COL_ERROR:
		return rec->error;
	case TW_COL_EXEC_ID:
		return rec->exec_id;
	case TW_COL_PARENT_EXEC_ID:
		return rec->parent_exec_id;
	case TW_COL_PARENT_PATH:
		return rec->parent_path;
	case TW_COL_SIGNAL:
		return rec->type == TW_REC_EXIT ? tw_record_signal_name(rec->exit_signal) : NULL;
	case TW_COL_START_SOURCE:
		return rec->type == TW_REC_EXIT && rec->start_ns ? rec->start_source : NULL;
	case TW_COL_INTERPRETER:
		return rec->interpreter;
	case TW_COL_EXE_SOURCE:
		return rec->exe_source;
	case TW_COL_PATH_CHECK:
		return rec->path_check;
	case TW_COL_UID_SOURCE:
		return rec->uid_source;
	default:
		return NULL;
	}
}

/* Decimal text of @v at the end of @buf[TW_SINK_NUM_SIZE] (no printf: this runs per field). */
static size_t fmt_u64(char *buf, uint64_t v, bool negative)
{
	char tmp[TW_SINK_NUM_SIZE];
	char *p = tmp + sizeof(tmp);
	size_t n;

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (negative)
		*--p = '-';
	n = (size_t)(tmp + sizeof(tmp) - p);
	memcpy(buf, p, n);
	buf[n] = '\0';
	return n;
}

static size_t fmt_i64(char *buf, int64_t v)
{
	/* Negate in unsigned arithmetic: -INT64_MIN overflows int64_t. */
	return v < 0 ? fmt_u64(buf, -(uint64_t)v, true) : fmt_u64(buf, (uint64_t)v, false);
}

/**
 * tw_sink_column_number() - the decimal text of a number column
 * @rec: the record
 * @col: a column of kind TW_KIND_NUMBER
 * @buf: receives the NUL-terminated text
 *
 * Applies the output contract's "unknown" values in one place: ppid 0, uid < 0,
 * cgroup_id 0, failed_attempts < 0 (not counted), and on lost records lost 0 (amount
 * unknown) and cpu < 0 are unknown; lost and cpu are unknown on every other record type;
 * so are exit_code (< 0), start_ns (0) and duration_ns on records other than exits.
 * ts_ns, pid and tid are always known.
 *
 * Return: the length of the text, or 0 (with @buf empty) when the value is unknown or @col
 * is not a number column.
 */
size_t tw_sink_column_number(const struct tw_record *rec, enum tw_column col,
			     char buf[TW_SINK_NUM_SIZE])
{
	bool lost = rec->type == TW_REC_LOST;
	bool is_exit = rec->type == TW_REC_EXIT;

	buf[0] = '\0';
	switch (col) {
	case TW_COL_TS_NS:
		return fmt_u64(buf, rec->ts_ns, false);
	case TW_COL_PID:
		return fmt_i64(buf, rec->pid);
	case TW_COL_TID:
		return fmt_i64(buf, rec->tid);
	case TW_COL_PPID:
		return rec->ppid ? fmt_i64(buf, rec->ppid) : 0;
	case TW_COL_UID:
		return rec->uid >= 0 ? fmt_i64(buf, rec->uid) : 0;
	case TW_COL_EUID:
		return rec->euid >= 0 ? fmt_i64(buf, rec->euid) : 0;
	case TW_COL_LOGINUID:
		return rec->loginuid >= 0 ? fmt_i64(buf, rec->loginuid) : 0;
	case TW_COL_CGROUP_ID:
		return rec->cgroup_id ? fmt_u64(buf, rec->cgroup_id, false) : 0;
	case TW_COL_LOST:
		return lost && rec->lost ? fmt_u64(buf, rec->lost, false) : 0;
	case TW_COL_CPU:
		return lost && rec->cpu >= 0 ? fmt_i64(buf, rec->cpu) : 0;
	case TW_COL_FAILED_ATTEMPTS:
		return rec->failed_attempts >= 0 ? fmt_i64(buf, rec->failed_attempts) : 0;
	case TW_COL_EXIT_CODE:
		return is_exit && rec->exit_code >= 0 ? fmt_i64(buf, rec->exit_code) : 0;
	case TW_COL_START_NS:
		return is_exit && rec->start_ns ? fmt_u64(buf, rec->start_ns, false) : 0;
	case TW_COL_DURATION_NS:
		return is_exit && rec->start_ns && rec->ts_ns >= rec->start_ns ?
			       fmt_u64(buf, rec->ts_ns - rec->start_ns, false) : 0;
	default:
		return 0;
	}
}

static void put_digits(char *p, unsigned int v, int n)
{
	while (n--) {
		p[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

/**
 * tw_sink_timestamp() - RFC 3339 UTC text of a monotonic timestamp
 * @s: the sink, whose realtime offset is used and whose one-second cache is updated
 * @ts_ns: CLOCK_MONOTONIC nanoseconds
 * @buf: receives "YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ" and a NUL
 *
 * The offset is added in unsigned arithmetic (no signed overflow), and the result is read as
 * signed, so that instants before 1970 come out right (floor division). gmtime_r() runs once
 * per second of output, not once per record.
 *
 * Return: the length of the text (30).
 */
size_t tw_sink_timestamp(struct tw_sink *s, uint64_t ts_ns, char buf[TW_SINK_TS_SIZE])
{
	int64_t real = (int64_t)(ts_ns + (uint64_t)s->realtime_offset_ns);
	int64_t sec = real / 1000000000;
	int64_t nsec = real % 1000000000;

	if (nsec < 0) {
		nsec += 1000000000;
		sec--;
	}
	if (!s->ts_cached || sec != s->ts_sec) {
		time_t t = (time_t)sec;
		struct tm tm;

		/* Cannot fail for a 64-bit time_t and |sec| < 2^63 / 10^9: years 1677..2262. */
		if (!gmtime_r(&t, &tm))
			memset(&tm, 0, sizeof(tm));
		/* By hand, not snprintf: the year is 1677..2262 here, four digits. */
		memcpy(s->ts_sec_text, "0000-00-00T00:00:00", TW_SINK_TS_SEC_LEN + 1);
		put_digits(s->ts_sec_text, (unsigned int)(tm.tm_year + 1900), 4);
		put_digits(s->ts_sec_text + 5, (unsigned int)(tm.tm_mon + 1), 2);
		put_digits(s->ts_sec_text + 8, (unsigned int)tm.tm_mday, 2);
		put_digits(s->ts_sec_text + 11, (unsigned int)tm.tm_hour, 2);
		put_digits(s->ts_sec_text + 14, (unsigned int)tm.tm_min, 2);
		put_digits(s->ts_sec_text + 17, (unsigned int)tm.tm_sec, 2);
		s->ts_sec = sec;
		s->ts_cached = true;
	}
	memcpy(buf, s->ts_sec_text, TW_SINK_TS_SEC_LEN);
	buf[TW_SINK_TS_SEC_LEN] = '.';
	put_digits(buf + TW_SINK_TS_SEC_LEN + 1, (unsigned int)nsec, 9);
	buf[TW_SINK_TS_SEC_LEN + 10] = 'Z';
	buf[TW_SINK_TS_SEC_LEN + 11] = '\0';
	return TW_SINK_TS_SEC_LEN + 11;
}

/* Write s->line; a short write or a stream error is -EIO, and sticky. */
static int put_line(struct tw_sink *s)
{
	if (s->error)
		return s->error;
	if (fwrite(s->line.data, 1, s->line.len, s->out) != s->line.len || ferror(s->out))
		s->error = -EIO;
	return s->error;
}

static void sink_free(struct tw_sink *s)
{
	if (s->ops->release)
		s->ops->release(s);
	tw_buf_release(&s->line);
	tw_buf_release(&s->field);
	free(s);
}

/**
 * tw_sink_new_opts() - create an output sink
 * @fmt: output format
 * @out: stream to write to, borrowed: the caller closes it after tw_sink_close()
 * @realtime_offset_ns: CLOCK_REALTIME - CLOCK_MONOTONIC, to print ts_ns as UTC time
 * @opts: layout options (see struct tw_sink_opts), or NULL for the defaults
 *
 * Formats with a header (CSV, table) write it here, unless @opts->append. The table
 * measures the terminal here, once (see struct tw_sink_opts).
 *
 * Return: the sink, to be freed with tw_sink_close(); NULL for an unknown @fmt, on
 * allocation failure (nothing written) or when the header cannot be written.
 */
struct tw_sink *tw_sink_new_opts(enum tw_format fmt, FILE *out, int64_t realtime_offset_ns,
				 const struct tw_sink_opts *opts)
{
	static const struct tw_sink_opts defaults;
	struct tw_sink *s;

	if (!opts)
		opts = &defaults;
	if ((unsigned int)fmt >= TW_ARRAY_SIZE(formats))
		return NULL;
	s = tw_calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->ops = formats[fmt].ops;
	s->out = out;
	s->realtime_offset_ns = realtime_offset_ns;
	if (s->ops->init && s->ops->init(s, opts))
		goto out_free;
	if (!opts->append && tw_sink_start_file(s))
		goto out_free;
	return s;

out_free:
	sink_free(s);
	return NULL;
}

/**
 * tw_sink_new() - create an output sink with the default layout
 * @fmt: output format
 * @out: stream to write to, borrowed
 * @realtime_offset_ns: CLOCK_REALTIME - CLOCK_MONOTONIC
 *
 * Return: as tw_sink_new_opts() with NULL options.
 */
struct tw_sink *tw_sink_new(enum tw_format fmt, FILE *out, int64_t realtime_offset_ns)
{
	return tw_sink_new_opts(fmt, out, realtime_offset_ns, NULL);
}

/**
 * tw_sink_new_append() - create a sink that continues an existing file
 * @fmt: output format
 * @out: stream to write to, borrowed
 * @realtime_offset_ns: CLOCK_REALTIME - CLOCK_MONOTONIC
 *
 * Return: as tw_sink_new_opts() with the default layout and no header written.
 */
struct tw_sink *tw_sink_new_append(enum tw_format fmt, FILE *out, int64_t realtime_offset_ns)
{
	static const struct tw_sink_opts append = { .append = true };

	return tw_sink_new_opts(fmt, out, realtime_offset_ns, &append);
}

/**
 * tw_sink_start_file() - write the start of a new file
 * @s: the sink
 *
 * The CSV header or the table's column titles (the table then also repeats its date line
 * before the next record), e.g. after the output was reopened on an empty file.
 *
 * Return: 0, -ENOMEM (nothing written) or -EIO.
 */
int tw_sink_start_file(struct tw_sink *s)
{
	int ret;

	if (!s->ops->header)
		return 0;
	tw_buf_reset(&s->line);
	ret = s->ops->header(s);
	return ret ? ret : put_line(s);
}

/**
 * tw_sink_write() - write one record
 * @sink: the sink
 * @rec: the record (not kept)
 *
 * The record is formatted completely before any byte of it is written, so an allocation
 * failure never leaves half a line in the output.
 *
 * Return: 0; -ENOMEM (nothing written, the sink stays usable); -EIO when the stream failed
 * now or earlier (sticky: a sink that lost a line never writes the next ones).
 */
int tw_sink_write(struct tw_sink *sink, const struct tw_record *rec)
{
	int ret;

	if (sink->error)
		return sink->error;
	tw_buf_reset(&sink->line);
	ret = sink->ops->format(sink, rec);
	if (ret)
		return ret;
	return put_line(sink);
}

/**
 * tw_sink_close() - flush the stream and free the sink
 * @sink: the sink, or NULL
 *
 * The sink is freed in every case; the stream is flushed but not closed.
 *
 * Return: 0, or -EIO when a write since tw_sink_new() failed or the flush failed.
 */
int tw_sink_close(struct tw_sink *sink)
{
	int ret;

	if (!sink)
		return 0;
	ret = sink->error;
	if (fflush(sink->out) || ferror(sink->out))
		ret = -EIO;
	sink_free(sink);
	return ret;
}
