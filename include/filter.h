/* SPDX-License-Identifier: GPL-2.0 */
/* filter.h - which records reach the sinks: by cgroup path prefix, container id prefix, host/container. */
#ifndef TW_FILTER_H
#define TW_FILTER_H

#include <stdbool.h>
#include <sys/types.h>

#include "record.h"

/* Values one option may be given (repeated: any of them matches). */
#define TW_FILTER_MAX_VALUES 16

/* One repeatable condition: the record's value is one of @uids, or matches one of @globs. */
struct tw_filter_set {
	int n;
	uid_t uids[TW_FILTER_MAX_VALUES];
	const char *globs[TW_FILTER_MAX_VALUES];	/* fnmatch(3) patterns, '*' matches '/' */
};

struct tw_filter {
	const char *cgroup_prefix;	/* NULL: any */
	const char *container_prefix;	/* NULL: any */
	bool host_only;			/* records with no container id */
	bool containers_only;		/* records with a container id */
	struct tw_filter_set uid, comm, path;		/* --uid, --comm, --path */
	struct tw_filter_set no_uid, no_comm, no_path;	/* --exclude-uid, ... */
};

/*
 * Add @value to @set: a uid (a number or a user name) when @is_uid, else a glob pattern
 * (borrowed: it must outlive the filter). Returns 0, -E2BIG when the set is full, or
 * -EINVAL for an unknown user name.
 */
int tw_filter_add(struct tw_filter_set *set, const char *value, bool is_uid);

/*
 * Whether @rec passes @f. Lost records always pass (a loss is never filtered away). A record
 * whose cgroup is unknown fails every cgroup or container condition: it can't be shown to match.
 * A cgroup prefix matches whole path components ("/a" matches "/a" and "/a/b", not "/ab").
 * The same rule for the others: a record whose uid, comm or path is unknown fails --uid,
 * --comm and --path (it can't be shown to match) and passes their --exclude-* forms (it can't
 * be shown to be excluded). --path looks at the path of exec records and at the attempted
 * path of failed ones.
 */
bool tw_filter_match(const struct tw_filter *f, const struct tw_record *rec);

#endif
