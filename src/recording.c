// SPDX-License-Identifier: GPL-2.0
/* recording.c - the recorded stream's file format: framed, checksummed blocks (see recording.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "recording.h"
#include "util.h"

static const char *const block_names[TW_BLK_NR] = {
	[TW_BLK_META] = "meta",		[TW_BLK_FORMAT] = "format",
	[TW_BLK_SEED] = "seed",		[TW_BLK_EVENT] = "event",
	[TW_BLK_LOST] = "lost",		[TW_BLK_DRAINED] = "drained",
	[TW_BLK_RELEASE] = "release",	[TW_BLK_REALPATH] = "realpath",
	[TW_BLK_REFRESH] = "refresh",	[TW_BLK_END] = "end",
	[TW_BLK_FAN] = "fan",		[TW_BLK_TASKEND] = "taskend",
};

const char *tw_rec_block_name(uint32_t type)
{
	return type < TW_BLK_NR && block_names[type] ? block_names[type] : "unknown";
}

static void le32_store(unsigned char *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static uint32_t le32_load(const unsigned char *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64_load(const unsigned char *p)
{
	return le32_load(p) | (uint64_t)le32_load(p + 4) << 32;
}

/* ---- writing ---- */

struct tw_rec_writer {
	FILE *f;
	struct tw_buf payload;
	int error;		/* sticky: first failure */
	uint64_t offset;
};

static int write_all(struct tw_rec_writer *w, const void *p, size_t n)
{
	if (n && fwrite(p, 1, n, w->f) != n) {
		w->error = -EIO;
		return -EIO;
	}
	w->offset += n;
	return 0;
}

struct tw_rec_writer *tw_rec_writer_new(FILE *f)
{
	struct tw_rec_writer *w = tw_calloc(1, sizeof(*w));
	unsigned char hdr[TW_REC_HEADER_LEN];

	if (!w)
		return NULL;
	w->f = f;
	memcpy(hdr, TW_REC_MAGIC, TW_REC_MAGIC_LEN);
	le32_store(hdr + 8, TW_REC_VERSION);
	le32_store(hdr + 12, 0);
	if (write_all(w, hdr, sizeof(hdr))) {
		free(w);
		return NULL;
	}
	return w;
}

static void put(struct tw_rec_writer *w, const void *p, size_t n)
{
	if (!w->error && tw_buf_append(&w->payload, p, n))
		w->error = -ENOMEM;
}

void tw_rec_put_u8(struct tw_rec_writer *w, uint8_t v)
{
	put(w, &v, 1);
}

void tw_rec_put_u32(struct tw_rec_writer *w, uint32_t v)
{
	unsigned char b[4];

	le32_store(b, v);
	put(w, b, 4);
}

void tw_rec_put_u64(struct tw_rec_writer *w, uint64_t v)
{
	tw_rec_put_u32(w, (uint32_t)v);
	tw_rec_put_u32(w, (uint32_t)(v >> 32));
}

void tw_rec_put_i64(struct tw_rec_writer *w, int64_t v)
{
	tw_rec_put_u64(w, (uint64_t)v);
}

void tw_rec_put_bytes(struct tw_rec_writer *w, const void *p, size_t n)
{
	if (!p) {
		tw_rec_put_u32(w, TW_REC_NULL_STR);
		return;
	}
	if (n >= TW_REC_MAX_BLOCK) {
		w->error = w->error ? w->error : -EFBIG;
		return;
	}
	tw_rec_put_u32(w, (uint32_t)n);
	put(w, p, n);
}

void tw_rec_put_str(struct tw_rec_writer *w, const char *s)
{
	tw_rec_put_bytes(w, s, s ? strlen(s) : 0);
}

int tw_rec_block_end(struct tw_rec_writer *w, uint32_t type)
{
	unsigned char hdr[TW_REC_BLOCK_HEADER_LEN];
	size_t len = w->payload.len;
	uLong crc;
	int ret;

	if (!w->error && len > TW_REC_MAX_BLOCK)
		w->error = -EFBIG;
	if (w->error) {
		tw_buf_reset(&w->payload);
		return w->error;
	}
	le32_store(hdr, type);
	le32_store(hdr + 4, (uint32_t)len);
	crc = crc32(0L, hdr, 8);
	crc = crc32(crc, (const Bytef *)w->payload.data, (uInt)len);
	le32_store(hdr + 8, (uint32_t)crc);
	ret = write_all(w, hdr, sizeof(hdr));
	if (!ret)
		ret = write_all(w, w->payload.data, len);
	tw_buf_reset(&w->payload);
	return ret;
}

uint64_t tw_rec_writer_offset(const struct tw_rec_writer *w)
{
	return w->offset;
}

void tw_rec_writer_free(struct tw_rec_writer *w)
{
	if (!w)
		return;
	tw_buf_release(&w->payload);
	free(w);
}

/* ---- reading ---- */

struct tw_rec_reader {
	FILE *f;
	unsigned char *buf;
	size_t cap;
	uint64_t offset;
	bool skip_crc;
	char error[256];
};

static size_t read_some(FILE *f, void *p, size_t n)
{
	return n ? fread(p, 1, n, f) : 0;
}

struct tw_rec_reader *tw_rec_reader_new(FILE *f, char *err, size_t err_size)
{
	unsigned char hdr[TW_REC_HEADER_LEN];
	struct tw_rec_reader *r;
	size_t n = read_some(f, hdr, sizeof(hdr));
	uint32_t version;

	if (ferror(f)) {
		snprintf(err, err_size, "cannot read it: %s", strerror(errno ? errno : EIO));
		return NULL;
	}
	if (n < TW_REC_MAGIC_LEN || memcmp(hdr, TW_REC_MAGIC, TW_REC_MAGIC_LEN)) {
		snprintf(err, err_size, "not a tracewatch recording (no TWREC magic number at "
					"offset 0); 'tracewatch record -o FILE' writes one");
		return NULL;
	}
	if (n < sizeof(hdr)) {
		snprintf(err, err_size, "truncated at offset %zu: the file header is %d bytes",
			 n, TW_REC_HEADER_LEN);
		return NULL;
	}
	version = le32_load(hdr + 8);
	if (version != TW_REC_VERSION) {
		snprintf(err, err_size,
			 "a tracewatch recording of format version %u; this tracewatch (%s) reads "
			 "version %d only: replay it with the tracewatch release that wrote it",
			 version, TW_VERSION, TW_REC_VERSION);
		return NULL;
	}
	if (le32_load(hdr + 12)) {
		snprintf(err, err_size, "unknown header flags 0x%x at offset 12: written by a newer "
					"tracewatch", le32_load(hdr + 12));
		return NULL;
	}
	r = tw_calloc(1, sizeof(*r));
	if (!r) {
		snprintf(err, err_size, "out of memory");
		return NULL;
	}
	r->f = f;
	r->offset = sizeof(hdr);
	return r;
}

static int bad(struct tw_rec_reader *r, uint64_t off, const char *fmt, const char *what)
{
	snprintf(r->error, sizeof(r->error), "offset %llu: ", (unsigned long long)off);
	snprintf(r->error + strlen(r->error), sizeof(r->error) - strlen(r->error), fmt, what);
	return -EBADMSG;
}

int tw_rec_next(struct tw_rec_reader *r, struct tw_rec_block *b)
{
	unsigned char hdr[TW_REC_BLOCK_HEADER_LEN];
	uint32_t type, len;
	size_t n;
	uLong crc;

	n = read_some(r->f, hdr, sizeof(hdr));
	if (n == 0 && !ferror(r->f))
		return 0;
	if (ferror(r->f)) {
		snprintf(r->error, sizeof(r->error), "offset %llu: read error: %s",
			 (unsigned long long)r->offset, strerror(errno ? errno : EIO));
		return -EIO;
	}
	if (n < sizeof(hdr))
		return bad(r, r->offset, "truncated: %s", "the file ends inside a block header");
	type = le32_load(hdr);
	len = le32_load(hdr + 4);
	if (type == 0 || type >= TW_BLK_NR)
		return bad(r, r->offset, "unknown block type (%s): damaged, or written by a newer "
					 "tracewatch", tw_rec_block_name(type));
	if (len > TW_REC_MAX_BLOCK)
		return bad(r, r->offset, "%s block longer than the format allows",
			   tw_rec_block_name(type));
	if (len + 1 > r->cap) {
		unsigned char *nb = tw_realloc(r->buf, len + 1);

		if (!nb) {
			snprintf(r->error, sizeof(r->error), "out of memory");
			return -ENOMEM;
		}
		r->buf = nb;
		r->cap = len + 1;
	}
	n = read_some(r->f, r->buf, len);
	if (n < len) {
		if (ferror(r->f)) {
			snprintf(r->error, sizeof(r->error), "offset %llu: read error: %s",
				 (unsigned long long)r->offset, strerror(errno ? errno : EIO));
			return -EIO;
		}
		return bad(r, r->offset, "truncated: the file ends inside a %s block",
			   tw_rec_block_name(type));
	}
	r->buf[len] = 0;
	crc = crc32(0L, hdr, 8);
	crc = crc32(crc, r->buf, len);
	if (!r->skip_crc && (uint32_t)crc != le32_load(hdr + 8))
		return bad(r, r->offset, "%s block: bad checksum (the file is damaged)",
			   tw_rec_block_name(type));
	b->type = type;
	b->len = len;
	b->data = r->buf;
	b->offset = r->offset;
	r->offset += sizeof(hdr) + len;
	return 1;
}

const char *tw_rec_reader_error(const struct tw_rec_reader *r)
{
	return r->error;
}

uint64_t tw_rec_reader_offset(const struct tw_rec_reader *r)
{
	return r->offset;
}

void tw_rec_reader_skip_crc(struct tw_rec_reader *r, bool skip)
{
	r->skip_crc = skip;
}

void tw_rec_reader_free(struct tw_rec_reader *r)
{
	if (!r)
		return;
	free(r->buf);
	free(r);
}

/* ---- payload cursor ---- */

void tw_rec_cursor_init(struct tw_rec_cursor *c, const struct tw_rec_block *b)
{
	c->p = b->data;
	c->left = b->len;
	c->error = false;
}

static const unsigned char *take(struct tw_rec_cursor *c, size_t n)
{
	const unsigned char *p = c->p;

	if (c->error || c->left < n) {
		c->error = true;
		return NULL;
	}
	c->p += n;
	c->left -= n;
	return p;
}

int tw_rec_get_u8(struct tw_rec_cursor *c, uint8_t *v)
{
	const unsigned char *p = take(c, 1);

	if (!p)
		return -EBADMSG;
	*v = *p;
	return 0;
}

int tw_rec_get_u32(struct tw_rec_cursor *c, uint32_t *v)
{
	const unsigned char *p = take(c, 4);

	if (!p)
		return -EBADMSG;
	*v = le32_load(p);
	return 0;
}

int tw_rec_get_u64(struct tw_rec_cursor *c, uint64_t *v)
{
	const unsigned char *p = take(c, 8);

	if (!p)
		return -EBADMSG;
	*v = le64_load(p);
	return 0;
}

int tw_rec_get_i64(struct tw_rec_cursor *c, int64_t *v)
{
	uint64_t u = 0;
	int ret = tw_rec_get_u64(c, &u);

	*v = (int64_t)u;
	return ret;
}

int tw_rec_get_bytes(struct tw_rec_cursor *c, const unsigned char **p, uint32_t *n)
{
	uint32_t len;

	*p = NULL;
	*n = 0;
	if (tw_rec_get_u32(c, &len))
		return -EBADMSG;
	if (len == TW_REC_NULL_STR)
		return 0;
	*p = take(c, len);
	if (!*p)
		return -EBADMSG;
	*n = len;
	return 0;
}

int tw_rec_get_strdup(struct tw_rec_cursor *c, char **s, size_t *len, bool allow_nul)
{
	const unsigned char *p;
	uint32_t n;

	*s = NULL;
	if (len)
		*len = 0;
	if (tw_rec_get_bytes(c, &p, &n))
		return -EBADMSG;
	if (!p)
		return 0;
	if (!allow_nul && memchr(p, 0, n)) {
		c->error = true;
		return -EBADMSG;
	}
	*s = tw_malloc(n + 1);
	if (!*s)
		return -ENOMEM;
	memcpy(*s, p, n);
	(*s)[n] = 0;
	if (len)
		*len = n;
	return 0;
}
