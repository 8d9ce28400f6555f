/* SPDX-License-Identifier: GPL-2.0 */
/* sink-impl.h - what the sink formats share: the sink object, column list, helpers. Private to sink*.c. */
#ifndef TW_SINK_IMPL_H
#define TW_SINK_IMPL_H

#include <stdio.h>

#include "record.h"
#include "sink.h"
#include "util.h"

struct tw_sink;

struct tw_sink_ops {
	int (*begin)(struct tw_sink *s);	/* header, if any */
	int (*write)(struct tw_sink *s, const struct tw_record *rec);
};

struct tw_sink {
	const struct tw_sink_ops *ops;
	FILE *out;
	int64_t realtime_offset_ns;
	struct tw_buf line;	/* one output line, reused */
	struct tw_buf field;	/* one escaped field, reused */
	int error;		/* first error, sticky */
};

/* The columns of every record, in output order (CSV header = JSON keys). */
enum tw_column {
	TW_COL_TIMESTAMP, TW_COL_TS_NS, TW_COL_EVENT, TW_COL_PID, TW_COL_TID, TW_COL_PPID,
	TW_COL_UID, TW_COL_COMM, TW_COL_FILENAME, TW_COL_PATH, TW_COL_EXE, TW_COL_CWD,
	TW_COL_ARGV, TW_COL_CGROUP_ID, TW_COL_CGROUP_PATH, TW_COL_CONTAINER_ID,
	TW_COL_CONTAINER_RUNTIME, TW_COL_POD_UID, TW_COL_PATH_SOURCE, TW_COL_CWD_SOURCE,
	TW_COL_ARGV_SOURCE, TW_COL_ERROR, TW_COL_LOST, TW_COL_CPU, TW_COL_NR,
};

extern const char *const tw_column_names[TW_COL_NR];

/*
 * The raw (unescaped) text of a string column of @rec, or NULL when unknown or not a string
 * column. Numbers are formatted by the sinks themselves.
 */
const char *tw_sink_column_string(const struct tw_record *rec, enum tw_column col);

/* RFC 3339 UTC with nanoseconds into @buf (at least 40 bytes). */
void tw_sink_timestamp(const struct tw_sink *s, uint64_t ts_ns, char *buf, size_t size);

/* Write s->line to the stream. Returns 0 or -EIO (sticky in s->error). */
int tw_sink_put_line(struct tw_sink *s);

extern const struct tw_sink_ops tw_sink_csv_ops;
extern const struct tw_sink_ops tw_sink_json_ops;
extern const struct tw_sink_ops tw_sink_table_ops;

#endif
