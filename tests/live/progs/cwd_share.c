// SPDX-License-Identifier: GPL-2.0
/* cwd_share.c - after a "go" byte, change directory in one task and exec ./PROG from another that shares (thread, CLONE_FS) or copies (fork) the cwd. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static const char *d2;
static char **args;
static int unshare_fs, exec_in_thread;

static void die(const char *what)
{
	fprintf(stderr, "cwd_share: %s: %s\n", what, strerror(errno));
	exit(111);
}

/* Wait for one byte on stdin: the test starts tracewatch between "ready" and "go". */
static void wait_go(void)
{
	char c;

	if (read(0, &c, 1) != 1)
		die("read go");
}

static int wait_child(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) < 0)
		die("waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static int fork_exec(void)
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		execve(args[0], args, environ);
		_exit(127);
	}
	return wait_child(pid);
}

static void *chdir_on_go(void *unused)
{
	wait_go();
	/* unshare(CLONE_FS) gives this thread a cwd of its own: the chdir stays private. */
	if (unshare_fs && unshare(CLONE_FS))
		die("unshare");
	if (chdir(d2))
		die("chdir");
	if (exec_in_thread)
		return (void *)(long)fork_exec();
	return NULL;
}

/*
 * Usage: cwd_share MODE D1 D2 PROG [ARG...]; the cwd is D1 first, "ready" is printed, then
 * after a byte on stdin:
 *   thread   a thread created before "ready" chdir(D2); then main forks, the child execs PROG
 *   clonefs  a child cloned with CLONE_FS before "ready" waits; the parent chdir(D2), then
 *            the child execs PROG (the cwd is shared: PROG is looked up in D2)
 *   fork     the same with a plain fork: the child still looks PROG up in D1
 *   unshare-main    like thread, but the thread unshare(CLONE_FS) first: main's fork+exec
 *                   still looks PROG up in D1
 *   unshare-thread  the thread unshare(CLONE_FS), chdir(D2), then forks and its child
 *                   execs PROG from D2
 */
int main(int argc, char **argv)
{
	const char *mode;
	int p[2];
	pid_t pid;
	char c = 'x';

	if (argc < 5) {
		fprintf(stderr, "usage: cwd_share MODE D1 D2 PROG [ARG...]\n");
		return 2;
	}
	mode = argv[1];
	d2 = argv[3];
	args = argv + 4;
	if (chdir(argv[2]))
		die("chdir D1");
	if (!strcmp(mode, "thread") || !strncmp(mode, "unshare-", 8)) {
		pthread_t t;
		void *ret;

		unshare_fs = !strncmp(mode, "unshare-", 8);
		exec_in_thread = !strcmp(mode, "unshare-thread");
		if (pthread_create(&t, NULL, chdir_on_go, NULL))
			die("pthread_create");
		write(1, "ready\n", 6);
		pthread_join(t, &ret);
		return exec_in_thread ? (int)(long)ret : fork_exec();
	}
	if (strcmp(mode, "clonefs") && strcmp(mode, "fork")) {
		fprintf(stderr, "cwd_share: unknown mode %s\n", mode);
		return 2;
	}
	if (pipe(p))
		die("pipe");
	/* No CLONE_VM: the raw clone returns twice like fork, with or without a shared fs_struct. */
	pid = syscall(SYS_clone, (strcmp(mode, "clonefs") ? 0 : CLONE_FS) | SIGCHLD, 0, NULL,
		      NULL, 0);
	if (pid < 0)
		die("clone");
	if (pid == 0) {
		close(p[1]);
		if (read(p[0], &c, 1) != 1)
			_exit(126);
		execve(args[0], args, environ);
		_exit(127);
	}
	close(p[0]);
	write(1, "ready\n", 6);
	wait_go();
	if (chdir(d2))
		die("chdir D2");
	if (write(p[1], &c, 1) != 1)
		die("write");
	return wait_child(pid);
}
