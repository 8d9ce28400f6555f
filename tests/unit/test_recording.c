// SPDX-License-Identifier: GPL-2.0
/* test_recording.c - the recording file format and the replay through the pipeline, no kernel. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "formats.h"
#include "pipeline.h"
#include "recording.h"
#include "util.h"

/* A recording in memory. */
struct mem {
	char *buf;
	size_t len;
	FILE *f;
};

static struct tw_rec_writer *mem_writer(struct mem *m)
{
	struct tw_rec_writer *w;

	memset(m, 0, sizeof(*m));
	m->f = open_memstream(&m->buf, &m->len);
	assert_non_null(m->f);
	w = tw_rec_writer_new(m->f);
	assert_non_null(w);
	return w;
}

static void mem_done(struct mem *m, struct tw_rec_writer *w)
{
	tw_rec_writer_free(w);
	assert_int_equal(fflush(m->f), 0);
	fclose(m->f);
	m->f = NULL;
}

static void test_blocks_round_trip(void **state)
{
	static const char argv[] = "ls\0-l\0a\nb";
	struct tw_rec_block b;
	struct tw_rec_reader *r;
	struct tw_rec_cursor c;
	struct tw_rec_writer *w;
	const unsigned char *p;
	char err[256], *s;
	struct mem m;
	uint32_t u32;
	uint64_t u64;
	int64_t i64;
	size_t len;
	uint8_t u8;
	FILE *in;

	w = mem_writer(&m);
	tw_rec_put_u8(w, 7);
	tw_rec_put_u32(w, 0xdeadbeef);
	tw_rec_put_u64(w, 0x0123456789abcdefull);
	tw_rec_put_i64(w, -5);
	tw_rec_put_str(w, NULL);
	tw_rec_put_str(w, "");
	tw_rec_put_bytes(w, argv, sizeof(argv) - 1);
	assert_int_equal(tw_rec_block_end(w, TW_BLK_EVENT), 0);
	assert_int_equal(tw_rec_block_end(w, TW_BLK_END), 0);
	assert_int_equal(tw_rec_writer_offset(w), 16 + 12 + 1 + 4 + 8 + 8 + 4 + 4 + 4 + 9 + 12);
	mem_done(&m, w);
	/* The header is the documented one, byte for byte. */
	assert_memory_equal(m.buf, "TWREC\r\n\x1a\x01\0\0\0\0\0\0\0", 16);

	in = fmemopen(m.buf, m.len, "r");
	r = tw_rec_reader_new(in, err, sizeof(err));
	assert_non_null(r);
	assert_int_equal(tw_rec_next(r, &b), 1);
	assert_int_equal(b.type, TW_BLK_EVENT);
	assert_int_equal(b.offset, 16);
	tw_rec_cursor_init(&c, &b);
	assert_int_equal(tw_rec_get_u8(&c, &u8), 0);
	assert_int_equal(u8, 7);
	assert_int_equal(tw_rec_get_u32(&c, &u32), 0);
	assert_int_equal(u32, 0xdeadbeef);
	assert_int_equal(tw_rec_get_u64(&c, &u64), 0);
	assert_int_equal(u64, 0x0123456789abcdefull);
	assert_int_equal(tw_rec_get_i64(&c, &i64), 0);
	assert_int_equal(i64, -5);
	assert_int_equal(tw_rec_get_strdup(&c, &s, NULL, false), 0);
	assert_null(s);				/* no value, not "" */
	assert_int_equal(tw_rec_get_strdup(&c, &s, &len, false), 0);
	assert_non_null(s);
	assert_int_equal(len, 0);
	free(s);
	/* NUL bytes are refused where a C string is expected, kept where allowed. */
	{
		struct tw_rec_cursor c2 = c;

		assert_int_equal(tw_rec_get_strdup(&c2, &s, &len, false), -EBADMSG);
	}
	assert_int_equal(tw_rec_get_strdup(&c, &s, &len, true), 0);
	assert_int_equal(len, sizeof(argv) - 1);
	assert_memory_equal(s, argv, len);
	free(s);
	/* Past the end: an error, not a read out of bounds. */
	assert_int_equal(tw_rec_get_u8(&c, &u8), -EBADMSG);
	assert_int_equal(tw_rec_get_bytes(&c, &p, &u32), -EBADMSG);
	assert_int_equal(tw_rec_next(r, &b), 1);
	assert_int_equal(b.type, TW_BLK_END);
	assert_int_equal(b.len, 0);
	assert_int_equal(tw_rec_next(r, &b), 0);
	tw_rec_reader_free(r);
	fclose(in);
	free(m.buf);
}

/* A file of a few blocks: the block boundaries are returned in @bounds. */
static struct mem small_file(uint64_t bounds[4])
{
	struct tw_rec_writer *w;
	struct mem m;

	w = mem_writer(&m);
	bounds[0] = tw_rec_writer_offset(w);
	tw_rec_put_str(w, "nr_cpus=1\n");
	assert_int_equal(tw_rec_block_end(w, TW_BLK_META), 0);
	bounds[1] = tw_rec_writer_offset(w);
	tw_rec_put_u32(w, 0);
	tw_rec_put_u64(w, 42);
	assert_int_equal(tw_rec_block_end(w, TW_BLK_DRAINED), 0);
	bounds[2] = tw_rec_writer_offset(w);
	assert_int_equal(tw_rec_block_end(w, TW_BLK_END), 0);
	bounds[3] = tw_rec_writer_offset(w);
	mem_done(&m, w);
	return m;
}

/* Every cut of the file: the blocks before the cut are read, then a clean end or "truncated". */
static void test_truncated_everywhere(void **state)
{
	uint64_t bounds[4];
	struct mem m = small_file(bounds);
	size_t cut;

	for (cut = 0; cut < m.len; cut++) {
		FILE *in = fmemopen(m.buf, cut ? cut : 1, "r");
		struct tw_rec_reader *r;
		struct tw_rec_block b;
		char err[256] = "";
		int n = 0, ret, whole = 0, i;

		if (!cut) {
			/* fmemopen can't make an empty stream: read it to the end first. */
			assert_int_equal(fgetc(in), 'T');
			assert_int_equal(fgetc(in), EOF);
		}
		r = tw_rec_reader_new(in, err, sizeof(err));
		if (cut < TW_REC_HEADER_LEN) {
			assert_null(r);
			assert_non_null(strstr(err, cut < 8 ? "not a tracewatch recording" :
							      "truncated"));
			fclose(in);
			continue;
		}
		assert_non_null(r);
		for (i = 1; i < 4; i++)
			if (bounds[i] <= cut)
				whole = i;
		while ((ret = tw_rec_next(r, &b)) == 1)
			n++;
		assert_int_equal(n, whole);
		if (cut == bounds[whole]) {
			assert_int_equal(ret, 0);
		} else {
			char want[64];

			assert_int_equal(ret, -EBADMSG);
			snprintf(want, sizeof(want), "offset %llu: truncated",
				 (unsigned long long)bounds[whole]);
			assert_non_null(strstr(tw_rec_reader_error(r), want));
		}
		tw_rec_reader_free(r);
		fclose(in);
	}
	free(m.buf);
}

/* One flipped bit anywhere after the header: the damage is seen, never read as good data. */
static void test_flipped_bits_detected(void **state)
{
	uint64_t bounds[4];
	struct mem m = small_file(bounds);
	size_t i;
	int bit;

	for (i = TW_REC_HEADER_LEN; i < m.len; i++) {
		for (bit = 0; bit < 8; bit++) {
			struct tw_rec_reader *r;
			struct tw_rec_block b;
			char err[256];
			FILE *in;
			int ret, n = 0;

			m.buf[i] ^= 1 << bit;
			in = fmemopen(m.buf, m.len, "r");
			r = tw_rec_reader_new(in, err, sizeof(err));
			assert_non_null(r);
			while ((ret = tw_rec_next(r, &b)) == 1)
				n++;
			assert_int_equal(ret, -EBADMSG);
			assert_true(n < 3);
			assert_non_null(strstr(tw_rec_reader_error(r), "offset "));
			tw_rec_reader_free(r);
			fclose(in);
			m.buf[i] ^= 1 << bit;
		}
	}
	free(m.buf);
}

static void test_header_refused(void **state)
{
	char file[16] = "TWREC\r\n\x1a\x02\0\0\0\0\0\0\0";
	char err[256];
	FILE *in;

	in = fmemopen(file, sizeof(file), "r");
	assert_null(tw_rec_reader_new(in, err, sizeof(err)));
	assert_non_null(strstr(err, "format version 2"));
	assert_non_null(strstr(err, "reads version 1"));
	fclose(in);
	file[8] = 1;
	file[12] = 4;
	in = fmemopen(file, sizeof(file), "r");
	assert_null(tw_rec_reader_new(in, err, sizeof(err)));
	assert_non_null(strstr(err, "flags"));
	fclose(in);
	memcpy(file, "timestamp,ts_ns,", 16);
	in = fmemopen(file, sizeof(file), "r");
	assert_null(tw_rec_reader_new(in, err, sizeof(err)));
	assert_non_null(strstr(err, "not a tracewatch recording"));
	fclose(in);
}

/* ---- replay through the pipeline ---- */

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

static void put_format(struct tw_rec_writer *w, const char *system, const char *name,
		       const char *fmt)
{
	tw_rec_put_str(w, system);
	tw_rec_put_str(w, name);
	tw_rec_put_str(w, fmt);
	assert_int_equal(tw_rec_block_end(w, TW_BLK_FORMAT), 0);
}

/* What an arrival read found: nothing but the times (the cwd read for a chdir, say). */
static void put_probe(struct tw_rec_writer *w, uint64_t t_start, uint64_t t_read, const char *cwd)
{
	tw_rec_put_u64(w, t_start);
	tw_rec_put_u64(w, t_read);
	tw_rec_put_i64(w, -1);
	tw_rec_put_u32(w, 0);
	tw_rec_put_u32(w, 0);
	tw_rec_put_u64(w, 0);
	tw_rec_put_str(w, cwd);
	tw_rec_put_str(w, NULL);
	tw_rec_put_bytes(w, NULL, 0);
	tw_rec_put_str(w, NULL);
}

static void put_event(struct tw_rec_writer *w, int cpu, uint64_t ts, const uint8_t *raw,
		      size_t size)
{
	tw_rec_put_u32(w, cpu);
	tw_rec_put_u64(w, ts);
	tw_rec_put_bytes(w, raw, size);
	put_probe(w, 0, 0, NULL);
	assert_int_equal(tw_rec_block_end(w, TW_BLK_EVENT), 0);
}

/*
 * A shell (pid 100, cwd /home/u, known from the snapshot) forks 200 on CPU 0, which execs
 * "./prog" on CPU 1; the reader saw CPU 1 first. Then CPU 1 lost 20 events. @fork_end is set
 * to the offset just after the fork event.
 */
static const char synthetic_meta[] =
	"tracewatch=test\nboot_id=3f2a9c1e-0000-4000-8000-000000000000\n"
	"nr_cpus=2\nlong_size=8\nbig_endian=0\n"
	"realtime_offset_ns=1700000000000000000\nprobe_group=\nprobe_kind=\n";

static struct mem synthetic_recording_fmt(const char *exec_format, uint64_t *fork_end)
{
	const char fn[] = "./prog";
	struct tw_rec_writer *w;
	uint8_t raw[64];
	struct mem m;

	w = mem_writer(&m);
	tw_rec_put_str(w, synthetic_meta);
	assert_int_equal(tw_rec_block_end(w, TW_BLK_META), 0);
	put_format(w, "sched", "sched_process_exec", exec_format);
	put_format(w, "task", "task_newtask", fmt_newtask);
	put_format(w, "sched", "sched_process_exit", fmt_exit);
	put_format(w, "syscalls", "sys_enter_chdir", fmt_enter_chdir);
	put_format(w, "syscalls", "sys_enter_fchdir", fmt_enter_fchdir);
	put_format(w, "syscalls", "sys_exit_chdir", fmt_exit_chdir);
	put_format(w, "syscalls", "sys_exit_fchdir", fmt_exit_fchdir);
	/* seed: tid, tgid, ppid, fs_owner, root, cgroup_id, t_start, t_read, comm, cwd, cgroup */
	tw_rec_put_u32(w, 100);
	tw_rec_put_u32(w, 100);
	tw_rec_put_u32(w, 1);
	tw_rec_put_u32(w, (uint32_t)-1);
	tw_rec_put_u32(w, 1);
	tw_rec_put_u64(w, 0);
	tw_rec_put_u64(w, 10);
	tw_rec_put_u64(w, 20);
	tw_rec_put_str(w, "sh");
	tw_rec_put_str(w, "/home/u");
	tw_rec_put_str(w, NULL);
	tw_rec_put_u64(w, 5);		/* started 5 ns after boot */
	assert_int_equal(tw_rec_block_end(w, TW_BLK_SEED), 0);

	/* CPU 1 first: 200 execs "./prog" at ts 2000 */
	memset(raw, 0, sizeof(raw));
	put16(raw, 365);
	put32(raw + 4, 200);
	put32(raw + 8, (uint32_t)(sizeof(fn) << 16 | 20));
	put32(raw + 12, 200);
	put32(raw + 16, 200);
	memcpy(raw + 20, fn, sizeof(fn));
	put_event(w, 1, 2000, raw, 20 + sizeof(fn));
	/* then CPU 0: 100 forks 200 at ts 1000 */
	memset(raw, 0, sizeof(raw));
	put16(raw, 205);
	put32(raw + 4, 100);
	put32(raw + 8, 200);
	memcpy(raw + 12, "sh", 3);
	put64(raw + 32, 0x11);
	put_event(w, 0, 1000, raw, 42);
	*fork_end = tw_rec_writer_offset(w);
	tw_rec_put_u32(w, 0);
	tw_rec_put_u64(w, 5000);
	assert_int_equal(tw_rec_block_end(w, TW_BLK_DRAINED), 0);
	tw_rec_put_u32(w, 1);
	tw_rec_put_u64(w, 5000);
	assert_int_equal(tw_rec_block_end(w, TW_BLK_DRAINED), 0);
	tw_rec_put_u8(w, 0);
	assert_int_equal(tw_rec_block_end(w, TW_BLK_RELEASE), 0);
	/* 20 events lost on CPU 1 before ts 6000: nothing earlier is trusted after it */
	tw_rec_put_u32(w, 1);
	tw_rec_put_u64(w, 5999);
	tw_rec_put_i64(w, 20);
	assert_int_equal(tw_rec_block_end(w, TW_BLK_LOST), 0);
	tw_rec_put_u8(w, 1);
	assert_int_equal(tw_rec_block_end(w, TW_BLK_RELEASE), 0);
	assert_int_equal(tw_rec_block_end(w, TW_BLK_END), 0);
	mem_done(&m, w);
	return m;
}

static struct mem synthetic_recording_at(uint64_t *fork_end)
{
	return synthetic_recording_fmt(fmt_exec, fork_end);
}

static struct mem synthetic_recording(void)
{
	uint64_t fork_end;

	return synthetic_recording_at(&fork_end);
}

/*
 * The records, written here by hand from the story above: the exec's comm is what the kernel
 * sets at exec (the file name's last component), its exec_id is boot:pid:fork time:1st exec
 * and its parent's the shell's image at start (N=0); the lost record names its CPU and count.
 */
static const char expected_csv[] =
	"timestamp,ts_ns,event,pid,tid,ppid,uid,comm,filename,path,exe,cwd,argv,cgroup_id,"
	"cgroup_path,container_id,container_runtime,pod_uid,path_source,cwd_source,argv_source,"
	"error,lost,cpu,failed_attempts,exec_id,parent_exec_id,parent_path,exit_code,signal,"
	"start_ns,duration_ns,start_source,interpreter,exe_source,path_check,euid,loginuid,"
	"uid_source\n"
	/* no fanotify and no /proc exe: nothing checked the tracked cwd, so neither is shown */
	"2023-11-14T22:13:20.000002000Z,2000,exec,200,200,100,,prog,./prog,,,,"
	",,,,,,unresolved,,,,,,0,3f2a9c1e:200:1000:1,3f2a9c1e:100:5:0,,,,,,,,,unverified,,,"
	"unresolved\n"
	"2023-11-14T22:13:20.000005999Z,5999,lost,0,0,,,,,,,,,,,,,,,,,,20,1,,,,,,,,,,,,,,,\n";

static int replay(const struct mem *m, size_t len, char **out, size_t *out_len, char *err,
		  size_t err_size)
{
	struct tw_pipeline_opts po = { 0 };
	struct tw_pipeline *p;
	FILE *in = fmemopen(m->buf, len, "r");
	FILE *o = open_memstream(out, out_len);
	int ret;

	assert_non_null(in);
	assert_non_null(o);
	po.replay = in;
	po.replay_name = "test";
	po.format = TW_FORMAT_CSV;
	po.out = o;
	p = tw_pipeline_new(&po);
	if (!p) {
		ret = -EINVAL;
		snprintf(err, err_size, "setup failed");
	} else {
		ret = tw_pipeline_run(p);
		snprintf(err, err_size, "%s", tw_pipeline_error(p));
		tw_pipeline_free(p);
	}
	fclose(o);
	fclose(in);
	return ret;
}

static void test_replay_records(void **state)
{
	struct mem m = synthetic_recording();
	char *out = NULL, err[512];
	size_t out_len;

	assert_int_equal(replay(&m, m.len, &out, &out_len, err, sizeof(err)), 0);
	assert_string_equal(out, expected_csv);
	free(out);
	free(m.buf);
}

/* Cut before the END block: the records come out, and the run says where and why it ended. */
static void test_replay_truncated(void **state)
{
	struct mem m = synthetic_recording();
	char *out = NULL, err[512];
	size_t out_len;

	assert_int_equal(replay(&m, m.len - TW_REC_BLOCK_HEADER_LEN, &out, &out_len, err,
				sizeof(err)),
			 -EBADMSG);
	assert_string_equal(out, expected_csv);
	assert_non_null(strstr(err, "truncated"));
	assert_non_null(strstr(err, "without its end block"));
	free(out);
	free(m.buf);
}

/* Cut in the middle of the drained mark after the fork: what was read before is let out. */
static void test_replay_cut_mid_block(void **state)
{
	uint64_t fork_end;
	struct mem m = synthetic_recording_at(&fork_end);
	char *out = NULL, err[512], want[64];
	size_t out_len;

	assert_int_equal(replay(&m, fork_end + 5, &out, &out_len, err, sizeof(err)), -EBADMSG);
	assert_memory_equal(out, expected_csv, strlen(out));
	assert_int_equal(strlen(out), strchr(strchr(expected_csv, '\n') + 1, '\n') + 1 - expected_csv);
	snprintf(want, sizeof(want), "offset %llu: truncated", (unsigned long long)fork_end);
	assert_non_null(strstr(err, want));
	free(out);
	free(m.buf);
}

#define EXEC_HEAD "name: sched_process_exec\nID: 365\nformat:\n" COMMON
#define EXEC_FIELDS                                                             \
	"\tfield:__data_loc char[] filename;\toffset:8;\tsize:4;\tsigned:0;\n" \
	"\tfield:pid_t pid;\toffset:12;\tsize:4;\tsigned:1;\n"                  \
	"\tfield:pid_t old_pid;\toffset:16;\tsize:4;\tsigned:1;\n\n"

/*
 * Recorded event formats reach libtraceevent only in the shape the kernel writes (its parser
 * leaks on some malformed field lines); the print format is never parsed, so garbage there
 * changes nothing. Each malformed format is refused with the block's offset and the reason.
 */
static void test_replay_format_checked(void **state)
{
	static const char *const bad[] = {
		EXEC_HEAD "\tfield:pid_t;\toffset:12;\tsize:4;\tsigned:1;\n\nprint fmt: \"\"\n",
		EXEC_HEAD "\tfield:char[] x;\toffset:12;\tsize:4;\tsigned:1;\n\nprint fmt: \"\"\n",
		EXEC_HEAD "\tfield:char x[4];\tsize:4;\tsigned:1;\n\nprint fmt: \"\"\n",
		EXEC_HEAD "\tfield:char x[4];\toffset:70000;\tsize:4;\tsigned:1;\n\nprint fmt: \"\"\n",
		EXEC_HEAD "\tfield:char x[4];\toffset:1;\tsize:4;\tsigned:1; \n\nprint fmt: \"\"\n",
		"name: sched process\nID: 365\nformat:\n" COMMON EXEC_FIELDS "print fmt: \"\"\n",
		EXEC_HEAD EXEC_FIELDS,
	};
	char *out = NULL, err[512], want[80];
	uint64_t fork_end;
	size_t out_len, i;
	struct mem m;

	m = synthetic_recording_fmt(EXEC_HEAD EXEC_FIELDS "print fmt: ((((\"%s\", REC->\n", &fork_end);
	assert_int_equal(replay(&m, m.len, &out, &out_len, err, sizeof(err)), 0);
	assert_string_equal(out, expected_csv);
	free(out);
	free(m.buf);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		out = NULL;
		m = synthetic_recording_fmt(bad[i], &fork_end);
		assert_int_equal(replay(&m, m.len, &out, &out_len, err, sizeof(err)), -EBADMSG);
		/* the exec format is the first format block: after the header and the meta block */
		snprintf(want, sizeof(want), "offset %zu: format block: not an event format",
			 (size_t)TW_REC_HEADER_LEN + TW_REC_BLOCK_HEADER_LEN + 4 +
				 strlen(synthetic_meta));
		assert_non_null(strstr(err, want));
		free(out);
		free(m.buf);
	}
}

/* Every allocation of a replay may fail: an error comes back, nothing leaks or crashes. */
static void test_replay_alloc_failures(void **state)
{
	struct mem m = synthetic_recording();
	long n;

	for (n = 0;; n++) {
		char *out = NULL, err[512];
		size_t out_len;
		long injected;
		int ret;

		tw_fault_inject_after(n);
		ret = replay(&m, m.len, &out, &out_len, err, sizeof(err));
		injected = tw_fault_injected();
		tw_fault_inject_after(-1);
		free(out);
		if (!injected) {
			assert_int_equal(ret, 0);
			break;
		}
		assert_int_not_equal(ret, 0);
	}
	assert_true(n > 10);
	free(m.buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blocks_round_trip),
		cmocka_unit_test(test_truncated_everywhere),
		cmocka_unit_test(test_flipped_bits_detected),
		cmocka_unit_test(test_header_refused),
		cmocka_unit_test(test_replay_records),
		cmocka_unit_test(test_replay_truncated),
		cmocka_unit_test(test_replay_cut_mid_block),
		cmocka_unit_test(test_replay_format_checked),
		cmocka_unit_test(test_replay_alloc_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
