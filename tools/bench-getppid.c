// SPDX-License-Identifier: GPL-2.0
/* bench-getppid.c - a syscall-heavy workload: N getppid() calls, for host-overhead benchmarks. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 5000000;
	long i, sum = 0;

	for (i = 0; i < n; i++)
		sum += syscall(SYS_getppid);	/* no libc caching: a real syscall each time */
	return sum == 0;
}
