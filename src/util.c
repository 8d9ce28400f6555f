// SPDX-License-Identifier: GPL-2.0
/* util.c - allocation wrappers with test-build fault injection, messages, growable buffer. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"

#ifdef TW_TESTING
/* Test-only injector state: the one global allowed outside main, compiled out of releases. */
static long fault_countdown = -1;
static long fault_count;

void tw_fault_inject_after(long countdown)
{
	fault_countdown = countdown;
	fault_count = 0;
}

long tw_fault_injected(void)
{
	return fault_count;
}

static int fault_now(void)
{
	if (fault_countdown < 0)
		return 0;
	if (fault_countdown == 0) {
		fault_count++;
		return 1;
	}
	fault_countdown--;
	return 0;
}
#else
static inline int fault_now(void)
{
	return 0;
}
#endif

void *tw_malloc(size_t size)
{
	if (fault_now())
		return NULL;
	return malloc(size ? size : 1);
}

void *tw_calloc(size_t nmemb, size_t size)
{
	if (fault_now())
		return NULL;
	return calloc(nmemb ? nmemb : 1, size ? size : 1);
}

void *tw_realloc(void *ptr, size_t size)
{
	if (fault_now())
		return NULL;
	return realloc(ptr, size ? size : 1);
}

void *tw_memdup(const void *p, size_t n)
{
	char *d = tw_malloc(n + 1);

	if (!d)
		return NULL;
	memcpy(d, p, n);
	d[n] = '\0';
	return d;
}

char *tw_strndup(const char *s, size_t n)
{
	return tw_memdup(s, strnlen(s, n));
}

char *tw_strdup(const char *s)
{
	return tw_memdup(s, strlen(s));
}

void tw_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("tracewatch: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

int tw_err(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("tracewatch: error: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return err > 0 ? -err : err;
}

uint64_t tw_now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int buf_reserve(struct tw_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	size_t cap;
	char *d;

	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	d = tw_realloc(b->data, cap);
	if (!d)
		return -ENOMEM;
	b->data = d;
	b->cap = cap;
	return 0;
}

int tw_buf_append_grow(struct tw_buf *b, const void *p, size_t n)
{
	if (buf_reserve(b, n))
		return -ENOMEM;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int tw_buf_puts(struct tw_buf *b, const char *s)
{
	return tw_buf_append(b, s, strlen(s));
}

int tw_buf_quote_tail(struct tw_buf *b, size_t start, char quote, const char *inner)
{
	size_t end = b->len, inner_len = strlen(inner), quotes = 0, i;
	char *src, *dst;

	for (i = start; i < end; i++)
		quotes += b->data[i] == quote;
	if (buf_reserve(b, 2 + quotes * (inner_len - 1)))
		return -ENOMEM;
	b->len += 2 + quotes * (inner_len - 1);
	b->data[b->len] = '\0';
	/* Back to front, so that nothing is overwritten before it is moved. */
	src = b->data + end;
	dst = b->data + b->len;
	*--dst = quote;
	while (src > b->data + start) {
		char c = *--src;

		if (c == quote) {
			dst -= inner_len;
			memcpy(dst, inner, inner_len);
		} else {
			*--dst = c;
		}
	}
	*--dst = quote;
	return 0;
}

int tw_buf_printf(struct tw_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	if (buf_reserve(b, n))
		return -ENOMEM;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, n + 1, fmt, ap);
	va_end(ap);
	b->len += n;
	return 0;
}

void tw_buf_reset(struct tw_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void tw_buf_release(struct tw_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

/* Whether this process runs a statically linked binary (no shared libc mapped). */
static bool static_binary(void)
{
	static int known = -1;
	char line[512];
	FILE *f;

	if (known >= 0)
		return known;
	known = 1;
	f = fopen("/proc/self/maps", "re");
	if (!f)
		return known;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "/libc.so") || strstr(line, "/libc-")) {
			known = 0;
			break;
		}
	fclose(f);
	return known;
}

int tw_user_lookup(const char *name, struct tw_user *u)
{
	bool numeric = *name && strspn(name, "0123456789") == strlen(name);
	uid_t want = numeric ? (uid_t)strtoul(name, NULL, 10) : 0;
	struct passwd *pw = NULL;
	FILE *f;

	if (!static_binary()) {
		pw = getpwnam(name);
		if (!pw && numeric)
			pw = getpwuid(want);
	} else if ((f = fopen("/etc/passwd", "re"))) {
		while ((pw = fgetpwent(f)))
			if (!strcmp(pw->pw_name, name) || (numeric && pw->pw_uid == want))
				break;
		if (pw)
			snprintf(u->name, sizeof(u->name), "%s", pw->pw_name);
		fclose(f);
		if (pw)
			goto found_name;
	}
	if (!pw)
		return -ENOENT;
	snprintf(u->name, sizeof(u->name), "%s", pw->pw_name);
found_name:
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	return 0;
}

int tw_user_init_groups(const struct tw_user *u)
{
	gid_t groups[256];
	struct group *gr;
	int n = 0;
	FILE *f;

	if (!static_binary())
		return initgroups(u->name, u->gid) ? -errno : 0;
	groups[n++] = u->gid;
	f = fopen("/etc/group", "re");
	while (f && (gr = fgetgrent(f)) && n < (int)TW_ARRAY_SIZE(groups)) {
		char **m;

		for (m = gr->gr_mem; m && *m; m++)
			if (!strcmp(*m, u->name) && gr->gr_gid != u->gid) {
				groups[n++] = gr->gr_gid;
				break;
			}
	}
	if (f)
		fclose(f);
	return setgroups((size_t)n, groups) ? -errno : 0;
}
