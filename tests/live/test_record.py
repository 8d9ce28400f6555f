#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_record.py - `record` / `report` against the real kernel.

1. Replay identity: a live run that also records (--record) prints exactly the bytes that
   `report` prints from its recording, in CSV (exec records) and in JSON (all records), while
   the hard cases run (threads, CLONE_FS, fork, unshare, fchdir, execveat, fexecve, cpu hops,
   renamed directories, failed execs).
2. `record -o FILE` then `report FILE`: the programs run meanwhile are there with their truth,
   also when report runs without root and reads from standard input.
3. Damaged recordings: cut short, a flipped byte, another version, not a recording at all:
   report names the offset and the reason, prints what came before, exits 1, never crashes.
4. Usage errors exit 2 with a message; an existing recording is not overwritten.
Prints "N passed, M failed"; exits non-zero on any failure.
"""
import csv
import io
import json
import struct
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from twlive import PROGS, TW, check, leftovers, summary

U = f"twr{os.getpid()}"


def start(args, err):
    proc = subprocess.Popen([TW] + args, stderr=open(err, "w"))
    deadline = time.time() + 15
    while time.time() < deadline:
        if "tracewatch: tracing" in open(err).read():
            return proc
        if proc.poll() is not None:
            break
        time.sleep(0.02)
    raise RuntimeError("tracewatch did not start: " + open(err).read())


def stop(proc):
    proc.send_signal(signal.SIGINT)
    return proc.wait(timeout=60)


def make_prog(d, name):
    os.makedirs(d, exist_ok=True)
    p = os.path.join(d, name)
    with open(p, "w") as f:
        f.write("#!/bin/sh\nexit 0\n")
    os.chmod(p, 0o755)
    return p


def workload(tmp):
    """The hard cases, each run to its end; returns the names that must appear."""
    names = []
    d1, d2 = os.path.join(tmp, "d1"), os.path.join(tmp, "d2")
    for mode in ("thread", "clonefs", "fork", "unshare-main", "unshare-thread"):
        name = f"{U}{mode[:2]}"
        make_prog(d1, name)
        make_prog(d2, name)
        subprocess.run([f"{PROGS}/cwd_share", mode, d1, d2, name], check=False)
        names.append(name)
    for mode in ("plain", "fchdir", "spawn", "spawn-chdir", "execveat", "fexecve",
                 "thread-exec"):
        name = f"{U}{mode.replace('-', '')[:6]}"
        make_prog(d1, name)
        subprocess.run([f"{PROGS}/exec_modes", mode, d1, name, "arg one", "x\ny"], check=False)
        names.append(name)
    # a directory renamed after the chdir, then a relative exec; and a failed exec
    ren = os.path.join(tmp, "ren")
    make_prog(os.path.join(ren, "a"), f"{U}ren")
    subprocess.run(["sh", "-c", f"cd {ren}/a && mv {ren}/a {ren}/b && ./{U}ren; "
                    f"./{U}missing 2>/dev/null; exit 0"], check=False)
    names.append(f"{U}ren")
    for i in range(20):
        subprocess.run(["/bin/true", str(i)])
    return names


def report(path, *args, stdin=None, user=None):
    cmd = [TW, "report", path] + list(args)
    if user:
        cmd = ["setpriv", f"--reuid={user}", "--regid=65534", "--clear-groups"] + cmd
    return subprocess.run(cmd, capture_output=True, stdin=stdin)


def identity(tmp, fmt, extra):
    """A live run with --record: the live records and the replayed ones, byte for byte."""
    out = os.path.join(tmp, f"live.{fmt}")
    rec = os.path.join(tmp, f"live-{fmt}.twrec")
    err = os.path.join(tmp, f"live-{fmt}.err")
    proc = start(["--format", fmt, "-o", out, "--record", rec] + extra, err)
    names = workload(tmp)
    rc = stop(proc)
    check(f"{fmt}: live run with --record ends cleanly", rc == 0, open(err).read())
    live = open(out, "rb").read()
    r = report(rec, "--format", fmt, *extra)
    check(f"{fmt}: report exits 0", r.returncode == 0, r.stderr.decode())
    same = r.stdout == live
    if not same:
        a, b = live.splitlines(), r.stdout.splitlines()
        diff = [(x, y) for x, y in zip(a, b) if x != y][:2]
        detail = f"live {len(a)} lines, report {len(b)}; first differences {diff}"
    check(f"{fmt}: report of the recording == the live records, byte for byte "
          f"({len(live)} bytes)", same, "" if same else detail)
    text = live.decode(errors="replace")
    missing = [n for n in names if n not in text]
    check(f"{fmt}: every hard case is in the records", not missing, missing)
    return rec


def test_identity(tmp):
    identity(tmp, "csv", [])
    rec = identity(tmp, "json", ["--events", "all"])
    # The same recording, other choices at report time: filters and event sets apply then.
    r = report(rec, "--format", "csv", "--events", "exec")
    rows = list(csv.DictReader(io.StringIO(r.stdout.decode())))
    check("report --events exec of an all-events recording has only exec records",
          r.returncode == 0 and rows and all(x["event"] in ("exec", "exec_failed", "lost")
                                              for x in rows), r.stderr.decode())
    return rec


def test_record_then_report(tmp):
    rec = os.path.join(tmp, "rec.twrec")
    err = os.path.join(tmp, "rec.err")
    d = os.path.join(tmp, "rr")
    prog = make_prog(d, f"{U}rr")
    proc = start(["record", "-o", rec], err)
    subprocess.run(["sh", "-c", f"cd {d} && ./{U}rr first 'se cond'"])
    # more records, so that the damaged-file checks have some before any cut point
    for i in range(20):
        subprocess.run(["/bin/true", f"{U}more{i}"])
    rc = stop(proc)
    e = open(err).read()
    check("record ends cleanly and says how much it wrote", rc == 0 and "recorded_bytes=" in e, e)
    r = report(rec, "--format", "json")
    recs = [json.loads(l) for l in r.stdout.decode().splitlines()]
    mine = [x for x in recs if x.get("path") == prog]
    check("record + report: the program run meanwhile, with its path, cwd and argv",
          len(mine) == 1 and mine[0]["cwd"] == d and mine[0]["path_source"] == "cwd" and
          mine[0]["argv"] == [f"./{U}rr", "first", "se cond"], mine or r.stderr.decode()[-500:])
    # Anywhere: without root, without tracefs, from a pipe.
    os.chmod(tmp, 0o755)
    os.chmod(rec, 0o644)
    nobody = report(rec, "--format", "json", user="nobody")
    check("report works without root", nobody.returncode == 0 and nobody.stdout == r.stdout,
          nobody.stderr.decode()[-300:])
    with open(rec, "rb") as f:
        piped = report("-", "--format", "json", stdin=f)
    check("report - reads standard input", piped.returncode == 0 and piped.stdout == r.stdout,
          piped.stderr.decode()[-300:])
    again = subprocess.run([TW, "record", "-o", rec, "--duration", "0.1"], capture_output=True)
    check("record refuses to overwrite an existing recording",
          again.returncode == 1 and b"exists already" in again.stderr and
          os.path.getsize(rec) > 100, again.stderr.decode())
    return rec


def blocks(data):
    """(offset, type) of each block, read by the format's rule in recording.h."""
    off, out = 16, []
    while off + 12 <= len(data):
        typ, ln = struct.unpack_from("<II", data, off)
        out.append((off, typ))
        off += 12 + ln
    return out


# provenance columns: they say how much was known, so they differ where less was
PROVENANCE = {"path_source", "cwd_source", "argv_source", "exe_source", "path_check", "uid_source"}


def same_or_less_known(rows, full):
    """The same records in the same order; each value the same as in the full report or
    unknown (empty): a record let out at the cut may lack what later events would have told
    (e.g. the files fanotify reported for an exec after the cut), but never says otherwise."""
    if len(rows) != len(full):
        return False
    parse = lambda rs: list(csv.reader(io.StringIO("\n".join(r.decode() for r in rs) + "\n")))
    a, b = parse(rows), parse(full)
    head = a[0]
    if head != b[0]:
        return False
    for x, y in zip(a[1:], b[1:]):
        # a path checked against the executed file may come out as the kernel's own path of
        # it when the check's answer (a realpath after the cut) is missing
        kernel_path = dict(zip(head, x)).get("path_source") == "fanotify"
        for name, u, v in zip(head, x, y):
            if u != v and (name in ("timestamp", "event", "pid", "filename") or
                           (u != "" and name not in PROVENANCE and
                            not (name == "path" and kernel_path))):
                return False
    return True


def first_difference(rows, full):
    """The first field that same_or_less_known() refuses, for the failure message."""
    for x, y in zip(rows, full):
        if x != y and not same_or_less_known([rows[0], x], [full[0], y]):
            a, b = (next(csv.reader(io.StringIO(r.decode()))) for r in (x, y))
            head = next(csv.reader(io.StringIO(rows[0].decode())))
            return [(h, u, v) for h, u, v in zip(head, a, b) if u != v]
    return None


def test_damaged(tmp, rec):
    data = open(rec, "rb").read()
    full = report(rec, "--format", "csv")
    full_rows = full.stdout.splitlines()
    events = [off for off, typ in blocks(data) if typ == 4]
    check("the recording's blocks follow the documented layout (meta first, end last)",
          blocks(data)[0] == (16, 1) and blocks(data)[-1][1] == 10 and len(events) > 10)

    cut = os.path.join(tmp, "cut.twrec")
    # 3/4 of the way through the event blocks; later when no record came before that point
    # (a short recording without syscall events has few event blocks around its execs)
    for num, den in ((3, 4), (7, 8), (15, 16), (31, 32)):
        at = events[len(events) * num // den] + 7
        with open(cut, "wb") as f:
            f.write(data[:at])
        r = report(cut, "--format", "csv")
        err = r.stderr.decode()
        rows = r.stdout.splitlines()
        if len([x for x in rows if b",exec_failed," not in x]) > 1:
            break
    check("truncated: exit 1, the offset and the reason", r.returncode == 1 and
          f"offset {at - 7}: truncated" in err, err[-300:])
    # Failed exec attempts held for folding come out at the end of a cut replay, at their
    # process's end in the whole one: compare the other records.
    def settled(rs):
        return [r for r in rs if b",exec_failed," not in r]
    cut_rows, whole = settled(rows), settled(full_rows)
    # Records wait for different things (a /proc read's check, fanotify's items): the order
    # in which they come out may differ at a cut. Each record of the cut replay is one of the
    # whole replay's (same event, pid, tid and time), as known or less known.
    def key(row):
        f = next(csv.reader([row.decode(errors="replace")]))
        return tuple(f[1:5])
    whole_by_key = {key(r): r for r in whole[1:]}
    head = next(csv.reader([cut_rows[0].decode()]))
    # what a record says about the program: known in the cut only if the same in the whole
    # (how it was learned, the files fanotify matched and exit facts may be less known)
    strict = [head.index(k) for k in ("event", "pid", "tid", "ppid", "comm", "filename", "path",
                                      "cwd", "argv")]

    def agrees(r):
        a = next(csv.reader([r.decode(errors="replace")]))
        b = next(csv.reader([whole_by_key[key(r)].decode(errors="replace")]))
        # the kernel's own path of the executed file (the check's realpath answer came after
        # the cut): another spelling of the same file, e.g. /usr/bin/true for /bin/true
        kernel = a[head.index("path_source")] == "fanotify"
        return all(a[i] in ("", b[i]) for i in strict
                   if not (kernel and head[i] in ("path", "cwd")))
    unknown = [r for r in cut_rows[1:] if key(r) not in whole_by_key or not agrees(r)]
    check("truncated: the records before the cut are printed", 1 < len(cut_rows) < len(whole)
          and not unknown, (len(cut_rows), len(whole), unknown[:2]))

    flip = os.path.join(tmp, "flip.twrec")
    bad = bytearray(data)
    bad[len(bad) // 2] ^= 0x40
    with open(flip, "wb") as f:
        f.write(bad)
    r = report(flip, "--format", "csv")
    err = r.stderr.decode()
    check("a flipped byte: exit 1, 'bad checksum' (or damaged) with the offset",
          r.returncode == 1 and "offset " in err and ("checksum" in err or "damaged" in err or
                                                      "truncated" in err), err[-300:])

    ver = os.path.join(tmp, "ver.twrec")
    with open(ver, "wb") as f:
        f.write(data[:8] + b"\x09\0\0\0" + data[12:])
    r = report(ver)
    err = r.stderr.decode()
    check("another version: refused, says which version and what reads it",
          r.returncode == 1 and "version 9" in err and "reads version 1" in err and
          not r.stdout, err)

    junk = os.path.join(tmp, "junk.csv")
    with open(junk, "wb") as f:
        f.write(full.stdout)
    r = report(junk)
    check("not a recording: refused with a hint", r.returncode == 1 and
          b"not a tracewatch recording" in r.stderr, r.stderr.decode())
    r = report(os.path.join(tmp, "nonexistent.twrec"))
    check("a missing file: exit 1 with the reason", r.returncode == 1 and
          b"No such file" in r.stderr, r.stderr.decode())


def test_usage():
    for args, what in (([TW, "record"], b"record needs the file"),
                       ([TW, "report"], b"report needs the recording"),
                       ([TW, "report", "x", "--no-uprobes"], b"unknown option"),
                       ([TW, "record", "-o", "/tmp/x", "--format", "csv"], b"unknown option")):
        r = subprocess.run(args, capture_output=True)
        check(f"usage error exits 2: {' '.join(args[1:])}", r.returncode == 2 and
              what in r.stderr, r.stderr.decode())
    for sub in ("record", "report"):
        r = subprocess.run([TW, sub, "--help"], capture_output=True)
        check(f"{sub} --help", r.returncode == 0 and f"tracewatch {sub}".encode() in r.stdout)


def main():
    tmp = tempfile.mkdtemp(prefix="twrec-")
    try:
        test_usage()
        rec_all = test_identity(tmp)
        rec = test_record_then_report(tmp)
        test_damaged(tmp, rec)
        test_damaged(tmp, rec_all)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    check("nothing left on the host", not leftovers(), leftovers())
    return summary()


if __name__ == "__main__":
    sys.exit(main())
