/* SPDX-License-Identifier: GPL-2.0 */
/* exitcode.h - the exit codes of every tracewatch command, in one place. */
#ifndef TW_EXITCODE_H
#define TW_EXITCODE_H

/*
 * What a script or a service manager learns from tracewatch's exit status. Keep this list,
 * the "Exit status" part of tw_cli_usage() and EXIT STATUS in dist/tracewatch.1 in step.
 *
 * TW_EXIT_OK:     the run ended as asked (end of --duration, Ctrl-C or SIGTERM, the reader of
 *                 standard output went away) and every record was written; doctor: tracewatch
 *                 can run here.
 * TW_EXIT_ERROR:  something failed (tracefs, probes, /proc, writing the records, out of
 *                 memory); the message on standard error says what and what to do. doctor:
 *                 tracewatch cannot run here as things stand.
 * TW_EXIT_USAGE:  the command line is wrong (unknown option or command, bad value), or the
 *                 help text could not be written.
 * TW_EXIT_LOST:   the run ended as asked, but the kernel dropped events (event=lost records
 *                 say where): records after a loss may lack what the lost events carried.
 * TW_EXIT_SIGNAL: base for a run ended by another catchable signal (SIGUSR2, SIGALRM,
 *                 SIGXCPU, SIGXFSZ, ...) after tracewatch cleaned up: 128 + the signal number,
 *                 as a shell reports it. SIGINT and SIGTERM are the way to stop: they give
 *                 TW_EXIT_OK (or TW_EXIT_LOST).
 */
enum tw_exit {
	TW_EXIT_OK = 0,
	TW_EXIT_ERROR = 1,
	TW_EXIT_USAGE = 2,
	TW_EXIT_LOST = 3,
	TW_EXIT_SIGNAL = 128,
};

#endif
