// SPDX-License-Identifier: GPL-2.0
/* cpu_hop.c - chdir on one CPU and exec on another, so the two events land in different per-CPU buffers. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void die(const char *what)
{
	fprintf(stderr, "cpu_hop: %s: %s\n", what, strerror(errno));
	exit(111);
}

/* sched_setaffinity() on oneself migrates before it returns. */
static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity");
}

/*
 * Usage: cpu_hop MODE A B DIR PROG [ARG...]
 *   chdir  on CPU A chdir(DIR), on CPU B execve(PROG)
 *   fork   on CPU A fork; the child on CPU B chdir(DIR), back on CPU A execve(PROG)
 */
int main(int argc, char **argv)
{
	int a, b, status;
	pid_t pid;

	if (argc < 6) {
		fprintf(stderr, "usage: cpu_hop chdir|fork A B DIR PROG [ARG...]\n");
		return 2;
	}
	a = atoi(argv[2]);
	b = atoi(argv[3]);
	pin(a);
	if (!strcmp(argv[1], "chdir")) {
		if (chdir(argv[4]))
			die("chdir");
		pin(b);
		execve(argv[5], argv + 5, environ);
		die("execve");
	}
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		pin(b);
		if (chdir(argv[4]))
			die("chdir");
		pin(a);
		execve(argv[5], argv + 5, environ);
		die("execve");
	}
	if (waitpid(pid, &status, 0) < 0)
		die("waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}
