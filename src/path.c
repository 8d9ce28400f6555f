// SPDX-License-Identifier: GPL-2.0
/* path.c - join exec filenames to a cwd and resolve ".." physically, as the kernel walks paths. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "path.h"
#include "util.h"

/* Drop the last component of the absolute path in @b ("/a/b" -> "/a", "/a" -> "/"). */
static void drop_last(struct tw_buf *b)
{
	char *slash = memrchr(b->data, '/', b->len);

	b->len = slash && slash != b->data ? (size_t)(slash - b->data) : 1;
	b->data[b->len] = '\0';
}

char *tw_path_join(const char *cwd, const char *filename, tw_realpath_fn realpath_fn, void *ctx)
{
	struct tw_buf b = { 0 };
	const char *p = filename;
	int canonical = 1;	/* b holds no component of @filename yet: ".." is lexical there */

	if (tw_buf_puts(&b, cwd))
		goto out_nomem;
	while (b.len > 1 && b.data[b.len - 1] == '/')
		b.data[--b.len] = '\0';
	while (*p) {
		const char *end = strchrnul(p, '/');
		size_t n = end - p;

		if (n == 0 || (n == 1 && p[0] == '.')) {
			/* nothing */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (!canonical) {
				char *real = realpath_fn(b.data, ctx);

				if (!real) {
					tw_buf_release(&b);
					errno = ENOENT;
					return NULL;
				}
				tw_buf_reset(&b);
				if (tw_buf_puts(&b, real)) {
					free(real);
					goto out_nomem;
				}
				free(real);
				canonical = 1;
			}
			drop_last(&b);
		} else {
			if ((b.len > 1 && tw_buf_putc(&b, '/')) || (b.len == 1 && b.data[0] != '/' &&
								    tw_buf_putc(&b, '/')))
				goto out_nomem;
			if (tw_buf_append(&b, p, n))
				goto out_nomem;
			canonical = 0;
		}
		p = *end ? end + 1 : end;
	}
	return b.data;

out_nomem:
	tw_buf_release(&b);
	errno = ENOMEM;
	return NULL;
}

void tw_path_comm(const char *filename, char comm[16])
{
	const char *base = strrchr(filename, '/');

	base = base ? base + 1 : filename;
	strncpy(comm, base, 15);
	comm[15] = '\0';
}
