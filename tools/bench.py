#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""bench.py - tracewatch benchmarks: host overhead, loss at the limit, pipeline, memory, latency, run.

Every figure is measured side by side in the same run and printed as a ratio to its baseline
(medians of BENCH_ROUNDS rounds). Run as root through `make bench`; BENCH_ONLY=run runs only
the `tracewatch run -- make -j2` section (BENCH_RUN_ROUNDS rounds, default 3).
"""
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

TW = os.environ.get("TW_BIN", "build/tracewatch")
TOOLS = os.environ.get("TW_TOOLS", "build/tools")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
QUICK = os.environ.get("BENCH_QUICK") == "1"


def mono_ns():
    return time.clock_gettime_ns(time.CLOCK_MONOTONIC)


class Tracer:
    """A running tracewatch (or auditd rule) around a workload."""

    def __init__(self, args, out="/dev/null", fmt="csv"):
        self.args = args
        self.out = out
        self.fmt = fmt
        self.proc = None

    def __enter__(self):
        if self.args is None:
            return self
        self.err = tempfile.NamedTemporaryFile(prefix="twbench-err-", delete=False)
        head = [TW, "--format", self.fmt, "-o", self.out] if self.fmt else [TW]
        self.proc = subprocess.Popen(head + self.args,
                                     stderr=self.err, stdout=subprocess.DEVNULL)
        deadline = time.time() + 15
        while time.time() < deadline:
            with open(self.err.name) as f:
                if "tracewatch: tracing" in f.read():
                    break
            if self.proc.poll() is not None:
                raise RuntimeError("tracewatch exited: " + open(self.err.name).read())
            time.sleep(0.05)
        time.sleep(0.2)
        return self

    def cpu_ns(self):
        """CPU time used so far (ns, /proc/PID/schedstat): taken after start-up, it is subtracted."""
        with open(f"/proc/{self.proc.pid}/schedstat") as f:
            return int(f.read().split()[0])

    def stop(self):
        if not self.proc:
            return None
        self.proc.send_signal(signal.SIGINT)
        _, status, ru = os.wait4(self.proc.pid, 0)
        self.proc.returncode = status
        self.rusage = ru
        self.stderr = open(self.err.name).read()
        os.unlink(self.err.name)
        self.proc = None
        return ru

    def __exit__(self, *exc):
        self.stop()


def auditd_available():
    return shutil.which("auditctl") is not None and shutil.which("auditd") is not None


class Audit:
    """auditd with an execve rule, for comparison, when it is installed."""

    def __enter__(self):
        subprocess.run(["auditctl", "-a", "always,exit", "-F", "arch=b64", "-S", "execve",
                        "-k", "twbench"], check=True, capture_output=True)
        return self

    def __exit__(self, *exc):
        subprocess.run(["auditctl", "-d", "always,exit", "-F", "arch=b64", "-S", "execve",
                        "-k", "twbench"], capture_output=True)


def timed(cmd):
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def modes():
    m = [("no tracing", None), ("tracewatch (default)", []),
         ("tracewatch --no-uprobes", ["--no-uprobes"]),
         ("tracewatch --no-syscall-events", ["--no-syscall-events"])]
    return m


def overhead_table(title, workloads):
    print(f"\n## {title} (median of {ROUNDS} rounds, ratio to no tracing)\n")
    results = {w: {m: [] for m, _ in modes()} for w, _ in workloads}
    audit = auditd_available()
    if audit:
        for w, _ in workloads:
            results[w]["auditd + execve rule"] = []
    for _ in range(ROUNDS):
        for name, args in modes():
            with Tracer(args):
                for w, cmd in workloads:
                    results[w][name].append(timed(cmd))
        if audit:
            with Audit():
                for w, cmd in workloads:
                    results[w]["auditd + execve rule"].append(timed(cmd))
    print("| workload | mode | median s | ratio |")
    print("|---|---|---|---|")
    for w, _ in workloads:
        base = statistics.median(results[w]["no tracing"])
        for m, vals in results[w].items():
            med = statistics.median(vals)
            print(f"| {w} | {m} | {med:.3f} | {med / base:.2f}x |")
    if not audit:
        print("\n(auditd is not installed: no auditd comparison in this run)")


def exec_rate(tiny, seconds, tracer_args):
    """Parallel fork+exec loops on every CPU for `seconds`; returns (executed, tracer)."""
    ncpu = os.cpu_count()
    with Tracer(tracer_args, out=tracer_args is not None and OUT_CSV or "/dev/null") as tr:
        procs = [subprocess.Popen([f"{TOOLS}/bench-exec", tiny, "100000000", str(seconds)],
                                  stdout=subprocess.PIPE, text=True) for _ in range(ncpu)]
        executed = sum(int(p.communicate()[0].strip()) for p in procs)
        time.sleep(0.5)
        tr.stop()
    return executed, tr


OUT_CSV = None


def count_records(path, prog):
    execs = lost = 0
    with open(path, errors="replace") as f:
        header = f.readline().rstrip("\n").split(",")
        ev_i = header.index("event")
        for line in f:
            fields = line.split(",")
            if fields[ev_i] == "lost":
                lost_field = fields[header.index("lost")].strip()
                lost += int(lost_field or 0)
            elif fields[ev_i] == "exec" and prog in line:
                execs += 1
    return execs, lost


def loss_at_limit(tiny, tmp):
    global OUT_CSV
    seconds = 3 if QUICK else 10
    print(f"\n## Loss at the limit: fork+exec loops on all {os.cpu_count()} CPUs for {seconds} s\n")
    base, _ = exec_rate(tiny, seconds, None)
    OUT_CSV = os.path.join(tmp, "limit.csv")
    executed, tr = exec_rate(tiny, seconds, [])
    reported, lost = count_records(OUT_CSV, os.path.basename(tiny))
    cpu = tr.rusage.ru_utime + tr.rusage.ru_stime
    print("| figure | value |")
    print("|---|---|")
    print(f"| exec rate, no tracing | {base / seconds:.0f}/s |")
    print(f"| exec rate, tracewatch running | {executed / seconds:.0f}/s ({executed / base:.2f}x) |")
    print(f"| executed / reported / lost records | {executed} / {reported} / {lost} |")
    print(f"| tracewatch CPU per 1,000 execs | {1000 * cpu / max(executed, 1) * 1000:.1f} ms |")
    stats = [l for l in tr.stderr.splitlines() if "stats:" in l]
    print(f"| tracewatch stats | {stats[-1] if stats else 'missing'} |")


def record_workload(tiny, path, n):
    """A recording of n fork+exec of a tiny program (what the pipeline bench replays)."""
    with Tracer(["record", "-o", path], fmt=None):
        subprocess.run([f"{TOOLS}/bench-exec", tiny, str(n)], check=True,
                       stdout=subprocess.DEVNULL)


def pipeline(tiny, tmp):
    rec = os.path.join(tmp, "pipeline.twrec")
    record_workload(tiny, rec, 5000)
    rounds = 5 if QUICK else 20
    print(f"\n## Pipeline: a recording of 5,000 fork+exec replayed {rounds} times, decode -> "
          f"reorder -> model -> CSV sink, one core (median of 3)\n")
    runs = []
    for _ in range(3):
        out = subprocess.run([f"{TOOLS}/bench-pipeline", rec, str(rounds)], capture_output=True,
                             text=True, check=True).stdout
        runs.append(dict(x.split("=") for x in out.split()))
    runs.sort(key=lambda kv: float(kv["events_per_s"]))
    kv = runs[1]
    rate = float(kv["events_per_s"])
    print("| figure | value | target | ratio to target |")
    print("|---|---|---|---|")
    print(f"| events/s | {rate:,.0f} | 2,000,000 | {rate / 2e6:.2f}x |")
    rss = int(kv["peak_rss_kb"])
    print(f"| peak RSS | {rss / 1024:.1f} MiB | 16 MiB | {rss / 16384:.2f}x |")


def record_cost(tiny, tmp):
    """tracewatch's own CPU per exec: live CSV output against writing a recording."""
    n = 1000 if QUICK else 3000
    print(f"\n## Own CPU per exec: live CSV against record ({n} fork+exec, median of "
          f"{ROUNDS} rounds; tracewatch's CPU time from the end of its start-up to the "
          f"end of the workload, /proc/PID/schedstat: start-up and removal of the "
          f"probes are fixed costs, not per exec)\n")
    res = {}
    for name, args, fmt in (("live --format csv", [], "csv"),
                            ("record -o FILE", ["record", "-o", None], None)):
        vals = []
        for r in range(ROUNDS):
            rec = os.path.join(tmp, f"cost{r}.twrec")
            a = [x if x is not None else rec for x in args]
            with Tracer(a, fmt=fmt, out=os.path.join(tmp, "cost.csv")) as tr:
                c0 = tr.cpu_ns()
                subprocess.run([f"{TOOLS}/bench-exec", tiny, str(n)], check=True,
                               stdout=subprocess.DEVNULL)
                time.sleep(0.3)     # a few poll periods: the last events are read
                c1 = tr.cpu_ns()
                tr.stop()
            vals.append((c1 - c0) / n / 1e3)
            if os.path.exists(rec):
                os.unlink(rec)
        res[name] = statistics.median(vals)
    print("| mode | tracewatch CPU per exec | ratio to live |")
    print("|---|---|---|")
    for name, v in res.items():
        print(f"| {name} | {v:.1f} µs | {v / res['live --format csv']:.2f}x |")


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def memory(tiny):
    small, big = (2000, 20000) if QUICK else (10000, 200000)
    print(f"\n## Memory: tracewatch RSS after {small:,} and {big:,} short-lived processes\n")
    with Tracer([]) as tr:
        start = rss_kb(tr.proc.pid)
        subprocess.run([f"{TOOLS}/bench-exec", tiny, str(small)], check=True,
                       stdout=subprocess.DEVNULL)
        time.sleep(0.5)
        after_small = rss_kb(tr.proc.pid)
        subprocess.run([f"{TOOLS}/bench-exec", tiny, str(big - small)], check=True,
                       stdout=subprocess.DEVNULL)
        time.sleep(0.5)
        after_big = rss_kb(tr.proc.pid)
    print("| point | RSS | ratio to the first |")
    print("|---|---|---|")
    print(f"| start | {start / 1024:.1f} MiB | |")
    print(f"| after {small:,} | {after_small / 1024:.1f} MiB | 1.00x |")
    print(f"| after {big:,} | {after_big / 1024:.1f} MiB | {after_big / max(after_small, 1):.2f}x |")


def latency(tiny, tmp):
    n = 30 if QUICK else 100
    print(f"\n## Latency: exec to record on stdout, {n} execs 50 ms apart on a quiet host\n")
    prog = os.path.join(tmp, "twlatency-probe")
    shutil.copy(tiny, prog)
    err = open(os.path.join(tmp, "lat.err"), "w")
    proc = subprocess.Popen([TW, "--format", "csv"], stdout=subprocess.PIPE, stderr=err,
                            text=True, bufsize=1)
    deadline = time.time() + 15
    while time.time() < deadline and "tracing" not in open(err.name).read():
        time.sleep(0.05)
    header = proc.stdout.readline().rstrip("\n").split(",")
    ts_i = header.index("ts_ns")
    lats = []
    import threading

    def run():
        for _ in range(n):
            subprocess.run([prog])
            time.sleep(0.05)

    t = threading.Thread(target=run)
    t.start()
    while len(lats) < n:
        line = proc.stdout.readline()
        if not line:
            break
        if "twlatency-probe" in line and ",exec," in line:
            lats.append((mono_ns() - int(line.split(",")[ts_i])) / 1e6)
    t.join()
    proc.send_signal(signal.SIGINT)
    proc.wait()
    lats.sort()
    p50 = lats[len(lats) // 2]
    p99 = lats[min(len(lats) - 1, int(len(lats) * 0.99))]
    print("| figure | value | target | ratio to target |")
    print("|---|---|---|---|")
    print(f"| p50 | {p50:.1f} ms | 100 ms | {p50 / 100:.2f}x |")
    print(f"| p99 | {p99:.1f} ms | 100 ms | {p99 / 100:.2f}x |")


def run_build(tmp):
    """`tracewatch run -- make -j2` building this project, against the untraced build and strace."""
    rounds = int(os.environ.get("BENCH_RUN_ROUNDS", str(min(ROUNDS, 3))))
    src = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    copy = os.path.join(tmp, "build-copy")
    shutil.copytree(src, copy, ignore=shutil.ignore_patterns("build", ".git", "*.o"))
    make = ["make", "-C", copy, "-j2"]
    seccomp = subprocess.run(["strace", "-f", "--seccomp-bpf", "-e", "trace=execve", "-o",
                              "/dev/null", "true"], capture_output=True).returncode == 0
    tree = os.path.join(tmp, "run-tree.txt")
    modes = [("no tracing", []),
             ("tracewatch run (tree)", [TW, "run", "--tree", tree, "--"]),
             ("strace -f -e trace=execve", ["strace", "-f", "-e", "trace=execve", "-o",
                                            "/dev/null"])]
    if seccomp:
        modes.insert(2, ("strace -f --seccomp-bpf -e trace=execve",
                         ["strace", "-f", "--seccomp-bpf", "-e", "trace=execve", "-o",
                          "/dev/null"]))
    results = {m: [] for m, _ in modes}
    for _ in range(rounds):
        for name, head in modes:
            subprocess.run(make + ["clean"], check=True, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            results[name].append(timed(head + make))
    print(f"\n## run: `make -j2` of this project, traced (median of {rounds} rounds, wall "
          "time of the whole command, tracewatch's set-up and tree included)\n")
    print("| mode | median s | ratio |")
    print("|---|---|---|")
    base = statistics.median(results["no tracing"])
    for m, vals in results.items():
        med = statistics.median(vals)
        print(f"| {m} | {med:.2f} | {med / base:.3f}x |")
    if not seccomp:
        print("\n(this strace has no --seccomp-bpf: that row is missing)")
    with open(tree) as f:
        lines = f.read().splitlines()
    print(f"\n(the tree of the last traced build: {len(lines)} lines; first ones:)\n")
    print("```")
    print("\n".join(lines[:12]))
    print("```")


def main():
    if os.geteuid() != 0:
        sys.exit("bench: run as root (tracewatch needs tracefs)")
    tmp = tempfile.mkdtemp(prefix="twbench-")
    try:
        tiny = os.path.join(tmp, "twtiny")
        src = os.path.join(tmp, "tiny.c")
        with open(src, "w") as f:
            f.write("int main(void) { return 0; }\n")
        subprocess.run(["cc", "-O2", "-static", "-o", tiny, src], check=True)
        t0 = time.time()
        print(f"# tracewatch benchmarks ({os.cpu_count()} CPUs, {os.uname().release}, "
              f"rounds={ROUNDS})")
        only = os.environ.get("BENCH_ONLY")
        if only == "run":
            run_build(tmp)
            return
        overhead_table("Host overhead, syscall-heavy", [
            ("getppid x5M", [f"{TOOLS}/bench-getppid", "5000000"]),
            ("dd bs=1 count=2M", ["dd", "if=/dev/zero", "of=/dev/null", "bs=1", "count=2000000"]),
        ])
        overhead_table("Host overhead, exec-heavy", [
            ("3,000 fork+exec", [f"{TOOLS}/bench-exec", tiny, "3000"]),
        ])
        loss_at_limit(tiny, tmp)
        pipeline(tiny, tmp)
        record_cost(tiny, tmp)
        memory(tiny)
        latency(tiny, tmp)
        run_build(tmp)
        print(f"\n(bench ran {time.time() - t0:.0f} s)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
