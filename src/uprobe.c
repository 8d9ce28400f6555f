// SPDX-License-Identifier: GPL-2.0
/* uprobe.c - libc uprobes capturing chdir paths and exec argv in the kernel (string tier 3). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tracefs/tracefs.h>

#include "elfsym.h"
#include "event.h"
#include "uprobe.h"
#include "util.h"

/* Function-argument registers, in order, as uprobe fetchargs name them. */
#if defined(__x86_64__)
static const char *const arg_regs[] = { "%di", "%si", "%dx", "%cx", "%r8", "%r9" };
#elif defined(__aarch64__)
static const char *const arg_regs[] = { "%x0", "%x1", "%x2", "%x3", "%x4", "%x5" };
#else
static const char *const arg_regs[] = { NULL };
#endif

#define NONE TW_UPROBE_F_NR
#define RET(n, sym) { .name = n, .symbol = sym, .is_ret = true, .no_syscalls_only = true, \
		      .num = TW_UPROBE_F_RET, .str = NONE, .argv_arg = -1 }
/* An entry probe taking @n number arguments as "id0".. (made only without syscall events). */
#define IDS(sym, n, flt) { .name = sym, .symbol = sym, .no_syscalls_only = true, .num = NONE, \
			   .str = NONE, .argv_arg = -1, .nr_ids = n, .filter = flt }

/*
 * The probes. Where eprobe_target is set, an eprobe on that syscall entry event can stand
 * in for the uprobe: same event name and fields, read inside the syscall for every caller.
 */
static const struct tw_uprobe_def defs[TW_UPROBE_NR] = {
	[TW_UPROBE_CHDIR] = { .name = "chdir", .symbol = "chdir", .num = NONE,
			      .str = TW_UPROBE_F_PATH, .str_arg = 0, .argv_arg = -1,
			      .eprobe_target = "sys_enter_chdir" },
	[TW_UPROBE_EXECVE] = { .name = "execve", .symbol = "execve", .num = NONE,
			       .str = TW_UPROBE_F_FN, .str_arg = 0, .argv_arg = 1,
			       .eprobe_target = "sys_enter_execve" },
	[TW_UPROBE_EXECVEAT] = { .name = "execveat", .symbol = "execveat",
				 .num = TW_UPROBE_F_DIRFD, .num_arg = 0,
				 .str = TW_UPROBE_F_FN, .str_arg = 1, .argv_arg = 2,
				 .eprobe_target = "sys_enter_execveat" },
	[TW_UPROBE_FEXECVE] = { .name = "fexecve", .symbol = "fexecve", .num = TW_UPROBE_F_FD,
				.num_arg = 0, .str = NONE, .argv_arg = 1 },
	[TW_UPROBE_FCHDIR] = { .name = "fchdir", .symbol = "fchdir", .no_syscalls_only = true,
			       .num = TW_UPROBE_F_FD, .num_arg = 0, .str = NONE, .argv_arg = -1 },
	[TW_UPROBE_CHDIR_RET] = RET("chdir_ret", "chdir"),
	[TW_UPROBE_FCHDIR_RET] = RET("fchdir_ret", "fchdir"),
	[TW_UPROBE_EXECVE_RET] = { .name = "execve_ret", .symbol = "execve", .is_ret = true,
				   .no_syscalls_only = true, .num = TW_UPROBE_F_RET, .str = NONE,
				   .argv_arg = -1, .after_syscall = true },
	[TW_UPROBE_EXECVEAT_RET] = { .name = "execveat_ret", .symbol = "execveat", .is_ret = true,
				     .no_syscalls_only = true, .num = TW_UPROBE_F_RET, .str = NONE,
				     .argv_arg = -1, .after_syscall = true },
	[TW_UPROBE_FEXECVE_RET] = RET("fexecve_ret", "fexecve"),
	[TW_UPROBE_UNSHARE] = { .name = "unshare", .symbol = "unshare", .no_syscalls_only = true,
				.num = TW_UPROBE_F_FLAGS, .num_arg = 0, .str = NONE,
				.argv_arg = -1 },
	[TW_UPROBE_UNSHARE_RET] = RET("unshare_ret", "unshare"),
	/* setns(fd, nstype): the namespace type is the second argument. */
	[TW_UPROBE_SETNS] = { .name = "setns", .symbol = "setns", .no_syscalls_only = true,
			      .num = TW_UPROBE_F_FLAGS, .num_arg = 1, .str = NONE, .argv_arg = -1 },
	[TW_UPROBE_SETNS_RET] = RET("setns_ret", "setns"),
	[TW_UPROBE_SETUID] = IDS("setuid", 1, NULL),
	[TW_UPROBE_SETUID_RET] = RET("setuid_ret", "setuid"),
	[TW_UPROBE_SETEUID] = IDS("seteuid", 1, NULL),
	[TW_UPROBE_SETEUID_RET] = RET("seteuid_ret", "seteuid"),
	[TW_UPROBE_SETREUID] = IDS("setreuid", 2, NULL),
	[TW_UPROBE_SETREUID_RET] = RET("setreuid_ret", "setreuid"),
	[TW_UPROBE_SETRESUID] = IDS("setresuid", 3, NULL),
	[TW_UPROBE_SETRESUID_RET] = RET("setresuid_ret", "setresuid"),
	/* prctl(PR_SET_NO_NEW_PRIVS, 1, ...), ptrace(TRACEME / ATTACH / SEIZE, pid, ...) */
	[TW_UPROBE_PRCTL] = IDS("prctl", 2, TW_PRCTL_FILTER("id0")),
	[TW_UPROBE_PTRACE] = IDS("ptrace", 2, TW_PTRACE_FILTER("id0")),
};

/*
 * The fields: name, uprobe fetch type of a number (C int arguments are 32 bits: the upper
 * half of their register is undefined), and the syscall event field an eprobe reads.
 */
static const struct field_def {
	const char *name;
	const char *type;
	const char *eprobe_src;
} fields[TW_UPROBE_F_NR] = {
	[TW_UPROBE_F_PATH] = { "path", NULL, "$filename" },
	[TW_UPROBE_F_FN] = { "fn", NULL, "$filename" },
	[TW_UPROBE_F_FD] = { "fd", "s32", "$fd" },
	[TW_UPROBE_F_DIRFD] = { "dirfd", "s32", "$fd" },
	[TW_UPROBE_F_RET] = { "ret", "s32", NULL },
	[TW_UPROBE_F_FLAGS] = { "flags", "u32", NULL },
};

/* Fixed part of an exec probe: dirfd (4), file name, argv[0], argv pointers (8 each). */
#define EXEC_FIXED(max_args) (4 + 2 * TW_UPROBE_NAME_SLOT + 8 * ((max_args) + 1))

_Static_assert(EXEC_FIXED(TW_UPROBE_MAX_ARGS) + 8 * (TW_UPROBE_MAX_ARGS - 1) <=
	       TW_UPROBE_FETCH_MAX, "the largest argv must still get 8 bytes per element");
_Static_assert(TW_UPROBE_PATH_SLOT % 8 == 0 && TW_UPROBE_NAME_SLOT % 8 == 0,
	       "slots are arrays of u64");

struct tw_uprobes {
	struct tracefs_instance *inst;
	struct tracefs_dynevent **events;
	int nr, cap;
	int nr_libcs;		/* libc files probed: the next one gets this index */
	int max_args;
	bool no_syscalls;
	char group[64];
};

const struct tw_uprobe_def *tw_uprobe_def(enum tw_uprobe_func f)
{
	return (unsigned)f < TW_UPROBE_NR ? &defs[f] : NULL;
}

const char *tw_uprobe_field_name(enum tw_uprobe_field f)
{
	return (unsigned)f < TW_UPROBE_F_NR ? fields[f].name : "";
}

const char *tw_uprobe_func_name(enum tw_uprobe_func f)
{
	return (unsigned)f < TW_UPROBE_NR ? defs[f].name : "unknown";
}

bool tw_uprobe_func_is_ret(enum tw_uprobe_func f)
{
	return (unsigned)f < TW_UPROBE_NR && defs[f].is_ret;
}

int tw_uprobe_arg_slot(int max_args, int k)
{
	int slot;

	if (k == 0 || max_args < 2)
		return TW_UPROBE_NAME_SLOT;
	slot = (TW_UPROBE_FETCH_MAX - EXEC_FIXED(max_args)) / (max_args - 1);
	if (slot > TW_UPROBE_PART_MAX)
		slot = TW_UPROBE_PART_MAX;
	return slot & ~7;
}

/* The libc.so mapped by the process whose maps file is @maps; malloc'd, NULL if none. */
static char *libc_in_maps(const char *maps)
{
	char *line = NULL, *found = NULL;
	size_t cap = 0;
	FILE *f = fopen(maps, "re");

	if (!f)
		return NULL;
	while (!found && getline(&line, &cap, f) > 0) {
		char *path = strchr(line, '/');
		char *base;

		if (!path)
			continue;
		path[strcspn(path, "\n")] = '\0';
		base = strrchr(path, '/') + 1;
		if (!strncmp(base, "libc.so", 7) || !strncmp(base, "libc-", 5))
			found = tw_strdup(path);
	}
	free(line);
	fclose(f);
	return found;
}

char *tw_uprobe_host_libc(void)
{
	/* Where distributions keep the libc that their dynamically linked programs load. */
	static const char *const usual[] = {
		"/lib/x86_64-linux-gnu/libc.so.6", "/lib/aarch64-linux-gnu/libc.so.6",
		"/lib64/libc.so.6", "/usr/lib64/libc.so.6", "/lib/libc.so.6", "/usr/lib/libc.so.6",
	};
	char *found = libc_in_maps("/proc/self/maps");
	size_t i;

	/*
	 * A static tracewatch maps no libc: take init's (dynamically linked on every
	 * distribution), else the usual place.
	 */
	if (!found)
		found = libc_in_maps("/proc/1/maps");
	for (i = 0; !found && i < TW_ARRAY_SIZE(usual); i++)
		if (access(usual[i], R_OK) == 0)
			found = realpath(usual[i], NULL);
	return found;
}

char *tw_uprobe_host_loader(void)
{
	char *libc = tw_uprobe_host_libc();
	char *interp = libc ? tw_elf_interp(libc) : NULL;
	char *real = interp ? realpath(interp, NULL) : NULL;

	free(libc);
	free(interp);
	return real;
}

/*
 * A string of at most @bytes - 1 bytes at address @addr, as a fixed slot of @bytes (a
 * multiple of 8) in parts of TW_UPROBE_PART_MAX: u64 elements copied with copy_from_user(),
 * which zero-fills what it cannot read, so a slot never holds stale bytes. The string ends
 * at the first NUL in the slot; a slot without one holds a string that was cut.
 */
static int fetch_string(struct tw_buf *b, const char *name, const char *addr, int bytes)
{
	int off, part = 0;

	for (off = 0; off < bytes; off += TW_UPROBE_PART_MAX, part++) {
		int n = bytes - off < TW_UPROBE_PART_MAX ? bytes - off : TW_UPROBE_PART_MAX;
		char pname[48];

		if (part)
			snprintf(pname, sizeof(pname), TW_UPROBE_PART_FMT, name, part);
		else
			snprintf(pname, sizeof(pname), "%s", name);
		if (tw_buf_printf(b, " %s=+%d(%s):u64[%d]", pname, off, addr, n / 8))
			return -ENOMEM;
	}
	return 0;
}

/*
 * argv[0..max-1] as string slots, and the pointers argv[0..max] so that the end of the
 * vector (a NULL pointer) and a vector longer than max can be told apart. An unreadable
 * argv array reads as NULL pointers (zero-filled), so decoding stops before the slot whose
 * pointer could not be followed (the kernel leaves such a slot unwritten).
 */
static int add_argv_args(struct tw_buf *b, const char *reg, int max)
{
	char name[16], addr[32];
	int k;

	for (k = 0; k < max; k++) {
		snprintf(name, sizeof(name), TW_UPROBE_ARG_FMT, k);
		snprintf(addr, sizeof(addr), "+%d(%s)", 8 * k, reg);
		if (fetch_string(b, name, addr, tw_uprobe_arg_slot(max, k)) ||
		    tw_buf_printf(b, " " TW_UPROBE_PTR_FMT "=+%d(%s):u64", k, 8 * k, reg))
			return -ENOMEM;
	}
	return tw_buf_printf(b, " " TW_UPROBE_PTR_FMT "=+%d(%s):u64", max, 8 * max, reg);
}

/*
 * The uprobe's fetchargs. Worst case, all fixed: chdir TW_UPROBE_PATH_SLOT = 3072; exec
 * EXEC_FIXED(n) + (n - 1) * tw_uprobe_arg_slot(n, 1) <= TW_UPROBE_FETCH_MAX (n = 16:
 * 4 + 1024 + 136 + 15 * 120 = 2964; n = 48: 4 + 1024 + 392 + 47 * 32 = 2924); numbers and
 * return values 4 bytes each.
 */
static int fetchargs(enum tw_uprobe_func f, int max_args, struct tw_buf *b)
{
	const struct tw_uprobe_def *d = &defs[f];
	int k;

	if (d->is_ret)
		return tw_buf_printf(b, "%s=$retval:%s", fields[d->num].name, fields[d->num].type);
	if (d->num != NONE && tw_buf_printf(b, "%s=%s:%s", fields[d->num].name,
					    arg_regs[d->num_arg], fields[d->num].type))
		return -ENOMEM;
	if (d->str != NONE &&
	    fetch_string(b, fields[d->str].name, arg_regs[d->str_arg],
			 d->argv_arg >= 0 ? TW_UPROBE_NAME_SLOT : TW_UPROBE_PATH_SLOT))
		return -ENOMEM;
	for (k = 0; k < d->nr_ids; k++) {
		char name[16];

		snprintf(name, sizeof(name), TW_UPROBE_ID_FMT, k);
		if (tw_buf_printf(b, "%s%s=%s:u32", b->len ? " " : "", name, arg_regs[k]))
			return -ENOMEM;
	}
	if (d->argv_arg >= 0)
		return add_argv_args(b, arg_regs[d->argv_arg], max_args);
	return 0;
}

/*
 * Disable the probes in the instance, then remove them. Not forced: libtracefs' forced
 * removal lists all instances with tracefs_instances(), whose regex leaks in 1.6, and only
 * this run's instance has them enabled. Returns 0, or -EBUSY when some could not be removed.
 */
static int remove_all(struct tw_uprobes *u)
{
	int ret = 0;
	int i;

	if (u->nr)
		tracefs_event_disable(u->inst, u->group, NULL);
	for (i = 0; i < u->nr; i++) {
		char *event = NULL;

		if (tracefs_dynevent_destroy(u->events[i], false) < 0) {
			tracefs_dynevent_info(u->events[i], NULL, &event, NULL, NULL, NULL);
			tw_warn("could not remove probe %s/%s: %s", u->group, event ? event : "?",
				strerror(errno));
			free(event);
			ret = -EBUSY;
		}
		tracefs_dynevent_free(u->events[i]);
	}
	u->nr = 0;
	return ret;
}

static struct tw_uprobes *probes_new(struct tracefs_instance *inst, const char *group, size_t max)
{
	struct tw_uprobes *u = tw_calloc(1, sizeof(*u));

	if (!u)
		return NULL;
	u->events = tw_calloc(max, sizeof(*u->events));
	if (!u->events) {
		free(u);
		return NULL;
	}
	u->cap = (int)max;
	u->inst = inst;
	snprintf(u->group, sizeof(u->group), "%s", group);
	return u;
}

/* Undo a half-made set: disable, remove the probes made so far, free. */
static void probes_abort(struct tw_uprobes *u)
{
	remove_all(u);
	free(u->events);
	free(u);
}

/* Create @ev (taken, freed on failure) and enable it in the instance. Returns 0 or -1. */
static int probes_add(struct tw_uprobes *u, struct tracefs_dynevent *ev, const char *name,
		      const char *filter)
{
	if (tracefs_dynevent_create(ev) < 0) {
		tracefs_dynevent_free(ev);
		return -1;
	}
	u->events[u->nr++] = ev;
	if (filter && tracefs_event_file_write(u->inst, u->group, name, "filter", filter) < 0)
		return -1;
	return tracefs_event_enable(u->inst, u->group, name) < 0 ? -1 : 0;
}

/* Bytes of a function searched for its "syscall" instruction. */
#define SYSCALL_SCAN_BYTES 64

/*
 * x86-64: the file offset just after the first "syscall" (0f 05) in the @SYSCALL_SCAN_BYTES
 * bytes at @off of @path. Returns 0 and *@after, or -ENOENT (other architectures too).
 */
static int after_syscall_offset(const char *path, uint64_t off, uint64_t *after)
{
#if defined(__x86_64__)
	unsigned char code[SYSCALL_SCAN_BYTES];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int i;

	if (fd < 0)
		return -ENOENT;
	n = pread(fd, code, sizeof(code), (off_t)off);
	close(fd);
	for (i = 0; i + 1 < n; i++) {
		if (code[i] == 0x0f && code[i + 1] == 0x05) {
			*after = off + (uint64_t)i + 2;
			return 0;
		}
	}
#endif
	return -ENOENT;
}

/*
 * Probe the functions of one libc file as events "<name>_<index>". Returns how many probes
 * were made (0: none of the functions is there), or -errno; on error the probes made by this
 * call stay in @u (the caller decides whether to abort all).
 */
static int add_libc(struct tw_uprobes *u, const char *libc, int index)
{
	int f, made = 0;

	for (f = 0; f < TW_UPROBE_NR; f++) {
		struct tw_buf args = { 0 };
		struct tracefs_dynevent *ev;
		char name[64];
		uint64_t off;
		int ret;

		if (defs[f].no_syscalls_only && !u->no_syscalls)
			continue;
		ret = tw_elf_func_offset(libc, defs[f].symbol, &off);
		if (ret) {
			if (ret != -ENOENT)
				tw_warn("uprobes: cannot read symbols of %s: %s", libc, strerror(-ret));
			continue;
		}
		if (u->nr == u->cap) {
			int cap = u->cap * 2;
			struct tracefs_dynevent **n = tw_realloc(u->events, cap * sizeof(*n));

			if (!n)
				return -ENOMEM;
			u->events = n;
			u->cap = cap;
		}
		snprintf(name, sizeof(name), "%s_%d", defs[f].name, index);
		if (defs[f].after_syscall && after_syscall_offset(libc, off, &off) == 0) {
			/* Reached only when the syscall returned, i.e. failed (exec). */
			if (tw_buf_puts(&args, "sysret=%ax:s32"))
				return -ENOMEM;
			ev = tracefs_uprobe_alloc(u->group, name, libc, off, args.data);
		} else {
			if (fetchargs(f, u->max_args, &args))
				return -ENOMEM;
			ev = defs[f].is_ret ?
				     tracefs_uretprobe_alloc(u->group, name, libc, off, args.data) :
				     tracefs_uprobe_alloc(u->group, name, libc, off, args.data);
		}
		tw_buf_release(&args);
		if (!ev)
			return -ENOMEM;
		if (probes_add(u, ev, name, defs[f].filter)) {
			tw_warn("uprobes: cannot set up a probe on %s:%s (%s)", libc, defs[f].symbol,
				strerror(errno));
			return -EIO;
		}
		made++;
	}
	return made;
}

struct tw_uprobes *tw_uprobes_create(struct tracefs_instance *inst, const char *group,
				     const char *const *libcs, int nr_libcs, int max_args,
				     bool no_syscalls)
{
	struct tw_uprobes *u;
	int l;

	if (!arg_regs[0]) {
		tw_warn("uprobes: this CPU architecture is not supported; using /proc only");
		return NULL;
	}
	u = probes_new(inst, group, (size_t)(nr_libcs > 0 ? nr_libcs : 1) * TW_UPROBE_NR);
	if (!u)
		return NULL;
	u->max_args = max_args;
	u->no_syscalls = no_syscalls;
	for (l = 0; l < nr_libcs; l++) {
		if (add_libc(u, libcs[l], l) < 0) {
			tw_warn("uprobes: using /proc only");
			goto out_abort;
		}
	}
	if (!u->nr) {
		tw_warn("uprobes: no libc function found to probe; using /proc only");
		goto out_abort;
	}
	u->nr_libcs = nr_libcs;
	return u;

out_abort:
	probes_abort(u);
	return NULL;
}

int tw_uprobes_add_libc(struct tw_uprobes *u, const char *libc)
{
	int ret = add_libc(u, libc, u->nr_libcs);

	if (ret > 0)
		u->nr_libcs++;
	return ret;
}

/*
 * argv elements read from user memory at the syscall's argv pointer field. Eprobes keep
 * ":ustring": their event is reserved straight in the ring buffer (trace_eprobe.c,
 * __eprobe_trace_func()), with no one-page staging buffer to overflow; an event too large
 * for a sub-buffer is dropped whole (the exec then gets its argv from /proc, and says so).
 * Fixed slots would be unsafe there: copy_from_user_nofault() leaves the unread part of a
 * slot as it was in the ring buffer, i.e. stale bytes of older events.
 */
static int add_eprobe_argv(struct tw_buf *b, int max)
{
	int k;

	for (k = 0; k < max; k++)
		if (tw_buf_printf(b, " " TW_UPROBE_ARG_FMT "=+0(+u%d($argv)):ustring "
				  TW_UPROBE_PTR_FMT "=+u%d($argv):u64", k, 8 * k, k, 8 * k))
			return -ENOMEM;
	return tw_buf_printf(b, " " TW_UPROBE_PTR_FMT "=+u%d($argv):u64", max, 8 * max);
}

/* The eprobe standing in for probe @f (it has an eprobe_target). */
static int eprobe_fetchargs(enum tw_uprobe_func f, int max_args, struct tw_buf *b)
{
	const struct tw_uprobe_def *d = &defs[f];

	if (d->num != NONE && tw_buf_printf(b, "%s=%s:%s ", fields[d->num].name,
					    fields[d->num].eprobe_src, fields[d->num].type))
		return -ENOMEM;
	if (d->str != NONE && tw_buf_printf(b, "%s=+0(%s):ustring", fields[d->str].name,
					    fields[d->str].eprobe_src))
		return -ENOMEM;
	if (d->argv_arg >= 0)
		return add_eprobe_argv(b, max_args);
	return 0;
}

struct tw_uprobes *tw_eprobes_create(struct tracefs_instance *inst, const char *group,
				     int max_args)
{
	struct tw_uprobes *u;
	int f;

	u = probes_new(inst, group, TW_UPROBE_NR);
	if (!u)
		return NULL;
	for (f = 0; f < TW_UPROBE_NR; f++) {
		struct tw_buf args = { 0 };
		struct tracefs_dynevent *ev;
		char name[64];

		if (!defs[f].eprobe_target)
			continue;
		if (eprobe_fetchargs(f, max_args, &args)) {
			tw_buf_release(&args);
			goto out_abort;
		}
		/* Index 0, as the host libc's uprobes: one decoder reads both. */
		snprintf(name, sizeof(name), "%s_0", defs[f].name);
		ev = tracefs_eprobe_alloc(u->group, name, "syscalls", defs[f].eprobe_target,
					  args.data);
		tw_buf_release(&args);
		if (!ev || probes_add(u, ev, name, NULL))
			goto out_abort;
	}
	return u;

out_abort:
	probes_abort(u);
	return NULL;
}

int tw_uprobes_count(const struct tw_uprobes *u)
{
	return u ? u->nr : 0;
}

int tw_uprobes_destroy(struct tw_uprobes *u)
{
	int ret;

	if (!u)
		return 0;
	ret = remove_all(u);
	free(u->events);
	free(u);
	return ret;
}

/* Say what was removed, one line per group (@n events of @group). */
static void report_removed(const char *group, int n)
{
	if (n)
		tw_warn("removed %d stale probes of group %s: its tracewatch is gone", n, group);
}

int tw_uprobes_remove_stale(bool (*is_stale)(int pid, void *ctx), void *ctx)
{
	const size_t plen = strlen(TW_UPROBE_GROUP_PREFIX);
	struct tracefs_dynevent **all;
	char last[64] = "";
	int removed = 0, in_last = 0;
	int i;

	/*
	 * Every kind tracewatch creates. libtracefs 1.6 reads them all from dynamic_events and
	 * tells kinds by prefix only ("p"/"r" also match kprobes): the group name decides.
	 */
	all = tracefs_dynevent_get_all(TRACEFS_DYNEVENT_UPROBE | TRACEFS_DYNEVENT_URETPROBE |
				       TRACEFS_DYNEVENT_EPROBE, NULL);
	if (!all)
		return 0;	/* none (libtracefs also says so with NULL) */
	for (i = 0; all[i]; i++) {
		char *system = NULL, *event = NULL;
		const char *p;

		tracefs_dynevent_info(all[i], &system, &event, NULL, NULL, NULL);
		p = system ? system + plen : NULL;
		if (p && !strncmp(system, TW_UPROBE_GROUP_PREFIX, plen) && *p &&
		    strspn(p, "0123456789") == strlen(p) && is_stale(atoi(p), ctx)) {
			if (strcmp(last, system)) {
				report_removed(last, in_last);
				snprintf(last, sizeof(last), "%s", system);
				in_last = 0;
			}
			/* Its instance is gone already, so nothing has it enabled. */
			if (tracefs_dynevent_destroy(all[i], false) == 0) {
				removed++;
				in_last++;
			} else {
				tw_warn("could not remove stale probe %s/%s: %s", system, event,
					strerror(errno));
			}
		}
		free(system);
		free(event);
	}
	report_removed(last, in_last);
	tracefs_dynevent_list_free(all);
	return removed;
}
