// SPDX-License-Identifier: GPL-2.0
/* ident.c - exec_id and parent_exec_id of each record, from the fork/exec/exit records. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "ident.h"
#include "util.h"

/* BOOT:PID:START:N, each part at most 8, 10, 20 and 10 characters. */
#define EXEC_ID_SIZE 64

struct proc {
	int pid;
	uint64_t start_ns;	/* 0: unknown */
	unsigned int execs;
	char *path;		/* the current image's path, NULL unknown */
	char exec_id[EXEC_ID_SIZE];	/* the current image's id, "" unknown */
	char parent_exec_id[EXEC_ID_SIZE];	/* the image that forked it, "" unknown */
	char *parent_path;
	UT_hash_handle hh;
};

struct tw_ident {
	char boot[9];
	struct proc *procs;
};

struct tw_ident *tw_ident_new(const char *boot_id)
{
	struct tw_ident *id = tw_calloc(1, sizeof(*id));
	size_t i, n = 0;

	if (!id)
		return NULL;
	for (i = 0; boot_id && boot_id[i] && n < 8; i++)
		if ((boot_id[i] >= '0' && boot_id[i] <= '9') || (boot_id[i] >= 'a' && boot_id[i] <= 'f'))
			id->boot[n++] = boot_id[i];
	while (n < 8)
		id->boot[n++] = '0';
	return id;
}

static void proc_free(struct proc *p)
{
	free(p->path);
	free(p->parent_path);
	free(p);
}

void tw_ident_free(struct tw_ident *id)
{
	struct proc *p, *tmp;

	if (!id)
		return;
	HASH_ITER(hh, id->procs, p, tmp) {
		HASH_DEL(id->procs, p);
		proc_free(p);
	}
	free(id);
}

static struct proc *find(struct tw_ident *id, int pid)
{
	struct proc *p;

	HASH_FIND_INT(id->procs, &pid, p);
	return p;
}

static void drop(struct tw_ident *id, int pid)
{
	struct proc *p = find(id, pid);

	if (p) {
		HASH_DEL(id->procs, p);
		proc_free(p);
	}
}

static void set_id(struct tw_ident *id, struct proc *p)
{
	if (p->start_ns)
		snprintf(p->exec_id, sizeof(p->exec_id), "%s:%d:%llu:%u", id->boot, p->pid,
			 (unsigned long long)p->start_ns, p->execs);
	else
		p->exec_id[0] = 0;
}

/* A new entry for @pid (replacing an old one: the pid was reused). NULL on ENOMEM. */
static struct proc *add(struct tw_ident *id, int pid, uint64_t start_ns, const struct proc *parent)
{
	struct proc *p = tw_calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->pid = pid;
	p->start_ns = start_ns;
	if (parent) {
		/* Until it execs, the child runs the parent's image. */
		memcpy(p->parent_exec_id, parent->exec_id, sizeof(p->parent_exec_id));
		memcpy(p->exec_id, parent->exec_id, sizeof(p->exec_id));
		if (parent->path && !(p->parent_path = tw_strdup(parent->path))) {
			free(p);
			return NULL;
		}
	}
	drop(id, pid);
	HASH_ADD_INT(id->procs, pid, p);
	return p;
}

int tw_ident_seed(struct tw_ident *id, int pid, uint64_t start_ns)
{
	struct proc *p;

	if (find(id, pid))
		return 0;
	p = add(id, pid, start_ns, NULL);
	if (!p)
		return -ENOMEM;
	set_id(id, p);
	return 0;
}

static int copy_out(char **dst, const char *src)
{
	if (!src || !src[0])
		return 0;
	*dst = tw_strdup(src);
	return *dst ? 0 : -ENOMEM;
}

int tw_ident_record(struct tw_ident *id, struct tw_record *rec)
{
	struct proc *p;

	switch (rec->type) {
	case TW_REC_FORK:
		/* A process, not a thread: pid == tid. */
		if (rec->pid != rec->tid)
			return 0;
		return add(id, rec->pid, rec->ts_ns, rec->ppid ? find(id, rec->ppid) : NULL) ?
			       0 : -ENOMEM;
	case TW_REC_EXEC:
		p = find(id, rec->pid);
		if (!p) {
			/* Started before tracing and not in the snapshot: its start is unknown. */
			p = add(id, rec->pid, 0, NULL);
			if (!p)
				return -ENOMEM;
		}
		if (!p->parent_exec_id[0] && !p->parent_path && rec->ppid) {
			struct proc *parent = find(id, rec->ppid);

			/* Known from the snapshot only: the parent as it is now. */
			if (parent && parent->start_ns && !p->start_ns) {
				memcpy(p->parent_exec_id, parent->exec_id, sizeof(p->parent_exec_id));
				if (copy_out(&p->parent_path, parent->path))
					return -ENOMEM;
			}
		}
		p->execs++;
		set_id(id, p);
		free(p->path);
		p->path = NULL;
		if (copy_out(&p->path, rec->path))
			return -ENOMEM;
		if (copy_out(&rec->exec_id, p->exec_id) ||
		    copy_out(&rec->parent_exec_id, p->parent_exec_id) ||
		    copy_out(&rec->parent_path, p->parent_path))
			return -ENOMEM;
		return 0;
	case TW_REC_EXIT:
	case TW_REC_EXEC_FAILED:
		p = find(id, rec->pid);
		if (p && (copy_out(&rec->exec_id, p->exec_id) ||
			  copy_out(&rec->parent_exec_id, p->parent_exec_id) ||
			  copy_out(&rec->parent_path, p->parent_path)))
			return -ENOMEM;
		if (rec->type == TW_REC_EXIT)
			drop(id, rec->pid);
		return 0;
	default:
		return 0;
	}
}
