// SPDX-License-Identifier: GPL-2.0
/* elfsym.c - find a function's file offset in an ELF file with libelf, for uprobe placement. */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elfsym.h"

static bool name_matches(const char *sym, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(sym, name, n))
		return false;
	/* "chdir" or "chdir@@GLIBC_2.2.5" (default version), not "chdir@GLIBC_old" */
	return sym[n] == '\0' || !strncmp(sym + n, "@@", 2);
}

static int find_in_table(Elf *elf, Elf_Scn *scn, GElf_Shdr *sh, const char *name, uint64_t *addr)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t i, n;

	if (!data || !sh->sh_entsize)
		return -ENOENT;
	n = sh->sh_size / sh->sh_entsize;
	for (i = 0; i < n; i++) {
		GElf_Sym sym;
		const char *sname;

		if (!gelf_getsym(data, (int)i, &sym))
			continue;
		if (GELF_ST_TYPE(sym.st_info) != STT_FUNC && GELF_ST_TYPE(sym.st_info) != STT_GNU_IFUNC)
			continue;
		if (sym.st_shndx == SHN_UNDEF || !sym.st_value)
			continue;
		sname = elf_strptr(elf, sh->sh_link, sym.st_name);
		if (sname && name_matches(sname, name)) {
			*addr = sym.st_value;
			return 0;
		}
	}
	return -ENOENT;
}

int tw_elf_func_offset(const char *path, const char *name, uint64_t *offset)
{
	Elf_Scn *scn = NULL;
	size_t i, nphdr;
	uint64_t addr = 0;
	int ret = -ENOENT;
	Elf *elf;
	int fd;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		ret = -EINVAL;
		goto out_end;
	}
	/* .dynsym first: it is what the dynamic linker resolves calls against. */
	while (ret && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;

		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_DYNSYM)
			ret = find_in_table(elf, scn, &sh, name, &addr);
	}
	scn = NULL;
	while (ret && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;

		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_SYMTAB)
			ret = find_in_table(elf, scn, &sh, name, &addr);
	}
	if (ret)
		goto out_end;
	ret = -ENOENT;
	if (elf_getphdrnum(elf, &nphdr))
		goto out_end;
	for (i = 0; i < nphdr; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD || !(ph.p_flags & PF_X))
			continue;
		if (addr >= ph.p_vaddr && addr < ph.p_vaddr + ph.p_memsz) {
			*offset = addr - ph.p_vaddr + ph.p_offset;
			ret = 0;
			break;
		}
	}
out_end:
	if (elf)
		elf_end(elf);
	close(fd);
	return ret;
}

char *tw_elf_interp(const char *path)
{
	char *interp = NULL;
	size_t i, nphdr;
	Elf *elf;
	int fd;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (elf && elf_kind(elf) == ELF_K_ELF && !elf_getphdrnum(elf, &nphdr)) {
		for (i = 0; i < nphdr && !interp; i++) {
			GElf_Phdr ph;
			char *raw;
			size_t size;

			if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_INTERP)
				continue;
			raw = elf_rawfile(elf, &size);
			/* The name, NUL included, must lie in the file. */
			if (raw && ph.p_filesz > 1 && ph.p_offset < size &&
			    ph.p_filesz <= size - ph.p_offset &&
			    memchr(raw + ph.p_offset, '\0', ph.p_filesz))
				interp = strdup(raw + ph.p_offset);
		}
	}
	elf_end(elf);
	close(fd);
	return interp;
}
