#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_kernel_sources.py - the fanotify and taskstats sources against the real kernel.

Drives tools/tw-sourcedump (one line per item) and checks, for real execs done here, that
each item names the exact file (device, inode, path, flags) and the right thread; and, for
real task ends, the uid, exit status, signal, parent and thread group. Waits on the lines
themselves (a 'sync' round trip proves that everything queued before was printed): no sleeps.
Prints "N passed, M failed" and exits non-zero on any failure.
"""
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from twlive import check, summary  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TOOLS = os.environ.get("TW_TOOLS", os.path.join(ROOT, "build", "tools"))
DUMP = os.path.join(TOOLS, "tw-sourcedump")
PROGS = os.environ.get("TW_PROGS", os.path.join(ROOT, "build", "progs"))
PY = "/usr/bin/python3"
TIMEOUT = 20


def unescape(s):
    """Reverse of the tool's escaping for the paths used here (plain ASCII, spaces)."""
    return s.replace("\\\\", "\\")


def parse(line):
    kind, _, rest = line.partition(" ")
    d = {"_": kind}
    # path= and comm= are last and may hold spaces.
    for last in (" path=", " comm=", " where="):
        if last in " " + rest:
            head, _, tail = (" " + rest).partition(last)
            d[last.strip(" =")] = unescape(tail)
            rest = head.strip()
    for kv in rest.split():
        k, _, v = kv.partition("=")
        d[k] = v
    return d


class Dump:
    def __init__(self, args=()):
        self.p = subprocess.Popen([DUMP] + list(args), stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.q = queue.Queue()
        self.lines = []
        self.t = threading.Thread(target=self._reader, daemon=True)
        self.t.start()
        self.wait(lambda d: d["_"] == "ready")
        self.tokens = 0

    def _reader(self):
        for line in self.p.stdout:
            self.q.put(line.rstrip("\n"))
        self.q.put(None)

    def wait(self, pred, timeout=TIMEOUT):
        """The first line (seen or still to come) matching pred, or None at the timeout."""
        for d in self.lines:
            if pred(d):
                return d
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                line = self.q.get(timeout=max(0.01, deadline - time.time()))
            except queue.Empty:
                break
            if line is None:
                break
            d = parse(line)
            self.lines.append(d)
            if pred(d):
                return d
        return None

    def sync(self):
        """Everything the kernel queued before this call has been printed when it returns."""
        self.tokens += 1
        tok = f"t{self.tokens}"
        self.p.stdin.write(f"sync {tok}\n")
        self.p.stdin.flush()
        return self.wait(lambda d: d["_"] == "sync" and tok in d) is not None

    def command(self, text, pred):
        self.p.stdin.write(text + "\n")
        self.p.stdin.flush()
        return self.wait(pred)

    def execs(self, tid):
        return [d for d in self.lines if d["_"] == "exec" and d.get("tid") == str(tid)]

    def close(self):
        self.p.stdin.close()
        rc = self.p.wait(timeout=TIMEOUT)
        err = self.p.stderr.read()
        return rc, err


def ident(path):
    st = os.stat(path)
    return f"{os.major(st.st_dev)}:{os.minor(st.st_dev)}", str(st.st_ino)


def is_file(d, path):
    dev, ino = ident(path)
    return d["_"] == "exec" and d["dev"] == dev and d["ino"] == ino


def loader():
    return os.path.realpath("/lib64/ld-linux-x86-64.so.2")


def run(argv, **kw):
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    p.wait()
    return p


def expect_exec(dump, name, pid, path, want_path=None, flags="-", kind="path"):
    """pid's exec of path arrives with its identity, path and flags; returns the item."""
    d = dump.wait(lambda d: d.get("tid") == str(pid) and is_file(d, path))
    if not check(f"{name}: an item for the file, by the exec'ing thread", d is not None,
                 f"pid {pid} {path}: {dump.execs(pid)}"):
        return None
    want = want_path if want_path is not None else os.path.realpath(path)
    check(f"{name}: kind={kind} path={want!r} flags={flags}",
          d["kind"] == kind and d.get("path") == want and d["flags"] == flags, str(d))
    return d


def fanotify_tests(tmp):
    prog = os.path.join(tmp, "prog")
    shutil.copy("/bin/true", prog)
    os.chmod(prog, 0o755)
    dump = Dump(["--no-taskstats"])
    try:
        marks = [d for d in dump.lines if d["_"] == "mark"]
        root_dev, _ = ident("/")
        check("marks: the root filesystem is marked",
              any(m["dev"] == root_dev and m["err"] == "0" for m in marks), str(marks))
        check("marks: no pseudo filesystem (proc, sysfs, cgroup) is marked",
              not any(m["fstype"] in ("proc", "sysfs", "cgroup", "cgroup2", "tracefs")
                      for m in marks), str(marks))
        memfd_mark = [m for m in marks if m.get("where") == "memfd"]
        check("marks: the memfd superblock mark is refused (EINVAL) and listed as such",
              memfd_mark and memfd_mark[0]["err"] == "-22", str(memfd_mark))

        # Absolute exec: the program, then the ELF loader, same thread, in that order.
        p = run([prog])
        d = expect_exec(dump, "absolute", p.pid, prog)
        ld = dump.wait(lambda x: x.get("tid") == str(p.pid) and is_file(x, loader()))
        check("absolute: then the ELF loader by the same thread", ld is not None and d is not None
              and dump.lines.index(ld) > dump.lines.index(d), str(dump.execs(p.pid)))
        check("absolute: mode and owner from the file", d and d["mode"] == "100755"
              and d["uid"] == "0" and d["nlink"] == "1", str(d))

        # Relative after chdir, through a symlinked directory: the resolved path.
        link = os.path.join(tmp, "lnk")
        os.symlink(tmp, link)
        p = run(["./prog"], cwd=link)
        expect_exec(dump, "relative via a symlinked cwd", p.pid, prog)

        # execveat(dirfd), fexecve O_RDONLY, fexecve O_PATH.
        p = run([f"{PROGS}/exec_modes", "execveat", tmp, "prog"])
        expect_exec(dump, "execveat(dirfd)", p.pid, prog)
        p = run([f"{PROGS}/exec_modes", "fexecve", tmp, "prog"])
        expect_exec(dump, "fexecve O_RDONLY", p.pid, prog)
        p = run([PY, "-c", f"import os; fd = os.open({prog!r}, os.O_PATH); "
                 "os.execve(fd, ['prog'], {})"])
        expect_exec(dump, "fexecve O_PATH", p.pid, prog)

        # A non-leader thread execs: the program's item carries that thread's id.
        p = run([f"{PROGS}/exec_modes", "thread-exec", "-", prog])
        d = dump.wait(lambda x: is_file(x, prog) and x.get("tid") != str(p.pid)
                      and int(x["tid"]) > p.pid)
        ld = d and dump.wait(lambda x: is_file(x, loader()) and dump.lines.index(x) >
                             dump.lines.index(d) and x.get("tid") in (d["tid"], str(p.pid)))
        check("thread exec: the program's item has the exec'ing thread's id, not the leader's",
              d is not None, str([x for x in dump.lines if x["_"] == "exec"][-4:]))
        print(f"info: thread exec: leader {p.pid}, program item tid {d and d['tid']}, "
              f"loader item tid {ld and ld['tid']}")

        # #! script: the script, then its interpreter, then the loader.
        script = os.path.join(tmp, "script.sh")
        with open(script, "w") as f:
            f.write("#!/bin/sh\nexit 0\n")
        os.chmod(script, 0o755)
        p = run([script])
        s = expect_exec(dump, "script", p.pid, script)
        i = expect_exec(dump, "script interpreter", p.pid, "/bin/sh")
        ld = dump.wait(lambda x: x.get("tid") == str(p.pid) and is_file(x, loader()))
        check("script: order is script, interpreter, loader",
              s and i and ld and dump.lines.index(s) < dump.lines.index(i) < dump.lines.index(ld),
              str(dump.execs(p.pid)))

        # Set-user-ID program: the bit and the owner come with the item.
        suid = os.path.join(tmp, "suid")
        shutil.copy("/bin/true", suid)
        os.chown(suid, 65534, 65534)
        os.chmod(suid, 0o4755)
        p = run([suid])
        d = expect_exec(dump, "set-user-ID", p.pid, suid)
        check("set-user-ID: mode 104755, owner 65534", d and d["mode"] == "104755"
              and d["uid"] == "65534" and d["gid"] == "65534", str(d))

        # A deleted file (exec through an fd kept open across the unlink).
        gone = os.path.join(tmp, "gone")
        shutil.copy("/bin/true", gone)
        dev, ino = ident(gone)
        p = run([PY, "-c", f"import os; fd = os.open({gone!r}, os.O_RDONLY); "
                 f"os.unlink({gone!r}); os.execve(fd, ['gone'], {{}})"])
        d = dump.wait(lambda x: x.get("tid") == str(p.pid) and x.get("ino") == ino
                      and x.get("dev") == dev)
        check("deleted: kind=path, flags=deleted, the old path without the suffix, nlink 0",
              d and d["kind"] == "path" and d["flags"] == "deleted"
              and d["path"] == os.path.realpath(tmp) + "/gone" and d["nlink"] == "0", str(d))

        # A real file named "x (deleted)" is a real path.
        tricky = os.path.join(tmp, "x (deleted)")
        shutil.copy("/bin/true", tricky)
        os.chmod(tricky, 0o755)
        p = run([tricky])
        expect_exec(dump, "a real name ending in ' (deleted)'", p.pid, tricky)

        # memfd exec: the kernel refuses marks on the memfd superblock, so only the
        # loader's open is seen, and nothing passes the memfd off as a path.
        p = run([PY, "-c", "import os; fd = os.memfd_create('twpayload'); "
                 "os.write(fd, open('/bin/true', 'rb').read()); os.execve(fd, ['x'], {})"])
        dump.wait(lambda x: len([y for y in dump.execs(p.pid) if is_file(y, loader())]) == 2)
        dump.sync()
        items = dump.execs(p.pid)
        check("memfd exec: no item names the memfd (not seen on this kernel) and none is a "
              "path other than python's and the loaders'",
              len([y for y in items if is_file(y, loader())]) == 2
              and all(x["path"] in (os.path.realpath(PY), loader()) for x in items), str(items))

        # Failed execs: no x bit -> refused before the open, no item; x bit but not a
        # valid format (ENOEXEC) -> opened, so an item.
        noexec = os.path.join(tmp, "noexec")
        shutil.copy("/bin/true", noexec)
        os.chmod(noexec, 0o644)
        bad = os.path.join(tmp, "badformat")
        with open(bad, "wb") as f:
            f.write(b"\x7fELF garbage that is not an executable")
        os.chmod(bad, 0o755)
        p = run([PY, "-c", f"import os\nfor f in ({noexec!r}, {bad!r}):\n"
                 "    try: os.execv(f, [f])\n    except OSError as e: print(e.errno)"],)
        d = dump.wait(lambda x: x.get("tid") == str(p.pid) and is_file(x, bad))
        check("failed exec (ENOEXEC): the file was opened, an item comes", d is not None,
              str(dump.execs(p.pid)))
        dump.sync()
        check("failed exec (EACCES, no x bit): refused before the open, no item",
              not any(is_file(x, noexec) for x in dump.execs(p.pid)), str(dump.execs(p.pid)))

        # A new mount in our namespace is marked as it appears.
        mnt = os.path.join(tmp, "mnt")
        os.mkdir(mnt)
        subprocess.run(["mount", "-t", "tmpfs", "twtest", mnt], check=True)
        try:
            m = dump.wait(lambda x: x["_"] == "mark" and x.get("where") == mnt)
            check("new mount: marked when it appears", m is not None and m["err"] == "0",
                  str([x for x in dump.lines if x["_"] == "mark"]))
            mprog = os.path.join(mnt, "prog")
            shutil.copy("/bin/true", mprog)
            os.chmod(mprog, 0o755)
            p = run([mprog])
            expect_exec(dump, "new mount: exec from it", p.pid, mprog)
        finally:
            subprocess.run(["umount", mnt])

        namespace_tests(dump, tmp, prog)
    finally:
        rc, err = dump.close()
        check("tw-sourcedump (fanotify) exits 0 without messages", rc == 0 and not err,
              f"rc={rc} {err}")


def namespace_tests(dump, tmp, prog):
    """Another mount namespace: its own tmpfs is unmarked until mark_namespace(pid)."""
    script = ("mount -t tmpfs twns /mnt && cp /bin/true /mnt/nsprog && echo up && read x && "
              "/mnt/nsprog && /usr/bin/true && echo done")
    p = subprocess.Popen(["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        check("other namespace: started", p.stdout.readline().strip() == "up")
        # The shell is unshare's exec'd child or unshare itself (it execs sh).
        r = dump.command(f"ns {p.pid}", lambda x: x["_"] == "ns")
        marks = [x for x in dump.lines if x["_"] == "mark" and x.get("where", "").startswith(
            f"/proc/{p.pid}/root/mnt")]
        check("other namespace: its tmpfs is marked through /proc/PID/root",
              r is not None and r.get("marked") != "0" and marks and marks[0]["err"] == "0",
              f"{r} {marks}")
        p.stdin.write("go\n")
        p.stdin.flush()
        check("other namespace: ran", p.stdout.readline().strip() == "done")
        p.wait()
        dump.sync()
        items = [x for x in dump.lines if x["_"] == "exec" and x.get("path") == "/mnt/nsprog"]
        check("other namespace: exec from its own mount, path in its view, flagged other_ns",
              len(items) == 1 and items[0]["flags"] == "other_ns", str(items))
        host = [x for x in dump.lines if x["_"] == "exec" and x.get("path") == "/usr/bin/true"
                and x["flags"] == "other_ns"]
        check("other namespace: a host file run there is flagged other_ns too (its mount is "
              "that namespace's copy)", len(host) >= 1, str(dump.lines[-6:]))
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()


PODMAN = ["podman", "--cgroup-manager=cgroupfs", "--events-backend=file", "--runtime", "runc"]
IMAGE = "localhost/twsrcbusybox:latest"


def podman_tests(tmp):
    """A real container: exec from its overlay root, after mark_namespace(its pid)."""
    bb = shutil.which("busybox") or "/bin/busybox"
    if not shutil.which("podman") or not shutil.which("runc") or not os.path.exists(bb):
        print("info: podman/runc/busybox not installed: container case skipped")
        return
    rootfs = os.path.join(tmp, "rootfs")
    os.makedirs(os.path.join(rootfs, "bin"))
    shutil.copy(bb, os.path.join(rootfs, "bin", "busybox"))
    for app in ("sh", "true", "cat"):
        os.symlink("busybox", os.path.join(rootfs, "bin", app))
    shutil.copy(bb, os.path.join(rootfs, "bin", "twsrc-inside"))
    tar = os.path.join(tmp, "rootfs.tar")
    subprocess.run(["tar", "-C", rootfs, "-cf", tar, "."], check=True)
    subprocess.run(PODMAN + ["import", tar, IMAGE], check=True, capture_output=True)
    name = f"twsrc-{os.getpid()}"
    dump = Dump(["--no-taskstats"])
    c = subprocess.Popen(PODMAN + ["run", "--rm", "-i", "--name", name, "--network=none",
                                   "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024",
                                   IMAGE, "/bin/sh", "-c",
                                   "echo up; read x; /bin/twsrc-inside true; echo done"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True)
    try:
        check("podman: container started", c.stdout.readline().strip() == "up")
        pid = subprocess.run(PODMAN + ["inspect", "-f", "{{.State.Pid}}", name],
                             capture_output=True, text=True).stdout.strip()
        r = dump.command(f"ns {pid}", lambda x: x["_"] == "ns")
        ov = [x for x in dump.lines if x["_"] == "mark" and x["fstype"] == "overlay"
              and x["err"] == "0"]
        check("podman: the container's overlay superblock is marked (mount watch or "
              "mark_namespace)", r is not None and int(r["marked"]) >= 0 and ov, f"{r} {ov}")
        c.stdin.write("go\n")
        c.stdin.flush()
        check("podman: container ran", c.stdout.readline().strip() == "done")
        c.wait(timeout=TIMEOUT)
        dump.sync()
        items = [x for x in dump.lines if x["_"] == "exec"
                 and x.get("path") == "/bin/twsrc-inside"]
        root_dev, _ = ident("/")
        ov_devs = {m["dev"] for m in ov}
        # overlayfs opens the file in its layer inside the overlay file's open: two items,
        # the layer's file (the host filesystem, a private mount of overlayfs) first, then
        # the overlay file; both not in our view.
        check("podman: two items, same thread: the layer's file, then the overlay's",
              len(items) == 2 and items[0]["tid"] == items[1]["tid"]
              and items[0]["dev"] == root_dev and items[1]["dev"] in ov_devs, str(items))
        check("podman: both flagged other_ns (never passed off as host paths)",
              items and all(x["flags"] == "other_ns" for x in items), str(items))
    finally:
        if c.poll() is None:
            c.kill()
            c.wait()
        subprocess.run(PODMAN + ["rm", "-f", name], capture_output=True)
        subprocess.run(PODMAN + ["rmi", "-f", IMAGE], capture_output=True)
        rc, err = dump.close()
        check("tw-sourcedump (podman) exits 0 without messages", rc == 0 and not err,
              f"rc={rc} {err}")


def taskstats_tests(tmp):
    dump = Dump(["--no-fanotify"])
    try:
        # su to nobody, exit 5: uid 65534, status 5 << 8, parent su.
        p = subprocess.Popen(["su", "nobody", "-s", "/bin/sh", "-c", "exit 5"])
        p.wait()
        d = dump.wait(lambda x: x["_"] == "exit" and x["ppid"] == str(p.pid)
                      and x["uid"] == "65534")
        check("taskstats: su nobody -c 'exit 5' ends as uid 65534 with status 5<<8",
              d is not None and d["status"] == str(5 << 8) and d["comm"] == "sh"
              and d["group_dead"] == "1", str(d))
        check("taskstats: kernel struct version >= 12 (tgid and exe fields)",
              d is not None and int(d["ver"]) >= 12, str(d))

        # Killed by a signal: status is the signal number, AXSIG flag.
        t0 = time.monotonic_ns()
        p = subprocess.Popen(["sleep", "1000"])
        p.kill()
        p.wait()
        d = dump.wait(lambda x: x["_"] == "exit" and x["pid"] == str(p.pid))
        check("taskstats: SIGKILL'd process ends with status 9 and AXSIG",
              d is not None and d["status"] == "9" and int(d["flag"], 16) & 0x10, str(d))
        dev, ino = ident(os.path.realpath("/bin/sleep"))
        check("taskstats: ppid, tgid and the executable's dev:ino",
              d and d["ppid"] == str(os.getpid()) and d["tgid"] == str(p.pid)
              and d["exe"] == f"{dev}:{ino}", str(d))
        check("taskstats: start_max is an upper bound no earlier than the start",
              d and t0 <= int(d["start_max"]) <= int(d["ts"]), f"t0={t0} {d}")

        # A thread's end: pid is the thread, tgid the process, not the group's last.
        tid = []
        t = threading.Thread(target=lambda: tid.append(threading.get_native_id()))
        t.start()
        t.join()
        d = dump.wait(lambda x: x["_"] == "exit" and tid and x["pid"] == str(tid[0]))
        check("taskstats: a thread's end has its tid, our tgid, group_dead 0",
              d is not None and d["tgid"] == str(os.getpid()) and d["group_dead"] == "0", str(d))

        # exit 3 of a direct child.
        p = subprocess.Popen(["sh", "-c", "exit 3"])
        p.wait()
        d = dump.wait(lambda x: x["_"] == "exit" and x["pid"] == str(p.pid))
        check("taskstats: exit 3 -> status 768, uid 0", d is not None and d["status"] == "768"
              and d["uid"] == "0", str(d))
    finally:
        rc, err = dump.close()
        check("tw-sourcedump (taskstats) exits 0 without messages", rc == 0 and not err,
              f"rc={rc} {err}")


def overflow_tests():
    """Queue overflows become 'lost' items, and the sources go on after them."""
    knob = "/proc/sys/fs/fanotify/max_queued_events"
    with open(knob) as f:
        saved = f.read().strip()
    # A new group takes the limit at fanotify_init(): lower it for the tool's start only.
    with open(knob, "w") as f:
        f.write("8")
    try:
        small = Dump(["--no-taskstats", "--lazy"])
        unlimited = Dump(["--no-taskstats", "--lazy", "--unlimited-queue"])
    finally:
        with open(knob, "w") as f:
            f.write(saved)
    pids = [run(["/bin/true"]).pid for _ in range(10)]
    for name, dump, want_lost in (("queue of 8", small, True),
                                  ("unlimited queue", unlimited, False)):
        dump.sync()
        lost = [i for i, x in enumerate(dump.lines) if x["_"] == "lost"]
        ours = [x for x in dump.lines if x["_"] == "exec" and int(x["tid"]) in pids]
        if want_lost:
            check(f"fanotify {name}: overflow gives a lost item after at most 8 items",
                  len(lost) >= 1 and len([x for x in dump.lines[:lost[0]]
                                          if x["_"] == "exec"]) <= 8, str(dump.lines[-3:]))
        else:
            check(f"fanotify {name}: no loss, all 20 items of the 10 execs",
                  not lost and len(ours) == 20, f"{len(lost)} lost, {len(ours)} items")
        p = run(["/bin/true"])
        check(f"fanotify {name}: items flow again after it",
              dump.sync() and any(int(x["tid"]) == p.pid for x in dump.lines
                                  if x["_"] == "exec"), str(dump.lines[-3:]))
        rc, err = dump.close()
        check(f"tw-sourcedump ({name}) exits 0 without messages", rc == 0 and not err,
              f"rc={rc} {err}")

    dump = Dump(["--no-fanotify", "--lazy", "--rcvbuf", "4096"])
    pids = [run(["/bin/true"]).pid for _ in range(30)]
    dump.sync()
    lost = [x for x in dump.lines if x["_"] == "lost"]
    ends = [x for x in dump.lines if x["_"] == "exit" and int(x["pid"]) in pids]
    check("taskstats: a 4 KiB socket buffer overflows: a lost item, fewer than 30 ends",
          lost and lost[0]["src"] == "taskstats" and len(ends) < 30,
          f"{len(lost)} lost, {len(ends)} ends")
    first = dump.lines.index(lost[0]) if lost else len(dump.lines)
    run(["/bin/true"])
    # With 4 KiB the host's other exits may overflow it again: any end after the loss will do.
    check("taskstats: ends flow again after it",
          dump.sync() and any(x["_"] == "exit" for x in dump.lines[first:]),
          str(dump.lines[first:][-3:]))
    rc, err = dump.close()
    check("tw-sourcedump (taskstats overflow) exits 0 without messages", rc == 0 and not err,
          f"rc={rc} {err}")


def no_privilege_tests():
    """Without capabilities both sources refuse to start with a clear message, exit 1."""
    drop = ["setpriv", "--bounding-set=-all", "--inh-caps=-all"]
    for args, want in ((["--no-taskstats"], "fanotify unavailable: fanotify_init: Operation not "
                        "permitted (it needs CAP_SYS_ADMIN in the initial user namespace)"),
                       (["--no-fanotify"], "taskstats unavailable: registering for CPUs")):
        r = subprocess.run(drop + [DUMP] + args, stdin=subprocess.DEVNULL, capture_output=True,
                           text=True)
        check(f"no capabilities, {args[0]}: exit 1, one clear message, nothing printed",
              r.returncode == 1 and want in r.stderr and len(r.stderr.splitlines()) == 1
              and not r.stdout, f"rc={r.returncode} {r.stderr!r} {r.stdout!r}")


def main():
    if os.geteuid() != 0:
        print("needs root")
        print("0 passed, 1 failed")
        return 1
    if not os.path.exists(DUMP):
        subprocess.run(["make", "-s", "-C", ROOT, os.path.relpath(DUMP, ROOT)], check=False)
    for prog in (DUMP, f"{PROGS}/exec_modes"):
        if not os.path.exists(prog):
            check(f"{prog} is built", False, "run make (tools and live progs) first")
            return summary()
    tmp = tempfile.mkdtemp(prefix="twsrc-")
    try:
        fanotify_tests(tmp)
        podman_tests(tmp)
        taskstats_tests(tmp)
        overflow_tests()
        no_privilege_tests()
    finally:
        subprocess.run(["umount", os.path.join(tmp, "mnt")], stderr=subprocess.DEVNULL)
        shutil.rmtree(tmp, ignore_errors=True)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
