// SPDX-License-Identifier: GPL-2.0
/* pipeline.c - the session every command runs: inputs -> decode -> reorder -> model -> sink. */
#include <endian.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <traceevent/event-parse.h>
#include <tracefs.h>
#include <unistd.h>
#include <uthash.h>

#include "decode.h"
#include "fanwatch.h"
#include "ident.h"
#include "model.h"
#include "pipeline.h"
#include "procfs.h"
#include "recording.h"
#include "reorder.h"
#include "taskstats.h"
#include "uprobe.h"
#include "util.h"

/*
 * How far behind the time of a read the drained mark is put: an event reserved on a CPU just
 * before the read may still be committing (or its vCPU preempted by the hypervisor) and show
 * up in the next read with an older timestamp.
 */
#define DRAIN_SLACK_NS (10ull * 1000 * 1000)
/*
 * Live reading runs at most once per this interval (or --poll-ms, when shorter): what arrives
 * meanwhile is read in one pass (fewer wakeups and empty reads per exec at high rates;
 * records wait that much longer).
 */
#define READ_INTERVAL_NS (5ull * 1000 * 1000)
/*
 * Realpath answers kept (with fanotify, which checks what they are used for), and how long
 * one is reused: a program run by the same symlinked path again costs no path walk.
 */
#define REALPATH_CACHE_SLOTS 64
#define REALPATH_CACHE_NS (1000ull * 1000 * 1000)
/* Most CPUs a recording may claim: the reorder queue has one per CPU. */
#define MAX_REPLAY_CPUS 8192
/* The arrival stage remembers which tids had their argv captured whole, in a small table. */
#define ARGV_CAPTURED_SLOTS 256
#define CLONE_INTO_CGROUP_FLAG 0x200000000ull
/* Buffers read from a side source per wake-up, so that none starves the ring buffers. */
#define MAX_SIDE_READS 64
/* Failed exec attempts held for folding into their process's next exec; the oldest go out. */
#define MAX_HELD_FAILURES 1024
/* Mount namespaces whose filesystems were given to fanotify. */
#define MAX_MARKED_NS 256

/*
 * The reorder queues: one per CPU ring buffer, then one per side source, whose events carry
 * their read time (fanwatch.h, taskstats.h).
 */
#define FAN_QUEUE(p) ((p)->nr_cpus)
#define TASKEND_QUEUE(p) ((p)->nr_cpus + 1)
#define NR_QUEUES(p) ((p)->nr_cpus + 2)
/* A replayed event format: most fields, longest field declaration, largest number in it. */
#define MAX_FORMAT_FIELDS 256
#define MAX_FORMAT_DECL 256
#define MAX_FORMAT_NUMBER 65535

/* A task of the watched tree (opts.tree_pid), by tid. */
struct tree_task {
	int tid;
	bool exited;		/* its exit event was applied */
	bool ended;		/* its task end (taskstats) was applied */
	UT_hash_handle hh;
};

/* A realpath answer the recording holds for the model's next question. */
struct answer {
	char *query;
	char *result;		/* NULL: realpath failed */
	struct answer *next;
};

/* One cached realpath answer. */
struct realpath_slot {
	char *query;
	char *answer;		/* NULL: the path could not be resolved */
	uint64_t t;		/* when it was asked */
};

struct tw_pipeline {
	struct tw_pipeline_opts opts;

	/* Live input. */
	struct tw_source *src;
	struct tw_fanwatch *fan;
	struct tw_taskstats *ts;
	uint64_t marked_ns[MAX_MARKED_NS];
	int nr_marked_ns;
	char *cgroup_root;	/* cgroup v2 mount, NULL on v1-only hosts */
	/* tids whose libc exec call was captured whole: their exec needs no /proc argv read */
	int argv_captured[ARGV_CAPTURED_SLOTS];
	bool refreshed;		/* the arrival stage added probe events */
	bool auto_no_syscalls;	/* syscall events left off: fanotify checks paths instead */
	enum tw_creds_mode creds_mode;	/* which set*id calls the stream shows */
	struct realpath_slot rp_cache[REALPATH_CACHE_SLOTS];
	struct tw_file_id libc_id;	/* the libc the uprobes are on (TW_CREDS_LIBC) */
	struct tw_file_id loader_id;	/* ... and its ELF loader */
	char *loader_path;		/* the loader's canonical path */

	/* Replayed input. */
	struct tw_rec_reader *rd;
	struct tep_handle *tep;	/* owned when replaying */
	char *probe_group;
	char *probe_kind;
	bool replay_fanotify;	/* the recording has fanotify items (meta fanotify=1) */
	bool replay_taskstats;
	struct answer *answers, **answers_tail;
	unsigned char *held;	/* a block read ahead while collecting answers */
	struct tw_rec_block held_block;
	bool have_held;
	bool ended;		/* END block seen */
	void *raw;		/* aligned copy of a recorded raw event */
	size_t raw_cap;

	/* The watched tree (opts.tree_pid > 0): tasks in it. */
	struct tree_task *tree;
	bool tree_task_ends;	/* a task end (taskstats) will follow every exit */

	int nr_cpus;
	int64_t realtime_offset;
	struct tw_decoder *dec;
	struct tw_reorder *ro;
	struct tw_model *model;
	struct tw_sink *sink;
	struct tw_ident *ident;
	struct tw_rec_writer *rec;
	uint8_t recorded_format[65536 / 8];

	/* Failed exec attempts waiting for their process's next exec or end (oldest first). */
	struct tw_record *held_fail, **held_fail_tail;
	int nr_held_fail;

	uint64_t last_released;
	uint64_t late;
	uint64_t lost_kernel;
	uint64_t records;
	uint64_t overrun;
	uint64_t recorded_bytes;
	/* Whole records only: where the output ended after the last flush that worked. */
	off_t out_good;			/* -1: not a file that can be cut back */
	uint64_t records_unflushed;	/* written to the sink since that flush */
	uint64_t records_dropped;	/* not handed to a sink that had failed */
	uint64_t not_written;
	off_t rec_good;
	uint64_t reopened;
	/* Periodic stats: the values at the last line. */
	uint64_t stats_t, stats_events, stats_execs, stats_cpu_ns;
	int sink_err;		/* first error writing records */
	int sink_errno;
	int error;		/* first error of the run */
	char errmsg[512];
};

static int fail(struct tw_pipeline *p, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Remember the first error and its text; returns @err (negative errno). */
static int fail(struct tw_pipeline *p, int err, const char *fmt, ...)
{
	va_list ap;

	if (!p->error) {
		p->error = err;
		va_start(ap, fmt);
		vsnprintf(p->errmsg, sizeof(p->errmsg), fmt, ap);
		va_end(ap);
	}
	return err;
}

const char *tw_pipeline_error(const struct tw_pipeline *p)
{
	return p->errmsg;
}

/* ---- recording ---- */

static int record_block(struct tw_pipeline *p, uint32_t type)
{
	int ret = tw_rec_block_end(p->rec, type);

	if (ret == -ENOMEM)
		return ret;
	if (ret)
		return fail(p, -EIO, "writing the recording failed: %s",
			    ret == -EFBIG ? "a block is too large" : strerror(errno ? errno : EIO));
	return 0;
}

static int record_format(int id, const char *system, const char *name, void *ctx)
{
	struct tw_pipeline *p = ctx;
	char *fmt;
	int size;

	if (p->recorded_format[id / 8] & (1u << (id % 8)))
		return 0;
	fmt = tracefs_event_file_read(NULL, system, name, "format", &size);
	if (!fmt)
		return fail(p, -EIO, "cannot read the format of event %s:%s for the recording",
			    system, name);
	tw_rec_put_str(p->rec, system);
	tw_rec_put_str(p->rec, name);
	tw_rec_put_bytes(p->rec, fmt, size > 0 ? (size_t)size : 0);
	free(fmt);
	p->recorded_format[id / 8] |= 1u << (id % 8);
	return record_block(p, TW_BLK_FORMAT);
}

/* The kernel's id of this boot ("" when it can't be read). */
static void read_boot_id(char *buf, size_t size)
{
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "re");

	buf[0] = 0;
	if (!f)
		return;
	if (!fgets(buf, (int)size, f))
		buf[0] = 0;
	buf[strcspn(buf, "\n")] = 0;
	fclose(f);
}

static int record_meta(struct tw_pipeline *p)
{
	const char *group = tw_source_uprobe_group(p->src);
	const char *kind = tw_source_probe_kind(p->src);
	struct tep_handle *tep = tw_source_tep(p->src);
	char host[HOST_NAME_MAX + 1] = "";
	char boot_id[64] = "";
	struct tw_buf meta = { 0 };
	struct utsname u;
	int ret;

	if (uname(&u))
		memset(&u, 0, sizeof(u));
	gethostname(host, sizeof(host) - 1);
	read_boot_id(boot_id, sizeof(boot_id));
	ret = tw_buf_printf(&meta,
			    "tracewatch=%s\nkernel=%s\nhost=%s\nboot_id=%s\nnr_cpus=%d\n"
			    "long_size=%d\nbig_endian=%d\nrealtime_offset_ns=%lld\n"
			    "probe_group=%s\nprobe_kind=%s\nfanotify=%d\ntaskstats=%d\n"
			    "creds=%d\nloader_dev=%llu\nloader_ino=%llu\nloader_path=%s\n",
			    TW_VERSION, u.release, host, boot_id, p->nr_cpus,
			    tep_get_long_size(tep), tep_is_file_bigendian(tep) ? 1 : 0,
			    (long long)p->realtime_offset, group ? group : "",
			    kind ? kind : "", p->fan != NULL, p->ts != NULL, (int)p->creds_mode,
			    (unsigned long long)p->loader_id.dev,
			    (unsigned long long)p->loader_id.ino,
			    p->loader_path ? p->loader_path : "");
	if (ret) {
		tw_buf_release(&meta);
		return -ENOMEM;
	}
	tw_rec_put_str(p->rec, meta.data);
	tw_buf_release(&meta);
	ret = record_block(p, TW_BLK_META);
	if (!ret)
		ret = tw_decoder_for_each_event(p->dec, record_format, p);
	return ret;
}

static void put_probe(struct tw_rec_writer *w, const struct tw_proc_read *pr)
{
	tw_rec_put_u64(w, pr->t_start);
	tw_rec_put_u64(w, pr->t_read);
	tw_rec_put_i64(w, pr->uid);
	tw_rec_put_u32(w, (uint32_t)pr->ppid);
	tw_rec_put_u32(w, (uint32_t)pr->root);
	tw_rec_put_u64(w, pr->cgroup_id);
	tw_rec_put_str(w, pr->cwd);
	tw_rec_put_str(w, pr->exe);
	tw_rec_put_bytes(w, pr->argv, pr->argv_len);
	tw_rec_put_str(w, pr->cgroup);
	/* Appended later, in this order: a block that ends before one reads it as unknown. */
	tw_rec_put_i64(w, pr->euid);
	tw_rec_put_i64(w, pr->loginuid);
	tw_rec_put_i64(w, pr->nnp);
	tw_rec_put_i64(w, pr->tracer);
}

static int record_event(struct tw_pipeline *p, int cpu, uint64_t ts, const void *data, int size,
			const struct tw_proc_read *pr)
{
	tw_rec_put_u32(p->rec, (uint32_t)cpu);
	tw_rec_put_u64(p->rec, ts);
	tw_rec_put_bytes(p->rec, data, (size_t)size);
	put_probe(p->rec, pr);
	return record_block(p, TW_BLK_EVENT);
}

/* ---- the stages every input goes through ---- */

/* The last stage: the event set, the filters, the sink. Takes @rec. */
static int deliver(struct tw_pipeline *p, struct tw_record *rec)
{
	bool extra = rec->type == TW_REC_FORK || rec->type == TW_REC_EXIT ||
		     rec->type == TW_REC_CHDIR;
	int ret = 0;

	if ((extra && !p->opts.all_events) || !tw_filter_match(&p->opts.filter, rec)) {
		tw_record_free(rec);
		return 0;
	}
	if (p->opts.consume) {
		ret = p->opts.consume(rec, p->opts.consume_ctx);
		if (ret) {
			tw_record_free(rec);
			return fail(p, ret, "%s", strerror(-ret));
		}
	}
	if (p->opts.sink_execs_only && rec->type != TW_REC_EXEC &&
	    rec->type != TW_REC_EXEC_FAILED && rec->type != TW_REC_LOST) {
		tw_record_free(rec);
		return 0;
	}
	if (p->sink && !p->sink_err) {
		errno = 0;
		ret = tw_sink_write(p->sink, rec);
		if (ret) {
			p->sink_err = ret;
			p->sink_errno = errno ? errno : -ret;
			p->records_dropped++;
		} else {
			p->records++;
			p->records_unflushed++;
		}
	} else if (!p->sink) {
		p->records++;
	} else {
		p->records_dropped++;
	}
	tw_record_free(rec);
	return ret;
}

/*
 * Let the held failed attempts of process @pid out (all of them when @pid is 0), or with
 * @fold count and drop them. Returns the count, or the first sink error.
 */
static int release_failures(struct tw_pipeline *p, int pid, bool fold)
{
	struct tw_record **pp = &p->held_fail;
	int n = 0, ret = 0;

	while (*pp) {
		struct tw_record *r = *pp;

		if (pid && r->pid != pid) {
			pp = &r->next;
			continue;
		}
		*pp = r->next;
		p->nr_held_fail--;
		r->next = NULL;
		n++;
		if (fold)
			tw_record_free(r);
		else if (!ret)
			ret = deliver(p, r);
		else
			tw_record_free(r);
	}
	p->held_fail_tail = pp;	/* the walk ended on the list's last link */
	return ret ? ret : n;
}

/*
 * Records from the model, in time order. A failed exec attempt waits for what its process
 * does next: an exec folds it into that exec's record (failed_attempts: a PATH search is
 * one exec, not five records), the process's end or lost events let it out as it is.
 */
static int emit_record(struct tw_record *rec, void *ctx)
{
	struct tw_pipeline *p = ctx;
	int ret;

	/* Identities follow the records in time order, before any is held back. */
	ret = tw_ident_record(p->ident, rec);
	if (ret) {
		tw_record_free(rec);
		return ret;
	}
	if (p->opts.show_failed)
		return deliver(p, rec);
	switch (rec->type) {
	case TW_REC_EXEC_FAILED:
		if (p->nr_held_fail >= MAX_HELD_FAILURES) {
			struct tw_record *old = p->held_fail;

			p->held_fail = old->next;
			if (!p->held_fail)
				p->held_fail_tail = &p->held_fail;
			p->nr_held_fail--;
			old->next = NULL;
			ret = deliver(p, old);
			if (ret) {
				tw_record_free(rec);
				return ret;
			}
		}
		rec->next = NULL;
		*p->held_fail_tail = rec;
		p->held_fail_tail = &rec->next;
		p->nr_held_fail++;
		return 0;
	case TW_REC_EXEC:
		ret = release_failures(p, rec->pid, true);
		rec->failed_attempts = ret;
		break;
	case TW_REC_EXIT:
		ret = release_failures(p, rec->pid, false);
		break;
	case TW_REC_LOST:
		ret = release_failures(p, 0, false);
		break;
	default:
		ret = 0;
		break;
	}
	if (ret < 0) {
		tw_record_free(rec);
		return ret;
	}
	return deliver(p, rec);
}

static int push_event(struct tw_pipeline *p, struct tw_event *ev)
{
	if (ev->ts < p->last_released)
		p->late++;
	if (tw_reorder_push(p->ro, ev))
		tw_event_free(ev);	/* a CPU we did not size for: refused at decode */
	return 0;
}

static int push_lost(struct tw_pipeline *p, int cpu, uint64_t ts, int64_t count)
{
	struct tw_event *ev = tw_event_new(TW_EV_LOST);

	if (!ev)
		return -ENOMEM;
	ev->cpu = cpu;
	ev->ts = ts;
	ev->lost.count = count > 0 ? (uint64_t)count : 0;
	if (count > 0)
		p->lost_kernel += (uint64_t)count;
	return push_event(p, ev);
}

/* ---- the watched tree: the root and what it forks, in stream order ---- */

static struct tree_task *tree_find(struct tw_pipeline *p, int tid)
{
	struct tree_task *t;

	HASH_FIND_INT(p->tree, &tid, t);
	return t;
}

static bool tree_has(struct tw_pipeline *p, int tid)
{
	return tree_find(p, tid) != NULL;
}

static int tree_add(struct tw_pipeline *p, int tid)
{
	struct tree_task *t = tree_find(p, tid);

	if (t) {
		t->exited = t->ended = false;	/* a new task with the tid of one whose end got lost */
		return 0;
	}
	t = tw_calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->tid = tid;
	HASH_ADD_INT(p->tree, tid, t);
	return 0;
}

static void tree_del(struct tw_pipeline *p, int tid)
{
	struct tree_task *t;

	HASH_FIND_INT(p->tree, &tid, t);
	if (t) {
		HASH_DEL(p->tree, t);
		free(t);
	}
}

static void tree_free(struct tw_pipeline *p)
{
	struct tree_task *t, *tmp;

	HASH_ITER(hh, p->tree, t, tmp) {
		HASH_DEL(p->tree, t);
		free(t);
	}
}

/*
 * A task of the tree leaves once both of its last events were applied: its exit and its task
 * end, which is read after the end but may be applied first (read on another CPU before the
 * exit event was); with no task ends, at its exit.
 */
static void tree_last(struct tw_pipeline *p, struct tree_task *t, bool exit)
{
	if (exit)
		t->exited = true;
	else
		t->ended = true;
	if (t->exited && (t->ended || !p->tree_task_ends))
		tree_del(p, t->tid);
}

/*
 * Whether @ev belongs to the watched tree: 1 keep, 0 drop, -ENOMEM. A task joins when a task
 * of the tree creates it, and leaves with its last events (tree_last()); a tid reused by a
 * task created outside the tree leaves at once. Losses always pass: they may have hidden a
 * fork of the tree.
 */
static int tree_keep(struct tw_pipeline *p, const struct tw_event *ev)
{
	struct tree_task *t;

	switch (ev->type) {
	case TW_EV_LOST:
		return 1;
	case TW_EV_NEWTASK:
		if (tree_has(p, ev->tid))
			return tree_add(p, ev->newtask.pid) ? -ENOMEM : 1;
		tree_del(p, ev->newtask.pid);
		return 0;
	case TW_EV_EXEC:
		return tree_has(p, ev->exec.old_pid) || tree_has(p, ev->exec.pid);
	case TW_EV_EXIT:
		t = tree_find(p, ev->exit.pid);
		if (!t)
			return 0;
		tree_last(p, t, true);
		return 1;
	case TW_EV_TASK_END:
		if (ev->task_end.lost)
			return 1;
		t = tree_find(p, ev->tid);
		if (!t)
			return 0;
		tree_last(p, t, false);
		return 1;
	case TW_EV_FAN_EXEC:
		return ev->fan.lost || tree_has(p, ev->tid);
	case TW_EV_CGROUP:
		return tree_has(p, ev->cgroup.pid);
	default:
		return tree_has(p, ev->tid);
	}
}

/* Apply every event the watermark lets out (or all of them at the end). */
static int release_events(struct tw_pipeline *p, bool all)
{
	struct tw_event *ev;
	int ret = 0;

	while ((ev = all ? tw_reorder_pop_any(p->ro) : tw_reorder_pop(p->ro))) {
		if (ev->ts > p->last_released)
			p->last_released = ev->ts;
		if (p->opts.tree_pid > 0) {
			ret = tree_keep(p, ev);
			if (ret <= 0) {
				tw_event_free(ev);
				if (ret)
					return ret;
				continue;
			}
		}
		ret = tw_model_apply(p->model, ev);
		tw_event_free(ev);
		if (ret)
			return ret;
	}
	if (!all)
		return tw_model_advance(p->model, tw_reorder_watermark(p->ro));
	ret = tw_model_flush(p->model);
	if (!ret) {
		ret = release_failures(p, 0, false);
		ret = ret < 0 ? ret : 0;
	}
	return ret;
}

static int release(struct tw_pipeline *p, bool all)
{
	int ret;

	if (p->rec) {
		tw_rec_put_u8(p->rec, all);
		ret = record_block(p, TW_BLK_RELEASE);
		if (ret)
			return ret;
	}
	ret = release_events(p, all);
	if (ret == -ENOMEM || p->error)
		return ret == -ENOMEM ? ret : p->error;
	if (ret)
		return -EIO;	/* the sink failed: p->sink_err says how */
	return 0;
}

/* FNV-1a: the cache slot of a path. */
static uint32_t str_hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/*
 * realpath(3) of @path, from the cache when it was asked less than REALPATH_CACHE_NS ago.
 * Only with fanotify: every path an answer helps make is checked against the executed file
 * (a stale answer can then only fail to match, never pass off another file). malloc'd.
 */
static char *realpath_cached(struct tw_pipeline *p, const char *path)
{
	struct realpath_slot *slot;
	uint64_t now;
	char *real;

	if (!p->fan)
		return realpath(path, NULL);
	slot = &p->rp_cache[str_hash(path) % REALPATH_CACHE_SLOTS];
	now = tw_now_mono();
	if (slot->query && !strcmp(slot->query, path) && now - slot->t < REALPATH_CACHE_NS)
		return slot->answer ? tw_strdup(slot->answer) : NULL;
	real = realpath(path, NULL);
	free(slot->query);
	free(slot->answer);
	slot->query = tw_strdup(path);
	slot->answer = real ? tw_strdup(real) : NULL;
	slot->t = now;
	if (!slot->query || (real && !slot->answer)) {
		free(slot->query);
		free(slot->answer);
		slot->query = slot->answer = NULL;
	}
	return real;
}

/* The model's question: the physical path of a directory (".." resolved like the kernel). */
static char *realpath_live(const char *dir, void *ctx)
{
	struct tw_pipeline *p = ctx;
	char *real = realpath_cached(p, dir);

	if (p->rec) {
		tw_rec_put_str(p->rec, dir);
		tw_rec_put_str(p->rec, real);
		record_block(p, TW_BLK_REALPATH);
	}
	return real;
}

static char *realpath_replay(const char *dir, void *ctx)
{
	struct tw_pipeline *p = ctx;
	struct answer *a = p->answers;
	char *real;

	if (!a || strcmp(a->query, dir)) {
		fail(p, -EBADMSG, "the recording does not answer the question the model asks here "
				  "(realpath of a directory): damaged, or made by another version");
		return NULL;
	}
	p->answers = a->next;
	if (!p->answers)
		p->answers_tail = &p->answers;
	real = a->result;
	free(a->query);
	free(a);
	return real;
}

/* ---- live input ---- */

/*
 * A task of another mount namespace (a container) execs: give that namespace's filesystems to
 * fanotify, once per namespace. Returns 0 or -ENOMEM.
 */
static int mark_namespace(struct tw_pipeline *p, int pid)
{
	uint64_t ns;
	int i, ret;

	if (tw_proc_mnt_ns(pid, &ns))
		return 0;	/* gone already */
	for (i = 0; i < p->nr_marked_ns; i++)
		if (p->marked_ns[i] == ns)
			return 0;
	if (p->nr_marked_ns < MAX_MARKED_NS)
		p->marked_ns[p->nr_marked_ns++] = ns;
	ret = tw_fanwatch_mark_namespace(p->fan, pid);
	return ret == -ENOMEM ? ret : 0;
}

/* Arrival-time /proc reads: the values are checked against the event order by the model. */
static int arrival_read(struct tw_pipeline *p, struct tw_event *ev)
{
	int ret;

	switch (ev->type) {
	case TW_EV_NEWTASK:
		if (!(ev->newtask.clone_flags & CLONE_INTO_CGROUP_FLAG) || !p->cgroup_root)
			return 0;
		ret = tw_proc_cgroup(ev->newtask.pid, p->cgroup_root, &ev->proc.cgroup,
				      &ev->proc.cgroup_id);
		return ret == -ENOMEM ? ret : 0;
	case TW_EV_UEXEC:
		if (!ev->uexec.argv_fault && !ev->uexec.argv_truncated)
			p->argv_captured[ev->tid % ARGV_CAPTURED_SLOTS] = ev->tid;
		return 0;
	case TW_EV_UCHDIR:
		/* A path string is only usable in our view of the filesystem. */
		return tw_proc_read(&ev->proc, ev->tid, TW_PROC_ROOT);
	case TW_EV_EXEC: {
		unsigned int what = TW_PROC_CWD | TW_PROC_EXE | TW_PROC_STATUS | TW_PROC_ROOT;
		int *slot = &p->argv_captured[ev->exec.old_pid % ARGV_CAPTURED_SLOTS];

		if (*slot != ev->exec.old_pid)
			what |= TW_PROC_ARGV;
		*slot = 0;
		ret = tw_proc_read(&ev->proc, ev->exec.pid, what);
		if (!ret && ev->proc.root == 2 && p->fan)
			ret = mark_namespace(p, ev->exec.pid);
		/* A process under another root: it may bring its own libc to probe. */
		if (!ret && ev->proc.root == 2 &&
		    tw_source_probe_root_libc(p->src, ev->exec.pid) > 0) {
			ret = tw_decoder_refresh_uprobes(p->dec, tw_source_uprobe_group(p->src));
			p->refreshed = true;
		}
		return ret;
	}
	case TW_EV_CHDIR:
		if (ev->chdir.ret == 0)
			return tw_proc_read(&ev->proc, ev->tid, TW_PROC_CWD);
		return 0;
	default:
		return 0;
	}
}

static int on_raw_event(int cpu, uint64_t ts, const void *data, int size, void *ctx)
{
	struct tw_pipeline *p = ctx;
	struct tw_event *ev;
	int ret;

	ret = tw_decoder_decode(p->dec, cpu, ts, data, size, &ev);
	if (ret <= 0)
		return ret;
	ret = arrival_read(p, ev);
	if (!ret && p->rec)
		ret = record_event(p, cpu, ts, data, size, &ev->proc);
	if (!ret && p->refreshed && p->rec) {
		ret = tw_decoder_for_each_event(p->dec, record_format, p);
		if (!ret) {
			tw_rec_put_str(p->rec, tw_source_uprobe_group(p->src));
			ret = record_block(p, TW_BLK_REFRESH);
		}
	}
	p->refreshed = false;
	if (ret) {
		tw_event_free(ev);
		return ret;
	}
	return push_event(p, ev);
}

static int on_lost(int cpu, uint64_t ts, long long count, void *ctx)
{
	struct tw_pipeline *p = ctx;
	uint64_t at = ts ? ts - 1 : 0;	/* before the first event after the gap */

	if (p->rec) {
		int ret;

		tw_rec_put_u32(p->rec, (uint32_t)cpu);
		tw_rec_put_u64(p->rec, at);
		tw_rec_put_i64(p->rec, count);
		ret = record_block(p, TW_BLK_LOST);
		if (ret)
			return ret;
	}
	return push_lost(p, cpu, at, count);
}

static void on_drained(int cpu, uint64_t t, void *ctx)
{
	struct tw_pipeline *p = ctx;
	uint64_t mark = t > DRAIN_SLACK_NS ? t - DRAIN_SLACK_NS : 0;

	if (p->rec) {
		tw_rec_put_u32(p->rec, (uint32_t)cpu);
		tw_rec_put_u64(p->rec, mark);
		record_block(p, TW_BLK_DRAINED);
	}
	tw_reorder_mark_drained(p->ro, cpu, mark);
}

static void put_seed(struct tw_rec_writer *w, const struct tw_proc_task *t)
{
	tw_rec_put_u32(w, (uint32_t)t->tid);
	tw_rec_put_u32(w, (uint32_t)t->tgid);
	tw_rec_put_u32(w, (uint32_t)t->ppid);
	tw_rec_put_u32(w, (uint32_t)t->fs_owner);
	tw_rec_put_u32(w, (uint32_t)t->root);
	tw_rec_put_u64(w, t->cgroup_id);
	tw_rec_put_u64(w, t->t_start);
	tw_rec_put_u64(w, t->t_read);
	tw_rec_put_str(w, t->comm);
	tw_rec_put_str(w, t->cwd);
	tw_rec_put_str(w, t->cgroup);
	tw_rec_put_u64(w, t->start_ns);
	/* Appended later, in this order: a block that ends before one reads it as unknown. */
	tw_rec_put_i64(w, t->uid);
	tw_rec_put_i64(w, t->euid);
	tw_rec_put_i64(w, t->nnp);
	tw_rec_put_i64(w, t->tracer);
	tw_rec_put_i64(w, t->userns);
	tw_rec_put_i64(w, t->libc);
	tw_rec_put_i64(w, t->kthread);
}

/* A task that was there at start, for the model and (processes) for the identities. */
static int seed_model(struct tw_pipeline *p, const struct tw_proc_task *t)
{
	int ret = tw_model_seed(p->model, t);

	if (!ret && t->tid == t->tgid)
		ret = tw_ident_seed(p->ident, t->tgid, t->start_ns);
	return ret;
}

static int seed_task(const struct tw_proc_task *t, void *ctx)
{
	struct tw_pipeline *p = ctx;

	int ret;

	if (p->rec) {
		put_seed(p->rec, t);
		ret = record_block(p, TW_BLK_SEED);
		if (ret)
			return ret;
	}
	return seed_model(p, t);
}

static int64_t realtime_offset(void)
{
	struct timespec rt, mono;

	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	return ((int64_t)rt.tv_sec - mono.tv_sec) * 1000000000ll + (rt.tv_nsec - mono.tv_nsec);
}

/* ---- side sources: fanotify and taskstats, each one reorder queue ---- */

static void mark_drained(struct tw_pipeline *p, int queue, uint64_t t)
{
	if (p->rec) {
		tw_rec_put_u32(p->rec, (uint32_t)queue);
		tw_rec_put_u64(p->rec, t);
		record_block(p, TW_BLK_DRAINED);
	}
	tw_reorder_mark_drained(p->ro, queue, t);
}

static void put_fan(struct tw_rec_writer *w, const struct tw_event *ev)
{
	tw_rec_put_u8(w, ev->fan.lost);
	tw_rec_put_u8(w, ev->fan.has_stat);
	tw_rec_put_u32(w, (uint32_t)ev->tid);
	tw_rec_put_u64(w, ev->ts);
	tw_rec_put_u64(w, ev->fan.dev);
	tw_rec_put_u64(w, ev->fan.ino);
	tw_rec_put_u32(w, ev->fan.mode);
	tw_rec_put_u32(w, ev->fan.uid);
	tw_rec_put_u32(w, ev->fan.gid);
	tw_rec_put_u32(w, ev->fan.nlink);
	tw_rec_put_u32(w, (uint32_t)ev->fan.kind);
	tw_rec_put_u32(w, ev->fan.flags);
	tw_rec_put_str(w, ev->fan.path);
}

static void put_task_end(struct tw_rec_writer *w, const struct tw_event *ev)
{
	tw_rec_put_u8(w, ev->task_end.lost);
	tw_rec_put_u8(w, ev->task_end.group_dead);
	tw_rec_put_u8(w, ev->task_end.has_exe);
	tw_rec_put_u32(w, (uint32_t)ev->tid);
	tw_rec_put_u32(w, (uint32_t)ev->task_end.tgid);
	tw_rec_put_u32(w, (uint32_t)ev->task_end.ppid);
	tw_rec_put_u32(w, ev->task_end.uid);
	tw_rec_put_u32(w, ev->task_end.gid);
	tw_rec_put_u32(w, ev->task_end.exit_code);
	tw_rec_put_u64(w, ev->ts);
	tw_rec_put_u64(w, ev->task_end.start_mono_max);
	tw_rec_put_u64(w, ev->task_end.elapsed_us);
	tw_rec_put_u64(w, ev->task_end.utime_us);
	tw_rec_put_u64(w, ev->task_end.stime_us);
	tw_rec_put_u64(w, ev->task_end.exe_dev);
	tw_rec_put_u64(w, ev->task_end.exe_ino);
	tw_rec_put_str(w, ev->task_end.comm);
}

/* Record (when recording) and queue one side event. */
static int push_side(struct tw_pipeline *p, struct tw_event *ev)
{
	if (p->rec) {
		int ret;

		if (ev->type == TW_EV_FAN_EXEC)
			put_fan(p->rec, ev);
		else
			put_task_end(p->rec, ev);
		ret = record_block(p, ev->type == TW_EV_FAN_EXEC ? TW_BLK_FAN : TW_BLK_TASKEND);
		if (ret) {
			tw_event_free(ev);
			return ret;
		}
	}
	return push_event(p, ev);
}

static int on_fan_item(const struct tw_fan_item *it, void *ctx)
{
	struct tw_pipeline *p = ctx;
	struct tw_event *ev = tw_event_new(TW_EV_FAN_EXEC);

	if (!ev)
		return -ENOMEM;
	ev->cpu = FAN_QUEUE(p);
	ev->ts = it->ts;
	ev->tid = it->tid;
	ev->fan.lost = it->type == TW_FAN_LOST;
	ev->fan.has_stat = it->has_stat;
	ev->fan.dev = it->dev;
	ev->fan.ino = it->ino;
	ev->fan.mode = it->mode;
	ev->fan.uid = it->uid;
	ev->fan.gid = it->gid;
	ev->fan.nlink = it->nlink;
	ev->fan.kind = it->kind;
	ev->fan.flags = it->flags;
	if (it->path) {
		ev->fan.path = tw_strndup(it->path, it->path_len);
		if (!ev->fan.path) {
			tw_event_free(ev);
			return -ENOMEM;
		}
	}
	return push_side(p, ev);
}

static int on_task_end(const struct tw_ts_item *it, void *ctx)
{
	struct tw_pipeline *p = ctx;
	struct tw_event *ev = tw_event_new(TW_EV_TASK_END);

	if (!ev)
		return -ENOMEM;
	ev->cpu = TASKEND_QUEUE(p);
	ev->ts = it->ts;
	ev->tid = it->pid;
	ev->task_end.lost = it->type == TW_TS_LOST;
	ev->task_end.tgid = it->tgid;
	ev->task_end.ppid = it->ppid;
	ev->task_end.uid = it->uid;
	ev->task_end.gid = it->gid;
	ev->task_end.exit_code = it->exit_code;
	ev->task_end.group_dead = it->group_dead;
	ev->task_end.start_mono_max = it->start_mono_max;
	ev->task_end.elapsed_us = it->elapsed_us;
	ev->task_end.utime_us = it->utime_us;
	ev->task_end.stime_us = it->stime_us;
	ev->task_end.has_exe = it->has_exe;
	ev->task_end.exe_dev = it->exe_dev;
	ev->task_end.exe_ino = it->exe_ino;
	snprintf(ev->task_end.comm, sizeof(ev->task_end.comm), "%s", it->comm);
	return push_side(p, ev);
}

/* A fanotify sync item: the queue was read empty before its time (see model.h). */
static int push_fan_sync(struct tw_pipeline *p)
{
	struct tw_event *ev = tw_event_new(TW_EV_FAN_EXEC);

	if (!ev)
		return -ENOMEM;
	ev->cpu = FAN_QUEUE(p);
	ev->ts = tw_now_mono();
	ev->tid = 0;
	return push_side(p, ev);
}

/* Read what the side sources have queued; everything later has a later read time. */
static int drain_side_sources(struct tw_pipeline *p)
{
	bool empty = false;
	uint64_t t;
	int i, ret;

	if (p->fan) {
		ret = tw_fanwatch_check_mounts(p->fan);
		if (ret)
			return fail(p, ret, "marking new filesystems failed: %s", strerror(-ret));
		t = tw_now_mono();
		for (i = 0; i < MAX_SIDE_READS && !empty; i++) {
			ret = tw_fanwatch_read(p->fan, on_fan_item, p, &empty);
			if (ret < 0)
				return fail(p, ret, "reading the fanotify events failed: %s",
					    strerror(-ret));
		}
		/*
		 * Read empty: every open that happened before @t has been delivered. A sync
		 * item (tid 0) stamped after the reads tells the model so (model.h).
		 */
		if (empty) {
			ret = push_fan_sync(p);
			if (ret)
				return ret;
		}
		mark_drained(p, FAN_QUEUE(p), t);
	}
	if (p->ts) {
		t = tw_now_mono();
		empty = false;
		for (i = 0; i < MAX_SIDE_READS && !empty; i++) {
			ret = tw_taskstats_read(p->ts, on_task_end, p, &empty);
			if (ret < 0)
				return fail(p, ret, "reading the taskstats messages failed: %s",
					    strerror(-ret));
		}
		mark_drained(p, TASKEND_QUEUE(p), t);
	}
	return 0;
}

/* Where a stream stands now, if it is a regular file that can be cut back to it; else -1. */
static off_t file_end(FILE *f)
{
	struct stat st;

	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode))
		return -1;
	return st.st_size;
}

/*
 * A write failed (disk full, file too large, I/O error): cut the file back to the end of the
 * last flush that worked, so that it ends with a whole record (or block), never half of one.
 */
static void cut_back(FILE *f, off_t good)
{
	if (good >= 0 && ftruncate(fileno(f), good) == 0)
		return;
	if (good >= 0)
		tw_warn("could not cut the file back to its last whole record: %s",
			strerror(errno));
}

/* Push the records out once per wake-up; on failure keep the file whole. Returns 0 or -EIO. */
static int flush_out(struct tw_pipeline *p)
{
	if (!p->opts.out)
		return 0;
	if (!p->sink_err && fflush(p->opts.out) == 0 && !ferror(p->opts.out)) {
		p->out_good = file_end(p->opts.out);
		p->records_unflushed = 0;
		return 0;
	}
	if (!p->sink_err) {
		p->sink_err = -EIO;
		p->sink_errno = errno ? errno : EIO;
	}
	return -EIO;
}

static int flush_record(struct tw_pipeline *p)
{
	if (!p->opts.record)
		return 0;
	if (fflush(p->opts.record) == 0 && !ferror(p->opts.record)) {
		p->rec_good = file_end(p->opts.record);
		return 0;
	}
	return fail(p, -EIO, "writing the recording failed: %s", strerror(errno ? errno : EIO));
}

/* SIGHUP with -o FILE: the daemon convention for log rotation. */
static int reopen_out(struct tw_pipeline *p)
{
	struct stat st;
	int fd, ret;

	ret = flush_out(p);
	if (ret)
		return ret;
	fd = open(p->opts.out_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0) {
		tw_warn("cannot reopen %s: %s; writing on to the file open before",
			p->opts.out_path, strerror(errno));
		return 0;
	}
	/* The stream stays, its file changes: the sink needs to know nothing. */
	if (fstat(fd, &st) || dup2(fd, fileno(p->opts.out)) < 0) {
		tw_warn("cannot reopen %s: %s; writing on to the file open before",
			p->opts.out_path, strerror(errno));
		close(fd);
		return 0;
	}
	close(fd);
	p->reopened++;
	p->out_good = S_ISREG(st.st_mode) ? st.st_size : -1;
	if (st.st_size == 0 && p->sink && tw_sink_start_file(p->sink)) {
		p->sink_err = -EIO;
		p->sink_errno = errno ? errno : EIO;
		return -EIO;
	}
	return flush_out(p);
}

static uint64_t own_cpu_ns(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru))
		return 0;
	return (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000ull +
	       (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000ull;
}

void tw_pipeline_print_stats(struct tw_pipeline *p, FILE *f, bool rates)
{
	struct tw_pipeline_stats st;

	tw_pipeline_get_stats(p, &st);
	fprintf(f,
		"tracewatch: stats: events=%llu execs=%llu unresolved=%llu lost=%llu side_lost=%llu "
		"overrun=%llu late=%llu string_fallbacks=%llu uid_conflicts=%llu given_up=%llu "
		"records=%llu",
		(unsigned long long)st.events, (unsigned long long)st.execs,
		(unsigned long long)st.unresolved, (unsigned long long)st.lost,
		(unsigned long long)st.side_lost,
		(unsigned long long)st.overrun, (unsigned long long)st.late,
		(unsigned long long)st.string_fallbacks, (unsigned long long)st.uid_conflicts,
		(unsigned long long)st.given_up, (unsigned long long)st.records);
	if (p->opts.record)
		fprintf(f, " recorded_bytes=%llu", (unsigned long long)st.recorded_bytes);
	if (rates) {
		uint64_t now = tw_now_mono(), cpu = own_cpu_ns();
		double dt = p->stats_t && now > p->stats_t ? (now - p->stats_t) / 1e9 : 0;
		uint64_t execs = st.execs - p->stats_execs;

		if (dt > 0)
			fprintf(f, " events/s=%.0f execs/s=%.0f cpu=%.1f%% cpu_per_exec_us=%.1f",
				(st.events - p->stats_events) / dt, execs / dt,
				100.0 * (cpu - p->stats_cpu_ns) / 1e9 / dt,
				execs ? (cpu - p->stats_cpu_ns) / 1e3 / execs : 0.0);
		p->stats_t = now;
		p->stats_events = st.events;
		p->stats_execs = st.execs;
		p->stats_cpu_ns = cpu;
	}
	fputc('\n', f);
	fflush(f);
}

/* Between two reads: rotation, stats, the output pushed out. Returns 0 or -errno to stop. */
static int between_reads(struct tw_pipeline *p, uint64_t *next_stats)
{
	int ret;

	if (p->opts.reopen && *p->opts.reopen) {
		*p->opts.reopen = 0;
		if (p->opts.out_path) {
			ret = reopen_out(p);
			if (ret)
				return ret;
		}
	}
	if (p->opts.stats_now && *p->opts.stats_now) {
		*p->opts.stats_now = 0;
		tw_pipeline_print_stats(p, stderr, true);
	}
	if (*next_stats && tw_now_mono() >= *next_stats) {
		tw_pipeline_print_stats(p, stderr, true);
		*next_stats += (uint64_t)(p->opts.stats_interval * 1e9);
	}
	/* Once per wake-up, not per record: a pipe reader sees records within a poll period. */
	ret = flush_out(p);
	if (!ret)
		ret = flush_record(p);
	return ret;
}

static int run_live(struct tw_pipeline *p)
{
	const struct tw_source_handler h = {
		.event = on_raw_event,
		.lost = on_lost,
		.drained = on_drained,
		.ctx = p,
	};
	uint64_t deadline = 0, next_stats = 0, last_read = 0;
	uint64_t read_interval = (uint64_t)p->opts.poll_ms * 1000000;
	int ret = 0;

	if (read_interval > READ_INTERVAL_NS)
		read_interval = READ_INTERVAL_NS;

	if (p->opts.duration > 0)
		deadline = tw_now_mono() + (uint64_t)(p->opts.duration * 1e9);
	if (p->opts.stats_interval > 0) {
		next_stats = tw_now_mono() + (uint64_t)(p->opts.stats_interval * 1e9);
		p->stats_t = tw_now_mono();
		p->stats_cpu_ns = own_cpu_ns();
	}
	while (!(p->opts.stop && *p->opts.stop)) {
		struct tw_model_stats st;
		int timeout = (int)p->opts.poll_ms;

		/*
		 * Records wait behind the watermark (drain time less the slack): when some do,
		 * come back once the slack has passed instead of a whole poll period later.
		 */
		tw_model_get_stats(p->model, &st);
		if ((st.pending || tw_reorder_count(p->ro)) &&
		    timeout > (int)(DRAIN_SLACK_NS / 1000000) + 2)
			timeout = (int)(DRAIN_SLACK_NS / 1000000) + 2;
		if (deadline) {
			uint64_t now = tw_now_mono();

			if (now >= deadline)
				break;
			if ((deadline - now) / 1000000 < (uint64_t)timeout)
				timeout = (int)((deadline - now) / 1000000) + 1;
		}
		if (next_stats) {
			uint64_t now = tw_now_mono();

			if (next_stats > now && (next_stats - now) / 1000000 < (uint64_t)timeout)
				timeout = (int)((next_stats - now) / 1000000) + 1;
		}
		if (last_read) {
			uint64_t since = tw_now_mono() - last_read;

			if (since < read_interval) {
				struct timespec ts = { 0, (long)(read_interval - since) };

				nanosleep(&ts, NULL);	/* a signal ends it early: fine */
				if (p->opts.stop && *p->opts.stop)
					break;
			}
		}
		ret = tw_source_wait(p->src, timeout);
		last_read = tw_now_mono();
		if (!ret)
			ret = tw_source_drain(p->src, &h);
		if (!ret)
			ret = drain_side_sources(p);
		if (!ret)
			ret = release(p, false);
		if (!ret)
			ret = between_reads(p, &next_stats);
		if (ret)
			break;
		if (p->opts.done && p->opts.done(p->opts.done_ctx))
			break;
	}
	if (ret)
		return ret;
	/* Stop the kernel side first, so the last drain sees the end of the stream. */
	tw_source_stop(p->src);
	ret = tw_source_drain(p->src, &h);
	if (!ret)
		ret = drain_side_sources(p);
	if (ret)
		return ret;
	return release(p, true);
}

/* ---- replayed input ---- */

/* Parse the META block: the values the replay needs, checked. */
static int replay_meta(struct tw_pipeline *p, const struct tw_rec_block *b)
{
	struct tw_rec_cursor c;
	char *text, *line, *save = NULL;
	long long nr_cpus = -1, long_size = -1, big_endian = -1;
	bool have_offset = false;
	int ret = 0;

	tw_rec_cursor_init(&c, b);
	ret = tw_rec_get_strdup(&c, &text, NULL, false);
	if (ret == -ENOMEM)
		return ret;
	if (ret || !text)
		return fail(p, -EBADMSG, "offset %llu: meta block: damaged",
			    (unsigned long long)b->offset);
	for (line = strtok_r(text, "\n", &save); line && !ret; line = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(line, '=');
		char *end;
		long long v;

		if (!eq)
			continue;
		*eq++ = 0;
		if (!strcmp(line, "boot_id")) {
			tw_ident_free(p->ident);
			p->ident = tw_ident_new(eq);
			if (!p->ident)
				ret = -ENOMEM;
			continue;
		}
		if (!strcmp(line, "taskstats")) {
			p->tree_task_ends = !strcmp(eq, "1");
			p->replay_taskstats = p->tree_task_ends;
			continue;
		}
		if (!strcmp(line, "probe_group") || !strcmp(line, "probe_kind")) {
			char **dst = line[6] == 'g' ? &p->probe_group : &p->probe_kind;

			free(*dst);
			*dst = *eq ? tw_strdup(eq) : NULL;
			if (*eq && !*dst)
				ret = -ENOMEM;
			continue;
		}
		if (!strcmp(line, "loader_path")) {
			free(p->loader_path);
			p->loader_path = *eq ? tw_strdup(eq) : NULL;
			if (*eq && !p->loader_path)
				ret = -ENOMEM;
			continue;
		}
		if (!strcmp(line, "fanotify")) {
			p->replay_fanotify = !strcmp(eq, "1");
			continue;
		}
		if (strcmp(line, "nr_cpus") && strcmp(line, "long_size") &&
		    strcmp(line, "big_endian") && strcmp(line, "realtime_offset_ns") &&
		    strcmp(line, "creds") && strcmp(line, "loader_dev") &&
		    strcmp(line, "loader_ino"))
			continue;
		errno = 0;
		v = strtoll(eq, &end, 10);
		if (errno || end == eq || *end) {
			ret = fail(p, -EBADMSG, "offset %llu: meta block: %s is not a number",
				   (unsigned long long)b->offset, line);
			break;
		}
		if (!strcmp(line, "creds")) {
			if (v < TW_CREDS_NONE || v > TW_CREDS_SYSCALLS) {
				ret = fail(p, -EBADMSG, "offset %llu: meta block: creds=%lld is "
					   "not a mode this version knows",
					   (unsigned long long)b->offset, v);
				break;
			}
			p->creds_mode = (enum tw_creds_mode)v;
		} else if (!strcmp(line, "loader_dev"))
			p->loader_id.dev = (uint64_t)v;
		else if (!strcmp(line, "loader_ino"))
			p->loader_id.ino = (uint64_t)v;
		else if (!strcmp(line, "nr_cpus"))
			nr_cpus = v;
		else if (!strcmp(line, "long_size"))
			long_size = v;
		else if (!strcmp(line, "big_endian"))
			big_endian = v;
		else {
			p->realtime_offset = v;
			have_offset = true;
		}
	}
	free(text);
	if (ret)
		return ret;
	if (nr_cpus < 1 || nr_cpus > MAX_REPLAY_CPUS || (long_size != 4 && long_size != 8) ||
	    (big_endian != 0 && big_endian != 1) || !have_offset)
		return fail(p, -EBADMSG, "offset %llu: meta block: nr_cpus, long_size, big_endian "
					 "or realtime_offset_ns missing or out of range",
			    (unsigned long long)b->offset);
	if (big_endian != (htobe16(1) == 1))
		return fail(p, -EPROTONOSUPPORT, "the recording was made on a host of the other "
						 "byte order; replay it on one like it");
	p->nr_cpus = (int)nr_cpus;
	tep_set_long_size(p->tep, (int)long_size);
	tep_set_file_bigendian(p->tep, big_endian ? TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN);
	tep_set_local_bigendian(p->tep, big_endian ? TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN);
	return 0;
}

/* Skip "@word" then a decimal number up to MAX_FORMAT_NUMBER, then @end. NULL if not there. */
static const char *format_number(const char *s, const char *word, char end)
{
	unsigned long v = 0;
	const char *d;

	if (strncmp(s, word, strlen(word)))
		return NULL;
	s += strlen(word);
	for (d = s; *d >= '0' && *d <= '9' && d - s < 6; d++)
		v = v * 10 + (unsigned long)(*d - '0');
	if (d == s || v > MAX_FORMAT_NUMBER || *d != end)
		return NULL;
	return d + 1;
}

static bool is_ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

/*
 * A field line as the kernel writes it: "\tfield:DECL;\toffset:N;\tsize:N;\tsigned:N;", DECL
 * being words and stars separated by single spaces, a type then a name: "unsigned long x",
 * "const char *const * argv", an array "char comm[16]" or "u64 path[]" (on the name), a
 * string "__data_loc char[] path" ("[]" on the type, only there).
 */
static bool format_field_ok(const char *line)
{
	const char *s = line + strlen("\tfield:");
	const char *decl = s;
	unsigned int idents = 0, bracket_at = 0;
	bool last_ident = false, bracket_empty = false, dynamic;

	dynamic = !strncmp(s, "__data_loc ", strlen("__data_loc ")) ||
		  !strncmp(s, "__rel_loc ", strlen("__rel_loc "));
	for (;;) {
		if (*s == '*') {
			s++;
			last_ident = false;
		} else if (is_ident_char(*s)) {
			while (is_ident_char(*s))
				s++;
			idents++;
			last_ident = true;
			if (*s == '[') {
				if (bracket_at)
					return false;
				bracket_at = idents;
				bracket_empty = s[1] == ']';
				while (s[1] >= '0' && s[1] <= '9')
					s++;
				if (s[1] != ']')
					return false;
				s += 2;
				if (is_ident_char(*s))
					return false;
			}
		} else if (*s == ' ' && s > decl && s[-1] != ' ' && s[1] != ';') {
			s++;
		} else if (*s == ';') {
			break;
		} else {
			return false;
		}
	}
	if (idents < 2 || !last_ident || s - decl > MAX_FORMAT_DECL)
		return false;
	/* "u64 p[]": uprobe fetches of a fixed number of words give no count, only the size. */
	if (dynamic ? !bracket_empty || bracket_at != idents - 1 : bracket_at && bracket_at != idents)
		return false;
	s = format_number(s + 1, "\toffset:", ';');
	if (s)
		s = format_number(s, "\tsize:", ';');
	if (s)
		s = format_number(s, "\tsigned:", ';');
	return s && !*s;
}

/*
 * The part of a recorded event format tracewatch uses, checked line by line against the
 * kernel's layout (name, ID, fields), into @out with an empty print format. libtraceevent's
 * parser is not robust against hostile text (it leaks on some errors, and its print-format
 * expression parser is large), and the decoder reads fields only, so only text of the exact
 * shape the kernel writes reaches it. Returns 0, -EBADMSG or -ENOMEM.
 */
static int format_canonical(const unsigned char *fmt, uint32_t n, struct tw_buf *out)
{
	enum { NAME, ID, FORMAT, FIELDS } want = NAME;
	const char *s = (const char *)fmt, *end = s + n;
	unsigned int fields = 0;
	char line[MAX_FORMAT_DECL + 64];
	int ret = 0;

	while (s < end && !ret) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t len = (size_t)((nl ? nl : end) - s);
		const char *v;

		/* The print format ends what is used: its text is not read. */
		if (want == FIELDS && len >= strlen("print fmt:") &&
		    !memcmp(s, "print fmt:", strlen("print fmt:")))
			return fields ? tw_buf_puts(out, "print fmt: \"\"\n") : -EBADMSG;
		if (len >= sizeof(line) || memchr(s, 0, len))
			return -EBADMSG;
		memcpy(line, s, len);
		line[len] = 0;
		s += len + 1;
		switch (want) {
		case NAME:
			v = line + strlen("name: ");
			if (strncmp(line, "name: ", strlen("name: ")) || !*v)
				return -EBADMSG;
			for (; *v; v++)
				if (!is_ident_char(*v))
					return -EBADMSG;
			break;
		case ID:
			if (!format_number(line, "ID: ", 0))
				return -EBADMSG;
			break;
		case FORMAT:
			if (strcmp(line, "format:"))
				return -EBADMSG;
			break;
		case FIELDS:
			if (!*line)
				break;
			if (strncmp(line, "\tfield:", strlen("\tfield:")) || !format_field_ok(line) ||
			    ++fields > MAX_FORMAT_FIELDS)
				return -EBADMSG;
			break;
		}
		if (want != FIELDS)
			want++;
		ret = tw_buf_puts(out, line);
		if (!ret)
			ret = tw_buf_putc(out, '\n');
	}
	return ret ? ret : -EBADMSG;	/* no print fmt line: cut short */
}

static int replay_format(struct tw_pipeline *p, const struct tw_rec_block *b)
{
	struct tw_buf canon = { 0 };
	const unsigned char *fmt;
	char *system = NULL;
	struct tw_rec_cursor c;
	uint32_t n;
	int ret;

	tw_rec_cursor_init(&c, b);
	ret = tw_rec_get_strdup(&c, &system, NULL, false);
	if (!ret) {
		const unsigned char *name;
		uint32_t name_len;

		ret = tw_rec_get_bytes(&c, &name, &name_len);
	}
	if (!ret)
		ret = tw_rec_get_bytes(&c, &fmt, &n);
	if (ret == -ENOMEM) {
		free(system);
		return ret;
	}
	if (ret || !system || !fmt) {
		free(system);
		return fail(p, -EBADMSG, "offset %llu: format block: damaged",
			    (unsigned long long)b->offset);
	}
	ret = format_canonical(fmt, n, &canon);
	if (!ret && tep_parse_event(p->tep, canon.data, canon.len, system))
		ret = -EBADMSG;
	free(system);
	tw_buf_release(&canon);
	if (ret == -ENOMEM)
		return ret;
	if (ret)
		return fail(p, -EBADMSG, "offset %llu: format block: not an event format as the "
					 "kernel writes it", (unsigned long long)b->offset);
	return 0;
}

/* The decoder is made once the formats before the first other block are in. */
static int replay_decoder(struct tw_pipeline *p, const struct tw_rec_block *b)
{
	struct tw_model_opts mo = { 0 };

	if (p->dec)
		return 0;
	p->dec = tw_decoder_new(p->tep, p->probe_group);
	if (!p->dec)
		return fail(p, -EBADMSG, "offset %llu: the recording lacks the format of an event "
					 "tracewatch needs (see above)",
			    (unsigned long long)b->offset);
	p->ro = tw_reorder_new(NR_QUEUES(p));
	mo.all_events = true;	/* exit records end held failures; deliver() filters */
	/* Exit records wait for their task end only when someone reads them. */
	mo.task_ends = p->tree_task_ends && p->opts.all_events;
	mo.fanotify = p->replay_fanotify;
	mo.taskstats = p->replay_taskstats;
	mo.creds = p->creds_mode;
	mo.host_loader = p->loader_id;
	mo.host_loader_path = p->loader_path;
	mo.realpath_fn = realpath_replay;
	mo.realpath_ctx = p;
	mo.emit = emit_record;
	mo.emit_ctx = p;
	p->model = tw_model_new(&mo);
	if (!p->ident)
		p->ident = tw_ident_new(NULL);	/* a recording without the boot id */
	if (p->opts.out) {
		struct tw_sink_opts so = p->opts.sink;

		so.append = p->opts.out_append;
		p->sink = tw_sink_new_opts(p->opts.format, p->opts.out, p->realtime_offset, &so);
	}
	if (!p->ro || !p->model || !p->ident || (p->opts.out && !p->sink))
		return -ENOMEM;
	return 0;
}

/* An i64 field appended to a block: -EBADMSG unless it is in [@min, @max]. */
static int get_appended_i64(struct tw_rec_cursor *c, long *v, int64_t min, int64_t max)
{
	int64_t x;

	if (tw_rec_get_i64(c, &x) || x < min || x > max)
		return -EBADMSG;
	*v = (long)x;
	return 0;
}

/* The same, into an int (the flags and pids that fit one). */
static int get_appended_int(struct tw_rec_cursor *c, int *v, int64_t min, int64_t max)
{
	long x;
	int ret = get_appended_i64(c, &x, min, max);

	if (!ret)
		*v = (int)x;
	return ret;
}

static int get_probe(struct tw_rec_cursor *c, struct tw_proc_read *pr)
{
	uint32_t ppid, root;
	int64_t uid;
	int ret = 0;

	ret |= tw_rec_get_u64(c, &pr->t_start);
	ret |= tw_rec_get_u64(c, &pr->t_read);
	ret |= tw_rec_get_i64(c, &uid);
	ret |= tw_rec_get_u32(c, &ppid);
	ret |= tw_rec_get_u32(c, &root);
	ret |= tw_rec_get_u64(c, &pr->cgroup_id);
	if (ret)
		return -EBADMSG;
	pr->uid = (long)uid;
	pr->ppid = (int)ppid;
	pr->root = (int)root;
	ret = tw_rec_get_strdup(c, &pr->cwd, NULL, false);
	if (!ret)
		ret = tw_rec_get_strdup(c, &pr->exe, NULL, false);
	if (!ret)
		ret = tw_rec_get_strdup(c, &pr->argv, &pr->argv_len, true);
	if (!ret)
		ret = tw_rec_get_strdup(c, &pr->cgroup, NULL, false);
	if (!ret && c->left)
		ret = get_appended_i64(c, &pr->euid, -1, UINT32_MAX);
	if (!ret && c->left)
		ret = get_appended_i64(c, &pr->loginuid, -1, UINT32_MAX);
	if (!ret && c->left)
		ret = get_appended_int(c, &pr->nnp, -1, 1);
	if (!ret && c->left)
		ret = get_appended_int(c, &pr->tracer, -1, INT32_MAX);
	return ret;
}

static int replay_event(struct tw_pipeline *p, const struct tw_rec_block *b)
{
	struct tw_proc_read pr;
	const unsigned char *raw;
	struct tw_rec_cursor c;
	struct tw_event *ev;
	uint32_t cpu, size;
	uint64_t ts;
	int ret;

	tw_proc_read_reset(&pr);
	tw_rec_cursor_init(&c, b);
	ret = tw_rec_get_u32(&c, &cpu);
	if (!ret)
		ret = tw_rec_get_u64(&c, &ts);
	if (!ret)
		ret = tw_rec_get_bytes(&c, &raw, &size);
	if (!ret && (!raw || cpu >= (uint32_t)p->nr_cpus))
		ret = -EBADMSG;
	if (!ret)
		ret = get_probe(&c, &pr);
	if (ret) {
		tw_proc_release(&pr);
		if (ret == -ENOMEM)
			return ret;
		return fail(p, -EBADMSG, "offset %llu: event block: damaged",
			    (unsigned long long)b->offset);
	}
	/* Decoders read fields in place: give them the alignment the ring buffer has. */
	if (size + 8 > p->raw_cap) {
		void *nr = tw_realloc(p->raw, size + 8);

		if (!nr) {
			tw_proc_release(&pr);
			return -ENOMEM;
		}
		p->raw = nr;
		p->raw_cap = size + 8;
	}
	memcpy(p->raw, raw, size);
	ret = tw_decoder_decode(p->dec, (int)cpu, ts, p->raw, (int)size, &ev);
	if (ret <= 0) {
		tw_proc_release(&pr);
		return ret;
	}
	tw_proc_release(&ev->proc);
	ev->proc = pr;
	return push_event(p, ev);
}

static int replay_seed(struct tw_pipeline *p, const struct tw_rec_block *b)
{
	struct tw_proc_task t = { 0 };
	int kthread = 0;
	int *flags[] = { &t.nnp, &t.tracer, &t.userns, &t.libc, &kthread };
	uint32_t tid, tgid, ppid, owner, root;
	int i;
	char *comm = NULL, *cwd = NULL, *cgroup = NULL;
	struct tw_rec_cursor c;
	int ret = 0;

	tw_rec_cursor_init(&c, b);
	ret |= tw_rec_get_u32(&c, &tid);
	ret |= tw_rec_get_u32(&c, &tgid);
	ret |= tw_rec_get_u32(&c, &ppid);
	ret |= tw_rec_get_u32(&c, &owner);
	ret |= tw_rec_get_u32(&c, &root);
	ret |= tw_rec_get_u64(&c, &t.cgroup_id);
	ret |= tw_rec_get_u64(&c, &t.t_start);
	ret |= tw_rec_get_u64(&c, &t.t_read);
	if (!ret)
		ret = tw_rec_get_strdup(&c, &comm, NULL, false);
	if (!ret)
		ret = tw_rec_get_strdup(&c, &cwd, NULL, false);
	if (!ret)
		ret = tw_rec_get_strdup(&c, &cgroup, NULL, false);
	if (!ret && tw_rec_get_u64(&c, &t.start_ns))
		ret = -EBADMSG;
	t.uid = t.euid = -1;
	t.nnp = t.tracer = t.userns = t.libc = -1;
	if (!ret && c.left)
		ret = get_appended_i64(&c, &t.uid, -1, UINT32_MAX);
	if (!ret && c.left)
		ret = get_appended_i64(&c, &t.euid, -1, UINT32_MAX);
	for (i = 0; i < (int)TW_ARRAY_SIZE(flags) && !ret && c.left; i++)
		ret = get_appended_int(&c, flags[i], -1, 1);
	if (!ret) {
		t.kthread = kthread == 1;
		t.tid = (int)tid;
		t.tgid = (int)tgid;
		t.ppid = (int)ppid;
		t.fs_owner = (int)owner;
		t.root = (int)root;
		t.comm = comm;
		t.cwd = cwd;
		t.cgroup = cgroup;
		ret = seed_model(p, &t);
	} else if (ret != -ENOMEM) {
		ret = fail(p, -EBADMSG, "offset %llu: seed block: damaged",
			   (unsigned long long)b->offset);
	}
	free(comm);
	free(cwd);
	free(cgroup);
	return ret;
}

static int replay_side(struct tw_pipeline *p, const struct tw_rec_block *b)
{
	bool fan = b->type == TW_BLK_FAN;
	struct tw_event *ev = tw_event_new(fan ? TW_EV_FAN_EXEC : TW_EV_TASK_END);
	uint8_t u8a = 0, u8b = 0, u8c = 0;
	uint32_t v[6] = { 0 };
	struct tw_rec_cursor c;
	int ret = 0, i;

	if (!ev)
		return -ENOMEM;
	tw_rec_cursor_init(&c, b);
	ret |= tw_rec_get_u8(&c, &u8a);
	ret |= tw_rec_get_u8(&c, &u8b);
	if (fan) {
		uint32_t tid;

		ret |= tw_rec_get_u32(&c, &tid);
		ret |= tw_rec_get_u64(&c, &ev->ts);
		ret |= tw_rec_get_u64(&c, &ev->fan.dev);
		ret |= tw_rec_get_u64(&c, &ev->fan.ino);
		for (i = 0; i < 6; i++)
			ret |= tw_rec_get_u32(&c, &v[i]);
		if (!ret)
			ret = tw_rec_get_strdup(&c, &ev->fan.path, NULL, false);
		ev->cpu = FAN_QUEUE(p);
		ev->tid = (int)tid;
		ev->fan.lost = u8a;
		ev->fan.has_stat = u8b;
		ev->fan.mode = v[0];
		ev->fan.uid = v[1];
		ev->fan.gid = v[2];
		ev->fan.nlink = v[3];
		ev->fan.kind = (int)v[4];
		ev->fan.flags = v[5];
		if (!ret && (v[4] > TW_FAN_MEMFD || (v[4] != TW_FAN_NOPATH) != !!ev->fan.path))
			ret = -EBADMSG;
	} else {
		char *comm = NULL;

		ret |= tw_rec_get_u8(&c, &u8c);
		for (i = 0; i < 6; i++)
			ret |= tw_rec_get_u32(&c, &v[i]);
		ret |= tw_rec_get_u64(&c, &ev->ts);
		ret |= tw_rec_get_u64(&c, &ev->task_end.start_mono_max);
		ret |= tw_rec_get_u64(&c, &ev->task_end.elapsed_us);
		ret |= tw_rec_get_u64(&c, &ev->task_end.utime_us);
		ret |= tw_rec_get_u64(&c, &ev->task_end.stime_us);
		ret |= tw_rec_get_u64(&c, &ev->task_end.exe_dev);
		ret |= tw_rec_get_u64(&c, &ev->task_end.exe_ino);
		if (!ret)
			ret = tw_rec_get_strdup(&c, &comm, NULL, false);
		if (comm)
			snprintf(ev->task_end.comm, sizeof(ev->task_end.comm), "%s", comm);
		free(comm);
		ev->cpu = TASKEND_QUEUE(p);
		ev->tid = (int)v[0];
		ev->task_end.lost = u8a;
		ev->task_end.group_dead = u8b;
		ev->task_end.has_exe = u8c;
		ev->task_end.tgid = (int)v[1];
		ev->task_end.ppid = (int)v[2];
		ev->task_end.uid = v[3];
		ev->task_end.gid = v[4];
		ev->task_end.exit_code = v[5];
	}
	if (ret) {
		tw_event_free(ev);
		if (ret == -ENOMEM)
			return ret;
		return fail(p, -EBADMSG, "offset %llu: %s block: damaged",
			    (unsigned long long)b->offset, tw_rec_block_name(b->type));
	}
	return push_event(p, ev);
}

/* Keep a copy of @b to hand out again with the next replay_next(). */
static int hold_block(struct tw_pipeline *p, const struct tw_rec_block *b)
{
	unsigned char *copy = tw_memdup(b->data, b->len + 1);

	if (!copy)
		return -ENOMEM;
	free(p->held);
	p->held = copy;
	p->held_block = *b;
	p->held_block.data = copy;
	p->have_held = true;
	return 0;
}

static int replay_next(struct tw_pipeline *p, struct tw_rec_block *b)
{
	int ret;

	if (p->have_held) {
		*b = p->held_block;
		p->have_held = false;
		return 1;
	}
	ret = tw_rec_next(p->rd, b);
	if (ret < 0 && ret != -ENOMEM)
		fail(p, ret, "%s", tw_rec_reader_error(p->rd));
	return ret;
}

/* The REALPATH blocks that follow a RELEASE are the answers to the model's questions in it. */
static int collect_answers(struct tw_pipeline *p)
{
	struct tw_rec_block b;
	int ret;

	while ((ret = replay_next(p, &b)) == 1) {
		struct tw_rec_cursor c;
		struct answer *a;

		if (b.type != TW_BLK_REALPATH)
			return hold_block(p, &b);
		a = tw_calloc(1, sizeof(*a));
		if (!a)
			return -ENOMEM;
		tw_rec_cursor_init(&c, &b);
		ret = tw_rec_get_strdup(&c, &a->query, NULL, false);
		if (!ret)
			ret = tw_rec_get_strdup(&c, &a->result, NULL, false);
		if (!ret && !a->query)
			ret = -EBADMSG;
		if (ret) {
			free(a->query);
			free(a->result);
			free(a);
			if (ret == -ENOMEM)
				return ret;
			return fail(p, -EBADMSG, "offset %llu: realpath block: damaged",
				    (unsigned long long)b.offset);
		}
		*p->answers_tail = a;
		p->answers_tail = &a->next;
	}
	return ret;
}

static void free_answers(struct tw_pipeline *p)
{
	while (p->answers) {
		struct answer *a = p->answers;

		p->answers = a->next;
		free(a->query);
		free(a->result);
		free(a);
	}
	p->answers_tail = &p->answers;
}

static int replay_block(struct tw_pipeline *p, const struct tw_rec_block *b)
{
	struct tw_rec_cursor c;
	uint32_t cpu;
	uint64_t t;
	int64_t count;
	uint8_t all;
	int ret;

	if (p->ended)
		return fail(p, -EBADMSG, "offset %llu: %s block after the end block",
			    (unsigned long long)b->offset, tw_rec_block_name(b->type));
	if (b->type == TW_BLK_META)
		return fail(p, -EBADMSG, "offset %llu: a second meta block",
			    (unsigned long long)b->offset);
	if (b->type == TW_BLK_FORMAT)
		return replay_format(p, b);
	ret = replay_decoder(p, b);
	if (ret)
		return ret;
	tw_rec_cursor_init(&c, b);
	switch (b->type) {
	case TW_BLK_SEED:
		return replay_seed(p, b);
	case TW_BLK_EVENT:
		return replay_event(p, b);
	case TW_BLK_LOST:
		if (tw_rec_get_u32(&c, &cpu) || tw_rec_get_u64(&c, &t) ||
		    tw_rec_get_i64(&c, &count) || cpu >= (uint32_t)NR_QUEUES(p))
			break;
		return push_lost(p, (int)cpu, t, count);
	case TW_BLK_DRAINED:
		if (tw_rec_get_u32(&c, &cpu) || tw_rec_get_u64(&c, &t) ||
		    cpu >= (uint32_t)NR_QUEUES(p))
			break;
		tw_reorder_mark_drained(p->ro, (int)cpu, t);
		return 0;
	case TW_BLK_RELEASE:
		if (tw_rec_get_u8(&c, &all))
			break;
		ret = collect_answers(p);
		if (ret < 0)
			return ret;
		ret = release(p, all);
		if (!ret && p->answers)
			ret = fail(p, -EBADMSG, "offset %llu: the recording answers questions the "
						"model did not ask: damaged, or made by another "
						"version", (unsigned long long)b->offset);
		free_answers(p);
		return ret;
	case TW_BLK_REALPATH:
		return fail(p, -EBADMSG, "offset %llu: a realpath answer outside a release",
			    (unsigned long long)b->offset);
	case TW_BLK_REFRESH:
		if (tw_decoder_refresh_uprobes(p->dec, p->probe_group))
			return -ENOMEM;
		return 0;
	case TW_BLK_END:
		p->ended = true;
		return 0;
	case TW_BLK_FAN:
	case TW_BLK_TASKEND:
		return replay_side(p, b);
	}
	return fail(p, -EBADMSG, "offset %llu: %s block: damaged", (unsigned long long)b->offset,
		    tw_rec_block_name(b->type));
}

static int run_replay(struct tw_pipeline *p)
{
	struct tw_rec_block b;
	int ret;

	while (!(p->opts.stop && *p->opts.stop)) {
		ret = replay_next(p, &b);
		if (ret == 0)
			break;
		if (ret < 0)
			goto out_flush;
		ret = replay_block(p, &b);
		if (ret)
			goto out_flush;
	}
	if (!p->ended && !(p->opts.stop && *p->opts.stop)) {
		ret = fail(p, -EBADMSG, "offset %llu: truncated: the recording ends without its "
					"end block (the recorder was killed or the file was cut)",
			   (unsigned long long)tw_rec_reader_offset(p->rd));
		goto out_flush;
	}
	if (!p->dec)
		return fail(p, -EBADMSG, "the recording holds no events");
	/* A recording that ended properly let everything out already; an interrupted one not. */
	ret = release_events(p, true);
	return ret ? (p->error ? p->error : ret) : 0;

out_flush:
	/* Print what came before the damage: everything held is let out as at an end. */
	if (p->model && ret != -ENOMEM) {
		char msg[sizeof(p->errmsg)];
		int err = p->error;

		/* Questions the damaged part would have answered get "unknown": not an error. */
		memcpy(msg, p->errmsg, sizeof(msg));
		p->error = 0;
		free_answers(p);
		release_events(p, true);
		p->error = err;
		memcpy(p->errmsg, msg, sizeof(msg));
	}
	return ret;
}

/* ---- set-up and tear-down ---- */

static struct tw_pipeline *pipeline_alloc(const struct tw_pipeline_opts *opts)
{
	struct tw_pipeline *p = tw_calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->opts = *opts;
	p->answers_tail = &p->answers;
	p->held_fail_tail = &p->held_fail;
	if (opts->tree_pid > 0 && tree_add(p, opts->tree_pid)) {
		free(p);
		return NULL;
	}
	p->out_good = opts->out ? file_end(opts->out) : -1;
	p->rec_good = opts->record ? file_end(opts->record) : -1;
	return p;
}

static bool tree_known(int tid, void *ctx)
{
	return tree_has(ctx, tid);
}

static int tree_join(int tid, void *ctx)
{
	struct tw_pipeline *p = ctx;

	return tree_add(p, tid) ? -ENOMEM : tw_source_filter_add_pid(p->src, tid);
}

/*
 * Live --pid: the process and what it forked run already. Each of their tasks joins the tree
 * and the kernel's pid filter; the filter adds what they fork from then on (event-fork), and
 * /proc is read again until it shows no task of the tree that is not in, so nothing forked
 * meanwhile is missed.
 */
static int join_existing_tree(struct tw_pipeline *p)
{
	int ret;

	do {
		ret = tw_proc_tree("/proc", p->opts.tree_pid, tree_known, tree_join, p);
	} while (ret > 0);
	if (ret == -ESRCH)
		return tw_err(ESRCH, "process %d is not running (--pid)", p->opts.tree_pid);
	return ret;
}

/* The host libc's ELF loader (ld.so), into *@id (zero when it can't be found). */
static void host_loader(struct tw_file_id *id, char **canonical)
{
	char *path = tw_uprobe_host_loader();	/* canonical already */
	struct stat st;

	memset(id, 0, sizeof(*id));
	*canonical = NULL;
	if (path && stat(path, &st) == 0) {
		id->dev = st.st_dev;
		id->ino = st.st_ino;
		/* One META line holds it: a name with a line break is left unknown. */
		if (!strchr(path, '\n')) {
			*canonical = path;
			return;
		}
	}
	free(path);
}

static int open_live(struct tw_pipeline *p)
{
	struct tw_model_opts mo = { 0 };
	int ret;

	/* Without it, paths and uids come from the other tiers (the module said why). */
	if (!p->opts.no_fanotify) {
		struct tw_fanwatch_opts fo = { .unlimited_queue = p->opts.fanotify_unlimited };

		if (tw_fanwatch_open(&fo, &p->fan) == -ENOMEM)
			return tw_err(ENOMEM, "out of memory");
	}
	/*
	 * The cheapest mode that stays exact: when fanotify checks every path against the
	 * executed file and the syscall events would bring no strings (no string field in
	 * their format, no event probes), they are not worth the slow syscall path they put
	 * every task on: the libc uprobes (entry and return) stand in for them.
	 */
	p->opts.source.syscalls_only_for_strings = p->fan != NULL;
	host_loader(&p->loader_id, &p->loader_path);
	/* The loader comes with every dynamic exec; nothing needs its path. */
	if (p->fan && p->loader_id.ino)
		tw_fanwatch_skip_path(p->fan, p->loader_id.dev, p->loader_id.ino);
	p->src = tw_source_open(&p->opts.source);
	if (!p->src)
		return -EIO;	/* the source said why */
	p->auto_no_syscalls = !p->opts.source.no_syscalls && tw_source_no_syscalls(p->src);
	p->nr_cpus = tw_source_nr_cpus(p->src);
	p->realtime_offset = realtime_offset();
	if (p->opts.tree_existing && (ret = join_existing_tree(p)))
		return ret;
	if (!p->opts.no_taskstats) {
		struct tw_taskstats_opts to = { 0 };

		if (tw_taskstats_open(&to, &p->ts) == -ENOMEM)
			return tw_err(ENOMEM, "out of memory");
	}
	p->dec = tw_decoder_new(tw_source_tep(p->src), tw_source_uprobe_group(p->src));
	p->ro = tw_reorder_new(NR_QUEUES(p));
	p->tree_task_ends = p->ts != NULL;
	mo.all_events = true;	/* exit records end held failures; deliver() filters */
	/* Exit records wait for their task end only when someone reads them. */
	mo.task_ends = p->tree_task_ends && p->opts.all_events;
	mo.fanotify = p->fan != NULL;
	mo.taskstats = p->ts != NULL;
	/* Which set*id calls the stream shows: every syscall, or libc's calls only. */
	if (!tw_source_no_syscalls(p->src))
		p->creds_mode = TW_CREDS_SYSCALLS;
	else if (tw_source_probed_libc(p->src, &p->libc_id) && p->loader_id.ino)
		p->creds_mode = TW_CREDS_LIBC;
	mo.creds = p->creds_mode;
	mo.host_loader = p->loader_id;
	mo.host_loader_path = p->loader_path;
	mo.realpath_fn = realpath_live;
	mo.realpath_ctx = p;
	mo.emit = emit_record;
	mo.emit_ctx = p;
	p->model = tw_model_new(&mo);
	if (!p->dec || !p->ro || !p->model)
		return p->dec ? tw_err(ENOMEM, "out of memory") : -EIO;
	{
		char boot_id[64];

		read_boot_id(boot_id, sizeof(boot_id));
		p->ident = tw_ident_new(boot_id);
		if (!p->ident)
			return tw_err(ENOMEM, "out of memory");
	}
	if (p->opts.out) {
		struct tw_sink_opts so = p->opts.sink;

		so.append = p->opts.out_append;
		p->sink = tw_sink_new_opts(p->opts.format, p->opts.out, p->realtime_offset, &so);
		if (!p->sink)
			return tw_err(errno ? errno : ENOMEM, "cannot start the output: %s",
				      strerror(errno ? errno : ENOMEM));
	}
	if (p->opts.record) {
		p->rec = tw_rec_writer_new(p->opts.record);
		if (!p->rec || record_meta(p))
			return tw_err(EIO, "cannot write the recording: %s",
				      p->errmsg[0] ? p->errmsg : strerror(errno ? errno : EIO));
	}
	/* A side source that is not there will never deliver anything. */
	if (!p->fan)
		mark_drained(p, FAN_QUEUE(p), UINT64_MAX);
	if (!p->ts)
		mark_drained(p, TASKEND_QUEUE(p), UINT64_MAX);
	p->cgroup_root = tw_cgroup_v2_root("/proc/self/mountinfo");
	if (!p->cgroup_root)
		tw_warn("no cgroup v2 (unified) hierarchy is mounted: cgroup and container fields "
			"stay empty");
	if (p->opts.no_snapshot)
		return 0;
	/* Events are on: whatever changes while we walk /proc is in the stream too. */
	ret = tw_proc_snapshot("/proc", p->cgroup_root, p->libc_id.ino ? &p->libc_id : NULL,
			       seed_task, p);
	if (ret)
		return tw_err(ret, "cannot read the process table from /proc: %s", strerror(-ret));
	return 0;
}

static int open_replay(struct tw_pipeline *p)
{
	const char *name = p->opts.replay_name ? p->opts.replay_name : "the recording";
	struct tw_rec_block b;
	char err[512];
	int ret;

	p->rd = tw_rec_reader_new(p->opts.replay, err, sizeof(err));
	if (!p->rd)
		return tw_err(EINVAL, "%s: %s", name, err);
	tw_rec_reader_skip_crc(p->rd, p->opts.replay_skip_crc);
	p->tep = tep_alloc();
	if (!p->tep)
		return tw_err(ENOMEM, "out of memory");
	ret = tw_rec_next(p->rd, &b);
	if (ret == 1 && b.type != TW_BLK_META)
		ret = -EBADMSG;
	if (ret == 1)
		ret = replay_meta(p, &b);
	else if (ret == 0)
		fail(p, -EBADMSG, "offset %d: truncated: no meta block", TW_REC_HEADER_LEN);
	else if (ret == -EBADMSG && !tw_rec_reader_error(p->rd)[0])
		fail(p, -EBADMSG, "offset %d: the first block is not the meta block",
		     TW_REC_HEADER_LEN);
	else if (ret < 0 && ret != -ENOMEM)
		fail(p, ret, "%s", tw_rec_reader_error(p->rd));
	if (ret || p->error) {
		tw_err(EINVAL, "%s: %s", name, p->errmsg[0] ? p->errmsg : "out of memory");
		return ret ? ret : p->error;
	}
	return 0;
}

struct tw_pipeline *tw_pipeline_new(const struct tw_pipeline_opts *opts)
{
	struct tw_pipeline *p = pipeline_alloc(opts);
	int ret;

	if (!p) {
		tw_err(ENOMEM, "out of memory");
		return NULL;
	}
	ret = opts->replay ? open_replay(p) : open_live(p);
	if (ret) {
		tw_pipeline_free(p);
		return NULL;
	}
	return p;
}

void tw_pipeline_banner(const struct tw_pipeline *p, FILE *f)
{
	if (p->src)
		fprintf(f, "tracewatch: tracing (instance %s, %d CPUs, strings: %s, executed "
			   "files: %s, task ends: %s%s)%s; Ctrl-C to stop\n",
			tw_source_name(p->src), p->nr_cpus,
			p->dec && tw_decoder_uprobe_count(p->dec) ? tw_source_probe_kind(p->src) :
								    "/proc only",
			p->fan ? "fanotify" : "not seen", p->ts ? "taskstats" : "not seen",
			p->auto_no_syscalls ? ", no syscall events" : "",
			p->rec ? ", recording" : "");
	else
		fprintf(f, "tracewatch: replaying %s (%d CPUs, strings: %s)\n",
			p->opts.replay_name ? p->opts.replay_name : "a recording", p->nr_cpus,
			p->probe_kind ? p->probe_kind : "/proc only");
}

/* Close the sink and end the recording: the last writes, whose failure is an error too. */
static void finish_outputs(struct tw_pipeline *p)
{
	if (p->sink) {
		struct tw_model_stats ms = { 0 };

		errno = 0;
		if (tw_sink_close(p->sink) && !p->sink_err) {
			p->sink_err = -EIO;
			p->sink_errno = errno ? errno : EIO;
		}
		p->sink = NULL;
		if (p->sink_err) {
			if (p->model)
				tw_model_get_stats(p->model, &ms);
			cut_back(p->opts.out, p->out_good);
			p->not_written = p->records_unflushed + p->records_dropped + ms.pending;
		}
	}
	if (p->rec) {
		errno = 0;
		if (tw_rec_block_end(p->rec, TW_BLK_END) || fflush(p->opts.record) ||
		    ferror(p->opts.record)) {
			if (!p->error)
				fail(p, -EIO, "writing the recording failed: %s; it ends with the "
					      "last whole block", strerror(errno ? errno : EIO));
			cut_back(p->opts.record, p->rec_good);
		}
		p->recorded_bytes = tw_rec_writer_offset(p->rec);
		tw_rec_writer_free(p->rec);
		p->rec = NULL;
	}
}

int tw_pipeline_run(struct tw_pipeline *p)
{
	int ret = p->src ? run_live(p) : run_replay(p);

	if (p->src)
		p->overrun = tw_source_overrun(p->src);
	finish_outputs(p);
	if (p->sink_err) {
		if (p->sink_errno == EPIPE)
			return -EPIPE;
		p->error = 0;
		return fail(p, -EIO, "writing records to %s failed: %s; %s%llu records were not "
				     "written", p->opts.out_path ? p->opts.out_path : "the output",
			    strerror(p->sink_errno),
			    p->out_good >= 0 ? "the file ends with the last whole record; " : "",
			    (unsigned long long)p->not_written);
	}
	if (p->error)
		return p->error;
	if (ret)
		return fail(p, ret, "%s", strerror(-ret));
	return 0;
}

void tw_pipeline_get_stats(const struct tw_pipeline *p, struct tw_pipeline_stats *st)
{
	struct tw_model_stats ms = { 0 };

	memset(st, 0, sizeof(*st));
	if (p->model)
		tw_model_get_stats(p->model, &ms);
	st->events = ms.events;
	st->execs = ms.execs;
	st->unresolved = ms.unresolved;
	st->string_fallbacks = ms.string_fallbacks;
	st->uid_conflicts = ms.uid_conflicts;
	st->given_up = ms.given_up;
	st->records = p->records;
	st->lost = p->lost_kernel;
	st->side_lost = ms.side_lost;
	st->overrun = p->overrun;
	st->late = p->late;
	st->recorded_bytes = p->rec ? tw_rec_writer_offset(p->rec) : p->recorded_bytes;
	st->not_written = p->not_written;
	st->reopened = p->reopened;
}

int tw_pipeline_free(struct tw_pipeline *p)
{
	int ret = 0;

	if (!p)
		return 0;
	finish_outputs(p);
	tw_model_free(p->model);
	tw_ident_free(p->ident);
	tree_free(p);
	tw_reorder_free(p->ro);
	tw_decoder_free(p->dec);
	free(p->cgroup_root);
	tw_fanwatch_close(p->fan);
	tw_taskstats_close(p->ts);
	if (p->src && tw_source_close(p->src))
		ret = -EBUSY;
	tw_rec_reader_free(p->rd);
	if (p->tep)
		tep_free(p->tep);
	free_answers(p);
	while (p->held_fail) {
		struct tw_record *r = p->held_fail;

		p->held_fail = r->next;
		tw_record_free(r);
	}
	for (size_t i = 0; i < REALPATH_CACHE_SLOTS; i++) {
		free(p->rp_cache[i].query);
		free(p->rp_cache[i].answer);
	}
	free(p->held);
	free(p->raw);
	free(p->probe_group);
	free(p->probe_kind);
	free(p->loader_path);
	free(p);
	return ret;
}
