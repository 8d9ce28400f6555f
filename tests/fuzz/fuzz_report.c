// SPDX-License-Identifier: GPL-2.0
/* fuzz_report.c - libFuzzer harness: any bytes replayed as a recording through the pipeline. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pipeline.h"

/*
 * The input is a recording as `tracewatch report` reads it, with the checksums ignored (so
 * mutations reach the payload decoders, libtraceevent's format parser, the decoder, the
 * model and the sinks). The last byte picks the output format and --events all: in a valid
 * recording it is the top byte of the END block's crc, free to change when crcs are skipped,
 * so every seed stays a plain recording and a crashing input replays with `report` once its
 * crcs are fixed (tests/fuzz/fixcrc.py).
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum tw_format formats[] = { TW_FORMAT_CSV, TW_FORMAT_JSON,
						  TW_FORMAT_TABLE };
	static FILE *out;
	struct tw_pipeline_opts po = { 0 };
	struct tw_pipeline *p;
	uint8_t last;
	FILE *in;

	if (!size)
		return 0;
	if (!out)
		out = fopen("/dev/null", "we");
	if (!out)
		return 0;
	in = fmemopen((void *)data, size, "r");
	if (!in)
		return 0;
	last = data[size - 1];
	po.replay = in;
	po.replay_name = "fuzz input";
	po.replay_skip_crc = true;
	po.format = formats[last % 3];
	po.all_events = (last / 3) & 1;
	po.out = out;
	p = tw_pipeline_new(&po);
	if (p) {
		tw_pipeline_run(p);
		tw_pipeline_free(p);
	}
	fclose(in);
	clearerr(out);
	return 0;
}
