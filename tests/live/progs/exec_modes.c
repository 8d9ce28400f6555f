// SPDX-License-Identifier: GPL-2.0
/* exec_modes.c - run a program the hard ways: chdir/fchdir + execve, posix_spawn, execveat, fexecve, threads. */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static const char *dir, *prog;
static char **args;

static void die(const char *what)
{
	fprintf(stderr, "exec_modes: %s: %s\n", what, strerror(errno));
	exit(111);
}

static void *chdir_thread(void *unused)
{
	if (chdir(dir))
		die("chdir");
	return NULL;
}

static void *fork_exec_thread(void *unused)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		execve(prog, args, environ);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	return NULL;
}

static void *exec_thread(void *unused)
{
	execve(prog, args, environ);
	die("execve in thread");
	return NULL;
}

/*
 * Usage: exec_modes MODE DIR PROG [ARG...]
 *   plain              chdir(DIR); execve(PROG)
 *   fchdir             fchdir(open(DIR)); execve(PROG)
 *   try-chdir          chdir(DIR), which is meant to fail; execve(PROG) from the same cwd
 *   spawn              chdir(DIR); posix_spawn(PROG); wait
 *   spawn-chdir        posix_spawn(PROG) with a chdir(DIR) file action (the child chdirs)
 *   spawn-fchdir       posix_spawn(PROG) with an fchdir(open(DIR)) file action
 *   execveat           execveat(open(DIR), PROG) by the raw syscall (bypasses libc)
 *   execveat-libc      execveat(open(DIR), PROG) through the libc wrapper
 *   fexecve            fexecve(open(DIR/PROG))
 *   thread-chdir-fork  thread 1 chdir(DIR); then thread 2 forks, the child execve(PROG)
 *   thread-exec        chdir(DIR) unless "-"; a second thread execve(PROG)
 *   clone-into-cgroup  clone3(CLONE_INTO_CGROUP, cgroup directory DIR); the child execve(PROG)
 * PROG's argv is PROG ARG...
 */
int main(int argc, char **argv)
{
	const char *mode;
	pthread_t t;

	if (argc < 4) {
		fprintf(stderr, "usage: exec_modes MODE DIR PROG [ARG...]\n");
		return 2;
	}
	mode = argv[1];
	dir = argv[2];
	prog = argv[3];
	args = argv + 3;
	if (!strcmp(mode, "plain")) {
		if (chdir(dir))
			die("chdir");
		execve(prog, args, environ);
		die("execve");
	} else if (!strcmp(mode, "try-chdir")) {
		if (!chdir(dir)) {
			fprintf(stderr, "exec_modes: chdir(%s) succeeded\n", dir);
			return 3;
		}
		execve(prog, args, environ);
		die("execve");
	} else if (!strcmp(mode, "fchdir")) {
		int fd = open(dir, O_RDONLY | O_DIRECTORY);

		if (fd < 0 || fchdir(fd))
			die("fchdir");
		execve(prog, args, environ);
		die("execve");
	} else if (!strcmp(mode, "spawn")) {
		pid_t pid;
		int status;

		if (chdir(dir))
			die("chdir");
		errno = posix_spawn(&pid, prog, NULL, NULL, args, environ);
		if (errno)
			die("posix_spawn");
		waitpid(pid, &status, 0);
		return 0;
	} else if (!strcmp(mode, "spawn-chdir") || !strcmp(mode, "spawn-fchdir")) {
		posix_spawn_file_actions_t fa;
		pid_t pid;
		int status, fd;

		posix_spawn_file_actions_init(&fa);
		if (!strcmp(mode, "spawn-chdir")) {
			posix_spawn_file_actions_addchdir_np(&fa, dir);
		} else {
			fd = open(dir, O_RDONLY | O_DIRECTORY);
			if (fd < 0)
				die("open");
			posix_spawn_file_actions_addfchdir_np(&fa, fd);
		}
		errno = posix_spawn(&pid, prog, &fa, NULL, args, environ);
		if (errno)
			die("posix_spawn");
		waitpid(pid, &status, 0);
		return 0;
	} else if (!strcmp(mode, "execveat")) {
		int fd = open(dir, O_RDONLY | O_DIRECTORY);

		if (fd < 0)
			die("open");
		syscall(SYS_execveat, fd, prog, args, environ, 0);
		die("execveat");
	} else if (!strcmp(mode, "execveat-libc")) {
		int fd = open(dir, O_RDONLY | O_DIRECTORY);

		if (fd < 0)
			die("open");
		execveat(fd, prog, args, environ, 0);
		die("execveat");
	} else if (!strcmp(mode, "fexecve")) {
		char path[4096];
		int fd;

		snprintf(path, sizeof(path), "%s/%s", dir, prog);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			die("open");
		fexecve(fd, args, environ);
		die("fexecve");
	} else if (!strcmp(mode, "thread-chdir-fork")) {
		pthread_create(&t, NULL, chdir_thread, NULL);
		pthread_join(t, NULL);
		pthread_create(&t, NULL, fork_exec_thread, NULL);
		pthread_join(t, NULL);
		return 0;
	} else if (!strcmp(mode, "thread-exec")) {
		if (strcmp(dir, "-") && chdir(dir))
			die("chdir");
		pthread_create(&t, NULL, exec_thread, NULL);
		pthread_join(t, NULL);
		return 1;
	} else if (!strcmp(mode, "clone-into-cgroup")) {
		struct clone_args ca = { 0 };
		int cfd = open(dir, O_RDONLY | O_DIRECTORY);
		pid_t pid;
		int status;

		if (cfd < 0)
			die("open cgroup");
		ca.flags = CLONE_INTO_CGROUP;
		ca.exit_signal = SIGCHLD;
		ca.cgroup = cfd;
		pid = syscall(SYS_clone3, &ca, sizeof(ca));
		if (pid < 0)
			die("clone3");
		if (pid == 0) {
			execve(prog, args, environ);
			_exit(127);
		}
		waitpid(pid, &status, 0);
		return 0;
	}
	fprintf(stderr, "exec_modes: unknown mode %s\n", mode);
	return 2;
}
