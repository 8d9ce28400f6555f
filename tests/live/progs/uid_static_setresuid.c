// SPDX-License-Identifier: GPL-2.0
/* uid_static_setresuid.c - static: the raw setresuid syscall (no libc uprobe sees it), then exec. */
#include <sys/syscall.h>
#include <unistd.h>

/* Usage: uid_static_setresuid UID PROG [ARG...]: setresuid(UID, UID, UID), execve(PROG). */
int main(int argc, char **argv, char **envp)
{
	long uid = 0;
	const char *s;

	if (argc < 3)
		return 2;
	for (s = argv[1]; *s >= '0' && *s <= '9'; s++)
		uid = uid * 10 + (*s - '0');
	if (syscall(SYS_setresuid, uid, uid, uid))
		return 3;
	if (syscall(SYS_getuid) != uid || syscall(SYS_geteuid) != uid)
		return 4;
	syscall(SYS_execve, argv[2], argv + 2, envp);
	return 5;
}
