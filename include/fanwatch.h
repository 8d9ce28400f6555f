/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fanwatch.h - the fanotify source: every file the kernel opens for an exec (FAN_OPEN_EXEC),
 * as the thread that opened it and the identity and path of the exact file.
 *
 * Named "fanwatch" so as not to clash with <sys/fanotify.h>. Standalone: a pollable fd, a
 * non-blocking batch read that hands each item to a callback, a close that cleans up.
 *
 * What the kernel sends, and so what the items say (checked on 6.18 by the live test):
 * - One item per open-for-exec, in the order the opens happened: the program, then for a
 *   "#!" script its interpreter (and the interpreter's own "#!" chain), then the ELF loader
 *   (PT_INTERP) of the final ELF. A failed exec opens too when the open succeeded (ENOEXEC:
 *   an item comes); an exec refused before the open (ENOENT, EACCES for a file without x
 *   bits) gives no item. Execs from unmarked filesystems give none.
 * - memfd execs (fexecve of a memfd) give NO item for the memfd: the kernel refuses
 *   filesystem and mount marks on its internal shm mount (EINVAL, SB_NOUSER); only an inode
 *   mark on each memfd would see them. The program's ELF loader still comes (it is on a
 *   marked filesystem). The mark is attempted; tw_fanwatch_marks() lists its refusal.
 * - @tid is the thread that called exec (FAN_REPORT_TID), for every item of that exec: the
 *   program, interpreter and loader are all opened before de_thread(), so a non-leader
 *   thread's exec shows its own tid (sched_process_exec's old_pid), never the leader's.
 * - @ts is CLOCK_MONOTONIC read when the batch was read from the fanotify fd: an upper bound
 *   of the open's time, NOT the exec's time. All items of one batch share it.
 * - @dev, @ino, @mode (file type, permission and set-user-ID/set-group-ID bits), @uid, @gid
 *   and @nlink are from statx() on the event's fd, i.e. of the exact file the kernel opened,
 *   read after the exec (a chmod/chown in between shows; the identity dev+ino cannot change).
 *   @dev is st_dev as stat(2) reports it (btrfs subvolumes have their own). Exact when
 *   @has_stat; @has_stat is false only when the kernel could not give an fd (rare: e.g. the
 *   listener's fd limit) and then nothing else about the file is known.
 * - @path: the file's path at read time from readlink(/proc/self/fd/N), symlinks resolved,
 *   as /proc/PID/exe says it. A rename between the exec and the read shows the new name.
 *   Its meaning is given by @kind and @flags; never use @path without looking at them:
 *     TW_FAN_PATH    an absolute path. Without TW_FAN_OTHER_NS it is in our own mount
 *                    namespace's view (the file's mount is one of ours, checked by unique
 *                    mount id). With TW_FAN_OTHER_NS the mount belongs to another mount
 *                    namespace (a container) and the path is as seen from that namespace's
 *                    root: NOT a host path. With TW_FAN_DELETED the file was unlinked and
 *                    @path is where its name was (the kernel's " (deleted)" suffix removed:
 *                    a real file named "x (deleted)" is told apart by stat, not by string).
 *     TW_FAN_MEMFD   a memfd (fileless exec): @path is the memfd's NAME only (without the
 *                    kernel's "/memfd:" prefix and " (deleted)" suffix), never a path.
 *                    (Not produced on 6.18, see above; kept for kernels that allow it.)
 *     TW_FAN_NOPATH  no path can be trusted (readlink failed, not an absolute path, or an
 *                    unlinked name that cannot be told apart from a real one); @path is NULL.
 *   overlayfs (containers): overlayfs opens the file in its layer while opening the overlay
 *   file, so each open for exec there gives two items with the same tid (when the layer's
 *   filesystem is marked too, as the host's is): first the layer's file (dev and inode of
 *   the filesystem holding the layer, through a private mount of overlayfs that is in no
 *   namespace: path relative to the layer's root, TW_FAN_OTHER_NS), then the overlay file
 *   (the overlay's dev; its path in the view of the namespace that uses the mount:
 *   TW_FAN_OTHER_NS for a container's root). What the task opened is the second one.
 *   A file hidden under a later mount on top of its directory would still show its old
 *   path; tracewatch does not check for that (it would cost a path walk per item).
 * - Marks: one per superblock (FAN_MARK_FILESYSTEM), so bind mounts and every mount of it
 *   are covered. Which superblocks carry a mark is read back from the kernel (fdinfo of the
 *   fanotify fd) at each scan, because anonymous device numbers (tmpfs, overlay) are reused
 *   once a filesystem is gone. A filesystem mounted in our namespace is marked when
 *   tw_fanwatch_read() next runs (the fd wakes for it); an exec from it before that is not
 *   seen. Filesystems only mounted in another namespace are marked by
 *   tw_fanwatch_mark_namespace().
 * - TW_FAN_LOST: the kernel's queue overflowed (FAN_Q_OVERFLOW); an unknown number of opens
 *   before @ts were dropped. Only @ts is set.
 *
 * Cost, measured on this machine (2 vCPU, 6.18): see the comment at the top of fanwatch.c
 * for the numbers and for the comparison with the FID mode (FAN_REPORT_DFID_NAME).
 */
#ifndef TW_FANWATCH_H
#define TW_FANWATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tw_fanwatch;

enum tw_fan_type {
	TW_FAN_EXEC, /* a file opened for exec */
	TW_FAN_LOST, /* queue overflow: opens were dropped */
};

enum tw_fan_kind {
	TW_FAN_NOPATH,
	TW_FAN_PATH,
	TW_FAN_MEMFD,
};

#define TW_FAN_DELETED	(1u << 0) /* unlinked (also set for memfds) */
#define TW_FAN_OTHER_NS (1u << 1) /* path is in another mount namespace's view */
/*
 * Set-user-ID (or -group-ID) file on a mount with "nosuid" (fstatfs ST_NOSUID): the kernel
 * ignores those bits on exec. Only looked for when the mode has one of them.
 */
#define TW_FAN_NOSUID (1u << 2)
/* The file named by tw_fanwatch_skip_path(): kind TW_FAN_NOPATH, its path was not read. */
#define TW_FAN_PATH_SKIPPED (1u << 3)

/* One item. Plain data; @path is borrowed and valid during the callback only. */
struct tw_fan_item {
	enum tw_fan_type type;
	uint64_t ts; /* CLOCK_MONOTONIC ns at read time (see above) */
	int tid;
	bool has_stat;
	uint64_t dev; /* st_dev of the executed file */
	uint64_t ino;
	uint32_t mode; /* st_mode, with S_ISUID/S_ISGID */
	uint32_t uid;  /* owner: with S_ISUID, the euid the exec gives */
	uint32_t gid;
	uint32_t nlink;
	uint64_t mnt_id; /* the fd's mount: unique id (6.8+) or reusable id; 0 unknown */
	enum tw_fan_kind kind;
	unsigned int flags; /* TW_FAN_DELETED, TW_FAN_OTHER_NS, TW_FAN_NOSUID */
	const char *path;   /* see the kind; NULL for TW_FAN_NOPATH */
	size_t path_len;
};

struct tw_fanwatch_opts {
	bool unlimited_queue; /* FAN_UNLIMITED_QUEUE: never overflow (kernel memory grows) */
	bool no_memfd;	      /* do not mark the memfd superblock */
	bool no_mount_watch;  /* do not re-scan our mount table when it changes */
};

/* Called for each item; returns 0 or a negative errno (see tw_fanwatch_read()). */
typedef int (*tw_fan_cb)(const struct tw_fan_item *it, void *ctx);

/*
 * Start listening: fanotify_init(FAN_CLASS_NOTIF | FAN_REPORT_TID | FAN_CLOEXEC | FAN_NONBLOCK)
 * and a FAN_OPEN_EXEC mark on the superblock of every filesystem mounted in our mount
 * namespace (pseudo filesystems where no exec can happen are skipped), plus the memfd
 * superblock. Needs CAP_SYS_ADMIN in the initial user namespace.
 * On success *@out is set and 0 returned. On failure -errno is returned, a one-line message
 * says what failed and that paths will come from the other tiers, and nothing is left open:
 * -EPERM without the capability, -ENOSYS/-EINVAL on kernels without fanotify or
 * FAN_REPORT_TID (4.20), -EINVAL from the root filesystem's mark without FAN_OPEN_EXEC
 * (5.0), -ENOMEM.
 */
int tw_fanwatch_open(const struct tw_fanwatch_opts *opts, struct tw_fanwatch **out);

/*
 * The fd to poll for POLLIN: it becomes readable when events are queued or our mount table
 * changed (an epoll fd folding both). Valid until tw_fanwatch_close().
 */
int tw_fanwatch_fd(const struct tw_fanwatch *w);

/*
 * Items of the file @dev/@ino (the ELF loader, opened with every dynamic exec) come without
 * their path (TW_FAN_PATH_SKIPPED): one readlink less per exec.
 */
void tw_fanwatch_skip_path(struct tw_fanwatch *w, uint64_t dev, uint64_t ino);

/*
 * Mark new filesystems if our mount table changed since the last call (call it before a
 * round of reads). Returns 0 or -ENOMEM.
 */
int tw_fanwatch_check_mounts(struct tw_fanwatch *w);

/*
 * Non-blocking: read what the kernel has queued (at most one read buffer) and hand each
 * item, in order, to @cb. Every fd the kernel passed is closed before return, whatever @cb
 * returns: a non-zero @cb return is kept and returned after the rest of the buffer was
 * delivered. *@empty tells whether the queue was seen empty during the read (nothing queued,
 * or the kernel stopped with room left for another event): every open before the call has
 * then been delivered, no further read needed.
 * Returns the number of items delivered (0: nothing queued), the first non-zero @cb return,
 * or -errno when the read failed (nothing delivered).
 */
int tw_fanwatch_read(struct tw_fanwatch *w, tw_fan_cb cb, void *ctx, bool *empty);

/*
 * Mark the filesystems of @pid's mount namespace (a container), reached through
 * /proc/@pid/root/<mountpoint>, one mark per superblock not marked yet. Call it when a task
 * of a mount namespace not seen before execs; calling it again for the same namespace only
 * costs reading its mountinfo. New mounts inside that namespace are marked only when this is
 * called again. Returns how many superblocks were newly marked (0: none), -ESRCH when @pid
 * is gone, -ENOMEM.
 */
int tw_fanwatch_mark_namespace(struct tw_fanwatch *w, int pid);

/* One marked (or refused) superblock, for doctor-style reports. Borrowed strings. */
struct tw_fan_mark {
	unsigned int major, minor; /* the superblock's s_dev as mountinfo shows it */
	const char *fstype;
	const char *where; /* the mountpoint used, "memfd", or "/proc/PID/root/..." */
	int err;	   /* 0 marked, else the -errno of the refusal */
};

/*
 * Walk the superblocks tried so far: @cb gets each (marked and refused ones, skipped pseudo
 * filesystems are not listed). Returns the number walked.
 */
int tw_fanwatch_marks(const struct tw_fanwatch *w,
		      void (*cb)(const struct tw_fan_mark *m, void *ctx), void *ctx);

/* Remove the marks and close every fd. NULL is accepted. */
void tw_fanwatch_close(struct tw_fanwatch *w);

/*
 * Pure helpers, exposed for the unit tests.
 *
 * tw_fanwatch_classify: decide what the readlink text @link (@len bytes, not necessarily
 * terminated) of a file means. @on_memfd_sb: the file is on the memfd superblock. @nlink:
 * its link count. @real_name_exists: called only when @link ends in " (deleted)" and the
 * file still has links, to ask whether @link names this very file (stat and compare);
 * may be NULL (= no). Sets *@start and *@out_len to the meaningful part of @link (the path, or
 * the memfd name), ORs TW_FAN_DELETED into *@flags, and returns the kind.
 */
enum tw_fan_kind tw_fanwatch_classify(const char *link, size_t len, bool on_memfd_sb,
				      uint32_t nlink,
				      bool (*real_name_exists)(const char *link, void *ctx),
				      void *ctx, size_t *start, size_t *out_len,
				      unsigned int *flags);

/* One parsed /proc/PID/mountinfo line. Strings point into the (modified) line. */
struct tw_mountinfo {
	int mnt_id, parent_id;
	unsigned int major, minor;
	char *root;	  /* unescaped */
	char *mountpoint; /* unescaped (\040 etc.) */
	char *fstype;
	char *source;
};

/* Parse one NUL-terminated mountinfo line in place. Returns 0 or -EINVAL if malformed. */
int tw_fanwatch_parse_mountinfo(char *line, struct tw_mountinfo *mi);

#ifdef TW_TESTING
/*
 * A watch without a fanotify fd, for the unit tests: knows our mounts and the memfd
 * superblock, so tw_fanwatch_parse() can be fed hand-built buffers (no root needed).
 */
int tw_fanwatch_open_detached(struct tw_fanwatch **out);
#endif

/*
 * Walk a buffer as read from the fanotify fd: each well-formed event becomes an item for
 * @cb, and each fd in it is closed. Events after a malformed one (wrong metadata version,
 * event_len smaller than the metadata or past @len) are not trusted: they are skipped and
 * -EBADMSG is returned after the good ones were delivered (a truncated tail the same). The
 * fds of skipped events are not closed (their fd fields cannot be trusted).
 * Returns the number of items delivered, the first non-zero @cb return, or -EBADMSG.
 */
int tw_fanwatch_parse(struct tw_fanwatch *w, const void *buf, size_t len, uint64_t ts, tw_fan_cb cb,
		      void *ctx);

#endif
