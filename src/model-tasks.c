// SPDX-License-Identifier: GPL-2.0
/* model-tasks.c - the model's task table: tasks, the fs-groups (cwd) they share, cgroup refs. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model-impl.h"
#include "util.h"

void cwd_put(struct cwd_value *v)
{
	if (v && --v->refs == 0) {
		free(v->path);
		free(v);
	}
}

struct cwd_value *cwd_get(struct cwd_value *v)
{
	if (v)
		v->refs++;
	return v;
}

void fs_put(struct fsgroup *fs)
{
	if (fs && --fs->refs == 0) {
		cwd_put(fs->cwd);
		free(fs);
	}
}

struct fsgroup *fs_get(struct fsgroup *fs)
{
	if (fs)
		fs->refs++;
	return fs;
}

struct fsgroup *fs_new(struct cwd_value *cwd)
{
	struct fsgroup *fs = tw_calloc(1, sizeof(*fs));

	if (!fs)
		return NULL;
	fs->refs = 1;
	fs->cwd = cwd_get(cwd);
	return fs;
}

/* Replace the cwd of @fs by @v (a new reference is taken). */
void fs_set_cwd(struct fsgroup *fs, struct cwd_value *v)
{
	cwd_get(v);
	cwd_put(fs->cwd);
	fs->cwd = v;
}

/* Known, not disproved, and learned after the last loss of events. */
bool cwd_usable(const struct tw_model *m, const struct cwd_value *v)
{
	return v && v->path && !v->invalid && v->loss_epoch == m->loss_epoch;
}

/* At release: the loss epoch was checked when the record took the value. */
bool cwd_still_valid(const struct cwd_value *v)
{
	return v && v->path && !v->invalid;
}

int track_tentative(struct tw_model *m, struct cwd_value *v)
{
	if (m->nr_tentative == m->cap_tentative) {
		size_t cap = m->cap_tentative ? m->cap_tentative * 2 : 16;
		struct cwd_value **n = tw_realloc(m->tentative, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		m->tentative = n;
		m->cap_tentative = cap;
	}
	m->tentative[m->nr_tentative++] = cwd_get(v);
	v->listed = true;
	return 0;
}

/* A /proc link's text (exe, cwd): @len without the kernel's " (deleted)". */
size_t exe_link_len(const char *exe)
{
	size_t n = strlen(exe), k = strlen(DELETED_SUFFIX);

	if (n > k && !strcmp(exe + n - k, DELETED_SUFFIX))
		return n - k;
	return n;
}

/* A value read from /proc during [t_start, t_read] by task @tid. Takes @path, even on failure. */
struct cwd_value *cwd_new(struct tw_model *m, char *path, uint64_t t_start,
				 uint64_t t_read, int tid, enum tw_prov source)
{
	struct cwd_value *v = tw_calloc(1, sizeof(*v));

	if (!v) {
		free(path);
		return NULL;
	}
	if (path && exe_link_len(path) != strlen(path)) {
		/* " (deleted)": a deleted directory (or one named so): no path to report. */
		free(path);
		path = NULL;
	}
	v->refs = 1;
	v->path = path;
	v->loss_epoch = m->loss_epoch;
	v->t_start = t_start;
	v->t_read = t_read;
	v->probe_tid = tid;
	v->source = source;
	if (path && t_read > m->last_ts && track_tentative(m, v)) {
		cwd_put(v);
		return NULL;
	}
	return v;
}

/*
 * Events at @ts that prove tentative values wrong: task @tid exited before the read began,
 * or a new task got @tid before the read ended (the read may have seen the new task).
 * Values whose read the stream has passed are confirmed and leave the list.
 */
void check_tentative(struct tw_model *m, uint64_t ts, int exited_tid, int new_tid)
{
	size_t i, j = 0;

	for (i = 0; i < m->nr_tentative; i++) {
		struct cwd_value *v = m->tentative[i];

		if (v->t_read < ts || v->refs == 1) {
			v->listed = false;
			cwd_put(v);
			continue;
		}
		if (exited_tid && v->probe_tid == exited_tid && ts < v->t_start)
			v->invalid = true;
		if (new_tid && v->probe_tid == new_tid && ts < v->t_read)
			v->invalid = true;
		m->tentative[j++] = v;
	}
	m->nr_tentative = j;
}

void cg_put(struct cgroup_ref *cg)
{
	if (cg && --cg->refs == 0) {
		free(cg->path);
		free(cg);
	}
}

struct cgroup_ref *cg_get(struct cgroup_ref *cg)
{
	if (cg)
		cg->refs++;
	return cg;
}

/* Takes @path, even on failure. */
struct cgroup_ref *cg_new(uint64_t id, char *path)
{
	struct cgroup_ref *cg = tw_calloc(1, sizeof(*cg));

	if (!cg) {
		free(path);
		return NULL;
	}
	cg->refs = 1;
	cg->id = id;
	cg->path = path;
	tw_container_parse(path, &cg->ct);
	return cg;
}

void task_set_cgroup(struct task *t, struct cgroup_ref *cg)
{
	cg_get(cg);
	cg_put(t->cg);
	t->cg = cg;
}

void uexec_free(struct uexec *u)
{
	if (!u)
		return;
	free(u->filename);
	free(u->argv);
	free(u);
}

/* The libc call the exec syscall belongs to, if exactly one syscall followed it. */
struct uexec *take_uexec(struct task *t)
{
	struct uexec *u = t->u_exec;

	t->u_exec = NULL;
	if (u && u->enters > 1) {
		uexec_free(u);
		return NULL;
	}
	return u;
}

void task_clear_calls(struct task *t)
{
	free(t->s_chdir);
	t->s_chdir = NULL;
	free(t->u_chdir);
	t->u_chdir = NULL;
	t->u_chdir_set = false;
	uexec_free(t->u_exec);
	t->u_exec = NULL;
}

struct task *task_find(struct tw_model *m, int tid)
{
	struct task *t;

	HASH_FIND_INT(m->tasks, &tid, t);
	return t;
}

void task_remove(struct tw_model *m, struct task *t)
{
	HASH_DEL(m->tasks, t);
	fs_put(t->fs);
	cg_put(t->cg);
	cred_put(t->creds);
	task_clear_calls(t);
	free(t->end);
	free(t);
}

/* Add a task, replacing a stale entry for the same tid. It takes a reference to @fs. */
struct task *task_add(struct tw_model *m, int tid, int tgid, int ppid, struct fsgroup *fs)
{
	struct task *t = task_find(m, tid);

	if (t)
		task_remove(m, t);
	t = tw_calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->tid = tid;
	t->tgid = tgid;
	t->ppid = ppid;
	t->fs = fs_get(fs);
	t->nnp = t->traced = t->userns = -1;
	HASH_ADD_INT(m->tasks, tid, t);
	return t;
}

/* A task we have never heard of (events lost, or raced the snapshot): nothing known. */
struct task *task_unknown(struct tw_model *m, int tid)
{
	struct fsgroup *fs = fs_new(NULL);
	struct task *t;

	if (!fs)
		return NULL;
	t = task_add(m, tid, 0, 0, fs);
	fs_put(fs);
	return t;
}
