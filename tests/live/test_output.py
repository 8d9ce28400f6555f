#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_output.py - the README's decoding recipes (JSON: Python and jq; CSV: Python, pandas,
DuckDB) run verbatim against a hostile-names run, and must give back the exact bytes."""
import csv
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from twlive import Tracewatch, check, leftovers, summary  # noqa: E402

README = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "README.md")

# Each hazard alone, then all at once: ESC, bidi U+202E, newline, comma, quote, invalid UTF-8,
# tab, backslash (with a literal "\x41" that must stay text), a leading space, pandas' "NA",
# wide characters.
NAMES = [
    b"esc\x1b[31mred",
    b"bidi\xe2\x80\xaetxt.exe",
    b"new\nline",
    b"com,ma",
    b'quo"te',
    b"bad\xff\xfeutf8",
    b"tab\there",
    b"back\\slash\\x41",
    b" lead",
    b"NA",
    b"\xe6\x97\xa5\xe6\x9c\xac",
    b"all\x1b\xe2\x80\xae\n,\"\xff\t\\",
]
DIR = b"d\x1b\xe2\x80\xae\n,\"\xff\t\\x41 "
ARGS = [b"arg \x1b\xff\n,\"'\\", b"", b"it's", b"\xe2\x80\xae"]


def recipe(name):
    """The code block that follows <!-- recipe:NAME --> in the README."""
    text = open(README, encoding="utf-8").read()
    m = re.search(r"<!-- recipe:" + re.escape(name) + r" -->\n```\w+\n(.*?)```", text, re.S)
    if not m:
        raise RuntimeError(f"README has no recipe {name}")
    return m.group(1)


def load(*names):
    """Run the README recipes @names in one namespace and return it."""
    ns = {}
    for n in names:
        exec(compile(recipe(n), f"README:{n}", "exec"), ns)
    return ns


def workload(base):
    """Programs and a directory with hostile names, each run as ./NAME from that directory."""
    d = os.path.join(base, DIR)
    os.mkdir(d)
    for n in NAMES:
        shutil.copy("/bin/true", os.path.join(d, n))
    for n in NAMES:
        subprocess.run([b"./" + n] + ARGS, cwd=d, check=True)
    return d


def check_records(fmt, recs, d):
    """@recs: decoded records (dicts of bytes / ints); every hostile program, exactly."""
    for n in NAMES:
        want_path = os.path.join(d, n)
        got = [r for r in recs if r.get("event") in ("exec", b"exec")
               and r.get("filename") == b"./" + n]
        if not check(f"{fmt}: record of {n!r}", len(got) == 1, f"{len(got)} records"):
            continue
        r = got[0]
        check(f"{fmt}: {n!r} path is the exact bytes", r["path"] == want_path,
              f"want {want_path!r}, got {r['path']!r}")
        check(f"{fmt}: {n!r} path exists", isinstance(r["path"], bytes)
              and os.path.exists(r["path"]), repr(r["path"]))
        check(f"{fmt}: {n!r} cwd", r["cwd"] == d and os.path.isdir(r["cwd"]),
              f"want {d!r}, got {r['cwd']!r}")
        check(f"{fmt}: {n!r} comm", r["comm"] == n[:15], f"got {r['comm']!r}")
        check(f"{fmt}: {n!r} argv", r["argv"] == [b"./" + n] + ARGS, f"got {r['argv']!r}")


def json_part(raw, d):
    ns = load("json-python")
    recs = [ns["tw_record_bytes"](json.loads(l)) for l in raw.decode().splitlines()]
    check_records("json (Python recipe)", recs, d)
    # A valid name is never listed; one with an invalid byte always is.
    mine = [r for r in recs if r.get("cwd") == d and r.get("event") == b"exec"]
    for r in mine:
        bad = any(b"\xff" in r[k] for k in ("path", "filename"))
        check(f"json: 'escaped' lists path exactly when it is not UTF-8 ({r['filename']!r})",
              ("path" in r.get("escaped", [])) == bad, r.get("escaped"))
    # The JSON text itself never carries a raw control byte or bidi character.
    check("json: no raw control byte or U+202E in the text",
          not re.search(rb"[\x00-\x1f\x7f]|\xe2\x80\xae|\xc2[\x80-\x9f]", raw.replace(b"\n", b"")),
          "")
    # jq 1.6 + bash: the NUL-separated exact paths.
    if not shutil.which("jq"):
        print("skip json-jq: jq is not installed")
        return
    with tempfile.NamedTemporaryFile(suffix=".json") as f:
        f.write(raw)
        f.flush()
        script = recipe("json-jq").replace("execs.json", f.name)
        out = subprocess.run(["bash", "-c", script], capture_output=True, check=True).stdout
    paths = set(out.split(b"\0"))
    for n in NAMES:
        check(f"json (jq recipe): exact path of {n!r}", os.path.join(d, n) in paths, "")


def csv_part(raw, d):
    ns = load("csv-unescape")
    rows = list(csv.DictReader(io.StringIO(raw.decode(), newline="")))
    check("csv: one line per record", len(raw.splitlines()) == len(rows) + 1,
          f"{len(raw.splitlines())} lines, {len(rows)} rows")
    recs = [{k: ns["tw_argv"](v) if k == "argv" else ns["tw_unescape"](v) for k, v in r.items()}
            for r in rows]
    check_records("csv (Python recipe)", recs, d)

    try:
        import pandas  # noqa: F401
    except ImportError:
        print("skip csv-pandas: pandas is not installed (Debian: python3-pandas)")
    else:
        ns = load("csv-unescape", "csv-pandas")
        with tempfile.NamedTemporaryFile(suffix=".csv") as f:
            # The real run, plus a row with 64-bit values at their limits and ppid unknown.
            header = raw.split(b"\n")[0].decode().split(",")
            extra = dict.fromkeys(header, "")
            extra.update(timestamp="2026-11-30T00:00:00.000000000Z", ts_ns=str(2**64 - 1),
                         event="exec", pid="1", tid="1", uid="0", cgroup_id=str(2**64 - 1))
            f.write(raw + ",".join(extra[h] for h in header).encode() + b"\n")
            f.flush()
            df = ns["tw_read_csv"](f.name)
        check("pandas: ppid, uid Int64; ts_ns, cgroup_id UInt64",
              [str(df[c].dtype) for c in ("ppid", "uid", "ts_ns", "cgroup_id")] ==
              ["Int64", "Int64", "UInt64", "UInt64"], str(df.dtypes.to_dict()))
        last = df.iloc[-1]
        check("pandas: 64-bit values exact, unknown is <NA>",
              int(last["cgroup_id"]) == 2**64 - 1 and int(last["ts_ns"]) == 2**64 - 1
              and last["ppid"] is pandas.NA, f"{last['cgroup_id']} {last['ts_ns']} {last['ppid']}")
        recs = [{k: (None if v is pandas.NA else v) for k, v in r.items()}
                for r in df.iloc[:-1].to_dict("records")]
        check_records("csv (pandas recipe)", recs, d)

    try:
        import duckdb  # noqa: F401
    except ImportError:
        print("skip csv-duckdb: duckdb is not installed (no Debian package)")
    else:
        ns = load("csv-unescape", "csv-duckdb")
        with tempfile.NamedTemporaryFile(suffix=".csv") as f:
            f.write(raw)
            f.flush()
            rel = ns["tw_read_csv_duckdb"](f.name)
            cols = rel.columns
            rows = rel.fetchall()
        recs = []
        for row in rows:
            r = dict(zip(cols, row))
            recs.append({k: ns["tw_argv"](v) if k == "argv" and v is not None else
                         ns["tw_unescape"](v) if isinstance(v, str) else v
                         for k, v in r.items()})
        check("duckdb: integer columns are integers",
              all(isinstance(r["ts_ns"], int) for r in recs), "")
        check_records("csv (DuckDB recipe)", recs, d)


def main():
    if os.geteuid() != 0:
        print("needs root")
        print("0 passed, 1 failed")
        return 1
    base = tempfile.mkdtemp(prefix="twout-").encode()
    tj, tc = Tracewatch(fmt="json"), Tracewatch(fmt="csv")
    try:
        tj.start()
        tc.start()
        d = workload(base)
        raw_csv = tc.stop()
        tj.stop()
        raw_json = tj.raw
        check("both runs ended cleanly", tj.rc == 0 and tc.rc == 0, f"{tj.rc} {tc.rc}")
        json_part(raw_json, d)
        csv_part(raw_csv, d)
    finally:
        for t in (tj, tc):     # after an exception: stop what runs, cleanly (SIGINT)
            if getattr(t, "proc", None) and t.proc.poll() is None:
                t.proc.send_signal(signal.SIGINT)
                t.proc.wait(timeout=60)
                shutil.rmtree(t.tmp, ignore_errors=True)
        shutil.rmtree(base, ignore_errors=True)
    check("no tracewatch leftovers", not leftovers(), str(leftovers()))
    return summary()


if __name__ == "__main__":
    sys.exit(main())
