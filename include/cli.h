/* SPDX-License-Identifier: GPL-2.0 */
/* cli.h - command-line options of the live monitor, parsed with getopt_long. */
#ifndef TW_CLI_H
#define TW_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "filter.h"
#include "sink.h"

/* The commands that share these options. */
enum tw_cli_cmd {
	TW_CLI_LIVE,
	TW_CLI_RECORD,
	TW_CLI_REPORT,
	TW_CLI_RUN,
	TW_CLI_NR,
};

struct tw_live_opts {
	enum tw_format format;
	const char *output;		/* NULL: stdout */
	double duration;		/* seconds; 0: until a signal */
	bool all_events;
	size_t buffer_kb;
	unsigned int poll_ms;
	struct tw_filter filter;
	bool uprobes;			/* libc uprobe string tier */
	int max_args;			/* argv elements captured by uprobes */
	bool no_syscalls;		/* no syscall events: uprobes only */
	const char *record;		/* live: also record to this file */
	const char *input;		/* report: the recording to read ("-": stdin) */
	double stats_interval;		/* seconds between stats lines, 0: none */
	const char *ready_file;		/* written once tracing has started */
	bool no_fanotify;		/* no FAN_OPEN_EXEC listener */
	bool no_taskstats;		/* no taskstats listener */
	/* run: */
	char **command;			/* CMD and its arguments (NULL-terminated) */
	const char *user;		/* --user: run CMD as this user */
	const char *tree;		/* --tree FILE; NULL: stderr */
	bool no_tree;
	const char *timeline;		/* --timeline FILE */
	bool summary;
	bool no_wait;			/* end when CMD ends, not when its whole tree has */
};

/*
 * Parse the live monitor's options (argv[0] is the command name). Returns 0 to run,
 * 1 when --help or --version was handled (exit 0), or -EINVAL after printing what is wrong
 * and a hint to stderr.
 */
int tw_cli_parse_live(int argc, char **argv, struct tw_live_opts *o);

/*
 * Parse the options of @cmd (argv[0] is the command name): each command takes its own subset
 * and refuses the others. Returns as tw_cli_parse_live().
 */
int tw_cli_parse(enum tw_cli_cmd cmd, int argc, char **argv, struct tw_live_opts *o);

/* Print the usage text to @f. */
void tw_cli_usage(FILE *f);

/* Print the usage text of @cmd to @f. */
void tw_cli_usage_cmd(enum tw_cli_cmd cmd, FILE *f);

#endif
