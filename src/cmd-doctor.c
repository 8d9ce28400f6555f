// SPDX-License-Identifier: GPL-2.0
/* cmd-doctor.c - report what this kernel's tracefs allows and which tiers tracewatch will use. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tracefs/tracefs.h>

#include "cmd.h"
#include "decode.h"
#include "elfsym.h"
#include "fanwatch.h"
#include "probe.h"
#include "uprobe.h"
#include "util.h"

static bool event_exists(const char *tdir, const char *sys, const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/events/%s/%s/format", tdir, sys, name);
	return access(path, R_OK) == 0;
}

static bool file_exists(const char *tdir, const char *file)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", tdir, file);
	return access(path, F_OK) == 0;
}

int cmd_doctor(int argc, char **argv)
{
	const struct tw_event_spec *e;
	const char *tdir;
	bool ok = true;

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("Usage: tracewatch doctor\n\nCheck root, tracefs and the trace events "
		       "tracewatch needs, and say which ways of finding paths this kernel allows.\n");
		return 0;
	}
	printf("root:            %s\n", geteuid() == 0 ? "yes" : "NO (run with sudo)");
	if (geteuid() != 0)
		ok = false;
	tdir = tracefs_tracing_dir();
	if (!tdir || access(tdir, R_OK) != 0) {
		printf("tracefs:         NOT MOUNTED (mount -t tracefs nodev /sys/kernel/tracing)\n");
		return 1;
	}
	printf("tracefs:         %s\n", tdir);
	printf("instances:       %s\n", file_exists(tdir, "instances") ? "yes" : "NO");
	for (e = tw_decode_event_specs(); e->system; e++) {
		bool have = event_exists(tdir, e->system, e->name);

		printf("event %-28s %s\n", e->name, have ? "yes" : e->required ? "MISSING (required)" :
									 "missing (optional)");
		if (!have && e->required)
			ok = false;
	}
	{
		bool uprobes = file_exists(tdir, "uprobe_events");
		char *libc = tw_uprobe_host_libc();
		uint64_t off;
		bool libc_ok = libc && tw_elf_func_offset(libc, "chdir", &off) == 0 &&
			       tw_elf_func_offset(libc, "execve", &off) == 0;
		char *cg = tw_cgroup_v2_root("/proc/self/mountinfo");
		char path[512];
		bool chdir_string = false;
		FILE *f;

		snprintf(path, sizeof(path), "%s/events/syscalls/sys_enter_chdir/format", tdir);
		f = fopen(path, "re");
		if (f) {
			char line[512];

			while (fgets(line, sizeof(line), f))
				if (strstr(line, "__data_loc") && strstr(line, "filename"))
					chdir_string = true;
			fclose(f);
		}
		printf("uprobes:         %s\n", uprobes ? "yes" : "no");
		printf("libc:            %s%s\n", libc ? libc : "not found",
		       libc_ok ? " (chdir, execve found)" : "");
		printf("kprobes:         %s (not used)\n",
		       file_exists(tdir, "kprobe_events") ? "yes" : "no");
		printf("cgroup v2:       %s\n", cg ? cg : "not mounted: cgroup fields stay empty");
		printf("string tiers:    %s%s/proc probe at arrival, inheritance, snapshot at start\n",
		       chdir_string ? "syscall event strings (6.19+), " : "",
		       uprobes && libc_ok ? "libc uprobes (chdir path, exec argv), " : "");
		{
			struct tw_fanwatch_opts fo = { .no_mount_watch = true };
			struct tw_fanwatch *fan = NULL;
			bool have_fan = tw_fanwatch_open(&fo, &fan) == 0;

			tw_fanwatch_close(fan);
			/* The same decision as the live default (source.h, pipeline.c). */
			printf("paths decided by: %s\n",
			       !have_fan ? "the tiers above alone (no fanotify: paths not checked)" :
			       chdir_string ? "fanotify (the executed file checks every path); "
					      "syscall events on (they carry strings)" :
			       uprobes && libc_ok ? "fanotify (the executed file checks every path); "
						    "no syscall events (no strings in them here): "
						    "libc uprobes stand in" :
			       "fanotify (the executed file checks every path); syscall events on");
		}
		free(libc);
		free(cg);
	}
	printf("verdict:         %s\n", ok ? "tracewatch can run here" : "tracewatch CANNOT run here");
	return ok ? 0 : 1;
}
