#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_exact.py - issue 10's classes: exact or honestly unresolved, in every mode.

Each class runs a uniquely named program (names carry this script's pid and the mode's tag) in
a way where a path made from a remembered cwd string, or from a path string resolved in the
wrong view, points somewhere else: a renamed directory, a decoy of the same name, a deleted
directory, another root, another mount namespace, a name that is only an fd. The record must
give the true path (and cwd, exe) or none at all (path null with path_source "unresolved");
a wrong value fails, whatever the mode: default, --no-uprobes, --no-syscall-events,
--no-fanotify. The number of records that came out resolved is printed per class and mode.
Prints "N passed, M failed"; exits non-zero on any failure.
"""
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import traceback

from twlive import PROGS, Tracewatch, check, escape, leftovers, summary

EXACT = f"{PROGS}/exact_modes"
EXEC_MODES = f"{PROGS}/exec_modes"
STATIC_TRUE = f"{PROGS}/static_true"
BUSYBOX = "/bin/busybox"
U = f"tx{os.getpid()}"
MODES = [("default", [], ""), ("--no-uprobes", ["--no-uprobes"], "n"),
         ("--no-syscall-events", ["--no-syscall-events"], "s"),
         ("--no-fanotify", ["--no-fanotify"], "f")]
started = []


def run(argv, ok=(0,), **kw):
    p = subprocess.Popen(argv, **kw)
    started.append(p)
    rc = p.wait(timeout=30)
    if rc not in ok:
        raise RuntimeError(f"workload {argv!r} exited {rc}")
    return p


def prog_at(d, name, src="/bin/true", mode=0o755):
    os.makedirs(d, exist_ok=True)
    p = os.path.join(d, name)
    shutil.copy(src, p)
    os.chmod(p, mode)
    return p


def decoy_at(d, name):
    """A file of the same name where a wrong resolution would point (not executable)."""
    return prog_at(d, name, mode=0o644)


def sh(script):
    return run(["bash", "-c", script])


class Case:
    """One class: how to find its record(s) and what each field may be."""

    def __init__(self, label, match, path, *, cwd=None, exe=None, event="exec", count=1,
                 never=(), check_cwd=True, uid=None, euid=None):
        self.label, self.match, self.event, self.count = label, match, event, count
        self.path = None if path is None else escape(path)
        self.cwd = None if cwd is None else escape(cwd)
        self.check_cwd = check_cwd
        # exe: the canonical file (what /proc/PID/exe says), or None when not a path
        self.exe = exe if exe is not None else (self.path and escape(os.path.realpath(path)))
        self.never = [escape(n) for n in never]
        self.uid, self.euid = uid, euid


def by_name(name):
    name = escape(name)
    return lambda r: name in (r.get("filename") or "") or name in (r.get("path") or "")


def by_pid(pid):
    """The exec a launcher process made of itself (not the launcher's own exec)."""
    return lambda r: r.get("pid") == pid and not (r.get("filename") or "").endswith(
        ("/exact_modes", "/exec_modes"))


def verify(c, recs, what):
    got = [r for r in recs if r.get("event") == c.event and c.match(r)]
    counts = c.count if isinstance(c.count, tuple) else (c.count,)
    if not check(f"{c.label} [{what}]: {c.count} record(s)", len(got) in counts,
                 f"got {len(got)}: {[json.dumps(r)[:400] for r in got[:3]]}"):
        if not got:
            return
    resolved = 0
    for r in got:
        bad = []
        if r["path"] is None:
            if r["path_source"] != "unresolved":
                bad.append(f"path null but path_source {r['path_source']!r}")
        else:
            resolved += 1
            if r["path"] != c.path:
                bad.append(f"path: want {c.path!r} or null, got {r['path']!r}")
        if r["path"] is not None and r["path"] in c.never:
            bad.append(f"path is the decoy {r['path']!r}")
        if c.check_cwd and r["cwd"] is not None and r["cwd"] != c.cwd:
            bad.append(f"cwd: want {c.cwd!r} or null, got {r['cwd']!r}")
        # "other-ns": a path in another mount namespace's view, and labelled so
        if r["exe"] is not None and r["exe"] != c.exe and r.get("exe_source") != "other-ns":
            bad.append(f"exe: want {c.exe!r} or null, got {r['exe']!r}")
        if r.get("exe_source") == "other-ns" and r["path"] is not None and r["path"] != c.path:
            bad.append("a path in another namespace's view reported as the path")
        for v in (r["path"], r["exe"]):
            if v is not None and (v.startswith("/proc/") or v.startswith("/dev/fd/") or
                                  v.endswith(" (deleted)") or v.startswith("/memfd:")):
                bad.append(f"{v!r} passed off as a path")
        if c.uid is not None and r.get("uid") is not None and r["uid"] != c.uid:
            bad.append(f"uid: want {c.uid} or null, got {r['uid']}")
        if c.euid is not None and r.get("euid") is not None and r["euid"] != c.euid:
            bad.append(f"euid: want {c.euid} or null, got {r['euid']}")
        check(f"{c.label} [{what}]: exact or unresolved", not bad,
              "; ".join(bad) + "; record " + json.dumps(r)[:900])
    print(f"     {c.label} [{what}]: resolved {resolved}/{len(got)}", flush=True)


def workloads(B, tag):
    """Run every class once; returns the cases to check."""
    P = f"{U}{tag}"
    cases = []
    # cwd renamed: cd D/a; mv D/a D/b; ./prog
    d = f"{B}/ren"
    n = f"{P}-ren"
    prog_at(f"{d}/a", n)
    sh(f"cd {d}/a && mv {d}/a {d}/b && decoy() {{ :; }} && ./{n}; true")
    cases.append(Case("cwd renamed", by_name(n), f"{d}/b/{n}", cwd=f"{d}/b",
                      never=[f"{d}/a/{n}"]))
    # an ancestor renamed: cd D/p/q; mv D/p D/r; a decoy where the old name was; ./prog
    d = f"{B}/anc"
    n = f"{P}-anc"
    prog_at(f"{d}/p/q", n)
    sh(f"cd {d}/p/q && mv {d}/p {d}/r && mkdir -p {d}/p/q && cp /bin/true {d}/p/q/{n} && "
       f"chmod 644 {d}/p/q/{n} && ./{n}; true")
    cases.append(Case("ancestor renamed", by_name(n), f"{d}/r/q/{n}", cwd=f"{d}/r/q",
                      never=[f"{d}/p/q/{n}"]))
    # cwd deleted and recreated, then an absolute exec: the cwd is the deleted directory
    d = f"{B}/del"
    n = f"{P}-delabs"
    p = prog_at(f"{B}/elsewhere", n)
    os.makedirs(f"{d}/c")
    sh(f"cd {d}/c && rmdir {d}/c && mkdir {d}/c && {p}; true")
    cases.append(Case("cwd deleted and recreated (absolute exec)", by_name(n), p, cwd=None,
                      never=[]))
    # failed exec in a deleted-and-recreated cwd: ./prog is attempted in the deleted one
    d = f"{B}/delf"
    n = f"{P}-delf"
    os.makedirs(f"{d}/c")
    h = run([EXACT, "deleted-cwd", f"{d}/c", f"./{n}"])
    cases.append(Case("failed exec, cwd deleted and recreated", lambda r, h=h, n=n:
                      r.get("pid") == h.pid and escape(n) in (r.get("filename") or ""),
                      None, event="exec_failed", never=[f"{d}/c/{n}"],
                      # without uprobes no filename names the failed attempt
                      count=(0, 1) if tag == "n" else 1))
    # a static program's raw chdir, with a decoy in the directory it started in
    d = f"{B}/bb"
    n = f"{P}-bb"
    prog_at(f"{d}/real", n)
    decoy_at(f"{d}/work", n)
    run([BUSYBOX, "sh", "-c", f"cd ../real && exec ./{n}"], cwd=f"{d}/work")
    cases.append(Case("static busybox raw chdir + decoy", by_name(n), f"{d}/real/{n}",
                      cwd=f"{d}/real", never=[f"{d}/work/{n}"]))
    # syscall(SYS_chdir) from a dynamic program
    d = f"{B}/sysc"
    n = f"{P}-sysc"
    prog_at(f"{d}/real", n)
    decoy_at(f"{d}/work", n)
    run([EXACT, "sys-chdir", f"{d}/real", f"./{n}"], cwd=f"{d}/work")
    cases.append(Case("syscall(SYS_chdir) dynamic", by_name(n), f"{d}/real/{n}",
                      cwd=f"{d}/real", never=[f"{d}/work/{n}"]))
    # Go-style child: raw chdir between fork and exec
    d = f"{B}/go"
    n = f"{P}-go"
    prog_at(f"{d}/real", n)
    decoy_at(f"{d}/work", n)
    run([EXACT, "go-child", f"{d}/real", f"./{n}"], cwd=f"{d}/work")
    cases.append(Case("Go-style child chdir", by_name(n), f"{d}/real/{n}", cwd=f"{d}/real",
                      never=[f"{d}/work/{n}"]))
    # fchdir + ./prog
    d = f"{B}/fch"
    n = f"{P}-fch"
    prog_at(d, n)
    decoy_at(f"{B}/fchw", n)
    run([EXEC_MODES, "fchdir", d, f"./{n}"], cwd=f"{B}/fchw")
    cases.append(Case("fchdir", by_name(n), f"{d}/{n}", cwd=d, never=[f"{B}/fchw/{n}"]))
    # execveat(dirfd, prog)
    d = f"{B}/eat"
    n = f"{P}-eat"
    prog_at(d, n)
    run([EXEC_MODES, "execveat", d, n])
    cases.append(Case("execveat(dirfd)", by_name(n), f"{d}/{n}", check_cwd=False))
    # fexecve on O_RDONLY, and execveat(AT_EMPTY_PATH) on O_PATH
    d = f"{B}/fex"
    n = f"{P}-fexr"
    prog_at(d, n)
    h = run([EXEC_MODES, "fexecve", d, n])
    cases.append(Case("fexecve O_RDONLY", by_pid(h.pid), f"{d}/{n}", check_cwd=False))
    n = f"{P}-fexp"
    prog_at(d, n)
    h = run([EXACT, "fexecve-path", d, n])
    cases.append(Case("fexecve O_PATH", by_pid(h.pid), f"{d}/{n}", check_cwd=False))
    # memfd exec: no path at all
    n = f"{P}-memfd"
    h = run([EXACT, "memfd", n, "/bin/true"])
    c = Case("memfd exec", by_pid(h.pid), None, check_cwd=False)
    c.exe = escape(f"memfd:{n}")
    cases.append(c)
    # exec of a deleted file
    d = f"{B}/delx"
    n = f"{P}-delx"
    p = prog_at(d, n)
    h = run([EXACT, "deleted", p, "-"])
    c = Case("exec of a deleted file", by_pid(h.pid), None, check_cwd=False)
    c.exe = escape(p)           # where its name was (exe_source says "deleted")
    cases.append(c)
    # /proc/self/fd/N and /proc/PID/fd/N
    d = f"{B}/pfd"
    for mode in ("proc-self-fd", "proc-pid-fd"):
        n = f"{P}-{mode}"
        p = prog_at(d, n)
        h = run([EXACT, mode, p, "-"])
        cases.append(Case(mode + " exec", by_pid(h.pid), p, check_cwd=False))
    # chroot: /x/lnk -> an absolute path that exists inside and outside (a decoy outside)
    R = f"{B}/root"
    n = f"{P}-chr"
    target = f"{B}/lnktarget"
    prog_at(f"{R}{target}", n, src=STATIC_TRUE)
    decoy_at(target, n)
    os.makedirs(f"{R}/x")
    os.makedirs(f"{R}/bin")
    shutil.copy(BUSYBOX, f"{R}/bin/busybox")
    os.symlink(target, f"{R}/x/lnk")
    run(["chroot", R, "/bin/busybox", "sh", "-c", f"cd /x/lnk && ./{n}; true"])
    cases.append(Case("chroot + symlink + relative exec", by_name(n), f"{R}{target}/{n}",
                      check_cwd=True, cwd=f"{R}{target}", never=[f"{target}/{n}"]))
    # a mount namespace with a bind mount over the cwd
    d = f"{B}/mns"
    n = f"{P}-mns"
    prog_at(f"{d}/a", n)
    decoy_at(f"{d}/b", n)
    run(["unshare", "-m", "--propagation", "private", "sh", "-c",
         f"mount --bind {d}/a {d}/b && cd {d}/b && ./{n}; true"])
    cases.append(Case("mount namespace, bind mount over the cwd", by_name(n), f"{d}/a/{n}",
                      check_cwd=False, never=[f"{d}/b/{n}"]))
    # a set-user-ID binary run by nobody: uid 65534, euid 0
    d = f"{B}/suid"
    os.makedirs(d)
    os.chmod(d, 0o755)
    n = f"{P}-suid"
    p = prog_at(d, n, src=STATIC_TRUE, mode=0o4755)
    os.chmod(p, 0o4755)
    run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", p])
    cases.append(Case("set-user-ID binary", by_name(n), p, check_cwd=False, uid=65534,
                      euid=0))
    return cases


def mode_run(base, what, args, tag):
    B = f"{base}/m{tag or 'd'}"
    os.makedirs(B)
    os.chmod(B, 0o755)
    with Tracewatch(args) as tw:
        cases = workloads(B, tag)
        recs = tw.stop()
    check(f"[{what}] tracewatch exits 0", tw.rc == 0, tw.stderr[-400:])
    for c in cases:
        verify(c, recs, what)


def main():
    os.umask(0o022)
    base = tempfile.mkdtemp(prefix="twexact-")
    os.chmod(base, 0o755)
    try:
        for what, args, tag in MODES:
            try:
                mode_run(base, what, args, tag)
            except Exception:
                check(f"[{what}] ran to the end", False, traceback.format_exc())
    finally:
        for p in started:
            if p.poll() is None:
                p.kill()
                p.wait()
        shutil.rmtree(base, ignore_errors=True)
    check("nothing of tracewatch left on the host", not leftovers(), f"{leftovers()}")
    return summary()


if __name__ == "__main__":
    sys.exit(main())
