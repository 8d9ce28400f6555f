// SPDX-License-Identifier: GPL-2.0
/* filter.c - record filters by cgroup path prefix, container id prefix, host or container. */
#include <string.h>

#include "filter.h"

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
	return true;
}
