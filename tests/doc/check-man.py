#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""check-man.py - the manual page says what the binary does: options, commands, fields, values.

Usage: check-man.py TRACEWATCH_BINARY MANPAGE

Fails (exit 1) when:
- an option that `tracewatch --help` (or `tracewatch CMD --help`) defines is missing from the
  man page's OPTIONS section (or the command's "tracewatch CMD" subsection), or the other
  way round;
- a command listed under "Commands:" in --help has no subsection;
- an option mentioned anywhere in the man page is defined by no --help;
- a record field (the column table of src/sink.c), a path_source / cwd_source / argv_source
  value (the string literals src/model.c assigns) or an exit code (include/exitcode.h) is
  missing from the man page;
- groff or man print a warning while rendering it.
A subsection for a command that this binary does not list yet (written ahead of its code) is
reported as SKIP, not checked.
Prints "N passed, M failed" like the live tests.
"""
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
results = {"passed": 0, "failed": 0}
OPT = re.compile(r"(?<![\w-])(--?[A-Za-z0-9][A-Za-z0-9-]*)")


def check(name, cond, detail=""):
    results["passed" if cond else "failed"] += 1
    print(("ok   " if cond else "FAIL ") + name + ("" if cond else f": {detail}"), flush=True)


def help_text(tw, cmd):
    argv = [tw] + ([cmd] if cmd else []) + ["--help"]
    p = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {p.returncode}: {p.stderr.strip()}")
    return p.stdout


def help_options(text):
    """Options a --help text defines: lines '  -x, --long ARG   description' of its lists."""
    opts = set()
    for line in text.splitlines():
        m = re.match(r"^ {1,8}(-[^ ].*)$", line)
        if not m:
            continue
        term = re.split(r" {2,}", m.group(1))[0]     # the option column ends at a wide gap
        opts.update(t for t in OPT.findall(term))
    return opts


def help_commands(text):
    """Command names listed in the 'Commands:' block of the main --help."""
    cmds, inside = [], False
    for line in text.splitlines():
        if line.strip() == "Commands:":
            inside = True
            continue
        if inside:
            if not line.strip():
                break
            m = re.match(r"^  ([a-z][a-z0-9-]*)\s", line)
            if m:
                cmds.append(m.group(1))
    return cmds


def roff_plain(line):
    """A roff line as text: font escapes dropped, \\- as -."""
    line = re.sub(r"\\f(\[[^]]*\]|.)", "", line)
    return line.replace("\\-", "-").replace("\\(em", "-").replace("\\e", "\\")


def man_sections(src):
    """{(SH title, SS title or None): [lines]} of the roff source."""
    secs, sh, ss = {}, None, None
    for line in src.splitlines():
        m = re.match(r'^\.(SH|SS)\s+"?([^"]*)"?\s*$', line)
        if m:
            if m.group(1) == "SH":
                sh, ss = m.group(2), None
            else:
                ss = m.group(2)
            continue
        secs.setdefault((sh, ss), []).append(line)
    return secs


def man_defined(lines):
    """Options defined in a section: the term line after each .TP."""
    opts = set()
    for i, line in enumerate(lines[:-1]):
        if line.startswith(".TP"):
            opts.update(OPT.findall(roff_plain(lines[i + 1])))
    return opts


def man_mentioned(lines):
    """Long options the text mentions; in examples (.EX/.EE) only on tracewatch's lines."""
    opts, example = set(), False
    for line in lines:
        if line.startswith(".EX") or line.startswith(".EE"):
            example = line.startswith(".EX")
            continue
        if line.startswith('.\\"') or (example and not re.search(r"\btracewatch\s", line)):
            continue
        opts.update(o for o in OPT.findall(roff_plain(line)) if o.startswith("--"))
    return opts


def source_values():
    """Record fields and provenance values, from the source files that define them."""
    sink = open(os.path.join(ROOT, "src/sink.c")).read()
    fields = re.findall(r'\[TW_COL_\w+\]\s*=\s*\{\s*"([a-z_]+)"', sink)
    model = open(os.path.join(ROOT, "src/model.c")).read()
    values = {}
    for kind in ("path_source", "cwd_source", "argv_source"):
        found = set()
        # rec->x_source = "a"; rec->x_source = cond ? "a" : "b"; rec->x_source = local;
        for rhs in re.findall(r"->" + kind + r"\s*=\s*([^;]*);", model):
            found.update(re.findall(r'"([a-z-]+)"', rhs))
            if re.fullmatch(r"\s*[a-z_]+\s*", rhs):
                local = rhs.strip()
                for lrhs in re.findall(r"(?<![>.\w])" + local + r"\s*=\s*([^;]*);", model):
                    found.update(re.findall(r'"([a-z-]+)"', lrhs))
        values[kind] = found
    # cwd values also come as the source argument of cwd_new() / cwd_from_string()
    for call in re.findall(r"\bcwd_(?:new|from_string)\((?:[^;]*?)\);", model, re.S):
        values["cwd_source"].update(re.findall(r'"([a-z-]+)"', call))
    exitcodes = re.findall(r"TW_EXIT_\w+\s*=\s*(\d+)", open(os.path.join(ROOT, "include/exitcode.h")).read())
    return fields, values, exitcodes


def defined_terms(lines):
    """The words a section defines with .TP / .B term lines."""
    terms = set()
    for i, line in enumerate(lines[:-1]):
        if line.startswith(".TP"):
            terms.add(roff_plain(re.sub(r"^\.B\S*\s+", "", lines[i + 1])).strip().strip('"'))
    return terms


def render_warnings(man):
    out = []
    p = subprocess.run(["groff", "-man", "-ww", "-z", man], capture_output=True, text=True)
    out.append(("groff -man -ww -z", p.returncode, p.stderr.strip()))
    if shutil.which("man"):
        env = dict(os.environ, MANWIDTH="80", LC_ALL="C.UTF-8")
        p = subprocess.run(["man", "--warnings", "-l", man], capture_output=True, text=True, env=env)
        out.append(("man --warnings -l", p.returncode, p.stderr.strip()))
    return out


def main():
    if len(sys.argv) != 3:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    tw, man = sys.argv[1], sys.argv[2]
    src = open(man).read()
    secs = man_sections(src)

    main_help = help_text(tw, None)
    cmds = help_commands(main_help)
    check("--help lists at least one command", bool(cmds), main_help)
    all_help = set(help_options(main_help))
    helps = {None: help_options(main_help)}
    for c in cmds:
        helps[c] = help_options(help_text(tw, c))
        all_help |= helps[c]

    # The main command: OPTIONS both ways.
    man_main = man_defined(secs.get(("OPTIONS", None), []))
    check("main --help options all in OPTIONS", helps[None] <= man_main,
          f"missing from the man page: {sorted(helps[None] - man_main)}")
    check("OPTIONS all in main --help", man_main <= helps[None],
          f"not in --help: {sorted(man_main - helps[None])}")

    # Each command: its subsection both ways.
    man_cmds = {ss.split()[1]: lines for (sh, ss), lines in secs.items()
                if sh == "COMMANDS" and ss and ss.startswith("tracewatch ")}
    skipped_lines = []
    for c in cmds:
        if c not in man_cmds:
            check(f"command {c} has a 'tracewatch {c}' subsection", False, "none in COMMANDS")
            continue
        d = man_defined(man_cmds[c])
        check(f"{c} --help options all in its subsection", helps[c] <= d,
              f"missing from the man page: {sorted(helps[c] - d)}")
        check(f"{c} subsection options all in {c} --help", d <= helps[c],
              f"not in '{c} --help': {sorted(d - helps[c])}")
    for c, lines in man_cmds.items():
        if c not in cmds:
            print(f"SKIP command {c}: documented ahead of its code, not in this binary's --help")
            skipped_lines += lines

    # Any option the page mentions outside those subsections exists somewhere.
    checked = [l for (sh, ss), lines in secs.items() for l in lines
               if not (sh == "COMMANDS" and ss and ss.split()[-1] not in cmds)]
    unknown = man_mentioned(checked) - all_help
    check("every option mentioned in the man page is defined by a --help", not unknown,
          f"unknown: {sorted(unknown)}")

    fields, values, exitcodes = source_values()
    check("record fields found in src/sink.c", len(fields) >= 10, fields)
    have = defined_terms(secs.get(("OUTPUT", "Fields"), []))
    check("every record field has an entry under OUTPUT/Fields", set(fields) <= have,
          f"missing: {sorted(set(fields) - have)}")
    check("no field entry that the code does not have", have <= set(fields),
          f"extra: {sorted(have - set(fields))}")
    for kind, vals in values.items():
        check(f"{kind} values found in src/model.c", len(vals) >= 3,
              f"{sorted(vals)}: update source_values() in {sys.argv[0]} for the new code")
        have = defined_terms(secs.get(("OUTPUT", f"{kind} values"), []))
        check(f"every {kind} value has an entry", vals <= have, f"missing: {sorted(vals - have)}")
        check(f"no {kind} entry that the code does not produce", have <= vals,
              f"extra: {sorted(have - vals)}")
    have = defined_terms(secs.get(("EXIT STATUS", None), []))
    check("every exit code of include/exitcode.h under EXIT STATUS",
          exitcodes and all(e in have or f"{e}+N" in have for e in exitcodes),
          f"codes {exitcodes}, entries {sorted(have)}")
    for name, rc, err in render_warnings(man):
        check(f"{name} renders without warnings", rc == 0 and not err, err[:500])
    print(f"{results['passed']} passed, {results['failed']} failed")
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
