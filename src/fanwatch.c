// SPDX-License-Identifier: GPL-2.0
/* fanwatch.c - fanotify FAN_OPEN_EXEC listener: per-superblock marks, items with the exact file. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/fanotify.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#include "fanwatch.h"
#include "util.h"

/*
 * Cost per item, fd mode vs FID mode. tw-sourcedump --bench 1000 --bench-mode M: a child
 * runs 1000 fork+execs of /bin/true (2 items each, the program and the ELF loader; the
 * host's other execs add more) while the reader drains every 50 ms; drain_us is the
 * reader thread's CPU (CLOCK_THREAD_CPUTIME_ID) spent reading and handling the items.
 * 2 vCPU VM, 6.18, load average 9-11 from other jobs (a getppid() costs 1.5-1.9 us here,
 * so absolute numbers are high; the ratios are what counts). Two runs each:
 *   bare      the kernel makes each fd at read, we only close it     4.8-5.2 us per item
 *   fd        this file: + statx + readlinkat(/proc/self/fd, N)       16.0-17.2 us
 *   fid       FAN_REPORT_DFID_NAME: open_by_handle_at(dir) + readlink
 *             + join the name + fstatat for the identity             20.6-21.5 us
 *   fid-only  FAN_REPORT_FID, the handle alone, no syscall per item   2.2-2.5 us
 * The FID mode with a path costs more than the fd mode (it has to open the directory that
 * the fd mode gets for free) and is not exact: the directory handle gives the directory's
 * path at read time and the name is the one used at exec, so a rename of the file in
 * between gives a path to another file or none, and a deleted or memfd file has no name.
 * The handle alone is cheap but is no path, and turning it into dev+inode depends on each
 * filesystem's handle format. So the fd mode is kept. Its floor is the kernel's fd: about
 * a third of the cost; statx and readlinkat are the rest.
 */

/* The item buffer: about 2,700 events of 24 bytes. */
#define FAN_READ_BUF (64 * 1024)
/* " (deleted)": what d_path() appends to an unlinked dentry's path. */
#define DELETED_SUFFIX	   " (deleted)"
#define DELETED_SUFFIX_LEN (sizeof(DELETED_SUFFIX) - 1)
#define MEMFD_PREFIX	   "/memfd:"
#define MEMFD_PREFIX_LEN   (sizeof(MEMFD_PREFIX) - 1)
/* Name of the memfd made only to find (and mark) the memfd superblock. */
#define MEMFD_MARK_NAME "tracewatch-mark"
/* Room for "/proc/<pid>/root" in front of a mountpoint. */
#define PROC_ROOT_MAX 32

#ifndef STATX_MNT_ID_UNIQUE
#define STATX_MNT_ID_UNIQUE 0x00004000U
#endif
#ifndef SYS_listmount
#define SYS_listmount 458
#endif
/* listmount(2) (6.8+): all mounts of our namespace, by unique (never reused) id. */
#define LSMT_ROOT		0xffffffffffffffffULL
#define LISTMOUNT_REQ_SIZE_VER0 24
struct listmount_req {
	uint32_t size;
	uint32_t spare;
	uint64_t mnt_id;
	uint64_t param;
};
/* Ids asked for per listmount() call. */
#define LISTMOUNT_BATCH 256

/*
 * Filesystems nothing can be executed from: no regular files a user can create or exec (or
 * exec is refused there), so marking them would only add a mask test to their opens.
 * devtmpfs, tmpfs, overlay, fuse and disk filesystems are all marked.
 */
static const char *const pseudo_fstypes[] = {
    "proc",	   "sysfs",  "cgroup", "cgroup2",   "tracefs",	  "debugfs",   "securityfs",
    "devpts",	   "mqueue", "bpf",    "pstore",    "configfs",	  "fusectl",   "efivarfs",
    "binfmt_misc", "autofs", "nsfs",   "selinuxfs", "rpc_pipefs", "hugetlbfs",
};

struct sb_mark {
	unsigned int major, minor;
	char *fstype;
	char *where;
	int err;
};

struct id_set {
	uint64_t *ids; /* sorted */
	size_t nr, cap;
};

struct tw_fanwatch {
	int fan_fd;
	int ep_fd;	 /* what the caller polls: fan_fd + mi_wake */
	int mi_wake;	 /* our mountinfo, in ep_fd for EPOLLPRI */
	int mi_check;	 /* our mountinfo again, polled here (see tw_fanwatch_read) */
	int fd_dir;	 /* /proc/self/fd: readlinkat() skips walking /proc/self each time */
	bool unique_ids; /* statx/listmount give unique mount ids */
	bool have_memfd_dev;
	uint64_t memfd_dev;
	struct sb_mark *marks;
	size_t nr_marks, cap_marks;
	struct id_set own;     /* mount ids of our namespace */
	struct id_set foreign; /* mount ids seen and found not ours (unique ids only) */
	char *buf;	       /* FAN_READ_BUF */
	uint64_t skip_dev, skip_ino; /* tw_fanwatch_skip_path(); ino 0: none */
	char link[PATH_MAX + DELETED_SUFFIX_LEN + 2];
};

static uint64_t stx_dev(const struct statx *stx)
{
	return makedev(stx->stx_dev_major, stx->stx_dev_minor);
}

/* ---- id sets ---- */

static bool id_set_has(const struct id_set *s, uint64_t id)
{
	size_t lo = 0, hi = s->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->ids[mid] == id)
			return true;
		if (s->ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static int id_set_add(struct id_set *s, uint64_t id)
{
	size_t i;

	if (id_set_has(s, id))
		return 0;
	if (s->nr == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		uint64_t *ids = tw_realloc(s->ids, cap * sizeof(*ids));

		if (!ids)
			return -ENOMEM;
		s->ids = ids;
		s->cap = cap;
	}
	for (i = s->nr; i > 0 && s->ids[i - 1] > id; i--)
		s->ids[i] = s->ids[i - 1];
	s->ids[i] = id;
	s->nr++;
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* ---- mountinfo ---- */

/* Undo the octal escapes (\040 \011 \012 \134) the kernel puts in mountinfo paths. */
static void unescape(char *s)
{
	char *d = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 4;
		} else {
			*d++ = *s++;
		}
	}
	*d = '\0';
}

static char *next_field(char **p)
{
	char *s = *p, *e;

	if (!s || !*s)
		return NULL;
	e = strchr(s, ' ');
	if (e) {
		*e = '\0';
		*p = e + 1;
	} else {
		*p = NULL;
	}
	return s;
}

int tw_fanwatch_parse_mountinfo(char *line, struct tw_mountinfo *mi)
{
	char *p = line, *f, *end;
	int i;

	/* 36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue */
	f = next_field(&p);
	if (!f)
		return -EINVAL;
	mi->mnt_id = (int)strtol(f, &end, 10);
	if (*end)
		return -EINVAL;
	f = next_field(&p);
	if (!f)
		return -EINVAL;
	mi->parent_id = (int)strtol(f, &end, 10);
	if (*end)
		return -EINVAL;
	f = next_field(&p);
	if (!f || sscanf(f, "%u:%u", &mi->major, &mi->minor) != 2)
		return -EINVAL;
	mi->root = next_field(&p);
	mi->mountpoint = next_field(&p);
	if (!mi->root || !mi->mountpoint)
		return -EINVAL;
	/* Mount options, then optional fields up to the "-" separator. */
	for (i = 0;; i++) {
		f = next_field(&p);
		if (!f)
			return -EINVAL;
		if (i > 0 && !strcmp(f, "-"))
			break;
	}
	mi->fstype = next_field(&p);
	mi->source = next_field(&p);
	if (!mi->fstype || !mi->source)
		return -EINVAL;
	unescape(mi->root);
	unescape(mi->mountpoint);
	unescape(mi->source);
	return 0;
}

/* Read a whole /proc file into @b (reset first). Returns 0 or -errno. */
static int read_all(const char *path, struct tw_buf *b)
{
	char chunk[8192];
	ssize_t n;
	int fd, ret = 0;

	tw_buf_reset(b);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			break;
		}
		if (n == 0)
			break;
		if (tw_buf_append(b, chunk, n)) {
			ret = -ENOMEM;
			break;
		}
	}
	close(fd);
	if (!ret && !b->data && tw_buf_putc(b, '\0'))
		ret = -ENOMEM;
	return ret;
}

/* ---- marks ---- */

static bool is_pseudo(const char *fstype)
{
	size_t i;

	for (i = 0; i < TW_ARRAY_SIZE(pseudo_fstypes); i++)
		if (!strcmp(fstype, pseudo_fstypes[i]))
			return true;
	return false;
}

static struct sb_mark *find_mark(struct tw_fanwatch *w, unsigned int major, unsigned int minor)
{
	size_t i;

	for (i = 0; i < w->nr_marks; i++)
		if (w->marks[i].major == major && w->marks[i].minor == minor)
			return &w->marks[i];
	return NULL;
}

static int add_mark_record(struct tw_fanwatch *w, unsigned int major, unsigned int minor,
			   const char *fstype, const char *where, int err)
{
	struct sb_mark *m = find_mark(w, major, minor);
	char *f, *wh;

	if (m) {
		/* The same device number again: a new filesystem that reuses it, or a retry. */
		f = tw_strdup(fstype);
		wh = tw_strdup(where);
		if (!f || !wh) {
			free(f);
			free(wh);
			return -ENOMEM;
		}
		free(m->fstype);
		free(m->where);
		m->fstype = f;
		m->where = wh;
		m->err = err;
		return 0;
	}
	if (w->nr_marks == w->cap_marks) {
		size_t cap = w->cap_marks ? w->cap_marks * 2 : 16;

		m = tw_realloc(w->marks, cap * sizeof(*m));
		if (!m)
			return -ENOMEM;
		w->marks = m;
		w->cap_marks = cap;
	}
	m = &w->marks[w->nr_marks];
	m->major = major;
	m->minor = minor;
	m->err = err;
	m->fstype = tw_strdup(fstype);
	m->where = tw_strdup(where);
	if (!m->fstype || !m->where) {
		free(m->fstype);
		free(m->where);
		return -ENOMEM;
	}
	w->nr_marks++;
	return 0;
}

/*
 * Mark the superblock of the mount @mi, reached at @path. The path is opened O_PATH and the
 * mount it lands on is compared with @mi's id first: a mount hidden under another one is
 * not reachable by its path, and marking what is on top would mark the wrong superblock.
 * Returns 1 when marked, 0 when refused (recorded with its errno), -ENOENT when not
 * reachable by that path (nothing recorded), -ENOMEM.
 */
static int mark_mount(struct tw_fanwatch *w, const struct tw_mountinfo *mi, const char *path)
{
	char fdpath[PROC_ROOT_MAX];
	struct statx stx;
	int fd, err = 0, ret;

	fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return -ENOENT;
	if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) || !(stx.stx_mask & STATX_MNT_ID) ||
	    stx.stx_mnt_id != (uint64_t)mi->mnt_id) {
		close(fd);
		return -ENOENT;
	}
	/* An O_PATH fd is refused as fanotify_mark()'s dirfd; its magic link is not. */
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
	if (fanotify_mark(w->fan_fd, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, FAN_OPEN_EXEC, AT_FDCWD,
			  fdpath))
		err = -errno;
	close(fd);
	ret = add_mark_record(w, mi->major, mi->minor, mi->fstype, path, err);
	if (ret)
		return ret;
	return err ? 0 : 1;
}

/* The kernel's s_dev encoding, as fdinfo shows it: 12 bits of major, 20 of minor. */
static uint64_t kdev(unsigned int major, unsigned int minor)
{
	return (uint64_t)major << 20 | minor;
}

/*
 * The superblocks our group has a mark on now, from the fanotify fd's fdinfo ("fanotify
 * sdev:HEX ..." lines). A superblock's mark goes away with it, and its anonymous device
 * number is then reused by the next tmpfs or overlay mounted: remembering which device
 * numbers were marked would skip the new filesystem. The kernel's list cannot be stale.
 */
static int read_live_marks(struct tw_fanwatch *w, struct id_set *live)
{
	char path[PROC_ROOT_MAX];
	struct tw_buf text = {0};
	const char *p;
	int ret;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", w->fan_fd);
	ret = read_all(path, &text);
	for (p = text.data; !ret && p && (p = strstr(p, "fanotify sdev:")); p++) {
		uint64_t sdev = strtoull(p + strlen("fanotify sdev:"), NULL, 16);

		ret = id_set_add(live, sdev);
	}
	tw_buf_release(&text);
	return ret;
}

/*
 * Mark every superblock listed in @mountinfo_path that has no mark of ours now, reaching
 * mountpoints under @prefix ("" for ours, "/proc/PID/root" for another namespace).
 * Returns the number newly marked or -errno.
 */
static int scan_mounts(struct tw_fanwatch *w, const char *mountinfo_path, const char *prefix)
{
	struct tw_buf text = {0}, path = {0};
	struct id_set live = {0}, tried = {0};
	char *line, *next;
	int ret, marked = 0;

	ret = read_all(mountinfo_path, &text);
	if (!ret)
		ret = read_live_marks(w, &live);
	if (ret)
		goto out;
	for (line = text.data; line && *line; line = next) {
		struct tw_mountinfo mi;
		uint64_t sdev;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (tw_fanwatch_parse_mountinfo(line, &mi) || is_pseudo(mi.fstype))
			continue;
		sdev = kdev(mi.major, mi.minor);
		if (id_set_has(&live, sdev) || id_set_has(&tried, sdev))
			continue;
		tw_buf_reset(&path);
		if (tw_buf_puts(&path, prefix) || tw_buf_puts(&path, mi.mountpoint)) {
			ret = -ENOMEM;
			goto out;
		}
		ret = mark_mount(w, &mi, path.data);
		if (ret == -ENOENT)
			continue; /* hidden: another mount of it may be reachable */
		if (ret < 0)
			goto out;
		marked += ret;
		/* Reached (marked or refused): the other mounts of it need not be tried. */
		ret = id_set_add(&tried, sdev);
		if (ret)
			goto out;
	}
	ret = marked;
out:
	tw_buf_release(&text);
	tw_buf_release(&path);
	free(live.ids);
	free(tried.ids);
	return ret;
}

/* ---- our mount ids ---- */

static int own_ids_from_listmount(struct tw_fanwatch *w)
{
	struct listmount_req req = {.size = LISTMOUNT_REQ_SIZE_VER0, .mnt_id = LSMT_ROOT};
	uint64_t batch[LISTMOUNT_BATCH];
	long n;

	w->own.nr = 0;
	for (;;) {
		long i;

		n = syscall(SYS_listmount, &req, batch, LISTMOUNT_BATCH, 0);
		if (n < 0)
			return -errno;
		for (i = 0; i < n; i++) {
			if (w->own.nr == w->own.cap) {
				size_t cap = w->own.cap ? w->own.cap * 2 : 64;
				uint64_t *ids = tw_realloc(w->own.ids, cap * sizeof(*ids));

				if (!ids)
					return -ENOMEM;
				w->own.ids = ids;
				w->own.cap = cap;
			}
			w->own.ids[w->own.nr++] = batch[i];
		}
		if (n < LISTMOUNT_BATCH)
			break;
		req.param = batch[n - 1];
	}
	qsort(w->own.ids, w->own.nr, sizeof(*w->own.ids), cmp_u64);
	return 0;
}

static int own_ids_from_mountinfo(struct tw_fanwatch *w)
{
	struct tw_buf text = {0};
	char *line, *next;
	int ret;

	w->own.nr = 0;
	ret = read_all("/proc/self/mountinfo", &text);
	for (line = text.data; !ret && line && *line; line = next) {
		struct tw_mountinfo mi;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (!tw_fanwatch_parse_mountinfo(line, &mi))
			ret = id_set_add(&w->own, (uint64_t)mi.mnt_id);
	}
	tw_buf_release(&text);
	return ret;
}

static int refresh_own_ids(struct tw_fanwatch *w)
{
	return w->unique_ids ? own_ids_from_listmount(w) : own_ids_from_mountinfo(w);
}

/*
 * Is the mount @id one of our namespace's? Unknown ids re-read our mount list once (a mount
 * added since the last look); ids found foreign are remembered, which is safe only with
 * unique ids (reusable ids are re-checked each time through the refreshed list).
 */
static bool mount_is_ours(struct tw_fanwatch *w, uint64_t id)
{
	if (id_set_has(&w->own, id))
		return true;
	if (w->unique_ids && id_set_has(&w->foreign, id))
		return false;
	if (refresh_own_ids(w) == 0 && id_set_has(&w->own, id))
		return true;
	if (w->unique_ids)
		id_set_add(&w->foreign, id); /* -ENOMEM: just asked again next time */
	return false;
}

/* ---- items ---- */

enum tw_fan_kind tw_fanwatch_classify(const char *link, size_t len, bool on_memfd_sb,
				      uint32_t nlink,
				      bool (*real_name_exists)(const char *link, void *ctx),
				      void *ctx, size_t *start, size_t *out_len,
				      unsigned int *flags)
{
	bool suffix = len >= DELETED_SUFFIX_LEN &&
		      !memcmp(link + len - DELETED_SUFFIX_LEN, DELETED_SUFFIX, DELETED_SUFFIX_LEN);

	*start = 0;
	*out_len = 0;
	if (on_memfd_sb) {
		/* "/memfd:NAME (deleted)"; a memfd never has a link. */
		if (!suffix || nlink || len < MEMFD_PREFIX_LEN + DELETED_SUFFIX_LEN ||
		    memcmp(link, MEMFD_PREFIX, MEMFD_PREFIX_LEN))
			return TW_FAN_NOPATH;
		*start = MEMFD_PREFIX_LEN;
		*out_len = len - MEMFD_PREFIX_LEN - DELETED_SUFFIX_LEN;
		*flags |= TW_FAN_DELETED;
		return TW_FAN_MEMFD;
	}
	if (!len || link[0] != '/')
		return TW_FAN_NOPATH;
	if (!suffix) {
		/*
		 * The link count is read before the link: a file already without links
		 * then always reads with the suffix. Without it, something is odd.
		 */
		if (!nlink)
			return TW_FAN_NOPATH;
		*out_len = len;
		return TW_FAN_PATH;
	}
	if (!nlink) {
		/* Unlinked for sure; d_path() added exactly one suffix. */
		*out_len = len - DELETED_SUFFIX_LEN;
		*flags |= TW_FAN_DELETED;
		return TW_FAN_PATH;
	}
	/*
	 * Links left and the suffix: a real name ending in " (deleted)", or this name was
	 * unlinked while another hard link remains (or it was unlinked after the statx).
	 * Only a stat of the full text can say it is the real name; when it is not, a rename
	 * of the real name could explain it as well, so no path is given.
	 */
	if (real_name_exists && real_name_exists(link, ctx)) {
		*out_len = len;
		return TW_FAN_PATH;
	}
	return TW_FAN_NOPATH;
}

struct same_file {
	uint64_t dev, ino;
};

static bool names_same_file(const char *link, void *ctx)
{
	const struct same_file *f = ctx;
	struct stat st;

	return !lstat(link, &st) && (uint64_t)st.st_dev == f->dev && (uint64_t)st.st_ino == f->ino;
}

/* Fill @it from the event's @fd (not closed here). */
static void resolve(struct tw_fanwatch *w, int fd, struct tw_fan_item *it)
{
	unsigned int mask =
	    STATX_BASIC_STATS | (w->unique_ids ? STATX_MNT_ID_UNIQUE : STATX_MNT_ID);
	char name[PROC_ROOT_MAX];
	struct same_file sf;
	struct statx stx;
	size_t start, len;
	ssize_t n;

	it->kind = TW_FAN_NOPATH;
	if (fd < 0 || statx(fd, "", AT_EMPTY_PATH, mask, &stx))
		return;
	it->has_stat = true;
	it->dev = stx_dev(&stx);
	it->ino = stx.stx_ino;
	it->mode = stx.stx_mode;
	it->uid = stx.stx_uid;
	it->gid = stx.stx_gid;
	it->nlink = stx.stx_nlink;
	if (stx.stx_mask & (STATX_MNT_ID | STATX_MNT_ID_UNIQUE))
		it->mnt_id = stx.stx_mnt_id;
	if (it->mode & (S_ISUID | S_ISGID)) {
		struct statvfs vfs;

		/* Unknown counts as nosuid: the model then makes no claim from the bit. */
		if (fstatvfs(fd, &vfs) || (vfs.f_flag & ST_NOSUID))
			it->flags |= TW_FAN_NOSUID;
	}
	if (w->skip_ino && it->ino == w->skip_ino && it->dev == w->skip_dev) {
		it->flags |= TW_FAN_PATH_SKIPPED;
		return;
	}
	/* The link after the statx: see tw_fanwatch_classify(). */
	snprintf(name, sizeof(name), "%d", fd);
	n = readlinkat(w->fd_dir, name, w->link, sizeof(w->link) - 1);
	if (n <= 0 || (size_t)n >= sizeof(w->link) - 1)
		return;
	w->link[n] = '\0';
	sf.dev = it->dev;
	sf.ino = it->ino;
	it->kind = tw_fanwatch_classify(w->link, n, w->have_memfd_dev && it->dev == w->memfd_dev,
					it->nlink, names_same_file, &sf, &start, &len, &it->flags);
	if (it->kind == TW_FAN_NOPATH)
		return;
	w->link[start + len] = '\0';
	it->path = w->link + start;
	it->path_len = len;
	if (it->kind == TW_FAN_PATH && (!it->mnt_id || !mount_is_ours(w, it->mnt_id)))
		it->flags |= TW_FAN_OTHER_NS;
}

int tw_fanwatch_parse(struct tw_fanwatch *w, const void *buf, size_t len, uint64_t ts, tw_fan_cb cb,
		      void *ctx)
{
	const char *p = buf;
	int delivered = 0, cb_ret = 0;

	while (len >= FAN_EVENT_METADATA_LEN) {
		struct fanotify_event_metadata m;
		struct tw_fan_item it = {.ts = ts};
		int r;

		memcpy(&m, p, sizeof(m)); /* the buffer need not be aligned */
		if (m.vers != FANOTIFY_METADATA_VERSION || m.event_len < FAN_EVENT_METADATA_LEN ||
		    m.event_len > len)
			break;
		it.tid = m.pid;
		if (m.mask & FAN_Q_OVERFLOW) {
			it.type = TW_FAN_LOST;
		} else if (m.mask & FAN_OPEN_EXEC) {
			it.type = TW_FAN_EXEC;
			resolve(w, m.fd, &it);
		} else {
			/* Not asked for: nothing to say, but the fd is ours to close. */
			if (m.fd >= 0)
				close(m.fd);
			goto next;
		}
		if (m.fd >= 0)
			close(m.fd);
		r = cb(&it, ctx);
		if (r && !cb_ret)
			cb_ret = r;
		delivered++;
next:
		p += m.event_len;
		len -= m.event_len;
	}
	if (cb_ret)
		return cb_ret;
	if (len)
		return -EBADMSG;
	return delivered;
}

int tw_fanwatch_check_mounts(struct tw_fanwatch *w)
{
	/*
	 * Our mount table changed: mark what is new before reading, so that execs from a
	 * new filesystem are seen as soon as possible. This handle is polled here and not
	 * through ep_fd: polling mountinfo consumes its change event, and the caller's poll
	 * of ep_fd already polled mi_wake.
	 */
	if (w->mi_check >= 0) {
		struct pollfd pfd = {.fd = w->mi_check, .events = POLLPRI};

		if (poll(&pfd, 1, 0) > 0 && (pfd.revents & (POLLPRI | POLLERR))) {
			int r = scan_mounts(w, "/proc/self/mountinfo", "");

			if (r == -ENOMEM)
				return r;
			refresh_own_ids(w);
		}
	}
	return 0;
}

int tw_fanwatch_read(struct tw_fanwatch *w, tw_fan_cb cb, void *ctx, bool *empty)
{
	ssize_t n = read(w->fan_fd, w->buf, FAN_READ_BUF);

	if (n < 0) {
		*empty = errno == EAGAIN;
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	}
	/*
	 * The kernel copies events until the next one does not fit or none is left; every
	 * event here is FAN_EVENT_METADATA_LEN bytes (no info records): room for one more
	 * means none was left.
	 */
	*empty = (size_t)n + FAN_EVENT_METADATA_LEN <= FAN_READ_BUF;
	return tw_fanwatch_parse(w, w->buf, n, tw_now_mono(), cb, ctx);
}

/* ---- life cycle ---- */

/*
 * The superblock of our root mount, as mountinfo names it (stat's st_dev is not it on
 * btrfs, whose subvolumes have their own): the line whose mount id is that of "/".
 */
static int root_sdev(unsigned int *major, unsigned int *minor)
{
	struct tw_buf text = {0};
	struct statx stx;
	char *line, *next;
	int ret;

	if (statx(AT_FDCWD, "/", 0, STATX_MNT_ID, &stx) || !(stx.stx_mask & STATX_MNT_ID))
		return -ENOENT;
	ret = read_all("/proc/self/mountinfo", &text);
	for (line = text.data; !ret && line && *line; line = next) {
		struct tw_mountinfo mi;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (!tw_fanwatch_parse_mountinfo(line, &mi) &&
		    (uint64_t)mi.mnt_id == stx.stx_mnt_id) {
			*major = mi.major;
			*minor = mi.minor;
			tw_buf_release(&text);
			return 0;
		}
	}
	tw_buf_release(&text);
	return ret ? ret : -ENOENT;
}

static struct sb_mark *find_root_record(struct tw_fanwatch *w)
{
	unsigned int major, minor;

	return root_sdev(&major, &minor) ? NULL : find_mark(w, major, minor);
}

/* 0 when the kernel lists a mark of ours on the root filesystem, else -errno. */
static int root_is_marked(struct tw_fanwatch *w)
{
	struct id_set live = {0};
	unsigned int major, minor;
	int ret;

	ret = root_sdev(&major, &minor);
	if (!ret)
		ret = read_live_marks(w, &live);
	if (!ret && !id_set_has(&live, kdev(major, minor)))
		ret = -ENOENT;
	free(live.ids);
	return ret;
}

/* Find the memfd superblock (a tmpfs mounted only inside the kernel) and, if @mark, mark it. */
static int setup_memfd(struct tw_fanwatch *w, bool mark)
{
	struct statx stx;
	int fd, err = 0;

	fd = memfd_create(MEMFD_MARK_NAME, MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx)) {
		err = -errno;
		goto out_close;
	}
	w->memfd_dev = stx_dev(&stx);
	w->have_memfd_dev = true;
	if (!mark)
		goto out_close;
	if (fanotify_mark(w->fan_fd, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, FAN_OPEN_EXEC, fd, NULL))
		err = -errno;
	err =
	    add_mark_record(w, stx.stx_dev_major, stx.stx_dev_minor, "tmpfs", "memfd", err) ?: err;
out_close:
	close(fd);
	return err;
}

static struct tw_fanwatch *watch_new(void)
{
	struct tw_fanwatch *w = tw_calloc(1, sizeof(*w));
	struct statx stx;

	if (!w)
		return NULL;
	w->fan_fd = w->ep_fd = w->mi_wake = w->mi_check = -1;
	w->fd_dir = open("/proc/self/fd", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (w->fd_dir < 0) {
		tw_fanwatch_close(w);
		return NULL;
	}
	/* Unique mount ids (6.8+) when statx and listmount both give them. */
	if (!statx(AT_FDCWD, "/", 0, STATX_MNT_ID_UNIQUE, &stx) &&
	    (stx.stx_mask & STATX_MNT_ID_UNIQUE)) {
		int r;

		w->unique_ids = true;
		r = own_ids_from_listmount(w);
		if (r == -ENOMEM) {
			tw_fanwatch_close(w);
			return NULL;
		}
		if (r)
			w->unique_ids = false;
	}
	if (!w->unique_ids && own_ids_from_mountinfo(w)) {
		tw_fanwatch_close(w);
		return NULL;
	}
	return w;
}

#ifdef TW_TESTING
int tw_fanwatch_open_detached(struct tw_fanwatch **out)
{
	struct tw_fanwatch *w = watch_new();
	int ret;

	if (!w)
		return -ENOMEM;
	ret = setup_memfd(w, false);
	if (ret) {
		tw_fanwatch_close(w);
		return ret;
	}
	*out = w;
	return 0;
}
#endif

int tw_fanwatch_open(const struct tw_fanwatch_opts *opts, struct tw_fanwatch **out)
{
	static const struct tw_fanwatch_opts defaults;
	unsigned int flags = FAN_CLASS_NOTIF | FAN_REPORT_TID | FAN_CLOEXEC | FAN_NONBLOCK;
	struct epoll_event ev = {0};
	struct sb_mark *root = NULL;
	struct tw_fanwatch *w;
	int ret;

	if (!opts)
		opts = &defaults;
	if (opts->unlimited_queue)
		flags |= FAN_UNLIMITED_QUEUE;
	w = watch_new();
	if (!w)
		return tw_err(ENOMEM, "fanotify: out of memory");
	w->buf = tw_malloc(FAN_READ_BUF);
	if (!w->buf) {
		ret = tw_err(ENOMEM, "fanotify: out of memory");
		goto out_close;
	}
	w->fan_fd = fanotify_init(flags, O_RDONLY | O_LARGEFILE | O_CLOEXEC);
	if (w->fan_fd < 0) {
		ret = -errno;
		if (ret == -EPERM)
			tw_err(ret,
			       "fanotify unavailable: fanotify_init: %s (it needs CAP_SYS_ADMIN in "
			       "the initial user namespace)",
			       strerror(-ret));
		else if (ret == -EINVAL)
			tw_err(ret,
			       "fanotify unavailable: fanotify_init: %s (FAN_REPORT_TID needs "
			       "Linux 4.20 or later)",
			       strerror(-ret));
		else
			tw_err(ret, "fanotify unavailable: fanotify_init: %s", strerror(-ret));
		goto out_close;
	}
	ret = scan_mounts(w, "/proc/self/mountinfo", "");
	if (ret < 0) {
		tw_err(ret, "fanotify: cannot mark the filesystems of /proc/self/mountinfo: %s",
		       strerror(-ret));
		goto out_close;
	}
	/* Without the root filesystem's mark the source is of no use. */
	ret = root_is_marked(w);
	if (ret) {
		root = find_root_record(w);
		if (ret != -ENOMEM && root && root->err)
			ret = root->err;
		tw_err(ret, "fanotify: cannot mark the root filesystem: %s", strerror(-ret));
		goto out_close;
	}
	if (!opts->no_memfd) {
		/* Refused up to 6.18 at least (see the header); the refusal is recorded. */
		ret = setup_memfd(w, true);
		if (ret == -ENOMEM)
			goto out_close;
	} else if (setup_memfd(w, false) == -ENOMEM) {
		ret = -ENOMEM;
		goto out_close;
	}
	w->ep_fd = epoll_create1(EPOLL_CLOEXEC);
	if (w->ep_fd < 0) {
		ret = tw_err(errno, "fanotify: epoll_create1: %s", strerror(errno));
		goto out_close;
	}
	ev.events = EPOLLIN;
	ev.data.fd = w->fan_fd;
	if (epoll_ctl(w->ep_fd, EPOLL_CTL_ADD, w->fan_fd, &ev)) {
		ret = tw_err(errno, "fanotify: epoll_ctl: %s", strerror(errno));
		goto out_close;
	}
	if (!opts->no_mount_watch) {
		w->mi_wake = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
		w->mi_check = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
		ev.events = EPOLLPRI;
		ev.data.fd = w->mi_wake;
		if (w->mi_wake < 0 || w->mi_check < 0 ||
		    epoll_ctl(w->ep_fd, EPOLL_CTL_ADD, w->mi_wake, &ev)) {
			ret = tw_err(errno, "fanotify: cannot watch /proc/self/mountinfo: %s",
				     strerror(errno));
			goto out_close;
		}
	}
	*out = w;
	return 0;

out_close:
	tw_fanwatch_close(w);
	return ret;
}

void tw_fanwatch_skip_path(struct tw_fanwatch *w, uint64_t dev, uint64_t ino)
{
	w->skip_dev = dev;
	w->skip_ino = ino;
}

int tw_fanwatch_fd(const struct tw_fanwatch *w)
{
	return w->ep_fd;
}

int tw_fanwatch_mark_namespace(struct tw_fanwatch *w, int pid)
{
	char mountinfo[PROC_ROOT_MAX], prefix[PROC_ROOT_MAX];
	int ret;

	snprintf(mountinfo, sizeof(mountinfo), "/proc/%d/mountinfo", pid);
	snprintf(prefix, sizeof(prefix), "/proc/%d/root", pid);
	ret = scan_mounts(w, mountinfo, prefix);
	if (ret == -ENOENT)
		ret = -ESRCH;
	return ret;
}

int tw_fanwatch_marks(const struct tw_fanwatch *w,
		      void (*cb)(const struct tw_fan_mark *m, void *ctx), void *ctx)
{
	size_t i;

	for (i = 0; i < w->nr_marks; i++) {
		const struct sb_mark *s = &w->marks[i];
		struct tw_fan_mark m = {
		    .major = s->major,
		    .minor = s->minor,
		    .fstype = s->fstype,
		    .where = s->where,
		    .err = s->err,
		};

		cb(&m, ctx);
	}
	return (int)w->nr_marks;
}

void tw_fanwatch_close(struct tw_fanwatch *w)
{
	size_t i;

	if (!w)
		return;
	/* Closing the fanotify fd removes all its marks. */
	if (w->fan_fd >= 0)
		close(w->fan_fd);
	if (w->ep_fd >= 0)
		close(w->ep_fd);
	if (w->mi_wake >= 0)
		close(w->mi_wake);
	if (w->mi_check >= 0)
		close(w->mi_check);
	if (w->fd_dir >= 0)
		close(w->fd_dir);
	for (i = 0; i < w->nr_marks; i++) {
		free(w->marks[i].fstype);
		free(w->marks[i].where);
	}
	free(w->marks);
	free(w->own.ids);
	free(w->foreign.ids);
	free(w->buf);
	free(w);
}
