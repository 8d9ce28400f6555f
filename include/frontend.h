/* SPDX-License-Identifier: GPL-2.0 */
/*
 * frontend.h - what the commands around the pipeline share: signals, output files, the stats
 * line and the exit code. CLI code: it holds the one signal flag of the process.
 */
#ifndef TW_FRONTEND_H
#define TW_FRONTEND_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

struct tw_live_opts;
struct tw_pipeline;
struct tw_pipeline_opts;

/* An output file of a command: standard output, or a file it opened. */
struct tw_output {
	FILE *f;
	const char *path;	/* NULL: standard output */
	const char *what;	/* "output", "recording": for messages */
	bool appending;		/* an existing non-empty file goes on */
};

struct tw_frontend {
	struct tw_output out;
	struct tw_output record;
};

/*
 * Catch every signal whose default action would end the process: SIGUSR1 sets the stats
 * flag, SIGHUP the reopen flag when @hup_reopen (-o FILE) and else stops, all others stop.
 * SIGPIPE is ignored (EPIPE on write).
 */
void tw_frontend_signals(bool hup_reopen);

/* The flags the handlers set, for the pipeline: stop (the signal number), reopen, stats. */
volatile sig_atomic_t *tw_frontend_stop_flag(void);
volatile sig_atomic_t *tw_frontend_reopen_flag(void);
volatile sig_atomic_t *tw_frontend_stats_flag(void);

/*
 * Tracing has started: write our pid to @ready_file (NULL: none) and send READY=1 to
 * systemd when $NOTIFY_SOCKET is set. Returns 0, or -errno when the file can't be written.
 */
int tw_frontend_ready(const char *ready_file);

/* Remove the ready file (NULL: none). */
void tw_frontend_unready(const char *ready_file);

/*
 * Open @path ("-" or NULL: standard output) for writing into @o, for appending: an existing
 * file goes on (o->appending says so). A recording that exists is refused. Returns 0, or
 * -errno after a message.
 */
int tw_frontend_open(struct tw_output *o, const char *path, const char *what);

/*
 * After tw_pipeline_run() returned @run: print its error and the stats line to stderr.
 * Returns the process exit code (exitcode.h): TW_EXIT_OK (also when the output's reader went
 * away), TW_EXIT_ERROR, TW_EXIT_LOST when the kernel dropped events, or TW_EXIT_SIGNAL + N
 * when a signal other than SIGINT and SIGTERM stopped the run.
 */
int tw_frontend_finish(struct tw_frontend *fe, struct tw_pipeline *p, int run);

/* Close the files opened. Returns 0, or -EIO when closing one failed (after a message). */
int tw_frontend_close(struct tw_frontend *fe);

/*
 * The pipeline options every command sets alike from its parsed options @o and its open
 * files @fe: processing, output, recording, and the signal flags.
 */
void tw_frontend_pipeline_opts(const struct tw_live_opts *o, const struct tw_frontend *fe,
			       struct tw_pipeline_opts *po);

/* Say on stderr which signal stopped the command, if one did. */
void tw_frontend_said_signal(void);

#endif
