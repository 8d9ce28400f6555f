# SPDX-License-Identifier: GPL-2.0
"""twlive.py - what the live tests share: the checker, a tracewatch runner, the escaping rule."""
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

TW = os.environ.get("TW_BIN", "build/tracewatch")
PROGS = os.environ.get("TW_PROGS", "build/progs")
TRACING = "/sys/kernel/tracing"
results = {"passed": 0, "failed": 0}


def check(name, cond, detail=""):
    results["passed" if cond else "failed"] += 1
    print(("ok   " if cond else "FAIL ") + name + ("" if cond else f": {detail}"), flush=True)
    return cond


def summary():
    print(f"{results['passed']} passed, {results['failed']} failed")
    return 1 if results["failed"] else 0


def run_cases(prefix, *cases):
    """Run each case(tmp) in one temporary directory, then check that nothing of tracewatch is
    left on the host; returns the summary's exit code."""
    tmp = tempfile.mkdtemp(prefix=prefix)
    try:
        for case in cases:
            case(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    check("nothing left on the host", not leftovers(), leftovers())
    return summary()


def escape(b):
    """The tool's reversible escaping rule, written again independently from the C code."""
    if isinstance(b, str):
        b = os.fsencode(b)
    out = []
    i = 0
    while i < len(b):
        c = b[i]
        if 0x20 <= c < 0x7f and c != 0x5c:
            out.append(chr(c))
            i += 1
            continue
        if c < 0x80:
            out.append({0x5c: "\\\\", 0x0a: "\\n", 0x09: "\\t", 0x0d: "\\r"}.get(c, "\\x%02x" % c))
            i += 1
            continue
        ch = None
        for n in (2, 3, 4):
            try:
                cand = b[i:i + n].decode("utf-8")
                if len(cand) == 1:
                    ch = cand
                    break
            except UnicodeDecodeError:
                pass
        if ch is None:
            out.append("\\x%02x" % c)
            i += 1
            continue
        cp = ord(ch)
        if 0x80 <= cp <= 0x9f or cp in (0x61c, 0x200e, 0x200f, 0x2028, 0x2029) or \
                0x202a <= cp <= 0x202e or 0x2066 <= cp <= 0x2069:
            out.append("\\u{%04X}" % cp)
        else:
            out.append(ch)
        i += len(ch.encode("utf-8"))
    return "".join(out)


def json_unescape(v):
    """The README's decoder for a JSON value whose key is listed in "escaped" (byte-escaped)."""
    return re.sub(rb"\\(\\|x[0-9a-f]{2})",
                  lambda m: b"\\" if m[1] == b"\\" else bytes.fromhex(m[1][1:].decode()),
                  v.encode())


def json_bytes(rec):
    """A JSON record with every string (and argv element) as the exact bytes (README recipe)."""
    esc = set(rec.get("escaped", ()))
    out = {}
    for k, v in rec.items():
        dec = json_unescape if k in esc else str.encode
        if isinstance(v, str):
            v = dec(v)
        elif isinstance(v, list) and k != "escaped":
            v = [dec(a) for a in v]
        out[k] = v
    return out


def json_escaped(rec):
    """A JSON record with its strings as escape() of their bytes, the form the tests compare."""
    return {k: escape(v) if isinstance(v, bytes) else
            [escape(a) for a in v] if isinstance(v, list) and k != "escaped" else v
            for k, v in json_bytes(rec).items()}


def instances(pid=None):
    names = os.listdir(f"{TRACING}/instances")
    if pid is None:
        return [n for n in names if n.startswith("tracewatch-")]
    return [n for n in names if n == f"tracewatch-{pid}"]


def probes(pid=None):
    with open(f"{TRACING}/dynamic_events") as f:
        lines = f.read().splitlines()
    tag = f"tracewatch_{pid}/" if pid else "tracewatch_"
    return [l for l in lines if tag in l]


def _alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def leftovers():
    """Instances and probes of tracewatch runs that are gone (another live run is not ours)."""
    left = [n for n in instances() if not _alive(int(n.split("-", 1)[1]))]
    for line in probes():
        pid = int(line.split("tracewatch_", 1)[1].split("/", 1)[0])
        if not _alive(pid):
            left.append(line[:80])
    return left


class Tracewatch:
    """A tracewatch run writing json (or csv) to a file; start() waits for the ready line."""

    def __init__(self, args=(), fmt="json"):
        self.args = list(args)
        self.fmt = fmt

    def start(self):
        self.tmp = tempfile.mkdtemp(prefix="twlive-")
        self.out = os.path.join(self.tmp, "out." + self.fmt)
        self.err = os.path.join(self.tmp, "err.txt")
        self.proc = subprocess.Popen([TW, "--format", self.fmt, "-o", self.out] + self.args,
                                     stderr=open(self.err, "w"))
        deadline = time.time() + 15
        while time.time() < deadline:
            if "tracewatch: tracing" in open(self.err).read():
                return self
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        if self.proc.poll() is None:   # no orphan left tracing (and holding our stdout)
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        raise RuntimeError("tracewatch did not start: " + open(self.err).read())

    def stop(self, sig=signal.SIGINT, settle=0.4):
        time.sleep(settle)
        self.proc.send_signal(sig)
        self.rc = self.proc.wait(timeout=60)
        self.stderr = open(self.err).read()
        with open(self.out, "rb") as f:
            self.raw = f.read()
        shutil.rmtree(self.tmp, ignore_errors=True)
        if self.fmt == "json":
            # Decoded by the README's recipe, then shown in escape() form for comparisons.
            return [json_escaped(json.loads(l)) for l in self.raw.decode().splitlines()
                    if l.strip()]
        return self.raw

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)
