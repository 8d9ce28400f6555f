/* SPDX-License-Identifier: GPL-2.0 */
/* cmd.h - the subcommands dispatched from main.c's table; each returns the process exit code. */
#ifndef TW_CMD_H
#define TW_CMD_H

/* Live monitor (the default command). argv[0] is the command name. */
int cmd_live(int argc, char **argv);

/* Trace like the live monitor, but write a recording (recording.h) instead of records. */
int cmd_record(int argc, char **argv);

/* Replay a recording through the pipeline: the records a live run would have printed. */
int cmd_report(int argc, char **argv);

/* Run one command and trace it and its descendants only: tree, summary, timeline. */
int cmd_run(int argc, char **argv);

/* What this kernel allows and which tiers tracewatch will use. */
int cmd_doctor(int argc, char **argv);

#endif
