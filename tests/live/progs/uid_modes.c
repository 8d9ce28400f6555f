// SPDX-License-Identifier: GPL-2.0
/* uid_modes.c - change the uid through libc in the ways a tracer must follow, then exec. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static uid_t uid;
static char **args;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int changed;

static void die(const char *what)
{
	fprintf(stderr, "uid_modes: %s: %s\n", what, strerror(errno));
	exit(111);
}

/* Thread A: libc's setresuid(), which glibc applies to every thread of the process. */
static void *setter(void *unused)
{
	if (setresuid(uid, uid, uid))
		die("setresuid");
	pthread_mutex_lock(&lock);
	changed = 1;
	pthread_cond_signal(&cond);
	pthread_mutex_unlock(&lock);
	return NULL;
}

/* Thread B, running since before the change: waits for it, then execs. */
static void *execer(void *unused)
{
	pthread_mutex_lock(&lock);
	while (!changed)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	if (getuid() != uid || geteuid() != uid) {
		fprintf(stderr, "uid_modes: thread B kept uid %u/%u\n", (unsigned)getuid(),
			(unsigned)geteuid());
		exit(113);
	}
	execve(args[0], args, environ);
	die("execve in thread");
	return NULL;
}

/*
 * Usage: uid_modes MODE UID PROG [ARG...]
 *   fork-setuid        fork; the child calls setuid(UID) (libc) and execs PROG; the parent
 *                      waits and exits with the child's status
 *   thread-setresuid   thread B starts and waits; thread A calls setresuid(UID, UID, UID)
 *                      (libc); then B, not the caller, execs PROG
 *   setuid-fail        setuid(UID), which must fail with EPERM (run unprivileged); then
 *                      execs PROG (exit 114 when the call succeeded)
 * PROG's argv is PROG and the rest of the arguments.
 */
int main(int argc, char **argv)
{
	const char *mode;

	if (argc < 4) {
		fprintf(stderr, "usage: uid_modes MODE UID PROG [ARG...]\n");
		return 2;
	}
	mode = argv[1];
	uid = (uid_t)strtoul(argv[2], NULL, 10);
	args = argv + 3;
	if (!strcmp(mode, "fork-setuid")) {
		pid_t pid = fork();
		int status;

		if (pid < 0)
			die("fork");
		if (pid == 0) {
			if (setuid(uid))
				_exit(112);
			execve(args[0], args, environ);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) < 0)
			die("waitpid");
		return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
	} else if (!strcmp(mode, "thread-setresuid")) {
		pthread_t a, b;

		if (pthread_create(&b, NULL, execer, NULL))
			die("pthread_create B");
		if (pthread_create(&a, NULL, setter, NULL))
			die("pthread_create A");
		pthread_join(a, NULL);
		pthread_join(b, NULL);	/* B's exec ends this process */
		return 1;
	} else if (!strcmp(mode, "setuid-fail")) {
		if (!setuid(uid))
			return 114;
		if (errno != EPERM)
			die("setuid");
		execve(args[0], args, environ);
		die("execve");
	}
	fprintf(stderr, "uid_modes: unknown mode %s\n", mode);
	return 2;
}
