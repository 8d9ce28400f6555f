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
  value (the name table tw_prov_table of src/provenance.c, each name under the keys its
  P/C/A used_for letters give) or an exit code (include/exitcode.h) is missing from the man
  page, or the man page lists a field or a provenance value (under a key) that the code does
  not have;
- README.md's path_source table lists a value that tw_prov_table has not as a path_source
  (rows it adds or leaves out are not checked there: the man page is the full list);
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


PROV_KINDS = {"P": "path_source", "C": "cwd_source", "A": "argv_source", "U": "uid_source"}


def prov_table():
    """{name: set of path_source/cwd_source/argv_source} from src/provenance.c's tw_prov_table.

    Each entry reads '[TW_PROV_X] = { "name", P | C, "meaning" }'; NULL names (no value) are
    skipped. A used_for term other than P, C and A fails: the check must learn it first.
    """
    src = open(os.path.join(ROOT, "src/provenance.c")).read()
    m = re.search(r"\btw_prov_table\s*\[[^]]*\]\s*=\s*\{(.*?)\n\};", src, re.S)
    if not m:
        raise RuntimeError("src/provenance.c: no 'tw_prov_table[...] = { ... };' found")
    table, seen = {}, set()
    for enum, name, used in re.findall(
            r'\[(TW_PROV_\w+)\]\s*=\s*\{\s*(NULL|"[^"]*")\s*,\s*([^,]*),', m.group(1)):
        seen.add(enum)
        if name == "NULL":
            continue
        letters = [t.strip() for t in used.split("|")]
        bad = [t for t in letters if t not in PROV_KINDS]
        if bad:
            raise RuntimeError(f"src/provenance.c: entry {name}: used_for {used.strip()!r} is "
                               f"not made of P, C, A, U: teach {sys.argv[0]} the new key")
        table[name.strip('"')] = {PROV_KINDS[t] for t in letters}
    # Every value of enum tw_prov must have been read: a missed entry would go unchecked.
    hdr = open(os.path.join(ROOT, "include/provenance.h")).read()
    enum = re.search(r"enum tw_prov\s*\{(.*?)\};", hdr, re.S)
    members = set(re.findall(r"^\s*(TW_PROV_\w+)\s*[,=]", enum.group(1), re.M)) if enum else set()
    members.discard("TW_PROV_NR")
    if not members or members != seen:
        raise RuntimeError(f"src/provenance.c: read entries {sorted(seen)} but enum tw_prov "
                           f"has {sorted(members)}: update prov_table() in {sys.argv[0]}")
    return table


def source_values():
    """Record fields, provenance values and exit codes, from the source files that define them."""
    sink = open(os.path.join(ROOT, "src/sink.c")).read()
    fields = re.findall(r'\[TW_COL_\w+\]\s*=\s*\{\s*"([a-z_]+)"', sink)
    table = prov_table()
    values = {kind: {n for n, used in table.items() if kind in used}
              for kind in PROV_KINDS.values()}
    exitcodes = re.findall(r"TW_EXIT_\w+\s*=\s*(\d+)", open(os.path.join(ROOT, "include/exitcode.h")).read())
    return fields, values, exitcodes


def readme_path_sources():
    """The values README.md's path_source table lists: the first cell of each row, in
    backquotes, of the table that follows the line that mentions `path_source` and comes
    before the next heading. None when README has no such table."""
    try:
        text = open(os.path.join(ROOT, "README.md")).read()
    except OSError:
        return None
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if "`path_source`" not in line or line.lstrip().startswith("|"):
            continue
        vals, in_table = set(), False
        for l in lines[i + 1:]:
            if l.startswith("#"):
                break
            if l.lstrip().startswith("|"):
                in_table = True
                cell = l.strip().strip("|").split("|")[0].strip()
                m = re.fullmatch(r"`([a-z-]+)`", cell)
                if m:
                    vals.add(m.group(1))
            elif in_table:
                break
        if in_table:
            return vals
    return None


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

    try:
        fields, values, exitcodes = source_values()
    except (OSError, RuntimeError) as e:
        check("the source's tables of fields, provenance values and exit codes read", False, e)
        print(f"{results['passed']} passed, {results['failed']} failed")
        return 1
    check("record fields found in src/sink.c", len(fields) >= 10, fields)
    have = defined_terms(secs.get(("OUTPUT", "Fields"), []))
    check("every record field has an entry under OUTPUT/Fields", set(fields) <= have,
          f"missing: {sorted(set(fields) - have)}")
    check("no field entry that the code does not have", have <= set(fields),
          f"extra: {sorted(have - set(fields))}")
    for kind, vals in values.items():
        check(f"{kind} values found in src/provenance.c", len(vals) >= 3,
              f"{sorted(vals)}: update prov_table() in {sys.argv[0]} for the new code")
        have = defined_terms(secs.get(("OUTPUT", f"{kind} values"), []))
        check(f"every {kind} value of tw_prov_table has a man page entry", vals <= have,
              f"missing: {sorted(vals - have)}")
        check(f"no {kind} entry in the man page that tw_prov_table does not have for it",
              have <= vals, f"extra: {sorted(have - vals)}")
    readme = readme_path_sources()
    if readme is None:
        print("SKIP README.md path_source table: README lists no path_source table")
    else:
        # Rows may be added (explanations, grouped values); a value the code lacks is wrong.
        check("README.md's path_source table lists values", bool(readme), "no value found")
        check("every value in README.md's path_source table is a path_source of tw_prov_table",
              readme <= values["path_source"],
              f"not path_source values in src/provenance.c: {sorted(readme - values['path_source'])}")
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
