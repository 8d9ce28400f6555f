// SPDX-License-Identifier: GPL-2.0
/* cmd-live.c - the live monitor and `record`: the pipeline on the kernel's events. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"
#include "frontend.h"
#include "pipeline.h"
#include "util.h"

/* Live and record differ only in where records and the recording go. */
static int trace(enum tw_cli_cmd cmd, int argc, char **argv)
{
	struct tw_pipeline_opts po = { 0 };
	struct tw_frontend fe = { 0 };
	struct tw_live_opts o;
	struct tw_pipeline *p;
	int ret;

	ret = tw_cli_parse(cmd, argc, argv, &o);
	if (ret)
		return tw_cli_exit_code(ret);
	tw_frontend_signals(cmd == TW_CLI_LIVE && o.output && strcmp(o.output, "-"));
	if (cmd == TW_CLI_RECORD) {
		if (tw_frontend_open(&fe.record, o.output, "recording"))
			return 1;
	} else {
		if (tw_frontend_open(&fe.out, o.output, "output") ||
		    (o.record && tw_frontend_open(&fe.record, o.record, "recording"))) {
			tw_frontend_close(&fe);
			return 1;
		}
	}
	tw_frontend_pipeline_opts(&o, &fe, &po);
	po.source.buffer_kb = o.buffer_kb;
	po.source.buffer_percent = 25;
	po.source.events = tw_decode_event_specs();
	po.source.uprobes = o.uprobes;
	po.source.uprobe_args = o.max_args;
	po.source.no_syscalls = o.no_syscalls;
	po.no_fanotify = o.no_fanotify;
	po.no_taskstats = o.no_taskstats;
	po.fanotify_unlimited = o.fanotify_unlimited;
	if (o.pid > 0) {
		po.source.filter_pid = o.pid;
		po.tree_pid = o.pid;
		po.tree_existing = true;
	}
	po.duration = o.duration;
	po.poll_ms = o.poll_ms;
	p = tw_pipeline_new(&po);
	if (!p) {
		tw_frontend_close(&fe);
		return 1;
	}
	tw_pipeline_banner(p, stderr);
	if (tw_frontend_ready(o.ready_file))
		ret = 1;
	else
		ret = tw_frontend_finish(&fe, p, tw_pipeline_run(p));
	tw_frontend_unready(o.ready_file);
	if (tw_pipeline_free(p))
		ret = 1;
	if (tw_frontend_close(&fe))
		ret = 1;
	tw_frontend_said_signal();
	return ret;
}

int cmd_live(int argc, char **argv)
{
	return trace(TW_CLI_LIVE, argc, argv);
}

int cmd_record(int argc, char **argv)
{
	return trace(TW_CLI_RECORD, argc, argv);
}
