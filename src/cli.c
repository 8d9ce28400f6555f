// SPDX-License-Identifier: GPL-2.0
/* cli.c - command-line parsing and help text of the live monitor (getopt_long). */
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "exitcode.h"
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
	      "       tracewatch record -o FILE [OPTIONS]\n"
	      "       tracewatch report FILE [OPTIONS]\n"
	      "       tracewatch run [OPTIONS] -- CMD [ARGS...]\n"
	      "       tracewatch doctor\n"
	      "\n"
	      "Watch every program execution on this host through ftrace (tracefs) and print,\n"
	      "for each one, the absolute path of the executable, its parent, its arguments\n"
	      "and its working directory. Needs root. Stops on Ctrl-C, SIGTERM, SIGHUP (when\n"
	      "writing to standard output; with -o FILE it reopens FILE), other signals, or at\n"
	      "the end of --duration, and always removes its tracefs instance.\n"
	      "\n"
	      "Options:\n"
	      "  -f, --format FMT       table (default), csv (RFC 4180 with a header row) or\n"
	      "                         json (one object per line)\n"
	      "  -o, --output FILE      write records to FILE ('-': standard output). An existing\n"
	      "                         file is appended to, never overwritten; SIGHUP reopens\n"
	      "                         FILE (log rotation), copytruncate works too\n"
	      "      --wide             table: every column in full. Without it the table fits\n"
	      "                         the terminal (COLUMNS, else its width): narrow ones drop\n"
	      "                         UID, then PPID, COMM, ARGS, CWD, and long values are\n"
	      "                         cut with an ellipsis (paths keep their end). A file or\n"
	      "                         a pipe always gets every column in full\n"
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
	      "      --pid PID          only process PID and its descendants (those running\n"
	      "                         already and those it starts); the kernel filters the\n"
	      "                         other tasks' events (set_event_pid), so they cost little\n"
	      "      --uid USER         only records of this real uid (name or number)\n"
	      "      --comm GLOB        only records whose comm matches GLOB\n"
	      "      --path GLOB        only exec records whose path matches GLOB ('*' matches\n"
	      "                         '/' too: --path '/usr/*')\n"
	      "      --exclude-uid USER, --exclude-comm GLOB, --exclude-path GLOB\n"
	      "                         leave those out. Each filter may be repeated (any value\n"
	      "                         matches); all filters must pass. A value tracewatch does\n"
	      "                         not know (uid, path) never matches a filter and is never\n"
	      "                         excluded\n"
	      "      --failed           show every failed exec attempt as its own record. By\n"
	      "                         default the attempts that precede a successful exec of\n"
	      "                         the same process (a PATH search) are folded into that\n"
	      "                         exec's record (failed_attempts); the others are shown\n"
	      "                         when the process ends\n"
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
	      "      --no-fanotify      do not ask the kernel which file each exec opened\n"
	      "                         (fanotify FAN_OPEN_EXEC): paths are then not checked\n"
	      "                         against the executed file, and 'exe' stays empty\n"
	      "      --fanotify-unlimited  let fanotify's queue grow without bound instead of\n"
	      "                         dropping opens past 16,384 queued (kernel memory grows\n"
	      "                         while tracewatch lags behind)\n"
	      "      --no-taskstats     do not listen to the kernel's task-end messages\n"
	      "                         (taskstats): no exit status, no uid from a task's end\n"
	      "      --record FILE      also write a recording of the run to FILE (see record)\n"
	      "      --stats SEC        print a stats line to stderr every SEC seconds (events/s,\n"
	      "                         execs/s, lost, unresolved, tracewatch's own CPU);\n"
	      "                         SIGUSR1 prints one at once\n"
	      "      --ready-file FILE  once tracing has started, write tracewatch's pid to\n"
	      "                         FILE (removed at exit): a script waits for it to exist.\n"
	      "                         Under systemd (Type=notify) READY=1 is sent too\n"
	      "\n"
	      "Commands:\n"
	      "  record -o FILE         write a recording instead of records\n"
	      "  report FILE            print the records of a recording\n"
	      "  run [OPTIONS] -- CMD   run CMD, trace it and its descendants only, print their\n"
	      "                         tree, exit statuses, durations (see run --help)\n"
	      "  doctor                 tell what this kernel allows and what tracewatch will use\n"
	      "                         (tracewatch COMMAND --help for a command's options)\n"
	      "\n"
	      "Each exec record says how its path was found (path_source): absolute (the\n"
	      "program was run by absolute path), cwd (relative path joined with the tracked\n"
	      "working directory), proc-cwd (joined with the cwd read from /proc), proc-exe\n"
	      "(from /proc/PID/exe, for fexecve/execveat), or unresolved: the path could not\n"
	      "be established and is not guessed. Lost events are reported, never hidden.\n"
	      "\n"
	      "Exit status:\n"
	      "  0  the run ended as asked (--duration, Ctrl-C, SIGTERM) with every record written;\n"
	      "     doctor: tracewatch can run here\n"
	      "  1  an error (the message says what and what to do); doctor: it cannot run here\n"
	      "  2  a usage error: unknown option or command, bad value; help not written\n"
	      "  3  the run ended as asked, but the kernel dropped events (event=lost records)\n"
	      "  128+N  ended by signal N (other than SIGINT/SIGTERM) after cleaning up\n"
	      "\n"
	      "Examples:\n"
	      "  sudo tracewatch\n"
	      "  sudo tracewatch --format csv -o execs.csv --duration 60\n"
	      "  sudo tracewatch --format json | jq .path\n",
	      f);
}

int tw_cli_finish(FILE *f, const char *what)
{
	if (fflush(f) == 0 && !ferror(f))
		return 0;
	/* fflush() set errno; a stream that failed earlier only has its error flag. */
	tw_err(errno ? errno : EIO, "cannot write the %s: %s", what, strerror(errno ? errno : EIO));
	return -EIO;
}

int tw_cli_exit_code(int parse_ret)
{
	if (parse_ret > 0)
		return TW_EXIT_OK;
	return parse_ret == -EINVAL ? TW_EXIT_USAGE : TW_EXIT_ERROR;
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


/* Which commands take an option (enum tw_cli_cmd bits). */
#define ON_LIVE (1u << TW_CLI_LIVE)
#define ON_RECORD (1u << TW_CLI_RECORD)
#define ON_REPORT (1u << TW_CLI_REPORT)
#define ON_RUN (1u << TW_CLI_RUN)
#define ON_ALL (ON_LIVE | ON_RECORD | ON_REPORT | ON_RUN)
#define ON_TRACING (ON_LIVE | ON_RECORD | ON_RUN)
#define ON_PRINTING (ON_LIVE | ON_REPORT)

enum { OPT_POLL_MS = 256, OPT_CGROUP, OPT_CONTAINER, OPT_HOST_ONLY, OPT_CONTAINERS_ONLY,
       OPT_MAX_ARGS, OPT_NO_UPROBES, OPT_NO_PROBES, OPT_NO_SYSCALLS, OPT_RECORD, OPT_STATS,
       OPT_READY_FILE, OPT_NO_FANOTIFY, OPT_NO_TASKSTATS, OPT_FAN_UNLIMITED, OPT_WIDE, OPT_UID, OPT_COMM, OPT_PATH,
       OPT_EXCLUDE_UID, OPT_EXCLUDE_COMM, OPT_EXCLUDE_PATH, OPT_FAILED, OPT_PID,
       OPT_USER, OPT_TREE, OPT_NO_TREE, OPT_TIMELINE, OPT_SUMMARY, OPT_NO_WAIT };

struct cli_option {
	struct option opt;
	unsigned int cmds;
};

static const struct cli_option cli_options[] = {
	{ { "format", required_argument, NULL, 'f' }, ON_PRINTING | ON_RUN },
	{ { "output", required_argument, NULL, 'o' }, ON_ALL },
	{ { "duration", required_argument, NULL, 'd' }, ON_LIVE | ON_RECORD },
	{ { "events", required_argument, NULL, 'e' }, ON_PRINTING | ON_RUN },
	{ { "buffer-size", required_argument, NULL, 'b' }, ON_TRACING },
	{ { "poll-ms", required_argument, NULL, OPT_POLL_MS }, ON_TRACING },
	{ { "cgroup", required_argument, NULL, OPT_CGROUP }, ON_PRINTING },
	{ { "container", required_argument, NULL, OPT_CONTAINER }, ON_PRINTING },
	{ { "host-only", no_argument, NULL, OPT_HOST_ONLY }, ON_PRINTING },
	{ { "containers-only", no_argument, NULL, OPT_CONTAINERS_ONLY }, ON_PRINTING },
	{ { "uid", required_argument, NULL, OPT_UID }, ON_PRINTING },
	{ { "comm", required_argument, NULL, OPT_COMM }, ON_PRINTING },
	{ { "path", required_argument, NULL, OPT_PATH }, ON_PRINTING },
	{ { "exclude-uid", required_argument, NULL, OPT_EXCLUDE_UID }, ON_PRINTING },
	{ { "exclude-comm", required_argument, NULL, OPT_EXCLUDE_COMM }, ON_PRINTING },
	{ { "exclude-path", required_argument, NULL, OPT_EXCLUDE_PATH }, ON_PRINTING },
	{ { "failed", no_argument, NULL, OPT_FAILED }, ON_PRINTING },
	{ { "pid", required_argument, NULL, OPT_PID }, ON_LIVE },
	{ { "max-args", required_argument, NULL, OPT_MAX_ARGS }, ON_TRACING },
	{ { "no-uprobes", no_argument, NULL, OPT_NO_UPROBES }, ON_TRACING },
	{ { "no-probes", no_argument, NULL, OPT_NO_PROBES }, ON_TRACING },
	{ { "no-syscall-events", no_argument, NULL, OPT_NO_SYSCALLS }, ON_TRACING },
	{ { "record", required_argument, NULL, OPT_RECORD }, ON_LIVE },
	{ { "stats", required_argument, NULL, OPT_STATS }, ON_TRACING },
	{ { "no-fanotify", no_argument, NULL, OPT_NO_FANOTIFY }, ON_TRACING },
	{ { "no-taskstats", no_argument, NULL, OPT_NO_TASKSTATS }, ON_TRACING },
	{ { "fanotify-unlimited", no_argument, NULL, OPT_FAN_UNLIMITED }, ON_TRACING },
	{ { "ready-file", required_argument, NULL, OPT_READY_FILE }, ON_LIVE | ON_RECORD },
	{ { "wide", no_argument, NULL, OPT_WIDE }, ON_PRINTING },
	{ { "user", required_argument, NULL, OPT_USER }, ON_RUN },
	{ { "tree", required_argument, NULL, OPT_TREE }, ON_RUN },
	{ { "no-tree", no_argument, NULL, OPT_NO_TREE }, ON_RUN },
	{ { "timeline", required_argument, NULL, OPT_TIMELINE }, ON_RUN },
	{ { "summary", no_argument, NULL, OPT_SUMMARY }, ON_RUN },
	{ { "no-wait", no_argument, NULL, OPT_NO_WAIT }, ON_RUN },
	{ { "help", no_argument, NULL, 'h' }, ON_ALL },
	{ { "version", no_argument, NULL, 'V' }, ON_ALL },
};

static const char *const cmd_names[TW_CLI_NR] = {
	[TW_CLI_LIVE] = "tracewatch",
	[TW_CLI_RECORD] = "tracewatch record",
	[TW_CLI_REPORT] = "tracewatch report",
	[TW_CLI_RUN] = "tracewatch run",
};

void tw_cli_usage_cmd(enum tw_cli_cmd cmd, FILE *f)
{
	if (cmd == TW_CLI_RECORD)
		fputs("Usage: tracewatch record -o FILE [OPTIONS]\n"
		      "\n"
		      "Trace every program execution like 'tracewatch' does, but write what the kernel\n"
		      "and /proc said, unformatted, to FILE (a recording), to be turned into records\n"
		      "later, anywhere, with 'tracewatch report FILE'. The records are the same as\n"
		      "those a live run would have printed. Needs root.\n"
		      "\n"
		      "Options:\n"
		      "  -o, --output FILE      the recording ('-': standard output); required\n"
		      "  -d, --duration SEC     stop after SEC seconds (fractions allowed)\n"
		      "  -b, --buffer-size KB   kernel ring buffer per CPU (default 4096)\n"
		      "      --poll-ms MS       how often quiet buffers are read (default 50)\n"
		      "      --max-args N       argv elements captured in the kernel per exec\n"
		      "      --no-uprobes, --no-probes, --no-syscall-events, --no-fanotify,\n"
		      "      --fanotify-unlimited, --no-taskstats, --stats SEC,\n"
		      "      --ready-file FILE  as for 'tracewatch' (see tracewatch --help)\n"
		      "  -h, --help             show this help\n"
		      "  -V, --version          show the version\n"
		      "\n"
		      "Example:\n"
		      "  sudo tracewatch record -o build.twrec --duration 600\n"
		      "  tracewatch report build.twrec --format csv -o build.csv\n",
		      f);
	else if (cmd == TW_CLI_REPORT)
		fputs("Usage: tracewatch report FILE [OPTIONS]\n"
		      "\n"
		      "Turn a recording made by 'tracewatch record' (or 'tracewatch --record') into\n"
		      "records, through the same model as a live run: the same records, byte for byte.\n"
		      "FILE '-' reads standard input. Needs no root and no tracefs. A damaged or\n"
		      "truncated recording is reported with the offset and the reason, after the\n"
		      "records that came before it, and the exit code is 1.\n"
		      "\n"
		      "Options:\n"
		      "  -f, --format FMT       table (default), csv or json\n"
		      "  -o, --output FILE      write records to FILE instead of standard output\n"
		      "  -e, --events SET       exec (default) or all (also fork, exit, chdir)\n"
		      "      --wide             table: every column in full\n"
		      "      --cgroup PREFIX, --container ID, --host-only, --containers-only,\n"
		      "      --uid USER, --comm GLOB, --path GLOB, --exclude-uid USER,\n"
		      "      --exclude-comm GLOB, --exclude-path GLOB, --failed\n"
		      "                         filters, as for 'tracewatch'\n"
		      "  -h, --help             show this help\n"
		      "  -V, --version          show the version\n",
		      f);
	else if (cmd == TW_CLI_RUN)
		fputs("Usage: tracewatch run [OPTIONS] -- CMD [ARGS...]\n"
		      "\n"
		      "Run CMD and trace it and all its descendants, nothing else (the kernel filters\n"
		      "by pid, following forks), then print their tree to stderr: each process with\n"
		      "its command line, pid, duration and exit status; failed execs with their errno.\n"
		      "No ptrace: set-user-ID programs keep their privileges, debuggers still work.\n"
		      "CMD keeps stdin, stdout, stderr and the terminal. It starts only once tracing\n"
		      "runs. Ctrl-C reaches CMD from the terminal; SIGINT, SIGTERM, SIGHUP and SIGQUIT\n"
		      "sent to tracewatch are passed on to CMD. tracewatch is the subreaper of the\n"
		      "tree: orphans stay in it, and run waits until every process of the tree has\n"
		      "ended (or, with --no-wait, only CMD, and lists what still runs). The exit\n"
		      "status is CMD's (128+N when a signal N killed it). Needs root.\n"
		      "\n"
		      "Options:\n"
		      "      --user USER        run CMD as USER (its groups too; the environment is\n"
		      "                         kept, as with setpriv); tracing stays root\n"
		      "      --tree FILE        write the tree to FILE instead of stderr\n"
		      "      --no-tree          no tree\n"
		      "      --summary          also print a summary: processes per program with total\n"
		      "                         and longest duration, failed execs, non-zero exits\n"
		      "      --timeline FILE    write a timeline (Chrome trace-event JSON) that\n"
		      "                         ui.perfetto.dev and chrome://tracing open: a track per\n"
		      "                         process under its parent, failed execs as instants\n"
		      "      --no-wait          end when CMD ends, even if processes it started run on\n"
		      "  -o, --output FILE      also write the records (exec, exec_failed, fork, exit\n"
		      "                         with exit_code, signal, start_ns, duration_ns; chdir)\n"
		      "  -f, --format FMT       table (default), csv or json, for --output\n"
		      "  -e, --events SET       all (default for run) or exec: which records --output gets\n"
		      "  -b, --buffer-size KB   kernel ring buffer per CPU (default 4096)\n"
		      "      --poll-ms MS, --max-args N, --no-uprobes, --no-probes,\n"
		      "      --no-syscall-events, --no-fanotify, --fanotify-unlimited,\n"
		      "      --no-taskstats, --stats SEC\n"
		      "                         as for 'tracewatch' (see tracewatch --help)\n"
		      "  -h, --help             show this help\n"
		      "\n"
		      "Collapsing: a run of 3 or more consecutive sibling processes running the same\n"
		      "program (with the same programs below them), all ended with status 0, prints as\n"
		      "one line, e.g. 'cc1 \u00d7120, 4.1 s total'. Failed exec attempts of a PATH search\n"
		      "that then found the program are folded into that exec, as in live mode\n"
		      "(failed_attempts); the summary counts them.\n"
		      "\n"
		      "Example:\n"
		      "  $ sudo tracewatch run --summary -- make -j2\n"
		      "  ...\n"
		      "  make -j2 [4242] 3.1 s, exit 2\n"
		      "  \u251c\u2500 cc -c a.c [4243] 1.2 s, exit 0\n"
		      "  \u2502  \u2514\u2500 cc1 -quiet a.c ... (/usr/lib/gcc/x86_64-linux-gnu/12/cc1) [4244] 1.1 s, exit 0\n"
		      "  \u2514\u2500 cc -c b.c [4245] 0.40 s, exit 1\n"
		      "     \u2514\u2500 cc1 -quiet b.c ... (/usr/lib/gcc/x86_64-linux-gnu/12/cc1) [4246] 0.38 s, exit 1\n",
		      f);
	else
		tw_cli_usage(f);
}

/* One --uid/--comm/--path (or --exclude-) value into its set of the filter. */
static int add_filter(struct tw_live_opts *o, int opt, const char *value)
{
	static const struct {
		int opt;
		const char *name;
		size_t set;		/* offset of the set in struct tw_filter */
		bool is_uid;
	} sets[] = {
		{ OPT_UID, "--uid", offsetof(struct tw_filter, uid), true },
		{ OPT_COMM, "--comm", offsetof(struct tw_filter, comm), false },
		{ OPT_PATH, "--path", offsetof(struct tw_filter, path), false },
		{ OPT_EXCLUDE_UID, "--exclude-uid", offsetof(struct tw_filter, no_uid), true },
		{ OPT_EXCLUDE_COMM, "--exclude-comm", offsetof(struct tw_filter, no_comm), false },
		{ OPT_EXCLUDE_PATH, "--exclude-path", offsetof(struct tw_filter, no_path), false },
	};
	size_t i;
	int ret;

	for (i = 0; i < TW_ARRAY_SIZE(sets); i++) {
		if (sets[i].opt != opt)
			continue;
		ret = tw_filter_add((struct tw_filter_set *)((char *)&o->filter + sets[i].set),
				    value, sets[i].is_uid);
		if (ret == -E2BIG)
			fprintf(stderr, "tracewatch: %s given more than %d times\n", sets[i].name,
				TW_FILTER_MAX_VALUES);
		else if (ret)
			fprintf(stderr, "tracewatch: %s '%s': no such user (give a user name or "
					"a number)\n", sets[i].name, value);
		return ret;
	}
	return -EINVAL;
}

int tw_cli_parse(enum tw_cli_cmd cmd, int argc, char **argv, struct tw_live_opts *o)
{
	struct option longopts[TW_ARRAY_SIZE(cli_options) + 1];
	char shortopts[32];
	size_t i, n = 0, ns = 0;
	double v;
	int c;

	if (cmd == TW_CLI_RUN)
		shortopts[ns++] = '+';	/* CMD's own options are not ours */
	shortopts[ns++] = ':';
	for (i = 0; i < TW_ARRAY_SIZE(cli_options); i++) {
		const struct option *lo = &cli_options[i].opt;

		if (!(cli_options[i].cmds & (1u << cmd)))
			continue;
		longopts[n++] = *lo;
		if (lo->val < 256) {
			shortopts[ns++] = (char)lo->val;
			if (lo->has_arg == required_argument)
				shortopts[ns++] = ':';
		}
	}
	memset(&longopts[n], 0, sizeof(longopts[n]));
	shortopts[ns] = 0;
	memset(o, 0, sizeof(*o));
	o->format = TW_FORMAT_TABLE;
	o->buffer_kb = DEFAULT_BUFFER_KB;
	o->poll_ms = DEFAULT_POLL_MS;
	o->uprobes = true;
	o->max_args = TW_UPROBE_DEFAULT_ARGS;
	o->all_events = cmd == TW_CLI_RUN;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
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
		case OPT_UID:
		case OPT_COMM:
		case OPT_PATH:
		case OPT_EXCLUDE_UID:
		case OPT_EXCLUDE_COMM:
		case OPT_EXCLUDE_PATH:
			if (add_filter(o, c, optarg))
				return -EINVAL;
			break;
		case OPT_FAILED:
			o->show_failed = true;
			break;
		case OPT_PID:
			if (parse_number("--pid", optarg, 1, 4194304, true, &v))
				return -EINVAL;
			o->pid = (int)v;
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
		case OPT_RECORD:
			o->record = optarg;
			break;
		case OPT_STATS:
			if (parse_number("--stats", optarg, 0.1, 86400, false, &o->stats_interval))
				return -EINVAL;
			break;
		case OPT_READY_FILE:
			o->ready_file = optarg;
			break;
		case OPT_NO_FANOTIFY:
			o->no_fanotify = true;
			break;
		case OPT_FAN_UNLIMITED:
			o->fanotify_unlimited = true;
			break;
		case OPT_NO_TASKSTATS:
			o->no_taskstats = true;
			break;
		case OPT_WIDE:
			o->wide = true;
			break;
		case OPT_USER:
			o->user = optarg;
			break;
		case OPT_TREE:
			o->tree = optarg;
			break;
		case OPT_NO_TREE:
			o->no_tree = true;
			break;
		case OPT_TIMELINE:
			o->timeline = optarg;
			break;
		case OPT_SUMMARY:
			o->summary = true;
			break;
		case OPT_NO_WAIT:
			o->no_wait = true;
			break;
		case 'h':
			errno = 0;
			tw_cli_usage_cmd(cmd, stdout);
			return tw_cli_finish(stdout, "help text") ? -EIO : 1;
		case 'V':
			errno = 0;
			printf("tracewatch %s\n", TW_VERSION);
			return tw_cli_finish(stdout, "version") ? -EIO : 1;
		case ':':
			fprintf(stderr, "tracewatch: option '%s' needs a value\n", argv[optind - 1]);
			fprintf(stderr, "Try '%s --help'.\n", cmd_names[cmd]);
			return -EINVAL;
		default:
			fprintf(stderr, "tracewatch: unknown option '%s'%s\n", argv[optind - 1],
				cmd == TW_CLI_LIVE || cmd == TW_CLI_RUN ? "" : cmd == TW_CLI_RECORD ?
				" for record (filters and formats are for report)" :
				" for report (tracing options are for record)");
			fprintf(stderr, "Try '%s --help'.\n", cmd_names[cmd]);
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
	if (cmd == TW_CLI_REPORT && optind < argc)
		o->input = argv[optind++];
	if (cmd == TW_CLI_REPORT && !o->input) {
		fprintf(stderr, "tracewatch: report needs the recording to read: tracewatch "
				"report FILE\nTry 'tracewatch report --help'.\n");
		return -EINVAL;
	}
	if (cmd == TW_CLI_RECORD && !o->output) {
		fprintf(stderr, "tracewatch: record needs the file to write: tracewatch record "
				"-o FILE\nTry 'tracewatch record --help'.\n");
		return -EINVAL;
	}
	if (cmd == TW_CLI_RUN) {
		if (optind >= argc) {
			fprintf(stderr, "tracewatch: run needs the command to run: tracewatch run "
					"[OPTIONS] -- CMD [ARGS...]\nTry 'tracewatch run --help'.\n");
			return -EINVAL;
		}
		if (o->tree && o->no_tree) {
			fprintf(stderr, "tracewatch: --tree FILE and --no-tree exclude each other\n");
			return -EINVAL;
		}
		o->command = argv + optind;
		return 0;
	}
	if (optind < argc) {
		fprintf(stderr, "tracewatch: unexpected argument '%s'\n", argv[optind]);
		fprintf(stderr, "Try '%s --help'.\n", cmd_names[cmd]);
		return -EINVAL;
	}
	return 0;
}

int tw_cli_parse_live(int argc, char **argv, struct tw_live_opts *o)
{
	return tw_cli_parse(TW_CLI_LIVE, argc, argv, o);
}
