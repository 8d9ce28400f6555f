/* SPDX-License-Identifier: GPL-2.0 */
/* filter.h - which records reach the sinks: by cgroup path prefix, container id prefix, host/container. */
#ifndef TW_FILTER_H
#define TW_FILTER_H

#include <stdbool.h>

#include "record.h"

struct tw_filter {
	const char *cgroup_prefix;	/* NULL: any */
	const char *container_prefix;	/* NULL: any */
	bool host_only;			/* records with no container id */
	bool containers_only;		/* records with a container id */
};

/*
 * Whether @rec passes @f. Lost records always pass (a loss is never filtered away). A record
 * whose cgroup is unknown fails every cgroup or container condition: it can't be shown to match.
 * A cgroup prefix matches whole path components ("/a" matches "/a" and "/a/b", not "/ab").
 */
bool tw_filter_match(const struct tw_filter *f, const struct tw_record *rec);

#endif
