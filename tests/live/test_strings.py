#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_strings.py - in-kernel string capture (issue: race-free strings) against the real kernel.

- 200 x `sh -c 'cd D/sub && exec ../prog ARGS'` (prog exits at once): path and argv exact every
  time through the libc uprobe tier, with arguments holding spaces, newlines, invalid UTF-8;
- a static program that chdirs and execs by raw syscalls falls back to /proc and says so
  (never a wrong path);
- failed exec attempts are reported with their errno name;
- no probe or instance is left after SIGKILL + restart, nor after a normal stop.
Prints "N passed, M failed"; exits non-zero on any failure.
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from twlive import (PROGS, Tracewatch, check, escape, instances, leftovers, probes,
                    summary)


def uprobes_of(pid=None):
    return probes(pid)


def instances_of(pid=None):
    return instances(pid)


def short_lived(base, reps=200):
    d = os.path.join(base, "short dir")
    os.makedirs(os.path.join(d, "sub"))
    prog = os.path.join(d, "twshort-prog")
    shutil.copy("/bin/true", prog)
    args = [b"a b", b"x\ny\xff", b"quote\"comma,", b"\xe2\x80\xaetab\t"]
    tw = Tracewatch().start()
    for _ in range(reps):
        subprocess.run([b"sh", b"-c", b'cd "$1/sub" && exec ../twshort-prog "$2" "$3" "$4" "$5"',
                        b"sh", d.encode()] + args, check=True)
    recs = tw.stop()
    check("short-lived: tracewatch exits 0", tw.rc == 0, tw.stderr[-2000:])
    got = [r for r in recs if r["event"] == "exec" and r["filename"] == "../twshort-prog"]
    check(f"short-lived: {reps} exec records", len(got) == reps, f"{len(got)}")
    want_argv = [escape(b"../twshort-prog")] + [escape(a) for a in args]
    exact = sum(1 for r in got if r["path"] == escape(prog.encode()))
    wrong = [r for r in got if r["path"] not in (None, escape(prog.encode()))]
    argv_ok = sum(1 for r in got if r["argv"] == want_argv)
    via_uprobe = sum(1 for r in got if r["cwd_source"] == "uprobe" and r["argv_source"] == "uprobe")
    print(f"     short-lived: exact path {exact}/{reps}, exact argv {argv_ok}/{reps}, "
          f"uprobe tier {via_uprobe}/{reps}")
    check("short-lived: never a wrong path", not wrong, f"{wrong[:2]}")
    check(f"short-lived: path exact {reps}/{reps}", exact == reps, f"{exact}")
    check(f"short-lived: argv exact {reps}/{reps}", argv_ok == reps,
          f"{argv_ok}; e.g. {[r['argv'] for r in got if r['argv'] != want_argv][:1]} vs {want_argv}")
    check(f"short-lived: cwd and argv from the uprobe tier", via_uprobe == reps, f"{via_uprobe}")


def static_raw(base):
    d = os.path.join(base, "static")
    os.makedirs(d)
    prog = os.path.join(d, "twstatic-target")
    shutil.copy("/bin/true", prog)
    tw = Tracewatch().start()
    for _ in range(20):
        subprocess.run([f"{PROGS}/raw_static_chdir_exec", d, "./twstatic-target", "arg1"], check=True)
    recs = tw.stop()
    got = [r for r in recs if r["event"] == "exec" and r["filename"] == "./twstatic-target"]
    check("static raw syscalls: 20 exec records", len(got) == 20, f"{len(got)}")
    wrong = [r for r in got if r["path"] not in (None, prog)]
    check("static raw syscalls: never a wrong path", not wrong, f"{wrong[:2]}")
    check("static raw syscalls: not credited to the uprobe tier",
          all(r["cwd_source"] != "uprobe" and r["argv_source"] != "uprobe" for r in got),
          f"{[(r['cwd_source'], r['argv_source']) for r in got][:3]}")
    check("static raw syscalls: unresolved ones say so",
          all(r["path_source"] == "unresolved" for r in got if r["path"] is None), "")
    resolved = sum(1 for r in got if r["path"] == prog)
    print(f"     static raw syscalls: resolved through /proc {resolved}/20 "
          f"(cwd_source {sorted(set(str(r['cwd_source']) for r in got))})")


def exec_failed(base):
    tw = Tracewatch().start()
    subprocess.run(["sh", "-c", "exec /nonexistent-dir/twfail-prog --flag"], capture_output=True)
    recs = tw.stop()
    got = [r for r in recs if r["event"] == "exec_failed" and
           (r["filename"] or "").endswith("twfail-prog")]
    check("exec_failed: reported", len(got) >= 1, f"{[r for r in recs if r['event'] == 'exec_failed'][:2]}")
    if got:
        check("exec_failed: errno name", got[0]["error"] == "ENOENT", got[0]["error"])
        check("exec_failed: argv from the uprobe",
              got[0]["argv"] == ["/nonexistent-dir/twfail-prog", "--flag"], f"{got[0]['argv']}")


def no_leftovers():
    tw = Tracewatch().start()
    pid = tw.proc.pid
    check("probes in place while running", len(uprobes_of(pid)) >= 2, f"{uprobes_of(pid)}")
    tw.proc.send_signal(signal.SIGKILL)
    tw.proc.wait()
    check("SIGKILL leaves the probes (nothing can run)", len(uprobes_of(pid)) >= 2, "")
    tw2 = Tracewatch().start()
    check("restart removes the killed run's probes", not uprobes_of(pid), f"{uprobes_of(pid)}")
    check("restart removes the killed run's instance", not instances_of(pid), f"{instances_of(pid)}")
    pid2 = tw2.proc.pid
    tw2.stop(signal.SIGTERM)
    check("SIGTERM: no probe left", not uprobes_of(pid2), f"{uprobes_of(pid2)}")
    check("SIGTERM: no instance left", not instances_of(pid2), f"{instances_of(pid2)}")
    shutil.rmtree(tw.tmp, ignore_errors=True)


def main():
    base = tempfile.mkdtemp(prefix="twstrings-")
    try:
        short_lived(base, int(os.environ.get("TW_SHORT_REPS", "200")))
        static_raw(base)
        exec_failed(base)
        no_leftovers()
    finally:
        shutil.rmtree(base, ignore_errors=True)
    check("no tracewatch probe left on the host", not leftovers(), f"{leftovers()}")
    return summary()


if __name__ == "__main__":
    sys.exit(main())
