// SPDX-License-Identifier: GPL-2.0
/* sink.c - output sink dispatch: format parsing, shared columns, timestamps, error tracking. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sink-impl.h"

const char *const tw_column_names[TW_COL_NR] = {
	"timestamp",	"ts_ns",	"event",	"pid",
	"tid",		"ppid",		"uid",		"comm",
	"filename",	"path",		"exe",		"cwd",
	"argv",		"cgroup_id",	"cgroup_path",	"container_id",
	"container_runtime", "pod_uid", "path_source", "cwd_source",
	"argv_source",	"error",	"lost",		"cpu",
};

int tw_format_parse(const char *name, enum tw_format *fmt)
{
	if (!strcmp(name, "table"))
		*fmt = TW_FORMAT_TABLE;
	else if (!strcmp(name, "csv"))
		*fmt = TW_FORMAT_CSV;
	else if (!strcmp(name, "json"))
		*fmt = TW_FORMAT_JSON;
	else
		return -EINVAL;
	return 0;
}

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
		return rec->path_source;
	case TW_COL_CWD_SOURCE:
		return rec->cwd_source;
	case TW_COL_ARGV_SOURCE:
		return rec->argv_source;
	case TW_COL_ERROR:
		return rec->error;
	default:
		return NULL;
	}
}

void tw_sink_timestamp(const struct tw_sink *s, uint64_t ts_ns, char *buf, size_t size)
{
	int64_t real = (int64_t)ts_ns + s->realtime_offset_ns;
	time_t sec = (time_t)(real / 1000000000);
	long nsec = (long)(real % 1000000000);
	struct tm tm;

	if (nsec < 0) {
		nsec += 1000000000;
		sec--;
	}
	gmtime_r(&sec, &tm);
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, nsec);
}

int tw_sink_put_line(struct tw_sink *s)
{
	if (s->error)
		return s->error;
	if (fwrite(s->line.data, 1, s->line.len, s->out) != s->line.len || ferror(s->out))
		s->error = -EIO;
	return s->error;
}

struct tw_sink *tw_sink_new(enum tw_format fmt, FILE *out, int64_t realtime_offset_ns)
{
	struct tw_sink *s = tw_calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	switch (fmt) {
	case TW_FORMAT_CSV:
		s->ops = &tw_sink_csv_ops;
		break;
	case TW_FORMAT_JSON:
		s->ops = &tw_sink_json_ops;
		break;
	default:
		s->ops = &tw_sink_table_ops;
		break;
	}
	s->out = out;
	s->realtime_offset_ns = realtime_offset_ns;
	if (s->ops->begin && s->ops->begin(s)) {
		tw_buf_release(&s->line);
		tw_buf_release(&s->field);
		free(s);
		return NULL;
	}
	return s;
}

int tw_sink_write(struct tw_sink *sink, const struct tw_record *rec)
{
	int ret;

	if (sink->error)
		return sink->error;
	tw_buf_reset(&sink->line);
	ret = sink->ops->write(sink, rec);
	if (ret)
		return ret;
	return tw_sink_put_line(sink);
}

int tw_sink_close(struct tw_sink *sink)
{
	int ret;

	if (!sink)
		return 0;
	ret = sink->error;
	if (fflush(sink->out) || ferror(sink->out))
		ret = -EIO;
	tw_buf_release(&sink->line);
	tw_buf_release(&sink->field);
	free(sink);
	return ret;
}
