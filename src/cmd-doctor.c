// SPDX-License-Identifier: GPL-2.0
/* cmd-doctor.c - say what this host allows tracewatch, what it will use, and what to do. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cmd.h"
#include "decode.h"
#include "elfsym.h"
#include "exitcode.h"
#include "procfs.h"
#include "uprobe.h"
#include "util.h"

/*
 * doctor only looks: it never mounts tracefs (libtracefs' tracefs_tracing_dir() would, so it
 * is not called here) and leaves nothing behind. The one thing it creates, a test eprobe, is
 * removed at once and named in the output; fanotify is opened and closed again.
 */

#define LABEL_WIDTH 17
#define CAP_DAC_OVERRIDE 1
#define CAP_DAC_READ_SEARCH 2
#define CAP_SYS_PTRACE 19
#define CAP_SYS_ADMIN 21
#define DEFAULT_TRACEFS "/sys/kernel/tracing"

/* The verdict grows worse only: an item that stops tracewatch wins over one that costs. */
enum severity { FINE, DEGRADED, FATAL };

struct doctor {
	enum severity worst;
	char first_fatal[256];	/* what stops tracewatch, for the verdict line */
	char first_less[256];	/* the first thing it will do without */
	bool root;
	unsigned long long cap_eff;
	bool caps_known;
	/* What decides paths (the live default's choice, source.h syscalls_only_for_strings): */
	bool syscall_strings;	/* the syscall events bring strings (format or eprobes) */
	bool libc_uprobes;	/* libc uprobes can stand in for the syscall events */
	bool fanotify;
};

static void line(const char *label, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void line(const char *label, const char *fmt, ...)
{
	va_list ap;

	printf("%s:%*s", label, (int)(LABEL_WIDTH - strlen(label) - 1), "");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* The advice that goes with the line above it. */
static void todo(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void todo(const char *fmt, ...)
{
	va_list ap;

	printf("%*s-> ", LABEL_WIDTH, "");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static void note(struct doctor *d, enum severity sev, const char *why)
{
	if (sev == FATAL && d->worst != FATAL)
		snprintf(d->first_fatal, sizeof(d->first_fatal), "%s", why);
	if (sev == DEGRADED && !d->first_less[0])
		snprintf(d->first_less, sizeof(d->first_less), "%s", why);
	if (sev > d->worst)
		d->worst = sev;
}

static bool has_cap(const struct doctor *d, int cap)
{
	return d->root && (!d->caps_known || (d->cap_eff >> cap) & 1);
}

static void check_user(struct doctor *d)
{
	static const struct {
		int cap;
		const char *name;
		const char *without;
	} caps[] = {
		{ CAP_SYS_ADMIN, "CAP_SYS_ADMIN",
		  "tracewatch cannot mount tracefs itself, and fanotify is unavailable" },
		{ CAP_SYS_PTRACE, "CAP_SYS_PTRACE",
		  "/proc/PID/cwd, exe and root of other users' processes are unreadable: their "
		  "relative paths may stay unresolved" },
		{ CAP_DAC_READ_SEARCH, "CAP_DAC_READ_SEARCH",
		  "directories root cannot search (mode 0700 homes) stop path resolution there" },
	};
	char buf[4096], *p;
	size_t i, n;
	FILE *f;

	d->root = geteuid() == 0;
	f = fopen("/proc/self/status", "re");
	if (f) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		buf[n] = '\0';
		fclose(f);
		p = strstr(buf, "\nCapEff:");
		if (p && sscanf(p + 8, "%llx", &d->cap_eff) == 1)
			d->caps_known = true;
	}
	if (!d->root) {
		line("root", "NO (effective uid %d)", (int)geteuid());
		todo("tracewatch needs root: run 'sudo tracewatch doctor' for the full report");
		note(d, FATAL, "it needs root");
		return;
	}
	line("root", "yes");
	if (!d->caps_known) {
		line("capabilities", "unknown (/proc/self/status unreadable)");
		return;
	}
	for (i = 0; i < TW_ARRAY_SIZE(caps); i++) {
		if (has_cap(d, caps[i].cap))
			continue;
		line("capabilities", "%s missing: %s", caps[i].name, caps[i].without);
		todo("give the process %s (a container: --cap-add %s)", caps[i].name,
		     caps[i].name + 4);
		note(d, DEGRADED, caps[i].without);
	}
	if (has_cap(d, CAP_SYS_ADMIN) && has_cap(d, CAP_SYS_PTRACE) &&
	    has_cap(d, CAP_DAC_READ_SEARCH))
		line("capabilities", "CAP_SYS_ADMIN, CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH: yes");
}

/* /sys/kernel/security/lockdown reads "none [integrity] confidentiality": [] is the mode. */
static void check_lockdown(struct doctor *d)
{
	char buf[128], *open_b, *close_b;
	size_t n;
	FILE *f;

	f = fopen("/sys/kernel/security/lockdown", "re");
	if (!f) {
		if (errno == ENOENT)
			line("lockdown", "not shown (no /sys/kernel/security/lockdown: securityfs "
					 "not mounted, or no lockdown LSM)");
		else
			line("lockdown", "unknown (%s)", strerror(errno));
		return;
	}
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	open_b = strchr(buf, '[');
	close_b = open_b ? strchr(open_b, ']') : NULL;
	if (!open_b || !close_b) {
		line("lockdown", "unknown (%.*s)", (int)strcspn(buf, "\n"), buf);
		return;
	}
	*close_b = '\0';
	if (!strcmp(open_b + 1, "confidentiality")) {
		line("lockdown", "confidentiality: the kernel refuses tracefs");
		todo("boot with lockdown=integrity or lockdown=none (Secure Boot may set it)");
		note(d, FATAL, "kernel lockdown (confidentiality) refuses tracefs");
	} else {
		line("lockdown", "%s (tracefs allowed)", open_b + 1);
	}
}

/*
 * Where tracefs is mounted in this mount namespace, from /proc/self/mounts (readable by every
 * user, unlike tracefs itself). Prefers /sys/kernel/tracing. Returns a new string or NULL.
 */
static char *find_tracefs(bool *read_only)
{
	char dev[256], dir[4096], type[64], opts[1024];
	char *found = NULL;
	FILE *f;

	f = fopen("/proc/self/mounts", "re");
	if (!f)
		return NULL;
	while (fscanf(f, "%255s %4095s %63s %1023s %*d %*d", dev, dir, type, opts) == 4) {
		if (strcmp(type, "tracefs"))
			continue;
		if (found && strcmp(dir, DEFAULT_TRACEFS))
			continue;
		free(found);
		found = tw_strdup(dir);
		*read_only = !strncmp(opts, "ro", 2) && (opts[2] == ',' || !opts[2]);
	}
	fclose(f);
	return found;
}

static bool exists(const char *tdir, const char *file)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", tdir, file);
	return access(path, F_OK) == 0;
}

/* Tracefs is there but this process may not use it: say which and why. */
static bool check_tracefs_access(struct doctor *d, const char *tdir, bool read_only)
{
	char path[4096];
	struct stat st;
	int fd;

	if (faccessat(AT_FDCWD, tdir, R_OK | X_OK, AT_EACCESS) == 0 && !read_only) {
		/* Permission bits pass; kernel lockdown refuses at open, whatever they say. */
		snprintf(path, sizeof(path), "%s/trace_clock", tdir);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 || errno != EPERM) {
			if (fd >= 0)
				close(fd);
			return true;
		}
		line("tracefs", "%s refuses access (EPERM): kernel lockdown", tdir);
		todo("boot with lockdown=integrity or lockdown=none (Secure Boot may set it)");
		note(d, FATAL, "the kernel refuses tracefs (lockdown)");
		return false;
	}
	if (read_only) {
		line("tracefs", "%s is mounted read-only", tdir);
		todo("remount it read-write (a container: run on the host, or mount tracefs rw)");
		note(d, FATAL, "tracefs is read-only");
		return false;
	}
	if (stat(tdir, &st) == 0)
		line("tracefs", "mounted at %s, but NO PERMISSION (mode %04o, owner uid %d)", tdir,
		     st.st_mode & 07777, (int)st.st_uid);
	else
		line("tracefs", "mounted at %s, but NO PERMISSION (%s)", tdir, strerror(errno));
	todo("run as root: sudo tracewatch doctor");
	note(d, FATAL, d->root ? "no permission on tracefs" : "it needs root");
	return false;
}

static void check_events(struct doctor *d, const char *tdir)
{
	const struct tw_event_spec *e;
	char path[4096];

	for (e = tw_decode_event_specs(); e->system; e++) {
		bool have;

		snprintf(path, sizeof(path), "%s/events/%s/%s/format", tdir, e->system, e->name);
		have = access(path, R_OK) == 0;
		printf("event %-28s %s\n", e->name, have ? "yes" : e->required ? "MISSING (required)" :
									 "missing (optional)");
		if (!have && e->required) {
			todo("a kernel with CONFIG_FTRACE_SYSCALLS and the sched/task tracepoints");
			note(d, FATAL, "a required trace event is missing");
		}
	}
}

/*
 * eprobes (tier 2) exist when the kernel takes one: the tracefs README lists the syntax even
 * without CONFIG_EPROBE_EVENTS, so try. The test probe lives in our pid's group, which the
 * stale clean-up of a later tracewatch removes should we die in between.
 */
static bool try_eprobe(const char *tdir, char *why, size_t whylen)
{
	char path[4096], cmd[128];
	ssize_t len;
	bool ok;
	int fd;

	snprintf(path, sizeof(path), "%s/dynamic_events", tdir);
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, whylen, "%s", errno == ENOENT ? "no dynamic_events file" :
							      strerror(errno));
		return false;
	}
	len = snprintf(cmd, sizeof(cmd), "e:tracewatch_%d/doctor syscalls.sys_enter_chdir\n",
		       (int)getpid());
	ok = write(fd, cmd, len) == len;
	if (!ok)
		snprintf(why, whylen, "the kernel refused a test eprobe: %s (CONFIG_EPROBE_EVENTS "
				      "off?)", strerror(errno));
	if (ok) {
		len = snprintf(cmd, sizeof(cmd), "-:tracewatch_%d/doctor\n", (int)getpid());
		if (write(fd, cmd, len) != len)
			tw_warn("could not remove the test eprobe tracewatch_%d/doctor: %s; remove "
				"it with: echo '-:tracewatch_%d/doctor' >> %s", (int)getpid(),
				strerror(errno), (int)getpid(), path);
	}
	close(fd);
	return ok;
}

static bool chdir_has_string(const char *tdir)
{
	char path[4096], buf[512];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s/events/syscalls/sys_enter_chdir/format", tdir);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(buf, sizeof(buf), f))
		if (strstr(buf, "__data_loc") && strstr(buf, "filename"))
			found = true;
	fclose(f);
	return found;
}

static void check_probes(struct doctor *d, const char *tdir)
{
	char *libc = tw_uprobe_host_libc();
	bool uprobes = exists(tdir, "uprobe_events");
	bool libc_ok = false, eprobes;
	char why[160] = "";
	uint64_t off;

	if (libc)
		libc_ok = tw_elf_func_offset(libc, "chdir", &off) == 0 &&
			  tw_elf_func_offset(libc, "execve", &off) == 0;
	eprobes = try_eprobe(tdir, why, sizeof(why));
	if (eprobes)
		line("eprobes", "yes (created and removed the test eprobe tracewatch_%d/doctor)",
		     (int)getpid());
	else
		line("eprobes", "no: %s", why);
	if (uprobes) {
		line("uprobes", "yes");
	} else {
		line("uprobes", "NO (no %s/uprobe_events)", tdir);
		if (!eprobes)
			todo("a kernel with CONFIG_UPROBE_EVENTS (or CONFIG_EPROBE_EVENTS) captures "
			     "cwd and argv in the kernel; without, they come from /proc reads, "
			     "which lose the race against short-lived processes");
	}
	line("libc", "%s%s", libc ? libc : "not found",
	     libc_ok ? " (chdir, execve found)" : libc ? " (chdir/execve NOT found)" : "");
	if (!libc_ok && uprobes && !eprobes)
		todo("libc uprobes need the libc's ELF symbols: check that the libc file is readable");
	line("kprobes", "%s (not used)", exists(tdir, "kprobe_events") ? "yes" : "no");
	line("string tiers", "%s%s%s/proc read at arrival, inheritance, snapshot at start",
	     chdir_has_string(tdir) ? "syscall event strings (6.19+), " : "",
	     eprobes ? "eprobes (chdir path, exec argv), " : "",
	     !eprobes && uprobes && libc_ok ? "libc uprobes (chdir path, exec argv), " : "");
	if (!eprobes && !(uprobes && libc_ok))
		note(d, DEGRADED, "no eprobes or libc uprobes: cwd and argv from /proc reads only");
	d->syscall_strings = eprobes || chdir_has_string(tdir);
	d->libc_uprobes = uprobes && libc_ok;
	free(libc);
}

/* fanotify FAN_OPEN_EXEC on a file system: opened and closed again, nothing stays. */
static void check_fanotify(struct doctor *d)
{
	int fd = fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC, O_RDONLY | O_LARGEFILE);

	if (fd < 0) {
		if (errno == EPERM) {
			line("fanotify", "no permission (needs CAP_SYS_ADMIN)");
			todo("run as root with CAP_SYS_ADMIN");
		} else if (errno == ENOSYS) {
			line("fanotify", "no (kernel without CONFIG_FANOTIFY)");
		} else {
			line("fanotify", "no (%s)", strerror(errno));
		}
		return;
	}
	if (fanotify_mark(fd, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, FAN_OPEN_EXEC, AT_FDCWD, "/"))
		line("fanotify", "no FAN_OPEN_EXEC on / (%s; Linux 5.0+ has it)", strerror(errno));
	else
		d->fanotify = true;
	if (d->fanotify)
		line("fanotify", "yes (FAN_OPEN_EXEC on /; opened and closed again)");
	close(fd);
}

/* Which mechanism decides paths in the default mode. */
static void say_paths(const struct doctor *d)
{
	if (!d->fanotify)
		line("paths decided by", "the tiers above alone: without fanotify, paths are not "
					 "checked against the executed file");
	else if (!d->syscall_strings && d->libc_uprobes)
		line("paths decided by", "fanotify (the executed file checks every path); no "
					 "syscall events (they bring no strings here): libc "
					 "uprobes stand in");
	else
		line("paths decided by", "fanotify (the executed file checks every path), with "
					 "the syscall events");
}

/* How uids are followed in the default mode (README "How uids are found"). */
static void say_uids(const struct doctor *d)
{
	if (d->fanotify && !d->syscall_strings && d->libc_uprobes)
		line("uids followed by", "libc uprobes on setuid/seteuid/setreuid/setresuid "
					 "(a static program's raw calls are not seen: what it "
					 "starts is reported untracked); set-user-ID bits from "
					 "fanotify; /proc and taskstats where they can tell");
	else
		line("uids followed by", "the set*id syscall events (every caller)%s; /proc and "
					 "taskstats where they can tell",
		     d->fanotify ? "; set-user-ID bits from fanotify" :
				   "; without fanotify the euid after an exec is known only "
				   "from /proc");
}

static int usage(FILE *f)
{
	fputs("Usage: tracewatch doctor [-h|--help]\n"
	      "\n"
	      "Check what this host allows tracewatch: root and capabilities, kernel lockdown,\n"
	      "tracefs, the trace events it needs, eprobes, uprobes and libc, fanotify and\n"
	      "cgroup v2, and say which ways of finding paths it will use. Each problem line\n"
	      "is followed by what to do. doctor changes nothing: it never mounts tracefs; a\n"
	      "test eprobe it creates is removed at once and named in the output.\n"
	      "\n"
	      "Options:\n"
	      "  -h, --help             show this help\n"
	      "\n"
	      "Exit status: 0 tracewatch can run here (maybe with less, as the lines say),\n"
	      "1 it cannot run here as things stand, 2 usage error.\n",
	      f);
	return 0;
}

int cmd_doctor(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct doctor d = { 0 };
	bool read_only = false;
	char *tdir, *cg;
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'h') {
			errno = 0;
			usage(stdout);
			return tw_cli_finish(stdout, "help text") ? TW_EXIT_ERROR : TW_EXIT_OK;
		}
		fprintf(stderr, "tracewatch: unknown option '%s' for doctor\n", argv[optind - 1]);
		fprintf(stderr, "Try 'tracewatch doctor --help'.\n");
		return TW_EXIT_USAGE;
	}
	if (optind < argc) {
		fprintf(stderr, "tracewatch: doctor takes no arguments ('%s')\n", argv[optind]);
		fprintf(stderr, "Try 'tracewatch doctor --help'.\n");
		return TW_EXIT_USAGE;
	}

	check_user(&d);
	check_lockdown(&d);
	tdir = find_tracefs(&read_only);
	if (!tdir) {
		line("tracefs", "NOT MOUNTED");
		if (d.root && has_cap(&d, CAP_SYS_ADMIN)) {
			todo("tracewatch mounts it at %s when it starts (and leaves it mounted); "
			     "to do it yourself: mount -t tracefs nodev %s", DEFAULT_TRACEFS,
			     DEFAULT_TRACEFS);
			note(&d, DEGRADED, "tracefs gets mounted at start; run doctor again after "
					   "that to check the trace events");
		} else {
			todo("as root with CAP_SYS_ADMIN (on the host, not in a container): "
			     "mount -t tracefs nodev %s", DEFAULT_TRACEFS);
			note(&d, FATAL, "tracefs is not mounted and cannot be mounted from here");
		}
	} else if (check_tracefs_access(&d, tdir, read_only)) {
		line("tracefs", "%s", tdir);
		if (!exists(tdir, "instances")) {
			line("instances", "NO (%s/instances missing: kernel too old)", tdir);
			todo("tracewatch needs tracefs instances (Linux 3.10+)");
			note(&d, FATAL, "no tracefs instances");
		} else if (faccessat(AT_FDCWD, tdir, W_OK, AT_EACCESS) != 0) {
			line("instances", "NOT WRITABLE (%s)", strerror(errno));
			todo("run as root on the host");
			note(&d, FATAL, "tracefs is not writable");
		} else {
			line("instances", "yes");
		}
		check_events(&d, tdir);
		if (d.worst != FATAL)
			check_probes(&d, tdir);
	}
	check_fanotify(&d);
	say_paths(&d);
	say_uids(&d);
	cg = tw_cgroup_v2_root("/proc/self/mountinfo");
	line("cgroup v2", "%s", cg ? cg : "not mounted: cgroup and container fields stay empty");
	free(cg);
	free(tdir);

	if (d.worst == FATAL)
		line("verdict", "tracewatch CANNOT run here: %s", d.first_fatal);
	else if (d.worst == DEGRADED)
		line("verdict", "tracewatch can run here, with less (%s%s)", d.first_less,
		     strchr(d.first_less, ';') ? "" : "; see the lines above");
	else
		line("verdict", "tracewatch can run here");
	if (tw_cli_finish(stdout, "report"))
		return TW_EXIT_ERROR;
	return d.worst == FATAL ? TW_EXIT_ERROR : TW_EXIT_OK;
}
