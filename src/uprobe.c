// SPDX-License-Identifier: GPL-2.0
/* uprobe.c - libc uprobes capturing chdir paths and exec argv in the kernel (string tier 3). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tracefs/tracefs.h>

#include "elfsym.h"
#include "probe.h"
#include "uprobe.h"
#include "util.h"

#define GROUP_PREFIX "tracewatch_"

/* Function-argument registers, in order, as uprobe fetchargs name them. */
#if defined(__x86_64__)
static const char *const arg_regs[] = { "%di", "%si", "%dx", "%cx", "%r8", "%r9" };
#elif defined(__aarch64__)
static const char *const arg_regs[] = { "%x0", "%x1", "%x2", "%x3", "%x4", "%x5" };
#else
static const char *const arg_regs[] = { NULL };
#endif

static const struct probe_spec {
	const char *name;	/* event name prefix */
	const char *symbol;	/* libc function */
	bool is_ret;
	bool no_syscalls_only;
	/*
	 * x86-64: probe the instruction after the function's "syscall" instead of its return,
	 * where %ax still holds the kernel's -errno (the libc wrapper returns -1 and hides
	 * the errno in thread-local storage, which a probe cannot read).
	 */
	bool after_syscall;
} specs[TW_UPROBE_NR] = {
	[TW_UPROBE_CHDIR] = { "chdir", "chdir", false, false },
	[TW_UPROBE_EXECVE] = { "execve", "execve", false, false },
	[TW_UPROBE_EXECVEAT] = { "execveat", "execveat", false, false },
	[TW_UPROBE_FEXECVE] = { "fexecve", "fexecve", false, false },
	[TW_UPROBE_FCHDIR] = { "fchdir", "fchdir", false, true },
	[TW_UPROBE_CHDIR_RET] = { "chdir_ret", "chdir", true, true },
	[TW_UPROBE_FCHDIR_RET] = { "fchdir_ret", "fchdir", true, true },
	[TW_UPROBE_EXECVE_RET] = { "execve_ret", "execve", true, true, true },
	[TW_UPROBE_EXECVEAT_RET] = { "execveat_ret", "execveat", true, true, true },
	[TW_UPROBE_FEXECVE_RET] = { "fexecve_ret", "fexecve", true, true },
	[TW_UPROBE_UNSHARE] = { "unshare", "unshare", false, true },
	[TW_UPROBE_UNSHARE_RET] = { "unshare_ret", "unshare", true, true },
	[TW_UPROBE_SETNS] = { "setns", "setns", false, true },
	[TW_UPROBE_SETNS_RET] = { "setns_ret", "setns", true, true },
};

struct tw_uprobes {
	struct tracefs_instance *inst;
	struct tracefs_dynevent **events;
	int nr, cap;
	int nr_libcs;		/* libc files probed: the next one gets this index */
	int max_args;
	bool no_syscalls;
	char group[64];
};

const char *tw_uprobe_func_name(enum tw_uprobe_func f)
{
	return (unsigned)f < TW_UPROBE_NR ? specs[f].name : "unknown";
}

bool tw_uprobe_func_is_ret(enum tw_uprobe_func f)
{
	return (unsigned)f < TW_UPROBE_NR && specs[f].is_ret;
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

/*
 * argv[0..max-1] as strings, and the pointers argv[0..max] so that the end of the vector
 * (a NULL pointer) and a vector longer than max can be told apart from a string that could
 * not be read (a fault leaves the string empty with length 0).
 */
static int add_argv_args(struct tw_buf *b, const char *reg, int max)
{
	int k;

	for (k = 0; k < max; k++)
		if (tw_buf_printf(b, " a%d=+0(+%d(%s)):ustring p%d=+%d(%s):u64", k, 8 * k, reg, k,
				  8 * k, reg))
			return -ENOMEM;
	return tw_buf_printf(b, " p%d=+%d(%s):u64", max, 8 * max, reg);
}

static int fetchargs(enum tw_uprobe_func f, int max_args, struct tw_buf *b)
{
	if (specs[f].is_ret)
		return tw_buf_puts(b, "ret=$retval:s32");
	switch (f) {
	case TW_UPROBE_FCHDIR:
		return tw_buf_printf(b, "fd=%s:s32", arg_regs[0]);
	case TW_UPROBE_CHDIR:
		return tw_buf_printf(b, "path=+0(%s):ustring", arg_regs[0]);
	case TW_UPROBE_UNSHARE:
		return tw_buf_printf(b, "flags=%s:u64", arg_regs[0]);
	case TW_UPROBE_SETNS:
		return tw_buf_printf(b, "flags=%s:u32", arg_regs[1]);
	case TW_UPROBE_EXECVE:
		if (tw_buf_printf(b, "fn=+0(%s):ustring", arg_regs[0]))
			return -ENOMEM;
		return add_argv_args(b, arg_regs[1], max_args);
	case TW_UPROBE_EXECVEAT:
		if (tw_buf_printf(b, "dirfd=%s:s32 fn=+0(%s):ustring", arg_regs[0], arg_regs[1]))
			return -ENOMEM;
		return add_argv_args(b, arg_regs[2], max_args);
	case TW_UPROBE_FEXECVE:
		if (tw_buf_printf(b, "fd=%s:s32", arg_regs[0]))
			return -ENOMEM;
		return add_argv_args(b, arg_regs[1], max_args);
	default:
		return -EINVAL;
	}
}

static void remove_all(struct tw_uprobes *u)
{
	int i;

	for (i = 0; i < u->nr; i++) {
		if (tracefs_dynevent_destroy(u->events[i], true) < 0)
			tw_warn("could not remove uprobe %s: %s", u->group, strerror(errno));
		tracefs_dynevent_free(u->events[i]);
	}
	u->nr = 0;
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
	tracefs_event_disable(u->inst, u->group, NULL);
	remove_all(u);
	free(u->events);
	free(u);
}

/* Create @ev (taken, freed on failure) and enable it in the instance. Returns 0 or -1. */
static int probes_add(struct tw_uprobes *u, struct tracefs_dynevent *ev, const char *name)
{
	if (tracefs_dynevent_create(ev) < 0) {
		tracefs_dynevent_free(ev);
		return -1;
	}
	u->events[u->nr++] = ev;
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

		if (specs[f].no_syscalls_only && !u->no_syscalls)
			continue;
		ret = tw_elf_func_offset(libc, specs[f].symbol, &off);
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
		snprintf(name, sizeof(name), "%s_%d", specs[f].name, index);
		if (specs[f].after_syscall && after_syscall_offset(libc, off, &off) == 0) {
			/* Reached only when the syscall returned, i.e. failed (exec). */
			if (tw_buf_puts(&args, "sysret=%ax:s32"))
				return -ENOMEM;
			ev = tracefs_uprobe_alloc(u->group, name, libc, off, args.data);
		} else {
			if (fetchargs(f, u->max_args, &args))
				return -ENOMEM;
			ev = specs[f].is_ret ?
				     tracefs_uretprobe_alloc(u->group, name, libc, off, args.data) :
				     tracefs_uprobe_alloc(u->group, name, libc, off, args.data);
		}
		tw_buf_release(&args);
		if (!ev)
			return -ENOMEM;
		if (probes_add(u, ev, name)) {
			tw_warn("uprobes: cannot set up a probe on %s:%s (%s)", libc, specs[f].symbol,
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

/* argv elements read from user memory at the syscall's argv pointer field. */
static int add_eprobe_argv(struct tw_buf *b, int max)
{
	int k;

	for (k = 0; k < max; k++)
		if (tw_buf_printf(b, " a%d=+0(+u%d($argv)):ustring p%d=+u%d($argv):u64", k, 8 * k, k,
				  8 * k))
			return -ENOMEM;
	return tw_buf_printf(b, " p%d=+u%d($argv):u64", max, 8 * max);
}

struct tw_uprobes *tw_eprobes_create(struct tracefs_instance *inst, const char *group,
				     int max_args)
{
	static const struct {
		const char *name;
		const char *target;
		const char *head;
		bool argv;
	} eps[] = {
		{ "chdir_0", "sys_enter_chdir", "path=+0($filename):ustring", false },
		{ "execve_0", "sys_enter_execve", "fn=+0($filename):ustring", true },
		{ "execveat_0", "sys_enter_execveat", "dirfd=$fd:s32 fn=+0($filename):ustring", true },
	};
	struct tw_uprobes *u;
	size_t i;

	u = probes_new(inst, group, TW_ARRAY_SIZE(eps));
	if (!u)
		return NULL;
	for (i = 0; i < TW_ARRAY_SIZE(eps); i++) {
		struct tw_buf args = { 0 };
		struct tracefs_dynevent *ev;

		if (tw_buf_puts(&args, eps[i].head) ||
		    (eps[i].argv && add_eprobe_argv(&args, max_args))) {
			tw_buf_release(&args);
			goto out_abort;
		}
		ev = tracefs_eprobe_alloc(u->group, eps[i].name, "syscalls", eps[i].target, args.data);
		tw_buf_release(&args);
		if (!ev || probes_add(u, ev, eps[i].name))
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
	if (!u)
		return 0;
	remove_all(u);
	free(u->events);
	free(u);
	return 0;
}

int tw_uprobes_remove_stale(void)
{
	/* Return probes too: the mode without syscall events sets them. */
	struct tracefs_dynevent **all =
		tracefs_dynevent_get_all(TRACEFS_DYNEVENT_UPROBE | TRACEFS_DYNEVENT_URETPROBE, NULL);
	int removed = 0;
	int i;

	if (!all)
		return 0;
	for (i = 0; all[i]; i++) {
		char *system = NULL, *event = NULL;

		tracefs_dynevent_info(all[i], &system, &event, NULL, NULL, NULL);
		if (system && !strncmp(system, GROUP_PREFIX, strlen(GROUP_PREFIX)) &&
		    !tw_probe_is_tracewatch(atoi(system + strlen(GROUP_PREFIX)))) {
			if (tracefs_dynevent_destroy(all[i], true) == 0)
				removed++;
			else
				tw_warn("could not remove stale uprobe %s/%s: %s", system, event,
					strerror(errno));
		}
		free(system);
		free(event);
	}
	tracefs_dynevent_list_free(all);
	if (removed)
		tw_warn("removed %d stale uprobes of a tracewatch that is gone", removed);
	return removed;
}
