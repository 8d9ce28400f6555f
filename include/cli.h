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
	bool fanotify_unlimited;	/* FAN_UNLIMITED_QUEUE */
	bool show_failed;		/* every failed exec attempt as a record */
	int pid;			/* live --pid: only this process and its descendants */
	bool wide;			/* table: every column in full, whatever the terminal */
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
 * 1 when --help or --version was handled (exit 0), -EINVAL after printing what is wrong
 * and a hint to stderr, or -EIO when the help or version text could not be written (after
 * a message). tw_cli_exit_code() turns a non-zero result into the exit code.
 */
int tw_cli_parse_live(int argc, char **argv, struct tw_live_opts *o);

/*
 * Parse the options of @cmd (argv[0] is the command name): each command takes its own subset
 * and refuses the others. Returns as tw_cli_parse_live().
 */
int tw_cli_parse(enum tw_cli_cmd cmd, int argc, char **argv, struct tw_live_opts *o);

/*
 * The exit code (exitcode.h) for a non-zero result of a tw_cli_parse_*() function:
 * TW_EXIT_OK for a handled --help, TW_EXIT_USAGE for -EINVAL, TW_EXIT_ERROR otherwise.
 */
int tw_cli_exit_code(int parse_ret);

/*
 * Flush @f and check that everything printed on it got there (a full disk, a closed pipe).
 * Returns 0, or -EIO after a message "cannot write the @what: REASON".
 */
int tw_cli_finish(FILE *f, const char *what);

/* Print the usage text to @f. */
void tw_cli_usage(FILE *f);

/* Print the usage text of @cmd to @f. */
void tw_cli_usage_cmd(enum tw_cli_cmd cmd, FILE *f);

#endif
