#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_cgroup.py - cgroup and container attribution against the real kernel.

Creates cgroup v2 directories named as each container runtime names them, moves real
processes into them, execs uniquely named programs, and checks tracewatch's records:
cgroup_id (inode of the directory), cgroup_path, container_id, container_runtime, pod_uid;
moves between cgroups; inheritance by children; the filters. Then, when podman and runc are
installed, runs a real container and checks the id `podman ps --no-trunc` shows.
Prints "N passed, M failed" and exits non-zero on any failure.
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from twlive import Tracewatch as _Tracewatch
from twlive import check, summary

H64 = "0123456789abcdef" * 4
H64B = "fedcba9876543210" * 4
UID_ = "1b2c3d4e_5f60_7182_93a4_b5c6d7e8f901"
UIDD = UID_.replace("_", "-")


class Tracewatch(_Tracewatch):
    """Context manager whose stop() also checks the exit code (ASan runs fail there)."""

    def __enter__(self):
        return self.start()

    def stop(self, *a, **kw):
        recs = super().stop(*a, **kw)
        check(f"tracewatch {' '.join(self.args)} exits 0", self.rc == 0,
              f"rc={self.rc} {self.stderr[-2000:]}")
        return recs


def v2_root():
    with open("/proc/self/mountinfo") as f:
        for line in f:
            left, right = line.split(" - ", 1)
            if right.startswith("cgroup2 "):
                return left.split()[4].replace("\\040", " ")
    return None


def execs_of(records, name):
    return [r for r in records if r["event"] == "exec" and r["path"] and
            r["path"].endswith("/" + name)]


def run_in_cgroup(cgdirs, prog, child=False):
    """Start a shell, move it to each cgroup of cgdirs in turn, exec prog once in each."""
    sh = subprocess.Popen(["bash", "-c", "while read -r cmd; do eval \"$cmd\"; done"],
                          stdin=subprocess.PIPE, text=True)
    for d in cgdirs:
        with open(os.path.join(d, "cgroup.procs"), "w") as f:
            f.write(str(sh.pid))
        line = f"( {prog} )" if child else f"{prog}"
        sh.stdin.write(line + "\n")
        sh.stdin.flush()
        time.sleep(0.3)
    sh.stdin.close()
    sh.wait(timeout=10)


def rm_tree(path):
    for root, dirs, _ in os.walk(path, topdown=False):
        for d in dirs:
            try:
                os.rmdir(os.path.join(root, d))
            except OSError:
                pass
    try:
        os.rmdir(path)
    except OSError:
        pass


def runtime_cases(root, base, progdir):
    cases = [
        ("docker-systemd", f"system.slice/docker-{H64}.scope", "docker", H64, None),
        ("docker-cgroupfs", f"docker/{H64B}", "docker", H64B, None),
        ("containerd-k8s", f"kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod{UID_}"
         f".slice/cri-containerd-{H64}.scope", "containerd", H64, UIDD),
        ("crio-k8s", f"kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod{UID_}"
         f".slice/crio-{H64B}.scope", "crio", H64B, UIDD),
        ("podman-systemd", f"machine.slice/libpod-{H64}.scope", "podman", H64, None),
        ("nspawn", "machine.slice/systemd-nspawn@webbox.service", "nspawn", "webbox", None),
        ("host", "user.slice/user-0.slice", None, None, None),
    ]
    dirs = {}
    for name, rel, *_ in cases:
        d = os.path.join(root, base, rel)
        os.makedirs(d, exist_ok=True)
        dirs[name] = d
        shutil.copy("/bin/true", os.path.join(progdir, f"twcg-{name}"))
    with Tracewatch() as tw:
        for name, *_ in cases:
            run_in_cgroup([dirs[name]], os.path.join(progdir, f"twcg-{name}"))
        recs = tw.stop()
    for name, rel, runtime, cid, pod in cases:
        got = execs_of(recs, f"twcg-{name}")
        if len(got) != 1:
            check(f"cgroup {name}: one exec record", False, f"got {len(got)}")
            continue
        r = got[0]
        ino = os.stat(dirs[name]).st_ino
        check(f"cgroup {name}: cgroup_id", r["cgroup_id"] == ino, f"{r['cgroup_id']} != {ino}")
        check(f"cgroup {name}: cgroup_path", r["cgroup_path"] == f"/{base}/{rel}",
              f"{r['cgroup_path']!r}")
        check(f"cgroup {name}: container_id", r["container_id"] == cid, f"{r['container_id']!r}")
        check(f"cgroup {name}: container_runtime", r.get("container_runtime") == runtime,
              f"{r.get('container_runtime')!r}")
        check(f"cgroup {name}: pod_uid", r.get("pod_uid") == pod, f"{r.get('pod_uid')!r}")
    return dirs


def move_and_inherit(root, base, progdir, dirs):
    a, b = dirs["host"], dirs["docker-systemd"]
    p1, p2 = os.path.join(progdir, "twcg-before"), os.path.join(progdir, "twcg-after")
    pc = os.path.join(progdir, "twcg-child")
    for p in (p1, p2, pc):
        shutil.copy("/bin/true", p)
    with Tracewatch() as tw:
        sh = subprocess.Popen(["bash", "-c", "while read -r cmd; do eval \"$cmd\"; done"],
                              stdin=subprocess.PIPE, text=True)
        with open(os.path.join(a, "cgroup.procs"), "w") as f:
            f.write(str(sh.pid))
        sh.stdin.write(p1 + "\n")
        sh.stdin.flush()
        time.sleep(0.3)
        with open(os.path.join(b, "cgroup.procs"), "w") as f:
            f.write(str(sh.pid))
        sh.stdin.write(p2 + "\n")
        # a grandchild: bash forks a subshell that forks the program
        sh.stdin.write(f"( ( {pc} ) )\n")
        sh.stdin.close()
        sh.wait(timeout=10)
        recs = tw.stop()
    r1, r2, rc = execs_of(recs, "twcg-before"), execs_of(recs, "twcg-after"), execs_of(recs, "twcg-child")
    ia, ib = os.stat(a).st_ino, os.stat(b).st_ino
    check("move: exec before the move is in the old cgroup",
          len(r1) == 1 and r1[0]["cgroup_id"] == ia, f"{r1}")
    check("move: exec after the move is in the new cgroup",
          len(r2) == 1 and r2[0]["cgroup_id"] == ib and r2[0]["container_id"] == H64, f"{r2}")
    check("inherit: a child of a container process is in the container",
          len(rc) == 1 and rc[0]["cgroup_id"] == ib and rc[0]["container_id"] == H64, f"{rc}")


def clone_into_cgroup(root, base, progdir, dirs):
    """clone3(CLONE_INTO_CGROUP): no attach event; the child's cgroup comes from /proc."""
    progs = os.environ.get("TW_PROGS", "build/progs")
    p = os.path.join(progdir, "twcg-cic")
    shutil.copy("/bin/sleep", p)
    target = dirs["crio-k8s"]
    with Tracewatch() as tw:
        subprocess.run([f"{progs}/exec_modes", "clone-into-cgroup", target, p, "0.5"], check=True)
        recs = tw.stop()
    got = execs_of(recs, "twcg-cic")
    check("clone3(CLONE_INTO_CGROUP): the child's exec is in the target cgroup",
          len(got) == 1 and got[0]["cgroup_id"] == os.stat(target).st_ino and
          got[0]["container_id"] == H64B, f"{got}")


def filters(root, base, progdir, dirs):
    ph, pc = os.path.join(progdir, "twcg-fhost"), os.path.join(progdir, "twcg-fctr")
    shutil.copy("/bin/true", ph)
    shutil.copy("/bin/true", pc)
    variants = {
        "--container": ["--container", H64[:12]],
        "--host-only": ["--host-only"],
        "--containers-only": ["--containers-only"],
        "--cgroup": ["--cgroup", f"/{base}/user.slice"],
    }
    expect = {"--container": (0, 1), "--host-only": (1, 0), "--containers-only": (0, 1),
              "--cgroup": (1, 0)}
    for name, args in variants.items():
        with Tracewatch(args) as tw:
            run_in_cgroup([dirs["host"]], ph)
            run_in_cgroup([dirs["docker-systemd"]], pc)
            recs = tw.stop()
        got = (len(execs_of(recs, "twcg-fhost")), len(execs_of(recs, "twcg-fctr")))
        check(f"filter {name}", got == expect[name], f"host/container records {got}")


def podman_case(progdir):
    if not shutil.which("podman") or not shutil.which("runc"):
        check("podman container (podman/runc not installed)", False, "install podman runc")
        return
    bb = shutil.which("busybox") or "/bin/busybox"
    tmp = tempfile.mkdtemp(prefix="twpod-")
    try:
        rootfs = os.path.join(tmp, "rootfs")
        os.makedirs(os.path.join(rootfs, "bin"))
        shutil.copy(bb, os.path.join(rootfs, "bin", "busybox"))
        for app in ("sh", "true", "sleep", "cp"):
            os.symlink("busybox", os.path.join(rootfs, "bin", app))
        shutil.copy(bb, os.path.join(rootfs, "bin", "twpod-inside"))
        tar = os.path.join(tmp, "rootfs.tar")
        subprocess.run(["tar", "-C", rootfs, "-cf", tar, "."], check=True)
        common = ["podman", "--cgroup-manager=cgroupfs", "--events-backend=file",
                  "--runtime", "runc"]
        subprocess.run(common + ["import", tar, "localhost/twbusybox:latest"], check=True,
                       capture_output=True)
        with Tracewatch() as tw:
            cid = subprocess.run(
                common + ["run", "-d", "--network=none", "--ulimit", "nofile=1024:1024",
                          "--ulimit", "nproc=1024:1024", "localhost/twbusybox:latest",
                          "/bin/sh", "-c", "/bin/twpod-inside true; sleep 2"],
                check=True, capture_output=True, text=True).stdout.strip()
            time.sleep(3)
            ps = subprocess.run(common + ["ps", "-a", "--no-trunc", "--format", "{{.ID}}"],
                                capture_output=True, text=True).stdout.split()
            recs = tw.stop()
        subprocess.run(common + ["rm", "-f", cid], capture_output=True)
        got = [r for r in recs if r["event"] == "exec" and "twpod-inside" in (r["filename"] or "")]
        check("podman: exec inside the container seen", len(got) == 1, f"{len(got)} records")
        if got:
            check("podman: container_id is the one podman ps shows",
                  got[0]["container_id"] == cid and cid in ps,
                  f"record {got[0]['container_id']!r} vs podman {cid!r}")
            check("podman: runtime", got[0].get("container_runtime") == "podman",
                  f"{got[0].get('container_runtime')!r}")
    except subprocess.CalledProcessError as e:
        check("podman container", False, f"{e.cmd}: {e.stderr}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def podman_libc_case():
    """A container with its own libc (a copy: another inode): tracewatch probes it when the
    container's first process shows up, so later execs inside get argv from the uprobe."""
    if not shutil.which("podman") or not shutil.which("runc"):
        check("podman libc container (podman/runc not installed)", False, "install podman runc")
        return
    progs = os.environ.get("TW_PROGS", "build/progs")
    tmp = tempfile.mkdtemp(prefix="twpodlibc-")
    common = ["podman", "--cgroup-manager=cgroupfs", "--events-backend=file", "--runtime", "runc"]
    try:
        rootfs = os.path.join(tmp, "rootfs")
        for d in ("bin", "d", "usr/lib/x86_64-linux-gnu", "lib64"):
            os.makedirs(os.path.join(rootfs, d))
        bb = shutil.which("busybox") or "/bin/busybox"
        shutil.copy(bb, os.path.join(rootfs, "bin", "busybox"))
        for app in ("sh", "sleep", "true"):
            os.symlink("busybox", os.path.join(rootfs, "bin", app))
        shutil.copy("/usr/lib/x86_64-linux-gnu/libc.so.6",
                    os.path.join(rootfs, "usr/lib/x86_64-linux-gnu/libc.so.6"))
        shutil.copy("/lib64/ld-linux-x86-64.so.2", os.path.join(rootfs, "lib64"))
        shutil.copy(os.path.join(progs, "exec_modes"), os.path.join(rootfs, "bin", "exec_modes"))
        shutil.copy(bb, os.path.join(rootfs, "d", "twpodlibc-prog"))
        tar = os.path.join(tmp, "rootfs.tar")
        subprocess.run(["tar", "-C", rootfs, "-cf", tar, "."], check=True)
        subprocess.run(common + ["import", tar, "localhost/twlibc:latest"], check=True,
                       capture_output=True)
        with Tracewatch() as tw:
            cid = subprocess.run(
                common + ["run", "-d", "--network=none", "--ulimit", "nofile=1024:1024",
                          "--ulimit", "nproc=1024:1024", "localhost/twlibc:latest", "/bin/sh", "-c",
                          "sleep 1; /bin/exec_modes plain /d ./twpodlibc-prog true 'a b'; sleep 1"],
                check=True, capture_output=True, text=True).stdout.strip()
            time.sleep(3.5)
            recs = tw.stop()
        subprocess.run(common + ["rm", "-f", cid], capture_output=True)
        got = [r for r in recs if r["event"] == "exec" and r["filename"] == "./twpodlibc-prog"]
        check("container libc: exec seen", len(got) == 1, f"{len(got)}")
        if got:
            check("container libc: argv captured by a uprobe on the container's own libc",
                  got[0]["argv_source"] == "uprobe" and
                  got[0]["argv"] == ["./twpodlibc-prog", "true", "a b"],
                  f"{got[0]['argv_source']} {got[0]['argv']}")
            check("container libc: the container id", got[0]["container_id"] == cid,
                  f"{got[0]['container_id']} vs {cid}")
            check("container libc: no path from host-side resolution of container strings",
                  got[0]["path"] in (None, "/d/twpodlibc-prog") or
                  got[0]["path"].endswith("/d/twpodlibc-prog"), f"{got[0]['path']}")
    except subprocess.CalledProcessError as e:
        check("podman libc container", False, f"{e.cmd}: {e.stderr}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    root = v2_root()
    if not root:
        print("no cgroup v2 mounted: skipping (tracewatch reports empty cgroup fields)")
        return summary()
    base = f"twtest-{os.getpid()}"
    progdir = tempfile.mkdtemp(prefix="twcgprog-")
    try:
        dirs = runtime_cases(root, base, progdir)
        move_and_inherit(root, base, progdir, dirs)
        clone_into_cgroup(root, base, progdir, dirs)
        filters(root, base, progdir, dirs)
        if os.environ.get("TW_SKIP_PODMAN") != "1":
            podman_case(progdir)
            podman_libc_case()
    finally:
        rm_tree(os.path.join(root, base))
        shutil.rmtree(progdir, ignore_errors=True)
    check("cleanup: test cgroups removed", not os.path.exists(os.path.join(root, base)))
    return summary()


if __name__ == "__main__":
    sys.exit(main())
