// SPDX-License-Identifier: GPL-2.0
/* filter.c - record filters by cgroup path prefix, container id prefix, host or container. */
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "util.h"

int tw_filter_add(struct tw_filter_set *set, const char *value, bool is_uid)
{
	if (set->n >= TW_FILTER_MAX_VALUES)
		return -E2BIG;
	if (is_uid) {
		struct tw_user u;
		char *end;
		unsigned long v;

		errno = 0;
		v = strtoul(value, &end, 10);
		if (*value && !*end && !errno && v <= 0xfffffffful && value[0] != '-') {
			set->uids[set->n++] = (uid_t)v;
			return 0;
		}
		if (value[0] == '-' || tw_user_lookup(value, &u))
			return -EINVAL;
		set->uids[set->n++] = u.uid;
		return 0;
	}
	set->globs[set->n++] = value;
	return 0;
}

/* 1: the value is in @set; 0: it is not; -1: unknown (no value to test). */
static int in_uid_set(const struct tw_filter_set *set, long uid)
{
	int i;

	if (uid < 0)
		return -1;
	for (i = 0; i < set->n; i++)
		if ((long)set->uids[i] == uid)
			return 1;
	return 0;
}

static int in_glob_set(const struct tw_filter_set *set, const char *s)
{
	int i;

	if (!s)
		return -1;
	for (i = 0; i < set->n; i++)
		if (fnmatch(set->globs[i], s, 0) == 0)
			return 1;
	return 0;
}

/* --X needs a value shown to be in the set; --exclude-X drops only one shown to be in it. */
static bool passes(const struct tw_filter_set *want, const struct tw_filter_set *no, int in_want,
		   int in_no)
{
	if (want->n && in_want != 1)
		return false;
	if (no->n && in_no == 1)
		return false;
	return true;
}

static bool path_prefix(const char *prefix, const char *path)
{
	size_t n = strlen(prefix);

	while (n > 1 && prefix[n - 1] == '/')
		n--;
	if (strncmp(path, prefix, n))
		return false;
	return path[n] == '\0' || path[n] == '/' || (n == 1 && prefix[0] == '/');
}

bool tw_filter_match(const struct tw_filter *f, const struct tw_record *rec)
{
	bool in_container = rec->container_id && rec->container_id[0];

	if (rec->type == TW_REC_LOST)
		return true;
	if (f->cgroup_prefix && (!rec->cgroup_path || !path_prefix(f->cgroup_prefix, rec->cgroup_path)))
		return false;
	if (f->container_prefix &&
	    (!in_container ||
	     strncmp(rec->container_id, f->container_prefix, strlen(f->container_prefix))))
		return false;
	if (f->host_only && (in_container || !rec->cgroup_path))
		return false;
	if (f->containers_only && !in_container)
		return false;
	if ((f->uid.n || f->no_uid.n) &&
	    !passes(&f->uid, &f->no_uid, in_uid_set(&f->uid, rec->uid),
		    in_uid_set(&f->no_uid, rec->uid)))
		return false;
	if ((f->comm.n || f->no_comm.n) &&
	    !passes(&f->comm, &f->no_comm, in_glob_set(&f->comm, rec->comm),
		    in_glob_set(&f->no_comm, rec->comm)))
		return false;
	if (f->path.n || f->no_path.n) {
		if (!passes(&f->path, &f->no_path, in_glob_set(&f->path, rec->path),
			    in_glob_set(&f->no_path, rec->path)))
			return false;
	}
	return true;
}
