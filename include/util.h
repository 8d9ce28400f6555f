/* SPDX-License-Identifier: GPL-2.0 */
/* util.h - allocation wrappers (with fault injection in test builds), messages, growable buffer. */
#ifndef TW_UTIL_H
#define TW_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define TW_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Allocation wrappers. All project code allocates through these so that test builds
 * (TW_TESTING) can fail the Nth allocation and check every failure path (SQLite style).
 * They return NULL on failure, like their libc counterparts; they never exit.
 */
void *tw_malloc(size_t size);
void *tw_calloc(size_t nmemb, size_t size);
void *tw_realloc(void *ptr, size_t size);
char *tw_strdup(const char *s);
char *tw_strndup(const char *s, size_t n);
void *tw_memdup(const void *p, size_t n);

#ifdef TW_TESTING
/* Fail the allocation after @countdown more successful ones; -1 disables injection. */
void tw_fault_inject_after(long countdown);
/* Number of allocations that were failed on purpose since the last tw_fault_inject_after(). */
long tw_fault_injected(void);
#endif

/*
 * Messages to stderr, prefixed with "tracewatch: ". Modules report through these only; only
 * main/CLI code decides to exit. tw_err() returns -@err so callers can "return tw_err(...)".
 */
void tw_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int tw_err(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#include <sys/types.h>

/* A user of the system's user database. */
struct tw_user {
	uid_t uid;
	gid_t gid;
	char name[64];
};

/*
 * Look up @name (a user name, or a number) into @u. Returns 0 or -ENOENT. A statically linked
 * tracewatch reads /etc/passwd itself: the NSS modules (systemd, sss, ...) are shared
 * libraries built for the shared libc and crash a static binary that loads them.
 */
int tw_user_lookup(const char *name, struct tw_user *u);

/*
 * The supplementary groups of @u (initgroups(3); /etc/group only in a static binary).
 * Returns 0 or -errno.
 */
int tw_user_init_groups(const struct tw_user *u);

/* CLOCK_MONOTONIC in nanoseconds: the same clock as the trace's "mono" clock. */
uint64_t tw_now_mono(void);

/*
 * Byte tests on a whole 64-bit word at once (Bit Twiddling Hacks): TW_WORD_ONES * c repeats
 * the byte c; tw_word_has_byte() is the "has zero byte" test on @w ^ @c, exact about whether
 * some byte of @w equals @c.
 */
#define TW_WORD_ONES 0x0101010101010101ull
#define TW_WORD_HIGHS 0x8080808080808080ull

static inline bool tw_word_has_byte(uint64_t w, unsigned char c)
{
	uint64_t x = w ^ (TW_WORD_ONES * c);

	return (x - TW_WORD_ONES) & ~x & TW_WORD_HIGHS;
}

/* A growable byte buffer; always NUL-terminated after a successful append. */
struct tw_buf {
	char *data;
	size_t len;
	size_t cap;
};

/* tw_buf_append() when the buffer must grow first; call tw_buf_append(). */
int tw_buf_append_grow(struct tw_buf *b, const void *p, size_t n);

/*
 * Append @n bytes. Returns 0 or -ENOMEM (the buffer is unchanged on failure). Inline for the
 * usual case: the output line buffers are reused and nearly always have room already.
 */
static inline int tw_buf_append(struct tw_buf *b, const void *p, size_t n)
{
	if (b->len + n < b->cap) {
		memcpy(b->data + b->len, p, n);
		b->len += n;
		b->data[b->len] = '\0';
		return 0;
	}
	return tw_buf_append_grow(b, p, n);
}

static inline int tw_buf_putc(struct tw_buf *b, char c)
{
	return tw_buf_append(b, &c, 1);
}

int tw_buf_puts(struct tw_buf *b, const char *s);
int tw_buf_printf(struct tw_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * Wrap the bytes of @b from @start to its end in @quote, each @quote inside written as
 * @inner: CSV is ('"', "\"\""), POSIX sh is ('\'', "'\\''"). Done in place, back to front.
 * Returns 0, or -ENOMEM with @b unchanged.
 */
int tw_buf_quote_tail(struct tw_buf *b, size_t start, char quote, const char *inner);
/* Empty the buffer but keep its memory. */
void tw_buf_reset(struct tw_buf *b);
/* Free the memory; the buffer may be reused after. Accepts a zeroed buffer. */
void tw_buf_release(struct tw_buf *b);

#endif
