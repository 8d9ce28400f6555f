// SPDX-License-Identifier: GPL-2.0
/* runtree.c - the process tree of `tracewatch run`: tree, summary and timeline outputs. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "escape.h"
#include "runtree.h"
#include "util.h"

#define COLOR_FAIL "\033[1;31m"
#define COLOR_OFF "\033[0m"

/* A failed exec attempt. */
struct fail {
	uint64_t ts;
	char *what;		/* path, else filename as passed; NULL unknown */
	const char *error;	/* errno name, static */
	bool hidden;		/* a PATH search miss */
	struct fail *next;
};

struct proc {
	int pid;
	uint64_t start;		/* 0 unknown */
	uint64_t end;		/* exit time; 0 still running */
	bool ended;
	char *comm;		/* at fork or exit */
	char *path;		/* last successful exec; NULL unknown or none */
	char *filename;
	char *argv;
	size_t argv_len;
	char *chain;		/* basenames of earlier execs, " → "-joined; NULL none */
	unsigned int execs;
	unsigned int folded;	/* failed attempts the pipeline folded into its execs */
	int exit_code;		/* -1 unknown */
	int exit_signal;	/* 0 none */
	struct fail *fails, **fails_tail;
	struct proc *parent;
	struct proc *child, *child_tail, *sibling;
	struct proc *all_next;	/* every process, for freeing and walking */
	UT_hash_handle hh;	/* by pid: the current holder of that pid */
};

struct tw_runtree {
	int root_pid;
	uint64_t t0;		/* the root's start: timeline time 0 */
	uint64_t end;		/* end of tracing; 0 not yet */
	struct proc *by_pid;
	struct proc *all, **all_tail;
	struct proc *root;
};

static struct proc *proc_new(struct tw_runtree *t, int pid, struct proc *parent, uint64_t start)
{
	struct proc *p = tw_calloc(1, sizeof(*p));
	struct proc *old;

	if (!p)
		return NULL;
	p->pid = pid;
	p->start = start;
	p->exit_code = -1;
	p->fails_tail = &p->fails;
	p->parent = parent;
	if (parent) {
		if (parent->child_tail)
			parent->child_tail->sibling = p;
		else
			parent->child = p;
		parent->child_tail = p;
	}
	*t->all_tail = p;
	t->all_tail = &p->all_next;
	HASH_FIND_INT(t->by_pid, &pid, old);
	if (old)
		HASH_DEL(t->by_pid, old);	/* a reused pid: the old process stays in the tree */
	HASH_ADD_INT(t->by_pid, pid, p);
	return p;
}

static struct proc *proc_find(const struct tw_runtree *t, int pid)
{
	struct proc *p;

	HASH_FIND_INT(t->by_pid, &pid, p);
	return p;
}

struct tw_runtree *tw_runtree_new(int root_pid, uint64_t start_ns)
{
	struct tw_runtree *t = tw_calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->root_pid = root_pid;
	t->t0 = start_ns;
	t->all_tail = &t->all;
	t->root = proc_new(t, root_pid, NULL, start_ns);
	if (!t->root) {
		free(t);
		return NULL;
	}
	return t;
}

void tw_runtree_free(struct tw_runtree *t)
{
	struct proc *p, *next;

	if (!t)
		return;
	HASH_CLEAR(hh, t->by_pid);
	for (p = t->all; p; p = next) {
		next = p->all_next;
		while (p->fails) {
			struct fail *f = p->fails;

			p->fails = f->next;
			free(f->what);
			free(f);
		}
		free(p->comm);
		free(p->path);
		free(p->filename);
		free(p->argv);
		free(p->chain);
		free(p);
	}
	free(t);
}

static const char *base_name(const char *s)
{
	const char *slash = s ? strrchr(s, '/') : NULL;

	return slash ? slash + 1 : s;
}

/* The name a process runs as: its last exec's program, else its comm. */
static const char *proc_name(const struct proc *p)
{
	if (p->path)
		return base_name(p->path);
	if (p->filename && p->filename[0])
		return base_name(p->filename);
	return p->comm ? p->comm : "?";
}

/* Earlier attempts of this process that were a PATH search for @name. */
static void hide_path_misses(struct proc *p, const char *name)
{
	struct fail *f;

	for (f = p->fails; f; f = f->next) {
		if (f->hidden || !f->error || !f->what)
			continue;
		if ((!strcmp(f->error, "ENOENT") || !strcmp(f->error, "ENOTDIR") ||
		     !strcmp(f->error, "EACCES")) && !strcmp(base_name(f->what), name))
			f->hidden = true;
	}
}

static int replace(char **dst, const char *src)
{
	char *copy = NULL;

	if (src) {
		copy = tw_strdup(src);
		if (!copy)
			return -ENOMEM;
	}
	free(*dst);
	*dst = copy;
	return 0;
}

static int add_exec(struct proc *p, const struct tw_record *rec)
{
	char *argv = NULL;

	if (p->execs) {
		struct tw_buf b = { 0 };

		if ((p->chain && (tw_buf_puts(&b, p->chain) || tw_buf_puts(&b, " \u2192 "))) ||
		    tw_buf_puts(&b, proc_name(p))) {
			tw_buf_release(&b);
			return -ENOMEM;
		}
		free(p->chain);
		p->chain = b.data;
	}
	if (rec->argv) {
		argv = tw_memdup(rec->argv, rec->argv_len + 1);
		if (!argv)
			return -ENOMEM;
		argv[rec->argv_len] = 0;
	}
	if (replace(&p->path, rec->path) || replace(&p->filename, rec->filename)) {
		free(argv);
		return -ENOMEM;
	}
	free(p->argv);
	p->argv = argv;
	p->argv_len = rec->argv ? rec->argv_len : 0;
	p->execs++;
	if (rec->failed_attempts > 0)
		p->folded += (unsigned int)rec->failed_attempts;
	hide_path_misses(p, proc_name(p));
	return 0;
}

static int add_fail(struct proc *p, const struct tw_record *rec)
{
	struct fail *f = tw_calloc(1, sizeof(*f));
	const char *what = rec->path ? rec->path : rec->filename;

	if (!f)
		return -ENOMEM;
	f->ts = rec->ts_ns;
	f->error = rec->error;
	if (what) {
		f->what = tw_strdup(what);
		if (!f->what) {
			free(f);
			return -ENOMEM;
		}
	}
	*p->fails_tail = f;
	p->fails_tail = &f->next;
	return 0;
}

int tw_runtree_add(struct tw_runtree *t, const struct tw_record *rec)
{
	struct proc *p, *parent;

	switch (rec->type) {
	case TW_REC_FORK:
		parent = proc_find(t, rec->ppid);
		if (!parent || parent->ended)
			return 0;	/* not ours (the pipeline's tree filter lets none through) */
		p = proc_new(t, rec->pid, parent, rec->ts_ns);
		if (!p)
			return -ENOMEM;
		/* Until it execs, a child runs its parent's program. */
		return replace(&p->comm, parent->execs ? proc_name(parent) : rec->comm);
	case TW_REC_EXEC:
		p = proc_find(t, rec->pid);
		return p && !p->ended ? add_exec(p, rec) : 0;
	case TW_REC_EXEC_FAILED:
		p = proc_find(t, rec->pid);
		return p && !p->ended ? add_fail(p, rec) : 0;
	case TW_REC_EXIT:
		p = proc_find(t, rec->pid);
		if (!p || p->ended)
			return 0;
		p->ended = true;
		p->end = rec->ts_ns;
		/* (The root starts when it is released, not at its fork before tracing.) */
		if (!p->start && rec->start_ns)
			p->start = rec->start_ns;
		p->exit_code = rec->exit_code;
		p->exit_signal = rec->exit_signal;
		if (!p->comm && rec->comm)
			return replace(&p->comm, rec->comm);
		return 0;
	default:
		return 0;
	}
}

void tw_runtree_end(struct tw_runtree *t, uint64_t end_ns)
{
	t->end = end_ns;
}

static bool proc_failed(const struct proc *p)
{
	return p->exit_signal || p->exit_code > 0;
}

static unsigned int visible_fails(const struct proc *p)
{
	const struct fail *f;
	unsigned int n = 0;

	for (f = p->fails; f; f = f->next)
		n += !f->hidden;
	return n;
}

void tw_runtree_get_counts(const struct tw_runtree *t, struct tw_runtree_counts *c)
{
	const struct proc *p;
	const struct fail *f;

	memset(c, 0, sizeof(*c));
	for (p = t->all; p; p = p->all_next) {
		c->processes++;
		c->execs += p->execs;
		c->path_misses += p->folded;
		for (f = p->fails; f; f = f->next) {
			if (f->hidden)
				c->path_misses++;
			else
				c->failed_execs++;
		}
		if (!p->ended)
			c->running++;
		else if (p->exit_signal)
			c->killed++;
		else if (p->exit_code > 0)
			c->nonzero_exits++;
	}
}

/* "412 ms", "3.25 ms", "4.1 s", "95 s"; "?" when unknown. */
static void fmt_duration(char *buf, size_t size, uint64_t ns, bool known)
{
	double ms = ns / 1e6;

	if (!known)
		snprintf(buf, size, "?");
	else if (ms < 10)
		snprintf(buf, size, "%.2f ms", ms);
	else if (ms < 1000)
		snprintf(buf, size, "%.0f ms", ms);
	else if (ms < 100000)
		snprintf(buf, size, "%.1f s", ms / 1000);
	else
		snprintf(buf, size, "%.0f s", ms / 1000);
}

static bool proc_duration(const struct tw_runtree *t, const struct proc *p, uint64_t *ns)
{
	uint64_t end = p->ended ? p->end : t->end;

	if (!p->start || !end || end < p->start)
		return false;
	*ns = end - p->start;
	return true;
}

/* The label: earlier programs, the last exec's argv (escaped, cut), its path if argv[0] hides it. */
static int proc_label(const struct proc *p, struct tw_buf *b)
{
	size_t start = b->len;

	if (p->chain && (tw_buf_puts(b, p->chain) || tw_buf_puts(b, " \u2192 ")))
		return -ENOMEM;
	if (!p->execs) {
		if (tw_buf_puts(b, "(fork of ") || tw_escape(b, proc_name(p), strlen(proc_name(p))) ||
		    tw_buf_putc(b, ')'))
			return -ENOMEM;
	} else if (p->argv && p->argv_len) {
		if (tw_escape_argv(b, p->argv, p->argv_len))
			return -ENOMEM;
	} else if (tw_escape(b, proc_name(p), strlen(proc_name(p)))) {
		return -ENOMEM;
	}
	if (b->len - start > TW_RUNTREE_LABEL_MAX) {
		/* Cut on a UTF-8 character boundary. */
		size_t cut = start + TW_RUNTREE_LABEL_MAX;

		while (cut > start && ((unsigned char)b->data[cut] & 0xc0) == 0x80)
			cut--;
		b->len = cut;
		b->data[cut] = 0;
		if (tw_buf_puts(b, "..."))
			return -ENOMEM;
	}
	if (p->execs && p->path && p->argv && p->argv_len &&
	    strcmp(base_name(p->argv), base_name(p->path))) {
		if (tw_buf_puts(b, " (") || tw_escape(b, p->path, strlen(p->path)) ||
		    tw_buf_putc(b, ')'))
			return -ENOMEM;
	}
	return 0;
}

static int proc_status(const struct proc *p, struct tw_buf *b)
{
	const char *name;

	if (!p->ended)
		return tw_buf_puts(b, "still running");
	if (p->exit_signal) {
		name = tw_record_signal_name(p->exit_signal);
		return name ? tw_buf_printf(b, "killed by %s", name) :
			      tw_buf_printf(b, "killed by signal %d", p->exit_signal);
	}
	if (p->exit_code >= 0)
		return tw_buf_printf(b, "exit %d", p->exit_code);
	return tw_buf_puts(b, "exit status unknown");
}

/*
 * What makes siblings "identical" for collapsing: the program and, recursively, the
 * programs of their children, appended to @b. Returns 0 or -ENOMEM.
 */
static int signature(const struct proc *p, struct tw_buf *b)
{
	const struct proc *c;

	if (tw_buf_puts(b, p->path ? p->path : proc_name(p)) || tw_buf_putc(b, '('))
		return -ENOMEM;
	for (c = p->child; c; c = c->sibling)
		if (signature(c, b) || tw_buf_putc(b, ','))
			return -ENOMEM;
	return tw_buf_putc(b, ')');
}

/* A process that may be folded into a run: ended with 0, no failed exec in its subtree. */
static bool plain(const struct proc *p)
{
	const struct proc *c;

	if (!p->ended || p->exit_code != 0 || p->exit_signal || visible_fails(p))
		return false;
	for (c = p->child; c; c = c->sibling)
		if (!plain(c))
			return false;
	return true;
}

/* How many siblings from @p on form a run of identical plain processes (1: no run). */
static int run_length(const struct proc *p, int *err)
{
	struct tw_buf a = { 0 }, b = { 0 };
	const struct proc *q;
	int n = 1;

	if (!plain(p))
		return 1;
	if (signature(p, &a)) {
		*err = -ENOMEM;
		return 1;
	}
	for (q = p->sibling; q && plain(q); q = q->sibling) {
		tw_buf_reset(&b);
		if (signature(q, &b)) {
			*err = -ENOMEM;
			break;
		}
		if (b.len != a.len || memcmp(a.data, b.data, a.len))
			break;
		n++;
	}
	tw_buf_release(&a);
	tw_buf_release(&b);
	return n;
}

struct printer {
	const struct tw_runtree *t;
	FILE *f;
	bool color;
	struct tw_buf prefix;
	struct tw_buf line;
	int err;
};

static void put_line(struct printer *pr, bool fail)
{
	fprintf(pr->f, "%s%s%s%s\n", pr->prefix.data ? pr->prefix.data : "",
		fail && pr->color ? COLOR_FAIL : "", pr->line.data ? pr->line.data : "",
		fail && pr->color ? COLOR_OFF : "");
}

static void print_proc(struct printer *pr, const struct proc *p, const char *branch,
		       const char *stem);

/* The children (and failed execs) of @p, under the prefix in pr->prefix. */
static void print_children(struct printer *pr, const struct proc *p)
{
	size_t plen = pr->prefix.len;
	const struct proc *c;
	const struct fail *f;
	bool more;

	for (f = p->fails; f; f = f->next) {
		const struct fail *g;

		if (f->hidden)
			continue;
		for (g = f->next; g && g->hidden; g = g->next)
			;
		more = g || p->child;
		tw_buf_reset(&pr->line);
		if (tw_buf_puts(&pr->prefix, more ? "\u251c\u2500 " : "\u2514\u2500 ") ||
		    tw_buf_puts(&pr->line, "\u2717 exec ") ||
		    tw_escape(&pr->line, f->what ? f->what : "?", f->what ? strlen(f->what) : 1) ||
		    tw_buf_printf(&pr->line, ": %s", f->error ? f->error : "failed"))
			pr->err = -ENOMEM;
		put_line(pr, true);
		pr->prefix.len = plen;
		pr->prefix.data[plen] = 0;
	}
	for (c = p->child; c; ) {
		int n = run_length(c, &pr->err);
		const struct proc *last = c;
		int i;

		for (i = 1; i < n; i++)
			last = last->sibling;
		more = last->sibling != NULL;
		if (n >= TW_RUNTREE_COLLAPSE_MIN) {
			uint64_t total = 0, d;
			const struct proc *q = c, *k;
			bool known = true;
			char dur[32];

			for (i = 0; i < n; i++, q = q->sibling) {
				if (proc_duration(pr->t, q, &d))
					total += d;
				else
					known = false;
			}
			fmt_duration(dur, sizeof(dur), total, known);
			tw_buf_reset(&pr->line);
			if (tw_buf_puts(&pr->prefix, more ? "\u251c\u2500 " : "\u2514\u2500 ") ||
			    tw_escape(&pr->line, proc_name(c), strlen(proc_name(c))) ||
			    tw_buf_printf(&pr->line, " \u00d7%d, %s total", n, dur))
				pr->err = -ENOMEM;
			for (k = c->child; k; k = k->sibling)
				if (tw_buf_puts(&pr->line, k == c->child ? "; each ran " : ", ") ||
				    tw_escape(&pr->line, proc_name(k), strlen(proc_name(k))))
					pr->err = -ENOMEM;
			put_line(pr, false);
			pr->prefix.len = plen;
			pr->prefix.data[plen] = 0;
		} else {
			n = 1;
			print_proc(pr, c, more ? "\u251c\u2500 " : "\u2514\u2500 ",
				   more ? "\u2502  " : "   ");
		}
		for (i = 0; i < n; i++)
			c = c->sibling;
	}
}

static void print_proc(struct printer *pr, const struct proc *p, const char *branch,
		       const char *stem)
{
	size_t plen = pr->prefix.len;
	uint64_t d;
	char dur[32];

	fmt_duration(dur, sizeof(dur), proc_duration(pr->t, p, &d) ? d : 0,
		     proc_duration(pr->t, p, &d));
	tw_buf_reset(&pr->line);
	if (tw_buf_puts(&pr->prefix, branch) || proc_label(p, &pr->line) ||
	    tw_buf_printf(&pr->line, " [%d] %s, ", p->pid, dur) || proc_status(p, &pr->line))
		pr->err = -ENOMEM;
	put_line(pr, proc_failed(p));
	pr->prefix.len = plen;
	if (tw_buf_puts(&pr->prefix, stem))
		pr->err = -ENOMEM;
	print_children(pr, p);
	pr->prefix.len = plen;
	if (pr->prefix.data)
		pr->prefix.data[plen] = 0;
}

int tw_runtree_print_tree(const struct tw_runtree *t, FILE *f, bool color)
{
	struct printer pr = { .t = t, .f = f, .color = color };

	if (tw_buf_puts(&pr.prefix, ""))
		return -ENOMEM;
	print_proc(&pr, t->root, "", "");
	tw_buf_release(&pr.prefix);
	tw_buf_release(&pr.line);
	if (pr.err)
		return pr.err;
	return fflush(f) || ferror(f) ? -EIO : 0;
}

/* ---- summary ---- */

struct prog {
	const char *key;	/* borrowed from a process */
	unsigned int count;
	uint64_t total, max;
	bool unknown;		/* a duration was unknown */
};

static int prog_cmp(const void *a, const void *b)
{
	const struct prog *x = a, *y = b;

	if (x->total != y->total)
		return x->total < y->total ? 1 : -1;
	return strcmp(x->key, y->key);
}

static const char *prog_key(const struct proc *p)
{
	if (!p->execs)
		return "(no exec)";
	return p->path ? p->path : p->filename ? p->filename : "?";
}

static int list_line(FILE *f, const struct proc *p, const char *what)
{
	struct tw_buf b = { 0 };

	if (proc_label(p, &b) || (what && tw_buf_printf(&b, ": %s", what))) {
		tw_buf_release(&b);
		return -ENOMEM;
	}
	fprintf(f, "  [%d] %s\n", p->pid, b.data);
	tw_buf_release(&b);
	return 0;
}

int tw_runtree_print_summary(const struct tw_runtree *t, FILE *f)
{
	struct tw_runtree_counts c;
	struct prog *progs;
	const struct proc *p;
	size_t n = 0, i;
	int ret = 0;

	tw_runtree_get_counts(t, &c);
	progs = tw_calloc(c.processes ? c.processes : 1, sizeof(*progs));
	if (!progs)
		return -ENOMEM;
	for (p = t->all; p; p = p->all_next) {
		const char *key = prog_key(p);
		uint64_t d = 0;
		bool known = proc_duration(t, p, &d);

		for (i = 0; i < n && strcmp(progs[i].key, key); i++)
			;
		if (i == n)
			progs[n++].key = key;
		progs[i].count++;
		progs[i].total += d;
		if (d > progs[i].max)
			progs[i].max = d;
		if (!known)
			progs[i].unknown = true;
	}
	qsort(progs, n, sizeof(*progs), prog_cmp);
	fprintf(f, "summary: %u processes, %u execs, %u failed execs, %u non-zero exits, "
		   "%u killed, %u still running",
		c.processes, c.execs, c.failed_execs, c.nonzero_exits, c.killed, c.running);
	if (c.path_misses)
		fprintf(f, " (%u PATH search misses not counted)", c.path_misses);
	fprintf(f, "\n  %-40s %6s %10s %10s\n", "program", "count", "total", "max");
	for (i = 0; i < n; i++) {
		struct tw_buf key = { 0 };
		char total[32], max[32];

		fmt_duration(total, sizeof(total), progs[i].total, true);
		fmt_duration(max, sizeof(max), progs[i].max, true);
		if (tw_escape(&key, progs[i].key, strlen(progs[i].key))) {
			ret = -ENOMEM;
			break;
		}
		fprintf(f, "  %-40s %6u %10s %10s%s\n", key.data, progs[i].count, total, max,
			progs[i].unknown ? " (some durations unknown)" : "");
		tw_buf_release(&key);
	}
	free(progs);
	if (c.failed_execs) {
		fprintf(f, "failed execs:\n");
		for (p = t->all; p && !ret; p = p->all_next) {
			const struct fail *fl;

			for (fl = p->fails; fl && !ret; fl = fl->next) {
				struct tw_buf b = { 0 };

				if (fl->hidden)
					continue;
				if (tw_escape(&b, fl->what ? fl->what : "?",
					      fl->what ? strlen(fl->what) : 1) ||
				    tw_buf_printf(&b, ": %s (in ", fl->error ? fl->error : "failed") ||
				    tw_escape(&b, proc_name(p), strlen(proc_name(p))) ||
				    tw_buf_putc(&b, ')'))
					ret = -ENOMEM;
				else
					fprintf(f, "  [%d] %s\n", p->pid, b.data);
				tw_buf_release(&b);
			}
		}
	}
	if (c.nonzero_exits) {
		fprintf(f, "non-zero exits:\n");
		for (p = t->all; p && !ret; p = p->all_next) {
			char what[32];

			if (!p->ended || p->exit_signal || p->exit_code <= 0)
				continue;
			snprintf(what, sizeof(what), "exit %d", p->exit_code);
			ret = list_line(f, p, what);
		}
	}
	if (c.killed) {
		fprintf(f, "killed:\n");
		for (p = t->all; p && !ret; p = p->all_next) {
			const char *name = tw_record_signal_name(p->exit_signal);
			char what[32];

			if (!p->ended || !p->exit_signal)
				continue;
			if (name)
				snprintf(what, sizeof(what), "%s", name);
			else
				snprintf(what, sizeof(what), "signal %d", p->exit_signal);
			ret = list_line(f, p, what);
		}
	}
	if (c.running && !ret) {
		fprintf(f, "still running:\n");
		ret = tw_runtree_print_running(t, f);
	}
	if (ret)
		return ret;
	return fflush(f) || ferror(f) ? -EIO : 0;
}

int tw_runtree_print_running(const struct tw_runtree *t, FILE *f)
{
	const struct proc *p;
	int ret = 0;

	for (p = t->all; p && !ret; p = p->all_next)
		if (!p->ended)
			ret = list_line(f, p, NULL);
	return ret;
}

/* ---- timeline ---- */

struct tl_event {
	uint64_t ts;
	int order;		/* metadata first, then by time; ties keep insertion order */
	size_t seq;
	char *json;
};

struct timeline {
	struct tl_event *ev;
	size_t n, cap;
};

/* A JSON string value: the escaped (printable, control-free) text with " and \ escaped. */
static int json_str(struct tw_buf *b, const char *s, size_t len)
{
	struct tw_buf e = { 0 };
	size_t i;
	int ret;

	ret = tw_escape(&e, s, len) ? -ENOMEM : tw_buf_putc(b, '"');
	for (i = 0; !ret && i < e.len; i++) {
		if (e.data[i] == '"' || e.data[i] == '\\')
			ret = tw_buf_putc(b, '\\');
		if (!ret)
			ret = tw_buf_putc(b, e.data[i]);
	}
	if (!ret)
		ret = tw_buf_putc(b, '"');
	tw_buf_release(&e);
	return ret ? -ENOMEM : 0;
}

static int tl_push(struct timeline *tl, uint64_t ts, int order, struct tw_buf *b)
{
	if (tl->n == tl->cap) {
		size_t cap = tl->cap ? tl->cap * 2 : 64;
		struct tl_event *n = tw_realloc(tl->ev, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		tl->ev = n;
		tl->cap = cap;
	}
	tl->ev[tl->n].ts = ts;
	tl->ev[tl->n].order = order;
	tl->ev[tl->n].seq = tl->n;
	tl->ev[tl->n].json = b->data;
	tl->n++;
	b->data = NULL;
	b->len = b->cap = 0;
	return 0;
}

static int tl_cmp(const void *a, const void *b)
{
	const struct tl_event *x = a, *y = b;

	if (x->order != y->order)
		return x->order - y->order;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Microseconds since the timeline's start, with ns precision. */
static int put_us(struct tw_buf *b, const char *key, uint64_t ns)
{
	return tw_buf_printf(b, ",\"%s\":%llu.%03llu", key, (unsigned long long)(ns / 1000),
			     (unsigned long long)(ns % 1000));
}

static int tl_process(const struct tw_runtree *t, struct timeline *tl, const struct proc *p)
{
	int group = p->parent ? p->parent->pid : p->pid;
	struct tw_buf b = { 0 }, label = { 0 }, status = { 0 };
	uint64_t start = p->start > t->t0 ? p->start - t->t0 : 0, d = 0;
	const struct fail *f;
	int ret;

	ret = proc_label(p, &label) || proc_status(p, &status) ? -ENOMEM : 0;
	/* Metadata: the track's name, and the group named after the parent. */
	if (!ret)
		ret = tw_buf_printf(&b, "{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":%d,"
					"\"tid\":%d,\"args\":{\"name\":", group, p->pid) ||
		      json_str(&b, label.data, label.len) ||
		      tw_buf_printf(&b, "}}") || tl_push(tl, 0, 0, &b);
	if (!ret && p->child)
		ret = tw_buf_printf(&b, "{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":%d,"
					"\"tid\":%d,\"args\":{\"name\":", p->pid, p->pid) ||
		      json_str(&b, label.data, label.len) ||
		      tw_buf_printf(&b, "}}") || tl_push(tl, 0, 0, &b);
	if (!ret) {
		if (!proc_duration(t, p, &d))
			d = 0;
		ret = tw_buf_printf(&b, "{\"ph\":\"X\",\"cat\":\"process\",\"name\":") ||
		      json_str(&b, proc_name(p), strlen(proc_name(p))) ||
		      tw_buf_printf(&b, ",\"pid\":%d,\"tid\":%d", group, p->pid) ||
		      put_us(&b, "ts", start) || put_us(&b, "dur", d) ||
		      tw_buf_puts(&b, ",\"args\":{\"command\":") ||
		      json_str(&b, label.data, label.len) ||
		      tw_buf_puts(&b, ",\"path\":") ||
		      (p->path ? json_str(&b, p->path, strlen(p->path)) : tw_buf_puts(&b, "null")) ||
		      tw_buf_puts(&b, ",\"status\":") || json_str(&b, status.data, status.len) ||
		      tw_buf_puts(&b, "}}") || tl_push(tl, start, 1, &b);
	}
	for (f = p->fails; f && !ret; f = f->next) {
		uint64_t ts = f->ts > t->t0 ? f->ts - t->t0 : 0;

		if (f->hidden)
			continue;
		ret = tw_buf_puts(&b, "{\"ph\":\"i\",\"s\":\"t\",\"cat\":\"exec_failed\","
				      "\"name\":") ||
		      json_str(&b, f->error ? f->error : "failed",
			       strlen(f->error ? f->error : "failed")) ||
		      tw_buf_printf(&b, ",\"pid\":%d,\"tid\":%d", group, p->pid) ||
		      put_us(&b, "ts", ts) || tw_buf_puts(&b, ",\"args\":{\"exec\":") ||
		      (f->what ? json_str(&b, f->what, strlen(f->what)) : tw_buf_puts(&b, "null")) ||
		      tw_buf_puts(&b, "}}") || tl_push(tl, ts, 1, &b);
	}
	tw_buf_release(&b);
	tw_buf_release(&label);
	tw_buf_release(&status);
	return ret ? -ENOMEM : 0;
}

int tw_runtree_write_timeline(const struct tw_runtree *t, FILE *f)
{
	struct timeline tl = { 0 };
	const struct proc *p;
	size_t i;
	int ret = 0;

	for (p = t->all; p && !ret; p = p->all_next)
		ret = tl_process(t, &tl, p);
	if (!ret) {
		qsort(tl.ev, tl.n, sizeof(*tl.ev), tl_cmp);
		fputs("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n", f);
		for (i = 0; i < tl.n; i++)
			fprintf(f, "%s%s\n", tl.ev[i].json, i + 1 < tl.n ? "," : "");
		fputs("]}\n", f);
	}
	for (i = 0; i < tl.n; i++)
		free(tl.ev[i].json);
	free(tl.ev);
	if (ret)
		return ret;
	return fflush(f) || ferror(f) ? -EIO : 0;
}
