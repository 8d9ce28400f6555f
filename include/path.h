/* SPDX-License-Identifier: GPL-2.0 */
/* path.h - turn an exec filename relative to a cwd into an absolute path, the way the kernel walks it. */
#ifndef TW_PATH_H
#define TW_PATH_H

/*
 * Canonicalise a directory (resolve every symlink, like realpath(3)). Returns a malloc'd
 * string or NULL when it can't be resolved. Injected so the model stays testable without
 * a filesystem.
 */
typedef char *(*tw_realpath_fn)(const char *dir, void *ctx);

/*
 * Join the relative @filename to @cwd (absolute and canonical, as /proc/<pid>/cwd gives it).
 * "." and empty components are dropped; ".." is resolved physically, as the kernel does:
 * the parent of what the prefix really is (so "link/.." is the parent of the link's target),
 * by canonicalising the prefix with @realpath_fn when it holds components of @filename.
 * The last component is kept as invoked (a symlink to the program stays a symlink).
 * Returns a malloc'd absolute path, or NULL when a needed canonicalisation failed or on
 * allocation failure (errno says which: ENOENT / ENOMEM).
 */
char *tw_path_join(const char *cwd, const char *filename, tw_realpath_fn realpath_fn, void *ctx);

/* The kernel's comm for an exec of @filename: its last component, at most 15 bytes. */
void tw_path_comm(const char *filename, char comm[16]);

#endif
