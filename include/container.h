/* SPDX-License-Identifier: GPL-2.0 */
/* container.h - which container runtime, container and pod a cgroup v2 path names. */
#ifndef TW_CONTAINER_H
#define TW_CONTAINER_H

#include <stdbool.h>

struct tw_container {
	const char *runtime;	/* static: "docker", "containerd", "crio", "podman", "nspawn", or NULL */
	char id[80];		/* container id (hex for OCI runtimes, machine name for nspawn), "" none */
	char pod_uid[40];	/* Kubernetes pod UID with dashes, "" none */
};

/*
 * Parse a cgroup v2 path ("/system.slice/docker-<64hex>.scope", "/docker/<64hex>",
 * "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid>.slice/
 * cri-containerd-<64hex>.scope", "/machine.slice/systemd-nspawn@name.service", ...).
 * The innermost container component wins. Returns true when a container or pod was found;
 * @c is always initialised.
 */
bool tw_container_parse(const char *cgroup_path, struct tw_container *c);

#endif
