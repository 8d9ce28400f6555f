// SPDX-License-Identifier: GPL-2.0
/* decode.c - raw ring-buffer events to struct tw_event, fields found once by name from format files. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <traceevent/event-parse.h>

#include "decode.h"
#include "uprobe.h"
#include "util.h"

enum kind {
	K_NONE,
	K_EXEC,
	K_NEWTASK,
	K_EXIT,
	K_ENTER_CHDIR,
	K_ENTER_FCHDIR,
	K_EXIT_CHDIR,
	K_EXIT_FCHDIR,
	K_ENTER_EXECVE,
	K_CGROUP,
	K_EXIT_EXECVE,
	K_UPROBE,
	K_ENTER_UNSHARE,
	K_ENTER_SETNS,
	K_EXIT_UNSHARE,
	K_EXIT_SETNS,
	K_ENTER_SETID,		/* + enum tw_setid_call: one kind per call */
	K_ENTER_SETID_LAST = K_ENTER_SETID + TW_SETID_NR - 1,
	K_EXIT_SETID,
	K_EXIT_SETID_LAST = K_EXIT_SETID + TW_SETID_NR - 1,
	K_ENTER_PRCTL,
	K_ENTER_PTRACE,
	K_NR,
};


/*
 * The set*id syscalls: their entry event's id fields, in the order (ruid, euid, suid) of
 * struct tw_event's setid (NULL: the call has no such argument). seteuid() has no syscall
 * of its own (libc makes it setresuid or setreuid).
 */
static const struct {
	const char *enter, *exit;
	const char *ids[3];
} setid_syscalls[TW_SETID_NR] = {
	[TW_SETID_SETUID] = { "sys_enter_setuid", "sys_exit_setuid", { "uid", NULL, NULL } },
	[TW_SETID_SETEUID] = { NULL, NULL, { NULL, NULL, NULL } },
	[TW_SETID_SETREUID] = { "sys_enter_setreuid", "sys_exit_setreuid",
				{ "ruid", "euid", NULL } },
	[TW_SETID_SETRESUID] = { "sys_enter_setresuid", "sys_exit_setresuid",
				 { "ruid", "euid", "suid" } },
};

/* Everything decode needs of one field: where it is and how big. */
struct field {
	int offset;
	int size;
	bool dynamic;		/* __data_loc: a u32 (len << 16 | offset) pointing at the data */
	bool relative;		/* __rel_loc: offset counts from the end of the field */
	bool is_signed;
	bool present;
};

/* Probe events of one group: every probe on every libc file probed. */
#define MAX_UPROBE_EVENTS (TW_UPROBE_MAX_LIBCS * TW_UPROBE_NR)

/* One uprobe event's layout (each libc file gets its own events, all alike). */
struct uprobe_layout {
	int func;
	struct field str;		/* chdir path / exec filename */
	struct field fd;		/* execveat dirfd / fexecve fd / fchdir fd */
	struct field ret;		/* return probes */
	struct field sysret;		/* after a "syscall" instruction: the kernel's -errno */
	struct field flags;		/* unshare flags / setns nstype */
	struct field ids[TW_UPROBE_IDS_MAX];	/* set*id ids, prctl / ptrace arguments */
	int nargs;
	struct field a[TW_UPROBE_MAX_ARGS];
	struct field p[TW_UPROBE_MAX_ARGS + 1];
	int min_size;
	bool eprobe;			/* an event probe: no __probe_ip field */
};

struct tw_decoder {
	struct tep_handle *tep;
	uint8_t kind_by_id[65536];
	uint16_t slot_by_id[65536];	/* uprobe layout index */
	struct uprobe_layout *uprobes;
	int nr_uprobes;
	struct field exec_ret;
	struct field common_type, common_pid;
	struct field exec_filename, exec_pid, exec_old_pid;
	struct field newtask_pid, newtask_comm, newtask_flags;
	struct field exit_pid, exit_comm, exit_group_dead;
	struct field chdir_string;	/* 6.19+: string of the chdir path argument */
	struct field fchdir_fd;
	struct field chdir_ret, fchdir_ret;
	struct field cg_root, cg_id, cg_pid, cg_path;
	struct field unshare_flags, setns_flags, unshare_ret, setns_ret;
	struct field setid_ids[TW_SETID_NR][3], setid_ret[TW_SETID_NR];
	struct field prctl_option, prctl_arg2, ptrace_request, ptrace_pid;
	int min_size[K_NR];		/* smallest payload holding every fixed field used */
};

/* The events used, in the order they are looked up; .tag is the decoder's kind. */
static const struct tw_event_spec specs[] = {
	{ "sched", "sched_process_exec", true, K_EXEC, NULL },
	{ "task", "task_newtask", true, K_NEWTASK, NULL },
	{ "sched", "sched_process_exit", true, K_EXIT, NULL },
	{ "syscalls", "sys_enter_chdir", true, K_ENTER_CHDIR, NULL },
	{ "syscalls", "sys_enter_fchdir", true, K_ENTER_FCHDIR, NULL },
	{ "syscalls", "sys_exit_chdir", true, K_EXIT_CHDIR, NULL },
	{ "syscalls", "sys_exit_fchdir", true, K_EXIT_FCHDIR, NULL },
	{ "syscalls", "sys_enter_execve", false, K_ENTER_EXECVE, NULL },
	{ "syscalls", "sys_enter_execveat", false, K_ENTER_EXECVE, NULL },
	{ "syscalls", "sys_exit_execve", false, K_EXIT_EXECVE, NULL },
	{ "syscalls", "sys_exit_execveat", false, K_EXIT_EXECVE, NULL },
	{ "cgroup", "cgroup_attach_task", false, K_CGROUP, NULL },
	{ "cgroup", "cgroup_transfer_tasks", false, K_CGROUP, NULL },
	/* unshare(CLONE_FS) gives a task a cwd of its own; setns() to a mount ns changes it. */
	{ "syscalls", "sys_enter_unshare", false, K_ENTER_UNSHARE, NULL },
	{ "syscalls", "sys_exit_unshare", false, K_EXIT_UNSHARE, NULL },
	{ "syscalls", "sys_enter_setns", false, K_ENTER_SETNS, NULL },
	{ "syscalls", "sys_exit_setns", false, K_EXIT_SETNS, NULL },
	/* uid changes, and what decides whether a set-user-ID file changes the euid. */
	{ "syscalls", "sys_enter_setuid", false, K_ENTER_SETID + TW_SETID_SETUID, NULL },
	{ "syscalls", "sys_exit_setuid", false, K_EXIT_SETID + TW_SETID_SETUID, NULL },
	{ "syscalls", "sys_enter_setreuid", false, K_ENTER_SETID + TW_SETID_SETREUID, NULL },
	{ "syscalls", "sys_exit_setreuid", false, K_EXIT_SETID + TW_SETID_SETREUID, NULL },
	{ "syscalls", "sys_enter_setresuid", false, K_ENTER_SETID + TW_SETID_SETRESUID, NULL },
	{ "syscalls", "sys_exit_setresuid", false, K_EXIT_SETID + TW_SETID_SETRESUID, NULL },
	{ "syscalls", "sys_enter_prctl", false, K_ENTER_PRCTL, TW_PRCTL_FILTER("option") },
	{ "syscalls", "sys_enter_ptrace", false, K_ENTER_PTRACE, TW_PTRACE_FILTER("request") },
	{ NULL, NULL, false, K_NONE, NULL },
};

const struct tw_event_spec *tw_decode_event_specs(void)
{
	return specs;
}

static int get_field(struct tep_event *ev, const char *name, bool required, struct field *f)
{
	struct tep_format_field *tf = tep_find_any_field(ev, name);

	memset(f, 0, sizeof(*f));
	if (!tf) {
		if (required)
			return tw_err(ENOENT, "event %s:%s has no field '%s' in its format file; "
					      "this kernel's layout is not supported",
				      ev->system, ev->name, name);
		return 0;
	}
	f->offset = tf->offset;
	f->size = tf->size;
	f->dynamic = tf->flags & TEP_FIELD_IS_DYNAMIC;
	f->relative = tf->flags & TEP_FIELD_IS_RELATIVE;
	f->is_signed = tf->flags & TEP_FIELD_IS_SIGNED;
	f->present = true;
	return 0;
}

/*
 * A string field: a __data_loc (eprobes), or a fixed slot in parts "<name>", "<name>_1", ...
 * laid out one after the other (uprobes, see uprobe.h): then one field of their total size.
 */
static void get_string_field(struct tep_event *ev, const char *name, struct field *f)
{
	int k;

	get_field(ev, name, false, f);
	for (k = 1; f->present && !f->dynamic; k++) {
		struct tep_format_field *tf;
		char part[48];

		snprintf(part, sizeof(part), TW_UPROBE_PART_FMT, name, k);
		tf = tep_find_field(ev, part);
		if (!tf || tf->offset != f->offset + f->size)
			break;
		f->size += tf->size;
	}
}

static int fields_end(const struct field *const *fs, size_t n)
{
	int end = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (fs[i]->present && fs[i]->offset + fs[i]->size > end)
			end = fs[i]->offset + fs[i]->size;
	return end;
}

/* Find a string field a 6.19+ kernel adds for a user-string syscall argument. */
static void find_user_string(struct tep_event *ev, struct field *f)
{
	static const char *const names[] = { "__filename_val", "filename_val", "__filename" };
	size_t i;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < TW_ARRAY_SIZE(names); i++) {
		struct tep_format_field *tf = tep_find_field(ev, names[i]);

		if (tf && (tf->flags & TEP_FIELD_IS_DYNAMIC)) {
			get_field(ev, names[i], false, f);
			return;
		}
	}
}

/* Find the uprobe events "<func>_<n>" of @group and their fields. Returns 0 or -ENOMEM. */
static int find_uprobes(struct tw_decoder *d, const char *group)
{
	int f, n;

	d->uprobes = tw_calloc(MAX_UPROBE_EVENTS, sizeof(*d->uprobes));
	if (!d->uprobes)
		return -ENOMEM;
	for (f = 0; f < TW_UPROBE_NR; f++) {
		const struct tw_uprobe_def *def = tw_uprobe_def(f);

		for (n = 0; n < TW_UPROBE_MAX_LIBCS && d->nr_uprobes < MAX_UPROBE_EVENTS; n++) {
			struct uprobe_layout *lay = &d->uprobes[d->nr_uprobes];
			struct tep_event *ev;
			char name[64];
			int k, end = 0;

			snprintf(name, sizeof(name), "%s_%d", def->name, n);
			ev = tep_find_event_by_name(d->tep, group, name);
			if (!ev)
				continue;
			lay->func = f;
			lay->eprobe = !tep_find_field(ev, "__probe_ip");
			get_string_field(ev, tw_uprobe_field_name(def->str), &lay->str);
			get_field(ev, "sysret", false, &lay->sysret);
			for (k = 0; k < def->nr_ids && k < TW_UPROBE_IDS_MAX; k++) {
				char idn[16];

				snprintf(idn, sizeof(idn), TW_UPROBE_ID_FMT, k);
				get_field(ev, idn, false, &lay->ids[k]);
			}
			get_field(ev, tw_uprobe_field_name(def->num), false,
				  def->num == TW_UPROBE_F_RET ? &lay->ret :
				  def->num == TW_UPROBE_F_FLAGS ? &lay->flags : &lay->fd);
			for (k = 0; def->argv_arg >= 0 && k < TW_UPROBE_MAX_ARGS; k++) {
				char an[16], pn[16];

				snprintf(an, sizeof(an), TW_UPROBE_ARG_FMT, k);
				snprintf(pn, sizeof(pn), TW_UPROBE_PTR_FMT, k);
				if (!tep_find_field(ev, an))
					break;
				get_string_field(ev, an, &lay->a[k]);
				get_field(ev, pn, false, &lay->p[k]);
			}
			lay->nargs = k;
			if (k > 0) {
				char pn[16];

				snprintf(pn, sizeof(pn), TW_UPROBE_PTR_FMT, k);
				get_field(ev, pn, false, &lay->p[k]);
			}
			{
				const struct field *fs[2 * TW_UPROBE_MAX_ARGS + 6 + TW_UPROBE_IDS_MAX];
				int nf = 0;

				for (k = 0; k < TW_UPROBE_IDS_MAX; k++)
					fs[nf++] = &lay->ids[k];

				fs[nf++] = &lay->str;
				fs[nf++] = &lay->fd;
				fs[nf++] = &lay->ret;
				fs[nf++] = &lay->sysret;
				fs[nf++] = &lay->flags;
				for (k = 0; k < lay->nargs; k++) {
					fs[nf++] = &lay->a[k];
					fs[nf++] = &lay->p[k];
				}
				fs[nf++] = &lay->p[lay->nargs];
				end = fields_end(fs, nf);
			}
			lay->min_size = end;
			d->kind_by_id[ev->id & 0xffff] = K_UPROBE;
			d->slot_by_id[ev->id & 0xffff] = d->nr_uprobes++;
		}
	}
	return 0;
}

struct tw_decoder *tw_decoder_new(struct tep_handle *tep, const char *uprobe_group)
{
	struct tw_decoder *d = tw_calloc(1, sizeof(*d));
	size_t i;
	int k;

	if (!d)
		return NULL;
	d->tep = tep;
	for (i = 0; specs[i].system; i++) {
		const struct tw_event_spec *sp = &specs[i];
		struct tep_event *ev = tep_find_event_by_name(tep, sp->system, sp->name);

		k = sp->tag;
		if (!ev) {
			if (sp->required) {
				tw_err(ENOENT, "trace event %s:%s is not available on this kernel",
				       sp->system, sp->name);
				goto out_free;
			}
			continue;
		}
		d->kind_by_id[ev->id & 0xffff] = k;
		switch (k) {
		case K_EXEC:
			if (get_field(ev, "common_type", true, &d->common_type) ||
			    get_field(ev, "common_pid", true, &d->common_pid) ||
			    get_field(ev, "filename", true, &d->exec_filename) ||
			    get_field(ev, "pid", true, &d->exec_pid) ||
			    get_field(ev, "old_pid", true, &d->exec_old_pid))
				goto out_free;
			if (!d->exec_filename.dynamic) {
				tw_err(EINVAL, "sched_process_exec:filename is not a string field");
				goto out_free;
			}
			break;
		case K_NEWTASK:
			if (get_field(ev, "pid", true, &d->newtask_pid) ||
			    get_field(ev, "comm", false, &d->newtask_comm) ||
			    get_field(ev, "clone_flags", true, &d->newtask_flags))
				goto out_free;
			break;
		case K_EXIT:
			if (get_field(ev, "pid", true, &d->exit_pid) ||
			    get_field(ev, "comm", false, &d->exit_comm) ||
			    get_field(ev, "group_dead", false, &d->exit_group_dead))
				goto out_free;
			break;
		case K_ENTER_CHDIR:
			find_user_string(ev, &d->chdir_string);
			break;
		case K_ENTER_FCHDIR:
			if (get_field(ev, "fd", true, &d->fchdir_fd))
				goto out_free;
			break;
		case K_EXIT_CHDIR:
			if (get_field(ev, "ret", true, &d->chdir_ret))
				goto out_free;
			break;
		case K_EXIT_FCHDIR:
			if (get_field(ev, "ret", true, &d->fchdir_ret))
				goto out_free;
			break;
		case K_EXIT_EXECVE:
			if (get_field(ev, "ret", true, &d->exec_ret))
				goto out_free;
			break;
		case K_ENTER_UNSHARE:
			if (get_field(ev, "unshare_flags", true, &d->unshare_flags))
				goto out_free;
			break;
		case K_ENTER_SETNS:
			if (get_field(ev, "flags", true, &d->setns_flags))
				goto out_free;
			break;
		case K_EXIT_UNSHARE:
			if (get_field(ev, "ret", true, &d->unshare_ret))
				goto out_free;
			break;
		case K_EXIT_SETNS:
			if (get_field(ev, "ret", true, &d->setns_ret))
				goto out_free;
			break;
		case K_ENTER_PRCTL:
			if (get_field(ev, "option", true, &d->prctl_option) ||
			    get_field(ev, "arg2", true, &d->prctl_arg2))
				goto out_free;
			break;
		case K_ENTER_PTRACE:
			if (get_field(ev, "request", true, &d->ptrace_request) ||
			    get_field(ev, "pid", true, &d->ptrace_pid))
				goto out_free;
			break;
		case K_CGROUP:
			if (get_field(ev, "dst_root", true, &d->cg_root) ||
			    get_field(ev, "dst_id", true, &d->cg_id) ||
			    get_field(ev, "pid", true, &d->cg_pid) ||
			    get_field(ev, "dst_path", true, &d->cg_path))
				goto out_free;
			break;
		default:
			if (k >= K_ENTER_SETID && k <= K_ENTER_SETID_LAST) {
				int call = k - K_ENTER_SETID, j;

				for (j = 0; j < 3; j++)
					if (setid_syscalls[call].ids[j] &&
					    get_field(ev, setid_syscalls[call].ids[j], true,
						      &d->setid_ids[call][j]))
						goto out_free;
			} else if (k >= K_EXIT_SETID && k <= K_EXIT_SETID_LAST) {
				if (get_field(ev, "ret", true, &d->setid_ret[k - K_EXIT_SETID]))
					goto out_free;
			}
			break;
		}
	}
	{
		const struct field *common[] = { &d->common_type, &d->common_pid };
		const struct field *exec[] = { &d->exec_filename, &d->exec_pid, &d->exec_old_pid };
		const struct field *nt[] = { &d->newtask_pid, &d->newtask_comm, &d->newtask_flags };
		const struct field *ex[] = { &d->exit_pid, &d->exit_comm, &d->exit_group_dead };
		const struct field *cg[] = { &d->cg_root, &d->cg_id, &d->cg_pid, &d->cg_path };
		int base = fields_end(common, 2);

		for (k = 0; k < K_NR; k++)
			d->min_size[k] = base;
		d->min_size[K_EXEC] = fields_end(exec, 3);
		d->min_size[K_NEWTASK] = fields_end(nt, 3);
		d->min_size[K_EXIT] = fields_end(ex, 3);
		d->min_size[K_CGROUP] = fields_end(cg, 4);
		d->min_size[K_ENTER_FCHDIR] = d->fchdir_fd.offset + d->fchdir_fd.size;
		d->min_size[K_EXIT_CHDIR] = d->chdir_ret.offset + d->chdir_ret.size;
		d->min_size[K_EXIT_FCHDIR] = d->fchdir_ret.offset + d->fchdir_ret.size;
		d->min_size[K_EXIT_EXECVE] = d->exec_ret.offset + d->exec_ret.size;
		d->min_size[K_ENTER_UNSHARE] = d->unshare_flags.offset + d->unshare_flags.size;
		d->min_size[K_ENTER_SETNS] = d->setns_flags.offset + d->setns_flags.size;
		d->min_size[K_EXIT_UNSHARE] = d->unshare_ret.offset + d->unshare_ret.size;
		d->min_size[K_EXIT_SETNS] = d->setns_ret.offset + d->setns_ret.size;
		for (k = 0; k < TW_SETID_NR; k++) {
			const struct field *ids[] = { &d->setid_ids[k][0], &d->setid_ids[k][1],
						      &d->setid_ids[k][2] };
			const struct field *ret[] = { &d->setid_ret[k] };

			d->min_size[K_ENTER_SETID + k] = fields_end(ids, 3);
			d->min_size[K_EXIT_SETID + k] = fields_end(ret, 1);
		}
		{
			const struct field *pr[] = { &d->prctl_option, &d->prctl_arg2 };
			const struct field *pt[] = { &d->ptrace_request, &d->ptrace_pid };

			d->min_size[K_ENTER_PRCTL] = fields_end(pr, 2);
			d->min_size[K_ENTER_PTRACE] = fields_end(pt, 2);
		}
	}
	if (uprobe_group && find_uprobes(d, uprobe_group))
		goto out_free;
	return d;

out_free:
	tw_decoder_free(d);
	return NULL;
}

void tw_decoder_free(struct tw_decoder *d)
{
	if (!d)
		return;
	free(d->uprobes);
	free(d);
}

int tw_decoder_refresh_uprobes(struct tw_decoder *d, const char *group)
{
	int i;

	for (i = 0; i < 65536; i++)
		if (d->kind_by_id[i] == K_UPROBE)
			d->kind_by_id[i] = K_NONE;
	free(d->uprobes);
	d->uprobes = NULL;
	d->nr_uprobes = 0;
	return find_uprobes(d, group);
}

int tw_decoder_for_each_event(const struct tw_decoder *d,
			      int (*cb)(int id, const char *system, const char *name, void *ctx),
			      void *ctx)
{
	int id, ret;

	for (id = 0; id < 65536; id++) {
		struct tep_event *ev;

		if (d->kind_by_id[id] == K_NONE)
			continue;
		ev = tep_find_event(d->tep, id);
		if (!ev)
			continue;
		ret = cb(id, ev->system, ev->name, ctx);
		if (ret)
			return ret;
	}
	return 0;
}

int tw_decoder_uprobe_count(const struct tw_decoder *d)
{
	return d->nr_uprobes;
}

bool tw_decoder_has_chdir_string(const struct tw_decoder *d)
{
	return d->chdir_string.present;
}

static int64_t read_num(const struct tw_decoder *d, const struct field *f, const uint8_t *data)
{
	uint64_t v = tep_read_number(d->tep, data + f->offset, f->size);

	if (f->is_signed && f->size < 8) {
		int shift = 64 - 8 * f->size;

		return (int64_t)(v << shift) >> shift;
	}
	return (int64_t)v;
}

/*
 * A __data_loc string: copied out (records are borrowed), cut at the first NUL.
 * Returns a new string, or NULL with *@bad set when the location is outside the event.
 */
static char *read_string(const struct tw_decoder *d, const struct field *f, const uint8_t *data,
			 int size, bool *bad)
{
	uint32_t loc = (uint32_t)tep_read_number(d->tep, data + f->offset, 4);
	uint32_t off = loc & 0xffff;
	uint32_t len = loc >> 16;

	if (f->relative)
		off += f->offset + f->size;
	if ((uint64_t)off + len > (uint64_t)size) {
		*bad = true;
		return NULL;
	}
	return tw_memdup(data + off, strnlen((const char *)data + off, len));
}

static void read_comm(const struct field *f, const uint8_t *data, char comm[16])
{
	size_t n = f->present ? (size_t)f->size : 0;

	if (n > 15)
		n = 15;
	memcpy(comm, data + f->offset, n);
	comm[n] = '\0';
}

/*
 * A probe's string: NULL with *@fault when the kernel could not read it. Eprobes fetch a
 * ustring (a __data_loc; length 0: a fault). Uprobes fetch a fixed slot (see uprobe.h,
 * TW_UPROBE_FETCH_MAX): the string ends at the first NUL; a slot without one holds only
 * the start of a longer string: *@cut is set and the start returned.
 */
static int read_ustring(const struct tw_decoder *d, const struct field *f, const uint8_t *data,
			int size, char **out, bool *fault, bool *cut, bool *bad)
{
	uint32_t loc;

	*out = NULL;
	*cut = false;
	if (!f->dynamic) {
		size_t n = strnlen((const char *)data + f->offset, f->size);

		*fault = false;
		*cut = n == (size_t)f->size;
		*out = tw_memdup(data + f->offset, n);
		return *out ? 0 : -ENOMEM;
	}
	loc = (uint32_t)tep_read_number(d->tep, data + f->offset, 4);
	*fault = (loc >> 16) == 0;
	if (*fault)
		return 0;
	*out = read_string(d, f, data, size, bad);
	return *out || *bad ? 0 : -ENOMEM;
}

/* A path or file name: one that was cut is no name at all (NULL, *@fault set). */
static int read_upath(const struct tw_decoder *d, const struct field *f, const uint8_t *data,
		      int size, char **out, bool *fault, bool *bad)
{
	bool cut;
	int ret = read_ustring(d, f, data, size, out, fault, &cut, bad);

	if (!ret && cut) {
		free(*out);
		*out = NULL;
		*fault = true;
	}
	return ret;
}

/* Fill a set*id call's entry: @id as the call's arguments (ruid, euid, suid order). */
static void setid_event(struct tw_event *ev, int call, const uint32_t id[3], bool libc)
{
	ev->setid.call = call;
	ev->setid.libc = libc;
	ev->setid.ruid = ev->setid.euid = ev->setid.suid = TW_ID_KEEP;
	switch (call) {
	case TW_SETID_SETUID:
		ev->setid.ruid = id[0];
		break;
	case TW_SETID_SETEUID:
		ev->setid.euid = id[0];
		break;
	default:
		ev->setid.ruid = id[0];
		ev->setid.euid = id[1];
		ev->setid.suid = id[2];
		break;
	}
}

/* enum tw_priv_what of a prctl option, or -1 when it changes nothing the model follows. */
static int prctl_what(int64_t option)
{
	return option == TW_PRCTL_NO_NEW_PRIVS ? TW_PRIV_NO_NEW_PRIVS : -1;
}

/* ... of a ptrace request. */
static int ptrace_what(int64_t request)
{
	if (request == TW_PTRACE_TRACEME)
		return TW_PRIV_TRACEME;
	if (request == TW_PTRACE_ATTACH || request == TW_PTRACE_SEIZE)
		return TW_PRIV_ATTACH;
	return -1;
}

/* The set*id call a uprobe (entry or return) stands for. */
static int uprobe_setid_call(int func)
{
	switch (func) {
	case TW_UPROBE_SETUID:
	case TW_UPROBE_SETUID_RET:
		return TW_SETID_SETUID;
	case TW_UPROBE_SETEUID:
	case TW_UPROBE_SETEUID_RET:
		return TW_SETID_SETEUID;
	case TW_UPROBE_SETREUID:
	case TW_UPROBE_SETREUID_RET:
		return TW_SETID_SETREUID;
	default:
		return TW_SETID_SETRESUID;
	}
}

/* What a probe's event becomes: the uprobe string events, or stand-ins for syscall events. */
static enum tw_event_type uprobe_event_type(int func)
{
	switch (func) {
	case TW_UPROBE_CHDIR:
		return TW_EV_UCHDIR;
	case TW_UPROBE_FCHDIR:
		return TW_EV_CHDIR_ENTER;
	case TW_UPROBE_CHDIR_RET:
	case TW_UPROBE_FCHDIR_RET:
		return TW_EV_CHDIR;
	case TW_UPROBE_EXECVE_RET:
	case TW_UPROBE_EXECVEAT_RET:
	case TW_UPROBE_FEXECVE_RET:
		return TW_EV_EXEC_FAIL;
	case TW_UPROBE_UNSHARE:
	case TW_UPROBE_SETNS:
		return TW_EV_NS_ENTER;
	case TW_UPROBE_UNSHARE_RET:
	case TW_UPROBE_SETNS_RET:
		return TW_EV_NS_EXIT;
	case TW_UPROBE_SETUID:
	case TW_UPROBE_SETEUID:
	case TW_UPROBE_SETREUID:
	case TW_UPROBE_SETRESUID:
		return TW_EV_SETID;
	case TW_UPROBE_SETUID_RET:
	case TW_UPROBE_SETEUID_RET:
	case TW_UPROBE_SETREUID_RET:
	case TW_UPROBE_SETRESUID_RET:
		return TW_EV_SETID_EXIT;
	case TW_UPROBE_PRCTL:
	case TW_UPROBE_PTRACE:
		return TW_EV_PRIV;
	default:
		return TW_EV_UEXEC;
	}
}

static int decode_uprobe(const struct tw_decoder *d, const struct uprobe_layout *lay,
			 const uint8_t *data, int size, struct tw_event *ev, bool *bad)
{
	struct tw_buf argv = { 0 };
	bool fault, cut;
	int k;

	switch (ev->type) {
	case TW_EV_UCHDIR:
		ev->uchdir.eprobe = lay->eprobe;
		return read_upath(d, &lay->str, data, size, &ev->uchdir.path, &fault, bad);
	case TW_EV_CHDIR_ENTER:
		ev->chdir_enter.is_fchdir = true;
		ev->chdir_enter.fd = (int)read_num(d, &lay->fd, data);
		return 0;
	case TW_EV_CHDIR:
		ev->chdir.is_fchdir = lay->func == TW_UPROBE_FCHDIR_RET;
		ev->chdir.ret = (long)read_num(d, &lay->ret, data);
		return 0;
	case TW_EV_EXEC_FAIL:
		/*
		 * libc returns -1 and keeps the errno in user space: the reason is unknown, unless
		 * the probe sat right after the syscall and read the kernel's -errno.
		 */
		ev->exec_fail.ret = 0;
		if (lay->sysret.present) {
			long r = (long)read_num(d, &lay->sysret, data);

			if (r < 0 && r >= -4095)
				ev->exec_fail.ret = r;
		}
		return 0;
	case TW_EV_NS_ENTER:
		ev->ns.setns = lay->func == TW_UPROBE_SETNS;
		ev->ns.flags = (uint64_t)read_num(d, &lay->flags, data);
		return 0;
	case TW_EV_NS_EXIT:
		ev->ns.setns = lay->func == TW_UPROBE_SETNS_RET;
		ev->ns.ret = (long)read_num(d, &lay->ret, data);
		return 0;
	case TW_EV_SETID: {
		uint32_t id[3];

		for (k = 0; k < 3; k++)
			id[k] = lay->ids[k].present ? (uint32_t)read_num(d, &lay->ids[k], data) :
						      TW_ID_KEEP;
		setid_event(ev, uprobe_setid_call(lay->func), id, true);
		return 0;
	}
	case TW_EV_SETID_EXIT:
		ev->setid.call = uprobe_setid_call(lay->func);
		ev->setid.libc = true;
		ev->setid.ret = (long)read_num(d, &lay->ret, data);
		return 0;
	case TW_EV_PRIV:
		ev->priv.what = lay->func == TW_UPROBE_PRCTL ?
					prctl_what(read_num(d, &lay->ids[0], data)) :
					ptrace_what(read_num(d, &lay->ids[0], data));
		ev->priv.target = lay->ids[1].present ? (int)read_num(d, &lay->ids[1], data) : 0;
		return 0;
	default:
		break;
	}

	ev->uexec.func = lay->func;
	ev->uexec.eprobe = lay->eprobe;
	ev->uexec.fd = lay->fd.present ? (int)read_num(d, &lay->fd, data) : -1;
	if (lay->str.present &&
	    read_upath(d, &lay->str, data, size, &ev->uexec.filename, &ev->uexec.filename_fault,
		       bad))
		return -ENOMEM;
	for (k = 0; k < lay->nargs; k++) {
		char *arg;

		if (!read_num(d, &lay->p[k], data))
			break;	/* argv[k] == NULL: the end */
		if (read_ustring(d, &lay->a[k], data, size, &arg, &fault, &cut, bad))
			goto out_nomem;
		if (fault || !arg) {
			ev->uexec.argv_fault = true;
			break;
		}
		if (tw_buf_append(&argv, arg, strlen(arg) + 1)) {
			free(arg);
			goto out_nomem;
		}
		free(arg);
		if (cut) {
			/* The vector ends with the start of this element: a truncated one. */
			ev->uexec.argv_truncated = true;
			k++;
			break;
		}
	}
	ev->uexec.argc = k;
	if (k == lay->nargs && lay->p[k].present && read_num(d, &lay->p[k], data))
		ev->uexec.argv_truncated = true;
	ev->uexec.argv = argv.data;
	ev->uexec.argv_len = argv.len;
	if (!argv.data) {
		/* An empty vector is still a captured one. */
		ev->uexec.argv = tw_strdup("");
		if (!ev->uexec.argv)
			return -ENOMEM;
	}
	return 0;

out_nomem:
	tw_buf_release(&argv);
	return -ENOMEM;
}

int tw_decoder_decode(struct tw_decoder *d, int cpu, uint64_t ts, const void *raw, int size,
		      struct tw_event **out)
{
	const uint8_t *data = raw;
	struct tw_event *ev = NULL;
	bool bad = false;
	enum kind k;
	int id;

	*out = NULL;
	if (size < d->min_size[K_NONE])
		return 0;
	id = (int)read_num(d, &d->common_type, data);
	k = d->kind_by_id[id & 0xffff];
	if (k == K_NONE || size < d->min_size[k])
		return 0;

	switch (k) {
	case K_EXEC:
		ev = tw_event_new(TW_EV_EXEC);
		if (!ev)
			return -ENOMEM;
		ev->exec.pid = (int)read_num(d, &d->exec_pid, data);
		ev->exec.old_pid = (int)read_num(d, &d->exec_old_pid, data);
		ev->exec.filename = read_string(d, &d->exec_filename, data, size, &bad);
		if (!ev->exec.filename && !bad)
			goto out_nomem;
		break;
	case K_NEWTASK:
		ev = tw_event_new(TW_EV_NEWTASK);
		if (!ev)
			return -ENOMEM;
		ev->newtask.pid = (int)read_num(d, &d->newtask_pid, data);
		ev->newtask.clone_flags = (uint64_t)read_num(d, &d->newtask_flags, data);
		read_comm(&d->newtask_comm, data, ev->newtask.comm);
		break;
	case K_EXIT:
		ev = tw_event_new(TW_EV_EXIT);
		if (!ev)
			return -ENOMEM;
		ev->exit.pid = (int)read_num(d, &d->exit_pid, data);
		ev->exit.group_dead = d->exit_group_dead.present ?
					      (read_num(d, &d->exit_group_dead, data) != 0) : -1;
		read_comm(&d->exit_comm, data, ev->exit.comm);
		break;
	case K_ENTER_CHDIR:
	case K_ENTER_FCHDIR:
		ev = tw_event_new(TW_EV_CHDIR_ENTER);
		if (!ev)
			return -ENOMEM;
		ev->chdir_enter.is_fchdir = k == K_ENTER_FCHDIR;
		if (k == K_ENTER_FCHDIR) {
			ev->chdir_enter.fd = (int)read_num(d, &d->fchdir_fd, data);
		} else if (d->chdir_string.present) {
			ev->chdir_enter.path = read_string(d, &d->chdir_string, data, size, &bad);
			if (!ev->chdir_enter.path && !bad)
				goto out_nomem;
		}
		break;
	case K_EXIT_CHDIR:
	case K_EXIT_FCHDIR:
		ev = tw_event_new(TW_EV_CHDIR);
		if (!ev)
			return -ENOMEM;
		ev->chdir.is_fchdir = k == K_EXIT_FCHDIR;
		ev->chdir.ret = (long)read_num(d, k == K_EXIT_CHDIR ? &d->chdir_ret : &d->fchdir_ret,
					       data);
		break;
	case K_ENTER_EXECVE:
		ev = tw_event_new(TW_EV_EXEC_ENTER);
		if (!ev)
			return -ENOMEM;
		break;
	case K_EXIT_EXECVE: {
		long ret = (long)read_num(d, &d->exec_ret, data);

		if (ret >= 0)
			return 0;	/* success shows as sched_process_exec */
		ev = tw_event_new(TW_EV_EXEC_FAIL);
		if (!ev)
			return -ENOMEM;
		ev->exec_fail.ret = ret;
		break;
	}
	case K_UPROBE: {
		const struct uprobe_layout *lay = &d->uprobes[d->slot_by_id[id & 0xffff]];

		if (size < lay->min_size)
			return 0;
		ev = tw_event_new(uprobe_event_type(lay->func));
		if (!ev)
			return -ENOMEM;
		if (decode_uprobe(d, lay, data, size, ev, &bad) == -ENOMEM)
			goto out_nomem;
		if (ev->type == TW_EV_PRIV && ev->priv.what < 0) {
			tw_event_free(ev);	/* a call the filter should have left out */
			return 0;
		}
		break;
	}
	case K_ENTER_UNSHARE:
	case K_ENTER_SETNS:
		ev = tw_event_new(TW_EV_NS_ENTER);
		if (!ev)
			return -ENOMEM;
		ev->ns.setns = k == K_ENTER_SETNS;
		ev->ns.flags = (uint64_t)read_num(d, ev->ns.setns ? &d->setns_flags :
								   &d->unshare_flags, data);
		break;
	case K_EXIT_UNSHARE:
	case K_EXIT_SETNS:
		ev = tw_event_new(TW_EV_NS_EXIT);
		if (!ev)
			return -ENOMEM;
		ev->ns.setns = k == K_EXIT_SETNS;
		ev->ns.ret = (long)read_num(d, ev->ns.setns ? &d->setns_ret : &d->unshare_ret, data);
		break;
	case K_ENTER_SETID ... K_ENTER_SETID_LAST: {
		int call = k - K_ENTER_SETID;
		uint32_t id[3];
		int j;

		for (j = 0; j < 3; j++)
			id[j] = d->setid_ids[call][j].present ?
					(uint32_t)read_num(d, &d->setid_ids[call][j], data) :
					TW_ID_KEEP;
		ev = tw_event_new(TW_EV_SETID);
		if (!ev)
			return -ENOMEM;
		setid_event(ev, call, id, false);
		break;
	}
	case K_EXIT_SETID ... K_EXIT_SETID_LAST:
		ev = tw_event_new(TW_EV_SETID_EXIT);
		if (!ev)
			return -ENOMEM;
		ev->setid.call = k - K_EXIT_SETID;
		ev->setid.ret = (long)read_num(d, &d->setid_ret[k - K_EXIT_SETID], data);
		break;
	case K_ENTER_PRCTL:
	case K_ENTER_PTRACE: {
		int what = k == K_ENTER_PRCTL ?
			prctl_what(read_num(d, &d->prctl_option, data)) :
			ptrace_what(read_num(d, &d->ptrace_request, data));

		if (what < 0)
			return 0;
		ev = tw_event_new(TW_EV_PRIV);
		if (!ev)
			return -ENOMEM;
		ev->priv.what = what;
		if (k == K_ENTER_PTRACE)
			ev->priv.target = (int)read_num(d, &d->ptrace_pid, data);
		break;
	}
	case K_CGROUP:
		ev = tw_event_new(TW_EV_CGROUP);
		if (!ev)
			return -ENOMEM;
		ev->cgroup.root = (int)read_num(d, &d->cg_root, data);
		ev->cgroup.id = (uint64_t)read_num(d, &d->cg_id, data);
		ev->cgroup.pid = (int)read_num(d, &d->cg_pid, data);
		ev->cgroup.path = read_string(d, &d->cg_path, data, size, &bad);
		if (!ev->cgroup.path && !bad)
			goto out_nomem;
		break;
	default:
		return 0;
	}
	if (bad) {
		tw_event_free(ev);
		return 0;
	}
	ev->cpu = cpu;
	ev->ts = ts;
	ev->tid = (int)read_num(d, &d->common_pid, data);
	*out = ev;
	return 1;

out_nomem:
	tw_event_free(ev);
	return -ENOMEM;
}
