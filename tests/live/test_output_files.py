#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_output_files.py - output files and signals like a system tool's, against the real kernel.

1. Log rotation under load: move + SIGHUP three times while programs run: no record lost, none
   split, every file starts with its CSV header; copytruncate: no NUL bytes, records go on.
2. -o appends to an existing file (no second header); -o - is standard output.
3. A full disk: the file ends with a whole record, the error says how many were not written.
4. SIGUSR1 prints a stats line and goes on; --stats SEC prints them periodically.
5. --ready-file and systemd's NOTIFY_SOCKET say when tracing has started.
Prints "N passed, M failed"; exits non-zero on any failure.
"""
import csv
import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

from twlive import TW, check, instances, probes, run_cases

U = f"twof{os.getpid()}"


def wait_for(cond, timeout=15, what="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if cond():
            return True
        time.sleep(0.02)
    return False


def start(args, tmp, env=None, stdout=subprocess.DEVNULL):
    err = os.path.join(tmp, f"err{len(os.listdir(tmp))}.txt")
    ready = os.path.join(tmp, f"ready{len(os.listdir(tmp))}")
    p = subprocess.Popen([TW, "--ready-file", ready] + args, stderr=open(err, "w"),
                         stdout=stdout, env=env)
    p.errpath, p.ready = err, ready
    if not wait_for(lambda: os.path.exists(ready) or p.poll() is not None):
        raise RuntimeError("tracewatch did not start: " + open(err).read())
    return p


def rows_of(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))


def run_batch(tag, n):
    """n execs of /bin/true with a unique argument each; returns the arguments."""
    args = [f"{U}{tag}{i}" for i in range(n)]
    for a in args:
        subprocess.run(["/bin/true", a])
    return args


def test_rotation(tmp):
    log = os.path.join(tmp, "execs.csv")
    p = start(["--format", "csv", "-o", log], tmp)
    expected, files = [], []
    for r in range(3):
        expected += run_batch(f"r{r}x", 40)
        # records of this batch are written before the move: wait for the last one
        last = expected[-1]
        wait_for(lambda: last in open(log).read())
        rotated = f"{log}.{r}"
        os.rename(log, rotated)
        files.append(rotated)
        p.send_signal(signal.SIGHUP)
        check(f"rotation {r}: SIGHUP reopens the file (tracewatch goes on)",
              wait_for(lambda: os.path.exists(log)) and p.poll() is None,
              open(p.errpath).read())
    expected += run_batch("tail", 40)
    p.send_signal(signal.SIGINT)
    rc = p.wait(timeout=60)
    files.append(log)
    check("rotation: clean exit", rc == 0, open(p.errpath).read())
    seen = []
    for f in files:
        rows = rows_of(f)
        check(f"rotation: {os.path.basename(f)} starts with the CSV header",
              rows and rows[0][:3] == ["timestamp", "ts_ns", "event"], rows[:1])
        bad = [r for r in rows if len(r) != len(rows[0])]
        check(f"rotation: {os.path.basename(f)}: every row whole ({len(rows)} rows)", not bad,
              bad[:2])
        seen += [r[12] for r in rows[1:] if r[2] == "exec" and r[12].startswith(f"/bin/true {U}")]
    got = {a.split(" ", 1)[1] for a in seen}
    missing = [a for a in expected if a not in got]
    check(f"rotation: all {len(expected)} execs are in the files, each once", not missing and
          len(seen) == len(set(seen)), f"missing {missing[:5]}, {len(seen)} vs {len(set(seen))}")


def test_copytruncate(tmp):
    log = os.path.join(tmp, "ct.csv")
    p = start(["--format", "csv", "-o", log], tmp)
    first = run_batch("ctA", 30)
    wait_for(lambda: first[-1] in open(log).read())
    shutil.copy(log, log + ".1")
    with open(log, "r+") as f:
        f.truncate(0)
    second = run_batch("ctB", 30)
    wait_for(lambda: second[-1] in open(log).read())
    p.send_signal(signal.SIGINT)
    p.wait(timeout=60)
    data = open(log, "rb").read()
    check("copytruncate: the file goes on at its start, no NUL bytes", b"\0" not in data and
          data.startswith(b"20"), data[:60])
    check("copytruncate: the records after the truncation are there",
          all(a in data.decode() for a in second))


def test_append_and_stdout(tmp):
    log = os.path.join(tmp, "app.csv")
    with open(log, "w") as f:
        f.write("earlier content\n")
    p = start(["--format", "csv", "-o", log], tmp)
    args = run_batch("app", 3)
    wait_for(lambda: args[-1] in open(log).read())
    p.send_signal(signal.SIGINT)
    p.wait(timeout=60)
    text = open(log).read()
    check("-o appends to an existing file, without a second header",
          text.startswith("earlier content\n") and "timestamp,ts_ns" not in text and
          all(a in text for a in args), text[:200])
    out = os.path.join(tmp, "stdout.csv")
    with open(out, "w") as so:
        p = start(["--format", "csv", "-o", "-"], tmp, stdout=so)
        args = run_batch("so", 3)
        wait_for(lambda: args[-1] in open(out).read())
        p.send_signal(signal.SIGINT)
        p.wait(timeout=60)
    check("-o - writes to standard output (no file named '-')",
          all(a in open(out).read() for a in args) and not os.path.exists("-"))


def test_disk_full(tmp):
    mnt = os.path.join(tmp, "small")
    os.mkdir(mnt)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mnt]).returncode:
        check("disk full: a small tmpfs could be mounted", False)
        return
    try:
        log = os.path.join(mnt, "full.csv")
        p = start(["--format", "csv", "-o", log], tmp)
        long = "y" * 900
        for i in range(600):
            if p.poll() is not None:
                break
            subprocess.run(["/bin/true", f"{U}full{i}", long])
        rc = p.wait(timeout=60)
        err = open(p.errpath).read()
        data = open(log, "rb").read()
        rows = rows_of(log)
        check("disk full: exit 1 with the reason and how many records were not written",
              rc == 1 and "No space left on device" in err and "were not written" in err, err)
        check("disk full: the file ends with a whole record", data.endswith(b"\n") and
              all(len(r) == len(rows[0]) for r in rows), (data[-80:], [len(r) for r in rows[-3:]]))
        check("disk full: nothing left on the host", not instances(p.pid) and not probes(p.pid))
    finally:
        subprocess.run(["umount", mnt])


def test_stats_and_ready(tmp):
    p = start(["--format", "csv", "-o", "/dev/null", "--stats", "0.3"], tmp)
    check("--ready-file holds the pid once tracing has started",
          open(p.ready).read().strip() == str(p.pid))
    run_batch("st", 20)
    wait_for(lambda: open(p.errpath).read().count("execs/s=") >= 2)
    p.send_signal(signal.SIGUSR1)
    n = open(p.errpath).read().count("tracewatch: stats:")
    check("SIGUSR1: a stats line, and tracewatch goes on",
          wait_for(lambda: open(p.errpath).read().count("tracewatch: stats:") > n) and
          p.poll() is None)
    p.send_signal(signal.SIGINT)
    rc = p.wait(timeout=60)
    err = open(p.errpath).read()
    check("--stats SEC: periodic lines with rates and own CPU", err.count("execs/s=") >= 2 and
          "cpu_per_exec_us=" in err, err)
    check("--ready-file is removed at exit", rc == 0 and not os.path.exists(p.ready))

    sock_path = os.path.join(tmp, "notify.sock")
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(sock_path)
    s.settimeout(20)
    env = dict(os.environ, NOTIFY_SOCKET=sock_path)
    p = start(["-o", "/dev/null"], tmp, env=env)
    try:
        msg = s.recv(100)
    except socket.timeout:
        msg = b""
    check("NOTIFY_SOCKET: READY=1 is sent once tracing has started", msg == b"READY=1", msg)
    p.send_signal(signal.SIGINT)
    p.wait(timeout=60)
    s.close()


if __name__ == "__main__":
    sys.exit(run_cases("twof-", test_rotation, test_copytruncate, test_append_and_stdout,
                       test_disk_full, test_stats_and_ready))
