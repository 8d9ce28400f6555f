// SPDX-License-Identifier: GPL-2.0
/* tw-sourcedump.c - print every item of the fanotify and taskstats sources as a line (tests,
 * bench). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/fanotify.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#include "escape.h"
#include "fanwatch.h"
#include "taskstats.h"
#include "util.h"

static const char usage[] =
    "usage: tw-sourcedump [--no-fanotify] [--no-taskstats] [--unlimited-queue] [--no-memfd]\n"
    "                     [--lazy] [--rcvbuf BYTES]\n"
    "       tw-sourcedump --bench N [--bench-mode fd|fid|fid-only|bare|none] [--bench-batch-ms "
    "MS]\n"
    "Prints one line per item: 'exec ...', 'exit ...', 'lost src=...'; 'mark ...' lines and\n"
    "'ready' once listening. Commands on stdin: 'ns PID' marks PID's mount namespace\n"
    "(answers 'ns pid=PID marked=N'), 'sync TOKEN' answers 'sync TOKEN' after reading what is\n"
    "queued. --lazy reads the sources only on 'sync' (to test overflows); --rcvbuf sets the\n"
    "taskstats socket buffer. Ends at EOF on stdin, SIGINT or SIGTERM.\n"
    "--bench N: N fork+execs of /bin/true by a child while this process only reads the\n"
    "fanotify events every MS ms (default 50; 0: woken by each event); prints the\n"
    "reader's CPU per item (getrusage).\n";

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static struct tw_buf line;

static void put_escaped(const char *key, const char *s, size_t len)
{
	tw_buf_printf(&line, " %s=", key);
	tw_escape(&line, s, len);
}

static void flush_line(void)
{
	tw_buf_putc(&line, '\n');
	fwrite(line.data, 1, line.len, stdout);
	tw_buf_reset(&line);
}

static const char *const kind_names[] = {
    [TW_FAN_NOPATH] = "nopath",
    [TW_FAN_PATH] = "path",
    [TW_FAN_MEMFD] = "memfd",
};

static int print_fan(const struct tw_fan_item *it, void *ctx)
{
	if (it->type == TW_FAN_LOST) {
		tw_buf_printf(&line, "lost src=fanotify ts=%" PRIu64, it->ts);
		flush_line();
		return 0;
	}
	tw_buf_printf(&line, "exec ts=%" PRIu64 " tid=%d", it->ts, it->tid);
	if (it->has_stat)
		tw_buf_printf(
		    &line, " dev=%u:%u ino=%" PRIu64 " mode=%o uid=%u gid=%u nlink=%u mnt=%" PRIu64,
		    major(it->dev), minor(it->dev), it->ino, it->mode, it->uid, it->gid, it->nlink,
		    it->mnt_id);
	else
		tw_buf_puts(&line, " dev=- ino=- mode=- uid=- gid=- nlink=- mnt=-");
	tw_buf_printf(&line, " kind=%s flags=%s%s%s", kind_names[it->kind],
		      it->flags & TW_FAN_DELETED ? "deleted" : "",
		      it->flags == (TW_FAN_DELETED | TW_FAN_OTHER_NS) ? "," : "",
		      it->flags & TW_FAN_OTHER_NS ? "other_ns" : (it->flags ? "" : "-"));
	if (it->path)
		put_escaped("path", it->path, it->path_len);
	else
		tw_buf_puts(&line, " path=-");
	flush_line();
	return 0;
}

static int print_ts(const struct tw_ts_item *it, void *ctx)
{
	if (it->type == TW_TS_LOST) {
		tw_buf_printf(&line, "lost src=taskstats ts=%" PRIu64, it->ts);
		flush_line();
		return 0;
	}
	tw_buf_printf(&line,
		      "exit ts=%" PRIu64 " ver=%u pid=%d tgid=%d ppid=%d uid=%u gid=%u status=%u "
		      "flag=0x%x group_dead=%d btime=%" PRIu64 " start_max=%" PRIu64
		      " elapsed_us=%" PRIu64 " utime_us=%" PRIu64 " stime_us=%" PRIu64,
		      it->ts, it->version, it->pid, it->tgid, it->ppid, it->uid, it->gid,
		      it->exit_code, it->ac_flag, it->group_dead, it->btime_wall,
		      it->start_mono_max, it->elapsed_us, it->utime_us, it->stime_us);
	if (it->has_exe)
		tw_buf_printf(&line, " exe=%u:%u:%" PRIu64, major(it->exe_dev), minor(it->exe_dev),
			      it->exe_ino);
	else
		tw_buf_puts(&line, " exe=-");
	put_escaped("comm", it->comm, strlen(it->comm));
	flush_line();
	return 0;
}

/* Marks printed so far: new ones (a mount appeared) are printed as they come. */
struct mark_walk {
	int seen, printed;
};

static void print_mark(const struct tw_fan_mark *m, void *ctx)
{
	struct mark_walk *mw = ctx;

	if (mw->seen++ < mw->printed)
		return;
	mw->printed++;
	tw_buf_printf(&line, "mark dev=%u:%u fstype=%s err=%d", m->major, m->minor, m->fstype,
		      m->err);
	put_escaped("where", m->where, strlen(m->where));
	flush_line();
}

static void print_new_marks(struct tw_fanwatch *fw, struct mark_walk *mw)
{
	mw->seen = 0;
	tw_fanwatch_marks(fw, print_mark, mw);
}

/* One stdin command; returns -1 at EOF. */
/* Everything queued: new mounts marked, then reads until the queue is seen empty. */
static int fan_drain(struct tw_fanwatch *fw, tw_fan_cb cb)
{
	bool empty = false;
	int r = tw_fanwatch_check_mounts(fw), n = 0;

	while (!r && !empty) {
		r = tw_fanwatch_read(fw, cb, NULL, &empty);
		n += r > 0 ? r : 0;
		r = r < 0 ? r : 0;
	}
	return r < 0 ? r : n;
}

static int ts_drain(struct tw_taskstats *ts, tw_ts_cb cb)
{
	bool empty = false;
	int r = 0, n = 0;

	while (!r && !empty) {
		r = tw_taskstats_read(ts, cb, NULL, &empty);
		n += r > 0 ? r : 0;
		r = r < 0 ? r : 0;
	}
	return r < 0 ? r : n;
}

static int command(struct tw_fanwatch *fw, struct tw_taskstats *ts, struct mark_walk *mw)
{
	char buf[256];
	int pid;

	if (!fgets(buf, sizeof(buf), stdin))
		return -1;
	if (sscanf(buf, "ns %d", &pid) == 1) {
		int n = fw ? tw_fanwatch_mark_namespace(fw, pid) : -ENODEV;

		/* All of them: a record is updated in place when a device number is reused. */
		mw->printed = 0;
		if (fw)
			print_new_marks(fw, mw);
		printf("ns pid=%d marked=%d\n", pid, n);
	} else if (!strncmp(buf, "sync ", 5)) {
		/* Everything opened before the command was sent is queued by now. */
		if (fw)
			fan_drain(fw, print_fan);
		if (fw)
			print_new_marks(fw, mw);
		if (ts)
			ts_drain(ts, print_ts);
		printf("%s", buf);
	}
	fflush(stdout);
	return 0;
}

static int dump(const struct tw_fanwatch_opts *fo, const struct tw_taskstats_opts *to,
		bool want_fan, bool want_ts, bool lazy)
{
	struct tw_fanwatch *fw = NULL;
	struct tw_taskstats *ts = NULL;
	struct mark_walk mw = {0};
	struct pollfd pfd[3];
	int ret = 0;

	if (want_fan && (ret = tw_fanwatch_open(fo, &fw)))
		return 1;
	if (want_ts && (ret = tw_taskstats_open(to, &ts))) {
		tw_fanwatch_close(fw);
		return 1;
	}
	if (fw)
		print_new_marks(fw, &mw);
	printf("ready\n");
	fflush(stdout);
	pfd[0] = (struct pollfd){.fd = 0, .events = POLLIN};
	/* --lazy: read the sources only on "sync", so that their queues can overflow. */
	pfd[1] = (struct pollfd){.fd = fw && !lazy ? tw_fanwatch_fd(fw) : -1, .events = POLLIN};
	pfd[2] = (struct pollfd){.fd = ts && !lazy ? tw_taskstats_fd(ts) : -1, .events = POLLIN};
	while (!stop) {
		int r = poll(pfd, 3, -1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ret = tw_err(errno, "poll: %s", strerror(errno));
			break;
		}
		if (pfd[1].revents) {
			r = fan_drain(fw, print_fan);
			if (r < 0) {
				ret = tw_err(r, "fanotify read: %s", strerror(-r));
				break;
			}
			print_new_marks(fw, &mw);
		}
		if (pfd[2].revents && (r = ts_drain(ts, print_ts)) < 0) {
			ret = tw_err(r, "taskstats read: %s", strerror(-r));
			break;
		}
		if (pfd[0].revents && command(fw, ts, &mw) < 0)
			break;
		fflush(stdout);
	}
	tw_fanwatch_close(fw);
	tw_taskstats_close(ts);
	fflush(stdout);
	return ret || ferror(stdout) ? 1 : 0;
}

/* ---- bench: listener CPU per item, fd mode vs FID mode ---- */

static long count_items;

static int count_fan(const struct tw_fan_item *it, void *ctx)
{
	count_items++;
	return 0;
}

struct fid_state {
	int fan_fd;
	int mount_fd;
	char buf[64 * 1024];
	char link[PATH_MAX * 2];
};

/*
 * The FID mode's work per event, for the comparison only: the directory's handle opened
 * (open_by_handle_at needs a mount fd and CAP_DAC_READ_SEARCH), its path read, the name
 * joined, and the file's identity taken with fstatat (that mode has no fd of the file).
 */
static int fid_read(struct fid_state *s)
{
	ssize_t n = read(s->fan_fd, s->buf, sizeof(s->buf));
	struct fanotify_event_metadata *m = (void *)s->buf;

	if (n < 0)
		return errno == EAGAIN ? 0 : -errno;
	for (; FAN_EVENT_OK(m, n); m = FAN_EVENT_NEXT(m, n)) {
		struct fanotify_event_info_fid *fid = (void *)(m + 1);
		struct file_handle *fh;
		const char *name;
		char fdpath[32];
		struct stat st;
		ssize_t len;
		int dfd;

		count_items++;
		if (m->mask & FAN_Q_OVERFLOW || m->event_len <= sizeof(*m) ||
		    fid->hdr.info_type != FAN_EVENT_INFO_TYPE_DFID_NAME)
			continue;
		fh = (struct file_handle *)fid->handle;
		name = (const char *)fh->f_handle + fh->handle_bytes;
		dfd = open_by_handle_at(s->mount_fd, fh, O_PATH | O_CLOEXEC);
		if (dfd < 0)
			continue;
		snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", dfd);
		len = readlink(fdpath, s->link, PATH_MAX);
		if (len > 0)
			snprintf(s->link + len, sizeof(s->link) - len, "/%s", name);
		fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW);
		close(dfd);
	}
	return 1;
}

/* The fd mode's floor: the kernel makes the fd, we only close it (no statx, no path). */
static int bare_read(struct fid_state *s)
{
	ssize_t n = read(s->fan_fd, s->buf, sizeof(s->buf));
	struct fanotify_event_metadata *m = (void *)s->buf;

	if (n < 0)
		return errno == EAGAIN ? 0 : -errno;
	for (; FAN_EVENT_OK(m, n); m = FAN_EVENT_NEXT(m, n)) {
		count_items++;
		if (m->fd >= 0)
			close(m->fd);
	}
	return 1;
}

/* This thread's CPU time (the scheduler's exact runtime, not ticks). */
static double thread_cpu_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static double cpu_us(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec * 1e6 + ru.ru_utime.tv_usec + ru.ru_stime.tv_sec * 1e6 +
	       ru.ru_stime.tv_usec;
}

static int bench(long n, const char *mode, int batch_ms)
{
	struct tw_fanwatch *fw = NULL;
	struct fid_state *fs = NULL;
	bool fid = !strcmp(mode, "fid"), bare = !strcmp(mode, "bare");
	bool fid_only = !strcmp(mode, "fid-only"), none = !strcmp(mode, "none");
	struct pollfd pfd;
	double t0, t1, drain_us = 0;
	uint64_t w0, w1;
	pid_t child;
	int status;

	if (none) {
		/* The reader's own baseline (fork, wake-ups, waitpid) without any listener. */
		fs = calloc(1, sizeof(*fs));
		fs->fan_fd = fs->mount_fd = pfd.fd = -1;
	} else if (fid || bare || fid_only) {
		unsigned int fl = fid ? FAN_REPORT_DFID_NAME : fid_only ? FAN_REPORT_FID : 0;

		fs = calloc(1, sizeof(*fs));
		fs->fan_fd = fanotify_init(FAN_CLASS_NOTIF | FAN_REPORT_TID | FAN_CLOEXEC |
					       FAN_NONBLOCK | fl,
					   O_RDONLY | O_LARGEFILE | O_CLOEXEC);
		fs->mount_fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fs->fan_fd < 0 || fanotify_mark(fs->fan_fd, FAN_MARK_ADD | FAN_MARK_FILESYSTEM,
						    FAN_OPEN_EXEC, AT_FDCWD, "/")) {
			fprintf(stderr, "%s mode: %s\n", mode, strerror(errno));
			return 1;
		}
		pfd.fd = fs->fan_fd;
	} else {
		struct tw_fanwatch_opts o = {.no_mount_watch = true};

		if (tw_fanwatch_open(&o, &fw))
			return 1;
		pfd.fd = tw_fanwatch_fd(fw);
	}
	pfd.events = POLLIN;
	t0 = cpu_us();
	w0 = tw_now_mono();
	child = fork();
	if (child == 0) {
		for (long i = 0; i < n; i++) {
			pid_t p = fork();

			if (p == 0) {
				execl("/bin/true", "true", (char *)NULL);
				_exit(127);
			}
			waitpid(p, NULL, 0);
		}
		_exit(0);
	}
	for (;;) {
		bool done = waitpid(child, &status, WNOHANG) == child;
		double d0 = thread_cpu_us();

		if (none) {
			;
		} else if (fid) {
			while (fid_read(fs) > 0)
				;
		} else if (fid_only) {
			/* The FID mode's floor: the file handle alone, no syscall per item. */
			while (bare_read(fs) > 0)
				;
		} else if (bare) {
			while (bare_read(fs) > 0)
				;
		} else {
			fan_drain(fw, count_fan);
		}
		drain_us += thread_cpu_us() - d0;
		if (done)
			break;
		/*
		 * Woken per event, the reader's CPU is mostly wake-ups and context switches;
		 * reading in batches (as the pipeline does behind its watermark) shows the
		 * cost of the items themselves.
		 */
		if (batch_ms)
			usleep(batch_ms * 1000);
		else
			poll(&pfd, 1, 100);
	}
	t1 = cpu_us();
	w1 = tw_now_mono();
	/*
	 * cpu_us: all of this process from the fork on (wake-ups and waits included);
	 * drain_us: only the reading and handling of the items, which is what a reader that
	 * drains in batches pays per item.
	 */
	printf("bench mode=%s batch_ms=%d execs=%ld items=%ld cpu_us=%.0f drain_us=%.0f "
	       "drain_us_per_item=%.2f drain_us_per_exec=%.2f wall_s=%.2f\n",
	       mode, batch_ms, n, count_items, t1 - t0, drain_us,
	       count_items ? drain_us / count_items : 0, drain_us / n, (w1 - w0) / 1e9);
	tw_fanwatch_close(fw);
	if (fs) {
		if (fs->fan_fd >= 0)
			close(fs->fan_fd);
		if (fs->mount_fd >= 0)
			close(fs->mount_fd);
		free(fs);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {{"no-fanotify", no_argument, NULL, 'F'},
						 {"no-taskstats", no_argument, NULL, 'T'},
						 {"unlimited-queue", no_argument, NULL, 'u'},
						 {"no-memfd", no_argument, NULL, 'm'},
						 {"lazy", no_argument, NULL, 'l'},
						 {"rcvbuf", required_argument, NULL, 'r'},
						 {"bench", required_argument, NULL, 'b'},
						 {"bench-mode", required_argument, NULL, 'M'},
						 {"bench-batch-ms", required_argument, NULL, 'B'},
						 {"help", no_argument, NULL, 'h'},
						 {0}};
	struct tw_fanwatch_opts fo = {0};
	struct tw_taskstats_opts to = {0};
	bool want_fan = true, want_ts = true, lazy = false;
	const char *mode = "fd";
	struct sigaction sa = {.sa_handler = on_signal};
	long n = 0;
	int c, batch_ms = 50;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'F':
			want_fan = false;
			break;
		case 'T':
			want_ts = false;
			break;
		case 'u':
			fo.unlimited_queue = true;
			break;
		case 'm':
			fo.no_memfd = true;
			break;
		case 'l':
			lazy = true;
			break;
		case 'r':
			to.rcvbuf = (int)strtol(optarg, NULL, 10);
			break;
		case 'b':
			n = strtol(optarg, NULL, 10);
			break;
		case 'M':
			mode = optarg;
			break;
		case 'B':
			batch_ms = (int)strtol(optarg, NULL, 10);
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	if (n > 0)
		return bench(n, mode, batch_ms);
	return dump(&fo, &to, want_fan, want_ts, lazy);
}
