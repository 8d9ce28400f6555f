// SPDX-License-Identifier: GPL-2.0
/* model.c - the model: events applied in order, exec records assembled, checked and let out. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <uthash.h>

#include "container.h"
#include "fanwatch.h"
#include "model.h"
#include "util.h"

#include "model-impl.h"

static int pending_push(struct tw_model *m, struct pending *p)
{
	p->next = NULL;
	if (m->tail)
		m->tail->next = p;
	else
		m->head = p;
	m->tail = p;
	m->st.pending++;
	return 0;
}

static void pending_free(struct pending *p)
{
	tw_record_free(p->rec);
	cg_put(p->cg);
	uexec_free(p->uexec);
	cwd_put(p->model_cwd);
	fs_put(p->fs);
	cred_put(p->creds);
	tw_proc_release(&p->proc);
	free(p);
}

/* Move a string out of its owner. */
static char *steal(char **s)
{
	char *r = *s;

	*s = NULL;
	return r;
}

/* Copy the cgroup and what its path says about a container into @rec. Returns 0 or -ENOMEM. */
static int fill_cgroup(struct tw_record *rec, const struct cgroup_ref *cg)
{
	if (!cg)
		return 0;
	rec->cgroup_id = cg->id;
	rec->cgroup_path = tw_strdup(cg->path);
	if (!rec->cgroup_path)
		return -ENOMEM;
	if (cg->ct.id[0]) {
		rec->container_id = tw_strdup(cg->ct.id);
		if (!rec->container_id)
			return -ENOMEM;
		rec->container_runtime = cg->ct.runtime;
	}
	if (cg->ct.pod_uid[0]) {
		rec->pod_uid = tw_strdup(cg->ct.pod_uid);
		if (!rec->pod_uid)
			return -ENOMEM;
	}
	return 0;
}

/* ---- fanotify: the files the kernel opened for each exec ---- */

static void fan_item_free(struct fan_item *it)
{
	if (it) {
		free(it->path);
		free(it);
	}
}

static struct fan_queue *fanq_find(struct tw_model *m, int tid)
{
	struct fan_queue *q;

	HASH_FIND_INT(m->fanq, &tid, q);
	return q;
}

/* Drop the first @n items of @q (matched or stale). An emptied queue is freed. */
static void fanq_drop(struct tw_model *m, struct fan_queue *q, int n)
{
	while (n-- > 0 && q->head) {
		struct fan_item *it = q->head;

		q->head = it->next;
		q->n--;
		fan_item_free(it);
	}
	if (!q->head) {
		q->tail = NULL;
		if (!q->dropped) {
			HASH_DEL(m->fanq, q);
			free(q);
		}
	}
}

static void fanq_free_all(struct tw_model *m)
{
	struct fan_queue *q, *tmp;

	HASH_ITER(hh, m->fanq, q, tmp) {
		q->dropped = 0;
		fanq_drop(m, q, q->n);
	}
}

/* Whether a held exec record may still claim items of @tid. */
static bool fan_claimable(const struct tw_model *m, int tid)
{
	const struct pending *p;

	for (p = m->head; p; p = p->next)
		if (p->is_exec && p->need_fan && p->fan_tid == tid)
			return true;
	return false;
}

/* Drop the stale items (FAN_STALE_NS) of callers no held record waits for. */
static void fanq_collect(struct tw_model *m)
{
	struct fan_queue *q, *tmp;

	if (m->fan_covered < FAN_STALE_NS)
		return;
	HASH_ITER(hh, m->fanq, q, tmp) {
		struct fan_item *it;
		int n = 0;

		for (it = q->head; it && it->ts < m->fan_covered - FAN_STALE_NS; it = it->next)
			n++;
		if (q->dropped && q->dropped < m->fan_covered - FAN_STALE_NS && n == q->n)
			q->dropped = 0;
		if ((n || !q->head) && !fan_claimable(m, q->tid))
			fanq_drop(m, q, n);
	}
}

static int emit_simple(struct tw_model *m, struct tw_record *rec, uint64_t ts);
static int new_simple_record(struct tw_model *m, enum tw_record_type type, const struct tw_event *ev,
			     int pid, int tid, int ppid, struct tw_record **out);

/*
 * A side source's queue overflowed (@what names it): a "lost" record says so, with the
 * number unknown (0) and no CPU; what it did to the values is said on the records it hit.
 */
static int side_lost_record(struct tw_model *m, const struct tw_event *ev, const char *what)
{
	struct tw_record *rec;
	int ret = new_simple_record(m, TW_REC_LOST, ev, 0, 0, 0, &rec);

	if (ret)
		return ret;
	rec->error = what;
	m->st.side_lost++;
	return emit_simple(m, rec, ev->ts);
}

static int apply_fan(struct tw_model *m, struct tw_event *ev)
{
	struct fan_queue *q;
	struct fan_item *it;

	if (ev->fan.lost) {
		m->fan_lost = ev->ts;
		return side_lost_record(m, ev, "fanotify-overflow");
	}
	if (ev->tid == 0) {
		/* A sync: the queue was read empty after the previous sync's time. */
		m->fan_covered = m->fan_prev_sync;
		m->fan_prev_sync = ev->ts;
		fanq_collect(m);
		return 0;
	}
	q = fanq_find(m, ev->tid);
	if (!q) {
		q = tw_calloc(1, sizeof(*q));
		if (!q)
			return -ENOMEM;
		q->tid = ev->tid;
		HASH_ADD_INT(m->fanq, tid, q);
	}
	it = tw_calloc(1, sizeof(*it));
	if (!it)
		return -ENOMEM;
	it->ts = ev->ts;
	it->has_stat = ev->fan.has_stat;
	it->dev = ev->fan.dev;
	it->ino = ev->fan.ino;
	it->mode = ev->fan.mode;
	it->uid = ev->fan.uid;
	it->kind = ev->fan.kind;
	it->flags = ev->fan.flags;
	it->path = steal(&ev->fan.path);
	if (it->kind != TW_FAN_NOPATH && !it->path)
		it->kind = TW_FAN_NOPATH;
	if (q->n == FAN_ITEMS_MAX) {
		q->dropped = q->head->ts;
		fanq_drop(m, q, 1);
	}
	if (q->tail)
		q->tail->next = it;
	else
		q->head = it;
	q->tail = it;
	q->n++;
	return 0;
}

static bool same_file(const struct fan_item *it, uint64_t dev, uint64_t ino)
{
	return it->has_stat && it->dev == dev && it->ino == ino;
}

static bool known_loader(const struct tw_model *m, const struct fan_item *it)
{
	int i;

	for (i = 0; i < m->nr_loaders; i++)
		if (same_file(it, m->loaders[i].dev, m->loaders[i].ino))
			return true;
	return false;
}

static void learn_loader(struct tw_model *m, const struct fan_item *it)
{
	if (!it->has_stat || known_loader(m, it))
		return;
	if (m->nr_loaders == FAN_LOADERS_MAX)
		memmove(m->loaders, m->loaders + 1, sizeof(m->loaders[0]) * (FAN_LOADERS_MAX - 1));
	else
		m->nr_loaders++;
	m->loaders[m->nr_loaders - 1].dev = it->dev;
	m->loaders[m->nr_loaders - 1].ino = it->ino;
}

/* The item's path in our view: its own, or the host loader's for one read without it. */
static const char *item_path(const struct tw_model *m, const struct fan_item *it)
{
	if (it->flags & TW_FAN_PATH_SKIPPED)
		return m->opts.host_loader_path;
	if (it->kind != TW_FAN_PATH || (it->flags & TW_FAN_OTHER_NS))
		return NULL;
	return it->path;
}

/* A host path (ours) to report for the item, or NULL. */
static const char *item_host_path(const struct tw_model *m, const struct fan_item *it)
{
	if (it->flags & TW_FAN_DELETED)
		return NULL;
	return item_path(m, it);
}

/*
 * Whether the path @path (from the cwd model, or absolute as passed) names the file of @it:
 * the same text, or (in our view only) the same text once symlinks are resolved. @real
 * caches the resolution: NULL not asked yet.
 */
static bool names_item(struct tw_model *m, const char *path, const struct fan_item *it,
		       bool foreign, char **real, bool *asked)
{
	const char *it_path = item_path(m, it);

	if (!it_path)
		return false;
	if (!strcmp(path, it_path))
		return true;
	if (foreign || (it->flags & (TW_FAN_OTHER_NS | TW_FAN_DELETED)))
		return false;
	if (!*asked) {
		*asked = true;
		*real = m->opts.realpath_fn(path, m->opts.realpath_ctx);
	}
	return *real && !strcmp(*real, it_path);
}


/* Whether a filename names the file only through an fd ("/dev/fd/3", "/proc/self/fd/3"). */
static bool filename_is_fd_link(const char *fn)
{
	const char *s;

	if (!strncmp(fn, "/dev/fd/", 8))
		return true;
	if (strncmp(fn, "/proc/", 6))
		return false;
	s = strchr(fn + 6, '/');
	return s && !strncmp(s, "/fd/", 4);
}

static int set_exe_from_item(struct tw_record *rec, const struct fan_item *it)
{
	free(rec->exe);
	rec->exe = NULL;
	if (it->kind == TW_FAN_NOPATH) {
		rec->exe_source = "fanotify-nopath";
		return 0;
	}
	if (it->kind == TW_FAN_MEMFD) {
		struct tw_buf b = { 0 };

		if (tw_buf_puts(&b, "memfd:") || tw_buf_puts(&b, it->path)) {
			tw_buf_release(&b);
			return -ENOMEM;
		}
		rec->exe = b.data;
		rec->exe_source = "memfd";
		return 0;
	}
	rec->exe = tw_strdup(it->path);
	if (!rec->exe)
		return -ENOMEM;
	rec->exe_source = (it->flags & TW_FAN_OTHER_NS) ? "other-ns" :
			  (it->flags & TW_FAN_DELETED) ? "deleted" : "fanotify";
	return 0;
}

static int set_exe_path(struct tw_record *rec, const char *path, const char *source)
{
	free(rec->exe);
	rec->exe = tw_strdup(path);
	rec->exe_source = source;
	return rec->exe ? 0 : -ENOMEM;
}

/* The exe from the /proc read when no item names it: a memfd, or an unmarked filesystem. */
static int set_exe_from_proc(struct pending *p, struct tw_record *rec, const char *why)
{
	const char *exe = p->probe_proc_ok ? p->proc.exe : NULL;

	free(rec->exe);
	rec->exe = NULL;
	rec->exe_source = exe ? NULL : why;
	if (!exe)
		return 0;
	if (!strncmp(exe, "/memfd:", 7) && exe_link_len(exe) != strlen(exe)) {
		rec->exe = tw_strndup(exe + 1, exe_link_len(exe) - 1);
		rec->exe_source = "memfd";
	} else if (exe_link_len(exe) != strlen(exe)) {
		/* Unlinked, or a file really named "... (deleted)": the text can't tell. */
		rec->exe_source = "deleted-or-named-so";
		return 0;
	} else {
		rec->exe = tw_strdup(exe);
		rec->exe_source = p->other_ns ? "other-ns" : "proc";
	}
	return rec->exe ? 0 : -ENOMEM;
}

/*
 * Without an item to check against: whether @path names the file /proc/PID/exe named at the
 * exec (the same text, or once symlinks are resolved; in our view only). A script's exe is
 * its interpreter: its path is not verified this way.
 */
static bool proc_exe_names(struct tw_model *m, const struct pending *p, const char *path)
{
	const char *exe = p->probe_proc_ok ? p->proc.exe : NULL;
	char *real;
	bool ok;

	if (!exe || exe_link_len(exe) != strlen(exe) || p->other_ns)
		return false;
	if (!strcmp(path, exe))
		return true;
	if (p->foreign_root)
		return false;
	real = m->opts.realpath_fn(path, m->opts.realpath_ctx);
	ok = real && !strcmp(real, exe);
	free(real);
	return ok;
}

/*
 * Check the exec record against the files the kernel opened for it (see model.h): fills exe,
 * interpreter and path_check, and replaces a path that names another file. @cwd_based: the
 * path was made from the cwd model. Returns 0 or -ENOMEM.
 */
static int fan_match(struct tw_model *m, struct pending *p, bool cwd_based)
{
	bool alt_asked = false;
	char *alt = NULL, *alt_real = NULL;
	struct tw_record *rec = p->rec;
	struct fan_queue *q = fanq_find(m, p->fan_tid);
	struct fan_item *items[FAN_ITEMS_MAX];
	const char *path = rec->path;
	bool asked = false, fd_link;
	char *real = NULL;
	int n = 0, first = 0, j = -1, k = -1, i, ret = 0;
	struct fan_item *it;

	if ((m->fan_lost && m->fan_lost > p->fan_since) || (q && q->dropped > p->fan_since)) {
		/* Some of its items may have been dropped: nothing can be matched. */
		rec->path_check = "unverified";
		return set_exe_from_proc(p, rec, "fanotify-lost");
	}
	for (it = q ? q->head : NULL; it; it = it->next)
		items[n++] = it;
	/* The final ELF: the file /proc/PID/exe named, or the task end's exe. */
	if (p->probe_proc_ok && p->proc.exe) {
		/* The link's text as is, or without " (deleted)" for an unlinked file. */
		size_t full = strlen(p->proc.exe), len = exe_link_len(p->proc.exe);

		for (i = 0; i < n && j < 0; i++) {
			size_t want = (items[i]->flags & TW_FAN_DELETED) ? len : full;

			if (items[i]->kind == TW_FAN_PATH && strlen(items[i]->path) == want &&
			    !memcmp(items[i]->path, p->proc.exe, want))
				j = i;
		}
	}
	if (j < 0 && p->end_has_exe)
		for (i = 0; i < n && j < 0; i++)
			if (same_file(items[i], p->end_dev, p->end_ino))
				j = i;
	/* Loaders left over from the caller's previous exec are not a program of this one. */
	while (first < n && first != j && known_loader(m, items[first]))
		first++;
	fd_link = filename_is_fd_link(rec->filename);
	if (path && fd_link) {
		/* "/proc/self/fd/3" names a file through an fd: never passed off as a path. */
		free(rec->path);
		rec->path = NULL;
		rec->path_source = TW_PROV_UNRESOLVED;
		path = NULL;
	}
	if (path) {
		/* The program: the item the path names, the last one before the final ELF. */
		for (i = j >= 0 ? j : n - 1; i >= first && k < 0; i--)
			if (names_item(m, path, items[i], p->foreign_root, &real, &asked))
				k = i;
	}
	free(real);
	/*
	 * The program named, followed by an ELF loader: it is an ELF (a script is followed by
	 * its interpreter), so it is the final ELF itself.
	 */
	if (j < 0 && k >= 0 && k + 1 < n && known_loader(m, items[k + 1]))
		j = k;
	if (path && k < 0 && cwd_based) {
		/* The cwd model led elsewhere: that value is stale for every holder (a rename). */
		if (p->model_cwd && rec->path_source == TW_PROV_CWD)
			p->model_cwd->invalid = true;
		/* The cwd /proc gave at the exec, when it was another one. */
		if (p->probe_cwd_ok && p->proc.cwd && rec->cwd && strcmp(p->proc.cwd, rec->cwd)) {
			alt = tw_path_join(p->proc.cwd, rec->filename, m->opts.realpath_fn,
					   m->opts.realpath_ctx);
			if (!alt && errno == ENOMEM)
				return -ENOMEM;
		}
		for (i = j >= 0 ? j : n - 1; alt && i >= first && k < 0; i--)
			if (names_item(m, alt, items[i], p->foreign_root, &alt_real, &alt_asked))
				k = i;
		free(alt_real);
		if (k >= 0) {
			char *cwd = tw_strdup(p->proc.cwd);

			if (!cwd) {
				free(alt);
				return -ENOMEM;
			}
			free(rec->path);
			rec->path = alt;
			free(rec->cwd);
			rec->cwd = cwd;
			rec->path_source = TW_PROV_PROC_CWD;
			rec->cwd_source = TW_PROV_PROC_EXEC;
			alt = NULL;
		}
		free(alt);
	}

	if (j >= 0 && items[j]->has_stat) {
		p->fan_final = true;
		p->fan_dev = items[j]->dev;
		p->fan_ino = items[j]->ino;
		p->fan_mode = items[j]->mode;
		p->fan_uid = items[j]->uid;
		p->fan_flags = items[j]->flags;
	}
	if (j >= 0 && !(items[j]->flags & TW_FAN_PATH_SKIPPED))
		ret = set_exe_from_item(rec, items[j]);
	else if (j >= 0 && m->opts.host_loader_path)	/* ld.so run itself */
		ret = set_exe_path(rec, m->opts.host_loader_path, "fanotify");
	else if (j >= 0)
		ret = set_exe_from_proc(p, rec, "fanotify-nopath");
	else
		ret = set_exe_from_proc(p, rec, n ? "unknown" : "no-item");
	if (ret)
		return ret;

	if (k >= 0) {
		rec->path_check = "verified";
		if (j > k && items[k + 1]->kind == TW_FAN_PATH) {
			rec->interpreter = tw_strdup(items[k + 1]->path);
			if (!rec->interpreter)
				return -ENOMEM;
		}
	} else if (j >= 0 && j == first) {
		/* The program is the final ELF itself: the kernel's own path of it. */
		const char *kp = item_host_path(m, items[j]);

		rec->path_check = path ? "mismatch" : "kernel";
		free(rec->path);
		rec->path = kp ? tw_strdup(kp) : NULL;
		if (kp && !rec->path)
			return -ENOMEM;
		rec->path_source = rec->path ? TW_PROV_FANOTIFY : TW_PROV_UNRESOLVED;
		if (!kp)
			rec->path_check = (items[j]->flags & TW_FAN_OTHER_NS) ? "other-ns" :
					  (items[j]->flags & TW_FAN_DELETED) ? "deleted" : "kernel";
		if (path && cwd_based) {
			/* The cwd model led to another file: its cwd is not the process's. */
			free(rec->cwd);
			rec->cwd = NULL;
			rec->cwd_source = TW_PROV_NONE;
		}
	} else if (path && n) {
		/* Files were opened for it and the path names none of them: it is wrong. */
		rec->path_check = "mismatch";
		free(rec->path);
		rec->path = NULL;
		rec->path_source = TW_PROV_UNRESOLVED;
		if (cwd_based) {
			free(rec->cwd);
			rec->cwd = NULL;
			rec->cwd_source = TW_PROV_NONE;
		}
	} else {
		rec->path_check = n ? "ambiguous" : "unverified";
	}

	/* Consume what belongs to this exec (and the failed attempts before it). */
	i = j > k ? j : k;
	if (i < 0)
		return 0;
	if (j >= 0 && j + 1 < n && items[j + 1]->ts <= p->ts) {
		/* Opened before the exec's event, after its final ELF: that ELF's loader. */
		learn_loader(m, items[j + 1]);
		i = j + 1;
	}
	/* The host libc's loader right after the final ELF: a program linked to that libc. */
	p->fan_host_loader = j >= 0 && j + 1 < n &&
			     same_file(items[j + 1], m->opts.host_loader.dev, m->opts.host_loader.ino);
	fanq_drop(m, q, i + 1);
	return 0;
}

/*
 * Whether a held exec record can be finished: every file opened for it has been applied
 * (a sync covers its time), and when /proc did not name its final ELF or its uids and the
 * process is gone, its task end (with the exe's identity and the uid) has arrived.
 */
static bool exec_ready(const struct tw_model *m, const struct pending *p)
{
	bool exe_known, uid_known;

	if (!p->is_exec)
		return true;
	if (p->need_fan && p->ts >= m->fan_covered)
		return false;
	if (!m->opts.taskstats || !p->exited || p->end_seen)
		return true;
	/* Gone: its end (sent before the exit event) has the exe's identity and the uid. */
	exe_known = !p->need_fan || (p->probe_proc_ok && p->proc.exe);
	uid_known = p->probe_proc_ok && p->proc_ids_ok && p->proc.uid >= 0;
	return exe_known && uid_known;
}

/*
 * Whether the program an exec started can change its uids without the model seeing it:
 * with syscall events every set*id call is seen; with libc uprobes only a program that
 * came with the host libc's ELF loader (a dynamic one, whose calls go through the probed
 * libc) and runs in our own view; with neither, any.
 */
static bool exec_unsure(const struct tw_model *m, const struct pending *p)
{
	switch (m->opts.creds) {
	case TW_CREDS_SYSCALLS:
		return false;
	case TW_CREDS_LIBC:
		return !p->fan_host_loader || p->foreign_root || p->other_ns;
	default:
		return true;
	}
}

/*
 * The uids of an exec record, and the task's node from the exec on: the ones before the
 * exec (the real uid stays), the euid the executed file's set-user-ID bit gives where it
 * applies, then /proc read at the exec (the kernel's word), else the real uid the task
 * ended with when nothing could have changed it since the exec.
 */
static void resolve_creds(struct tw_model *m, struct pending *p, struct tw_record *rec)
{
	struct cred_now now;
	bool unsure = exec_unsure(m, p);

	cred_read(p->creds ? p->creds->base : NULL, &now);
	if (p->creds_lost) {
		now.uid = now.euid = -1;
		now.src = TW_PROV_LOST;
	}
	if (p->fan_final && (p->fan_mode & S_ISUID)) {
		/*
		 * The kernel ignores the bit on a nosuid mount or one of another namespace
		 * (mnt_may_suid()), with no_new_privs, and may for a traced task, one in a user
		 * namespace, or one sharing its fs_struct with another process (unsafe exec).
		 */
		bool applies = !(p->fan_flags & (TW_FAN_NOSUID | TW_FAN_OTHER_NS)) &&
			       !p->other_ns && p->nnp == 0 && p->traced == 0 && p->userns == 0 &&
			       !p->fs_shared;

		if (applies) {
			now.euid = p->fan_uid;
			now.src = TW_PROV_SETUID_FILE;
		} else if (now.euid != (long)p->fan_uid) {
			now.euid = -1;	/* the bit may or may not have applied */
		}
	} else if (!p->fan_final) {
		now.euid = -1;	/* the file is unknown: a set-user-ID bit may have applied */
	}
	/*
	 * A static program (in our view, where the host libc's loader would have come with a
	 * dynamic one) may have changed them between the exec and the read, unseen: the read
	 * is not the exec's. In another root the loader is the container's own, whose libc
	 * may not be probed yet: the read counts there (README: known limits).
	 */
	if (p->probe_proc_ok && p->proc_ids_ok && p->proc.uid >= 0 &&
	    (!unsure || p->foreign_root || p->other_ns)) {
		if ((now.uid >= 0 && now.uid != p->proc.uid) ||
		    (now.euid >= 0 && p->proc.euid >= 0 && now.euid != p->proc.euid))
			m->st.uid_conflicts++;
		now.uid = p->proc.uid;
		now.euid = p->proc.euid;
		now.src = TW_PROV_PROC;
		rec->loginuid = p->proc.loginuid;
	} else if (p->end_uid_ok && !unsure &&
		   !(p->end_has_exe && p->fan_final &&
		     (p->end_dev != p->fan_dev || p->end_ino != p->fan_ino))) {
		if (now.uid < 0) {
			now.uid = p->end_uid;
			now.src = TW_PROV_TASKSTATS;
		} else if (now.uid != (long)p->end_uid) {
			m->st.uid_conflicts++;
			now.uid = now.euid = -1;
			now.src = TW_PROV_UNTRACKED;
		}
	}
	if (now.uid < 0 && now.euid < 0 &&
	    (now.src == TW_PROV_TRACKED || now.src == TW_PROV_SETUID_FILE))
		now.src = TW_PROV_UNTRACKED;
	now.unsure = unsure;
	cred_resolve_exec(p->creds, &now);
	rec->uid = now.uid;
	rec->euid = now.euid;
	rec->uid_source = tw_prov_name(now.src);
}

/* Finish an exec record from what turned out valid. Returns 0 or -ENOMEM. */
static int finish_exec(struct tw_model *m, struct pending *p)
{
	struct tw_record *rec = p->rec;
	const char *cwd = NULL;
	enum tw_prov cwd_source = TW_PROV_NONE;
	const char *fn = rec->filename;
	bool cwd_shown = false;		/* the cwd is shown to be the process's at the exec */

	if (p->probe_proc_ok) {
		if (set_exe_from_proc(p, rec, NULL))
			return -ENOMEM;
	}
	/* argv: the string captured at the call beats a /proc read that may be late. */
	if (p->uexec && !p->uexec->argv_fault &&
	    !(p->uexec->argv_truncated && p->probe_proc_ok && p->proc.argv)) {
		rec->argv = steal(&p->uexec->argv);
		rec->argv_len = p->uexec->argv_len;
		if (p->uexec->eprobe)
			rec->argv_source = p->uexec->argv_truncated ? TW_PROV_EPROBE_TRUNCATED :
								      TW_PROV_EPROBE;
		else
			rec->argv_source = p->uexec->argv_truncated ? TW_PROV_UPROBE_TRUNCATED :
								      TW_PROV_UPROBE;
	} else if (p->probe_proc_ok && p->proc.argv) {
		rec->argv = steal(&p->proc.argv);
		rec->argv_len = p->proc.argv_len;
		rec->argv_source = TW_PROV_PROC;
	}
	rec->ppid = p->model_ppid;
	if (!rec->ppid && p->probe_proc_ok)
		rec->ppid = p->proc.ppid;
	if (fill_cgroup(rec, p->cg))
		return -ENOMEM;

	if (cwd_still_valid(p->model_cwd)) {
		cwd = p->model_cwd->path;
		cwd_source = TW_PROV_CWD;
		rec->cwd_source = p->model_cwd->source;
		/* /proc read at the exec agrees: the tracked value is the process's cwd. */
		cwd_shown = p->probe_cwd_ok && p->proc.cwd && !strcmp(cwd, p->proc.cwd);
	}
	if (p->probe_cwd_ok && p->proc.cwd && (!cwd || strcmp(cwd, p->proc.cwd))) {
		/* /proc, read with no chdir since the exec, says otherwise: the model's went stale. */
		if (cwd)
			p->model_cwd->invalid = true;
		if (exe_link_len(p->proc.cwd) != strlen(p->proc.cwd)) {
			/* " (deleted)": the directory is gone; no path names it any more. */
			cwd = NULL;
			cwd_source = TW_PROV_NONE;
			rec->cwd_source = TW_PROV_DELETED;
		} else {
			cwd = p->proc.cwd;
			cwd_source = TW_PROV_PROC_CWD;
			rec->cwd_source = TW_PROV_PROC_EXEC;
			cwd_shown = true;
		}
	}
	if (p->other_ns) {
		/* Even /proc's texts are in its mount namespace's view: no host path. */
		cwd = NULL;
		rec->cwd_source = TW_PROV_OTHER_NS;
	}
	if (cwd) {
		rec->cwd = tw_strdup(cwd);
		if (!rec->cwd)
			return -ENOMEM;
	}

	rec->path_source = TW_PROV_UNRESOLVED;
	if (!strncmp(fn, "/dev/fd/", 8)) {
		/* fexecve / execveat(dirfd): the fd is gone; only the kernel's exe link knows. */
		if (rec->exe && !strcmp(rec->exe_source, "proc") && !p->other_ns) {
			rec->path = tw_strdup(rec->exe);
			if (!rec->path)
				return -ENOMEM;
			rec->path_source = TW_PROV_PROC_EXE;
		}
	} else if (fn[0] == '/' && !p->other_ns) {
		rec->path = tw_strdup(fn);
		if (!rec->path)
			return -ENOMEM;
		rec->path_source = TW_PROV_ABSOLUTE;
	} else if (cwd) {
		rec->path = tw_path_join(cwd, fn, m->opts.realpath_fn, m->opts.realpath_ctx);
		if (!rec->path && errno == ENOMEM)
			return -ENOMEM;
		if (rec->path)
			rec->path_source = cwd_source;
	}
	if (p->need_fan) {
		bool cwd_based = rec->path && rec->path_source != TW_PROV_ABSOLUTE;
		int ret = fan_match(m, p, cwd_based);

		if (ret)
			return ret;
	} else {
		if (filename_is_fd_link(fn) && rec->path && rec->path_source == TW_PROV_ABSOLUTE) {
			/* "/proc/self/fd/3" is a name for an fd, not the file's path. */
			free(rec->path);
			rec->path = NULL;
			if (rec->exe && !strcmp(rec->exe_source, "proc")) {
				rec->path = tw_strdup(rec->exe);
				if (!rec->path)
					return -ENOMEM;
			}
			rec->path_source = rec->path ? TW_PROV_PROC_EXE : TW_PROV_UNRESOLVED;
		}
		rec->path_check = p->other_ns ? "other-ns" : "unverified";
	}
	if (!m->opts.report_unchecked && rec->path_check &&
	    !strcmp(rec->path_check, "unverified") && rec->path &&
	    (rec->path_source != TW_PROV_ABSOLUTE || p->foreign_root) &&
	    rec->path_source != TW_PROV_PROC_EXE) {
		/*
		 * Nothing from the kernel checked it: a path made from a tracked cwd (which a
		 * rename makes stale unseen), or an absolute one in another root's view, is kept
		 * only when /proc's exe names the same file.
		 */
		if (proc_exe_names(m, p, rec->path)) {
			rec->path_check = "verified";
		} else {
			free(rec->path);
			rec->path = NULL;
			rec->path_source = TW_PROV_UNRESOLVED;
		}
	}
	/*
	 * A tracked cwd is reported only when something shows it is the process's: /proc at
	 * the exec agrees, or a path made from it names the executed file.
	 */
	if (!m->opts.report_unchecked && rec->cwd && !cwd_shown &&
	    !((rec->path_source == TW_PROV_CWD || rec->path_source == TW_PROV_PROC_CWD) &&
	      rec->path_check && !strcmp(rec->path_check, "verified"))) {
		free(rec->cwd);
		rec->cwd = NULL;
		rec->cwd_source = TW_PROV_NONE;
	}
	resolve_creds(m, p, rec);
	if (!rec->path)
		m->st.unresolved++;
	m->st.execs++;
	return 0;
}

/*
 * The oldest held record must go out before what it waits for is known (too many are held):
 * its /proc reads count as not shown valid, and the fanotify items not yet matched as lost
 * (like a queue overflow: no later exec is checked against items that may be another's).
 */
static void give_up_waiting(struct tw_model *m, struct pending *p)
{
	p->probe_proc_ok = p->probe_cwd_ok = false;
	p->proc_ids_ok = false;
	cwd_put(p->model_cwd);
	p->model_cwd = NULL;
	if (p->is_exec && p->need_fan && p->ts >= m->fan_covered && m->fan_lost <= p->ts)
		m->fan_lost = p->ts + 1;
	m->st.given_up++;
}

/* Release held records, oldest first, while their reads are behind @upto. */
static int release(struct tw_model *m, uint64_t upto, bool all)
{
	int ret = 0;

	while (m->head && (all || m->st.pending > TW_MODEL_HELD_MAX ||
			   (m->head->hold_until <= upto && exec_ready(m, m->head)))) {
		struct pending *p = m->head;
		struct tw_record *rec;

		if (!all && !(p->hold_until <= upto && exec_ready(m, p)))
			give_up_waiting(m, p);

		if (p->is_exec) {
			ret = finish_exec(m, p);
			if (ret)
				return ret;	/* stays queued; nothing lost */
		}
		m->head = p->next;
		if (!m->head)
			m->tail = NULL;
		m->st.pending--;
		rec = p->rec;
		p->rec = NULL;
		pending_free(p);
		ret = m->opts.emit(rec, m->opts.emit_ctx);
		if (ret)
			return ret;
	}
	return 0;
}

static int emit_simple(struct tw_model *m, struct tw_record *rec, uint64_t ts)
{
	struct pending *p = tw_calloc(1, sizeof(*p));

	if (!p) {
		tw_record_free(rec);
		return -ENOMEM;
	}
	p->rec = rec;
	p->ts = ts;
	tw_proc_read_reset(&p->proc);
	return pending_push(m, p);
}

static int new_simple_record(struct tw_model *m, enum tw_record_type type, const struct tw_event *ev,
			     int pid, int tid, int ppid, struct tw_record **out)
{
	struct tw_record *rec = tw_record_new(type);

	*out = rec;
	if (!rec)
		return -ENOMEM;
	rec->ts_ns = ev->ts;
	rec->pid = pid;
	rec->tid = tid;
	rec->ppid = ppid;
	return 0;
}

static int apply_newtask(struct tw_model *m, struct tw_event *ev)
{
	uint64_t flags = ev->newtask.clone_flags;
	struct task *creator = task_find(m, ev->tid);
	struct fsgroup *fs;
	struct task *child;
	struct pending *p;
	int tgid, ppid;
	int ret;

	/* Only a damaged recording says a task made itself (task_add() would free the creator). */
	if (ev->newtask.pid == ev->tid)
		return 0;
	check_tentative(m, ev->ts, 0, ev->newtask.pid);
	/* The new task may reuse the pid of a task whose exec probe is still in doubt. */
	for (p = m->head; p; p = p->next)
		if (p->is_exec && p->probe_pid == ev->newtask.pid && ev->ts < p->proc.t_read)
			p->probe_proc_ok = p->probe_cwd_ok = false;

	if (!creator)
		creator = task_unknown(m, ev->tid);
	if (!creator)
		return -ENOMEM;
	if (flags & CLONE_THREAD_FLAG) {
		struct task *leader = creator->tgid ? task_find(m, creator->tgid) : NULL;

		tgid = creator->tgid;
		ppid = creator->ppid;
		if (leader)
			leader->threaded = true;
	} else {
		tgid = ev->newtask.pid;
		ppid = (flags & CLONE_PARENT_FLAG) ? creator->ppid : creator->tgid;
	}
	if (flags & CLONE_FS_FLAG) {
		fs = fs_get(creator->fs);
		if (!(flags & CLONE_THREAD_FLAG))
			fs->cross_process = true;
	}
	else
		fs = fs_new(creator->fs->cwd);	/* copy: the value is shared, not the group */
	if (!fs)
		return -ENOMEM;
	child = task_add(m, ev->newtask.pid, tgid, ppid, fs);
	fs_put(fs);
	if (!child)
		return -ENOMEM;
	child->creds = cred_fork(creator->creds);
	if (creator->creds && !child->creds)
		return -ENOMEM;
	child->nnp = creator->nnp;
	child->traced = creator->traced;
	child->userns = (flags & CLONE_NEWUSER_FLAG) ? 1 : creator->userns;
	child->foreign_root = creator->foreign_root || (flags & CLONE_NEWNS_FLAG);
	child->other_ns = creator->other_ns || (flags & CLONE_NEWNS_FLAG);
	child->fan_since = ev->ts;
	child->proc_start = (flags & CLONE_THREAD_FLAG) ? creator->proc_start : ev->ts;
	if (!(flags & CLONE_INTO_CGROUP_FLAG)) {
		task_set_cgroup(child, creator->cg);	/* a child starts in its parent's cgroup */
	} else if (ev->proc.cgroup) {
		/* clone3(CLONE_INTO_CGROUP): no attach event; only /proc knows where it went. */
		struct cgroup_ref *cg = cg_new(ev->proc.cgroup_id, steal(&ev->proc.cgroup));

		if (!cg)
			return -ENOMEM;
		task_set_cgroup(child, cg);
		cg_put(cg);
	}
	if (m->opts.all_events && !(flags & CLONE_THREAD_FLAG)) {
		struct tw_record *rec;

		ret = new_simple_record(m, TW_REC_FORK, ev, tgid, ev->newtask.pid, ppid, &rec);
		if (ret)
			return ret;
		rec->comm = tw_strndup(ev->newtask.comm, sizeof(ev->newtask.comm));
		if (!rec->comm || fill_cgroup(rec, child->cg)) {
			tw_record_free(rec);
			return -ENOMEM;
		}
		return emit_simple(m, rec, ev->ts);
	}
	return 0;
}

/*
 * Fill an exit record from its task end: the status as a shell shows it, and the start of
 * the process: the fork seen in the trace, else (for a process that began before tracing)
 * the leader's wall time that taskstats measured at the end, when the leader is the one
 * ending.
 */
static void fill_exit(struct tw_record *rec, const struct task_end *e)
{
	uint64_t elapsed_ns = e->elapsed_us * 1000;

	if ((e->status & 0x7f) == 0) {
		rec->exit_code = (int)((e->status >> 8) & 0xff);
	} else if ((e->status & 0x7f) != 0x7f) {
		rec->exit_signal = (int)(e->status & 0x7f);
		rec->core_dumped = (e->status & 0x80) != 0;
	}
	if (!rec->start_ns && rec->tid == rec->pid && elapsed_ns < rec->ts_ns) {
		rec->start_ns = rec->ts_ns - elapsed_ns;
		rec->start_source = "taskstats";
	}
}

/* The exit record of a process; waits for the task end unless it came already. */
static int exit_record(struct tw_model *m, struct tw_event *ev, struct task *t, int tgid,
		       int ppid)
{
	struct tw_record *rec;
	struct pending *p;
	int ret = new_simple_record(m, TW_REC_EXIT, ev, tgid, ev->exit.pid, ppid, &rec);

	if (ret)
		return ret;
	rec->comm = tw_strndup(ev->exit.comm, sizeof(ev->exit.comm));
	if (!rec->comm) {
		tw_record_free(rec);
		return -ENOMEM;
	}
	if (t && t->proc_start) {
		rec->start_ns = t->proc_start;
		rec->start_source = "fork";
	}
	if (t && t->end)
		fill_exit(rec, t->end);
	ret = emit_simple(m, rec, ev->ts);
	if (ret || (t && t->end) || !m->opts.task_ends)
		return ret;
	p = m->tail;
	p->end_tid = ev->exit.pid;
	p->hold_until = ev->ts + TW_MODEL_TASK_END_WAIT_NS;
	return 0;
}

/*
 * A task ended (taskstats). Read after the end, but possibly before the exit event was
 * applied (read on another CPU meanwhile): then it waits on the task for the exit.
 */
static int apply_task_end(struct tw_model *m, struct tw_event *ev)
{
	struct task_end e = {
		.status = ev->task_end.exit_code,
		.tgid = ev->task_end.tgid,
		.elapsed_us = ev->task_end.elapsed_us,
	};
	struct pending *p;
	struct task *t;

	for (p = m->head; p; p = p->next) {
		if (!p->end_tid)
			continue;
		/* Ends before a loss were dropped: stop waiting for them. */
		if (ev->task_end.lost) {
			if (p->ts < ev->ts) {
				p->end_tid = 0;
				p->hold_until = p->ts;
			}
			continue;
		}
		if (p->end_tid == ev->tid) {
			fill_exit(p->rec, &e);
			p->end_tid = 0;
			p->hold_until = p->ts;
			return 0;
		}
	}
	if (ev->task_end.lost)
		return 0;
	t = task_find(m, ev->tid);
	if (!t)
		return 0;	/* its exit was before our time, or lost */
	free(t->end);
	t->end = tw_memdup(&e, sizeof(e));
	return t->end ? 0 : -ENOMEM;
}

/* Count an exit (+1) or a task end (-1) of @tid. Returns 0 or -ENOMEM. */
static int end_balance_add(struct tw_model *m, int tid, int delta)
{
	struct end_balance *b;

	HASH_FIND_INT(m->ends, &tid, b);
	if (!b) {
		b = tw_calloc(1, sizeof(*b));
		if (!b)
			return -ENOMEM;
		b->tid = tid;
		HASH_ADD_INT(m->ends, tid, b);
	}
	b->n += delta;
	if (!b->n) {
		HASH_DEL(m->ends, b);
		free(b);
	}
	return 0;
}

static void end_balance_clear(struct tw_model *m)
{
	struct end_balance *b, *tmp;

	HASH_ITER(hh, m->ends, b, tmp) {
		HASH_DEL(m->ends, b);
		free(b);
	}
}

static int apply_exit(struct tw_model *m, struct tw_event *ev)
{
	int tid = ev->exit.pid;
	struct task *t = task_find(m, tid);
	struct pending *p;
	int tgid = t && t->tgid ? t->tgid : tid;
	int ppid = t ? t->ppid : 0;
	bool process_end;

	check_tentative(m, ev->ts, tid, 0);
	if (m->opts.taskstats && end_balance_add(m, tid, 1))
		return -ENOMEM;
	/* Exited before the read began: whatever was read belongs to someone else. */
	for (p = m->head; p; p = p->next)
		if (p->is_exec && p->probe_pid == tid && ev->ts < p->proc.t_start)
			p->probe_proc_ok = p->probe_cwd_ok = false;
	for (p = m->head; p; p = p->next)
		if (p->is_exec && p->probe_pid == tid && ev->ts > p->ts)
			p->exited = true;
	process_end = ev->exit.group_dead >= 0 ? ev->exit.group_dead : tid == tgid;
	if (m->opts.all_events && process_end) {
		int ret = exit_record(m, ev, t, tgid, ppid);

		if (ret)
			return ret;
	}
	if (t)
		task_remove(m, t);
	return 0;
}

static int apply_chdir_enter(struct tw_model *m, struct tw_event *ev)
{
	struct task *t = task_find(m, ev->tid);
	struct pending *p;
	struct fsgroup *fs;

	if (!t)
		t = task_unknown(m, ev->tid);
	if (!t)
		return -ENOMEM;
	fs = t->fs;
	if (!t->in_chdir) {
		t->in_chdir = true;
		fs->inflight++;
	}
	if (ev->type == TW_EV_CHDIR_ENTER && !ev->chdir_enter.is_fchdir && ev->chdir_enter.path) {
		free(t->s_chdir);
		t->s_chdir = steal(&ev->chdir_enter.path);
	}
	/*
	 * The cwd may change at any point until the syscall returns: a /proc read of this
	 * fs-group that ended after now may have seen the new one.
	 */
	if (fs->cwd && fs->cwd->t_read > ev->ts) {
		struct task *reader = task_find(m, fs->cwd->probe_tid);

		/* Only a change in the fs-group the value was read from can have been seen. */
		if (!reader || reader->fs == fs)
			fs->cwd->invalid = true;
	}
	for (p = m->head; p; p = p->next)
		if (p->is_exec && p->fs == fs && ev->ts < p->proc.t_read)
			p->probe_cwd_ok = false;
	return 0;
}

/*
 * The cwd after a successful chdir(@path) captured in the kernel at the call: resolved the way
 * the kernel walks it, from the cwd in force (@base) for a relative path. NULL when that can't
 * be done exactly (unknown base, a component gone): the caller falls back to /proc.
 */
/*
 * Whether a syscall event's copy of a user string is the string itself. The kernel cuts long
 * strings and appends "...", and turns bytes it won't print into '.', so any '.' that is not a
 * whole "." or ".." component may stand for another byte: such a copy is not exact.
 */
static bool syscall_string_exact(const char *s)
{
	const char *p = s;
	size_t n = strlen(s);

	if (n >= 3 && !strcmp(s + n - 3, "..."))
		return false;
	while (*p) {
		const char *end = strchrnul(p, '/');
		size_t len = end - p;

		if (memchr(p, '.', len) && !(len == 1 || (len == 2 && p[1] == '.')))
			return false;
		p = *end ? end + 1 : end;
	}
	return true;
}

static struct cwd_value *cwd_from_string(struct tw_model *m, struct cwd_value *base,
					 const char *path, enum tw_prov source)
{
	struct tw_buf joined = { 0 };
	struct cwd_value *v;
	char *real;

	if (!path[0])
		return NULL;
	if (path[0] != '/') {
		if (!cwd_usable(m, base))
			return NULL;
		if (tw_buf_puts(&joined, base->path) || tw_buf_putc(&joined, '/'))
			goto out_nomem;
	}
	if (tw_buf_puts(&joined, path))
		goto out_nomem;
	/* Physical, like the kernel: "link/.." is the parent of the link's target. */
	real = m->opts.realpath_fn(joined.data, m->opts.realpath_ctx);
	tw_buf_release(&joined);
	if (!real)
		return NULL;
	v = cwd_new(m, real, 0, 0, 0, source);
	return v;

out_nomem:
	tw_buf_release(&joined);
	return NULL;
}

static int apply_chdir(struct tw_model *m, struct tw_event *ev)
{
	struct task *t = task_find(m, ev->tid);
	struct cwd_value *v;
	bool others_inflight, u_set;
	char *u_path, *s_path;

	if (!t)
		t = task_unknown(m, ev->tid);
	if (!t)
		return -ENOMEM;
	if (t->in_chdir) {
		t->in_chdir = false;
		t->fs->inflight--;
	}
	u_path = ev->chdir.is_fchdir ? NULL : steal(&t->u_chdir);
	s_path = ev->chdir.is_fchdir ? NULL : steal(&t->s_chdir);
	u_set = !ev->chdir.is_fchdir && (t->u_chdir_set || s_path);
	t->u_chdir_set = false;
	if (ev->chdir.ret != 0) {
		free(u_path);
		free(s_path);
		return 0;	/* failed: the cwd did not change */
	}

	/* Another thread of the group changing the cwd right now: the read can't be pinned. */
	others_inflight = t->fs->inflight > 0;
	v = NULL;
	/* Tier 1, the syscall event's own string, when it is exact; then tier 3, the uprobe's. */
	if (t->foreign_root) {
		/* Strings in another root's view: only /proc (which reads in ours) will do. */
		free(s_path);
		free(u_path);
		s_path = u_path = NULL;
	}
	if (s_path && !others_inflight && syscall_string_exact(s_path))
		v = cwd_from_string(m, t->fs->cwd, s_path, TW_PROV_SYSCALL);
	if (!v && u_path && !others_inflight)
		v = cwd_from_string(m, t->fs->cwd, u_path,
				    t->u_chdir_eprobe ? TW_PROV_EPROBE : TW_PROV_UPROBE);
	free(u_path);
	free(s_path);
	if (v) {
		tw_proc_release(&ev->proc);
	} else {
		if (u_set)
			m->st.string_fallbacks++;
		v = cwd_new(m, steal(&ev->proc.cwd), ev->proc.t_start, ev->proc.t_read, ev->tid,
			    TW_PROV_PROC);
		if (!v)
			return -ENOMEM;
		if (others_inflight || !ev->proc.t_read)
			v->invalid = true;
	}
	fs_set_cwd(t->fs, v);
	cwd_put(v);

	if (m->opts.all_events) {
		struct tw_record *rec;
		int ret = new_simple_record(m, TW_REC_CHDIR, ev, t->tgid ? t->tgid : ev->tid,
					    ev->tid, t->ppid, &rec);

		if (ret)
			return ret;
		if (cwd_usable(m, v)) {
			rec->cwd = tw_strdup(v->path);
			if (!rec->cwd) {
				tw_record_free(rec);
				return -ENOMEM;
			}
		}
		return emit_simple(m, rec, ev->ts);
	}
	return 0;
}

static int apply_ns_enter(struct tw_model *m, struct tw_event *ev)
{
	struct task *t = task_find(m, ev->tid);

	if (!t)
		t = task_unknown(m, ev->tid);
	if (!t)
		return -ENOMEM;
	/* A user namespace (or setns() of any type) may follow: set-user-ID bits then differ. */
	if (!ev->ns.flags || (ev->ns.flags & CLONE_NEWUSER_FLAG))
		t->userns = 1;
	t->in_ns = true;
	t->ns_flags = ev->ns.flags;
	return 0;
}

/* Give @t an fs-group of its own holding @cwd (NULL: unknown). */
static int task_own_fs(struct task *t, struct cwd_value *cwd)
{
	struct fsgroup *fs = fs_new(cwd);

	if (!fs)
		return -ENOMEM;
	if (t->in_chdir) {
		t->fs->inflight--;
		fs->inflight++;
	}
	fs_put(t->fs);
	t->fs = fs;
	return 0;
}

/*
 * A successful unshare(CLONE_FS) (or CLONE_NEWNS, which implies it) gives the task an
 * fs_struct of its own, a copy: the cwd stays, but other tasks' chdirs no longer reach it.
 * unshare(CLONE_NEWNS) and setns() into a mount namespace put it under another view of the
 * file system; setns() also moves its cwd to that namespace's root: unknown from here on.
 */
static int apply_ns_exit(struct tw_model *m, struct tw_event *ev)
{
	struct task *t = task_find(m, ev->tid);
	uint64_t flags;
	bool was_in;
	int ret = 0;

	if (!t)
		return 0;	/* never seen: no cwd known to keep or drop */
	was_in = t->in_ns;
	flags = t->ns_flags;
	t->in_ns = false;
	t->ns_flags = 0;
	if (ev->ns.ret != 0)
		return 0;
	if (!was_in) {
		/* The entry was not seen (started before us, or lost): assume the worst. */
		flags = ev->ns.setns ? 0 : CLONE_FS_FLAG | CLONE_NEWNS_FLAG;
	}
	if (ev->ns.setns) {
		if (flags && !(flags & CLONE_NEWNS_FLAG))
			return 0;	/* another namespace type: cwd and root stay */
		ret = task_own_fs(t, NULL);
		t->foreign_root = true;
		t->other_ns = true;
	} else if (flags & (CLONE_FS_FLAG | CLONE_NEWNS_FLAG)) {
		ret = task_own_fs(t, t->fs->cwd);
		if (flags & CLONE_NEWNS_FLAG)
			t->foreign_root = t->other_ns = true;
	}
	return ret;
}

static void invalidate_exec_probes(struct tw_model *m, int tgid, uint64_t ts)
{
	struct pending *p;

	/* A new exec of the same process before the read: exe and argv may be the new ones. */
	for (p = m->head; p; p = p->next)
		if (p->is_exec && p->probe_pid == tgid && ts > p->ts && ts < p->proc.t_read)
			p->probe_proc_ok = false;
}

static int apply_exec_enter(struct tw_model *m, struct tw_event *ev)
{
	struct task *t = task_find(m, ev->tid);

	invalidate_exec_probes(m, t && t->tgid ? t->tgid : ev->tid, ev->ts);
	if (t && t->u_exec)
		t->u_exec->enters++;
	return 0;
}

static int apply_exec(struct tw_model *m, struct tw_event *ev)
{
	int pid = ev->exec.pid;
	int old = ev->exec.old_pid;
	struct tw_record *rec;
	struct pending *p;
	struct task *t;
	char comm[16];

	invalidate_exec_probes(m, pid, ev->ts);
	if (old != pid) {
		/*
		 * A non-leader thread exec'd: the kernel gave it the leader's pid. The old tid
		 * never gets an exit event of its own, so move its entry.
		 */
		struct task *leader = task_find(m, pid);
		struct task *thread = task_find(m, old);

		if (thread) {
			if (leader) {
				thread->ppid = leader->ppid;
				task_remove(m, leader);
			}
			HASH_DEL(m->tasks, thread);
			thread->tid = pid;
			HASH_ADD_INT(m->tasks, tid, thread);
		}
	}
	t = task_find(m, pid);
	if (!t)
		t = task_unknown(m, pid);
	if (!t)
		return -ENOMEM;
	t->tgid = pid;

	p = tw_calloc(1, sizeof(*p));
	rec = tw_record_new(TW_REC_EXEC);
	if (!p || !rec)
		goto out_nomem;
	p->rec = rec;
	p->is_exec = true;
	p->ts = ev->ts;
	rec->ts_ns = ev->ts;
	rec->pid = pid;
	rec->tid = pid;
	rec->filename = steal(&ev->exec.filename);
	if (!rec->filename) {
		rec->filename = tw_strdup("");
		if (!rec->filename)
			goto out_nomem;
	}
	tw_path_comm(rec->filename, comm);
	rec->comm = tw_strdup(comm);
	if (!rec->comm)
		goto out_nomem;

	p->proc = ev->proc;
	tw_proc_read_reset(&ev->proc);
	p->probe_pid = pid;
	p->probe_proc_ok = p->proc.t_read != 0;
	p->proc_ids_ok = true;
	/* Read after the exec: a flag off then was off at the exec (they are only ever set). */
	if (p->probe_proc_ok && p->proc.nnp == 0 && t->nnp < 0)
		t->nnp = 0;
	p->nnp = t->nnp;
	p->traced = t->traced;
	p->userns = t->userns;
	p->fs_shared = t->fs->cross_process;
	if (m->opts.taskstats) {
		struct end_balance *b;

		HASH_FIND_INT(m->ends, &pid, b);
		p->stale_ends = b && b->n > 0 ? b->n : 0;
	}
	p->creds = cred_exec_pending(t->creds);
	if (!p->creds)
		goto out_nomem;
	cred_put(t->creds);
	t->creds = cred_get(p->creds);
	if (p->proc.root)
		t->foreign_root = p->proc.root == 2;
	/* A chdir of this fs-group in flight: the read may see either side of it. */
	p->probe_cwd_ok = p->proc.t_read != 0 && t->fs->inflight == 0;
	if (cwd_usable(m, t->fs->cwd))
		p->model_cwd = cwd_get(t->fs->cwd);
	p->fs = fs_get(t->fs);
	p->model_ppid = t->ppid;
	p->cg = cg_get(t->cg);
	p->uexec = take_uexec(t);
	p->foreign_root = t->foreign_root;
	p->other_ns = t->other_ns;
	p->need_fan = m->opts.fanotify;
	p->fan_tid = old;
	p->fan_since = t->fan_since;
	t->fan_since = ev->ts;
	free(t->u_chdir);
	t->u_chdir = NULL;
	t->u_chdir_set = false;
	p->hold_until = p->proc.t_read;
	if (p->model_cwd && p->model_cwd->t_read > p->hold_until)
		p->hold_until = p->model_cwd->t_read;
	return pending_push(m, p);

out_nomem:
	if (p) {
		p->rec = rec;
		pending_free(p);
	} else {
		tw_record_free(rec);
	}
	return -ENOMEM;
}

static int apply_uchdir(struct tw_model *m, struct tw_event *ev)
{
	struct task *t;
	int ret;

	/* The libc call comes before the syscall: the cwd may change from here on. */
	ret = apply_chdir_enter(m, ev);
	if (ret)
		return ret;
	t = task_find(m, ev->tid);
	free(t->u_chdir);
	t->u_chdir = steal(&ev->uchdir.path);
	t->u_chdir_set = true;
	if (ev->proc.root)
		t->foreign_root = ev->proc.root == 2;
	t->u_chdir_eprobe = ev->uchdir.eprobe;
	return 0;
}

static int apply_uexec(struct tw_model *m, struct tw_event *ev)
{
	struct task *t = task_find(m, ev->tid);
	struct uexec *u;

	invalidate_exec_probes(m, t && t->tgid ? t->tgid : ev->tid, ev->ts);
	if (!t)
		t = task_unknown(m, ev->tid);
	if (!t)
		return -ENOMEM;
	u = tw_calloc(1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	u->func = ev->uexec.func;
	u->fd = ev->uexec.fd;
	u->filename = steal(&ev->uexec.filename);
	u->argv = steal(&ev->uexec.argv);
	u->argv_len = ev->uexec.argv_len;
	u->argv_fault = ev->uexec.argv_fault || !u->argv;
	u->argv_truncated = ev->uexec.argv_truncated;
	u->eprobe = ev->uexec.eprobe;
	uexec_free(t->u_exec);
	t->u_exec = u;
	return 0;
}

static int apply_exec_fail(struct tw_model *m, struct tw_event *ev)
{
	struct task *t = task_find(m, ev->tid);
	struct tw_record *rec;
	struct uexec *u = t ? take_uexec(t) : NULL;
	int ret;

	if (t)
		t->fan_since = ev->ts;	/* later opens are for its next attempt */
	ret = new_simple_record(m, TW_REC_EXEC_FAILED, ev, t && t->tgid ? t->tgid : ev->tid, ev->tid,
				t ? t->ppid : 0, &rec);
	if (ret) {
		uexec_free(u);
		return ret;
	}
	rec->error = ev->exec_fail.ret < 0 ? strerrorname_np((int)-ev->exec_fail.ret) : NULL;
	if (!rec->error)
		rec->error = "unknown";
	if (u) {
		rec->filename = steal(&u->filename);
		if (!u->argv_fault) {
			rec->argv = steal(&u->argv);
			rec->argv_len = u->argv_len;
			if (u->eprobe)
				rec->argv_source = u->argv_truncated ? TW_PROV_EPROBE_TRUNCATED :
								       TW_PROV_EPROBE;
			else
				rec->argv_source = u->argv_truncated ? TW_PROV_UPROBE_TRUNCATED :
								       TW_PROV_UPROBE;
		}
		if (rec->filename && rec->filename[0] == '/') {
			rec->path = tw_strdup(rec->filename);
			rec->path_source = TW_PROV_ABSOLUTE;
		}
		/*
		 * A relative attempt opened no file to check the cwd against (a renamed or
		 * deleted-and-recreated directory would go unnoticed): not resolved.
		 */
		if (!rec->path)
			rec->path_source = TW_PROV_UNRESOLVED;
		rec->path_check = "unverified";
		uexec_free(u);
	}
	if (t && fill_cgroup(rec, t->cg)) {
		tw_record_free(rec);
		return -ENOMEM;
	}
	return emit_simple(m, rec, ev->ts);
}

/*
 * A task ended (taskstats): the exe it ran at the end is the final ELF of its process's last
 * exec. A lost message ends every wait for one.
 */
static int apply_task_end_exe(struct tw_model *m, struct tw_event *ev)
{
	struct pending *p, *last = NULL;

	if (ev->task_end.lost) {
		int ret = side_lost_record(m, ev, "taskstats-overflow");

		if (ret)
			return ret;
		end_balance_clear(m);	/* the ends dropped will never come */
	} else if (end_balance_add(m, ev->tid, -1)) {
		return -ENOMEM;
	}
	for (p = m->head; p; p = p->next) {
		if (!p->is_exec)
			continue;
		if (ev->task_end.lost) {
			p->end_seen = true;
			p->stale_ends = 0;
			continue;
		}
		if (p->probe_pid == ev->tid && p->ts < ev->ts && p->stale_ends > 0) {
			/* The end of a task that exited before this exec (an old leader, a reused pid). */
			p->stale_ends--;
			continue;
		}
		if (p->probe_pid == ev->tid && p->ts < ev->ts && !p->end_seen) {
			p->end_seen = true;
			last = p;
		}
	}
	/* Its real uid at the end is the exec's when no set*id call came after the exec. */
	if (last && !last->setid_after) {
		last->end_uid_ok = true;
		last->end_uid = ev->task_end.uid;
	}
	/* Only the process's last exec ran the exe it ended with. */
	if (last && ev->task_end.has_exe && ev->task_end.tgid == ev->tid) {
		last->end_has_exe = true;
		last->end_dev = ev->task_end.exe_dev;
		last->end_ino = ev->task_end.exe_ino;
	}
	return 0;
}

static int apply_setid(struct tw_model *m, struct tw_event *ev)
{
	struct task *t = task_find(m, ev->tid);

	if (!t)
		t = task_unknown(m, ev->tid);
	if (!t)
		return -ENOMEM;
	t->setid_call = ev->setid.call + 1;
	t->setid_ruid = ev->setid.ruid;
	t->setid_euid = ev->setid.euid;
	t->setid_enter = ev->ts;
	return 0;
}

/* Apply a successful set*id call to @t (not @seen: its entry was missed, the ids unknown). */
static int task_setid(struct task *t, int call, uint32_t ruid, uint32_t euid, bool seen)
{
	struct cred_value *v = seen ? cred_setid(t->creds, call, ruid, euid) :
				      cred_known(-1, -1, TW_PROV_UNTRACKED, false);

	if (!v)
		return -ENOMEM;
	cred_put(t->creds);
	t->creds = v;
	return 0;
}

/*
 * A set*id call returned. Success changes the thread's ids (a syscall event), or every
 * thread's (libc applies them process-wide, the other threads by raw syscalls unseen);
 * /proc reads after it and task ends no longer tell the ids of an exec before it.
 */
static int apply_setid_exit(struct tw_model *m, struct tw_event *ev)
{
	struct task *t = task_find(m, ev->tid);
	bool seen = t && t->setid_call == ev->setid.call + 1;
	/* The ids change inside the call: a read after its entry may already show them. */
	uint64_t since = seen ? t->setid_enter : 0;
	int call = ev->setid.call;
	uint32_t ruid = seen ? t->setid_ruid : TW_ID_KEEP;
	uint32_t euid = seen ? t->setid_euid : TW_ID_KEEP;
	struct task *leader;
	struct pending *p;
	int tgid, ret;

	if (t)
		t->setid_call = 0;
	if (ev->setid.ret != 0)
		return 0;
	if (!t)
		t = task_unknown(m, ev->tid);
	if (!t)
		return -ENOMEM;
	tgid = t->tgid ? t->tgid : t->tid;
	for (p = m->head; p; p = p->next) {
		if (!p->is_exec || p->probe_pid != tgid || ev->ts < p->ts)
			continue;
		p->setid_after = true;
		p->end_uid_ok = false;
		if (since < p->proc.t_read)
			p->proc_ids_ok = false;
	}
	leader = t->tgid ? task_find(m, t->tgid) : NULL;
	/* The other threads, when there may be any (the walk is over every task). */
	if (ev->setid.libc && t->tgid && (!leader || leader->threaded)) {
		struct task *o, *tmp;

		HASH_ITER(hh, m->tasks, o, tmp) {
			if (o->tgid != t->tgid || o == t)
				continue;
			ret = task_setid(o, call, ruid, euid, seen);
			if (ret)
				return ret;
		}
	}
	return task_setid(t, call, ruid, euid, seen);
}

static int apply_priv(struct tw_model *m, struct tw_event *ev)
{
	struct task *t = task_find(m, ev->priv.what == TW_PRIV_ATTACH ? ev->priv.target : ev->tid);

	if (!t)
		return 0;	/* unknown task: its flags are unknown already */
	if (ev->priv.what == TW_PRIV_NO_NEW_PRIVS)
		t->nnp = 1;
	else
		t->traced = 1;
	return 0;
}

static int apply_cgroup(struct tw_model *m, struct tw_event *ev)
{
	struct cgroup_ref *cg;
	struct task *t;

	if (ev->cgroup.root != CGROUP_V2_HIERARCHY)
		return 0;	/* a cgroup v1 controller hierarchy */
	t = task_find(m, ev->cgroup.pid);
	if (!t)
		t = task_unknown(m, ev->cgroup.pid);
	if (!t)
		return -ENOMEM;
	cg = cg_new(ev->cgroup.id, steal(&ev->cgroup.path));
	if (!cg)
		return -ENOMEM;
	task_set_cgroup(t, cg);
	cg_put(cg);
	return 0;
}

static int apply_lost(struct tw_model *m, struct tw_event *ev)
{
	struct cred_value *lost = cred_known(-1, -1, TW_PROV_LOST, false);
	struct task *t, *tmp;
	struct tw_record *rec;
	struct pending *p;
	int ret;

	if (!lost)
		return -ENOMEM;
	/*
	 * Whatever chdir, fork or exit was lost, no cwd learned before now can be trusted; a
	 * set*id call, prctl, ptrace or unshare may be among them: no task's uids either.
	 */
	HASH_ITER(hh, m->tasks, t, tmp) {
		cred_put(t->creds);
		t->creds = cred_get(lost);
		t->setid_call = 0;
		t->nnp = t->traced = t->userns = -1;
	}
	cred_put(lost);
	m->loss_epoch++;
	m->st.lost += ev->lost.count;
	/* The lost events may have been the very chdir, exec or exit that disproves a read. */
	for (p = m->head; p; p = p->next) {
		p->probe_cwd_ok = p->probe_proc_ok = false;
		cwd_put(p->model_cwd);
		p->model_cwd = NULL;
		p->creds_lost = true;
	}
	ret = new_simple_record(m, TW_REC_LOST, ev, 0, 0, 0, &rec);
	if (ret)
		return ret;
	rec->lost = ev->lost.count;
	rec->cpu = ev->cpu;
	return emit_simple(m, rec, ev->ts);
}

struct tw_model *tw_model_new(const struct tw_model_opts *opts)
{
	struct tw_model *m = tw_calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->opts = *opts;
	if (opts->host_loader.ino) {
		m->loaders[0].dev = opts->host_loader.dev;
		m->loaders[0].ino = opts->host_loader.ino;
		m->nr_loaders = 1;
	}
	return m;
}

void tw_model_free(struct tw_model *m)
{
	struct task *t, *tmp;
	size_t i;

	if (!m)
		return;
	HASH_ITER(hh, m->tasks, t, tmp)
		task_remove(m, t);
	while (m->head) {
		struct pending *p = m->head;

		m->head = p->next;
		pending_free(p);
	}
	for (i = 0; i < m->nr_tentative; i++)
		cwd_put(m->tentative[i]);
	free(m->tentative);
	fanq_free_all(m);
	end_balance_clear(m);
	free(m);
}

/*
 * Whether a task found at start runs a program that can change its uids unseen: as for an
 * exec (exec_unsure()), where its mappings told whether it uses the probed libc. Kernel
 * threads run no user code.
 */
static bool seed_unsure(const struct tw_model *m, const struct tw_proc_task *pt)
{
	switch (m->opts.creds) {
	case TW_CREDS_SYSCALLS:
		return false;
	case TW_CREDS_LIBC:
		return !pt->kthread && (pt->libc != 1 || pt->root == 2);
	default:
		return true;
	}
}

int tw_model_seed(struct tw_model *m, const struct tw_proc_task *pt)
{
	struct task *leader = task_find(m, pt->tgid);
	struct fsgroup *fs = NULL;
	struct task *t;

	if (task_find(m, pt->tid))
		return 0;	/* events already told us more */
	if (pt->fs_owner > 0) {
		struct task *owner = task_find(m, pt->fs_owner);

		if (owner) {
			fs = fs_get(owner->fs);	/* one fs_struct (kcmp said so) */
			if (owner->tgid != pt->tgid)
				fs->cross_process = true;
		}
	} else if (pt->fs_owner == 0 && pt->tid != pt->tgid && leader) {
		fs = fs_get(leader->fs);	/* unknown: threads normally share it */
	}
	if (!fs) {
		struct cwd_value *v = NULL;

		if (pt->cwd) {
			char *path = tw_strdup(pt->cwd);

			if (!path)
				return -ENOMEM;
			v = cwd_new(m, path, pt->t_start, pt->t_read, pt->tid, TW_PROV_SNAPSHOT);
			if (!v)
				return -ENOMEM;
		}
		fs = fs_new(v);
		cwd_put(v);
		if (!fs)
			return -ENOMEM;
	}
	t = task_add(m, pt->tid, pt->tgid, pt->ppid, fs);
	fs_put(fs);
	if (!t)
		return -ENOMEM;
	if (pt->tid != pt->tgid && leader)
		leader->threaded = true;
	t->foreign_root = pt->root == 2;
	t->nnp = (int8_t)pt->nnp;
	t->traced = (int8_t)pt->tracer;
	t->userns = (int8_t)pt->userns;
	t->creds = cred_known(pt->uid, pt->euid, TW_PROV_TRACKED, seed_unsure(m, pt));
	if (!t->creds)
		return -ENOMEM;
	if (pt->cgroup) {
		char *path = tw_strdup(pt->cgroup);
		struct cgroup_ref *cg = path ? cg_new(pt->cgroup_id, path) : NULL;

		if (!cg)
			return -ENOMEM;
		task_set_cgroup(t, cg);
		cg_put(cg);
	}
	return 0;
}

int tw_model_apply(struct tw_model *m, struct tw_event *ev)
{
	int ret;

	m->st.events++;
	if (ev->ts > m->last_ts)
		m->last_ts = ev->ts;
	switch (ev->type) {
	case TW_EV_NEWTASK:
		ret = apply_newtask(m, ev);
		break;
	case TW_EV_EXIT:
		ret = apply_exit(m, ev);
		break;
	case TW_EV_CHDIR_ENTER:
		ret = apply_chdir_enter(m, ev);
		break;
	case TW_EV_CHDIR:
		ret = apply_chdir(m, ev);
		break;
	case TW_EV_EXEC_ENTER:
		ret = apply_exec_enter(m, ev);
		break;
	case TW_EV_EXEC:
		ret = apply_exec(m, ev);
		break;
	case TW_EV_CGROUP:
		ret = apply_cgroup(m, ev);
		break;
	case TW_EV_UCHDIR:
		ret = apply_uchdir(m, ev);
		break;
	case TW_EV_UEXEC:
		ret = apply_uexec(m, ev);
		break;
	case TW_EV_EXEC_FAIL:
		ret = apply_exec_fail(m, ev);
		break;
	case TW_EV_LOST:
		ret = apply_lost(m, ev);
		break;
	case TW_EV_NS_ENTER:
		ret = apply_ns_enter(m, ev);
		break;
	case TW_EV_NS_EXIT:
		ret = apply_ns_exit(m, ev);
		break;
	case TW_EV_FAN_EXEC:
		ret = apply_fan(m, ev);
		break;
	case TW_EV_SETID:
		ret = apply_setid(m, ev);
		break;
	case TW_EV_SETID_EXIT:
		ret = apply_setid_exit(m, ev);
		break;
	case TW_EV_PRIV:
		ret = apply_priv(m, ev);
		break;
	case TW_EV_TASK_END:
		ret = apply_task_end_exe(m, ev);
		if (!ret && m->opts.task_ends)
			ret = apply_task_end(m, ev);
		break;
	default:
		ret = 0;
		break;
	}
	if (ret)
		return ret;
	/* Every event before this one has been applied: reads older than it are settled. */
	return release(m, ev->ts ? ev->ts - 1 : 0, false);
}

int tw_model_advance(struct tw_model *m, uint64_t watermark)
{
	return release(m, watermark, false);
}

int tw_model_flush(struct tw_model *m)
{
	return release(m, 0, true);
}

void tw_model_get_stats(const struct tw_model *m, struct tw_model_stats *st)
{
	*st = m->st;
	st->tasks = HASH_COUNT(m->tasks);
}
