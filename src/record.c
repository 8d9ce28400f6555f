// SPDX-License-Identifier: GPL-2.0
/* record.c - allocation and release of struct tw_record. */
#include <signal.h>
#include <stdlib.h>

#include "record.h"
#include "util.h"

struct tw_record *tw_record_new(enum tw_record_type type)
{
	struct tw_record *rec = tw_calloc(1, sizeof(*rec));

	if (!rec)
		return NULL;
	rec->type = type;
	rec->uid = -1;
	rec->euid = -1;
	rec->loginuid = -1;
	rec->cpu = -1;
	rec->failed_attempts = -1;
	rec->exit_code = -1;
	return rec;
}

void tw_record_free(struct tw_record *rec)
{
	if (!rec)
		return;
	free(rec->comm);
	free(rec->filename);
	free(rec->path);
	free(rec->exe);
	free(rec->cwd);
	free(rec->argv);
	free(rec->cgroup_path);
	free(rec->exec_id);
	free(rec->parent_exec_id);
	free(rec->parent_path);
	free(rec->container_id);
	free(rec->pod_uid);
	free(rec->interpreter);
	free(rec);
}

const char *tw_record_type_name(enum tw_record_type type)
{
	static const char *const names[TW_REC_NR] = {
		[TW_REC_EXEC] = "exec", [TW_REC_FORK] = "fork",	  [TW_REC_EXIT] = "exit",
		[TW_REC_CHDIR] = "chdir", [TW_REC_LOST] = "lost", [TW_REC_EXEC_FAILED] = "exec_failed",
	};

	if ((unsigned)type >= TW_REC_NR)
		return "unknown";
	return names[type];
}

const char *tw_record_signal_name(int sig)
{
	static const char *const names[] = {
		[SIGHUP] = "SIGHUP",	[SIGINT] = "SIGINT",	   [SIGQUIT] = "SIGQUIT",
		[SIGILL] = "SIGILL",	[SIGTRAP] = "SIGTRAP",	   [SIGABRT] = "SIGABRT",
		[SIGBUS] = "SIGBUS",	[SIGFPE] = "SIGFPE",	   [SIGKILL] = "SIGKILL",
		[SIGUSR1] = "SIGUSR1",	[SIGSEGV] = "SIGSEGV",	   [SIGUSR2] = "SIGUSR2",
		[SIGPIPE] = "SIGPIPE",	[SIGALRM] = "SIGALRM",	   [SIGTERM] = "SIGTERM",
		[SIGSTKFLT] = "SIGSTKFLT", [SIGCHLD] = "SIGCHLD",  [SIGCONT] = "SIGCONT",
		[SIGSTOP] = "SIGSTOP",	[SIGTSTP] = "SIGTSTP",	   [SIGTTIN] = "SIGTTIN",
		[SIGTTOU] = "SIGTTOU",	[SIGURG] = "SIGURG",	   [SIGXCPU] = "SIGXCPU",
		[SIGXFSZ] = "SIGXFSZ",	[SIGVTALRM] = "SIGVTALRM", [SIGPROF] = "SIGPROF",
		[SIGWINCH] = "SIGWINCH", [SIGIO] = "SIGIO",	   [SIGPWR] = "SIGPWR",
		[SIGSYS] = "SIGSYS",
	};

	if (sig <= 0 || (size_t)sig >= sizeof(names) / sizeof(names[0]))
		return NULL;
	return names[sig];
}
