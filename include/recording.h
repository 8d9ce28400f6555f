/* SPDX-License-Identifier: GPL-2.0 */
/*
 * recording.h - the recorded stream: every input of the pipeline (kernel formats, raw events,
 * what was read at their arrival, the start-up snapshot, reader marks, realpath answers), in
 * the order the pipeline took them, so that a replay makes the same model calls and prints
 * the same records byte for byte.
 *
 * File format, version 1 (all integers little-endian):
 *
 *   file   := header block*
 *   header := magic "TWREC\r\n\x1a" (8 bytes), u32 version, u32 flags (0)
 *   block  := u32 type, u32 len, u32 crc, payload[len]
 *             crc is CRC-32 (zlib) of the 8 bytes type+len followed by the payload.
 *             len <= TW_REC_MAX_BLOCK.
 *
 * Payload fields are u8/u32/u64/i64 values and strings. A string is u32 n, then n bytes;
 * n = 0xffffffff is "no value" (NULL), distinct from the empty string. Block types, each with
 * its payload (the order of fields is the order written here):
 *
 *   META     (1)  str text: "key=value" lines (tracewatch version, kernel, boot id, host,
 *                 nr_cpus, long_size, big_endian, realtime_offset_ns, probe_group,
 *                 probe_kind, fanotify, taskstats; creds (enum tw_creds_mode: which
 *                 set*id calls the stream shows), loader_dev, loader_ino, loader_path
 *                 (the host libc's ELF loader); a key a reader does not know is
 *                 skipped, one missing reads as unknown). Exactly one, first.
 *   FORMAT   (2)  str system, str name, str format: an event's tracefs "format" file. Every
 *                 event an EVENT block refers to has its FORMAT block before it.
 *   SEED     (3)  a task found in /proc at start: i32 tid, tgid, ppid, fs_owner, root;
 *                 u64 cgroup_id, t_start, t_read; str comm, cwd, cgroup; u64 start_ns;
 *                 then, appended (a block that ends before one reads it as unknown):
 *                 i64 uid, euid, nnp, tracer, userns, libc, kthread.
 *   EVENT    (4)  u32 cpu, u64 ts, str raw (the ring-buffer record), then what was read at
 *                 its arrival: u64 t_start, t_read; i64 uid; i32 ppid, root; u64 cgroup_id;
 *                 str cwd, exe, argv (NUL-separated), cgroup; then, appended (a block
 *                 that ends before one reads it as unknown): i64 euid, loginuid, nnp,
 *                 tracer.
 *   LOST     (5)  u32 cpu, u64 ts, i64 count (0: unknown amount).
 *   DRAINED  (6)  u32 cpu, u64 t: the reader promises nothing older than t will follow.
 *   RELEASE  (7)  u8 all: the pipeline let out what the watermark allows (all: end of stream).
 *   REALPATH (8)  str query, str answer: an answer the model asked for during the last
 *                 RELEASE, in the order it asked.
 *   REFRESH  (9)  str group: probe events were added; decode the new FORMATs from now on.
 *   END     (10)  empty: the recording was closed properly.
 *   FAN     (11)  a file opened for an exec (fanwatch.h): u8 lost, u8 has_stat; u32 tid;
 *                 u64 ts, dev, ino; u32 mode, uid, gid, nlink, kind, flags; str path.
 *   TASKEND (12)  a task's end (taskstats.h): u8 lost, u8 group_dead, u8 has_exe; u32 tid,
 *                 tgid, ppid, uid, gid, exit_code; u64 ts, start_mono_max, elapsed_us,
 *                 utime_us, stime_us, exe_dev, exe_ino; str comm.
 *
 * Queues: CPUs 0..nr_cpus-1 are the ring buffers; queue nr_cpus holds the FAN items and
 * nr_cpus+1 the TASKEND items (LOST and DRAINED name their queue).
 *
 * A reader refuses other versions, checks every crc and length, and never trusts a value in
 * a payload: a damaged file ends the replay with the offset and the reason.
 */
#ifndef TW_RECORDING_H
#define TW_RECORDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define TW_REC_MAGIC "TWREC\r\n\x1a"
#define TW_REC_MAGIC_LEN 8
#define TW_REC_VERSION 1
#define TW_REC_HEADER_LEN 16
#define TW_REC_BLOCK_HEADER_LEN 12
/* Largest payload: a raw event is at most a sub-buffer (64 KiB); formats are a few KiB. */
#define TW_REC_MAX_BLOCK (1u << 24)
#define TW_REC_NULL_STR 0xffffffffu

enum tw_rec_block_type {
	TW_BLK_META = 1,
	TW_BLK_FORMAT,
	TW_BLK_SEED,
	TW_BLK_EVENT,
	TW_BLK_LOST,
	TW_BLK_DRAINED,
	TW_BLK_RELEASE,
	TW_BLK_REALPATH,
	TW_BLK_REFRESH,
	TW_BLK_END,
	TW_BLK_FAN,
	TW_BLK_TASKEND,
	TW_BLK_NR,
};

/* Name of a block type ("event", ...), "unknown" for others. */
const char *tw_rec_block_name(uint32_t type);

/* ---- writing ---- */

struct tw_rec_writer;

/*
 * Start a recording on @f (borrowed: the caller closes it after tw_rec_writer_close()):
 * writes the file header. NULL on allocation failure or write error (errno set).
 */
struct tw_rec_writer *tw_rec_writer_new(FILE *f);

/* A payload under construction: append fields, then tw_rec_block_end(). */
void tw_rec_put_u8(struct tw_rec_writer *w, uint8_t v);
void tw_rec_put_u32(struct tw_rec_writer *w, uint32_t v);
void tw_rec_put_u64(struct tw_rec_writer *w, uint64_t v);
void tw_rec_put_i64(struct tw_rec_writer *w, int64_t v);
/* A C string or NULL. */
void tw_rec_put_str(struct tw_rec_writer *w, const char *s);
/* @n bytes at @p (NULL: no value). */
void tw_rec_put_bytes(struct tw_rec_writer *w, const void *p, size_t n);

/*
 * Write the payload built since the last block as one block of @type. Returns 0, -ENOMEM
 * (a put failed to grow the buffer: nothing written), -EFBIG (payload over TW_REC_MAX_BLOCK)
 * or -EIO (the stream failed: see ferror/errno). After an error, later calls keep failing.
 */
int tw_rec_block_end(struct tw_rec_writer *w, uint32_t type);

/* Number of bytes written so far (header included). */
uint64_t tw_rec_writer_offset(const struct tw_rec_writer *w);

/* Free the writer (does not write END, does not close the FILE). Accepts NULL. */
void tw_rec_writer_free(struct tw_rec_writer *w);

/* ---- reading ---- */

struct tw_rec_reader;

/* One block as read: @data is borrowed, valid until the next tw_rec_next(). */
struct tw_rec_block {
	uint32_t type;
	uint32_t len;
	const unsigned char *data;
	uint64_t offset;	/* file offset of the block header */
};

/*
 * Open a recording on @f (borrowed): reads and checks the header. On failure NULL is returned
 * and @err (at least 256 bytes) says why ("not a tracewatch recording", "version 7 ...").
 */
struct tw_rec_reader *tw_rec_reader_new(FILE *f, char *err, size_t err_size);

/*
 * Read the next block into @b. Returns 1 for a block, 0 at a clean end of file (between
 * blocks), or -EBADMSG (damaged: bad crc, impossible length, truncated block; the message
 * with the offset is in tw_rec_reader_error()), -EIO (read error) or -ENOMEM.
 */
int tw_rec_next(struct tw_rec_reader *r, struct tw_rec_block *b);

/* The last error's text ("offset 1234: event block: bad checksum"), "" when none. */
const char *tw_rec_reader_error(const struct tw_rec_reader *r);

/* Offset just after the last block read whole. */
uint64_t tw_rec_reader_offset(const struct tw_rec_reader *r);

/* Skip the crc check (the fuzz harness only: lets it reach the payload decoders). */
void tw_rec_reader_skip_crc(struct tw_rec_reader *r, bool skip);

/* Accepts NULL. */
void tw_rec_reader_free(struct tw_rec_reader *r);

/*
 * A cursor over a block's payload. Each get fails (returns -EBADMSG and leaves the cursor
 * in error) when the payload is too short; strings are returned borrowed from the block,
 * not NUL-terminated: use their length, or tw_rec_get_strdup().
 */
struct tw_rec_cursor {
	const unsigned char *p;
	size_t left;
	bool error;
};

void tw_rec_cursor_init(struct tw_rec_cursor *c, const struct tw_rec_block *b);
int tw_rec_get_u8(struct tw_rec_cursor *c, uint8_t *v);
int tw_rec_get_u32(struct tw_rec_cursor *c, uint32_t *v);
int tw_rec_get_u64(struct tw_rec_cursor *c, uint64_t *v);
int tw_rec_get_i64(struct tw_rec_cursor *c, int64_t *v);
/* *@p = NULL for "no value". */
int tw_rec_get_bytes(struct tw_rec_cursor *c, const unsigned char **p, uint32_t *n);
/*
 * A malloc'd NUL-terminated copy into *@s (NULL for "no value"). -EBADMSG when the payload
 * is short or the string holds a NUL byte (@allow_nul false), -ENOMEM.
 */
int tw_rec_get_strdup(struct tw_rec_cursor *c, char **s, size_t *len, bool allow_nul);

#endif
