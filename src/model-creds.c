// SPDX-License-Identifier: GPL-2.0
/*
 * model-creds.c - the real and effective uid the model follows for each task.
 *
 * The rule: a value is known only when every change since a kernel-given value was seen.
 *  - Values come from the kernel: /proc at start (snapshot) or at an exec, the task's end
 *    (taskstats), the executed file's owner and mode (fanotify).
 *  - A fork copies them (copy_creds()); an exec keeps the real uid and takes the file's owner
 *    as euid when the set-user-ID bit applies (decided when its record is finished, see
 *    cred_resolve_exec() in model.c); a set*id call seen to succeed applies its arguments.
 *  - "unsure": the program the task runs can change them unseen (a static program when only
 *    libc calls are seen). Its values stay exact at the moment they were learned; what is
 *    derived later (a fork, a call) starts from unknown.
 * Nodes are shared by reference; an exec's node stays pending until its record is finished,
 * and nodes derived from a pending one are evaluated when first needed (always after it).
 */
#include <stdlib.h>

#include "model-impl.h"
#include "util.h"

static struct cred_value *cred_alloc(enum cred_kind kind)
{
	struct cred_value *v = tw_calloc(1, sizeof(*v));

	if (!v)
		return NULL;
	v->refs = 1;
	v->kind = kind;
	v->uid = v->euid = -1;
	v->src = TW_PROV_UNRESOLVED;
	return v;
}

struct cred_value *cred_get(struct cred_value *v)
{
	if (v)
		v->refs++;
	return v;
}

void cred_put(struct cred_value *v)
{
	while (v && --v->refs == 0) {
		struct cred_value *base = v->base;

		free(v);
		v = base;	/* iteratively: chains of pending nodes may be long */
	}
}

struct cred_value *cred_known(long uid, long euid, enum tw_prov src, bool unsure)
{
	struct cred_value *v = cred_alloc(CRED_KNOWN);

	if (!v)
		return NULL;
	v->uid = uid;
	v->euid = euid;
	v->src = uid < 0 && euid < 0 && (src == TW_PROV_TRACKED || src == TW_PROV_PROC) ?
			 TW_PROV_UNRESOLVED : src;
	v->unsure = unsure;
	return v;
}

static struct cred_value *cred_derived(enum cred_kind kind, struct cred_value *base)
{
	struct cred_value *v = cred_alloc(kind);

	if (v)
		v->base = cred_get(base);
	return v;
}

struct cred_value *cred_exec_pending(struct cred_value *before)
{
	return cred_derived(CRED_EXEC, before);
}

/*
 * Known values of a node whose base is known: what it derives to. A base that is unsure
 * (or unknown) gives unknown ids: a change may have been missed since it was learned.
 */
static void derive(struct cred_value *v, const struct cred_value *b)
{
	long bu = b && !b->unsure ? b->uid : -1;
	long be = b && !b->unsure ? b->euid : -1;
	enum tw_prov why = !b ? TW_PROV_UNRESOLVED :
			   b->uid < 0 && b->euid < 0 ? b->src :
			   b->unsure ? TW_PROV_UNTRACKED : TW_PROV_TRACKED;

	v->unsure = b && b->unsure;
	if (v->kind == CRED_FORK) {
		v->uid = bu;
		v->euid = be;
	} else {
		/* CRED_SETID: the call succeeded (only successful calls make a node). */
		switch (v->call) {
		case TW_SETID_SETUID:
			/*
			 * With privilege (euid 0: CAP_SETUID) every id becomes @ruid, else
			 * only the euid. Unknown privilege: the real uid only if it is the same.
			 */
			v->euid = v->ruid_arg;
			if (be == 0 || bu == (long)v->ruid_arg)
				v->uid = v->ruid_arg;
			else if (be > 0)
				v->uid = bu;
			else
				v->uid = -1;
			break;
		case TW_SETID_SETEUID:
			v->uid = bu;
			v->euid = v->euid_arg;
			break;
		default:	/* setreuid, setresuid */
			v->uid = v->ruid_arg != TW_ID_KEEP ? (long)v->ruid_arg : bu;
			v->euid = v->euid_arg != TW_ID_KEEP ? (long)v->euid_arg : be;
			break;
		}
	}
	v->src = v->uid < 0 && v->euid < 0 ? why : TW_PROV_TRACKED;
	if (v->uid < 0 && v->euid < 0 && why == TW_PROV_TRACKED)
		v->src = TW_PROV_UNTRACKED;
}

void cred_eval(struct cred_value *v)
{
	if (!v || v->kind == CRED_KNOWN || v->kind == CRED_EXEC)
		return;
	cred_eval(v->base);
	if (v->base && v->base->kind == CRED_EXEC)
		return;		/* still pending: read as unknown meanwhile */
	derive(v, v->base);
	v->kind = CRED_KNOWN;
	cred_put(v->base);
	v->base = NULL;
}

/* The ids @v gives from now on (a node of an unsure program: unknown). */
void cred_read(struct cred_value *v, struct cred_now *out)
{
	cred_eval(v);
	out->uid = out->euid = -1;
	out->unsure = false;
	out->src = TW_PROV_UNRESOLVED;
	if (!v)
		return;
	if (v->kind != CRED_KNOWN) {
		out->src = TW_PROV_UNTRACKED;
		return;
	}
	out->unsure = v->unsure;
	out->src = v->src;
	if (v->unsure) {
		/* Exact when learned; since then its program may have changed them unseen. */
		if (v->uid >= 0 || v->euid >= 0)
			out->src = TW_PROV_UNTRACKED;
		return;
	}
	out->uid = v->uid;
	out->euid = v->euid;
}

struct cred_value *cred_fork(struct cred_value *parent)
{
	struct cred_value *v;

	cred_eval(parent);
	/* A known, sure node is copied as it is: the fork changes nothing. */
	if (!parent || (parent->kind == CRED_KNOWN && !parent->unsure &&
			(parent->src == TW_PROV_TRACKED ||
			 (parent->uid < 0 && parent->euid < 0))))
		return cred_get(parent);
	v = cred_derived(CRED_FORK, parent);
	cred_eval(v);
	return v;
}

struct cred_value *cred_setid(struct cred_value *base, int call, uint32_t ruid, uint32_t euid)
{
	struct cred_value *v = cred_derived(CRED_SETID, base);

	if (!v)
		return NULL;
	v->call = call;
	v->ruid_arg = ruid;
	v->euid_arg = euid;
	cred_eval(v);
	return v;
}

void cred_resolve_exec(struct cred_value *v, const struct cred_now *now)
{
	if (!v || v->kind != CRED_EXEC)
		return;
	cred_put(v->base);
	v->base = NULL;
	v->kind = CRED_KNOWN;
	v->uid = now->uid;
	v->euid = now->euid;
	v->src = now->src;
	v->unsure = now->unsure;
}
