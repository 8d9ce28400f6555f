// SPDX-License-Identifier: GPL-2.0
/* uid_report.c - print the real uid, effective uid and loginuid this process runs with. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/*
 * Usage: uid_report [RELEASE]
 * Prints "UID EUID LOGINUID\n" (LOGINUID as /proc/self/loginuid has it, "-" when unreadable)
 * to stdout. With RELEASE, then waits until that file exists (at most 60 s): a process still
 * there when the tracer reads /proc. Exits 0 (3 when RELEASE never appeared).
 */
int main(int argc, char **argv)
{
	struct timespec tick = {0, 10 * 1000 * 1000};
	char login[32] = "-";
	FILE *f = fopen("/proc/self/loginuid", "r");
	int i;

	if (f) {
		if (fscanf(f, "%31s", login) != 1)
			snprintf(login, sizeof(login), "-");
		fclose(f);
	}
	printf("%u %u %s\n", (unsigned)getuid(), (unsigned)geteuid(), login);
	fflush(stdout);
	if (argc < 2)
		return 0;
	for (i = 0; i < 6000; i++) {
		if (!access(argv[1], F_OK))
			return 0;
		nanosleep(&tick, NULL);
	}
	return 3;
}
