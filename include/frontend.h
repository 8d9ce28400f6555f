/* SPDX-License-Identifier: GPL-2.0 */
/*
 * frontend.h - what the commands around the pipeline share: signals, output files, the stats
 * line and the exit code. CLI code: it holds the one signal flag of the process.
 */
#ifndef TW_FRONTEND_H
#define TW_FRONTEND_H

#include <signal.h>
#include <stdio.h>

struct tw_pipeline;

/* An output file of a command: standard output, or a file it opened. */
struct tw_output {
	FILE *f;
	const char *path;	/* NULL: standard output */
	const char *what;	/* "output", "recording": for messages */
};

struct tw_frontend {
	struct tw_output out;
	struct tw_output record;
};

/* Catch SIGINT, SIGTERM and SIGHUP into the stop flag; ignore SIGPIPE (EPIPE on write). */
void tw_frontend_signals(void);

/* The flag the handlers set (the signal number), for the pipeline's stop condition. */
volatile sig_atomic_t *tw_frontend_stop_flag(void);

/*
 * Open @path ("-" or NULL: standard output) for writing into @o. An existing non-empty regular
 * file is refused rather than overwritten. Returns 0, or -errno after a message.
 */
int tw_frontend_open(struct tw_output *o, const char *path, const char *what);

/*
 * After tw_pipeline_run() returned @run: print its error and the stats line to stderr.
 * Returns the process exit code (0: fine, also when the output's reader went away; 1: error).
 */
int tw_frontend_finish(struct tw_frontend *fe, struct tw_pipeline *p, int run);

/* Close the files opened. Returns 0, or -EIO when closing one failed (after a message). */
int tw_frontend_close(struct tw_frontend *fe);

/* Say on stderr which signal stopped the command, if one did. */
void tw_frontend_said_signal(void);

#endif
