#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_uid.py - uid, euid and loginuid of exec records: exact or honestly unknown, in every mode.

Each class runs a uniquely named program (names carry this script's pid and the mode's tag)
after the real and effective uid changed in a way a tracer has to follow: a short-lived root
program, setpriv, a forked child's setuid(), a setresuid() made by another thread, a static
program's raw syscall (no libc uprobe sees it), a setuid() that fails, set-user-ID files (also
on a nosuid mount and under no_new_privs), and programs whose loginuid is known. The truth comes
from the setup and, where the executed program is uid_report, from what that program printed.
A record's uid, euid and loginuid must each be the process's real value at the exec or null
(a wrong value fails in every mode: default, --no-uprobes, --no-syscall-events,
--no-fanotify); uid_source must say how the uid was learned, or why it is unknown. Where the
spec says a value must be known (root's short-lived programs, setpriv, a forked child's libc
setuid) that is a check of its own. The number of records with each value known is printed per
class and mode. Prints "N passed, M failed"; exits non-zero on any failure.
"""
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter

from twlive import PROGS, Tracewatch, check, leftovers, summary

REPORT = f"{PROGS}/uid_report"
UID_MODES = f"{PROGS}/uid_modes"
STATIC_SETRESUID = f"{PROGS}/uid_static_setresuid"
U = f"tu{os.getpid()}"
MODES = [("default", [], ""), ("--no-uprobes", ["--no-uprobes"], "n"),
         ("--no-syscall-events", ["--no-syscall-events"], "s"),
         ("--no-fanotify", ["--no-fanotify"], "f")]
# The modes in which the executed file's set-user-ID bit is known (fanotify gives the file):
# there a known uid makes the euid after the exec known too.
FAN_MODES = {"default", "--no-uprobes", "--no-syscall-events"}
KNOWN_SOURCES = {"proc", "tracked", "setuid-file", "taskstats"}
UNKNOWN_SOURCES = {"untracked", "lost", "unresolved"}
NOBODY = 65534
AS_NOBODY = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
SET_LOGINUID = 4242
QUICK = 20          # class 1: quick execs in one bash loop
REPEAT = 5          # the other short-lived classes: runs each
started = []
mounts = []


def run(argv, ok=(0,), **kw):
    p = subprocess.Popen(argv, **kw)
    started.append(p)
    out, _ = p.communicate(timeout=30)
    if p.returncode not in ok:
        raise RuntimeError(f"workload {argv!r} exited {p.returncode}")
    return out


def read_loginuid(path="/proc/self/loginuid"):
    try:
        with open(path) as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return None


def parse_report(line, argv):
    """uid_report's line "UID EUID LOGINUID" -> (uid, euid, loginuid or None)."""
    f = line.split()
    if len(f) != 3:
        raise RuntimeError(f"workload {argv!r} printed {line!r}")
    return int(f[0]), int(f[1]), None if f[2] == "-" else int(f[2])


def report_runs(argv, want, times=REPEAT):
    """Run argv (which ends in a copy of uid_report) `times` times; every run must print the
    uid and euid `want` (the setup's truth, checked here and not assumed). Returns the truth
    (uid, euid, loginuid)."""
    truths = set()
    for _ in range(times):
        out = run(argv, stdout=subprocess.PIPE).decode()
        lines = out.splitlines()
        if len(lines) != 1:
            raise RuntimeError(f"workload {argv!r} printed {out!r}")
        truths.add(parse_report(lines[0], argv))
    if len(truths) != 1 or next(iter(truths))[:2] != want:
        raise RuntimeError(f"workload {argv!r}: ran as {truths}, the setup meant {want}")
    return truths.pop()


def prog_at(d, name, src="/bin/true", mode=0o755, owner=None):
    os.makedirs(d, exist_ok=True)
    os.chmod(d, 0o755)
    p = os.path.join(d, name)
    shutil.copy(src, p)
    if owner is not None:
        os.chown(p, owner, owner)    # before the chmod: chown clears the set-user-ID bit
    os.chmod(p, mode)
    return p


def nosuid(path):
    return bool(os.statvfs(path).f_flag & os.ST_NOSUID)


def mount_tmpfs(d, opts):
    os.makedirs(d)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"{opts},mode=0755,size=16m", "tmpfs", d],
                   check=True)
    mounts.append(d)
    return d


class Case:
    """One class's program: its records (by the executed file's name), and the truth."""

    def __init__(self, label, name, count, truth, need_uid=False, need_euid=False):
        self.label, self.name, self.count = label, name, count
        self.uid, self.euid, self.loginuid = truth
        self.need_uid, self.need_euid = need_uid, need_euid


def is_ours(name, r):
    return r.get("event") == "exec" and any(
        v and os.path.basename(v) == name for v in (r.get("filename"), r.get("path")))


def record_out(tw, name, timeout=10.0):
    """Wait until tracewatch's output file holds the exec record of `name` (the sink flushes
    once per wake-up). Returns whether it came out within `timeout` seconds."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        with open(tw.out, "rb") as f:
            lines = f.read().split(b"\n")[:-1]      # whole lines only
        for l in lines:
            if name.encode() in l:
                try:
                    if is_ours(name, json.loads(l)):
                        return True
                except ValueError:
                    pass
        time.sleep(0.02)
    return False


def long_lived(tw, argv, name, release):
    """Start argv (ending in a copy of uid_report with a release file), read what it printed,
    keep it running until its exec record is out, then let it go. Returns the truth."""
    p = subprocess.Popen(argv, stdout=subprocess.PIPE)
    started.append(p)
    buf = b""
    deadline = time.time() + 30
    while not buf.endswith(b"\n"):
        left = deadline - time.time()
        if left <= 0 or not select.select([p.stdout], [], [], left)[0]:
            raise RuntimeError(f"workload {argv!r} printed nothing")
        chunk = os.read(p.stdout.fileno(), 256)
        if not chunk:
            raise RuntimeError(f"workload {argv!r} ended before printing")
        buf += chunk
    truth = parse_report(buf.decode().strip(), argv)
    check(f"8 {name}: its record is out while it runs", record_out(tw, name),
          "no record within 10 s")
    open(release, "w").close()
    if p.wait(timeout=30) != 0:
        raise RuntimeError(f"workload {argv!r} exited {p.returncode}")
    p.stdout.close()
    return truth


def workloads(tw, B, NS, SU, tag, login, fan):
    """Run every class once (B: this mode's directory, NS: on a nosuid mount, SU: where a
    set-user-ID bit takes effect; fan: whether euid must be known where uid must); returns
    the cases to check."""
    P = f"{U}{tag}"
    cases = []
    root = (0, 0, login)
    nobody = (NOBODY, NOBODY, login)

    # 1. root runs a short-lived program, quickly and often
    n = f"{P}-root"
    prog_at(f"{B}/c1", n)
    run(["bash", "-c", f"cd {B}/c1 && for i in $(seq {QUICK}); do ./{n}; done"])
    cases.append(Case("1 root, short-lived", n, QUICK, root, need_uid=True, need_euid=fan))

    # 2. setpriv (dynamic: libc setresuid) runs the program as nobody
    n = f"{P}-spv"
    p = prog_at(f"{B}/c2", n, REPORT)
    t = report_runs(AS_NOBODY + [p], nobody[:2])
    cases.append(Case("2 setpriv --reuid", n, REPEAT, t, need_uid=True, need_euid=fan))

    # 3. a forked child calls libc setuid() and execs
    n = f"{P}-fsu"
    p = prog_at(f"{B}/c3", n, REPORT)
    t = report_runs([UID_MODES, "fork-setuid", str(NOBODY), p], nobody[:2])
    cases.append(Case("3 fork, libc setuid, exec", n, REPEAT, t, need_uid=True))

    # 4. thread A calls libc setresuid() (glibc applies it to every thread), thread B execs
    n = f"{P}-thr"
    p = prog_at(f"{B}/c4", n, REPORT)
    t = report_runs([UID_MODES, "thread-setresuid", str(NOBODY), p], nobody[:2])
    cases.append(Case("4 setresuid in thread A, exec in thread B", n, REPEAT, t))

    # 5. a static program's raw setresuid syscall, then it execs a dynamic program
    n = f"{P}-raw"
    p = prog_at(f"{B}/c5", n, REPORT)
    t = report_runs([STATIC_SETRESUID, str(NOBODY), p], nobody[:2])
    cases.append(Case("5 static raw setresuid", n, REPEAT, t))

    # 6. nobody's setuid(0) fails with EPERM, then it execs
    n = f"{P}-eperm"
    p = prog_at(f"{B}/c6", n, REPORT)
    t = report_runs(AS_NOBODY + [UID_MODES, "setuid-fail", "0", p], nobody[:2])
    cases.append(Case("6 failed setuid(0) as nobody", n, REPEAT, t))

    # 7. set-user-ID files
    n = f"{P}-suid"
    p = prog_at(f"{SU}/c7", n, REPORT, mode=0o4755, owner=NOBODY)
    t = report_runs([p], (0, NOBODY))
    cases.append(Case("7a set-user-ID nobody file run by root", n, REPEAT, t))
    n = f"{P}-nosuid"
    p = prog_at(f"{NS}/c7", n, REPORT, mode=0o4755, owner=NOBODY)
    t = report_runs([p], (0, 0))
    cases.append(Case("7b the same on a nosuid mount", n, REPEAT, t))
    n = f"{P}-nnp"
    p = prog_at(f"{SU}/c7", n, REPORT, mode=0o4755, owner=NOBODY)
    t = report_runs(["setpriv", "--no-new-privs", p], (0, 0))
    cases.append(Case("7c the same under no_new_privs", n, REPEAT, t))
    n = f"{P}-suroot"
    p = prog_at(f"{SU}/c7", n, REPORT, mode=0o4755, owner=0)
    t = report_runs(AS_NOBODY + [p], (NOBODY, 0))
    cases.append(Case("7d set-user-ID root file run by nobody", n, REPEAT, t))

    # 8. loginuid of processes still there when /proc is read: one given its own loginuid
    # (when the kernel lets root set it), one as nobody with the inherited value
    n = f"{P}-login"
    p = prog_at(f"{B}/c8", n, REPORT)
    t = long_lived(tw, ["sh", "-c", f'{{ echo {SET_LOGINUID} > /proc/self/loginuid; }} '
                        '2>/dev/null; exec "$@"', "sh", p, f"{B}/c8/{n}.go"], n,
                   f"{B}/c8/{n}.go")
    if t[:2] != (0, 0):
        raise RuntimeError(f"{n} ran as {t}")
    cases.append(Case(f"8a loginuid set to {t[2]}", n, 1, t))
    n = f"{P}-login2"
    p = prog_at(f"{B}/c8", n, REPORT)
    t = long_lived(tw, AS_NOBODY + [p, f"{B}/c8/{n}.go"], n, f"{B}/c8/{n}.go")
    if t[:2] != nobody[:2]:
        raise RuntimeError(f"{n} ran as {t}")
    cases.append(Case(f"8b loginuid inherited ({t[2]}), as nobody", n, 1, t))
    return cases


def verify(c, recs, what):
    got = [r for r in recs if is_ours(c.name, r)]
    check(f"{c.label} [{what}]: {c.count} record(s)", len(got) == c.count,
          f"got {len(got)}: {[json.dumps(r)[:300] for r in got[:3]]}")
    if not got:
        return
    wrong, unlabelled = [], []
    known = {"uid": 0, "euid": 0, "loginuid": 0}
    sources = {}
    for r in got:
        uid, euid, login, src = (r.get(k) for k in ("uid", "euid", "loginuid", "uid_source"))
        bad = []
        if uid is not None and uid != c.uid:
            bad.append(f"uid: want {c.uid} or null, got {uid}")
        if euid is not None and euid != c.euid:
            bad.append(f"euid: want {c.euid} or null, got {euid}")
        if login is not None and c.loginuid is not None and login != c.loginuid:
            bad.append(f"loginuid: want {c.loginuid} or null, got {login}")
        if bad:
            wrong.append("; ".join(bad) + "; record " + json.dumps(r)[:700])
        # uid_source: how a known uid was learned, or why it is unknown
        missing = [k for k in ("uid", "euid", "loginuid", "uid_source") if k not in r]
        if missing:
            unlabelled.append(f"no key(s) {missing}")
        elif uid is None and src not in UNKNOWN_SOURCES:
            unlabelled.append(f"uid null, uid_source {src!r} (not one of the unknown values)")
        elif uid is not None and src not in KNOWN_SOURCES:
            unlabelled.append(f"uid {uid}, uid_source {src!r} (not one of the known values)")
        for k in known:
            known[k] += r.get(k) is not None
        sources[src] = sources.get(src, 0) + 1
    n = len(got)
    check(f"{c.label} [{what}]: never wrong (uid {c.uid}, euid {c.euid}, "
          f"loginuid {c.loginuid}, or null)", not wrong,
          f"{len(wrong)}/{n} wrong: " + " | ".join(wrong[:3]))
    check(f"{c.label} [{what}]: uid_source says how or why not", not unlabelled,
          f"{len(unlabelled)}/{n}: " + ", ".join(f"{v}x {k}" for k, v in
                                                 Counter(unlabelled).most_common()))
    if c.need_uid:
        check(f"{c.label} [{what}]: uid known on every record", known["uid"] == n == c.count,
              f"uid known {known['uid']}/{n} (of {c.count} execs)")
    if c.need_euid:
        check(f"{c.label} [{what}]: euid known on every record", known["euid"] == n == c.count,
              f"euid known {known['euid']}/{n} (of {c.count} execs)")
    print(f"     {c.label} [{what}]: uid known {known['uid']}/{n}, euid known "
          f"{known['euid']}/{n}, loginuid known {known['loginuid']}/{n}; uid_source "
          + ", ".join(f"{k}: {v}" for k, v in sorted(sources.items(), key=str)), flush=True)


def mode_run(base, ns_base, su_base, login, what, args, tag):
    sub = f"m{tag or 'd'}"
    B, NS, SU = (f"{d}/{sub}" for d in (base, ns_base, su_base))
    for d in {B, NS, SU}:
        os.makedirs(d, exist_ok=True)
        os.chmod(d, 0o755)
    with Tracewatch(args) as tw:
        cases = workloads(tw, B, NS, SU, tag, login, what in FAN_MODES)
        recs = tw.stop()
    check(f"[{what}] tracewatch exits 0", tw.rc == 0, tw.stderr[-400:])
    for c in cases:
        verify(c, recs, what)


def our_mounts(base):
    with open("/proc/self/mounts") as f:
        return [l.split()[1] for l in f if l.split()[1].startswith(base)]


def main():
    os.umask(0o022)
    if os.getuid() != 0:
        check("runs as root", False, f"uid {os.getuid()}")
        return summary()
    login = read_loginuid()
    base = tempfile.mkdtemp(prefix="twuid-")
    os.chmod(base, 0o755)
    try:
        # A set-user-ID bit must take effect where class 7a/7d's files are: the temporary
        # directory's file system, or else a tmpfs of our own mounted without nosuid.
        su_base = base if not nosuid(base) else mount_tmpfs(f"{base}/suid", "suid")
        ns_base = mount_tmpfs(f"{base}/nosuid", "nosuid")
        if not check("set-user-ID setup: one dir honours the bit, one is nosuid",
                     not nosuid(su_base) and nosuid(ns_base),
                     f"{su_base} nosuid={nosuid(su_base)}, {ns_base} nosuid={nosuid(ns_base)}"):
            raise RuntimeError("no place for the set-user-ID cases")
        for what, args, tag in MODES:
            try:
                mode_run(base, ns_base, su_base, login, what, args, tag)
            except Exception:
                check(f"[{what}] ran to the end", False, traceback.format_exc())
    except Exception:
        check("setup", False, traceback.format_exc())
    finally:
        for p in started:
            if p.poll() is None:
                p.kill()
                p.wait()
        for d in reversed(mounts):
            if subprocess.run(["umount", d]).returncode:
                subprocess.run(["umount", "-l", d])
        shutil.rmtree(base, ignore_errors=True)
    check("no workload left running", all(p.poll() is not None for p in started))
    check("no mount left", not our_mounts(base), f"{our_mounts(base)}")
    check("no file left", not os.path.exists(base), base)
    check("nothing of tracewatch left on the host", not leftovers(), f"{leftovers()}")
    return summary()


if __name__ == "__main__":
    sys.exit(main())
