// SPDX-License-Identifier: GPL-2.0
/* bench-exec.c - an exec-heavy workload: sequential fork+exec of a program, N times or for S seconds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Usage: bench-exec PROGRAM COUNT [SECONDS]: stops at COUNT execs or after SECONDS (if > 0). */
int main(int argc, char **argv)
{
	long count = argc > 2 ? atol(argv[2]) : 3000;
	double secs = argc > 3 ? atof(argv[3]) : 0;
	double end = now() + secs;
	long done = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: bench-exec PROGRAM COUNT [SECONDS]\n");
		return 2;
	}
	while (done < count && (secs <= 0 || now() < end)) {
		pid_t pid = fork();
		int status;

		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0) {
			char *args[] = { argv[1], NULL };

			execv(argv[1], args);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
			fprintf(stderr, "bench-exec: child failed\n");
			return 1;
		}
		done++;
	}
	printf("%ld\n", done);
	return 0;
}
