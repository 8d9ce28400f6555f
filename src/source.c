// SPDX-License-Identifier: GPL-2.0
/* source.c - private tracefs instance with the "mono" clock, per-CPU raw readers, stale cleanup. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <traceevent/event-parse.h>
#include <traceevent/kbuffer.h>
#include <tracefs/tracefs.h>

#include "procfs.h"
#include "source.h"
#include "uprobe.h"
#include "util.h"

#define INSTANCE_PREFIX "tracewatch-"
#define MAX_SEEN_NS 4096

struct cpu_reader {
	int cpu;
	int fd;
	struct tracefs_cpu *tcpu;
	uint64_t lost_reported;	/* events this CPU's lost records have accounted for */
};

struct tw_source {
	struct tracefs_instance *inst;
	struct tep_handle *tep;
	struct kbuffer *kbuf;
	struct cpu_reader *cpus;
	struct pollfd *pfds;
	int nr_cpus;		/* readers opened */
	int subbuf_size;
	void *page;
	char name[64];
	int lock_fd;		/* the instance directory, flock()ed while this run lives */
	struct tw_uprobes *uprobes;
	char uprobe_group[64];
	const char *probe_kind;	/* "eprobes", "libc uprobes", or NULL */
	bool no_syscalls;	/* no syscall event enabled */
	/* Mount namespaces looked into, and the libc files (dev, inode) probed already. */
	uint64_t *seen_ns;
	int nr_seen_ns;
	struct { dev_t dev; ino_t ino; } probed[TW_UPROBE_MAX_LIBCS];
	int nr_probed;
};

/*
 * Who owns what, and how a run is known to be gone.
 *
 * A run owns the instance "tracewatch-<pid>" and the probe group "tracewatch_<pid>" (pid as
 * its own pid namespace sees it). For its whole life it holds flock(LOCK_EX) on an fd of its
 * instance directory; the kernel drops the lock when the process dies, however it dies, so a
 * start that can take the lock has proof that the owner is gone, whatever the owner's name
 * (a renamed copy) or pid namespace (its pid means nothing here). A pid with a start time
 * would not do: another pid namespace's pid can't even be looked up.
 *
 * Invariant (owner): create the instance and take its lock first, probes after; remove the
 * probes first, the instance after, the lock last. So a probe group without its instance
 * belongs to a run that is gone. Starts run their clean-up and their creation up to taking
 * the lock under flock(LOCK_EX) of the "instances" directory, so that no start ever sees
 * another's instance in the instant between mkdir and flock.
 *
 * Runs of older tracewatch versions took no lock: an instance whose lock is free is also
 * spared while its pid is a live process named tracewatch (their own owner test), or while
 * the kernel refuses to remove it because its files are open (a running older version in
 * another pid namespace reads its buffers). Such a run's probes stay with its instance.
 */

static int open_dir(const char *path)
{
	return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/* The tracefs directory of instance @name, malloc'd, or NULL. */
static char *instance_dir(const char *name)
{
	const char *tdir = tracefs_tracing_dir();
	char *path;

	if (!tdir || asprintf(&path, "%s/instances/%s", tdir, name) < 0)
		return NULL;
	return path;
}

/*
 * Remove instance @name (pid @pid) if its run is provably gone. Returns 1 when removed,
 * 0 when it is left (its owner lives, or the kernel says it is in use), -errno on error.
 */
static int remove_if_stale(const char *name, int pid)
{
	struct tracefs_instance *inst;
	char *path = instance_dir(name);
	int ret = 0;
	int fd;

	if (!path)
		return -ENOMEM;
	fd = open_dir(path);
	free(path);
	if (fd < 0)
		return 0;	/* gone meanwhile */
	if (flock(fd, LOCK_EX | LOCK_NB) < 0)
		goto out_close;	/* its owner lives */
	/* Lock free: a dead run, or a run of an older version that takes none. */
	if (pid != getpid() && tw_proc_is_tracewatch(pid))
		goto out_close;
	inst = tracefs_instance_alloc(NULL, name);
	if (!inst) {
		ret = -ENOMEM;
		goto out_close;
	}
	/*
	 * Removing the instance disables the probes enabled in it (they can't be removed while
	 * enabled); they go after it. The kernel refuses (EBUSY) while a file of the instance
	 * is open: so an older run from another pid namespace (its pid means nothing here)
	 * still reading its buffers is not removed either.
	 */
	if (tracefs_instance_destroy(inst) == 0) {
		tw_warn("removed stale instance %s of a tracewatch that is gone", name);
		ret = 1;
	} else if (errno == EBUSY) {
		tw_warn("left instance %s alone: it holds no lock but is in use (a tracewatch "
			"older than this one, or a reader of its files)", name);
	} else {
		ret = -errno;
		tw_warn("could not remove stale instance %s: %s", name, strerror(errno));
	}
	tracefs_instance_free(inst);
out_close:
	close(fd);
	return ret;
}

/* A probe group is stale when its instance is gone (see "Who owns what"). */
static bool group_is_stale(int pid, void *ctx)
{
	char name[64];
	char *path;
	bool gone;

	snprintf(name, sizeof(name), INSTANCE_PREFIX "%d", pid);
	path = instance_dir(name);
	if (!path)
		return false;
	gone = access(path, F_OK) != 0 && errno == ENOENT;
	free(path);
	return gone;
}

/* Names "tracewatch-<digits>" of all instances, collected first: removing while walking is unsafe. */
struct stale_list {
	char **names;
	int nr, cap;
	int err;
};

static int collect_instance(const char *name, void *ctx)
{
	struct stale_list *l = ctx;
	const char *p = name + strlen(INSTANCE_PREFIX);

	if (strncmp(name, INSTANCE_PREFIX, strlen(INSTANCE_PREFIX)) || !*p ||
	    strspn(p, "0123456789") != strlen(p))
		return 0;
	if (l->nr == l->cap) {
		int cap = l->cap ? 2 * l->cap : 8;
		char **n = tw_realloc(l->names, cap * sizeof(*n));

		if (!n) {
			l->err = -ENOMEM;
			return 1;
		}
		l->names = n;
		l->cap = cap;
	}
	l->names[l->nr] = tw_strdup(name);
	if (!l->names[l->nr]) {
		l->err = -ENOMEM;
		return 1;
	}
	l->nr++;
	return 0;
}

/* Clean-up proper; the caller holds the lock of the instances directory. */
static int remove_stale_locked(void)
{
	struct stale_list l = { 0 };
	int removed = 0;
	int i;

	/* tracefs_instances() would do, but its regex leaks in libtracefs 1.6. */
	tracefs_instances_walk(collect_instance, &l);
	for (i = 0; i < l.nr; i++)
		if (remove_if_stale(l.names[i], atoi(l.names[i] + strlen(INSTANCE_PREFIX))) > 0)
			removed++;
	for (i = 0; i < l.nr; i++)
		free(l.names[i]);
	free(l.names);
	/* Then the probes: every group whose instance is gone, whatever the kind of probe. */
	tw_uprobes_remove_stale(group_is_stale, NULL);
	return l.err ? l.err : removed;
}

/* How long a start waits for another start's clean-up and creation (milliseconds). */
#define INSTANCES_LOCK_WAIT_MS 10000

/*
 * flock(LOCK_EX) the "instances" directory; returns the fd, or -errno (-EWOULDBLOCK when
 * another start held it for INSTANCES_LOCK_WAIT_MS: stopped with SIGSTOP, say).
 */
static int lock_instances(void)
{
	char *path = instance_dir("");
	uint64_t deadline = tw_now_mono() + INSTANCES_LOCK_WAIT_MS * 1000000ull;
	int fd;

	if (!path)
		return -ENOMEM;
	fd = open_dir(path);
	free(path);
	if (fd < 0)
		return -errno;
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int err = errno;

		if ((err != EWOULDBLOCK && err != EINTR) || tw_now_mono() > deadline) {
			close(fd);
			return -err;
		}
		usleep(10000);
	}
	return fd;
}

int tw_source_remove_stale(void)
{
	int fd = lock_instances();
	int ret;

	if (fd < 0)
		return fd;
	ret = remove_stale_locked();
	close(fd);
	return ret;
}

/* Free what the source holds in memory (not the instance: the callers decide about that). */
static void source_free(struct tw_source *s)
{
	if (s->kbuf)
		kbuffer_free(s->kbuf);
	tep_free(s->tep);
	free(s->cpus);
	free(s->pfds);
	free(s->page);
	free(s->seen_ns);
	free(s);
}

static int write_file(struct tw_source *s, const char *file, const char *val)
{
	if (tracefs_instance_file_write(s->inst, file, val) < 0)
		return tw_err(errno ? errno : EIO, "cannot write '%s' to %s/%s: %s", val, s->name,
			      file, strerror(errno ? errno : EIO));
	return 0;
}

static int open_readers(struct tw_source *s)
{
	char *dir = tracefs_instance_get_dir(s->inst);
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);
	int cpu, ret = 0;

	if (!dir)
		return tw_err(ENOMEM, "out of memory");
	s->cpus = tw_calloc(ncpu, sizeof(*s->cpus));
	s->pfds = tw_calloc(ncpu, sizeof(*s->pfds));
	if (!s->cpus || !s->pfds) {
		ret = tw_err(ENOMEM, "out of memory");
		goto out_free_dir;
	}
	for (cpu = 0; cpu < ncpu; cpu++) {
		char path[PATH_MAX];
		struct cpu_reader *r = &s->cpus[s->nr_cpus];
		int fd;

		snprintf(path, sizeof(path), "%s/per_cpu/cpu%d/trace_pipe_raw", dir, cpu);
		fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0) {
			if (errno == ENOENT)
				continue;	/* CPU not possible/online */
			ret = tw_err(errno, "cannot open %s: %s", path, strerror(errno));
			goto out_free_dir;
		}
		r->tcpu = tracefs_cpu_alloc_fd(fd, s->subbuf_size, true);
		if (!r->tcpu) {
			close(fd);
			ret = tw_err(ENOMEM, "cannot set up the reader of CPU %d", cpu);
			goto out_free_dir;
		}
		r->cpu = cpu;
		r->fd = fd;
		s->pfds[s->nr_cpus].fd = fd;
		s->pfds[s->nr_cpus].events = POLLIN;
		s->nr_cpus++;
	}
	if (!s->nr_cpus)
		ret = tw_err(ENODEV, "no per-CPU trace buffers found in %s", dir);
out_free_dir:
	tracefs_put_tracing_file(dir);
	return ret;
}

static void close_readers(struct tw_source *s)
{
	int i;

	for (i = 0; i < s->nr_cpus; i++) {
		tracefs_cpu_free_fd(s->cpus[i].tcpu);
		close(s->cpus[i].fd);
	}
	s->nr_cpus = 0;
}

/* Read the formats of the systems we use. */
static void load_libc_formats(struct tw_source *s, int index);

/*
 * Parse the format files of the events tracewatch uses, and only those: not whole systems
 * (the syscalls system alone has hundreds), and not kallsyms or printk_formats, which
 * tracefs_local_events_system() also loads and which only printing events needs. Layouts are
 * this machine's: its long size and byte order. NULL on allocation failure; an event whose
 * format can't be read is just missing (the decoder says so for the ones it needs).
 */
static struct tep_handle *load_formats(struct tw_source *s, const struct tw_event_spec *events)
{
	const struct tw_event_spec *e;
	const uint16_t one = 1;
	bool big = *(const uint8_t *)&one == 0;

	s->tep = tep_alloc();
	if (!s->tep)
		return NULL;
	tep_set_long_size(s->tep, (int)sizeof(long));
	tep_set_page_size(s->tep, (int)sysconf(_SC_PAGESIZE));
	tep_set_file_bigendian(s->tep, big ? TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN);
	tep_set_local_bigendian(s->tep, big ? TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN);
	for (e = events; e->system; e++) {
		int size;
		char *fmt = tracefs_event_file_read(NULL, e->system, e->name, "format", &size);

		if (!fmt)
			continue;
		tep_parse_event(s->tep, fmt, size, e->system);
		free(fmt);
	}
	if (s->uprobes)
		load_libc_formats(s, 0);	/* eprobes have the same names */
	return s->tep;
}

/* Uprobe events can be large (argv strings): give them room in a bigger sub-buffer. */
static void setup_uprobes(struct tw_source *s, const struct tw_source_opts *opts)
{
	char *libc = tw_uprobe_host_libc();
	const char *libcs[1];

	libcs[0] = libc ? libc : "";
	snprintf(s->uprobe_group, sizeof(s->uprobe_group), TW_UPROBE_GROUP_PREFIX "%d",
		 (int)getpid());
	/*
	 * Tier 2 first: event probes on the syscall entry events see every caller, static
	 * programs too. They ride on syscall events, so not in the mode without them.
	 */
	if (!s->no_syscalls)
		s->uprobes = tw_eprobes_create(s->inst, s->uprobe_group, opts->uprobe_args);
	/* No strings from the syscall events here: when asked, they stay off altogether. */
	if (!s->uprobes && libc && opts->syscalls_only_for_strings &&
	    !tw_source_chdir_string(tracefs_tracing_dir()))
		s->no_syscalls = true;
	if (s->uprobes)
		s->probe_kind = "eprobes";
	else if (libc)
		s->uprobes = tw_uprobes_create(s->inst, s->uprobe_group, libcs, 1,
					       opts->uprobe_args, s->no_syscalls);
	else
		tw_warn("uprobes: cannot find the libc in use; using /proc only");
	if (!s->uprobes && s->no_syscalls && !opts->no_syscalls)
		s->no_syscalls = false;	/* the uprobes failed: back to the syscall events */
	if (s->uprobes && !s->probe_kind) {
		struct stat st;

		s->probe_kind = "libc uprobes";
		if (stat(libc, &st) == 0) {
			s->probed[0].dev = st.st_dev;
			s->probed[0].ino = st.st_ino;
			s->nr_probed = 1;
		}

	}
	free(libc);
	if (s->uprobes)
		tracefs_instance_file_write(s->inst, "buffer_subbuf_size_kb", "16");
}

/* Take this run's proof of life: flock(LOCK_EX) on its instance directory, held until exit. */
static int take_instance_lock(struct tw_source *s)
{
	char *path = instance_dir(s->name);

	if (!path)
		return tw_err(ENOMEM, "out of memory");
	s->lock_fd = open_dir(path);
	if (s->lock_fd < 0 || flock(s->lock_fd, LOCK_EX | LOCK_NB) < 0) {
		int err = errno;

		tw_err(err, "cannot lock %s (it shows other runs that this one lives): %s", path,
		       strerror(err));
		free(path);
		return -err;
	}
	free(path);
	return 0;
}

struct tw_source *tw_source_open(const struct tw_source_opts *opts)
{
	const struct tw_event_spec *e;
	struct tw_source *s;
	const char *tdir;
	char val[32];
	char *subbuf;
	int ilock = -1;

	if (geteuid() != 0) {
		tw_err(EPERM, "tracing needs root (CAP_SYS_ADMIN over tracefs): run with sudo");
		return NULL;
	}
	tdir = tracefs_tracing_dir();
	if (!tdir || access(tdir, W_OK) != 0) {
		tw_err(ENODEV, "tracefs is not mounted and could not be mounted; try: "
			       "mount -t tracefs nodev /sys/kernel/tracing");
		return NULL;
	}
	s = tw_calloc(1, sizeof(*s));
	if (!s) {
		tw_err(ENOMEM, "out of memory");
		return NULL;
	}
	s->lock_fd = -1;
	/* Clean-up, creation and lock in one critical section: see "Who owns what". */
	ilock = lock_instances();
	if (ilock < 0) {
		tw_err(-ilock, "cannot lock %s/instances: %s%s", tdir, strerror(-ilock),
		       ilock == -EWOULDBLOCK ? " (another tracewatch has been starting for 10 s: "
					       "is it stopped?)" : "");
		goto out_free;
	}
	remove_stale_locked();
	snprintf(s->name, sizeof(s->name), INSTANCE_PREFIX "%d", (int)getpid());
	if (tracefs_instance_exists(s->name)) {
		tw_err(EEXIST, "tracefs instance %s already exists and belongs to a tracewatch that "
			       "still runs (another pid namespace?); stop that one first", s->name);
		goto out_unlock;
	}
	s->inst = tracefs_instance_create(s->name);
	if (!s->inst || !tracefs_instance_is_new(s->inst)) {
		tw_err(errno ? errno : EIO, "cannot create tracefs instance %s: %s", s->name,
		       strerror(errno ? errno : EIO));
		goto out_free_inst;
	}
	if (take_instance_lock(s))
		goto out_destroy;
	close(ilock);
	ilock = -1;
	if (write_file(s, "tracing_on", "0") || write_file(s, "trace_clock", "mono"))
		goto out_destroy;
	if (tracefs_instance_set_buffer_size(s->inst, opts->buffer_kb, -1) < 0) {
		tw_err(errno, "cannot set the buffer size to %zu KB per CPU: %s", opts->buffer_kb,
		       strerror(errno));
		goto out_destroy;
	}
	snprintf(val, sizeof(val), "%u", opts->buffer_percent);
	if (write_file(s, "buffer_percent", val))
		goto out_destroy;

	s->no_syscalls = opts->no_syscalls;
	if (opts->uprobes)
		setup_uprobes(s, opts);
	s->subbuf_size = getpagesize();
	subbuf = tracefs_instance_file_read(s->inst, "buffer_subbuf_size_kb", NULL);
	if (subbuf) {
		int kb = atoi(subbuf);

		if (kb > 0)
			s->subbuf_size = kb * 1024;
		free(subbuf);
	}
	s->page = tw_malloc(s->subbuf_size);
	if (!s->page) {
		tw_err(ENOMEM, "out of memory");
		goto out_destroy;
	}

	if (!load_formats(s, opts->events)) {
		tw_err(errno ? errno : EIO, "cannot read the event formats from %s/events", tdir);
		goto out_destroy;
	}
	s->kbuf = kbuffer_alloc(tep_get_long_size(s->tep) == 4 ? KBUFFER_LSIZE_4 : KBUFFER_LSIZE_8,
				tep_is_file_bigendian(s->tep) ? KBUFFER_ENDIAN_BIG :
								 KBUFFER_ENDIAN_LITTLE);
	if (!s->kbuf) {
		tw_err(ENOMEM, "out of memory");
		goto out_destroy;
	}
	if (tep_is_old_format(s->tep))
		kbuffer_set_old_format(s->kbuf);

	if (s->no_syscalls && !s->uprobes) {
		tw_err(ENOTSUP, "--no-syscall-events needs the libc uprobes, which could not be "
				"set up here; run without it");
		goto out_destroy;
	}
	if (opts->filter_pid > 0) {
		snprintf(val, sizeof(val), "%d", opts->filter_pid);
		if (write_file(s, "options/event-fork", "1") || write_file(s, "set_event_pid", val))
			goto out_destroy;
	}
	for (e = opts->events; e->system; e++) {
		/* Every syscall event puts every task on the slow syscall path: skip them all. */
		if (s->no_syscalls && !strcmp(e->system, "syscalls"))
			continue;
		/* A filter first: the event must never record what it leaves out. */
		if (e->filter && tracefs_event_file_write(s->inst, e->system, e->name, "filter",
							  e->filter) < 0)
			continue;
		if (tracefs_event_enable(s->inst, e->system, e->name) < 0) {
			if (!e->required)
				continue;
			tw_err(ENOENT, "cannot enable trace event %s:%s (missing from %s/events?); "
				       "tracewatch needs it", e->system, e->name, tdir);
			goto out_destroy;
		}
	}
	if (open_readers(s))
		goto out_destroy;
	if (write_file(s, "tracing_on", "1"))
		goto out_destroy;
	return s;

out_destroy:
	close_readers(s);
	/* The owner's order: probes, instance, lock. */
	tw_uprobes_destroy(s->uprobes);
	tracefs_instance_destroy(s->inst);
out_free_inst:
	tracefs_instance_free(s->inst);
out_unlock:
	if (s->lock_fd >= 0)
		close(s->lock_fd);
	if (ilock >= 0)
		close(ilock);
out_free:
	source_free(s);
	return NULL;
}

struct tep_handle *tw_source_tep(struct tw_source *s)
{
	return s->tep;
}

int tw_source_nr_cpus(const struct tw_source *s)
{
	int i, max = 0;

	for (i = 0; i < s->nr_cpus; i++)
		if (s->cpus[i].cpu + 1 > max)
			max = s->cpus[i].cpu + 1;
	return max;
}

const char *tw_source_name(const struct tw_source *s)
{
	return s->name;
}

const char *tw_source_uprobe_group(const struct tw_source *s)
{
	return s->uprobes ? s->uprobe_group : NULL;
}

const char *tw_source_probe_kind(const struct tw_source *s)
{
	return s->probe_kind;
}

/* Where a root may keep its C library: glibc's usual places, then musl's loader. */
static const char *const root_libcs[] = {
#if defined(__x86_64__)
	"/usr/lib/x86_64-linux-gnu/libc.so.6", "/lib/x86_64-linux-gnu/libc.so.6",
	"/lib/ld-musl-x86_64.so.1",
#elif defined(__aarch64__)
	"/usr/lib/aarch64-linux-gnu/libc.so.6", "/lib/aarch64-linux-gnu/libc.so.6",
	"/lib/ld-musl-aarch64.so.1",
#endif
	"/usr/lib64/libc.so.6", "/lib64/libc.so.6", "/usr/lib/libc.so.6", "/lib/libc.so.6",
};

/* Read the formats of the probes of libc @index into the tep, so they can be decoded. */
static void load_libc_formats(struct tw_source *s, int index)
{
	int f;

	for (f = 0; f < TW_UPROBE_NR; f++) {
		char name[64];
		char *fmt;
		int size;

		snprintf(name, sizeof(name), "%s_%d", tw_uprobe_func_name(f), index);
		fmt = tracefs_event_file_read(NULL, s->uprobe_group, name, "format", &size);
		if (!fmt)
			continue;
		tep_parse_event(s->tep, fmt, size, s->uprobe_group);
		free(fmt);
	}
}

int tw_source_probe_root_libc(struct tw_source *s, int pid)
{
	char path[PATH_MAX];
	uint64_t ns;
	size_t c;
	int i;

	if (!s->uprobes || strcmp(s->probe_kind, "libc uprobes") || s->nr_probed >= TW_UPROBE_MAX_LIBCS)
		return 0;
	if (tw_proc_mnt_ns(pid, &ns))
		return 0;	/* gone already */
	for (i = 0; i < s->nr_seen_ns; i++)
		if (s->seen_ns[i] == ns)
			return 0;
	if (s->nr_seen_ns < MAX_SEEN_NS) {
		uint64_t *n = tw_realloc(s->seen_ns, (s->nr_seen_ns + 1) * sizeof(*n));

		if (!n)
			return -ENOMEM;
		s->seen_ns = n;
		s->seen_ns[s->nr_seen_ns++] = ns;
	}
	for (c = 0; c < TW_ARRAY_SIZE(root_libcs); c++) {
		struct stat st;
		int ret;

		snprintf(path, sizeof(path), "/proc/%d/root%s", pid, root_libcs[c]);
		if (stat(path, &st) || !S_ISREG(st.st_mode))
			continue;
		for (i = 0; i < s->nr_probed; i++)
			if (s->probed[i].dev == st.st_dev && s->probed[i].ino == st.st_ino)
				return 0;	/* the same file as one probed already */
		/* The kernel resolves the path to its inode now: it stays valid after pid exits. */
		ret = tw_uprobes_add_libc(s->uprobes, path);
		if (ret <= 0)
			continue;
		s->probed[s->nr_probed].dev = st.st_dev;
		s->probed[s->nr_probed].ino = st.st_ino;
		s->nr_probed++;
		load_libc_formats(s, s->nr_probed - 1);
		return 1;
	}
	return 0;
}

int tw_source_wait(struct tw_source *s, int timeout_ms)
{
	int ret = poll(s->pfds, s->nr_cpus, timeout_ms);

	if (ret < 0 && errno != EINTR)
		return -errno;
	return 0;
}

/* The "overrun" count of one CPU's stats file (events overwritten), or 0 when unreadable. */
static uint64_t cpu_overrun(struct tw_source *s, int cpu)
{
	uint64_t n = 0;
	char file[64];
	char *stats, *p;

	snprintf(file, sizeof(file), "per_cpu/cpu%d/stats", cpu);
	stats = tracefs_instance_file_read(s->inst, file, NULL);
	if (!stats)
		return 0;
	p = strstr(stats, "overrun:");
	if (p)
		n = strtoull(p + 8, NULL, 10);
	free(stats);
	return n;
}

static int drain_page(struct tw_source *s, struct cpu_reader *r, const struct tw_source_handler *h)
{
	unsigned long long ts;
	long long count;
	int missed;
	void *data;
	int ret;

	if (kbuffer_load_subbuffer(s->kbuf, s->page) < 0)
		return 0;	/* a page we can't parse: nothing usable in it */
	missed = kbuffer_missed_events(s->kbuf);
	data = kbuffer_read_event(s->kbuf, &ts);
	if (missed && h->lost) {
		count = missed;
		if (missed < 0) {
			/*
			 * The page says events were lost, not how many: the CPU's overrun
			 * counter has grown by at least as many since the last report.
			 */
			uint64_t overrun = cpu_overrun(s, r->cpu);

			count = overrun > r->lost_reported ? overrun - r->lost_reported : 0;
		}
		r->lost_reported += count;
		ret = h->lost(r->cpu, data ? ts : kbuffer_timestamp(s->kbuf), count, h->ctx);
		if (ret)
			return ret;
	}
	while (data) {
		ret = h->event(r->cpu, ts, data, kbuffer_event_size(s->kbuf), h->ctx);
		if (ret)
			return ret;
		data = kbuffer_next_event(s->kbuf, &ts);
	}
	return 0;
}

int tw_source_drain(struct tw_source *s, const struct tw_source_handler *h)
{
	int i, ret;

	for (i = 0; i < s->nr_cpus; i++) {
		struct cpu_reader *r = &s->cpus[i];
		/* Taken before the read: whatever the read misses was written after it. */
		uint64_t t_before = tw_now_mono();

		for (;;) {
			int n = tracefs_cpu_read(r->tcpu, s->page, true);

			if (n < 0) {
				if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
					break;
				return tw_err(errno, "reading the trace buffer of CPU %d: %s", r->cpu,
					      strerror(errno));
			}
			if (n == 0)
				break;
			ret = drain_page(s, r, h);
			if (ret)
				return ret;
		}
		if (h->drained)
			h->drained(r->cpu, t_before, h->ctx);
	}
	return 0;
}

int tw_source_filter_add_pid(struct tw_source *s, int tid)
{
	char val[32];

	snprintf(val, sizeof(val), "%d", tid);
	if (tracefs_instance_file_append(s->inst, "set_event_pid", val) < 0)
		return tw_err(errno, "cannot add task %d to the instance's set_event_pid: %s", tid,
			      strerror(errno));
	return 0;
}

void tw_source_stop(struct tw_source *s)
{
	tracefs_instance_file_write(s->inst, "tracing_on", "0");
}

uint64_t tw_source_overrun(struct tw_source *s)
{
	uint64_t total = 0;
	int i;

	for (i = 0; i < s->nr_cpus; i++)
		total += cpu_overrun(s, s->cpus[i].cpu);
	return total;
}

/* Attempts at removing our instance while others briefly hold its files open. */
#define DESTROY_TRIES 50

/*
 * Remove our instance. The kernel refuses (EBUSY) while any file of it is open, and other
 * programs open them for a moment (libtracefs' forced probe removal writes "enable" in
 * every instance): try again for up to a second. Returns 0, or -1 with errno set.
 */
static int destroy_instance(struct tracefs_instance *inst)
{
	int i;

	for (i = 0; i < DESTROY_TRIES; i++) {
		if (tracefs_instance_destroy(inst) == 0)
			return 0;
		if (errno != EBUSY)
			return -1;
		usleep(20000);
	}
	return -1;
}

int tw_source_close(struct tw_source *s)
{
	int ret = 0;

	if (!s)
		return 0;
	tw_source_stop(s);
	close_readers(s);
	/* The owner's order (see "Who owns what"): probes, instance, lock. */
	if (tw_uprobes_destroy(s->uprobes))
		ret = -EBUSY;
	if (destroy_instance(s->inst) < 0)
		ret = tw_err(errno, "could not remove tracefs instance %s: %s; remove it with rmdir",
			     s->name, strerror(errno));
	close(s->lock_fd);
	tracefs_instance_free(s->inst);
	source_free(s);
	return ret;
}

/* Whether a line of the text file @path holds both @a and @b. */
static bool file_has(const char *path, const char *a, const char *b)
{
	char line[1024];
	bool found = false;
	FILE *f = fopen(path, "re");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, a) && strstr(line, b);
	fclose(f);
	return found;
}

bool tw_source_chdir_string(const char *tdir)
{
	char path[PATH_MAX];

	if (!tdir)
		return false;
	snprintf(path, sizeof(path), "%s/events/syscalls/sys_enter_chdir/format", tdir);
	return file_has(path, "__data_loc", "filename");
}

bool tw_source_probed_libc(const struct tw_source *s, struct tw_file_id *libc)
{
	memset(libc, 0, sizeof(*libc));
	if (!s->uprobes || strcmp(s->probe_kind, "libc uprobes") || s->nr_probed < 1)
		return false;
	libc->dev = s->probed[0].dev;
	libc->ino = s->probed[0].ino;
	return true;
}

bool tw_source_no_syscalls(const struct tw_source *s)
{
	return s->no_syscalls;
}
