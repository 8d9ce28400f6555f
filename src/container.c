// SPDX-License-Identifier: GPL-2.0
/* container.c - container runtime, container id and pod UID from a cgroup v2 path. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "container.h"

/* Component forms "<prefix><id><suffix>" of the runtimes, systemd and cgroupfs drivers. */
static const struct pattern {
	const char *prefix;
	const char *suffix;
	const char *runtime;
	bool hex_id;
} patterns[] = {
	{ "docker-", ".scope", "docker", true },
	{ "cri-containerd-", ".scope", "containerd", true },
	{ "crio-conmon-", ".scope", NULL, true },	/* conmon, not the container */
	{ "crio-", ".scope", "crio", true },
	{ "libpod-conmon-", ".scope", NULL, true },
	{ "libpod-", ".scope", "podman", true },
	{ "systemd-nspawn@", ".service", "nspawn", false },
};

/* Parent directory names under which the cgroupfs driver puts a bare 64-hex id. */
static const struct {
	const char *parent;
	const char *runtime;
} parents[] = {
	{ "docker", "docker" },
	{ "libpod_parent", "podman" },
	{ "machine", "podman" },
};

static bool all_hex(const char *s, size_t n)
{
	size_t i;

	if (n < 12)
		return false;
	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
			return false;
	return true;
}

static void copy_id(char *dst, size_t cap, const char *src, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* "kubepods-burstable-pod1234_5678.slice" or cgroupfs "pod1234-5678": the pod UID, dashed. */
static bool parse_pod(const char *comp, size_t n, char *uid, size_t cap)
{
	const char *p = NULL;
	size_t len, i;

	if (n > 6 && !strncmp(comp + n - 6, ".slice", 6)) {
		const char *pod = NULL;
		size_t j;

		for (j = 0; j + 3 < n; j++)
			if (!strncmp(comp + j, "-pod", 4))
				pod = comp + j + 4;
		if (!pod || strncmp(comp, "kubepods", 8))
			return false;
		p = pod;
		len = comp + n - 6 - pod;
	} else if (n > 3 && !strncmp(comp, "pod", 3)) {
		p = comp + 3;
		len = n - 3;
	} else {
		return false;
	}
	if (len < 32 || len >= cap)
		return false;
	for (i = 0; i < len; i++) {
		char ch = p[i];

		if (ch == '_')
			ch = '-';
		if (!isxdigit((unsigned char)ch) && ch != '-')
			return false;
		uid[i] = ch;
	}
	uid[len] = '\0';
	return true;
}

bool tw_container_parse(const char *path, struct tw_container *c)
{
	const char *comp = path;
	const char *prev = NULL;
	size_t prev_len = 0;
	bool in_kubepods = false;

	memset(c, 0, sizeof(*c));
	if (!path)
		return false;
	while (*comp) {
		const char *end;
		size_t n, i;

		while (*comp == '/')
			comp++;
		if (!*comp)
			break;
		end = strchrnul(comp, '/');
		n = end - comp;
		if (n >= 8 && !strncmp(comp, "kubepods", 8))
			in_kubepods = true;
		if (in_kubepods)
			parse_pod(comp, n, c->pod_uid, sizeof(c->pod_uid));

		for (i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
			const struct pattern *pt = &patterns[i];
			size_t pl = strlen(pt->prefix), sl = strlen(pt->suffix);
			const char *id = comp + pl;
			size_t idn;

			if (n <= pl || strncmp(comp, pt->prefix, pl))
				continue;
			/* The cgroupfs drivers leave the suffix off ("/libpod_parent/libpod-<id>"). */
			if (n > pl + sl && !strncmp(comp + n - sl, pt->suffix, sl))
				idn = n - pl - sl;
			else if (pt->hex_id)
				idn = n - pl;
			else
				continue;
			if (pt->hex_id && !all_hex(id, idn))
				continue;
			if (pt->runtime) {
				c->runtime = pt->runtime;
				copy_id(c->id, sizeof(c->id), id, idn);
			}
			break;
		}
		/* cgroupfs driver: /docker/<64hex>, /kubepods/burstable/pod<uid>/<64hex> */
		if (all_hex(comp, n) && n == 64) {
			const char *rt = in_kubepods ? "kubernetes" : NULL;

			for (i = 0; prev && i < sizeof(parents) / sizeof(parents[0]); i++)
				if (prev_len == strlen(parents[i].parent) &&
				    !strncmp(prev, parents[i].parent, prev_len))
					rt = parents[i].runtime;
			if (rt) {
				c->runtime = rt;
				copy_id(c->id, sizeof(c->id), comp, n);
			}
		}
		prev = comp;
		prev_len = n;
		comp = end;
	}
	return c->id[0] || c->pod_uid[0];
}
