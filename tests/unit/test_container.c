// SPDX-License-Identifier: GPL-2.0
/* test_container.c - container runtime, id and pod UID from cgroup v2 paths of each runtime. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "container.h"

#define H64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define UID_ "1b2c3d4e_5f60_7182_93a4_b5c6d7e8f901"
#define UIDD "1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901"

static void expect(const char *path, const char *runtime, const char *id, const char *pod)
{
	struct tw_container c;
	bool found = tw_container_parse(path, &c);

	assert_int_equal(found, (id && *id) || (pod && *pod));
	if (runtime)
		assert_string_equal(c.runtime, runtime);
	else
		assert_null(c.runtime);
	assert_string_equal(c.id, id ? id : "");
	assert_string_equal(c.pod_uid, pod ? pod : "");
}

static void test_runtimes(void **state)
{
	expect("/system.slice/docker-" H64 ".scope", "docker", H64, NULL);
	expect("/docker/" H64, "docker", H64, NULL);
	expect("/system.slice/crio-" H64 ".scope", "crio", H64, NULL);
	expect("/machine.slice/libpod-" H64 ".scope", "podman", H64, NULL);
	expect("/machine.slice/libpod-" H64 ".scope/container", "podman", H64, NULL);
	expect("/libpod_parent/libpod-" H64, "podman", H64, NULL);
	expect("/libpod_parent/libpod-" H64 "/ctr", "podman", H64, NULL);
	expect("/libpod_parent/" H64, "podman", H64, NULL);
	expect("/machine.slice/systemd-nspawn@web.service", "nspawn", "web", NULL);
}

static void test_kubernetes(void **state)
{
	expect("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID_
	       ".slice/cri-containerd-" H64 ".scope",
	       "containerd", H64, UIDD);
	expect("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UID_
	       ".slice/crio-" H64 ".scope",
	       "crio", H64, UIDD);
	expect("/kubepods.slice/kubepods-pod" UID_ ".slice/docker-" H64 ".scope", "docker", H64,
	       UIDD);
	/* The pod's own slice, before any container: pod known, no container. */
	expect("/kubepods.slice/kubepods-pod" UID_ ".slice", NULL, NULL, UIDD);
	/* cgroupfs driver layout. */
	expect("/kubepods/burstable/pod" UIDD "/" H64, "kubernetes", H64, UIDD);
}

static void test_not_containers(void **state)
{
	expect("/", NULL, NULL, NULL);
	expect("/user.slice/user-0.slice/session-1.scope", NULL, NULL, NULL);
	expect("/system.slice/docker.service", NULL, NULL, NULL);
	/* conmon monitors a container but is not in it. */
	expect("/machine.slice/libpod-conmon-" H64 ".scope", NULL, NULL, NULL);
	/* Not hex: a name that merely looks like a runtime's. */
	expect("/system.slice/docker-notahexid.scope", NULL, NULL, NULL);
	expect("/docker/" "XYZ", NULL, NULL, NULL);
	expect(NULL, NULL, NULL, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_runtimes),
		cmocka_unit_test(test_kubernetes),
		cmocka_unit_test(test_not_containers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
