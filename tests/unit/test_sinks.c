// SPDX-License-Identifier: GPL-2.0
/* test_sinks.c - CSV, JSON and table sinks: exact layout, hostile names, write errors, allocation failures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <iconv.h>
#include <locale.h>
#include <wchar.h>
#include <cmocka.h>
#include <cjson/cJSON.h>

#include "sink.h"
#include "util.h"

/*
 * Every expected value here is written by hand from the output contract (DESIGN.md, the
 * escaping rule of escape.h), not copied from a run.
 */

#define NCOLS 39
#define SEC 1000000000ll

/* CLOCK_REALTIME - CLOCK_MONOTONIC that puts monotonic 0 at 2001-09-09T01:46:40Z (1e9 s). */
#define OFF_1E9 (1000000000ll * SEC)

static const char *const csv_header =
	"timestamp,ts_ns,event,pid,tid,ppid,uid,comm,filename,path,exe,cwd,argv,cgroup_id,"
	"cgroup_path,container_id,container_runtime,pod_uid,path_source,cwd_source,argv_source,"
	"error,lost,cpu,failed_attempts,exec_id,parent_exec_id,parent_path,exit_code,signal,start_ns,duration_ns,start_source,"
	"interpreter,exe_source,path_check,euid,loginuid,uid_source\n";

/* Column numbers in the CSV row. */
enum {
	C_TIMESTAMP, C_TS_NS, C_EVENT, C_PID, C_TID, C_PPID, C_UID, C_COMM, C_FILENAME, C_PATH,
	C_EXE, C_CWD, C_ARGV, C_CGROUP_ID, C_CGROUP_PATH, C_CONTAINER_ID, C_CONTAINER_RUNTIME,
	C_POD_UID, C_PATH_SOURCE, C_CWD_SOURCE, C_ARGV_SOURCE, C_ERROR, C_LOST, C_CPU,
	C_FAILED_ATTEMPTS, C_EXEC_ID, C_PARENT_EXEC_ID, C_PARENT_PATH,
};

static char *dup_bytes(const char *p, size_t n)
{
	char *d = malloc(n ? n : 1);

	assert_non_null(d);
	memcpy(d, p, n);
	return d;
}

#define SET_ARGV(r, lit)                                              \
	do {                                                          \
		(r)->argv = dup_bytes(lit, sizeof(lit) - 1);          \
		(r)->argv_len = sizeof(lit) - 1;                      \
	} while (0)

/* A record whose names try to split rows, forge fields and drive the terminal. */
static struct tw_record *hostile(void)
{
	struct tw_record *r = tw_record_new(TW_REC_EXEC);

	assert_non_null(r);
	r->ts_ns = 1234567890123456789ull;	/* > 2^53: a double would round it */
	r->pid = 42;
	r->tid = 43;
	r->ppid = 0;				/* unknown */
	r->uid = 0;				/* root: known */
	r->comm = strdup("a,b\x1b");
	r->filename = strdup("./x \"y\"\n");
	r->path = strdup("/tmp/d,\xff/\xe2\x80\xae" "exe");
	r->cwd = strdup(" lead");
	SET_ARGV(r, "./x y\0a,b\0it's\0\0line\nbreak\0");
	r->cgroup_id = UINT64_MAX;
	r->cgroup_path = strdup("/sys\tslice");
	r->container_id = strdup("");		/* known to be empty: differs from unknown */
	r->path_source = TW_PROV_CWD;
	r->cwd_source = TW_PROV_UPROBE;
	r->argv_source = TW_PROV_PROC;
	return r;
}

/* What hostile() must give, field by field, after escaping (and CSV unquoting). */
#define H_TIMESTAMP "2009-02-13T23:31:30.123456789Z"	/* 1234567890 s is 23:31:30 UTC */
#define H_COMM "a,b\\x1b"
#define H_FILENAME "./x \"y\"\\n"
#define H_PATH "/tmp/d,\\xff/\\u{202E}exe"
#define H_ARGV "'./x y' a,b 'it'\\''s' '' 'line\\nbreak'"

/*
 * A strict RFC 4180 reader for one record on one line: fields are copied into @f; returns the
 * number of fields, or -1 when the text is not well-formed CSV (a quote inside an unquoted
 * field, text after a closing quote, an unterminated quote, a line break inside the record).
 */
/* Room for one parsed field: 255 bytes escaped to at most 4 bytes each, and more. */
#define FIELD_MAX 2048

static int parse_csv_line(const char *s, char f[][FIELD_MAX], int max)
{
	int n = 0;

	for (;;) {
		size_t k = 0;

		if (n == max)
			return -1;
		if (*s == '"') {
			for (s++;; s++) {
				if (*s == '\0' || *s == '\n')
					return -1;
				if (*s == '"' && s[1] == '"')
					s++;
				else if (*s == '"')
					break;
				if (k + 1 >= FIELD_MAX)
					return -1;
				f[n][k++] = *s;
			}
			s++;
		} else {
			for (; *s && *s != ',' && *s != '\n'; s++) {
				if (*s == '"' || *s == '\r' || k + 1 >= FIELD_MAX)
					return -1;
				f[n][k++] = *s;
			}
		}
		f[n++][k] = '\0';
		if (*s == ',') {
			s++;
			continue;
		}
		if (*s != '\n' || s[1] != '\0')
			return -1;
		return n;
	}
}

static int count_lines(const char *text)
{
	int n = 0;

	for (; *text; text++)
		n += *text == '\n';
	return n;
}

/* Run records through a new sink into memory; returns the text (free it). */
static char *run_sink_n(enum tw_format fmt, int64_t off, struct tw_record **recs, int n)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct tw_sink *s;
	int i;

	assert_non_null(f);
	s = tw_sink_new(fmt, f, off);
	assert_non_null(s);
	for (i = 0; i < n; i++)
		assert_int_equal(tw_sink_write(s, recs[i]), 0);
	assert_int_equal(tw_sink_close(s), 0);
	assert_int_equal(fclose(f), 0);
	assert_non_null(text);
	assert_int_equal(strlen(text), len);	/* no NUL byte in the output */
	return text;
}

static char *run_sink(enum tw_format fmt, int64_t off, struct tw_record *rec)
{
	return run_sink_n(fmt, off, &rec, rec ? 1 : 0);
}

/* Run records through a table sink with @opts into memory; returns the text (free it). */
static char *run_table(const struct tw_sink_opts *opts, int64_t off, struct tw_record **recs,
		       int n)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct tw_sink *s;
	int i;

	assert_non_null(f);
	s = tw_sink_new_opts(TW_FORMAT_TABLE, f, off, opts);
	assert_non_null(s);
	for (i = 0; i < n; i++)
		assert_int_equal(tw_sink_write(s, recs[i]), 0);
	assert_int_equal(tw_sink_close(s), 0);
	assert_int_equal(fclose(f), 0);
	assert_non_null(text);
	assert_int_equal(strlen(text), len);
	return text;
}

/* The text after the header line. */
static const char *body(const char *text)
{
	const char *nl = strchr(text, '\n');

	assert_non_null(nl);
	return nl + 1;
}

/* glibc's strict UTF-8 decoder accepts the whole of @s. */
static void assert_valid_utf8(const char *s)
{
	iconv_t cd = iconv_open("UTF-32LE", "UTF-8");
	size_t n = strlen(s), inleft = n, outleft = 4 * n + 4;
	char *buf = malloc(outleft), *in = (char *)s, *out = buf;

	assert_true(cd != (iconv_t)-1);
	assert_int_not_equal(iconv(cd, &in, &inleft, &out, &outleft), (size_t)-1);
	assert_int_equal(inleft, 0);
	iconv_close(cd);
	free(buf);
}

/* ------------------------------------------------------------------ format names */

static void test_format_parse(void **state)
{
	enum tw_format fmt = TW_FORMAT_TABLE;

	assert_int_equal(tw_format_parse("csv", &fmt), 0);
	assert_int_equal(fmt, TW_FORMAT_CSV);
	assert_int_equal(tw_format_parse("json", &fmt), 0);
	assert_int_equal(fmt, TW_FORMAT_JSON);
	assert_int_equal(tw_format_parse("table", &fmt), 0);
	assert_int_equal(fmt, TW_FORMAT_TABLE);
	/* Anything else is -EINVAL and leaves @fmt alone. */
	fmt = TW_FORMAT_CSV;
	assert_int_equal(tw_format_parse("xml", &fmt), -EINVAL);
	assert_int_equal(tw_format_parse("", &fmt), -EINVAL);
	assert_int_equal(tw_format_parse("CSV", &fmt), -EINVAL);
	assert_int_equal(tw_format_parse("jsonl", &fmt), -EINVAL);
	assert_int_equal(fmt, TW_FORMAT_CSV);
	/* And a format number that is none of them gives no sink. */
	assert_null(tw_sink_new((enum tw_format)42, stdout, 0));
	assert_int_equal(tw_sink_close(NULL), 0);
	tw_fault_inject_after(-1);
}

/* ------------------------------------------------------------------ CSV */

static void test_csv_header(void **state)
{
	char *text = run_sink(TW_FORMAT_CSV, 0, NULL);

	assert_string_equal(text, csv_header);
	free(text);
	tw_fault_inject_after(-1);
}

static void test_csv_hostile_one_row(void **state)
{
	struct tw_record *r = hostile();
	char *text = run_sink(TW_FORMAT_CSV, 0, r);
	static char f[NCOLS + 1][FIELD_MAX];
	const char *row = body(text);

	/* Header + exactly one row, however many commas, quotes and newlines the names hold. */
	assert_int_equal(count_lines(text), 2);
	assert_int_equal(parse_csv_line(row, f, NCOLS + 1), NCOLS);
	assert_string_equal(f[C_TIMESTAMP], H_TIMESTAMP);
	assert_string_equal(f[C_TS_NS], "1234567890123456789");
	assert_string_equal(f[C_EVENT], "exec");
	assert_string_equal(f[C_PID], "42");
	assert_string_equal(f[C_TID], "43");
	assert_string_equal(f[C_PPID], "");		/* unknown */
	assert_string_equal(f[C_UID], "0");		/* root, known */
	assert_string_equal(f[C_COMM], H_COMM);
	assert_string_equal(f[C_FILENAME], H_FILENAME);
	assert_string_equal(f[C_PATH], H_PATH);
	assert_string_equal(f[C_EXE], "");		/* unknown */
	assert_string_equal(f[C_CWD], " lead");
	assert_string_equal(f[C_ARGV], H_ARGV);
	assert_string_equal(f[C_CGROUP_ID], "18446744073709551615");
	assert_string_equal(f[C_CGROUP_PATH], "/sys\\tslice");
	assert_string_equal(f[C_CONTAINER_ID], "");
	assert_string_equal(f[C_CONTAINER_RUNTIME], "");
	assert_string_equal(f[C_POD_UID], "");
	assert_string_equal(f[C_PATH_SOURCE], "cwd");
	assert_string_equal(f[C_CWD_SOURCE], "uprobe");
	assert_string_equal(f[C_ARGV_SOURCE], "proc");
	assert_string_equal(f[C_ERROR], "");
	assert_string_equal(f[C_LOST], "");		/* only on lost records */
	assert_string_equal(f[C_CPU], "");
	assert_string_equal(f[C_FAILED_ATTEMPTS], "");	/* not counted */
	assert_string_equal(f[C_EXEC_ID], "");
	assert_string_equal(f[C_PARENT_PATH], "");
	/* The exact text of the quoted fields: quotes doubled, leading space and "" kept. */
	assert_non_null(strstr(row, ",\"a,b\\x1b\",\"./x \"\"y\"\"\\n\",\"/tmp/d,\\xff/\\u{202E}exe\","
				    ",\" lead\","));
	assert_non_null(strstr(row, ",/sys\\tslice,\"\",,,cwd,"));
	assert_valid_utf8(text);
	free(text);
	tw_record_free(r);
	tw_fault_inject_after(-1);
}

/* Only what needs quotes gets them: comma, quote, a space at either end, an empty known value. */
static void test_csv_quoting(void **state)
{
	struct tw_record *r = tw_record_new(TW_REC_EXEC);
	char *text;

	r->ts_ns = 0;
	r->pid = 1;
	r->tid = 1;
	r->comm = strdup("plain name");		/* inner space: no quotes */
	r->filename = strdup("trail ");
	r->path = strdup("/a\"b");
	r->exe = strdup("\"");
	r->cwd = strdup("");
	SET_ARGV(r, "");			/* known, no argument at all */
	r->cgroup_path = strdup(",");
	text = run_sink(TW_FORMAT_CSV, OFF_1E9, r);
	assert_string_equal(body(text), "2001-09-09T01:46:40.000000000Z,0,exec,1,1,,,plain name,"
					"\"trail \",\"/a\"\"b\",\"\"\"\",\"\",\"\",,\",\",,,,,,,,,,,,,,,,,,,,,,,,\n");
	free(text);
	tw_record_free(r);
	tw_fault_inject_after(-1);
}

static void test_csv_lost_and_unknowns(void **state)
{
	struct tw_record *recs[3];
	char *text;
	int i;

	recs[0] = tw_record_new(TW_REC_LOST);
	recs[0]->ts_ns = 5;
	recs[0]->lost = 123;
	recs[0]->cpu = 1;
	recs[1] = tw_record_new(TW_REC_LOST);	/* amount and cpu unknown */
	recs[1]->ts_ns = 6;
	recs[2] = tw_record_new(TW_REC_EXIT);	/* lost/cpu fields mean nothing here */
	recs[2]->ts_ns = 7;
	recs[2]->pid = 9;
	recs[2]->tid = 10;
	recs[2]->ppid = 8;
	recs[2]->uid = 1000;
	recs[2]->lost = 99;
	recs[2]->cpu = 3;
	text = run_sink_n(TW_FORMAT_CSV, OFF_1E9, recs, 3);
	assert_string_equal(body(text),
			    "2001-09-09T01:46:40.000000005Z,5,lost,0,0,,,,,,,,,,,,,,,,,,123,1,,,,,,,,,,,,,,,\n"
			    "2001-09-09T01:46:40.000000006Z,6,lost,0,0,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,\n"
			    "2001-09-09T01:46:40.000000007Z,7,exit,9,10,8,1000,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,\n");
	free(text);
	for (i = 0; i < 3; i++)
		tw_record_free(recs[i]);
	tw_fault_inject_after(-1);
}

/* Every byte value in every string field: still one row of 28 fields, valid UTF-8. */
static void test_csv_all_bytes(void **state)
{
	struct tw_record *r = tw_record_new(TW_REC_EXEC);
	static char f[NCOLS + 1][FIELD_MAX];
	char all[256];
	char *text;
	int i;

	for (i = 1; i < 256; i++)
		all[i - 1] = (char)i;
	all[255] = '\0';
	r->comm = strdup(all);
	r->filename = strdup(all);
	r->cwd = strdup(all);
	r->argv = dup_bytes(all, 255);
	r->argv_len = 255;
	text = run_sink(TW_FORMAT_CSV, 0, r);
	assert_int_equal(count_lines(text), 2);
	assert_int_equal(parse_csv_line(body(text), f, NCOLS + 1), NCOLS);
	assert_valid_utf8(text);
	/* Spot checks by the rule; the CSV quoting of '"' and ',' is undone by the parser. */
	assert_memory_equal(f[C_COMM], "\\x01\\x02", 8);
	assert_non_null(strstr(f[C_COMM], "\\x08\\t\\n\\x0b\\x0c\\r\\x0e"));
	assert_non_null(strstr(f[C_COMM], " !\"#$%&'()*+,-./0123456789"));
	assert_non_null(strstr(f[C_COMM], "[\\\\]^_`a"));
	/* Bytes >= 0x80 in rising order never form a sequence: a lead is followed by a lead. */
	assert_non_null(strstr(f[C_COMM], "}~\\x7f\\x80\\x81"));
	assert_non_null(strstr(f[C_COMM], "\\xc1\\xc2\\xc3"));
	assert_string_equal(f[C_COMM] + strlen(f[C_COMM]) - 8, "\\xfe\\xff");
	assert_string_equal(f[C_FILENAME], f[C_COMM]);
	free(text);
	tw_record_free(r);
	tw_fault_inject_after(-1);
}

/* ------------------------------------------------------------------ JSON */

static void test_json_hostile(void **state)
{
	static const char *const keys[] = {
		"timestamp",   "ts_ns",	       "event",		"pid",
		"tid",	       "ppid",	       "uid",		"comm",
		"filename",    "path",	       "exe",		"cwd",
		"argv",	       "cgroup_id",    "cgroup_path",	"container_id",
		"container_runtime", "pod_uid", "path_source", "cwd_source",
		"argv_source", "error", "failed_attempts", "exec_id", "parent_exec_id",
		"parent_path", "interpreter", "exe_source", "path_check", "euid",
		"loginuid", "uid_source", "escaped",
	};
	struct tw_record *r = hostile();
	char *text = run_sink(TW_FORMAT_JSON, 0, r);
	cJSON *o, *argv, *it;
	size_t k = 0;

	/* One line, ending in "\n", that is one JSON object. */
	assert_int_equal(count_lines(text), 1);
	assert_int_equal(text[strlen(text) - 1], '\n');
	assert_int_equal(text[0], '{');
	assert_valid_utf8(text);
	o = cJSON_Parse(text);
	assert_non_null(o);
	assert_true(cJSON_IsObject(o));
	/* Keys in contract order; lost and cpu absent on a non-lost record. */
	for (it = o->child; it; it = it->next, k++) {
		assert_true(k < TW_ARRAY_SIZE(keys));
		assert_string_equal(it->string, keys[k]);
	}
	assert_int_equal(k, TW_ARRAY_SIZE(keys));
	/* 64-bit numbers are exact in the text (a double would print ...456800, ...551616). */
	assert_non_null(strstr(text, "\"ts_ns\":1234567890123456789,"));
	assert_non_null(strstr(text, "\"cgroup_id\":18446744073709551615,"));
	assert_non_null(strstr(text, "\"pid\":42,\"tid\":43,\"ppid\":null,\"uid\":0,"));
	assert_string_equal(cJSON_GetObjectItem(o, "timestamp")->valuestring, H_TIMESTAMP);
	assert_string_equal(cJSON_GetObjectItem(o, "event")->valuestring, "exec");
	/* Valid UTF-8 decodes to the exact bytes: ESC, quotes, newline, tab are themselves. */
	assert_string_equal(cJSON_GetObjectItem(o, "comm")->valuestring, "a,b\x1b");
	assert_string_equal(cJSON_GetObjectItem(o, "filename")->valuestring, "./x \"y\"\n");
	assert_string_equal(cJSON_GetObjectItem(o, "cwd")->valuestring, " lead");
	assert_string_equal(cJSON_GetObjectItem(o, "cgroup_path")->valuestring, "/sys\tslice");
	/* ... written with JSON's own escapes, so the line itself has no control byte. */
	assert_non_null(strstr(text, "\"comm\":\"a,b\\u001b\",\"filename\":\"./x \\\"y\\\"\\n\","));
	assert_non_null(strstr(text, "\"cgroup_path\":\"/sys\\tslice\","));
	/* path has the byte 0xff: byte-escaped text, "\xff" (JSON \\xff), and listed. */
	assert_string_equal(cJSON_GetObjectItem(o, "path")->valuestring,
			    "/tmp/d,\\xff/\xe2\x80\xae" "exe");
	assert_non_null(strstr(text, "\"path\":\"/tmp/d,\\\\xff/\\u202eexe\","));
	assert_non_null(strstr(text, ",\"escaped\":[\"path\"]}\n"));
	assert_string_equal(cJSON_GetObjectItem(o, "container_id")->valuestring, "");
	assert_string_equal(cJSON_GetObjectItem(o, "path_source")->valuestring, "cwd");
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "ppid")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "exe")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "container_runtime")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "error")));
	assert_null(cJSON_GetObjectItem(o, "lost"));
	assert_null(cJSON_GetObjectItem(o, "cpu"));
	/* argv: one exact string per argument, the empty one kept, no trailing empty one. */
	argv = cJSON_GetObjectItem(o, "argv");
	assert_true(cJSON_IsArray(argv));
	assert_int_equal(cJSON_GetArraySize(argv), 5);
	assert_string_equal(cJSON_GetArrayItem(argv, 0)->valuestring, "./x y");
	assert_string_equal(cJSON_GetArrayItem(argv, 1)->valuestring, "a,b");
	assert_string_equal(cJSON_GetArrayItem(argv, 2)->valuestring, "it's");
	assert_string_equal(cJSON_GetArrayItem(argv, 3)->valuestring, "");
	assert_string_equal(cJSON_GetArrayItem(argv, 4)->valuestring, "line\nbreak");
	cJSON_Delete(o);
	free(text);
	tw_record_free(r);
	tw_fault_inject_after(-1);
}

/* An exec record about which nothing is known: nulls, not zeros or empty strings. */
static void test_json_unknowns(void **state)
{
	struct tw_record *r = tw_record_new(TW_REC_EXEC);
	char *text = run_sink(TW_FORMAT_JSON, OFF_1E9, r);

	assert_string_equal(text, "{\"timestamp\":\"2001-09-09T01:46:40.000000000Z\",\"ts_ns\":0,"
				  "\"event\":\"exec\",\"pid\":0,\"tid\":0,\"ppid\":null,\"uid\":null,"
				  "\"comm\":null,\"filename\":null,\"path\":null,\"exe\":null,"
				  "\"cwd\":null,\"argv\":null,\"cgroup_id\":null,\"cgroup_path\":null,"
				  "\"container_id\":null,\"container_runtime\":null,\"pod_uid\":null,"
				  "\"path_source\":null,\"cwd_source\":null,\"argv_source\":null,"
				  "\"error\":null,\"failed_attempts\":null,\"exec_id\":null,"
				  "\"parent_exec_id\":null,\"parent_path\":null,"
				  "\"interpreter\":null,\"exe_source\":null,\"path_check\":null,"
				  "\"euid\":null,\"loginuid\":null,\"uid_source\":null}\n");
	free(text);
	tw_record_free(r);
	tw_fault_inject_after(-1);
}

static void test_json_lost(void **state)
{
	struct tw_record *recs[2];
	cJSON *o;
	char *text, *second;

	recs[0] = tw_record_new(TW_REC_LOST);
	recs[0]->ts_ns = 5;
	recs[0]->lost = 17;
	recs[0]->cpu = 0;			/* cpu 0 is a real cpu */
	recs[1] = tw_record_new(TW_REC_LOST);	/* amount and cpu unknown */
	text = run_sink_n(TW_FORMAT_JSON, OFF_1E9, recs, 2);
	assert_int_equal(count_lines(text), 2);
	assert_non_null(strstr(text, "\"error\":null,\"lost\":17,\"cpu\":0,\"failed_attempts\":null,"
				     "\"exec_id\":null,\"parent_exec_id\":null,\"parent_path\":null,"
				     "\"interpreter\":null,"));
	o = cJSON_Parse(text);	/* parses the first line: cJSON stops at its end */
	assert_non_null(o);
	assert_string_equal(cJSON_GetObjectItem(o, "event")->valuestring, "lost");
	assert_string_equal(cJSON_GetObjectItem(o, "timestamp")->valuestring,
			    "2001-09-09T01:46:40.000000005Z");
	assert_int_equal(cJSON_GetObjectItem(o, "lost")->valueint, 17);
	assert_int_equal(cJSON_GetObjectItem(o, "cpu")->valueint, 0);
	cJSON_Delete(o);
	second = strchr(text, '\n') + 1;
	assert_non_null(strstr(second, "\"error\":null,\"lost\":null,\"cpu\":null,\"failed_attempts\":null,"
				     "\"exec_id\":null,\"parent_exec_id\":null,\"parent_path\":null,"
				     "\"interpreter\":null,"));
	o = cJSON_Parse(second);
	assert_non_null(o);
	cJSON_Delete(o);
	free(text);
	tw_record_free(recs[0]);
	tw_record_free(recs[1]);
	tw_fault_inject_after(-1);
}

/*
 * The inverse of the byte-escaped form, written from escape.h (not from the encoder): "\\" is
 * a backslash, "\xHH" the byte HH. Returns a malloc'ed copy with its length in *@n.
 */
static unsigned char *byte_unescape(const char *v, size_t *n)
{
	unsigned char *out = malloc(strlen(v) + 1), *o = out;
	static const char hex[] = "0123456789abcdef";

	assert_non_null(out);
	while (*v) {
		if (*v != '\\') {
			*o++ = (unsigned char)*v++;
		} else if (v[1] == '\\') {
			*o++ = '\\';
			v += 2;
		} else {
			assert_int_equal(v[1], 'x');
			assert_non_null(v[2] ? strchr(hex, v[2]) : NULL);
			assert_non_null(v[3] ? strchr(hex, v[3]) : NULL);
			*o++ = (unsigned char)((strchr(hex, v[2]) - hex) * 16 + (strchr(hex, v[3]) - hex));
			v += 4;
		}
	}
	*n = (size_t)(o - out);
	return out;
}

/* Whether the record @o lists @key in "escaped". */
static bool listed(cJSON *o, const char *key)
{
	cJSON *e = cJSON_GetObjectItem(o, "escaped"), *it;

	if (!e)
		return false;
	assert_true(cJSON_IsArray(e));
	cJSON_ArrayForEach(it, e)
		if (!strcmp(it->valuestring, key))
			return true;
	return false;
}

/* The bytes a string value of @o stands for, by the README recipe: decoded, unescaped if listed. */
static unsigned char *value_bytes(cJSON *o, const char *key, cJSON *v, size_t *n)
{
	if (listed(o, key))
		return byte_unescape(v->valuestring, n);
	*n = strlen(v->valuestring);
	return (unsigned char *)strdup(v->valuestring);
}

/*
 * Every byte value 1..255 in the middle of a name and of an argument, one record each: a JSON
 * decoder (cJSON) plus the unescape of listed keys gives back exactly the bytes, and only
 * values that are not UTF-8 are listed.
 */
static void test_json_all_bytes(void **state)
{
	int c;

	for (c = 1; c < 256; c++) {
		char name[4] = { 'a', (char)c, 'z', 0 };
		char argv[6] = { 'p', 0, '\\', (char)c, 0, 0 };
		struct tw_record *r = tw_record_new(TW_REC_EXEC);
		unsigned char *got;
		cJSON *o, *av;
		size_t n;
		char *text;

		r->comm = strdup(name);
		r->path = strdup(name);
		r->argv = dup_bytes(argv, 5);
		r->argv_len = 5;
		text = run_sink(TW_FORMAT_JSON, 0, r);
		assert_int_equal(count_lines(text), 1);
		assert_valid_utf8(text);
		o = cJSON_Parse(text);
		assert_non_null(o);
		got = value_bytes(o, "path", cJSON_GetObjectItem(o, "path"), &n);
		assert_int_equal(n, 3);
		assert_memory_equal(got, name, 3);
		free(got);
		assert_int_equal(listed(o, "path"), c >= 0x80);
		assert_int_equal(listed(o, "comm"), c >= 0x80);
		/* Both arguments in one form: "p" is written as "p" either way (no backslash). */
		av = cJSON_GetObjectItem(o, "argv");
		assert_int_equal(cJSON_GetArraySize(av), 2);
		got = value_bytes(o, "argv", cJSON_GetArrayItem(av, 0), &n);
		assert_int_equal(n, 1);
		assert_memory_equal(got, "p", 1);
		free(got);
		got = value_bytes(o, "argv", cJSON_GetArrayItem(av, 1), &n);
		assert_int_equal(n, 2);
		assert_memory_equal(got, argv + 2, 2);
		free(got);
		assert_int_equal(listed(o, "argv"), c >= 0x80);
		cJSON_Delete(o);
		free(text);
		tw_record_free(r);
	}
	tw_fault_inject_after(-1);
}

/* One invalid argument puts every argument of argv in the byte-escaped form. */
static void test_json_argv_one_form(void **state)
{
	struct tw_record *r = tw_record_new(TW_REC_EXEC);
	char *text;

	SET_ARGV(r, "a\\b\0\xff\0c\n\0");
	r->cwd = strdup("/x\\y");
	text = run_sink(TW_FORMAT_JSON, 0, r);
	/* The backslash of the first, valid, argument is doubled in its value too. */
	assert_non_null(strstr(text, "\"argv\":[\"a\\\\\\\\b\",\"\\\\xff\",\"c\\n\"],"));
	/* cwd is valid UTF-8 and not listed: its backslash is just JSON's \\. */
	assert_non_null(strstr(text, "\"cwd\":\"/x\\\\y\","));
	assert_non_null(strstr(text, ",\"escaped\":[\"argv\"]}\n"));
	free(text);
	tw_record_free(r);
	tw_fault_inject_after(-1);
}

/* argv: NULL is null, present-but-empty is [], a lone NUL is [""]. */
static void test_json_argv_edges(void **state)
{
	struct tw_record *r = tw_record_new(TW_REC_EXEC);
	char *text;

	SET_ARGV(r, "");
	text = run_sink(TW_FORMAT_JSON, 0, r);
	assert_non_null(strstr(text, "\"argv\":[],"));
	free(text);
	free(r->argv);
	SET_ARGV(r, "\0");
	text = run_sink(TW_FORMAT_JSON, 0, r);
	assert_non_null(strstr(text, "\"argv\":[\"\"],"));
	free(text);
	free(r->argv);
	SET_ARGV(r, "a\0b");		/* no trailing NUL */
	text = run_sink(TW_FORMAT_JSON, 0, r);
	assert_non_null(strstr(text, "\"argv\":[\"a\",\"b\"],"));
	free(text);
	tw_record_free(r);
	tw_fault_inject_after(-1);
}

/* ------------------------------------------------------------------ timestamps */

static void ts_is(int64_t off, uint64_t ts, const char *want)
{
	struct tw_record *r = tw_record_new(TW_REC_EXIT);
	char *text, *got;
	cJSON *o;

	r->ts_ns = ts;
	text = run_sink(TW_FORMAT_JSON, off, r);
	o = cJSON_Parse(text);
	assert_non_null(o);
	got = cJSON_GetObjectItem(o, "timestamp")->valuestring;
	assert_string_equal(got, want);
	cJSON_Delete(o);
	free(text);
	tw_record_free(r);
}

static void test_timestamps(void **state)
{
	struct tw_record *recs[4];
	char *text;
	int i;

	ts_is(OFF_1E9, 0, "2001-09-09T01:46:40.000000000Z");
	ts_is(OFF_1E9, 123456789, "2001-09-09T01:46:40.123456789Z");
	ts_is(0, 0, "1970-01-01T00:00:00.000000000Z");
	ts_is(0, 1234567890123456789ull, "2009-02-13T23:31:30.123456789Z");
	/* The offset is negative when boot time is... never, but arithmetic must not care. */
	ts_is(-1, 0, "1969-12-31T23:59:59.999999999Z");
	ts_is(-SEC, 1, "1969-12-31T23:59:59.000000001Z");
	/* A leap day, and 2026-11-28T19:30:00Z (1795894200 s) split as monotonic + offset. */
	ts_is(1709208000 * SEC - 5 * SEC, 5 * SEC + 999, "2024-02-29T12:00:00.000000999Z");
	ts_is(1795894200 * SEC - 1000 * SEC, 1000 * SEC + 123456789,
	      "2026-11-28T19:30:00.123456789Z");
	/* One sink across second and day boundaries: the per-second cache must follow. */
	for (i = 0; i < 4; i++) {
		recs[i] = tw_record_new(TW_REC_EXIT);
		recs[i]->pid = recs[i]->tid = 1;
	}
	recs[0]->ts_ns = 86399 * SEC + 999999999;	/* last ns of day 1 */
	recs[1]->ts_ns = 86400 * SEC;			/* first ns of day 2 */
	recs[2]->ts_ns = 86400 * SEC + 1;		/* same second */
	recs[3]->ts_ns = 86399 * SEC;			/* back in time (another CPU) */
	text = run_sink_n(TW_FORMAT_CSV, 0, recs, 4);
	assert_string_equal(body(text),
			    "1970-01-01T23:59:59.999999999Z,86399999999999,exit,1,1,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,\n"
			    "1970-01-02T00:00:00.000000000Z,86400000000000,exit,1,1,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,\n"
			    "1970-01-02T00:00:00.000000001Z,86400000000001,exit,1,1,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,\n"
			    "1970-01-01T23:59:59.000000000Z,86399000000000,exit,1,1,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,\n");
	free(text);
	for (i = 0; i < 4; i++)
		tw_record_free(recs[i]);
	tw_fault_inject_after(-1);
}

/* ------------------------------------------------------------------ table */

static void test_table_layout(void **state)
{
	struct tw_sink_opts wide = { .wide = true, .columns = 80 };	/* wide wins */
	struct tw_record *recs[5];
	char *text;
	int i;

	for (i = 0; i < 5; i++)
		recs[i] = tw_record_new(i == 3 ? TW_REC_LOST : TW_REC_EXEC);
	recs[0]->ts_ns = 123456789;
	recs[0]->pid = 4242;
	recs[0]->tid = 4242;
	recs[0]->ppid = 1;
	recs[0]->uid = 1000;
	recs[0]->comm = strdup("ls");
	recs[0]->path = strdup("/usr/bin/ls");
	recs[0]->filename = strdup("ls");
	recs[0]->cwd = strdup("/home/u");
	SET_ARGV(recs[0], "ls\0-l\0");
	/* Unresolved: "?" and the name as passed; unknown ppid, uid and cwd as "?". */
	recs[1]->ts_ns = 1;
	recs[1]->pid = 7;
	recs[1]->tid = 7;
	recs[1]->comm = strdup("sh");
	recs[1]->filename = strdup("./prog");
	/* A failed exec, and a comm made longer by escaping. */
	recs[2]->type = TW_REC_EXEC_FAILED;
	recs[2]->pid = 8;
	recs[2]->tid = 8;
	recs[2]->ppid = 7;
	recs[2]->uid = 0;
	recs[2]->comm = strdup("\x1b");
	recs[2]->filename = strdup("/nope");
	recs[2]->cwd = strdup("/");
	recs[2]->error = "ENOENT";
	recs[3]->lost = 123;
	recs[3]->cpu = 1;
	/* The next day: a date line again; --wide lets a long value push the rest right. */
	recs[4]->ts_ns = 86400 * SEC;
	recs[4]->pid = 9;
	recs[4]->tid = 9;
	recs[4]->ppid = 8;
	recs[4]->uid = 100000;
	recs[4]->comm = strdup("cc1plus");
	recs[4]->path = strdup("/usr/lib/gcc/x86_64-linux-gnu/12/cc1plus");
	recs[4]->cwd = strdup("/src");
	SET_ARGV(recs[4], "cc1plus\0-quiet\0");
	text = run_table(&wide, OFF_1E9, recs, 5);
	assert_string_equal(text,
		"TIME(UTC)    EVENT      PID    PPID   UID COMM             PATH             CWD          ARGS\n"
		"--- 2001-09-09 UTC ---\n"
		"01:46:40.123 exec      4242       1  1000 ls               /usr/bin/ls      /home/u      ls -l\n"
		"01:46:40.000 exec         7       ?     ? sh               ?./prog          ?\n"
		"01:46:40.000 FAILED       8       7     0 \\x1b             ?/nope [ENOENT]  /\n"
		"01:46:40.000 LOST   123 events on cpu 1\n"
		"--- 2001-09-10 UTC ---\n"
		"01:46:40.000 exec         9       8 100000 cc1plus          /usr/lib/gcc/x86_64-linux-gnu/12/cc1plus /src         cc1plus -quiet\n");
	free(text);
	for (i = 0; i < 5; i++)
		tw_record_free(recs[i]);
	tw_fault_inject_after(-1);
}

static void test_table_lost_unknown(void **state)
{
	struct tw_record *r = tw_record_new(TW_REC_LOST);
	char *text = run_table(NULL, OFF_1E9, &r, 1);

	assert_string_equal(body(text), "--- 2001-09-09 UTC ---\n"
					"01:46:40.000 LOST   an unknown number of events on an unknown cpu\n");
	free(text);
	tw_record_free(r);
	tw_fault_inject_after(-1);
}

/* Display width of a line of the table, counted by glibc's wcwidth() in C.UTF-8. */
static int line_width(const char *s, size_t n)
{
	locale_t loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0), old;
	mbstate_t st;
	int w = 0;

	assert_non_null(loc);
	old = uselocale(loc);
	memset(&st, 0, sizeof(st));
	while (n) {
		wchar_t wc;
		size_t k = mbrtowc(&wc, s, n, &st);

		assert_true(k != (size_t)-1 && k != (size_t)-2 && k != 0);
		assert_true(wcwidth(wc) >= 0);
		w += wcwidth(wc);
		s += k;
		n -= k;
	}
	uselocale(old);
	freelocale(loc);
	return w;
}

/* Every line of @text is at most @cols wide. */
static void assert_fits(const char *text, int cols)
{
	while (*text) {
		const char *nl = strchr(text, '\n');

		assert_non_null(nl);
		if (line_width(text, (size_t)(nl - text)) > cols)
			fail_msg("wider than %d: %.*s", cols, (int)(nl - text), text);
		text = nl + 1;
	}
}

/* Hostile and long values for the 80- and 200-column layouts. */
static void narrow_records(struct tw_record *recs[4])
{
	int i;

	for (i = 0; i < 4; i++) {
		recs[i] = tw_record_new(TW_REC_EXEC);
		recs[i]->ts_ns = 0;
		recs[i]->pid = 4242 + i;
		recs[i]->tid = 4242 + i;
		recs[i]->ppid = 1;
		recs[i]->uid = 1000;
	}
	recs[0]->ts_ns = 123456789;
	recs[0]->comm = strdup("ls");
	recs[0]->path = strdup("/usr/bin/ls");
	recs[0]->cwd = strdup("/home/u");
	SET_ARGV(recs[0], "ls\0-l\0");
	/* Longer than every column. */
	recs[1]->comm = strdup("cc1plus");
	recs[1]->path = strdup("/usr/lib/gcc/x86_64-linux-gnu/12/cc1plus");
	recs[1]->cwd = strdup("/home/user/projects/tracewatch/src");
	SET_ARGV(recs[1], "cc1plus\0-quiet\0-imultiarch\0x86_64-linux-gnu\0");
	/* Wide characters, an invalid byte and escapes (ESC, bidi) that must not be split. */
	recs[2]->ppid = 0;
	recs[2]->uid = 100000;	/* 6 digits in a 5-wide column */
	recs[2]->comm = strdup("\x1b\x1b\x1b\x1b\x1b\x1b\x1b\x1b\x1b\x1b\x1b\x1b\x1b\x1b\x1b");
	recs[2]->path = strdup("/tmp/\xe6\x97\xa5\xe6\x9c\xac/\xe2\x80\xae" "exe");
	recs[2]->cwd = strdup("/tmp/\xff dir");
	/* A path of wide characters only, cut between two of them. */
	recs[3]->comm = strdup("x");
	recs[3]->path = strdup("/d/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"
			       "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e");
	recs[3]->cwd = strdup("/tmp/\x1b\x1b\x1b\x1b");
	SET_ARGV(recs[3], "printf\0a\x1b" "b\n\0");
}

/*
 * 80 columns: UID, PPID and COMM dropped; PATH 20, CWD 14, ARGS 16 wide (the 10 columns
 * beyond the least widths 16+12+12 shared 2:1:2). Paths keep their end, ARGS its start.
 */
static void test_table_80(void **state)
{
	struct tw_sink_opts o = { .columns = 80 };
	struct tw_record *recs[4];
	char *text;
	int i;

	narrow_records(recs);
	text = run_table(&o, OFF_1E9, recs, 4);
	assert_string_equal(text,
		"TIME(UTC)    EVENT      PID PATH                 CWD            ARGS\n"
		"--- 2001-09-09 UTC ---\n"
		"01:46:40.123 exec      4242 /usr/bin/ls          /home/u        ls -l\n"
		"01:46:40.000 exec      4243 \xe2\x80\xa6inux-gnu/12/cc1plus \xe2\x80\xa6racewatch/src cc1plus -quiet \xe2\x80\xa6\n"
		"01:46:40.000 exec      4244 \xe2\x80\xa6mp/\xe6\x97\xa5\xe6\x9c\xac/\\u{202E}exe /tmp/\\xff dir\n"
		"01:46:40.000 exec      4245 \xe2\x80\xa6\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e  \xe2\x80\xa6\\x1b\\x1b\\x1b  printf 'a\\x1bb\xe2\x80\xa6\n");
	assert_fits(text, 80);
	free(text);
	for (i = 0; i < 4; i++)
		tw_record_free(recs[i]);
	tw_fault_inject_after(-1);
}

/*
 * 200 columns: every column; PATH 55, CWD 31, ARGS 53 (99 columns beyond the least widths:
 * 39, 19, and the rest, 41, to ARGS). The 6-digit UID takes its extra column from COMM.
 */
static void test_table_200(void **state)
{
	struct tw_sink_opts o = { .columns = 200 };
	struct tw_record *recs[4];
	char *text;
	int i;

	narrow_records(recs);
	text = run_table(&o, OFF_1E9, recs, 4);
	assert_string_equal(text,
		"TIME(UTC)    EVENT      PID    PPID   UID COMM             PATH                                                    CWD                             ARGS\n"
		"--- 2001-09-09 UTC ---\n"
		"01:46:40.123 exec      4242       1  1000 ls               /usr/bin/ls                                             /home/u                         ls -l\n"
		"01:46:40.000 exec      4243       1  1000 cc1plus          /usr/lib/gcc/x86_64-linux-gnu/12/cc1plus                \xe2\x80\xa6" "e/user/projects/tracewatch/src cc1plus -quiet -imultiarch x86_64-linux-gnu\n"
		"01:46:40.000 exec      4244       ? 100000 \\x1b\\x1b\\x1b\xe2\x80\xa6   /tmp/\xe6\x97\xa5\xe6\x9c\xac/\\u{202E}exe                                   /tmp/\\xff dir\n"
		"01:46:40.000 exec      4245       1  1000 x                /d/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e                             /tmp/\\x1b\\x1b\\x1b\\x1b           printf 'a\\x1bb\\n'\n");
	assert_fits(text, 200);
	free(text);
	for (i = 0; i < 4; i++)
		tw_record_free(recs[i]);
	tw_fault_inject_after(-1);
}

/* Narrower and narrower: columns go in the documented order, rows never wrap until 44. */
static void test_table_drop_order(void **state)
{
	static const struct {
		unsigned int cols;
		const char *header;
	} cases[] = {
		{ 101, "TIME(UTC)    EVENT      PID    PPID   UID COMM             PATH             CWD          ARGS\n" },
		/* UID dropped; 5 columns to spare: PATH +2, CWD +1, ARGS +2 */
		{ 100, "TIME(UTC)    EVENT      PID    PPID COMM             PATH               CWD           ARGS\n" },
		/* PPID dropped too; 7 to spare: PATH +2, CWD +1, ARGS +4 */
		{ 94, "TIME(UTC)    EVENT      PID COMM             PATH               CWD           ARGS\n" },
		/* COMM dropped; 16 to spare: PATH +6, CWD +3, ARGS +7 */
		{ 86, "TIME(UTC)    EVENT      PID PATH                   CWD             ARGS\n" },
		/* ARGS dropped; 12 to spare: PATH +8, CWD +4 */
		{ 69, "TIME(UTC)    EVENT      PID PATH                     CWD\n" },
		{ 56, "TIME(UTC)    EVENT      PID PATH\n" },
		{ 30, "TIME(UTC)    EVENT      PID PATH\n" },	/* narrower: rows are 44 wide */
	};
	size_t k;

	for (k = 0; k < TW_ARRAY_SIZE(cases); k++) {
		struct tw_sink_opts o = { .columns = cases[k].cols };
		char *text = run_table(&o, 0, NULL, 0);

		assert_string_equal(text, cases[k].header);
		free(text);
	}
	tw_fault_inject_after(-1);
}

/* The width comes from COLUMNS when the options leave it open; a file gets no limit. */
static void test_table_columns_env(void **state)
{
	char *text;

	setenv("COLUMNS", "56", 1);
	text = run_table(NULL, 0, NULL, 0);
	assert_string_equal(text, "TIME(UTC)    EVENT      PID PATH\n");
	free(text);
	setenv("COLUMNS", "wide", 1);	/* not a number: ignored */
	text = run_table(NULL, 0, NULL, 0);
	assert_string_equal(text, "TIME(UTC)    EVENT      PID    PPID   UID COMM             PATH             CWD          ARGS\n");
	free(text);
	unsetenv("COLUMNS");
	tw_fault_inject_after(-1);
}

/* No raw control byte (C0, DEL, C1, bidi) reaches the terminal from any field. */
static void test_table_no_control_bytes(void **state)
{
	static const unsigned int widths[] = { 0, 80, 200 };
	size_t k;

	for (k = 0; k < TW_ARRAY_SIZE(widths); k++) {
		struct tw_sink_opts o = { .wide = !widths[k], .columns = widths[k] };
		struct tw_record *r = hostile();
		const unsigned char *p;
		char *text;

		free(r->comm);
		r->comm = strdup("\x1b]0;pwn\x07\xc2\x9b");
		r->error = "E\x1b[2J";
		text = run_table(&o, 0, &r, 1);
		assert_int_equal(count_lines(text), 3);
		assert_int_equal(text[strlen(text) - 1], '\n');
		for (p = (const unsigned char *)text; *p; p++) {
			if (*p == '\n')
				continue;
			assert_true(*p >= 0x20 && *p != 0x7f);
			/* C1 controls are c2 80..c2 9f in UTF-8; U+202E is e2 80 ae. */
			if (*p == 0xc2)
				assert_false(p[1] >= 0x80 && p[1] <= 0x9f);
			if (*p == 0xe2)
				assert_false(p[1] == 0x80 && p[2] == 0xae);
		}
		assert_valid_utf8(text);
		if (!widths[k]) {
			assert_non_null(strstr(text, " \\x1b]0;pwn\\x07\\u{009B} "));
			assert_non_null(strstr(text, " " H_PATH " [E\\x1b[2J]  lead "));
			assert_non_null(strstr(text, " " H_ARGV "\n"));
			assert_non_null(strstr(text, "23:31:30.123 exec        42       ?     0 "));
		} else {
			assert_fits(text, (int)widths[k]);
		}
		free(text);
		tw_record_free(r);
	}
	tw_fault_inject_after(-1);
}

/* ------------------------------------------------------------------ write errors */

static FILE *open_full(int unbuffered)
{
	FILE *f = fopen("/dev/full", "w");

	assert_non_null(f);
	if (unbuffered)
		setvbuf(f, NULL, _IONBF, 0);
	return f;
}

/* A full disk is an error, not silence: on the write itself, sticky, and at close. */
static void test_write_error(void **state)
{
	struct tw_record *r = hostile();
	struct tw_sink *s;
	FILE *f;

	/* Unbuffered: the write fails at once and stays failed. */
	f = open_full(1);
	s = tw_sink_new(TW_FORMAT_JSON, f, 0);
	assert_non_null(s);
	assert_int_equal(tw_sink_write(s, r), -EIO);
	assert_int_equal(tw_sink_write(s, r), -EIO);
	assert_int_equal(tw_sink_close(s), -EIO);
	fclose(f);
	/* Formats with a header fail already in tw_sink_new(). */
	f = open_full(1);
	assert_null(tw_sink_new(TW_FORMAT_CSV, f, 0));
	fclose(f);
	f = open_full(1);
	assert_null(tw_sink_new(TW_FORMAT_TABLE, f, 0));
	fclose(f);
	/* Buffered: writes land in the stdio buffer; the flush at close reports the loss. */
	f = open_full(0);
	s = tw_sink_new(TW_FORMAT_CSV, f, 0);
	assert_non_null(s);
	assert_int_equal(tw_sink_write(s, r), 0);
	assert_int_equal(tw_sink_close(s), -EIO);
	fclose(f);
	/* A stream already in error. */
	f = open_full(0);
	fputs("x", f);
	fflush(f);
	assert_true(ferror(f));
	s = tw_sink_new(TW_FORMAT_JSON, f, 0);
	assert_non_null(s);
	assert_int_equal(tw_sink_write(s, r), -EIO);
	assert_int_equal(tw_sink_close(s), -EIO);
	fclose(f);
	tw_record_free(r);
	tw_fault_inject_after(-1);
}

/* ------------------------------------------------------------------ allocation failures */

/*
 * Fail the 1st, 2nd, ... allocation of new + write + close until a run sees no failure.
 * Each call must succeed or fail cleanly, the output must hold only whole lines, and a sink
 * whose write failed for memory must still write the record afterwards. ASan sees leaks.
 */
static void alloc_failures(enum tw_format fmt)
{
	struct tw_record *r = hostile();
	char *want = run_sink(fmt, 0, r);
	long n;

	for (n = 0; n < 1000; n++) {
		char *text = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&text, &len);
		struct tw_sink *s;
		long injected;
		int wret = -1, cret = -1;

		assert_non_null(f);
		tw_fault_inject_after(n);
		s = tw_sink_new(fmt, f, 0);
		if (s) {
			wret = tw_sink_write(s, r);
			assert_true(wret == 0 || wret == -ENOMEM);
		}
		injected = tw_fault_injected();
		tw_fault_inject_after(-1);
		if (s && wret == -ENOMEM)
			assert_int_equal(tw_sink_write(s, r), 0);	/* still usable */
		if (s) {
			cret = tw_sink_close(s);
			assert_int_equal(cret, 0);
		}
		assert_int_equal(fclose(f), 0);
		if (!s) {
			assert_true(injected > 0);
			assert_int_equal(len, 0);	/* nothing written */
		} else {
			/* Whatever failed, the output is exactly the full, correct text. */
			assert_string_equal(text, want);
		}
		free(text);
		if (!injected) {
			assert_non_null(s);
			assert_int_equal(wret, 0);
			break;
		}
	}
	assert_true(n > 0 && n < 1000);
	free(want);
	tw_record_free(r);
	tw_fault_inject_after(-1);
}

static void test_alloc_failures_csv(void **state)
{
	alloc_failures(TW_FORMAT_CSV);
}

static void test_alloc_failures_json(void **state)
{
	alloc_failures(TW_FORMAT_JSON);
}

static void test_alloc_failures_table(void **state)
{
	alloc_failures(TW_FORMAT_TABLE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_parse),
		cmocka_unit_test(test_csv_header),
		cmocka_unit_test(test_csv_hostile_one_row),
		cmocka_unit_test(test_csv_quoting),
		cmocka_unit_test(test_csv_lost_and_unknowns),
		cmocka_unit_test(test_csv_all_bytes),
		cmocka_unit_test(test_json_hostile),
		cmocka_unit_test(test_json_unknowns),
		cmocka_unit_test(test_json_lost),
		cmocka_unit_test(test_json_all_bytes),
		cmocka_unit_test(test_json_argv_one_form),
		cmocka_unit_test(test_json_argv_edges),
		cmocka_unit_test(test_timestamps),
		cmocka_unit_test(test_table_layout),
		cmocka_unit_test(test_table_lost_unknown),
		cmocka_unit_test(test_table_80),
		cmocka_unit_test(test_table_200),
		cmocka_unit_test(test_table_drop_order),
		cmocka_unit_test(test_table_columns_env),
		cmocka_unit_test(test_table_no_control_bytes),
		cmocka_unit_test(test_write_error),
		cmocka_unit_test(test_alloc_failures_csv),
		cmocka_unit_test(test_alloc_failures_json),
		cmocka_unit_test(test_alloc_failures_table),
	};

	/* The table's width must not come from the environment the tests run in. */
	unsetenv("COLUMNS");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
