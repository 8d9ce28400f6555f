// SPDX-License-Identifier: GPL-2.0
/* procfs.c - /proc side-channel reads at event arrival, and the start-up task snapshot. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <linux/kcmp.h>
#include <unistd.h>

#include "procfs.h"
#include "util.h"

char *tw_readlink(const char *path)
{
	size_t size = 256;
	char *buf = NULL;

	for (;;) {
		char *nbuf = tw_realloc(buf, size);
		ssize_t n;

		if (!nbuf) {
			free(buf);
			errno = ENOMEM;
			return NULL;
		}
		buf = nbuf;
		n = readlink(path, buf, size);
		if (n < 0) {
			int saved = errno;

			free(buf);
			errno = saved;
			return NULL;
		}
		if ((size_t)n < size) {
			buf[n] = '\0';
			return buf;
		}
		if (size >= (1u << 20)) {
			free(buf);
			errno = ENAMETOOLONG;
			return NULL;
		}
		size *= 2;
	}
}

/*
 * Read a whole (small, procfs) file. Returns 0 and a malloc'd buffer, or -errno; -ESRCH
 * when the task went away between two reads (a cmdline would be cut short, not ended).
 */
static int read_file(const char *path, char **out, size_t *out_len)
{
	size_t cap = 512, len = 0;
	bool filled = false;	/* the last read filled all the room it was given */
	char *buf = NULL;
	int ret = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n;

		if (!buf || len + 1 >= cap) {
			char *nbuf;

			if (buf)
				cap *= 2;
			nbuf = tw_realloc(buf, cap);
			if (!nbuf) {
				ret = -ENOMEM;
				goto out_free;
			}
			buf = nbuf;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			goto out_free;
		}
		if (n == 0) {
			char c;

			/*
			 * One read of /proc/PID/cmdline copies under one hold of the task's
			 * memory; across reads the task may exit and later reads return 0 as
			 * if at the end. A read that filled its room may have had more to give:
			 * reading byte 0 again tells whether the memory is still there.
			 */
			if (len && filled && pread(fd, &c, 1, 0) != 1) {
				ret = -ESRCH;
				goto out_free;
			}
			break;
		}
		filled = (size_t)n == cap - len - 1;
		len += n;
		if (len > (4u << 20))	/* cmdline is bounded by ARG_MAX; don't loop forever */
			break;
	}
	buf[len] = '\0';
	close(fd);
	*out = buf;
	*out_len = len;
	return 0;

out_free:
	free(buf);
	close(fd);
	return ret;
}

/* Parse "Key:\tvalue..." from a /proc status buffer. Returns the number or -1. */
static long status_field(const char *status, const char *key)
{
	size_t klen = strlen(key);
	const char *line = status;

	while (line && *line) {
		if (!strncmp(line, key, klen) && line[klen] == ':')
			return strtol(line + klen + 1, NULL, 10);
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return -1;
}

/* The second number of a status line ("Uid:\treal\teffective\t..."), -1 if absent. */
static long status_second(const char *status, const char *key)
{
	size_t klen = strlen(key);
	const char *line = status;

	while (line && *line) {
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			char *end;

			strtol(line + klen + 1, &end, 10);
			if (end == line + klen + 1)
				return -1;
			return strtol(end, NULL, 10);
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return -1;
}

/*
 * The ids of a /proc status text: real and effective uid ("Uid:" line), NoNewPrivs (0/1)
 * and whether a tracer is attached (TracerPid: 0/1); -1 where a line is missing.
 */
static void parse_status_ids(const char *status, long *uid, long *euid, int *nnp, int *tracer)
{
	long tp = status_field(status, "TracerPid");
	long np = status_field(status, "NoNewPrivs");

	*uid = status_field(status, "Uid");
	*euid = status_second(status, "Uid");
	*nnp = np < 0 ? -1 : np != 0;
	*tracer = tp < 0 ? -1 : tp != 0;
}

/*
 * 1 when @pid sees the filesystem as we do, 2 when not: its root is another directory
 * (chroot) or it lives in another mount namespace (a container, where /proc/<pid>/root still
 * reads "/"); 0 when unreadable (gone).
 */
static int read_root(int pid)
{
	char path[64], target[8], ns[64], own[64];
	ssize_t n, m, o;

	snprintf(path, sizeof(path), "/proc/%d/root", pid);
	n = readlink(path, target, sizeof(target));
	if (n < 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", pid);
	m = readlink(path, ns, sizeof(ns));
	if (m < 0)
		return 0;
	o = readlink("/proc/self/ns/mnt", own, sizeof(own));
	if (n != 1 || target[0] != '/')
		return 2;
	return o == m && !memcmp(ns, own, m) ? 1 : 2;
}

int tw_proc_read(struct tw_proc_read *p, int pid, unsigned int what)
{
	char path[64];
	char *buf;
	size_t len;
	int ret;

	p->t_start = tw_now_mono();
	if (what & TW_PROC_CWD) {
		snprintf(path, sizeof(path), "/proc/%d/cwd", pid);
		p->cwd = tw_readlink(path);
		if (!p->cwd && errno == ENOMEM)
			goto out_nomem;
		/*
		 * No cwd: the task is gone or a zombie (a deleted cwd still reads, with
		 * " (deleted)"). Its exe, argv and root are gone too, and a zombie's status
		 * tells only the ids it ended with, which its task end (taskstats) gives too.
		 * Most short-lived processes end here: one syscall instead of eight.
		 */
		if (!p->cwd && errno == ENOENT)
			what &= ~(unsigned int)(TW_PROC_EXE | TW_PROC_ARGV | TW_PROC_ROOT |
						TW_PROC_STATUS);
	}
	if (what & TW_PROC_EXE) {
		snprintf(path, sizeof(path), "/proc/%d/exe", pid);
		p->exe = tw_readlink(path);
		if (!p->exe && errno == ENOMEM)
			goto out_nomem;
	}
	if (what & TW_PROC_ARGV) {
		snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
		ret = read_file(path, &buf, &len);
		if (ret == -ENOMEM)
			goto out_nomem;
		/* An empty cmdline means a zombie or a kernel thread: no argv, not "no arguments". */
		if (!ret && len) {
			p->argv = buf;
			p->argv_len = len;
		} else if (!ret) {
			free(buf);
		}
	}
	if (what & TW_PROC_ROOT)
		p->root = read_root(pid);
	if (what & TW_PROC_STATUS) {
		snprintf(path, sizeof(path), "/proc/%d/status", pid);
		ret = read_file(path, &buf, &len);
		if (ret == -ENOMEM)
			goto out_nomem;
		if (!ret) {
			parse_status_ids(buf, &p->uid, &p->euid, &p->nnp, &p->tracer);
			p->ppid = (int)status_field(buf, "PPid");
			if (p->ppid < 0)
				p->ppid = 0;
			free(buf);
		}
		/* The audit login uid: only where the kernel keeps one (CONFIG_AUDIT). */
		snprintf(path, sizeof(path), "/proc/%d/loginuid", pid);
		ret = ret ? -ENOENT : read_file(path, &buf, &len);	/* gone: no second try */
		if (ret == -ENOMEM)
			goto out_nomem;
		if (!ret) {
			char *end;
			unsigned long v = strtoul(buf, &end, 10);

			if (end != buf && v <= UINT32_MAX)
				p->loginuid = (long)v;
			free(buf);
		}
	}
	p->t_read = tw_now_mono();
	return 0;

out_nomem:
	p->t_read = tw_now_mono();
	return -ENOMEM;
}

void tw_proc_release(struct tw_proc_read *p)
{
	free(p->cwd);
	free(p->exe);
	free(p->argv);
	free(p->cgroup);
	tw_proc_read_reset(p);
}

/* Undo the octal escapes (\040 for a space) of /proc/self/mountinfo, in place. */
static void unescape_mount(char *s)
{
	char *w = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*w++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 4;
		} else {
			*w++ = *s++;
		}
	}
	*w = '\0';
}

char *tw_cgroup_v2_root(const char *mountinfo)
{
	char *line = NULL, *found = NULL;
	size_t cap = 0;
	FILE *f;

	f = fopen(mountinfo, "re");
	if (!f)
		return NULL;
	while (!found && getline(&line, &cap, f) > 0) {
		char *sep = strstr(line, " - ");
		char *fields[5];
		char *save = NULL, *tok;
		int n = 0;

		if (!sep || strncmp(sep + 3, "cgroup2 ", 8))
			continue;
		for (tok = strtok_r(line, " ", &save); tok && n < 5; tok = strtok_r(NULL, " ", &save))
			fields[n++] = tok;
		if (n < 5)
			continue;
		unescape_mount(fields[4]);
		found = tw_strdup(fields[4]);
		if (!found)
			break;
	}
	free(line);
	fclose(f);
	return found;
}

int tw_proc_cgroup(int pid, const char *v2_root, char **path, uint64_t *id)
{
	char file[64];
	char *buf, *line;
	size_t len;
	int ret;

	*path = NULL;
	*id = 0;
	snprintf(file, sizeof(file), "/proc/%d/cgroup", pid);
	ret = read_file(file, &buf, &len);
	if (ret)
		return ret;
	ret = -ENOENT;
	for (line = buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		if (strncmp(line, "0::", 3))
			continue;
		*strchrnul(line, '\n') = '\0';
		*path = tw_strdup(line + 3);
		ret = *path ? 0 : -ENOMEM;
		break;
	}
	free(buf);
	if (!ret && v2_root) {
		struct tw_buf full = { 0 };
		struct stat st;

		if (tw_buf_puts(&full, v2_root) || tw_buf_puts(&full, *path)) {
			tw_buf_release(&full);
			return 0;	/* the path alone is still worth having */
		}
		if (stat(full.data, &st) == 0)
			*id = st.st_ino;
		tw_buf_release(&full);
	}
	return ret;
}

int tw_proc_mnt_ns(int pid, uint64_t *ns)
{
	char path[64], *link;

	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", pid);
	link = tw_readlink(path);
	if (!link)
		return -ESRCH;
	*ns = strtoull(strchrnul(link, '[') + 1, NULL, 10);
	free(link);
	return 0;
}

bool tw_proc_is_tracewatch(int pid)
{
	char path[64], comm[32] = "";
	FILE *f;

	if (pid <= 0 || (kill(pid, 0) && errno != EPERM))
		return false;
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (!fgets(comm, sizeof(comm), f))
		comm[0] = '\0';
	fclose(f);
	return !strncmp(comm, "tracewatch", 10);
}

static int is_pid_name(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

/*
 * comm sits between the first '(' and the last ')' of /proc/<tid>/stat; ppid follows, and the
 * start time (field 22, clock ticks since boot) 18 fields later.
 */
static int parse_stat(char *stat, char **comm, int *ppid, unsigned long long *start_ticks)
{
	char *open = strchr(stat, '(');
	char *close = strrchr(stat, ')');
	char state;

	if (!open || !close || close < open)
		return -EINVAL;
	*close = '\0';
	*comm = open + 1;
	*start_ticks = 0;
	if (sscanf(close + 1, " %c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d "
			      "%*d %*d %*d %llu", &state, ppid, start_ticks) < 2)
		return -EINVAL;
	return 0;
}

/* One task of the snapshot, its strings owned until reported. */
struct snap_task {
	struct tw_proc_task t;
	char *stat, *cwd, *cgroup;
	bool fs_known;		/* kcmp() can compare its fs_struct */
};

/*
 * kcmp(2) of the fs_structs of two tasks: 0 equal, <0 / >0 an order (the kernel's, total
 * and stable while both live). A task that vanished mid-sort compares by tid: the order
 * may then be off around it, which can only split a group of the vanished task.
 */
static int kcmp_fs(const struct snap_task *a, const struct snap_task *b)
{
	long r = syscall(SYS_kcmp, a->t.tid, b->t.tid, KCMP_FS, 0, 0);

	if (r == 1)
		return -1;
	if (r == 2)
		return 1;
	if (r == 0 || r == 3)	/* 3: "not equal", no order: only from an old kernel */
		return r;
	return (a->t.tid > b->t.tid) - (a->t.tid < b->t.tid);
}

/*
 * Sort @v[0..n) by kcmp_fs() through @tmp: a merge sort, which stays memory-safe whatever
 * the comparisons return (glibc's qsort need not, for a comparator that changes its mind).
 */
static void sort_by_fs(struct snap_task **v, struct snap_task **tmp, size_t n)
{
	size_t mid = n / 2, i = 0, j = mid, k = 0;

	if (n < 2)
		return;
	sort_by_fs(v, tmp, mid);
	sort_by_fs(v + mid, tmp, n - mid);
	while (i < mid && j < n)
		tmp[k++] = kcmp_fs(v[i], v[j]) <= 0 ? v[i++] : v[j++];
	while (i < mid)
		tmp[k++] = v[i++];
	while (j < n)
		tmp[k++] = v[j++];
	memcpy(v, tmp, n * sizeof(*v));
}

/*
 * Tell each task which earlier task shares its fs_struct (threads, CLONE_FS children, and
 * not a thread that unshare(CLONE_FS)d): sort by kcmp(KCMP_FS), then each run of equals
 * points at its member found first. Without kcmp (not built in, no permission for a task)
 * fs_owner stays 0, "unknown".
 */
static int group_by_fs(struct snap_task *tasks, size_t n)
{
	struct snap_task **v, **tmp;
	size_t i, j, nv = 0;

	v = tw_calloc(n ? n : 1, sizeof(*v));
	tmp = tw_calloc(n ? n : 1, sizeof(*tmp));
	if (!v || !tmp) {
		free(v);
		free(tmp);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		tasks[i].fs_known =
			syscall(SYS_kcmp, tasks[i].t.tid, tasks[i].t.tid, KCMP_FS, 0, 0) == 0;
		if (tasks[i].fs_known)
			v[nv++] = &tasks[i];
	}
	sort_by_fs(v, tmp, nv);
	for (i = 0; i < nv; i = j) {
		struct snap_task *first = v[i];

		for (j = i + 1; j < nv && kcmp_fs(v[i], v[j]) == 0; j++)
			if (v[j] < first)
				first = v[j];
		for (; i < j; i++)
			v[i]->t.fs_owner = v[i] == first ? -1 : first->t.tid;
	}
	free(v);
	free(tmp);
	return 0;
}

static void snap_free(struct snap_task *tasks, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(tasks[i].stat);
		free(tasks[i].cwd);
		free(tasks[i].cgroup);
	}
	free(tasks);
}

/*
 * What the mappings of process @pid (a name in @proc_dir) say of @libc: 1 it maps that file,
 * 0 it does not, 2 it maps nothing (a kernel thread, or a zombie), -1 unknown (unreadable,
 * or no @libc given), -ENOMEM.
 */
static int maps_libc(const char *proc_dir, const char *pid, const struct tw_file_id *libc)
{
	char path[PATH_MAX], *buf, *line;
	size_t len;
	int ret;

	if (!libc || !libc->ino)
		return -1;
	snprintf(path, sizeof(path), "%s/%s/maps", proc_dir, pid);
	ret = read_file(path, &buf, &len);
	if (ret)
		return ret == -ENOMEM ? ret : -1;
	ret = len ? 0 : 2;
	for (line = buf; ret == 0 && line && *line;) {
		unsigned int maj, mnt_min;
		unsigned long long ino;

		/* start-end perms offset MAJ:MIN inode path */
		if (sscanf(line, "%*s %*s %*s %x:%x %llu", &maj, &mnt_min, &ino) == 3 &&
		    ino == libc->ino && makedev(maj, mnt_min) == libc->dev)
			ret = 1;
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	free(buf);
	return ret;
}

/* Read one task into @st. Returns 0, or -ENOMEM. A vanished task just reads as unknowns. */
static int snap_read(const char *proc_dir, const char *v2_root, const char *own_userns,
		     int maps, int tgid, int tid, struct snap_task *st)
{
	struct tw_proc_task *t = &st->t;
	unsigned long long start_ticks;
	char path[PATH_MAX];
	char *comm = NULL, *buf, *ns;
	size_t len;
	int ret;

	t->tgid = tgid;
	t->tid = tid;
	snprintf(path, sizeof(path), "%s/%d/task/%d/stat", proc_dir, tgid, tid);
	ret = read_file(path, &st->stat, &len);
	if (ret == -ENOMEM)
		return ret;
	if (ret == 0 && parse_stat(st->stat, &comm, &t->ppid, &start_ticks) == 0) {
		long hz = sysconf(_SC_CLK_TCK);

		t->comm = comm;
		t->start_ns = hz > 0 ? start_ticks * (1000000000ull / (unsigned long long)hz) : 0;
	}
	snprintf(path, sizeof(path), "%s/%d/task/%d/cwd", proc_dir, tgid, tid);
	t->t_start = tw_now_mono();
	st->cwd = tw_readlink(path);
	t->t_read = tw_now_mono();
	if (!st->cwd && errno == ENOMEM)
		return -ENOMEM;
	t->cwd = st->cwd;
	ret = v2_root ? tw_proc_cgroup(tid, v2_root, &st->cgroup, &t->cgroup_id) : -ENOENT;
	if (ret == -ENOMEM)
		return ret;
	t->cgroup = st->cgroup;
	t->root = read_root(tid);
	t->uid = t->euid = -1;
	t->nnp = t->tracer = t->userns = -1;
	t->libc = maps < 0 ? -1 : maps == 1;
	t->kthread = maps == 2;
	snprintf(path, sizeof(path), "%s/%d/task/%d/status", proc_dir, tgid, tid);
	ret = read_file(path, &buf, &len);
	if (ret == -ENOMEM)
		return ret;
	if (!ret) {
		parse_status_ids(buf, &t->uid, &t->euid, &t->nnp, &t->tracer);
		free(buf);
	}
	snprintf(path, sizeof(path), "%s/%d/task/%d/ns/user", proc_dir, tgid, tid);
	ns = tw_readlink(path);
	if (!ns && errno == ENOMEM)
		return -ENOMEM;
	if (ns && own_userns)
		t->userns = strcmp(ns, own_userns) != 0;
	free(ns);
	return 0;
}

int tw_proc_snapshot(const char *proc_dir, const char *v2_root, const struct tw_file_id *libc,
		      int (*cb)(const struct tw_proc_task *t, void *ctx), void *ctx)
{
	struct snap_task *tasks = NULL;
	size_t n = 0, cap = 0, i;
	struct dirent *pde;
	char *own_userns;
	DIR *pdir;
	int ret = 0, maps;

	own_userns = tw_readlink("/proc/self/ns/user");
	pdir = opendir(proc_dir);
	if (!pdir) {
		ret = -errno;
		free(own_userns);
		return ret;
	}
	while (!ret && (pde = readdir(pdir))) {
		char path[PATH_MAX];
		struct dirent *tde;
		DIR *tdir;

		if (!is_pid_name(pde->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/%s/task", proc_dir, pde->d_name);
		tdir = opendir(path);
		if (!tdir)
			continue;	/* vanished */
		maps = maps_libc(proc_dir, pde->d_name, libc);
		if (maps == -ENOMEM)
			ret = maps;
		while (!ret && (tde = readdir(tdir))) {
			if (!is_pid_name(tde->d_name))
				continue;
			if (n == cap) {
				size_t ncap = cap ? cap * 2 : 256;
				struct snap_task *nt = tw_realloc(tasks, ncap * sizeof(*nt));

				if (!nt) {
					ret = -ENOMEM;
					break;
				}
				tasks = nt;
				cap = ncap;
			}
			memset(&tasks[n], 0, sizeof(tasks[n]));
			ret = snap_read(proc_dir, v2_root, own_userns, maps, atoi(pde->d_name),
					atoi(tde->d_name), &tasks[n]);
			n++;
		}
		closedir(tdir);
	}
	closedir(pdir);
	/* Only the real /proc names live tasks that kcmp() can compare. */
	if (!ret && !strcmp(proc_dir, "/proc"))
		ret = group_by_fs(tasks, n);
	for (i = 0; !ret && i < n; i++)
		ret = cb(&tasks[i].t, ctx);
	snap_free(tasks, n);
	free(own_userns);
	return ret;
}

/* One task seen by tw_proc_tree(). */
struct tree_entry {
	int tid, tgid, ppid;
	bool in;
};

int tw_proc_tree(const char *proc_dir, int root, bool (*known)(int tid, void *ctx),
		  int (*cb)(int tid, void *ctx), void *ctx)
{
	struct tree_entry *all = NULL;
	size_t n = 0, cap = 0, i;
	struct dirent *pd, *td;
	bool grew, root_seen = false;
	int ret = 0, reported = 0;
	DIR *procs = opendir(proc_dir);

	if (!procs)
		return -errno;
	while ((pd = readdir(procs))) {
		char path[PATH_MAX];
		DIR *tasks;

		if (!is_pid_name(pd->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/%s/task", proc_dir, pd->d_name);
		tasks = opendir(path);
		if (!tasks)
			continue;	/* gone meanwhile */
		while ((td = readdir(tasks))) {
			char *stat = NULL, *comm;
			unsigned long long start;
			size_t len;
			int ppid;

			if (!is_pid_name(td->d_name))
				continue;
			snprintf(path, sizeof(path), "%s/%s/task/%s/stat", proc_dir, pd->d_name,
				 td->d_name);
			ret = read_file(path, &stat, &len);
			if (ret == -ENOMEM)
				break;
			ret = 0;
			if (!stat || parse_stat(stat, &comm, &ppid, &start)) {
				free(stat);
				continue;
			}
			free(stat);
			if (n == cap) {
				struct tree_entry *na = tw_realloc(all, (cap ? 2 * cap : 256) *
									 sizeof(*all));

				if (!na) {
					ret = -ENOMEM;
					break;
				}
				all = na;
				cap = cap ? 2 * cap : 256;
			}
			all[n].tid = atoi(td->d_name);
			all[n].tgid = atoi(pd->d_name);
			all[n].ppid = ppid;
			all[n].in = all[n].tgid == root;
			root_seen |= all[n].in;
			n++;
		}
		closedir(tasks);
		if (ret)
			break;
	}
	closedir(procs);
	if (!ret && !root_seen)
		ret = -ESRCH;
	/* A process joins when its parent process is in; its threads with it. */
	for (grew = !ret; grew;) {
		grew = false;
		for (i = 0; i < n; i++) {
			size_t j;

			if (all[i].in)
				continue;
			for (j = 0; j < n; j++)
				if (all[j].in && (all[j].tgid == all[i].tgid ||
						  all[j].tgid == all[i].ppid))
					break;
			if (j < n) {
				all[i].in = true;
				grew = true;
			}
		}
	}
	for (i = 0; !ret && i < n; i++) {
		if (!all[i].in || known(all[i].tid, ctx))
			continue;
		ret = cb(all[i].tid, ctx);
		if (!ret)
			reported++;
	}
	free(all);
	return ret < 0 ? ret : reported;
}
