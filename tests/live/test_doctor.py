# SPDX-License-Identifier: GPL-2.0
"""test_doctor.py - doctor's verdict in each situation this host can produce, its side effects
(none), and the exit codes of usage errors (exitcode.h: 0 ok, 1 error, 2 usage)."""
import os
import re
import shutil
import subprocess
import sys

from twlive import TW, TRACING, check, instances, probes, summary


def run(argv, stdout=subprocess.PIPE):
    p = subprocess.run(argv, stdout=stdout, stderr=subprocess.PIPE, timeout=60)
    out = p.stdout.decode(errors="replace") if p.stdout is not None else ""
    return p.returncode, out, p.stderr.decode(errors="replace")


def field(out, label):
    """The value of the 'label:' line of doctor's report ('' when absent)."""
    m = re.search(r"^" + re.escape(label) + r":\s+(.*)$", out, re.M)
    return m.group(1) if m else ""


def tracefs_mounts():
    return sum(1 for l in open("/proc/self/mounts") if l.split()[2] == "tracefs")


def main():
    mounts0 = tracefs_mounts()

    # As root on the host: a verdict, exit 0, nothing left behind. Other tests may run (and
    # kill tracewatch) meanwhile: what counts is what carries this doctor's pid.
    p = subprocess.Popen([TW, "doctor"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = (b.decode(errors="replace") for b in p.communicate(timeout=60))
    rc, doctor_pid = p.returncode, p.pid
    check("root: exit 0", rc == 0, f"rc={rc} {err}")
    check("root: verdict says it can run", field(out, "verdict").startswith("tracewatch can run here"),
          out)
    check("root: every required event present", "MISSING" not in out, out)
    check("root: tracefs line names the mount point", field(out, "tracefs") == TRACING, out)
    check("root: eprobes and fanotify have a verdict",
          field(out, "eprobes") != "" and field(out, "fanotify") != "", out)
    check("root: no instance, probe or dynamic event of doctor's pid left",
          not instances(doctor_pid) and not probes(doctor_pid),
          f"{instances(doctor_pid)} {probes(doctor_pid)}")
    check("root: tracefs mounts unchanged", tracefs_mounts() == mounts0)

    # Usage errors: exit 2 with a message; help goes to stdout; a failed write is an error.
    rc, out, err = run([TW, "doctor", "--bogus"])
    check("doctor --bogus: exit 2 and a message", rc == 2 and "--bogus" in err and not out,
          f"rc={rc} out={out!r} err={err!r}")
    rc, out, err = run([TW, "doctor", "extra"])
    check("doctor extra argument: exit 2", rc == 2 and "extra" in err, f"rc={rc} {err!r}")
    rc, out, err = run([TW, "doctor", "--help"])
    check("doctor --help: exit 0, usage on stdout", rc == 0 and out.startswith("Usage: tracewatch doctor"),
          f"rc={rc} {out!r}")
    with open("/dev/full", "w") as full:
        rc, _, err = run([TW, "doctor", "--help"], stdout=full)
        check("doctor --help >/dev/full: exit 1 and a message", rc == 1 and "cannot write" in err,
              f"rc={rc} {err!r}")
        rc, _, err = run([TW, "doctor"], stdout=full)
        check("doctor >/dev/full: exit 1 and a message", rc == 1 and "cannot write" in err,
              f"rc={rc} {err!r}")
        rc, _, err = run([TW, "--help"], stdout=full)
        check("--help >/dev/full: exit 1 and a message", rc == 1 and "cannot write" in err,
              f"rc={rc} {err!r}")
        rc, _, err = run([TW, "--version"], stdout=full)
        check("--version >/dev/full: exit 1", rc == 1 and "cannot write" in err, f"rc={rc} {err!r}")
    for argv, what in (([TW, "--bogus"], "unknown option"), ([TW, "nosuchcommand"], "unknown command"),
                       ([TW, "--format", "xml"], "bad value"), ([TW, "--duration"], "missing value"),
                       ([TW, "stray"], "unknown command")):
        rc, out, err = run(argv)
        check(f"{what}: exit 2 with a message", rc == 2 and err.strip() != "" and not out,
              f"rc={rc} {err!r}")
    rc, out, err = run([TW, "--help"])
    check("--help: exit 0 and lists the exit status", rc == 0 and "Exit status:" in out, f"rc={rc}")

    # Not root: tracefs is mounted but mode 0700, which is not "not mounted".
    if shutil.which("setpriv"):
        rc, out, err = run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                            TW, "doctor"])
        check("non-root: exit 1", rc == 1, f"rc={rc} {err}")
        check("non-root: tracefs is mounted but no permission",
              "NO PERMISSION" in field(out, "tracefs") and "NOT MOUNTED" not in out, out)
        check("non-root: verdict says it needs root",
              field(out, "verdict").startswith("tracewatch CANNOT run here") and "root" in field(out, "verdict"),
              out)
        check("non-root: says what to do", "-> " in out and "sudo" in out, out)

        # Root without CAP_SYS_ADMIN (a root shell in a container): still a verdict.
        nocap = ["setpriv", "--inh-caps=-sys_admin", "--bounding-set=-sys_admin"]
        rc, out, err = run(nocap + [TW, "doctor"])
        check("no CAP_SYS_ADMIN: a verdict, exit 0 (tracefs is mounted)",
              rc == 0 and field(out, "verdict").startswith("tracewatch can run here, with less"),
              f"rc={rc} {out} {err}")
        check("no CAP_SYS_ADMIN: says which capability and what to do",
              "CAP_SYS_ADMIN missing" in out and "--cap-add SYS_ADMIN" in out, out)
        check("no CAP_SYS_ADMIN: fanotify has no permission", "no permission" in field(out, "fanotify"),
              out)
        rc, out, err = run(["setpriv", "--inh-caps=-all", "--bounding-set=-all", TW, "doctor"])
        check("no capabilities at all: names CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH",
              rc == 0 and "CAP_SYS_PTRACE missing" in out and "CAP_DAC_READ_SEARCH missing" in out,
              f"rc={rc} {out}")
    else:
        check("setpriv present (util-linux) for the non-root and capability cases", False)

    # tracefs unmounted: only inside a private mount namespace, so the host keeps its tracefs.
    if shutil.which("unshare"):
        script = ("umount %s || exit 99; %s doctor; rc=$?; echo \"RC=$rc\"; "
                  "echo \"MOUNTS=$(grep -c ' tracefs ' /proc/self/mounts)\"" % (TRACING, TW))
        rc, out, err = run(["unshare", "-m", "--propagation", "private", "sh", "-c", script])
        check("unmounted: the private namespace could unmount tracefs", rc == 0, f"rc={rc} {err}")
        check("unmounted: says NOT MOUNTED and how to mount it",
              field(out, "tracefs") == "NOT MOUNTED" and "mount -t tracefs" in out, out)
        check("unmounted, root: exit 0 (tracewatch would mount it)", "RC=0" in out, out)
        check("unmounted: doctor did not mount tracefs", "MOUNTS=0" in out, out)
        rc, out, err = run(["unshare", "-m", "--propagation", "private", "sh", "-c",
                            script.replace("%s doctor" % TW, "setpriv --inh-caps=-sys_admin "
                                           "--bounding-set=-sys_admin %s doctor" % TW)])
        check("unmounted, no CAP_SYS_ADMIN: exit 1 with a verdict",
              "RC=1" in out and field(out, "verdict").startswith("tracewatch CANNOT run here"), out)
        # read-only tracefs (a container with a read-only /sys): a bind remount, private too
        script = ("mount -o remount,bind,ro %s || exit 99; %s doctor; echo \"RC=$?\"" % (TRACING, TW))
        rc, out, err = run(["unshare", "-m", "--propagation", "private", "sh", "-c", script])
        check("read-only tracefs: exit 1, says read-only and what to do",
              "RC=1" in out and "read-only" in field(out, "tracefs") and "-> " in out, f"{out} {err}")
        check("host tracefs still mounted and writable after the namespace tests",
              tracefs_mounts() == mounts0 and os.access(os.path.join(TRACING, "instances"), os.W_OK))
    else:
        check("unshare present (util-linux) for the unmounted case", False)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
