# SPDX-License-Identifier: GPL-2.0
"""test_run.py - `tracewatch run -- CMD` on a known script tree: the tree, the exit statuses,
the failed execs, orphans, a set-user-ID program, the summary, the timeline, signals, and
that unrelated processes on the host never appear."""
import json
import os
import pty
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from twlive import TW, check, leftovers, summary  # noqa: E402

SUID_OWNER = "daemon"   # uid 1 on Debian: the set-user-ID copy of id belongs to it
RUN_AS = "nobody"

# The script tree. Every line's effect is known here, independently of tracewatch.
TOP = r"""#!/bin/sh
# nested shells
sh -c 'sh -c "/bin/true nested"'
# a non-zero exit and a kill -9
sh -c 'exit 3'
sh -c 'kill -9 $$'
# failed execs: ENOENT and EACCES (by path: the shell forks, the exec fails)
/nonexistent/prog
$D/noexec.sh
# a background job that outlives its parent
sh -c '(/bin/sleep 0.6; echo bg > $D/out/bg) & exit 0'
# a double-forked daemon: orphaned, re-parented to the subreaper
sh -c '(setsid /bin/sleep 0.8 </dev/null >/dev/null 2>&1 &); exit 0'
# a set-user-ID program keeps its privileges
$D/suid-id > $D/out/id.txt
# identical siblings
for i in 1 2 3 4 5; do /bin/true $i; done
exit 7
"""


def run_tree(d, extra=()):
    out = os.path.join(d, "out")
    cmd = [TW, "run", "--user", RUN_AS, "--summary", "--tree", f"{out}/tree.txt",
           "--timeline", f"{out}/timeline.json", "-f", "json", "-o", f"{out}/records.json",
           *extra, "--", "/bin/sh", f"{d}/top.sh"]
    env = dict(os.environ, D=d)
    t0 = time.time()
    p = subprocess.run(cmd, env=env, capture_output=True, timeout=120)
    return p, time.time() - t0


def setup():
    d = tempfile.mkdtemp(prefix="twrun-")
    os.chmod(d, 0o755)
    os.mkdir(f"{d}/out")
    os.chmod(f"{d}/out", 0o777)
    with open(f"{d}/top.sh", "w") as f:
        f.write(TOP)
    os.chmod(f"{d}/top.sh", 0o755)
    with open(f"{d}/noexec.sh", "w") as f:
        f.write("#!/bin/sh\necho never\n")
    os.chmod(f"{d}/noexec.sh", 0o644)
    shutil.copy("/usr/bin/id", f"{d}/suid-id")
    shutil.chown(f"{d}/suid-id", SUID_OWNER, SUID_OWNER)
    os.chmod(f"{d}/suid-id", 0o4755)
    # A program that only unrelated processes run, concurrently, on the host.
    shutil.copy("/bin/true", f"{d}/unrelated-prog")
    return d


def by_pid(recs):
    procs = {}
    for r in recs:
        procs.setdefault(r["pid"], []).append(r)
    return procs


def exits(recs):
    return {r["pid"]: r for r in recs if r["event"] == "exit"}


def last_exec(recs, pid):
    ex = [r for r in recs if r["event"] == "exec" and r["pid"] == pid]
    return ex[-1] if ex else None


def test_tree():
    d = setup()
    try:
        # Unrelated execs on the host all along the run.
        loop = subprocess.Popen(["/bin/sh", "-c", f"while :; do {d}/unrelated-prog; done"])
        try:
            p, wall = run_tree(d)
        finally:
            loop.kill()
            loop.wait()
        err = p.stderr.decode(errors="replace")
        check("run exits with the command's status (exit 7)", p.returncode == 7,
              f"rc={p.returncode} {err[-2000:]}")
        recs = [json.loads(l) for l in open(f"{d}/out/records.json") if l.strip()]
        tree = open(f"{d}/out/tree.txt").read()
        ex = exits(recs)
        forks = [r for r in recs if r["event"] == "fork"]
        execs = [r for r in recs if r["event"] == "exec"]
        root = execs[0]["pid"] if execs else None

        # Membership: every record's process is the root or forked inside the tree.
        members = {root}
        for r in forks:
            if r["ppid"] in members:
                members.add(r["pid"])
        strays = [r for r in recs if r["event"] != "lost" and r["pid"] not in members]
        check("every record belongs to the tree (forked from the root)", not strays,
              str(strays[:3]))
        check("concurrent unrelated execs on the host do not appear",
              not any("unrelated-prog" in json.dumps(r) for r in recs) and
              "unrelated-prog" not in tree)

        def pids_running(argv0, *args):
            out = []
            for r in execs:
                a = r.get("argv") or []
                if a[:1 + len(args)] == [argv0, *args]:
                    out.append(r["pid"])
            return out

        exit3 = pids_running("sh", "-c", "exit 3")
        kill9 = pids_running("sh", "-c", "kill -9 $$")
        nested = pids_running("/bin/true", "nested")
        check("nested shells: sh -> sh -> /bin/true, each a process of the tree",
              len(nested) == 1 and len(forks) >= 3, f"{nested}")
        check("exit 3: the exit record says exit_code 3",
              len(exit3) == 1 and ex.get(exit3[0], {}).get("exit_code") == 3,
              str(ex.get(exit3[0] if exit3 else 0)))
        check("kill -9: the exit record says SIGKILL, no exit_code",
              len(kill9) == 1 and ex.get(kill9[0], {}).get("signal") == "SIGKILL" and
              ex[kill9[0]].get("exit_code") is None, str(ex.get(kill9[0] if kill9 else 0)))
        check("the root's exit record says exit_code 7",
              ex.get(root, {}).get("exit_code") == 7, str(ex.get(root)))
        durs = [r for r in ex.values() if r.get("duration_ns") is not None and
                r.get("start_source") == "fork" and
                r["duration_ns"] == r["ts_ns"] - r["start_ns"]]
        check("exit records of forked processes carry start_ns (fork) and duration_ns",
              len(durs) >= len(forks) - 1, f"{len(durs)} of {len(forks)}")

        fails = [r for r in recs if r["event"] == "exec_failed"]
        enoent = [r for r in fails if r.get("path") == "/nonexistent/prog"]
        eacces = [r for r in fails if r.get("path") == f"{d}/noexec.sh"]
        check("failed exec ENOENT recorded with its errno",
              len(enoent) == 1 and enoent[0]["error"] == "ENOENT", str(fails))
        check("failed exec EACCES recorded with its errno",
              len(eacces) == 1 and eacces[0]["error"] == "EACCES", str(fails))
        check("the shells that failed to exec exit 127 and 126",
              enoent and eacces and ex.get(enoent[0]["pid"], {}).get("exit_code") == 127 and
              ex.get(eacces[0]["pid"], {}).get("exit_code") == 126)

        # sleep runs in a subshell "( ... ) &" of the "sh -c", which exits at once.
        bg = pids_running("/bin/sleep", "0.6")
        parent = {r["pid"]: r["ppid"] for r in forks}
        starter = parent.get(parent.get(bg[0])) if bg else None
        check("background job outliving its parent: waited for, with its exit",
              len(bg) == 1 and os.path.exists(f"{d}/out/bg") and bg[0] in ex and
              starter in ex and starter in pids_running("sh", "-c") and
              ex[bg[0]]["ts_ns"] > ex[starter]["ts_ns"], f"{bg} {starter}")
        daemon = pids_running("/bin/sleep", "0.8")
        check("double-forked daemon (setsid): in the tree, waited for, exit 0",
              len(daemon) == 1 and ex.get(daemon[0], {}).get("exit_code") == 0 and
              wall >= 0.8, f"{daemon} wall={wall:.2f}")

        idout = open(f"{d}/out/id.txt").read()
        nobody = subprocess.run(["id", "-u", RUN_AS], capture_output=True,
                                text=True).stdout.strip()
        owner = subprocess.run(["id", "-u", SUID_OWNER], capture_output=True,
                               text=True).stdout.strip()
        check("--user: the command runs as that user",
              re.search(rf"\buid={nobody}\(", idout) is not None, idout)
        check("set-user-ID program keeps its privileges (euid = the file's owner)",
              re.search(rf"\beuid={owner}\(", idout) is not None, idout)

        # The tree, as text.
        check("tree: the root line with its status",
              re.search(r"^/bin/sh \S+/top\.sh \[\d+\] [\d.]+ m?s, exit 7$", tree, re.M)
              is not None, tree[:400])
        check("tree: exit 3 shown", re.search(r"sh -c 'exit 3' \[\d+\] .*, exit 3$", tree,
                                              re.M) is not None, tree)
        check("tree: kill -9 shown",
              re.search(r"sh -c 'kill -9 \$\$' \[\d+\] .*, killed by SIGKILL$", tree, re.M)
              is not None, tree)
        check("tree: failed execs with their errno",
              "\u2717 exec /nonexistent/prog: ENOENT" in tree and
              f"\u2717 exec {d}/noexec.sh: EACCES" in tree, tree)
        check("tree: nested shells indented under each other",
              re.search(r"^\u251c\u2500 sh -c 'sh -c \"/bin/true nested\"' .*\n"
                        r"\u2502  \u2514\u2500 sh -c '/bin/true nested' .*\n", tree, re.M)
              is not None, tree)
        check("tree: the five identical /bin/true siblings collapse into one line",
              re.search(r"\u2500 true \u00d75, [\d.]+ m?s total$", tree, re.M) is not None,
              tree)
        check("tree: no PATH-search miss of the root's exec is shown",
              "/usr/local/sbin" not in tree, tree)

        # The summary (after the tree in the same file), against the script's known shape.
        m = re.search(r"^summary: (\d+) processes, (\d+) execs, (\d+) failed execs, "
                      r"(\d+) non-zero exits, (\d+) killed, (\d+) still running", tree, re.M)
        check("summary: counts line", m is not None, tree)
        if m:
            procs, nexec, nfail, nz, killed, running = map(int, m.groups())
            check("summary: processes = root + forks", procs == len(forks) + 1,
                  f"{procs} vs {len(forks) + 1}")
            check("summary: 2 failed execs (ENOENT, EACCES)", nfail == 2, m.group(0))
            # exit 3, exit 7 (root), 127 and 126 of the failed shells: 4.
            check("summary: 4 non-zero exits, 1 killed, 0 running",
                  (nz, killed, running) == (4, 1, 0), m.group(0))
        trues = re.search(r"^  /bin/true\s+(\d+)\s", tree, re.M)
        check("summary: /bin/true counted 6 times (nested + 5)",
              trues is not None and trues.group(1) == "6", tree)
        check("summary: failures listed",
              re.search(r"^failed execs:\n.*/nonexistent/prog: ENOENT", tree, re.M) and
              re.search(r"^non-zero exits:\n(.*\n)*.*exit 3$", tree, re.M) and
              re.search(r"^killed:\n.*SIGKILL$", tree, re.M), tree)

        check_timeline(f"{d}/out/timeline.json", len(forks) + 1)
    finally:
        shutil.rmtree(d, ignore_errors=True)


def check_timeline(path, nprocs):
    """Chrome trace-event format rules, checked here without the tool's code."""
    try:
        doc = json.load(open(path))
    except ValueError as e:
        check("timeline: valid JSON", False, str(e))
        return
    check("timeline: valid JSON with a traceEvents array",
          isinstance(doc, dict) and isinstance(doc.get("traceEvents"), list))
    evs = doc.get("traceEvents", [])
    bad = [e for e in evs if e.get("ph") not in ("X", "B", "E", "i", "I", "M") or
           not isinstance(e.get("pid"), int) or not isinstance(e.get("tid"), int) or
           (e["ph"] != "M" and not isinstance(e.get("ts"), (int, float)))]
    check("timeline: every event has ph, pid, tid and ts", not bad, str(bad[:2]))
    last, depth, order_ok, balance_ok = {}, {}, True, True
    for e in evs:
        if e.get("ph") == "M":
            continue
        track = (e["pid"], e["tid"])
        if e["ts"] < last.get(track, float("-inf")):
            order_ok = False
        last[track] = e["ts"]
        if e["ph"] == "B":
            depth[track] = depth.get(track, 0) + 1
        elif e["ph"] == "E":
            depth[track] = depth.get(track, 0) - 1
            if depth[track] < 0:
                balance_ok = False
        elif e["ph"] == "X" and not (isinstance(e.get("dur"), (int, float)) and e["dur"] >= 0):
            balance_ok = False
    check("timeline: timestamps monotonic per track", order_ok)
    check("timeline: begin/end balanced per track, complete events with a duration",
          balance_ok and all(v == 0 for v in depth.values()), str(depth))
    spans = [e for e in evs if e.get("ph") == "X"]
    check("timeline: one complete event per process", len(spans) == nprocs,
          f"{len(spans)} vs {nprocs}")
    tracks = {(e["pid"], e["tid"]) for e in spans}
    check("timeline: one track per process", len(tracks) == nprocs)
    instants = [e for e in evs if e.get("ph") in ("i", "I")]
    check("timeline: the two failed execs are instant events",
          sorted(e["name"] for e in instants) == ["EACCES", "ENOENT"], str(instants))
    root = [e for e in spans if e["pid"] == e["tid"] and e["ts"] == 0]
    nested = [e for e in spans if e["pid"] != e["tid"]]
    check("timeline: processes grouped under their parent (pid = parent's pid)",
          len(root) >= 1 and len(nested) == nprocs - 1)


COUNTER = r"""
import signal, sys, time
n = 0
def on_int(s, f):
    global n
    n += 1
signal.signal(signal.SIGINT, on_int)
print("ready", flush=True)
end = time.time() + 2.0
while time.time() < end:
    time.sleep(0.05)
sys.exit(n)
"""


def test_signals():
    # The terminal's Ctrl-C reaches CMD once (not again through tracewatch).
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(TW, [TW, "run", "--no-tree", "--", sys.executable, "-c", COUNTER])
    buf = b""
    deadline = time.time() + 20
    while b"ready" not in buf and time.time() < deadline:
        r, _, _ = select.select([fd], [], [], 0.5)
        if r:
            try:
                buf += os.read(fd, 1024)
            except OSError:
                break
    os.write(fd, b"\x03")
    while True:
        try:
            if not os.read(fd, 1024):
                break
        except OSError:
            break
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    check("Ctrl-C on the terminal reaches CMD once, tracewatch keeps tracing until it ends",
          b"ready" in buf and os.WIFEXITED(status) and os.WEXITSTATUS(status) == 1,
          f"status={status} {buf[-300:]!r}")

    # kill -TERM to tracewatch: passed on to CMD; the exit status is 128+15.
    p = subprocess.Popen([TW, "run", "--no-tree", "--", "/bin/sh", "-c",
                          "echo ready; exec /bin/sleep 30"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    line = p.stdout.readline()
    p.send_signal(signal.SIGTERM)
    rc = p.wait(timeout=30)
    check("SIGTERM sent to tracewatch is passed on to CMD; exit status 143",
          line == b"ready\n" and rc == 143, f"rc={rc} {p.stderr.read()[-300:]!r}")

    # kill -INT by a process: passed on once.
    p = subprocess.Popen([TW, "run", "--no-tree", "--", sys.executable, "-c", COUNTER],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         start_new_session=True)
    line = p.stdout.readline()
    p.send_signal(signal.SIGINT)
    rc = p.wait(timeout=30)
    check("SIGINT sent to tracewatch by kill is passed on to CMD once", rc == 1,
          f"rc={rc} {line!r}")


def test_inherited_signals():
    # A signal ignored when tracewatch starts (a background job's SIGINT) stays ignored in CMD.
    p = subprocess.run([TW, "run", "--no-tree", "--", sys.executable, "-c",
                        "import signal; print(signal.getsignal(signal.SIGINT) == "
                        "signal.SIG_IGN, signal.getsignal(signal.SIGTTOU) == signal.SIG_IGN)"],
                       capture_output=True, timeout=60,
                       preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    check("CMD inherits the dispositions tracewatch started with (SIGINT ignored, not our "
          "SIGTTOU)",
          p.stdout == b"True False\n", f"{p.stdout!r} {p.stderr[-300:]!r}")


def test_no_wait_and_errors():
    p = subprocess.run([TW, "run", "--no-wait", "--", "/bin/sh", "-c",
                        "/bin/sleep 1.5 & /bin/sleep 0.3; exit 4"], capture_output=True, timeout=60)
    err = p.stderr.decode(errors="replace")
    check("--no-wait: ends with CMD (exit 4) and lists what still runs",
          p.returncode == 4 and re.search(r"still run.*\n  \[\d+\] /bin/sleep 1\.5", err)
          is not None, f"rc={p.returncode} {err}")
    check("--no-wait: the tree marks it still running",
          re.search(r"/bin/sleep 1\.5 \[\d+\] .*still running$", err, re.M) is not None, err)
    p = subprocess.run([TW, "run", "--", "/nonexistent/cmd"], capture_output=True, timeout=60)
    err = p.stderr.decode(errors="replace")
    check("a command that does not exist: exit 127 and a clear message",
          p.returncode == 127 and "cannot run /nonexistent/cmd: No such file or directory"
          in err, f"rc={p.returncode} {err}")
    p = subprocess.run([TW, "run", "--user", "no-such-user-tw", "--", "true"],
                       capture_output=True, timeout=60)
    check("--user with an unknown user: exit 2 and a clear message",
          p.returncode == 2 and b"no such user" in p.stderr, p.stderr.decode())
    p = subprocess.run([TW, "run"], capture_output=True, timeout=60)
    check("run without a command: exit 2 and usage hint",
          p.returncode == 2 and b"needs the command" in p.stderr, p.stderr.decode())


def main():
    test_tree()
    test_signals()
    test_inherited_signals()
    test_no_wait_and_errors()
    left = leftovers()
    check("no instances or probes left behind", not left, str(left))
    return summary()


if __name__ == "__main__":
    sys.exit(main())
