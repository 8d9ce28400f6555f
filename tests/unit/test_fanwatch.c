// SPDX-License-Identifier: GPL-2.0
/* test_fanwatch.c - fanotify items from hand-built event buffers holding real fds; path
 * classification. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <ftw.h>
#include <sys/fanotify.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "fanwatch.h"
#include "util.h"

/* ---- classification ---- */

static bool yes(const char *link, void *ctx)
{
	return true;
}

static bool no(const char *link, void *ctx)
{
	return false;
}

struct cls {
	const char *link;
	bool memfd;
	uint32_t nlink;
	bool (*exists)(const char *, void *);
	enum tw_fan_kind kind;
	const char *want; /* the meaningful part, NULL for none */
	unsigned int flags;
};

static void check_cls(const struct cls *c)
{
	size_t start = 99, len = 99;
	unsigned int flags = 0;
	enum tw_fan_kind k;

	k = tw_fanwatch_classify(c->link, strlen(c->link), c->memfd, c->nlink, c->exists, NULL,
				 &start, &len, &flags);
	assert_int_equal(k, c->kind);
	assert_int_equal(flags, c->flags);
	if (c->want) {
		assert_int_equal(len, strlen(c->want));
		assert_memory_equal(c->link + start, c->want, len);
	}
}

static void test_classify(void **state)
{
	static const struct cls cases[] = {
	    {"/usr/bin/true", false, 1, NULL, TW_FAN_PATH, "/usr/bin/true", 0},
	    /* Unlinked: one suffix removed. */
	    {"/tmp/d/prog (deleted)", false, 0, NULL, TW_FAN_PATH, "/tmp/d/prog", TW_FAN_DELETED},
	    /* A real file named "x (deleted)", still linked: the stat says it is that file. */
	    {"/tmp/x (deleted)", false, 1, yes, TW_FAN_PATH, "/tmp/x (deleted)", 0},
	    /* Same text, but not that file (another hard link remains): no path. */
	    {"/tmp/x (deleted)", false, 1, no, TW_FAN_NOPATH, NULL, 0},
	    {"/tmp/x (deleted)", false, 2, NULL, TW_FAN_NOPATH, NULL, 0},
	    /* The real "x (deleted)", unlinked. */
	    {"/tmp/x (deleted) (deleted)", false, 0, NULL, TW_FAN_PATH, "/tmp/x (deleted)",
	     TW_FAN_DELETED},
	    /* No links but no suffix: cannot be (the count is read first). */
	    {"/tmp/x", false, 0, NULL, TW_FAN_NOPATH, NULL, 0},
	    /* memfd: the name only, never a path. */
	    {"/memfd:payload (deleted)", true, 0, NULL, TW_FAN_MEMFD, "payload", TW_FAN_DELETED},
	    {"/memfd:a (deleted) (deleted)", true, 0, NULL, TW_FAN_MEMFD, "a (deleted)",
	     TW_FAN_DELETED},
	    {"/memfd: (deleted)", true, 0, NULL, TW_FAN_MEMFD, "", TW_FAN_DELETED},
	    /* On the memfd superblock but not a memfd's name: nothing. */
	    {"/SYSV00000000 (deleted)", true, 0, NULL, TW_FAN_NOPATH, NULL, 0},
	    {"/memfd:x", true, 0, NULL, TW_FAN_NOPATH, NULL, 0},
	    /* A deleted real file that was named /memfd:x is a path, not a memfd. */
	    {"/memfd:x (deleted)", false, 0, NULL, TW_FAN_PATH, "/memfd:x", TW_FAN_DELETED},
	    {"pipe:[1234]", false, 1, NULL, TW_FAN_NOPATH, NULL, 0},
	    {"", false, 1, NULL, TW_FAN_NOPATH, NULL, 0},
	    {" (deleted)", false, 0, NULL, TW_FAN_NOPATH, NULL, 0},
	};
	size_t i;

	for (i = 0; i < TW_ARRAY_SIZE(cases); i++) {
		print_message("case %zu: %s\n", i, cases[i].link);
		check_cls(&cases[i]);
	}
}

/* ---- mountinfo ---- */

static void test_mountinfo(void **state)
{
	char l1[] = "36 35 98:0 /mnt1 /mnt\\040two rw,noatime master:1 shared:2 - ext3 /dev/root "
		    "rw,errors=continue";
	char l2[] = "26 1 254:0 / / rw,relatime - ext4 /dev/vda rw";
	char l3[] = "26 1 254:0 / / rw,relatime ext4 /dev/vda rw"; /* no separator */
	char l4[] = "x 1 254:0 / / rw - ext4 /dev/vda rw";
	char l5[] = "26 1 254 / / rw - ext4 /dev/vda rw";
	char l6[] = "40 30 0:37 / /a\\134b\\011c rw - cgroup2 cg\\040x rw";
	struct tw_mountinfo mi;

	assert_int_equal(tw_fanwatch_parse_mountinfo(l1, &mi), 0);
	assert_int_equal(mi.mnt_id, 36);
	assert_int_equal(mi.parent_id, 35);
	assert_int_equal(mi.major, 98);
	assert_int_equal(mi.minor, 0);
	assert_string_equal(mi.root, "/mnt1");
	assert_string_equal(mi.mountpoint, "/mnt two");
	assert_string_equal(mi.fstype, "ext3");
	assert_string_equal(mi.source, "/dev/root");
	assert_int_equal(tw_fanwatch_parse_mountinfo(l2, &mi), 0);
	assert_string_equal(mi.mountpoint, "/");
	assert_string_equal(mi.fstype, "ext4");
	assert_int_equal(tw_fanwatch_parse_mountinfo(l3, &mi), -EINVAL);
	assert_int_equal(tw_fanwatch_parse_mountinfo(l4, &mi), -EINVAL);
	assert_int_equal(tw_fanwatch_parse_mountinfo(l5, &mi), -EINVAL);
	assert_int_equal(tw_fanwatch_parse_mountinfo(l6, &mi), 0);
	assert_string_equal(mi.mountpoint, "/a\\b\tc");
	assert_string_equal(mi.source, "cg x");
}

/* ---- event buffers ---- */

struct got {
	int n;
	struct tw_fan_item it[8];
	char path[8][PATH_MAX];
	int ret; /* what the callback returns */
};

static int collect(const struct tw_fan_item *it, void *ctx)
{
	struct got *g = ctx;

	if (g->n < 8) {
		g->it[g->n] = *it;
		if (it->path)
			memcpy(g->path[g->n], it->path, it->path_len);
		g->path[g->n][it->path ? it->path_len : 0] = '\0';
		g->it[g->n].path = it->path ? g->path[g->n] : NULL;
	}
	g->n++;
	return g->ret;
}

/* Append one event to @buf at *@off (no alignment: the parser must not need it). */
static void put_event(char *buf, size_t *off, uint64_t mask, int fd, int pid, size_t extra)
{
	struct fanotify_event_metadata m = {
	    .event_len = FAN_EVENT_METADATA_LEN + extra,
	    .vers = FANOTIFY_METADATA_VERSION,
	    .metadata_len = FAN_EVENT_METADATA_LEN,
	    .mask = mask,
	    .fd = fd,
	    .pid = pid,
	};

	memcpy(buf + *off, &m, sizeof(m));
	memset(buf + *off + sizeof(m), 0xaa, extra);
	*off += m.event_len;
}

static bool fd_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

struct fixture {
	struct tw_fanwatch *w;
	char dir[64];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	strcpy(f->dir, "/tmp/tw-fanwatch-XXXXXX");
	if (!mkdtemp(f->dir) || tw_fanwatch_open_detached(&f->w))
		return -1;
	*state = f;
	return 0;
}

static int rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	return remove(path);
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	int ret;

	tw_fanwatch_close(f->w);
	ret = nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return ret;
}

/* Create @name in the fixture's directory; return an O_RDONLY fd on it. */
static int make_file(struct fixture *f, const char *name, char *path_out)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", f->dir, name);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL, 04755);
	assert_true(fd >= 0);
	assert_int_equal(fchmod(fd, 04755), 0); /* umask must not hide the set-user-ID bit */
	close(fd);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	if (path_out)
		strcpy(path_out, path);
	return fd;
}

static void test_plain_file(void **state)
{
	struct fixture *f = *state;
	char buf[256], path[PATH_MAX], real[PATH_MAX];
	struct got g = {0};
	struct stat st;
	size_t off = 1; /* unaligned on purpose */
	int fd = make_file(f, "prog", path);

	assert_int_equal(fstat(fd, &st), 0);
	assert_non_null(realpath(path, real));
	put_event(buf, &off, FAN_OPEN_EXEC, fd, 4242, 0);
	assert_int_equal(tw_fanwatch_parse(f->w, buf + 1, off - 1, 77, collect, &g), 1);
	assert_int_equal(g.n, 1);
	assert_false(fd_open(fd));
	assert_int_equal(g.it[0].type, TW_FAN_EXEC);
	assert_int_equal(g.it[0].ts, 77);
	assert_int_equal(g.it[0].tid, 4242);
	assert_true(g.it[0].has_stat);
	assert_int_equal(g.it[0].dev, st.st_dev);
	assert_int_equal(g.it[0].ino, st.st_ino);
	assert_int_equal(g.it[0].mode, S_IFREG | 04755);
	assert_int_equal(g.it[0].uid, st.st_uid);
	assert_int_equal(g.it[0].nlink, 1);
	assert_int_equal(g.it[0].kind, TW_FAN_PATH);
	/* Our own mount: not flagged as another namespace's view. */
	assert_int_equal(g.it[0].flags, 0);
	assert_true(g.it[0].mnt_id != 0);
	assert_string_equal(g.it[0].path, real);
}

static void test_deleted_and_tricky_names(void **state)
{
	struct fixture *f = *state;
	char buf[256], p1[PATH_MAX], p2[PATH_MAX], p3[PATH_MAX], p4[PATH_MAX], r[PATH_MAX];
	struct got g = {0};
	size_t off = 0;
	int fd1, fd2, fd3, fd4;

	/* 1: deleted. 2: a real file named "x (deleted)". 3: that one, deleted. */
	fd1 = make_file(f, "gone", p1);
	fd2 = make_file(f, "x (deleted)", p2);
	fd3 = make_file(f, "y (deleted)", p3);
	/* 4: a name unlinked while another hard link remains. */
	fd4 = make_file(f, "a", p4);
	snprintf(r, sizeof(r), "%s/b", f->dir);
	assert_int_equal(link(p4, r), 0);
	assert_int_equal(unlink(p1), 0);
	assert_int_equal(unlink(p3), 0);
	assert_int_equal(unlink(p4), 0);
	put_event(buf, &off, FAN_OPEN_EXEC, fd1, 1, 0);
	put_event(buf, &off, FAN_OPEN_EXEC, fd2, 2, 0);
	put_event(buf, &off, FAN_OPEN_EXEC, fd3, 3, 0);
	put_event(buf, &off, FAN_OPEN_EXEC, fd4, 4, 0);
	assert_int_equal(tw_fanwatch_parse(f->w, buf, off, 1, collect, &g), 4);
	assert_non_null(realpath(f->dir, r));

	assert_int_equal(g.it[0].kind, TW_FAN_PATH);
	assert_int_equal(g.it[0].flags, TW_FAN_DELETED);
	assert_int_equal(g.it[0].nlink, 0);
	assert_int_equal(strncmp(g.it[0].path, r, strlen(r)), 0);
	assert_string_equal(g.it[0].path + strlen(r), "/gone");

	assert_int_equal(g.it[1].kind, TW_FAN_PATH);
	assert_int_equal(g.it[1].flags, 0);
	assert_string_equal(g.it[1].path + strlen(r), "/x (deleted)");

	assert_int_equal(g.it[2].kind, TW_FAN_PATH);
	assert_int_equal(g.it[2].flags, TW_FAN_DELETED);
	assert_string_equal(g.it[2].path + strlen(r), "/y (deleted)");

	/* "/dir/a (deleted)" with a link left: not a path anyone can trust. */
	assert_int_equal(g.it[3].kind, TW_FAN_NOPATH);
	assert_null(g.it[3].path);
	assert_int_equal(g.it[3].nlink, 1);
	assert_false(fd_open(fd1) || fd_open(fd2) || fd_open(fd3) || fd_open(fd4));
}

static void test_memfd(void **state)
{
	struct fixture *f = *state;
	struct got g = {0};
	char buf[64];
	size_t off = 0;
	int fd = memfd_create("pay load (deleted)", MFD_CLOEXEC);

	assert_true(fd >= 0);
	put_event(buf, &off, FAN_OPEN_EXEC, fd, 9, 0);
	assert_int_equal(tw_fanwatch_parse(f->w, buf, off, 1, collect, &g), 1);
	assert_int_equal(g.it[0].kind, TW_FAN_MEMFD);
	assert_int_equal(g.it[0].flags, TW_FAN_DELETED);
	assert_string_equal(g.it[0].path, "pay load (deleted)");
	assert_false(fd_open(fd));
}

static void test_overflow_nofd_other_mask(void **state)
{
	struct fixture *f = *state;
	struct got g = {0};
	char buf[256];
	size_t off = 0;
	int fd = make_file(f, "other", NULL);

	put_event(buf, &off, FAN_Q_OVERFLOW, FAN_NOFD, 0, 0);
	put_event(buf, &off, FAN_OPEN_EXEC, FAN_NOFD, 5, 0);
	put_event(buf, &off, FAN_OPEN, fd, 6, 0);	      /* not ours: no item, fd closed */
	put_event(buf, &off, FAN_OPEN_EXEC, FAN_NOFD, 7, 16); /* info records are skipped */
	assert_int_equal(tw_fanwatch_parse(f->w, buf, off, 5, collect, &g), 3);
	assert_int_equal(g.n, 3);
	assert_int_equal(g.it[0].type, TW_FAN_LOST);
	assert_int_equal(g.it[0].ts, 5);
	assert_int_equal(g.it[1].type, TW_FAN_EXEC);
	assert_false(g.it[1].has_stat);
	assert_int_equal(g.it[1].kind, TW_FAN_NOPATH);
	assert_int_equal(g.it[1].tid, 5);
	assert_int_equal(g.it[2].tid, 7);
	assert_false(fd_open(fd));
}

static void test_malformed(void **state)
{
	struct fixture *f = *state;
	struct fanotify_event_metadata *m;
	struct got g = {0};
	char buf[256];
	size_t off = 0;
	int fd1 = make_file(f, "m1", NULL), fd2 = make_file(f, "m2", NULL);

	/* Two good events, then half of a third: both delivered, then -EBADMSG. */
	put_event(buf, &off, FAN_OPEN_EXEC, fd1, 1, 0);
	put_event(buf, &off, FAN_OPEN_EXEC, fd2, 2, 0);
	put_event(buf, &off, FAN_OPEN_EXEC, FAN_NOFD, 3, 0);
	assert_int_equal(tw_fanwatch_parse(f->w, buf, off - 10, 1, collect, &g), -EBADMSG);
	assert_int_equal(g.n, 2);
	assert_false(fd_open(fd1) || fd_open(fd2));

	/* Wrong version: nothing delivered. */
	g.n = 0;
	off = 0;
	put_event(buf, &off, FAN_OPEN_EXEC, FAN_NOFD, 3, 0);
	m = (void *)buf;
	m->vers = FANOTIFY_METADATA_VERSION + 1;
	assert_int_equal(tw_fanwatch_parse(f->w, buf, off, 1, collect, &g), -EBADMSG);
	assert_int_equal(g.n, 0);

	/* event_len shorter than the metadata, or past the end. */
	m->vers = FANOTIFY_METADATA_VERSION;
	m->event_len = 8;
	assert_int_equal(tw_fanwatch_parse(f->w, buf, off, 1, collect, &g), -EBADMSG);
	m->event_len = off + 1;
	assert_int_equal(tw_fanwatch_parse(f->w, buf, off, 1, collect, &g), -EBADMSG);
	assert_int_equal(g.n, 0);

	/* Empty buffer: nothing, no error. */
	assert_int_equal(tw_fanwatch_parse(f->w, buf, 0, 1, collect, &g), 0);
}

static void test_callback_error_closes_all(void **state)
{
	struct fixture *f = *state;
	struct got g = {.ret = -ENOSPC};
	char buf[256];
	size_t off = 0;
	int fd1 = make_file(f, "c1", NULL), fd2 = make_file(f, "c2", NULL);

	put_event(buf, &off, FAN_OPEN_EXEC, fd1, 1, 0);
	put_event(buf, &off, FAN_OPEN_EXEC, fd2, 2, 0);
	assert_int_equal(tw_fanwatch_parse(f->w, buf, off, 1, collect, &g), -ENOSPC);
	assert_int_equal(g.n, 2);
	assert_false(fd_open(fd1) || fd_open(fd2));
}

static void test_open_detached_alloc_failures(void **state)
{
	long n;

	for (n = 0;; n++) {
		struct tw_fanwatch *w = NULL;
		int ret;

		tw_fault_inject_after(n);
		ret = tw_fanwatch_open_detached(&w);
		if (tw_fault_injected() == 0) {
			tw_fault_inject_after(-1);
			assert_int_equal(ret, 0);
			tw_fanwatch_close(w);
			break;
		}
		tw_fault_inject_after(-1);
		assert_int_equal(ret, -ENOMEM);
	}
	assert_true(n > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_classify),
	    cmocka_unit_test(test_mountinfo),
	    cmocka_unit_test_setup_teardown(test_plain_file, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_deleted_and_tricky_names, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_memfd, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_overflow_nofd_other_mask, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_callback_error_closes_all, setup, teardown),
	    cmocka_unit_test(test_open_detached_alloc_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
