// SPDX-License-Identifier: GPL-2.0
/* raw_static_chdir_exec.c - static, no libc wrappers: chdir(DIR) and execve(PROG) by raw syscalls. */
#include <sys/syscall.h>
#include <unistd.h>

/* Usage: raw_static_chdir_exec DIR PROG [ARG...]: PROG is relative to DIR. */
int main(int argc, char **argv, char **envp)
{
	if (argc < 3)
		return 2;
	if (syscall(SYS_chdir, argv[1]))
		return 3;
	syscall(SYS_execve, argv[2], argv + 2, envp);
	return 4;
}
