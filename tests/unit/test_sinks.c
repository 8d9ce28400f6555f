// SPDX-License-Identifier: GPL-2.0
/* test_sinks.c - CSV, JSON and table sinks: exact layout, hostile names, write errors, allocation failures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <cjson/cJSON.h>

#include "sink.h"
#include "util.h"

#define NCOLS 24

/* 1,000,000,000 s after the epoch is 2001-09-09T01:46:40Z. */
#define EPOCH_1E9 (1000000000ll * 1000000000ll)

static struct tw_record *hostile(void)
{
	struct tw_record *r = tw_record_new(TW_REC_EXEC);
	static const char argv[] = "./a,b\0x\"y\0line\nbreak\0\xff\0";

	r->ts_ns = 1234567890123456789ull;	/* > 2^53: a double would round it */
	r->pid = 42;
	r->tid = 42;
	r->ppid = 1;
	r->uid = 0;
	r->comm = strdup("a,b");
	r->filename = strdup("./a,b");
	r->path = strdup("/tmp/dir \"q\",x\n\x1b[2J\xff/a,b");
	r->cwd = strdup("/tmp/dir \"q\",x\n\x1b[2J\xff");
	r->argv = malloc(sizeof(argv) - 1);
	memcpy(r->argv, argv, sizeof(argv) - 1);
	r->argv_len = sizeof(argv) - 1;
	r->cgroup_id = 9007199254740993ull;	/* 2^53 + 1 */
	r->cgroup_path = strdup("/system.slice");
	r->path_source = "cwd";
	return r;
}

/* Minimal RFC 4180 reader for one line: returns the number of fields, copies them out. */
static int parse_csv_line(const char *s, char fields[][512], int max)
{
	int n = 0;

	for (;;) {
		size_t k = 0;

		assert_true(n < max);
		if (*s == '"') {
			s++;
			for (;;) {
				assert_true(*s != '\0');
				if (*s == '"' && s[1] == '"') {
					fields[n][k++] = '"';
					s += 2;
				} else if (*s == '"') {
					s++;
					break;
				} else {
					fields[n][k++] = *s++;
				}
			}
		} else {
			while (*s && *s != ',' && *s != '\n')
				fields[n][k++] = *s++;
		}
		fields[n++][k] = '\0';
		if (*s == ',') {
			s++;
			continue;
		}
		assert_true(*s == '\n' || *s == '\0');
		return n;
	}
}

static char *run_sink(enum tw_format fmt, int64_t off, struct tw_record *rec)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct tw_sink *s = tw_sink_new(fmt, f, off);

	assert_non_null(s);
	if (rec)
		assert_int_equal(tw_sink_write(s, rec), 0);
	assert_int_equal(tw_sink_close(s), 0);
	fclose(f);
	return text;
}

static void test_csv_header(void **state)
{
	char *text = run_sink(TW_FORMAT_CSV, 0, NULL);

	assert_string_equal(text, "timestamp,ts_ns,event,pid,tid,ppid,uid,comm,filename,path,exe,"
				  "cwd,argv,cgroup_id,cgroup_path,container_id,container_runtime,"
				  "pod_uid,path_source,cwd_source,argv_source,error,lost,cpu\n");
	free(text);
}

static void test_csv_hostile_one_row(void **state)
{
	struct tw_record *r = hostile();
	char *text = run_sink(TW_FORMAT_CSV, 0, r);
	char *row = strchr(text, '\n') + 1;
	static char f[NCOLS + 2][512];
	int lines = 0;
	char *p;

	for (p = text; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, 2);	/* header + exactly one row */
	assert_int_equal(parse_csv_line(row, f, NCOLS + 2), NCOLS);
	assert_string_equal(f[1], "1234567890123456789");
	assert_string_equal(f[2], "exec");
	assert_string_equal(f[6], "0");
	assert_string_equal(f[7], "a,b");
	assert_string_equal(f[9], "/tmp/dir \"q\",x\\n\\x1b[2J\\xff/a,b");
	assert_string_equal(f[10], "");	/* exe unknown */
	assert_string_equal(f[12], "./a,b 'x\"y' 'line\\nbreak' '\\xff'");
	assert_string_equal(f[13], "9007199254740993");
	assert_string_equal(f[18], "cwd");
	assert_string_equal(f[22], "");	/* lost: only on lost records */
	free(text);
	tw_record_free(r);
}

static void test_json_hostile(void **state)
{
	struct tw_record *r = hostile();
	char *text = run_sink(TW_FORMAT_JSON, 0, r);
	cJSON *o, *argv;

	assert_non_null(strchr(text, '\n'));
	assert_null(strchr(text, '\n') + 1 == NULL ? NULL : strchr(strchr(text, '\n') + 1, '\n'));
	o = cJSON_Parse(text);
	assert_non_null(o);
	/* Exact 64-bit numbers: compare the raw text. */
	assert_non_null(strstr(text, "\"ts_ns\":1234567890123456789"));
	assert_non_null(strstr(text, "\"cgroup_id\":9007199254740993"));
	assert_string_equal(cJSON_GetObjectItem(o, "path")->valuestring,
			    "/tmp/dir \"q\",x\\n\\x1b[2J\\xff/a,b");
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "exe")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "container_id")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "lost")));
	assert_int_equal(cJSON_GetObjectItem(o, "uid")->valueint, 0);
	argv = cJSON_GetObjectItem(o, "argv");
	assert_int_equal(cJSON_GetArraySize(argv), 4);
	assert_string_equal(cJSON_GetArrayItem(argv, 1)->valuestring, "x\"y");
	assert_string_equal(cJSON_GetArrayItem(argv, 2)->valuestring, "line\\nbreak");
	assert_string_equal(cJSON_GetArrayItem(argv, 3)->valuestring, "\\xff");
	cJSON_Delete(o);
	free(text);
	tw_record_free(r);
}

static void test_json_unknowns_and_lost(void **state)
{
	struct tw_record *r = tw_record_new(TW_REC_LOST);
	char *text;
	cJSON *o;

	r->ts_ns = 5;
	r->lost = 17;
	r->cpu = 1;
	text = run_sink(TW_FORMAT_JSON, EPOCH_1E9, r);
	o = cJSON_Parse(text);
	assert_non_null(o);
	assert_string_equal(cJSON_GetObjectItem(o, "event")->valuestring, "lost");
	assert_int_equal(cJSON_GetObjectItem(o, "lost")->valueint, 17);
	assert_int_equal(cJSON_GetObjectItem(o, "cpu")->valueint, 1);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "ppid")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "uid")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "argv")));
	assert_string_equal(cJSON_GetObjectItem(o, "timestamp")->valuestring,
			    "2001-09-09T01:46:40.000000005Z");
	cJSON_Delete(o);
	free(text);
	tw_record_free(r);
}

static void test_table_no_control_bytes(void **state)
{
	struct tw_record *r = hostile();
	char *text = run_sink(TW_FORMAT_TABLE, EPOCH_1E9 - 1234567890123456789ll, r);
	const unsigned char *p;
	int lines = 0;

	for (p = (const unsigned char *)text; *p; p++) {
		if (*p == '\n') {
			lines++;
			continue;
		}
		assert_true(*p >= 0x20 && *p != 0x7f);
	}
	assert_int_equal(lines, 2);
	assert_non_null(strstr(text, "01:46:40.000"));
	assert_non_null(strstr(text, "\\x1b[2J"));
	free(text);
	tw_record_free(r);
}

/* An unresolved exec shows "?" and the name as passed, never something that looks like a path. */
static void test_table_unresolved(void **state)
{
	struct tw_record *r = tw_record_new(TW_REC_EXEC);
	char *text;

	r->filename = strdup("./prog");
	r->path_source = "unresolved";
	text = run_sink(TW_FORMAT_TABLE, 0, r);
	assert_non_null(strstr(text, " ?./prog"));
	free(text);
	tw_record_free(r);
}

/* A full disk is an error, not silence. */
static void test_write_error(void **state)
{
	FILE *f = fopen("/dev/full", "w");
	struct tw_record *r = hostile();
	struct tw_sink *s;

	assert_non_null(f);
	setvbuf(f, NULL, _IONBF, 0);
	s = tw_sink_new(TW_FORMAT_JSON, f, 0);
	assert_non_null(s);
	assert_int_equal(tw_sink_write(s, r), -5);
	assert_int_equal(tw_sink_close(s), -5);
	fclose(f);
	/* CSV fails already on its header. */
	f = fopen("/dev/full", "w");
	setvbuf(f, NULL, _IONBF, 0);
	assert_null(tw_sink_new(TW_FORMAT_CSV, f, 0));
	fclose(f);
	tw_record_free(r);
}

static void test_format_parse(void **state)
{
	enum tw_format fmt;

	assert_int_equal(tw_format_parse("csv", &fmt), 0);
	assert_int_equal(fmt, TW_FORMAT_CSV);
	assert_int_equal(tw_format_parse("json", &fmt), 0);
	assert_int_equal(fmt, TW_FORMAT_JSON);
	assert_int_equal(tw_format_parse("table", &fmt), 0);
	assert_int_equal(tw_format_parse("xml", &fmt), -22);
}

/* Every allocation failure gives an error (never a crash or a half line), and leaks nothing. */
static void test_alloc_failures(void **state)
{
	enum tw_format fmts[] = { TW_FORMAT_CSV, TW_FORMAT_JSON, TW_FORMAT_TABLE };
	size_t i;

	for (i = 0; i < 3; i++) {
		long n;

		for (n = 0; n < 400; n++) {
			struct tw_record *r = hostile();
			char *text = NULL;
			size_t len = 0;
			FILE *f = open_memstream(&text, &len);
			struct tw_sink *s;
			int ret = -1;

			tw_fault_inject_after(n);
			s = tw_sink_new(fmts[i], f, 0);
			if (s) {
				ret = tw_sink_write(s, r);
				tw_sink_close(s);
			}
			tw_fault_inject_after(-1);
			fclose(f);
			free(text);
			tw_record_free(r);
			if (ret == 0)
				break;
		}
		assert_true(n < 400);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_header),
		cmocka_unit_test(test_csv_hostile_one_row),
		cmocka_unit_test(test_json_hostile),
		cmocka_unit_test(test_json_unknowns_and_lost),
		cmocka_unit_test(test_table_no_control_bytes),
		cmocka_unit_test(test_table_unresolved),
		cmocka_unit_test(test_write_error),
		cmocka_unit_test(test_format_parse),
		cmocka_unit_test(test_alloc_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
