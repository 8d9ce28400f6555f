// SPDX-License-Identifier: GPL-2.0
/* cmd-report.c - `tracewatch report FILE`: a recording replayed through the same pipeline. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"
#include "frontend.h"
#include "pipeline.h"
#include "util.h"

int cmd_report(int argc, char **argv)
{
	struct tw_pipeline_opts po = { 0 };
	struct tw_frontend fe = { 0 };
	struct tw_live_opts o;
	struct tw_pipeline *p;
	FILE *in;
	int ret;

	ret = tw_cli_parse(TW_CLI_REPORT, argc, argv, &o);
	if (ret)
		return tw_cli_exit_code(ret);
	tw_frontend_signals(false);
	if (!strcmp(o.input, "-")) {
		in = stdin;
	} else {
		in = fopen(o.input, "re");
		if (!in) {
			tw_err(errno, "cannot open the recording %s: %s", o.input, strerror(errno));
			return 1;
		}
	}
	if (tw_frontend_open(&fe.out, o.output, "output")) {
		if (in != stdin)
			fclose(in);
		return 1;
	}
	tw_frontend_pipeline_opts(&o, &fe, &po);
	po.replay = in;
	po.replay_name = o.input;
	po.reopen = NULL;	/* SIGHUP stops a report */
	p = tw_pipeline_new(&po);
	if (!p) {
		ret = 1;
	} else {
		ret = tw_frontend_finish(&fe, p, tw_pipeline_run(p));
		tw_pipeline_free(p);
	}
	if (tw_frontend_close(&fe))
		ret = 1;
	if (in != stdin)
		fclose(in);
	tw_frontend_said_signal();
	return ret;
}
