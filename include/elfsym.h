/* SPDX-License-Identifier: GPL-2.0 */
/* elfsym.h - file offsets of functions in shared objects (for uprobes), through libelf. */
#ifndef TW_ELFSYM_H
#define TW_ELFSYM_H

#include <stdint.h>

/*
 * Find the function @name (a default-versioned "name@@VER" counts as "name") in the dynamic
 * or static symbol table of the ELF file @path and turn its address into a file offset, as
 * uprobe_events wants it. Returns 0 and *@offset, -ENOENT when there is no such function,
 * or another -errno (-EINVAL for a file that is not ELF).
 */
int tw_elf_func_offset(const char *path, const char *name, uint64_t *offset);

/*
 * The program interpreter (PT_INTERP, the ELF loader) named by the ELF file @path, malloc'd;
 * NULL when it has none (a static program), is not ELF or can't be read. glibc's libc.so
 * names the loader it goes with.
 */
char *tw_elf_interp(const char *path);

#endif
