// SPDX-License-Identifier: GPL-2.0
/* event.c - allocation and release of struct tw_event. */
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "util.h"

void tw_proc_read_reset(struct tw_proc_read *p)
{
	memset(p, 0, sizeof(*p));
	p->uid = -1;
	p->euid = -1;
	p->loginuid = -1;
	p->nnp = -1;
	p->tracer = -1;
}

struct tw_event *tw_event_new(enum tw_event_type type)
{
	struct tw_event *ev = tw_calloc(1, sizeof(*ev));

	if (!ev)
		return NULL;
	ev->type = type;
	tw_proc_read_reset(&ev->proc);
	return ev;
}

void tw_event_free(struct tw_event *ev)
{
	if (!ev)
		return;
	if (ev->type == TW_EV_EXEC)
		free(ev->exec.filename);
	else if (ev->type == TW_EV_CHDIR)
		free(ev->chdir.path);
	else if (ev->type == TW_EV_CHDIR_ENTER)
		free(ev->chdir_enter.path);
	else if (ev->type == TW_EV_CGROUP)
		free(ev->cgroup.path);
	else if (ev->type == TW_EV_UCHDIR)
		free(ev->uchdir.path);
	else if (ev->type == TW_EV_UEXEC) {
		free(ev->uexec.filename);
		free(ev->uexec.argv);
	} else if (ev->type == TW_EV_FAN_EXEC)
		free(ev->fan.path);
	free(ev->proc.cwd);
	free(ev->proc.exe);
	free(ev->proc.argv);
	free(ev->proc.cgroup);
	free(ev);
}

const char *tw_event_type_name(enum tw_event_type type)
{
	static const char *const names[TW_EV_NR] = {
		[TW_EV_EXEC] = "exec",	   [TW_EV_NEWTASK] = "newtask", [TW_EV_EXIT] = "exit",
		[TW_EV_CHDIR_ENTER] = "chdir_enter", [TW_EV_CHDIR] = "chdir",
		[TW_EV_EXEC_ENTER] = "exec_enter",   [TW_EV_CGROUP] = "cgroup",
		[TW_EV_EXEC_FAIL] = "exec_fail",     [TW_EV_UCHDIR] = "uchdir",
		[TW_EV_UEXEC] = "uexec",
		[TW_EV_LOST] = "lost",	     [TW_EV_NS_ENTER] = "ns_enter",
		[TW_EV_NS_EXIT] = "ns_exit",	     [TW_EV_FAN_EXEC] = "fan_exec",
		[TW_EV_TASK_END] = "task_end",	     [TW_EV_SETID] = "setid",
		[TW_EV_SETID_EXIT] = "setid_exit",   [TW_EV_PRIV] = "priv",
	};

	if ((unsigned)type >= TW_EV_NR)
		return "unknown";
	return names[type];
}
