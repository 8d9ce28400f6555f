/* SPDX-License-Identifier: GPL-2.0 */
/* sink-impl.h - what the sink formats share: the sink object, ops table, columns. Private to sink*.c. */
#ifndef TW_SINK_IMPL_H
#define TW_SINK_IMPL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "record.h"
#include "sink.h"
#include "util.h"

struct tw_sink;
struct tw_table;

/* One output format. tw_sink_write() resets s->line, calls format(), then writes s->line. */
struct tw_sink_ops {
	/* Set up format state from @opts (never NULL), before header(); NULL when none. 0 or -ENOMEM. */
	int (*init)(struct tw_sink *s, const struct tw_sink_opts *opts);
	/* Free what init() set up; called for every created sink, also after a failed init(). */
	void (*release)(struct tw_sink *s);
	/* Header into s->line (written by tw_sink_new()); NULL when the format has none. */
	int (*header)(struct tw_sink *s);
	/* One record as one complete line into s->line. 0 or -ENOMEM; nothing is written on error. */
	int (*format)(struct tw_sink *s, const struct tw_record *rec);
};

/* Length of "YYYY-MM-DDTHH:MM:SS", the part of a timestamp that tw_sink_timestamp() caches. */
#define TW_SINK_TS_SEC_LEN 19
/* Room for "YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ" and its NUL. */
#define TW_SINK_TS_SIZE 32

struct tw_sink {
	const struct tw_sink_ops *ops;
	FILE *out;			/* borrowed */
	int64_t realtime_offset_ns;
	struct tw_buf line;		/* the line being built, reused for every record */
	struct tw_buf field;		/* scratch for one escaped value, reused */
	int error;			/* first write error (-EIO), sticky */
	/* Records come in bursts within one second: format the date and time once per second. */
	bool ts_cached;
	int64_t ts_sec;
	char ts_sec_text[TW_SINK_TS_SEC_LEN + 1];
	struct tw_table *table;		/* the table's layout and state (sink-table.c) */
};

/* The columns of every record, in output order (CSV header = JSON keys); new ones appended. */
enum tw_column {
	TW_COL_TIMESTAMP,
	TW_COL_TS_NS,
	TW_COL_EVENT,
	TW_COL_PID,
	TW_COL_TID,
	TW_COL_PPID,
	TW_COL_UID,
	TW_COL_COMM,
	TW_COL_FILENAME,
	TW_COL_PATH,
	TW_COL_EXE,
	TW_COL_CWD,
	TW_COL_ARGV,
	TW_COL_CGROUP_ID,
	TW_COL_CGROUP_PATH,
	TW_COL_CONTAINER_ID,
	TW_COL_CONTAINER_RUNTIME,
	TW_COL_POD_UID,
	TW_COL_PATH_SOURCE,
	TW_COL_CWD_SOURCE,
	TW_COL_ARGV_SOURCE,
	TW_COL_ERROR,
	TW_COL_LOST,
	TW_COL_CPU,
	TW_COL_FAILED_ATTEMPTS,
	TW_COL_EXEC_ID,
	TW_COL_PARENT_EXEC_ID,
	TW_COL_PARENT_PATH,
	/* appended for `run` (exit records): */
	TW_COL_EXIT_CODE,
	TW_COL_SIGNAL,
	TW_COL_START_NS,
	TW_COL_DURATION_NS,
	TW_COL_START_SOURCE,
	/* Appended after the original contract's keys: */
	TW_COL_INTERPRETER,
	TW_COL_EXE_SOURCE,
	TW_COL_PATH_CHECK,
	TW_COL_EUID,
	TW_COL_LOGINUID,
	TW_COL_UID_SOURCE,
	TW_COL_NR,
};

enum tw_column_kind {
	TW_KIND_STRING,		/* tw_sink_column_string(); NULL = unknown */
	TW_KIND_NUMBER,		/* tw_sink_column_number(); 0 length = unknown */
	TW_KIND_TIMESTAMP,	/* tw_sink_timestamp() of ts_ns */
	TW_KIND_ARGV,		/* rec->argv, argv_len; NULL = unknown */
};

struct tw_column_info {
	const char *name;	/* CSV header name = JSON key */
	enum tw_column_kind kind;
	bool lost_only;		/* only meaningful on TW_REC_LOST records */
	bool exit_only;		/* only meaningful on TW_REC_EXIT records */
};

extern const struct tw_column_info tw_columns[TW_COL_NR];

/* Room for the decimal text of any 64-bit integer, sign and NUL included. */
#define TW_SINK_NUM_SIZE 24

const char *tw_sink_column_string(const struct tw_record *rec, enum tw_column col);
size_t tw_sink_column_number(const struct tw_record *rec, enum tw_column col,
			     char buf[TW_SINK_NUM_SIZE]);
size_t tw_sink_timestamp(struct tw_sink *s, uint64_t ts_ns, char buf[TW_SINK_TS_SIZE]);

extern const struct tw_sink_ops tw_sink_csv_ops;
extern const struct tw_sink_ops tw_sink_json_ops;
extern const struct tw_sink_ops tw_sink_table_ops;

#endif
