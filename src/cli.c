// SPDX-License-Identifier: GPL-2.0
/* cli.c - command-line parsing and help text of the live monitor (getopt_long). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "uprobe.h"
#include "util.h"

#define DEFAULT_BUFFER_KB 4096
/* Ring buffer per CPU at most (KiB): 256 MiB, 64 times the default (2 s to allocate here). */
#define MAX_BUFFER_KB (256 * 1024)
/* All CPUs' buffers together at most this fraction (1/N) of MemAvailable. */
#define BUFFER_MEM_FRACTION 4
#define DEFAULT_POLL_MS 50

void tw_cli_usage(FILE *f)
{
	fputs("Usage: tracewatch [OPTIONS]\n"
	      "       tracewatch doctor\n"
	      "\n"
	      "Watch every program execution on this host through ftrace (tracefs) and print,\n"
	      "for each one, the absolute path of the executable, its parent, its arguments\n"
	      "and its working directory. Needs root. Stops on Ctrl-C, SIGTERM, SIGHUP or at\n"
	      "the end of --duration, and always removes its tracefs instance.\n"
	      "\n"
	      "Options:\n"
	      "  -f, --format FMT       table (default), csv (RFC 4180 with a header row) or\n"
	      "                         json (one object per line)\n"
	      "  -o, --output FILE      write records to FILE instead of standard output\n"
	      "  -d, --duration SEC     stop after SEC seconds (fractions allowed)\n"
	      "  -e, --events SET       exec (default): exec records only;\n"
	      "                         all: also fork, exit and chdir records\n"
	      "  -b, --buffer-size KB   kernel ring buffer per CPU (default 4096): raise it if\n"
	      "                         the stats line reports lost events; at most 262144,\n"
	      "                         and all CPUs' together at most 1/4 of MemAvailable\n"
	      "      --poll-ms MS       how often quiet buffers are read (default 50)\n"
	      "      --cgroup PREFIX    only records whose cgroup v2 path is PREFIX or below it\n"
	      "      --container ID     only records of containers whose id starts with ID\n"
	      "      --host-only        only records outside containers (known cgroup, no container)\n"
	      "      --containers-only  only records inside containers\n"
	      "      --max-args N       argv elements captured in the kernel per exec (default 16)\n"
	      "      --no-uprobes       no uprobes on libc: chdir paths and argv then come from\n"
	      "                         /proc reads, which lose the race against processes that\n"
	      "                         exit within milliseconds (path_source/argv_source say so)\n"
	      "      --no-probes        no dynamic probes of any kind (uprobes, eprobes)\n"
	      "      --no-syscall-events  cheapest mode: no syscall tracepoint at all (they put\n"
	      "                         every syscall of every task on a slow path); libc uprobes\n"
	      "                         stand in for them. Gives up: chdir, fchdir and exec done\n"
	      "                         by raw syscalls, bypassing libc (static and Go programs),\n"
	      "                         are not seen, so a relative exec after one is resolved\n"
	      "                         from /proc or not at all; failed execs lose their errno\n"
	      "  -h, --help             show this help\n"
	      "  -V, --version          show the version\n"
	      "\n"
	      "Commands:\n"
	      "  doctor                 tell what this kernel allows and what tracewatch will use\n"
	      "\n"
	      "Each exec record says how its path was found (path_source): absolute (the\n"
	      "program was run by absolute path), cwd (relative path joined with the tracked\n"
	      "working directory), proc-cwd (joined with the cwd read from /proc), proc-exe\n"
	      "(from /proc/PID/exe, for fexecve/execveat), or unresolved: the path could not\n"
	      "be established and is not guessed. Lost events are reported, never hidden.\n"
	      "\n"
	      "Examples:\n"
	      "  sudo tracewatch\n"
	      "  sudo tracewatch --format csv -o execs.csv --duration 60\n"
	      "  sudo tracewatch --format json | jq .path\n",
	      f);
}

/* A number in [@min, @max] (a whole one when @whole); NaN and trailing text are refused. */
static int parse_number(const char *opt, const char *arg, double min, double max, bool whole,
			double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno || end == arg || *end || !(v >= min && v <= max) || (whole && v != (long long)v)) {
		fprintf(stderr, "tracewatch: invalid value '%s' for %s (expected %s from %.15g to "
				"%.15g)\n",
			arg, opt, whole ? "a whole number" : "a number", min, max);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

/* MemAvailable from @meminfo in KiB, or 0 when it can't be read. */
static unsigned long long mem_available_kb(const char *meminfo)
{
	unsigned long long kb = 0;
	char line[128];
	FILE *f = fopen(meminfo, "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/*
 * --buffer-size: a whole number of KiB from 64 up. The kernel allocates and pins the ring
 * buffer for every CPU before tracing starts (8.8 GB and 22 s for 4 GiB on 2 CPUs): refuse
 * sizes the host can't spare, before anything is made, and say why.
 */
static int parse_buffer_kb(const char *arg, size_t *out)
{
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);
	unsigned long long avail, total;
	char *end;
	double v;

	v = strtod(arg, &end);
	if (end != arg && !*end && v > MAX_BUFFER_KB) {
		fprintf(stderr, "tracewatch: invalid value '%s' for --buffer-size: more than the "
				"largest allowed, %d KiB (256 MiB) per CPU; the kernel pins that "
				"memory for each CPU (default %d)\n", arg, MAX_BUFFER_KB,
			DEFAULT_BUFFER_KB);
		return -EINVAL;
	}
	if (parse_number("--buffer-size", arg, 64, MAX_BUFFER_KB, true, &v))
		return -EINVAL;
	if (ncpu < 1)
		ncpu = 1;
	total = (unsigned long long)v * ncpu;
	avail = mem_available_kb("/proc/meminfo");
	if (avail && total > avail / BUFFER_MEM_FRACTION) {
		fprintf(stderr, "tracewatch: invalid value '%s' for --buffer-size: %llu KiB of "
				"kernel memory for %ld CPUs is more than 1/%d of the memory "
				"available now (MemAvailable %llu KiB); use at most %llu\n", arg, total,
			ncpu, BUFFER_MEM_FRACTION, avail, avail / BUFFER_MEM_FRACTION / ncpu);
		return -EINVAL;
	}
	*out = (size_t)v;
	return 0;
}

int tw_cli_parse_live(int argc, char **argv, struct tw_live_opts *o)
{
	enum { OPT_POLL_MS = 256, OPT_CGROUP, OPT_CONTAINER, OPT_HOST_ONLY, OPT_CONTAINERS_ONLY,
	       OPT_MAX_ARGS, OPT_NO_UPROBES, OPT_NO_PROBES, OPT_NO_SYSCALLS };
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "duration", required_argument, NULL, 'd' },
		{ "events", required_argument, NULL, 'e' },
		{ "buffer-size", required_argument, NULL, 'b' },
		{ "poll-ms", required_argument, NULL, OPT_POLL_MS },
		{ "cgroup", required_argument, NULL, OPT_CGROUP },
		{ "container", required_argument, NULL, OPT_CONTAINER },
		{ "host-only", no_argument, NULL, OPT_HOST_ONLY },
		{ "containers-only", no_argument, NULL, OPT_CONTAINERS_ONLY },
		{ "max-args", required_argument, NULL, OPT_MAX_ARGS },
		{ "no-uprobes", no_argument, NULL, OPT_NO_UPROBES },
		{ "no-probes", no_argument, NULL, OPT_NO_PROBES },
		{ "no-syscall-events", no_argument, NULL, OPT_NO_SYSCALLS },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	double v;
	int c;

	memset(o, 0, sizeof(*o));
	o->format = TW_FORMAT_TABLE;
	o->buffer_kb = DEFAULT_BUFFER_KB;
	o->poll_ms = DEFAULT_POLL_MS;
	o->uprobes = true;
	o->max_args = TW_UPROBE_DEFAULT_ARGS;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":f:o:d:e:b:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (tw_format_parse(optarg, &o->format)) {
				fprintf(stderr, "tracewatch: unknown format '%s' (use table, csv or json)\n",
					optarg);
				return -EINVAL;
			}
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'd':
			if (parse_number("--duration", optarg, 0.001, 1e9, false, &o->duration))
				return -EINVAL;
			break;
		case 'e':
			if (!strcmp(optarg, "exec")) {
				o->all_events = false;
			} else if (!strcmp(optarg, "all")) {
				o->all_events = true;
			} else {
				fprintf(stderr, "tracewatch: unknown event set '%s' (use exec or all)\n",
					optarg);
				return -EINVAL;
			}
			break;
		case 'b':
			if (parse_buffer_kb(optarg, &o->buffer_kb))
				return -EINVAL;
			break;
		case OPT_POLL_MS:
			if (parse_number("--poll-ms", optarg, 1, 10000, true, &v))
				return -EINVAL;
			o->poll_ms = (unsigned int)v;
			break;
		case OPT_CGROUP:
			if (optarg[0] != '/') {
				fprintf(stderr, "tracewatch: --cgroup takes an absolute cgroup path "
						"such as /system.slice\n");
				return -EINVAL;
			}
			o->filter.cgroup_prefix = optarg;
			break;
		case OPT_CONTAINER:
			o->filter.container_prefix = optarg;
			break;
		case OPT_HOST_ONLY:
			o->filter.host_only = true;
			break;
		case OPT_CONTAINERS_ONLY:
			o->filter.containers_only = true;
			break;
		case OPT_MAX_ARGS:
			if (parse_number("--max-args", optarg, 1, TW_UPROBE_MAX_ARGS, true, &v))
				return -EINVAL;
			o->max_args = (int)v;
			break;
		case OPT_NO_UPROBES:
		case OPT_NO_PROBES:
			o->uprobes = false;
			break;
		case OPT_NO_SYSCALLS:
			o->no_syscalls = true;
			break;
		case 'h':
			tw_cli_usage(stdout);
			return 1;
		case 'V':
			printf("tracewatch %s\n", TW_VERSION);
			return 1;
		case ':':
			fprintf(stderr, "tracewatch: option '%s' needs a value\n", argv[optind - 1]);
			fprintf(stderr, "Try 'tracewatch --help'.\n");
			return -EINVAL;
		default:
			fprintf(stderr, "tracewatch: unknown option '%s'\n", argv[optind - 1]);
			fprintf(stderr, "Try 'tracewatch --help'.\n");
			return -EINVAL;
		}
	}
	if (o->filter.host_only && (o->filter.containers_only || o->filter.container_prefix)) {
		fprintf(stderr, "tracewatch: --host-only excludes --containers-only and --container\n");
		return -EINVAL;
	}
	if (o->no_syscalls && !o->uprobes) {
		fprintf(stderr, "tracewatch: --no-syscall-events relies on the uprobes that "
				"--no-uprobes/--no-probes turn off\n");
		return -EINVAL;
	}
	if (optind < argc) {
		fprintf(stderr, "tracewatch: unexpected argument '%s'\n", argv[optind]);
		fprintf(stderr, "Try 'tracewatch --help'.\n");
		return -EINVAL;
	}
	return 0;
}
