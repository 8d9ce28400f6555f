#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_filters.py - failed-exec folding and the record filters, against the real kernel.

1. A PATH search (two misses, then the program) is one exec record with failed_attempts=2 and
   no exec_failed record; with --failed every attempt is its own record. Attempts that end
   without an exec (the command is nowhere) are reported when the process ends. A make run
   with a PATH full of misses prints no exec_failed record at all.
2. --uid, --comm, --path and their --exclude- forms, live and at report time.
Prints "N passed, M failed"; exits non-zero on any failure.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import time

from twlive import TW, check, run_cases

U = f"twf{os.getpid()}"


def run_tw(args, workload, tmp):
    out = os.path.join(tmp, f"out{len(os.listdir(tmp))}.json")
    ready = out + ".ready"
    err = out + ".err"
    p = subprocess.Popen([TW, "--format", "json", "-o", out, "--ready-file", ready] + args,
                         stderr=open(err, "w"))
    deadline = time.time() + 15
    while not os.path.exists(ready):
        if p.poll() is not None or time.time() > deadline:
            raise RuntimeError("tracewatch did not start: " + open(err).read())
        time.sleep(0.02)
    workload()
    p.send_signal(signal.SIGINT)
    rc = p.wait(timeout=60)
    check(f"tracewatch {' '.join(args)}: clean exit", rc == 0, open(err).read())
    return [json.loads(l) for l in open(out) if l.strip()]


def mine(recs, tag):
    return [r for r in recs if tag in (r.get("filename") or "") or tag in (r.get("path") or "")]


def test_folding(tmp):
    a, b, c = (os.path.join(tmp, d) for d in "abc")
    for d in (a, b, c):
        os.mkdir(d)
    prog = os.path.join(c, f"{U}prog")
    shutil.copy("/bin/true", prog)
    path = f"{a}:{b}:{c}"

    def search():
        subprocess.run(["env", f"PATH={path}", f"{U}prog"], check=True)
        subprocess.run(["env", f"PATH={a}:{b}", f"{U}nowhere"], stderr=subprocess.DEVNULL)

    recs = run_tw([], search, tmp)
    execs = [r for r in mine(recs, f"{U}prog") if r["event"] == "exec"]
    fails = [r for r in mine(recs, f"{U}prog") if r["event"] == "exec_failed"]
    check("PATH search: one exec record with failed_attempts=2",
          len(execs) == 1 and execs[0]["failed_attempts"] == 2 and execs[0]["path"] == prog,
          execs)
    check("PATH search: no exec_failed record for the misses", not fails, fails)
    nowhere = [r for r in mine(recs, f"{U}nowhere") if r["event"] == "exec_failed"]
    check("a command found nowhere: its failed attempts are reported (at the process's end)",
          len(nowhere) == 2 and all(r["error"] == "ENOENT" for r in nowhere) and
          {r["path"] for r in nowhere} == {f"{a}/{U}nowhere", f"{b}/{U}nowhere"}, nowhere)

    recs = run_tw(["--failed"], search, tmp)
    execs = [r for r in mine(recs, f"{U}prog") if r["event"] == "exec"]
    fails = [r for r in mine(recs, f"{U}prog") if r["event"] == "exec_failed"]
    check("--failed: every attempt is a record, none folded",
          len(fails) == 2 and len(execs) == 1 and execs[0]["failed_attempts"] is None and
          {r["path"] for r in fails} == {f"{a}/{U}prog", f"{b}/{U}prog"}, (fails, execs))

    # A build: gcc finds `as` with execvp, which tries every PATH directory in turn.
    src = os.path.join(tmp, "src")
    os.mkdir(src)
    for i in range(10):
        with open(os.path.join(src, f"f{i}.c"), "w") as f:
            f.write(f"int f{i}(void) {{ return {i}; }}\n")
    mk = os.path.join(src, "Makefile")
    with open(mk, "w") as f:
        f.write("all: " + " ".join(f"f{i}.o" for i in range(10)) + "\n")
        f.write("%.o: %.c\n\tcc -c $< -o $@\n")

    def make():
        subprocess.run(["make", "-s", "-j2", "-C", src], check=True,
                       env=dict(os.environ, PATH=f"{a}:{b}:/usr/bin:/bin"))

    recs = run_tw([], make, tmp)
    # gcc's children of this build: `as` with the build's own output names
    ases = [r for r in recs if r["event"] == "exec" and r["comm"] == "as" and r["argv"] and
            any(a.startswith("f") and a.endswith(".o") for a in r["argv"])]
    misses = (f"{a}/as", f"{b}/as")
    fails = [r for r in recs if r["event"] == "exec_failed" and r.get("path") in misses]
    check("make of 10 objects: each `as` exec carries its 2 failed attempts",
          len(ases) == 10 and all(r["failed_attempts"] == 2 for r in ases),
          [(r["pid"], r["failed_attempts"]) for r in ases])
    check("make of 10 objects: no exec_failed record (all folded)", not fails, fails[:3])
    subprocess.run(["make", "-s", "-C", src, "clean"], stderr=subprocess.DEVNULL)
    for i in range(10):
        if os.path.exists(os.path.join(src, f"f{i}.o")):
            os.unlink(os.path.join(src, f"f{i}.o"))
    recs = run_tw(["--failed"], make, tmp)
    fails = [r for r in recs if r["event"] == "exec_failed" and r.get("path") in misses]
    check("make of 10 objects with --failed: the 20 misses are shown",
          len(fails) == 20 and all(r["error"] == "ENOENT" for r in fails), len(fails))


def test_filters(tmp):
    d = os.path.join(tmp, "f")
    os.mkdir(d)
    for name in ("root", "nob"):
        shutil.copy("/bin/sleep", os.path.join(d, f"{U}{name}"))
    os.chmod(tmp, 0o755)
    os.chmod(d, 0o755)

    def two_users():
        # long enough (0.3 s) for the uid to be read even where only /proc can say it
        subprocess.run([os.path.join(d, f"{U}root"), "0.3"], check=True)
        subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                        os.path.join(d, f"{U}nob"), "0.3"], check=True)

    def names(recs):
        return sorted(r["comm"] for r in recs if r["event"] == "exec" and
                      r["comm"] and r["comm"].startswith(U))

    cases = [
        (["--uid", "nobody"], [f"{U}nob"]),
        (["--uid", "65534", "--uid", "0"], [f"{U}nob", f"{U}root"]),
        (["--exclude-uid", "root"], [f"{U}nob"]),
        (["--comm", f"{U}r*"], [f"{U}root"]),
        (["--exclude-comm", f"{U}r*", "--comm", f"{U}*"], [f"{U}nob"]),
        (["--path", f"{d}/*nob"], [f"{U}nob"]),
        (["--path", "/tmp/*", "--exclude-path", "*nob"], [f"{U}root"]),
    ]
    rec = os.path.join(tmp, "filters.twrec")
    for i, (args, want) in enumerate(cases):
        extra = ["--record", rec] if i == 0 else []
        got = names(run_tw(args + extra, two_users, tmp))
        check(f"filter {' '.join(args)}: {want}", got == want, got)
    r = subprocess.run([TW, "report", rec, "--format", "json", "--comm", f"{U}root"],
                       capture_output=True)
    recs = [json.loads(l) for l in r.stdout.decode().splitlines()]
    check("report applies filters too: --comm on a recording", names(recs) == [f"{U}root"],
          (names(recs), r.stderr.decode()[-300:]))
    r = subprocess.run([TW, "--uid", "no-such-user-xyz"], capture_output=True)
    check("--uid with an unknown user: exit 2 and a message", r.returncode == 2 and
          b"no such user" in r.stderr, r.stderr.decode())


def spawn_with_pid(argv, pid, tries=50):
    """Run argv as process @pid (ns_last_pid = pid - 1 before the fork); None if the host
    took that pid first every time."""
    for _ in range(tries):
        with open("/proc/sys/kernel/ns_last_pid", "w") as f:
            f.write(str(pid - 1))
        p = subprocess.Popen(argv)
        p.wait()
        if p.pid == pid:
            return p
    return None


def test_identity(tmp):
    """exec_id and parent_exec_id rebuild the tree with one self-join, across pid reuse."""
    prog = os.path.join(tmp, f"{U}id")
    shutil.copy("/bin/true", prog)
    first = {}

    def work():
        p = subprocess.Popen(["sh", "-c", f"{prog} one; exit 0"])
        p.wait()
        first["pid"] = p.pid
        # the same pid again, another process
        first["again"] = spawn_with_pid(["sh", "-c", f"{prog} two; exit 0"], p.pid)

    recs = run_tw([], work, tmp)
    execs = [r for r in recs if r["event"] == "exec"]
    by_id = {r["exec_id"]: r for r in execs if r["exec_id"]}
    shells = [r for r in execs if r["pid"] == first["pid"] and r["comm"] == "sh"]
    progs = sorted((r for r in execs if r["comm"] == f"{U}id" and r["argv"] and
                    r["argv"][-1] in ("one", "two")), key=lambda r: r["ts_ns"])
    check("every exec record of the run has an exec_id",
          all(r["exec_id"] for r in shells + progs), [(r["comm"], r["exec_id"]) for r in
                                                      shells + progs])
    check("exec_ids are unique", len(by_id) == len([r for r in execs if r["exec_id"]]))
    joined = [by_id.get(r["parent_exec_id"]) for r in progs]
    check("one self-join gives each program its parent shell's exec record",
          len(progs) == 2 and all(j is not None and j["comm"] == "sh" for j in joined) and
          progs[0]["parent_path"] in ("/bin/sh", "/usr/bin/sh", "/bin/dash", "/usr/bin/dash"),
          [(r["argv"], r["parent_exec_id"], r["parent_path"]) for r in progs])
    if first["again"] is None:
        check("pid reuse: the host took the pid every time (not tested)", False)
        return
    check("pid reuse: two shells with the same pid have different exec_ids",
          len(shells) == 2 and shells[0]["exec_id"] != shells[1]["exec_id"],
          [r["exec_id"] for r in shells])
    check("pid reuse: each program joins to its own shell, not the other one",
          len(progs) == 2 and joined[0] is not joined[1] and
          joined[0]["ts_ns"] < progs[0]["ts_ns"] < joined[1]["ts_ns"] < progs[1]["ts_ns"],
          [(r["argv"], r["parent_exec_id"]) for r in progs])


def test_pid(tmp):
    """--pid: the process, the children it had already and the ones it starts; no other."""
    prog = os.path.join(tmp, f"{U}pid")
    shutil.copy("/bin/true", prog)
    go = os.path.join(tmp, "go")
    os.mkfifo(go)
    # the tree: a shell whose child (started before tracewatch) waits on the fifo, then runs
    # the program itself and from a grandchild
    tree = subprocess.Popen(["sh", "-c", f"(read x < {go}; {prog} child; "
                             f"sh -c '{prog} grandchild; :'); {prog} parent; wait"])

    def work():
        subprocess.run([prog, "outsider"])         # not in the tree
        with open(go, "w") as f:
            f.write("go\n")
        tree.wait()

    recs = run_tw(["--pid", str(tree.pid)], work, tmp)
    got = sorted(r["argv"][1] for r in recs if r["event"] == "exec" and r["path"] == prog)
    check("--pid: the tree's execs (an older child, a grandchild, the root), not an outsider",
          got == ["child", "grandchild", "parent"], got)
    others = [r for r in recs if r["event"] == "exec" and r["path"] != prog and
              r["comm"] != "sh"]
    check("--pid: no exec of any other process", not others, [r["path"] for r in others][:5])
    r = subprocess.run([TW, "--pid", "4194303", "--duration", "1"], capture_output=True)
    check("--pid of no process: exit 1 with a message", r.returncode == 1 and
          b"not running" in r.stderr, r.stderr.decode())


if __name__ == "__main__":
    sys.exit(run_cases("twfilt-", test_folding, test_filters, test_identity, test_pid))
