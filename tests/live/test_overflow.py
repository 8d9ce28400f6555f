#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_overflow.py - a side queue that overflows is never silent.

While tracewatch is stopped (SIGSTOP), one process makes 20,000 exec attempts of files that
are executable but no program: the kernel opens each (a fanotify FAN_OPEN_EXEC item; 20,000
hard links of one file, so that the kernel cannot merge them as repeats of one open) and
fails with ENOEXEC, so the fanotify queue (16,384 items by default) overflows in a second.
Once tracewatch goes on: an event=lost record with error=fanotify-overflow, the stats line
counts it, exit status 3. With --fanotify-unlimited, no such record and exit status 0.
--no-uprobes keeps the ring buffer small enough not to overflow itself.
Prints "N passed, M failed"; exits non-zero on any failure.
"""
import os
import signal
import subprocess
import sys
import tempfile

from twlive import Tracewatch, check, leftovers, summary

ATTEMPTS = 20000
LOOP = """
import os, sys
n = 0
for i in range(int(sys.argv[2])):
    p = f"{sys.argv[1]}.{i}"
    try:
        os.execv(p, [p])
    except OSError:
        n += 1
print(n)
"""


def attempts(path):
    r = subprocess.run([sys.executable, "-c", LOOP, path, str(ATTEMPTS)], capture_output=True,
                       timeout=300)
    return int(r.stdout or 0)


def run(extra, path):
    tw = Tracewatch(["--no-uprobes", "-e", "all"] + extra).start()
    try:
        tw.proc.send_signal(signal.SIGSTOP)
        failed = attempts(path)
    finally:
        tw.proc.send_signal(signal.SIGCONT)
    recs = tw.stop(settle=1.0)
    return failed, recs, tw.rc, tw.stderr


def main():
    with tempfile.TemporaryDirectory(prefix="twovf-") as d:
        path = os.path.join(d, "not-a-program")
        with open(path, "wb") as f:
            f.write(b"\x00\x01 no program here\n")
        os.chmod(path, 0o755)
        for i in range(ATTEMPTS):
            os.link(path, f"{path}.{i}")

        failed, recs, rc, err = run([], path)
        lost = [r for r in recs if r["event"] == "lost" and r.get("error") == "fanotify-overflow"]
        check(f"{ATTEMPTS} exec attempts made while tracewatch was stopped", failed == ATTEMPTS,
              failed)
        check("the fanotify overflow is an event=lost record, error=fanotify-overflow",
              len(lost) >= 1, [r for r in recs if r["event"] == "lost"][:3])
        check("the stats line counts it (side_lost)", "side_lost=0 " not in err and
              "side_lost=" in err, err[-400:])
        check("exit status 3 (events lost)", rc == 3, rc)

        failed, recs, rc, err = run(["--fanotify-unlimited"], path)
        lost = [r for r in recs if r["event"] == "lost" and r.get("error") == "fanotify-overflow"]
        check("--fanotify-unlimited: the same attempts", failed == ATTEMPTS, failed)
        check("--fanotify-unlimited: no overflow record", not lost, lost[:3])
        ring = [r for r in recs if r["event"] == "lost" and not r.get("error")]
        check("--fanotify-unlimited: exit status 0 (3 only if the ring buffer lost some)",
              rc == 0 or (rc == 3 and ring), (rc, ring[:2]))
    leftovers()
    return summary()


if __name__ == "__main__":
    sys.exit(main())
