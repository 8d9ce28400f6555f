// SPDX-License-Identifier: GPL-2.0
/* exact_modes.c - run a program the ways only the executed file's identity can pin down. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void die(const char *what)
{
	fprintf(stderr, "exact_modes: %s: %s\n", what, strerror(errno));
	exit(111);
}

/* Copy the file @src into the fd @out. */
static void copy_into(const char *src, int out)
{
	char buf[65536];
	int in = open(src, O_RDONLY);
	ssize_t n;

	if (in < 0)
		die("open source");
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			die("write");
	close(in);
}

/*
 * Usage: exact_modes MODE ARG1 ARG2 [ARG...]
 *   sys-chdir DIR PROG      syscall(SYS_chdir, DIR) (no libc chdir), execve(PROG)
 *   go-child DIR PROG       fork; the child: raw chdir(DIR) and raw execve(PROG), like Go's
 *                           os/exec with cmd.Dir; the parent waits
 *   fexecve-path DIR PROG   execveat(open(DIR/PROG, O_PATH), "", AT_EMPTY_PATH)
 *   memfd NAME SRC          copy SRC into memfd_create(NAME), execveat(memfd, "", AT_EMPTY_PATH)
 *   deleted PROG -          open(PROG), unlink(PROG), execveat(fd, "", AT_EMPTY_PATH)
 *   proc-self-fd PROG -     open(PROG), execve("/proc/self/fd/N")
 *   proc-pid-fd PROG -      open(PROG), execve("/proc/<own pid>/fd/N")
 *   deleted-cwd DIR PROG    chdir(DIR), rmdir(DIR), mkdir(DIR), copy /bin/true to DIR/PROG,
 *                           execve(PROG) (fails: the cwd is the deleted directory); exit 0
 * The executed program's argv is the rest of the arguments (at least its name).
 */
int main(int argc, char **argv)
{
	const char *mode, *a1, *a2;
	char **args;
	char path[4096];
	int fd;

	if (argc < 4) {
		fprintf(stderr, "usage: exact_modes MODE ARG1 ARG2 [ARG...]\n");
		return 2;
	}
	mode = argv[1];
	a1 = argv[2];
	a2 = argv[3];
	args = argv + 3;
	if (!strcmp(mode, "sys-chdir")) {
		if (syscall(SYS_chdir, a1))
			die("chdir");
		execve(a2, args, environ);
		die("execve");
	} else if (!strcmp(mode, "go-child")) {
		pid_t pid = fork();
		int status;

		if (pid < 0)
			die("fork");
		if (pid == 0) {
			if (syscall(SYS_chdir, a1))
				_exit(112);
			syscall(SYS_execve, a2, args, environ);
			_exit(127);
		}
		waitpid(pid, &status, 0);
		return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
	} else if (!strcmp(mode, "fexecve-path")) {
		snprintf(path, sizeof(path), "%s/%s", a1, a2);
		fd = open(path, O_PATH);
		if (fd < 0)
			die("open O_PATH");
		syscall(SYS_execveat, fd, "", args, environ, AT_EMPTY_PATH);
		die("execveat");
	} else if (!strcmp(mode, "memfd")) {
		fd = memfd_create(a1, MFD_CLOEXEC);
		if (fd < 0)
			die("memfd_create");
		copy_into(a2, fd);
		syscall(SYS_execveat, fd, "", args, environ, AT_EMPTY_PATH);
		die("execveat memfd");
	} else if (!strcmp(mode, "deleted")) {
		fd = open(a1, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || unlink(a1))
			die("open and unlink");
		syscall(SYS_execveat, fd, "", args, environ, AT_EMPTY_PATH);
		die("execveat deleted");
	} else if (!strcmp(mode, "proc-self-fd") || !strcmp(mode, "proc-pid-fd")) {
		fd = open(a1, O_RDONLY);
		if (fd < 0)
			die("open");
		if (!strcmp(mode, "proc-self-fd"))
			snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		else
			snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)getpid(), fd);
		execve(path, args, environ);
		die("execve fd link");
	} else if (!strcmp(mode, "deleted-cwd")) {
		if (chdir(a1) || rmdir(a1) || mkdir(a1, 0755))
			die("chdir, rmdir, mkdir");
		snprintf(path, sizeof(path), "%s/%s", a1, a2);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0755);
		if (fd < 0)
			die("create");
		copy_into("/bin/true", fd);
		close(fd);
		execve(a2, args, environ);
		return errno == ENOENT ? 0 : 1;
	}
	fprintf(stderr, "exact_modes: unknown mode %s\n", mode);
	return 2;
}
