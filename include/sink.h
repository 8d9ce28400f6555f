/* SPDX-License-Identifier: GPL-2.0 */
/* sink.h - output sinks: terminal table, CSV (RFC 4180), JSON lines. One record in, text out. */
#ifndef TW_SINK_H
#define TW_SINK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "record.h"

enum tw_format {
	TW_FORMAT_TABLE,
	TW_FORMAT_CSV,
	TW_FORMAT_JSON,
};

struct tw_sink;

/* How a sink lays out its output; only the table has choices. A zeroed struct is the default. */
struct tw_sink_opts {
	/* Table: every column in full, whatever the terminal width (--wide). */
	bool wide;
	/*
	 * Table: the width, in terminal columns, to fit each row into. 0: the COLUMNS
	 * environment variable when it is a number, else the width of @out when it is a
	 * terminal, else no limit (a file or a pipe gets every column in full, as with @wide).
	 */
	unsigned int columns;
	/* Continue an existing file: no header now (see tw_sink_new_append()). */
	bool append;
};

/* Parse "table", "csv" or "json". Returns 0, or -EINVAL for anything else. */
int tw_format_parse(const char *name, enum tw_format *fmt);

/*
 * Create a sink writing to @out (borrowed; the caller closes it after tw_sink_close()).
 * @realtime_offset_ns is CLOCK_REALTIME - CLOCK_MONOTONIC, used to print ts_ns as an
 * RFC 3339 UTC timestamp. CSV writes its header row here. Returns NULL on failure
 * (allocation or write error), with nothing written.
 */
struct tw_sink *tw_sink_new(enum tw_format fmt, FILE *out, int64_t realtime_offset_ns);

/*
 * A sink that continues an existing file (-o appends to a log): no header is written.
 * NULL on failure. Free with tw_sink_close().
 */
struct tw_sink *tw_sink_new_append(enum tw_format fmt, FILE *out, int64_t realtime_offset_ns);

/*
 * tw_sink_new(), or tw_sink_new_append() when @opts->append, with layout options @opts
 * (NULL: defaults).
 */
struct tw_sink *tw_sink_new_opts(enum tw_format fmt, FILE *out, int64_t realtime_offset_ns,
				 const struct tw_sink_opts *opts);

/*
 * Write what a new file starts with (the CSV header, the table's column titles), e.g. after
 * the output was reopened on an empty file. Returns 0, -ENOMEM or -EIO.
 */
int tw_sink_start_file(struct tw_sink *sink);

/* Write one record. Returns 0, or -ENOMEM / -EIO (stream error: disk full, closed pipe). */
int tw_sink_write(struct tw_sink *sink, const struct tw_record *rec);

/*
 * Flush the stream, check ferror(), free the sink. Returns 0, or -EIO when any write
 * since creation failed (a full disk is an error, not silence). Accepts NULL.
 */
int tw_sink_close(struct tw_sink *sink);

#endif
