/* SPDX-License-Identifier: GPL-2.0 */
/* cli.h - command-line options of the live monitor, parsed with getopt_long. */
#ifndef TW_CLI_H
#define TW_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "filter.h"
#include "sink.h"

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
};

/*
 * Parse the live monitor's options (argv[0] is the command name). Returns 0 to run,
 * 1 when --help or --version was handled (exit 0), -EINVAL after printing what is wrong
 * and a hint to stderr, or -EIO when the help or version text could not be written (after
 * a message). tw_cli_exit_code() turns a non-zero result into the exit code.
 */
int tw_cli_parse_live(int argc, char **argv, struct tw_live_opts *o);

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

#endif
