#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""golden-make.py - make the golden recordings of tests/golden/ (root, a real kernel).

For each case: run `tracewatch --record CASE.twrec --format csv -o live.csv --events all`
while the case runs, stop it, and replay the recording with `tracewatch report --events all`.
The expected files are written only when
  1. the replay prints exactly what the live run printed, and
  2. the records the case determines match the truth the case knows independently of
     tracewatch: the program's real absolute path (the file it created), the cwd it chdir'd
     to, the pid/ppid of the processes it started, path_source; for lost events, that no path
     is wrong and that the records missing are covered by the lost records; for the container,
     the id podman gives; the uids of the case's own programs (root: 0 or unknown).
Otherwise nothing is written and the script exits 1. `make unit` (tests/golden/run.sh) then
replays each recording and diffs against the expected file.

Usage: golden-make.py [CASE...]   (cases: see CASES; default all)
Environment: TW_BIN (build/tracewatch), TW_PROGS (build/progs).
"""
import csv
import io
import os
import shutil
import signal
import subprocess
import sys
import time

TW = os.environ.get("TW_BIN", "build/tracewatch")
PROGS = os.environ.get("TW_PROGS", "build/progs")
GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "golden")
ME = os.getpid()
# the cases whose recording is also checked in every other output format
ALL_FORMATS = ("cwd-share",)


class Fail(Exception):
    pass


def prog_at(d, name):
    """A program of our own (a copy of /bin/true) at a known absolute path."""
    os.makedirs(d, exist_ok=True)
    p = os.path.join(d, name)
    shutil.copy("/bin/true", p)
    return p


def run(argv, **kw):
    p = subprocess.Popen(argv, **kw)
    if p.wait(timeout=60) != 0:
        raise Fail(f"workload {argv!r} exited {p.returncode}")
    return p


def cwd_share_go(argv):
    """cwd_share prints "ready", waits for a byte, then does its chdir and exec."""
    h = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    h.stdout.readline()
    h.stdin.write(b"g")
    h.stdin.close()
    if h.wait(timeout=30) != 0:
        raise Fail(f"{argv!r} exited {h.returncode}")
    return h


class Want:
    """The truth of one exec of the case: its record is found by its filename."""

    def __init__(self, filename, path, cwd=None, pid=None, ppid=None,
                 sources=("cwd", "proc-cwd")):
        self.filename, self.path, self.cwd = filename, path, cwd
        self.pid, self.ppid, self.sources = pid, ppid, sources


# ---- the cases: each sets up, calls start() (tracewatch records from then on), runs its
# workload and returns its checker; make() stops tracewatch right after ----

def case_cwd_share(B, start):
    """A cwd shared by threads and CLONE_FS children, copied by fork, made private by
    unshare(CLONE_FS) in the main thread or in a thread. Each mode has the program in both
    directories: only the right cwd gives the right file."""
    wants = []
    start()
    for mode in ("thread", "clonefs", "fork", "unshare-main", "unshare-thread"):
        d1, d2 = f"{B}/{mode}/d1", f"{B}/{mode}/d2"
        n = f"twg-sh-{mode}"
        right = d1 if mode in ("fork", "unshare-main") else d2
        p = prog_at(right, n)
        prog_at(d2 if right == d1 else d1, n)
        h = cwd_share_go([f"{PROGS}/cwd_share", mode, d1, d2, f"./{n}"])
        wants.append(Want(f"./{n}", p, cwd=right, ppid=h.pid))
    return lambda rows: check_wants(rows, wants)


def case_nonleader_exec(B, start):
    """A thread that is not the group leader execs: the record carries the process's pid,
    by absolute path and by ./prog after a chdir in the main thread."""
    start()
    p1 = prog_at(f"{B}/nl", "twg-nonlead")
    h1 = run([f"{PROGS}/exec_modes", "thread-exec", "-", p1])
    p2 = prog_at(f"{B}/nl2", "twg-nonlead2")
    h2 = run([f"{PROGS}/exec_modes", "thread-exec", f"{B}/nl2", "./twg-nonlead2"])
    wants = [Want(p1, p1, pid=h1.pid, ppid=ME, sources=("absolute",)),
             Want("./twg-nonlead2", p2, cwd=f"{B}/nl2", pid=h2.pid, ppid=ME)]
    return lambda rows: check_wants(rows, wants)


def case_renames(B, start):
    """The cwd (or a directory above it) is renamed after the chdir, then a relative exec:
    the path is the directory's new name. A decoy sits at the old name."""
    wants = []
    start()
    os.makedirs(f"{B}/r1/a")
    p1 = os.path.join(f"{B}/r1/b", "twg-ren1")
    prog_at(f"{B}/r1/a", "twg-ren1")
    h = run(["sh", "-c", f"cd {B}/r1/a && mv {B}/r1/a {B}/r1/b && mkdir {B}/r1/a && "
             f"cp /bin/true {B}/r1/a/twg-ren1 && ./twg-ren1; true"])
    wants.append(Want("./twg-ren1", p1, cwd=f"{B}/r1/b", ppid=h.pid))
    prog_at(f"{B}/r2/x/y/z", "twg-ren2")
    p2 = f"{B}/r2/w/y/z/twg-ren2"
    h = run(["sh", "-c", f"cd {B}/r2/x/y/z && mv {B}/r2/x {B}/r2/w && ./twg-ren2; true"])
    wants.append(Want("./twg-ren2", p2, cwd=f"{B}/r2/w/y/z", ppid=h.pid))
    # renamed by another process while the shell sits in it
    prog_at(f"{B}/r3/old", "twg-ren3")
    sh = subprocess.Popen(["sh", "-c", f"cd {B}/r3/old && read x && ./twg-ren3; true"],
                          stdin=subprocess.PIPE)
    deadline = time.time() + 10
    while os.readlink(f"/proc/{sh.pid}/cwd") != f"{B}/r3/old" and time.time() < deadline:
        time.sleep(0.01)
    os.rename(f"{B}/r3/old", f"{B}/r3/new")
    sh.stdin.write(b"go\n")
    sh.stdin.close()
    sh.wait(timeout=30)
    wants.append(Want("./twg-ren3", f"{B}/r3/new/twg-ren3", cwd=f"{B}/r3/new", ppid=sh.pid))
    return lambda rows: check_wants(rows, wants)


LOSS_LOOPS, LOSS_EXECS = 2, 150


def case_lost(B, start):
    """Lost events: a 64 KiB buffer (the smallest tracewatch takes), tracewatch stopped with
    SIGSTOP while loops cd back and forth and exec ./prog; then SIGCONT. No path may be
    wrong (a stale cwd after a loss), and what is missing is covered by lost records."""
    exp = {}
    loops = []
    for j in range(LOSS_LOOPS):
        a, d = f"{B}/loss{j}/a", f"{B}/loss{j}/b"
        n = f"twg-loss{j}"
        exp[f"./{n}"] = prog_at(d, n)
        prog_at(a, n)
    tw = start()
    os.kill(tw.pid, signal.SIGSTOP)
    try:
        for j in range(LOSS_LOOPS):
            a, d = f"{B}/loss{j}/a", f"{B}/loss{j}/b"
            n = f"twg-loss{j}"
            loops.append(subprocess.Popen(
                ["bash", "-c", f"for i in $(seq {LOSS_EXECS}); do cd {a}; cd {d}; ./{n}; done"]))
        for lp in loops:
            lp.wait(timeout=120)
    finally:
        os.kill(tw.pid, signal.SIGCONT)

    def check(rows):
        mine = [r for r in rows if r["event"] == "exec" and r["filename"] in exp]
        lost = sum(int(r["lost"] or 0) for r in rows if r["event"] == "lost")
        wrong = [r for r in mine if r["path"] and r["path"] != exp[r["filename"]]]
        bad_unres = [r for r in mine if not r["path"] and r["path_source"] != "unresolved"]
        exact = sum(1 for r in mine if r["path"] == exp[r["filename"]])
        total = LOSS_LOOPS * LOSS_EXECS
        print(f"  lost: {len(mine)}/{total} reported, {exact} exact, {lost} lost reported")
        errs = []
        if not any(r["event"] == "lost" for r in rows):
            errs.append("no lost record: the buffer did not overflow (the case shows nothing)")
        if wrong:
            errs.append(f"{len(wrong)} wrong paths, e.g. {wrong[0]}")
        if bad_unres:
            errs.append(f"no path but path_source {bad_unres[0]['path_source']}")
        if total - len(mine) > lost:
            errs.append(f"{total - len(mine)} missing but only {lost} lost reported")
        return errs
    return check


def case_container(B, start):
    """A podman container (busybox-static image): the exec of a script inside carries the id
    podman gives; its path is in the container's view (/bin/...) or unknown, never a host guess."""
    common = ["podman", "--cgroup-manager=cgroupfs", "--events-backend=file", "--runtime", "runc"]
    rootfs = f"{B}/rootfs"
    os.makedirs(f"{rootfs}/bin")
    shutil.copy("/bin/busybox", f"{rootfs}/bin/busybox")
    for app in ("sh", "true", "sleep"):
        os.symlink("busybox", f"{rootfs}/bin/{app}")
    # a script that lives a moment: the /proc read at its exec can see its cwd
    with open(f"{rootfs}/bin/twg-inside", "w") as f:
        f.write("#!/bin/sh\nsleep 0.3\n")
    os.chmod(f"{rootfs}/bin/twg-inside", 0o755)
    subprocess.run(["tar", "-C", rootfs, "-cf", f"{B}/rootfs.tar", "."], check=True)
    subprocess.run(common + ["import", f"{B}/rootfs.tar", "localhost/twgolden:latest"],
                   check=True, capture_output=True)
    cidfile = f"{B}/cid"
    start()
    try:
        subprocess.run(common + ["run", "--rm", "--cidfile", cidfile, "--network=none",
                                 "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024",
                                 "localhost/twgolden:latest", "/bin/sh", "-c",
                                 "cd /bin && ./twg-inside; true"],
                       check=True, capture_output=True, timeout=120)
    finally:
        subprocess.run(common + ["rmi", "-f", "localhost/twgolden:latest"], capture_output=True)
    cid = open(cidfile).read().strip()

    def check(rows):
        got = [r for r in rows if r["event"] == "exec" and r["filename"] == "./twg-inside"]
        if len(got) != 1:
            return [f"want 1 exec of ./twg-inside, got {len(got)}"]
        r, errs = got[0], []
        if r["container_id"] != cid:
            errs.append(f"container_id {r['container_id']!r}, podman says {cid!r}")
        if r["container_runtime"] != "podman":
            errs.append(f"container_runtime {r['container_runtime']!r}")
        if r["path"] not in ("", "/bin/twg-inside"):
            errs.append(f"path {r['path']!r}: not the container's /bin/twg-inside")
        if r["path"] and r["cwd"] != "/bin":
            errs.append(f"cwd {r['cwd']!r}")
        print(f"  container: {cid[:12]} path={r['path']!r} path_source={r['path_source']}")
        return errs
    return check


CASES = {
    "cwd-share": (case_cwd_share, []),
    "nonleader-exec": (case_nonleader_exec, []),
    "renames": (case_renames, []),
    "lost": (case_lost, ["--buffer-size", "64"]),
    "container": (case_container, []),
}


def check_wants(rows, wants):
    errs = []
    for w in wants:
        got = [r for r in rows if r["event"] == "exec" and r["filename"] == w.filename]
        if len(got) != 1:
            errs.append(f"{w.filename}: want 1 exec record, got {len(got)}")
            continue
        r = got[0]
        for key, want in (("path", w.path), ("cwd", w.cwd), ("pid", w.pid), ("ppid", w.ppid)):
            # a cwd nothing showed right is left out (empty): unknown, never wrong
            if want is not None and r[key] != str(want) and not (key == "cwd" and not r[key]):
                errs.append(f"{w.filename}: {key} {r[key]!r}, truth {str(want)!r} (path_source "
                            f"{r['path_source']}, cwd_source {r['cwd_source']}, exe {r['exe']!r})")
        # fanotify: the kernel's path of the executed file (checked against the truth above)
        if r["path_source"] not in w.sources + ("fanotify",):
            errs.append(f"{w.filename}: path_source {r['path_source']!r} not in {w.sources}")
    return errs


class Recorder:
    def __init__(self, tmp, name, extra):
        self.rec = f"{tmp}/{name}.twrec"
        self.live = f"{tmp}/{name}.live.csv"
        self.err = f"{tmp}/{name}.err"
        self.proc = subprocess.Popen([TW, "--record", self.rec, "--format", "csv", "-o",
                                      self.live, "--events", "all"] + extra,
                                     stderr=open(self.err, "w"))
        self.pid = self.proc.pid
        deadline = time.time() + 15
        while "tracewatch: tracing" not in open(self.err).read():
            if self.proc.poll() is not None or time.time() > deadline:
                raise Fail("tracewatch did not start: " + open(self.err).read())
            time.sleep(0.02)

    def stop(self):
        self.proc.send_signal(signal.SIGINT)
        # 3: the run ended as asked but the kernel dropped events (the lost case wants that)
        if self.proc.wait(timeout=60) not in (0, 3):
            raise Fail(f"tracewatch exited {self.proc.returncode}: " + open(self.err).read())


def report(rec, fmt):
    p = subprocess.run([TW, "report", rec, "--format", fmt, "--events", "all"],
                       capture_output=True)
    if p.returncode not in (0, 3):     # 3: the recording holds lost events
        raise Fail(f"report {fmt} exited {p.returncode}: {p.stderr.decode()[-500:]}")
    return p.stdout


def make(name):
    fn, extra = CASES[name]
    tmp = f"/tmp/twgolden-{name}"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    B = f"{tmp}/w"
    tw = None

    def start():
        nonlocal tw
        tw = Recorder(tmp, name, extra)
        return tw
    try:
        try:
            checker = fn(B, start)
        finally:
            if tw:
                tw.stop()
        out = report(tw.rec, "csv")
        if out != open(tw.live, "rb").read():
            raise Fail("the replay differs from the live run")
        rows = list(csv.DictReader(io.StringIO(out.decode())))
        errs = checker(rows)
        # The case's own programs run as root: their ids are 0 or unknown, never another.
        for r in rows:
            if r["event"] == "exec" and r["path"].startswith(B):
                if r["uid"] not in ("", "0") or r["euid"] not in ("", "0"):
                    errs.append(f"{r['path']}: uid {r['uid']!r} euid {r['euid']!r}, want 0 "
                                f"or unknown")
                if not r["uid_source"]:
                    errs.append(f"{r['path']}: no uid_source")
        if errs:
            raise Fail("; ".join(errs))
        size = os.path.getsize(tw.rec)
        shutil.copy(tw.rec, f"{GOLDEN}/{name}.twrec")
        with open(f"{GOLDEN}/{name}.csv", "wb") as f:
            f.write(out)
        for fmt in ("json", "table") if name in ALL_FORMATS else ():
            with open(f"{GOLDEN}/{name}.{fmt}", "wb") as f:
                f.write(report(tw.rec, fmt))
        print(f"ok   {name}: {len(rows)} records, recording {size} bytes")
        return True
    except (Fail, subprocess.CalledProcessError, OSError) as e:
        print(f"FAIL {name}: {e}")
        return False
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    names = sys.argv[1:] or list(CASES)
    bad = [n for n in names if n not in CASES]
    if bad:
        sys.exit(f"unknown case {bad[0]}; cases: {' '.join(CASES)}")
    os.makedirs(GOLDEN, exist_ok=True)
    ok = sum(make(n) for n in names)
    print(f"{ok} made, {len(names) - ok} failed")
    return 0 if ok == len(names) else 1


if __name__ == "__main__":
    sys.exit(main())
