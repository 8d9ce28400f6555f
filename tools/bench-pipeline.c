// SPDX-License-Identifier: GPL-2.0
/*
 * bench-pipeline.c - events/s of the whole pipeline (decode -> reorder -> model -> CSV sink) on
 * one core, replaying a real recording (made by `tracewatch record`) from memory N times, and
 * the peak RSS. The same tw_pipeline every command runs: no copy of its loop here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline.h"
#include "util.h"

/*
 * VmHWM of this process image. Not getrusage(): Linux carries ru_maxrss across execve, so it
 * would report the launcher's peak.
 */
static long peak_rss_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmHWM:", 6))
			kb = atol(line + 6);
	fclose(f);
	return kb;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0, n;

	*len = 0;
	if (!f)
		return NULL;
	for (;;) {
		if (*len == cap) {
			cap = cap ? 2 * cap : 1 << 20;
			buf = realloc(buf, cap);
			if (!buf)
				break;
		}
		n = fread(buf + *len, 1, cap - *len, f);
		if (!n)
			break;
		*len += n;
	}
	fclose(f);
	return buf;
}

int main(int argc, char **argv)
{
	struct tw_pipeline_stats st;
	uint64_t t0, t1, events = 0, records = 0;
	FILE *out = fopen("/dev/null", "w");
	long rounds = argc > 2 ? atol(argv[2]) : 10;
	size_t len;
	char *rec;
	long i;

	if (argc < 2) {
		fprintf(stderr, "usage: bench-pipeline RECORDING [ROUNDS]\n");
		return 2;
	}
	rec = slurp(argv[1], &len);
	if (!rec || !out) {
		fprintf(stderr, "bench-pipeline: cannot read %s\n", argv[1]);
		return 1;
	}
	t0 = tw_now_mono();
	for (i = 0; i < rounds; i++) {
		struct tw_pipeline_opts po = { 0 };
		struct tw_pipeline *p;
		FILE *in = fmemopen(rec, len, "r");

		po.replay = in;
		po.replay_name = argv[1];
		po.format = TW_FORMAT_CSV;
		po.out = out;
		p = tw_pipeline_new(&po);
		if (!p || tw_pipeline_run(p)) {
			fprintf(stderr, "bench-pipeline: replay failed\n");
			return 1;
		}
		tw_pipeline_get_stats(p, &st);
		events += st.events;
		records += st.records;
		tw_pipeline_free(p);
		fclose(in);
	}
	t1 = tw_now_mono();
	printf("events=%llu records=%llu seconds=%.3f events_per_s=%.0f peak_rss_kb=%ld\n",
	       (unsigned long long)events, (unsigned long long)records, (t1 - t0) / 1e9,
	       events / ((t1 - t0) / 1e9), peak_rss_kb());
	fclose(out);
	free(rec);
	return 0;
}
