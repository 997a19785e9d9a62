#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""bench.py - `make bench`: sandbox against bubblewrap and firejail.

Measures, in one run, as root and as an unprivileged user:
  1. launch-to-exit of /bin/true (plain exec, sandbox, bwrap x2, firejail x2),
     the commands interleaved round-robin so that load spikes on a busy
     machine hit every line alike; median, p10/p90, ratios;
  2. the launcher's CPU time (user+sys of the whole process tree, from
     wait4) and where it goes: ablations (one feature off at a time),
     phases from strace timestamps, CPU samples by library (perf), the
     dynamic loader (LD_DEBUG=statistics) and variants linked statically;
  3. per-syscall cost of the seccomp filters (getppid loop), with the
     filters read back from the running process (bpfdump);
  4. memory: launcher peak RSS, RSS/PSS of every process of a running
     sandbox (the PID-1 reaper included), against bwrap and firejail;
  5. scale: 1,500 profiles on the search path against 1; 100 launches in
     parallel.
No timed assertions: the goals are reported as "holds" / "does not hold".

Environment (all optional):
  BENCH_N=100          launches per line (firejail: BENCH_N_SLOW; ablations and scale: N/2)
  BENCH_N_SLOW=N/8     launches per firejail line (it takes ~100 ms each)
  BENCH_WARMUP=5       untimed launches per line first
  BENCH_SYSCALLS=200000  getppid calls per repetition
  BENCH_SYSCALL_REPS=9   repetitions per process (its best one counts)
  BENCH_SYSCALL_PROCS=11 processes per line (the median of their best counts)
  BENCH_PARALLEL=100   launches started at once
  BENCH_PROFILES=1500  generated profiles for the scale test
  BENCH_USER=sbxtest   the unprivileged user (skipped if missing)
  BENCH_DIAG=1         0 skips the "where the time goes" diagnostics
  BENCH_OUT=FILE       also write the report there (default build/bench/results.md)
  SANDBOX=PATH         the launcher (default build/sandbox; copied to build/bench/sandbox first)
"""
import datetime
import glob
import os
import platform
import pwd
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.abspath(os.path.join(REPO, os.environ.get("BUILD", "build")))
BIN = os.path.join(BUILD, "bench")
SANDBOX_BUILT = os.path.abspath(os.environ.get("SANDBOX", os.path.join(BUILD, "sandbox")))
# The launcher is copied to BIN first: the run measures one binary even if
# build/sandbox is relinked meanwhile (the lines' names say "sandbox").
SANDBOX = os.path.join(BIN, "sandbox")
SANDBOX_FP = os.path.join(BIN, "fp", "sandbox")
PROFILES = os.path.join(REPO, "profiles.d")


def env_int(name, default):
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


N = max(3, env_int("BENCH_N", 100))
N_SLOW = max(3, env_int("BENCH_N_SLOW", max(10, N // 8)))
WARM = env_int("BENCH_WARMUP", 5)
CALLS = env_int("BENCH_SYSCALLS", 200000)
SYSCALL_REPS = max(1, env_int("BENCH_SYSCALL_REPS", 9))
SYSCALL_PROCS = max(1, env_int("BENCH_SYSCALL_PROCS", 11))
PAR = env_int("BENCH_PARALLEL", 100)
NPROF = env_int("BENCH_PROFILES", 1500)
USER = os.environ.get("BENCH_USER", "sbxtest")
DIAG = os.environ.get("BENCH_DIAG", "1") != "0"
OUT = os.environ.get("BENCH_OUT", os.path.join(BIN, "results.md"))

RUNNER = os.path.join(BIN, "runner")
SYSLOOP = os.path.join(BIN, "sysloop")
BPFDUMP = os.path.join(BIN, "bpfdump")

report_lines = []
goals = []      # (goal, holds: True/False/None, evidence)
findings = []   # (cost_us, text) for the ranked list
T0 = time.monotonic()


def stage(name):
    print("bench: [%3.0f s] %s" % (time.monotonic() - T0, name), file=sys.stderr, flush=True)


def out(s=""):
    print(s, flush=True)
    report_lines.append(s)


def note(s):
    out("> " + s)


def run(cmd, **kw):
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.PIPE)
    kw.setdefault("text", True)
    return subprocess.run(cmd, **kw)


# ---- identities -----------------------------------------------------------


class Who:
    """root, or the unprivileged user through setpriv; always a clean env."""

    def __init__(self, name, uid, gid, home, user):
        self.name, self.uid, self.gid, self.home, self.user = name, uid, gid, home, user

    def env(self, extra=None):
        e = {
            "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "HOME": self.home, "USER": self.user, "LOGNAME": self.user, "LANG": "C.UTF-8",
            "SANDBOX_PROFILE_PATH": PROFILES,
        }
        e.update(extra or {})
        return e

    def prefix(self, extra=None):
        p = []
        if self.uid != os.geteuid():
            p = ["setpriv", "--reuid=%d" % self.uid, "--regid=%d" % self.gid, "--init-groups"]
        return p + ["env", "-i"] + ["%s=%s" % kv for kv in self.env(extra).items()]


def identities():
    ws = []
    if os.geteuid() == 0:
        ws.append(Who("root", 0, 0, "/root", "root"))
        try:
            pw = pwd.getpwnam(USER)
            ws.append(Who("user", pw.pw_uid, pw.pw_gid, pw.pw_dir, USER))
        except KeyError:
            note("user '%s' does not exist: the unprivileged pass is skipped" % USER)
    else:
        pw = pwd.getpwuid(os.getuid())
        note("not root: only the unprivileged pass runs (as %s); memory and filter inspection need root" % pw.pw_name)
        ws.append(Who("user", os.getuid(), os.getgid(), os.environ.get("HOME", pw.pw_dir), pw.pw_name))
    return ws


# ---- statistics -------------------------------------------------------------


def pct(xs, q):
    s = sorted(xs)
    if not s:
        return float("nan")
    k = (len(s) - 1) * q
    f = int(k)
    c = min(f + 1, len(s) - 1)
    return s[f] + (s[c] - s[f]) * (k - f)


def med(xs):
    return pct(xs, 0.5)


def fmt_ms(us):
    return "%.2f" % (us / 1000.0) if us == us else "-"


def ratio(a, b):
    return "%.2fx" % (a / b) if a == a and b == b and b > 0 else "-"


# ---- the launch driver ------------------------------------------------------


def seq(who, lines, warm=WARM, extra_env=None):
    """lines: [(label, n, argv)] -> {label: dict(wall=[], cpu=[], rss=[], fails=n, err=str)}"""
    args = [RUNNER, "seq", str(warm), "--"]
    for i, (_, n, argv) in enumerate(lines):
        if i:
            args.append("::")
        args += [str(n)] + argv
    p = run(who.prefix(extra_env) + args, cwd="/")
    res = {label: {"wall": [], "tree": [], "cpu": [], "rss": [], "fails": 0, "err": ""} for label, _, _ in lines}
    for ln in p.stdout.splitlines():
        f = ln.split()
        if len(f) != 7:
            continue
        r = res[lines[int(f[0])][0]]
        if f[5] != "0":
            r["fails"] += 1
            continue
        r["wall"].append(float(f[1]))
        r["cpu"].append(float(f[2]) + float(f[3]))
        r["rss"].append(float(f[4]))
        r["tree"].append(float(f[6]))
    if p.returncode != 0 or p.stderr.strip():
        for r in res.values():
            if r["fails"]:
                r["err"] = p.stderr.strip().splitlines()[-1] if p.stderr.strip() else "exit %d" % p.returncode
    return res


def probe_ok(who, argv, timeout=30):
    """Runs argv once as who; returns (ok, reason)."""
    try:
        p = run(who.prefix() + argv, cwd="/", timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return False, "timed out after %ds" % timeout
    if p.returncode == 0:
        return True, ""
    msg = (p.stderr.strip().splitlines() or ["exit status %d" % p.returncode])[-1]
    return False, "exit %d: %s" % (p.returncode, msg[:160])


# ---- peers ------------------------------------------------------------------


def bwrap_like(home):
    """bwrap with our default profile's mounts."""
    a = ["bwrap", "--unshare-all", "--die-with-parent", "--tmpfs", "/", "--ro-bind", "/usr", "/usr"]
    for d in ["bin", "sbin", "lib", "lib32", "lib64", "libx32"]:
        p = "/" + d
        if os.path.islink(p):
            a += ["--symlink", os.readlink(p), p]
        elif os.path.isdir(p):
            a += ["--ro-bind", p, p]
    a += ["--ro-bind", "/etc", "/etc"]
    for h in ["/etc/shadow", "/etc/gshadow"]:
        if os.path.exists(h):
            a += ["--ro-bind", "/dev/null", h]
    a += ["--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", "--tmpfs", home]
    return a


BWRAP_RO = ["bwrap", "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "--proc", "/proc",
            "--dev", "/dev", "--tmpfs", "/tmp"]


def peers(who):
    """[(label, key, n, argv-prefix)]; the program is appended."""
    ps = [("plain exec", "plain", N, []),
          ("sandbox (profiles.d/default.conf)", "sandbox", N, [SANDBOX]),
          ("sandbox --noprofile (built-in default)", "sandbox-builtin", N, [SANDBOX, "--noprofile"])]
    if shutil.which("bwrap"):
        ps.append(("bwrap --ro-bind / / (issue's line)", "bwrap-ro", N, BWRAP_RO))
        ps.append(("bwrap, default.conf's mounts", "bwrap", N, bwrap_like(who.home)))
    if shutil.which("firejail"):
        ps.append(("firejail --quiet (default profile)", "firejail", N_SLOW, ["firejail", "--quiet"]))
        ps.append(("firejail --quiet --noprofile", "firejail-noprofile", N_SLOW, ["firejail", "--quiet", "--noprofile"]))
    return ps


# ---- sections ---------------------------------------------------------------


def machine():
    cpu = "?"
    mhz = None
    try:
        for ln in open("/proc/cpuinfo"):
            if ln.startswith("model name") and cpu == "?":
                cpu = ln.split(":", 1)[1].strip()
            if ln.startswith("cpu MHz") and mhz is None:
                mhz = float(ln.split(":", 1)[1])
    except OSError:
        pass
    mem = "?"
    try:
        for ln in open("/proc/meminfo"):
            if ln.startswith("MemTotal"):
                mem = "%.1f GiB" % (int(ln.split()[1]) / 1048576)
    except OSError:
        pass
    return cpu, mhz, mem


def version(cmd):
    try:
        p = run(cmd)
        return (p.stdout.strip() or p.stderr.strip()).splitlines()[0]
    except (OSError, IndexError):
        return "not installed"


def header():
    cpu, mhz, mem = machine()
    out("# sandbox benchmarks")
    out()
    out("- date: %s" % datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"))
    out("- machine: %d CPUs (nproc), %s%s, %s RAM, kernel %s" % (
        os.cpu_count(), cpu, " @ %.0f MHz" % mhz if mhz else "", mem, platform.release()))
    out("- load average at start: %s" % " ".join(open("/proc/loadavg").read().split()[:3]))
    out("- sandbox: %s (%s, %d bytes, %s)" % (version([SANDBOX, "--version"]), SANDBOX_BUILT, os.path.getsize(SANDBOX),
                                           time.strftime("%Y-%m-%d %H:%M", time.localtime(os.path.getmtime(SANDBOX_BUILT)))))
    libs = [l.split()[0] for l in run(["ldd", SANDBOX]).stdout.splitlines() if "=>" in l]
    out("- sandbox links: %s" % (" ".join(libs) or "(static)"))
    out("- peers: %s; %s" % (version(["bwrap", "--version"]), version(["firejail", "--version"])))
    out("- settings: BENCH_N=%d BENCH_N_SLOW=%d BENCH_WARMUP=%d BENCH_SYSCALLS=%d BENCH_SYSCALL_REPS=%d "
        "BENCH_SYSCALL_PROCS=%d BENCH_PARALLEL=%d BENCH_PROFILES=%d"
        % (N, N_SLOW, WARM, CALLS, SYSCALL_REPS, SYSCALL_PROCS, PAR, NPROF))
    out()
    return mhz


def launch_table(who, results):
    stage("launch, " + who.name)
    out("## Launch to exit of /bin/true, as %s" % who.name)
    out()
    ps = peers(who)
    runnable = []
    for label, key, n, argv in ps:
        ok, why = probe_ok(who, argv + ["/bin/true"])
        if ok:
            runnable.append((label, key, n, argv))
        else:
            note("%s skipped as %s: %s" % (label, who.name, why))
    for tool in ["bwrap", "firejail"]:
        if not shutil.which(tool):
            note("%s is not installed: its lines are skipped" % tool)
    res = seq(who, [(key, n, argv + ["/bin/true"]) for _, key, n, argv in runnable])
    results[who.name] = res
    ref_b = med(res["bwrap"]["wall"]) if "bwrap" in res else float("nan")
    ref_f = med(res["firejail"]["wall"]) if "firejail" in res else float("nan")
    out("| command | runs | wall median ms | p10 | p90 | until its last process is gone, ms | CPU ms (user+sys, whole tree) | peak RSS MiB | vs bwrap (default.conf's mounts) | vs firejail |")
    out("|---|---|---|---|---|---|---|---|---|---|")
    for label, key, n, _ in runnable:
        r = res[key]
        w = r["wall"]
        out("| %s | %d%s | %s | %s | %s | %s | %s | %.1f | %s | %s |" % (
            label, len(w), " (%d failed)" % r["fails"] if r["fails"] else "", fmt_ms(med(w)),
            fmt_ms(pct(w, 0.1)), fmt_ms(pct(w, 0.9)), fmt_ms(med(r["tree"])), fmt_ms(med(r["cpu"])),
            med(r["rss"]) / 1024 if r["rss"] else float("nan"), ratio(med(w), ref_b), ratio(med(w), ref_f)))
        if r["fails"]:
            note("%s: %d of %d runs failed: %s" % (label, r["fails"], n, r["err"]))
    out()
    if "sandbox" in res and res["sandbox"]["wall"]:
        s = med(res["sandbox"]["wall"])
        if ref_b == ref_b:
            sc, bc = med(res["sandbox"]["cpu"]), med(res["bwrap"]["cpu"])
            goals.append(("launch <= 0.8x bwrap (%s)" % who.name, s <= 0.8 * ref_b,
                          "wall %.2f ms vs %.2f ms = %.2fx; CPU %.2f ms vs %.2f ms = %.2fx" % (
                              s / 1000, ref_b / 1000, s / ref_b, sc / 1000, bc / 1000, sc / bc)))
        if ref_f == ref_f:
            goals.append(("launch <= 0.1x firejail (%s)" % who.name, s <= 0.1 * ref_f,
                          "%.2f ms vs %.2f ms = %.3fx" % (s / 1000, ref_f / 1000, s / ref_f)))
        if "plain" in res:
            out("sandbox's own cost over a plain exec: %.2f ms wall, %.2f ms CPU; bwrap's: %.2f ms wall, %.2f ms CPU." % (
                (s - med(res["plain"]["wall"])) / 1000,
                (med(res["sandbox"]["cpu"]) - med(res["plain"]["cpu"])) / 1000,
                (ref_b - med(res["plain"]["wall"])) / 1000 if ref_b == ref_b else float("nan"),
                (med(res["bwrap"]["cpu"]) - med(res["plain"]["cpu"])) / 1000 if "bwrap" in res else float("nan")))
            out()


def mount_counts(who):
    """Mounts in each tool's view (lines of /proc/self/mountinfo inside)."""
    cases = [("sandbox", [SANDBOX])]
    if shutil.which("bwrap"):
        cases += [("bwrap (default.conf's mounts)", bwrap_like(who.home)), ("bwrap --ro-bind / /", BWRAP_RO)]
    if shutil.which("firejail"):
        cases.append(("firejail", ["firejail", "--quiet"]))
    parts = []
    for label, argv in cases:
        p = run(who.prefix() + argv + ["/bin/cat", "/proc/self/mountinfo"], cwd="/", stdin=subprocess.DEVNULL)
        if p.returncode == 0:
            MOUNTS[label] = len(p.stdout.splitlines())
            if label == "sandbox":
                MOUNTS["sandbox /proc/*"] = sum(1 for l in p.stdout.splitlines()
                                                if len(l.split()) > 4 and l.split()[4].startswith("/proc/"))
            parts.append("%s %d" % (label, MOUNTS[label]))
    host = len(open("/proc/self/mountinfo").read().splitlines())
    out("Mounts in the view (lines of /proc/self/mountinfo inside, %s): %s; the host has %d." % (
        who.name, ", ".join(parts), host))
    out()


def ablations(who, statics):
    """One feature off at a time; the differences say what each costs."""
    stage("ablations, " + who.name)
    out("### What each part of a launch costs (ablations, as %s)" % who.name)
    out()
    lines = [("sandbox --version (exec, dynamic loading, library constructors)", [SANDBOX, "--version"]),
             ("sandbox --print-profile true (+ profile lookup, parse, validate)", [SANDBOX, "--print-profile", "true"])]
    for label, path in statics:
        lines.append(("%s --version" % label, [path, "--version"]))
    lines += [("sandbox /bin/true (default profile)", [SANDBOX, "/bin/true"]),
              ("  --net host (no network namespace, no loopback setup)", [SANDBOX, "--net", "host", "/bin/true"]),
              ("  ipc, uts, cgroup namespaces off", [SANDBOX, "--set", "namespaces.ipc=no", "--set", "namespaces.uts=no",
                                                     "--set", "namespaces.cgroup=no", "/bin/true"]),
              ("  private-dev = no (host /dev bound; 11 fewer mounts)", [SANDBOX, "--set", "filesystem.private-dev=no", "/bin/true"]),
              ("  private-home, private-tmp = no (2 fewer mounts)", [SANDBOX, "--set", "filesystem.private-home=no",
                                                                     "--set", "filesystem.private-tmp=no", "/bin/true"])]
    for label, path in statics:
        lines.append(("%s /bin/true" % label, [path, "/bin/true"]))
    usable = []
    for label, argv in lines:
        ok, why = probe_ok(who, argv)
        if ok:
            usable.append((label, argv))
        else:
            note("ablation '%s' cannot run: %s" % (label.strip(), why))
    n = max(20, N // 2)
    res = seq(who, [(label, n, argv) for label, argv in usable])
    base = res.get("sandbox /bin/true (default profile)")
    bw, bc = (med(base["wall"]), med(base["cpu"])) if base else (float("nan"), float("nan"))
    out("| variant | runs | wall median ms | p10 | p90 | CPU ms | wall vs default | CPU vs default |")
    out("|---|---|---|---|---|---|---|---|")
    for label, _ in usable:
        r = res[label]
        w, c = med(r["wall"]), med(r["cpu"])
        dw = "%+.2f ms" % ((w - bw) / 1000) if label.startswith("  ") or "/bin/true" in label else ""
        dc = "%+.2f ms" % ((c - bc) / 1000) if dw else ""
        out("| %s | %d | %s | %s | %s | %s | %s | %s |" % (label.replace("|", "\\|"), len(r["wall"]), fmt_ms(w),
                                                    fmt_ms(pct(r["wall"], 0.1)), fmt_ms(pct(r["wall"], 0.9)),
                                                    fmt_ms(c), dw, dc))
    out()
    return res


def sysloop_lines(who):
    inside = "/opt/bench"
    bind = ["--ro-bind", "%s:%s" % (BIN, inside)]
    lines = [("host, no filter", [SYSLOOP]),
             ("host, {RET ALLOW} filter (cached by the kernel)", [SYSLOOP, "--filter", "allow"]),
             ("host, {LD arg0; RET ALLOW} filter (runs every call)", [SYSLOOP, "--filter", "uncached"]),
             ("sandbox, default profile", [SANDBOX] + bind + [inside + "/sysloop"]),
             ("sandbox --seccomp default", [SANDBOX, "--seccomp", "default"] + bind + [inside + "/sysloop"])]
    if shutil.which("bwrap"):
        lines.append(("bwrap (no filter)", bwrap_like(who.home) + ["--ro-bind", BIN, inside, inside + "/sysloop"]))
    if shutil.which("firejail"):
        lines.append(("firejail, default profile's filter", ["firejail", "--quiet", SYSLOOP]))
    return lines


def syscalls(who):
    stage("syscalls, " + who.name)
    out("## Per-syscall cost: getppid() via syscall(2), as %s" % who.name)
    out()
    reps = SYSCALL_REPS
    rounds = SYSCALL_PROCS
    lines = sysloop_lines(who)
    results = {label: [] for label, _ in lines}
    status = {}
    skipped = set()
    for rnd in range(rounds):          # interleaved: rounds x lines
        for label, argv in lines:
            if label in skipped:
                continue
            try:
                p = run(who.prefix() + argv + [str(CALLS), str(reps)], cwd="/", timeout=120,
                        stdin=subprocess.DEVNULL)
            except subprocess.TimeoutExpired:
                p = None
            if p is None or p.returncode != 0 or "ns_per_call_min" not in p.stdout:
                why = "timed out" if p is None else (p.stderr.strip().splitlines() or ["exit %d" % p.returncode])[-1]
                note("%s skipped as %s: %s" % (label, who.name, why[:200]))
                skipped.add(label)
                continue
            kv = dict(l.split(None, 1) for l in p.stdout.splitlines() if l.strip() and len(l.split(None, 1)) == 2)
            results[label].append(float(kv["ns_per_call_min"]))
            status[label] = "Seccomp %s, filters %s, NoNewPrivs %s" % (
                kv.get("Seccomp:", "?").strip(), kv.get("Seccomp_filters:", "?").strip(), kv.get("NoNewPrivs:", "?").strip())
    base = med(results[lines[0][0]]) if results[lines[0][0]] else float("nan")
    out("| where | ns of CPU per call (median of %d processes' best of %d x %d calls) | vs host | filter state inside |" % (rounds, reps, CALLS))
    out("|---|---|---|---|")
    for label, _ in lines:
        if label in skipped or not results[label]:
            continue
        v = med(results[label])
        out("| %s | %.0f | %s | %s |" % (label, v, ratio(v, base), status.get(label, "")))
    out()
    for label in ["sandbox, default profile", "sandbox --seccomp default"]:
        if results.get(label) and label not in skipped:
            v = med(results[label])
            filt = status.get(label, "")
            active = "Seccomp 2" in filt
            floor = results.get("host, {RET ALLOW} filter (cached by the kernel)")
            ok = True if v <= 1.2 * base else \
                "**no**, but no worse than a one-instruction filter" if floor and v <= 1.1 * med(floor) else False
            goals.append(("default filter per-syscall <= 1.2x unfiltered (%s, %s)" % (who.name, label), ok,
                          "%.0f ns vs %.0f ns = %.2fx (%s)%s" % (
                              v, base, v / base, "filter active" if active else "NO filter active",
                              "; any filter at all (1 cached instruction) costs %.2fx here" % (med(floor) / base)
                              if floor else "")))
            break
    return results


def filters_inside(who):
    """Reads the filters of a running payload back with bpfdump."""
    if os.geteuid() != 0 or not os.path.exists(BPFDUMP):
        return
    out("Filters attached to a running payload (read back with PTRACE_SECCOMP_GET_FILTER; path = BPF instructions "
        "run for getppid; cacheable = the kernel's action cache skips the filter for it):")
    out()
    out("| payload of | filters | instructions (newest first) | getppid path | cacheable | reaper (PID 1) filter |")
    out("|---|---|---|---|---|---|")
    cases = [("sandbox", [SANDBOX])]
    if shutil.which("firejail"):
        cases.append(("firejail", ["firejail", "--quiet"]))
    for label, argv in cases:
        tree = hold(who, argv + ["/bin/sleep", "2"])
        if not tree:
            out("| %s | (could not start) | | | | |" % label)
            continue
        leaf = tree[-1][0]
        if label == "sandbox":
            for role, pid in [("payload", leaf), ("reaper", tree[1][0] if len(tree) >= 3 else None)]:
                f = os.path.join(BIN, "%s.bpf" % role)
                if pid and run([BPFDUMP, "--save", f, str(pid)]).returncode == 0:
                    lb = run([BPFDUMP, "--load-bench", f, "30"]).stdout.split()
                    if len(lb) >= 4:
                        BPFLOAD[role] = (int(lb[1]), float(lb[3]))
        d = run([BPFDUMP, str(leaf), "110"]).stdout
        rows = [l.split() for l in d.splitlines() if l.startswith("filter ")]
        nf = re.search(r"filters (\d+)", d)
        reaper = ""
        if label == "sandbox" and len(tree) >= 3:
            rd = run([BPFDUMP, str(tree[1][0]), "61"]).stdout
            rr = [l.split() for l in rd.splitlines() if l.startswith("filter ")]
            reaper = ", ".join("%s insns, wait4 path %s" % (r[3], r[7]) for r in rr) or "none"
        out("| %s | %s | %s | %s | %s | %s |" % (
            label, nf.group(1) if nf else "?", " + ".join(r[3] for r in rows) or "-",
            " + ".join(r[7] for r in rows) or "-", ", ".join(r[11] for r in rows) or "-", reaper))
        finish_hold()
    out()
    if BPFLOAD:
        out("Loading these filters precompiled (seccomp(2) with the BPF read back above, in a fresh process, "
            "median of 30): " + "; ".join("%s filter, %d instructions: %.0f µs" % (r, n, us) for r, (n, us) in BPFLOAD.items())
            + ".")
        out()


# ---- memory -------------------------------------------------------------------

_held = []
MEM = {}
BPFLOAD = {}
MOUNTS = {}


def proc_children():
    kids = {}
    for d in glob.glob("/proc/[0-9]*"):
        try:
            st = open(d + "/stat").read()
            pid = int(d[6:])
            ppid = int(st[st.rindex(")") + 2:].split()[1])
            kids.setdefault(ppid, []).append(pid)
        except (OSError, ValueError):
            pass
    return kids


def comm(pid):
    try:
        return open("/proc/%d/comm" % pid).read().strip()
    except OSError:
        return "?"


def hold(who, argv, wait_for="sleep", timeout=10.0):
    """Starts argv (which ends in a sleep); returns the process chain
    [(pid, comm), ...] from the launcher down to the sleep, once it runs."""
    p = subprocess.Popen(who.prefix() + argv, cwd="/", stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    _held.append(p)
    end = time.monotonic() + timeout
    while time.monotonic() < end and p.poll() is None:
        kids = proc_children()
        chain, cur = [(p.pid, comm(p.pid))], p.pid
        # follow the only/last child down the tree
        while kids.get(cur):
            cur = sorted(kids[cur])[-1]
            chain.append((cur, comm(cur)))
        if chain[-1][1] == wait_for and len(chain) > 1:
            time.sleep(0.3)
            return chain
        time.sleep(0.05)
    return None


def finish_hold():
    while _held:
        p = _held.pop()
        try:
            p.wait(timeout=15)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def mem_of(pid):
    m = {}
    try:
        for ln in open("/proc/%d/smaps_rollup" % pid):
            f = ln.split()
            if len(f) >= 3 and f[0] in ("Rss:", "Pss:"):
                m[f[0][:-1]] = int(f[1])
        for ln in open("/proc/%d/status" % pid):
            if ln.startswith("VmHWM:"):
                m["HWM"] = int(ln.split()[1])
    except OSError:
        pass
    return m


def memory(who, launch_res, statics=()):
    stage("memory, " + who.name)
    out("## Memory while `sleep` runs inside, as %s (KiB, from /proc/PID/smaps_rollup)" % who.name)
    out()
    if os.geteuid() != 0:
        note("needs root to read the sandbox's processes: skipped")
        return
    cases = [("sandbox", [SANDBOX])]
    for label, path in statics:
        if "static-pie" in label:
            cases.append((label, [path]))
    if shutil.which("bwrap"):
        cases.append(("bwrap (default.conf's mounts)", bwrap_like(who.home)))
    if shutil.which("firejail"):
        cases.append(("firejail", ["firejail", "--quiet"]))
    out("| tool | process (host view, launcher first) | RSS | PSS | peak RSS (VmHWM) |")
    out("|---|---|---|---|---|")
    pid1 = {}
    for label, argv in cases:
        tree = hold(who, argv + ["/bin/sleep", "2"])
        if not tree:
            out("| %s | (did not start) | | | |" % label)
            finish_hold()
            continue
        for i, (pid, c) in enumerate(tree[:-1]):
            m = mem_of(pid)
            role = "launcher" if i == 0 else ("PID 1 (reaper)" if i == 1 and label != "firejail" else "child %d" % i)
            MEM.setdefault(who.name, {})[(label, i)] = m
            out("| %s | %s `%s` | %s | %s | %s |" % (label, role, c, m.get("Rss", "?"), m.get("Pss", "?"), m.get("HWM", "?")))
            if i == 1:
                pid1[label] = m.get("Rss")
        finish_hold()
    out()
    if launch_res:
        parts = []
        for key in ["sandbox", "bwrap", "firejail"]:
            if key in launch_res and launch_res[key]["rss"]:
                parts.append("%s %.0f KiB" % (key, med(launch_res[key]["rss"])))
        out("Peak RSS of the whole launch (wait4 ru_maxrss: the largest of launcher, its helpers and /bin/true): "
            + ", ".join(parts) + ".")
        out()
    s, b = pid1.get("sandbox"), pid1.get("bwrap (default.conf's mounts)")
    if s and b:
        goals.append(("PID-1 reaper RSS <= bwrap's (%s)" % who.name, s <= b, "%d KiB vs %d KiB" % (s, b)))


# ---- scale --------------------------------------------------------------------

PROFILE_TEMPLATE = """# generated by bench/bench.py
[profile]
description = generated application %(i)d
include = default

[filesystem]
ro-bind = -/opt/app%(i)04d
bind = -${HOME}/.config/app%(i)04d
tmpfs = /var/cache/app%(i)04d

[environment]
set = APP%(i)04d_SANDBOXED=1
"""


def make_profile_dirs():
    base = tempfile.mkdtemp(prefix="sandbox-bench-profiles-")
    os.chmod(base, 0o755)
    dirs = {}
    target = "app%04d" % (NPROF // 2)
    for label, count in [("1", 1), (str(NPROF), NPROF)]:
        d = os.path.join(base, label)
        os.mkdir(d, 0o755)
        shutil.copy(os.path.join(PROFILES, "default.conf"), os.path.join(d, "default.conf"))
        names = [target] if count == 1 else ["app%04d" % i for i in range(count)]
        for name in names:
            with open(os.path.join(d, name + ".conf"), "w") as f:
                f.write(PROFILE_TEMPLATE % {"i": int(name[3:])})
            os.chmod(os.path.join(d, name + ".conf"), 0o644)
        dirs[label] = d
    return base, dirs, target


def scale(who, base_dirs):
    base, dirs, target = base_dirs
    stage("scale, " + who.name)
    out("## Scale, as %s" % who.name)
    out()
    d1, dn = dirs["1"], dirs[str(NPROF)]
    lines = [("print1", N, ["SANDBOX_PROFILE_PATH=" + d1, SANDBOX, "--print-profile", target]),
             ("printN", N, ["SANDBOX_PROFILE_PATH=" + dn, SANDBOX, "--print-profile", target]),
             ("launch1", max(20, N // 2), ["SANDBOX_PROFILE_PATH=" + d1, SANDBOX, "--profile", target, "/bin/true"]),
             ("launchN", max(20, N // 2), ["SANDBOX_PROFILE_PATH=" + dn, SANDBOX, "--profile", target, "/bin/true"])]
    res = seq(who, lines)
    out("| profiles on the path | `--print-profile %s` median ms (p10-p90) | CPU ms | `--profile %s /bin/true` median ms (p10-p90) | CPU ms |" % (target, target))
    out("|---|---|---|---|---|")
    for lab, a, b in [("1 (+ default.conf)", "print1", "launch1"), ("%d (+ default.conf)" % NPROF, "printN", "launchN")]:
        ra, rb = res[a], res[b]
        out("| %s | %s (%s-%s) | %s | %s (%s-%s) | %s |" % (
            lab, fmt_ms(med(ra["wall"])), fmt_ms(pct(ra["wall"], .1)), fmt_ms(pct(ra["wall"], .9)), fmt_ms(med(ra["cpu"])),
            fmt_ms(med(rb["wall"])), fmt_ms(pct(rb["wall"], .1)), fmt_ms(pct(rb["wall"], .9)), fmt_ms(med(rb["cpu"]))))
        for r in (ra, rb):
            if r["fails"]:
                note("%d runs failed: %s" % (r["fails"], r["err"]))
    out()
    if all(res[k]["cpu"] and res[k]["wall"] for k in ("print1", "printN", "launch1", "launchN")):
        ev, ok = [], None
        for what, a, b in [("print-profile", "print1", "printN"), ("launch", "launch1", "launchN")]:
            dc, clo, chi = boot_ci(res[b]["cpu"], res[a]["cpu"])
            dw, wlo, whi = boot_ci(res[b]["wall"], res[a]["wall"])
            c1, w1 = med(res[a]["cpu"]), med(res[a]["wall"])
            if what == "print-profile":   # the lookup itself; a launch adds 13 ms of noise around it
                ok = True if chi <= 0.05 * c1 else False if clo > 0.05 * c1 else \
                    "yes (within the noise)" if dc <= 0.05 * c1 else None
            ev.append("%s: CPU %+.1f%% (95%% CI %+.1f..%+.1f%%), wall %+.1f%% (CI %+.1f..%+.1f%%)" % (
                what, 100 * dc / c1, 100 * clo / c1, 100 * chi / c1, 100 * dw / w1, 100 * wlo / w1, 100 * whi / w1))
        goals.append(("%d profiles cost < 5%% over 1 (%s; judged on --print-profile CPU time)" % (NPROF, who.name),
                      ok, "; ".join(ev)))

    # parallel
    lines = [("sandbox", [SANDBOX, "/bin/true"])]
    if shutil.which("bwrap"):
        lines.append(("bwrap (default.conf's mounts)", bwrap_like(who.home) + ["/bin/true"]))
    out("%d launches of /bin/true started at once:" % PAR)
    out()
    out("| tool | succeeded | failed | total ms | per launch ms (total / %d) | slowest single launch ms |" % PAR)
    out("|---|---|---|---|---|---|")
    for label, argv in lines:
        p = run(who.prefix() + [RUNNER, "par", str(PAR), "--"] + argv, cwd="/", timeout=600)
        f = p.stdout.split()
        if len(f) == 4:
            out("| %s | %s | %s | %.0f | %.2f | %.0f |" % (label, f[1], f[2], float(f[0]) / 1000, float(f[0]) / 1000 / PAR,
                                                       float(f[3]) / 1000))
            if f[2] != "0":
                note("%s: %s of %d parallel launches failed: %s" % (label, f[2], PAR, p.stderr.strip()[-300:]))
        else:
            out("| %s | (driver failed: %s) | | | | |" % (label, p.stderr.strip()[-200:]))
    out()


# ---- where the time goes --------------------------------------------------------

TRACE = "execve,clone,clone3,getuid,recvfrom,mount,umount2,unshare,seccomp,read,sendto,exit_group,wait4"


def parse_strace(path):
    """-> events [(pid, name, start, end, ret)] in file order"""
    ev, pending = [], {}
    rx = re.compile(r"^(\d+)\s+(\d+\.\d+)\s+(.*)$")
    for ln in open(path):
        m = rx.match(ln.strip())
        if not m:
            continue
        pid, ts, rest = int(m.group(1)), float(m.group(2)), m.group(3)
        dur = re.search(r"<(\d+\.\d+)>\s*$", rest)
        if rest.startswith("<..."):
            name = rest.split()[1]
            st = pending.pop((pid, name), ts)
            ret = re.search(r"=\s*(-?\d+)", rest)
            ev.append((pid, name, st, ts, int(ret.group(1)) if ret else None))
            continue
        name = rest.split("(", 1)[0]
        if "<unfinished ...>" in rest:
            pending[(pid, name)] = ts
            if name in ("exit_group", "execve"):
                ev.append((pid, name, ts, ts, None))
            continue
        ret = re.search(r"\)\s*=\s*(-?\d+)", rest)
        ev.append((pid, name, ts, ts + (float(dur.group(1)) if dur else 0.0), int(ret.group(1)) if ret else None))
    return ev


def phases_of(ev, launcher_pid):
    """Phase boundaries of one launch, in microseconds: [(name, us, parallel)].
    PID 2 is forked before the mounts and sets itself up while PID 1 builds
    the view; its rows are marked parallel (they overlap PID 1's)."""
    first = lambda pred: next((e for e in ev if pred(e)), None)
    ex = first(lambda e: e[1] == "execve" and e[0] == launcher_pid)
    gu = first(lambda e: e[1] == "getuid" and e[0] == launcher_pid)
    cl = first(lambda e: e[1] in ("clone", "clone3") and e[0] == launcher_pid and e[4] and e[4] > 0)
    if not (ex and gu and cl):
        return None
    p1 = cl[4]
    rv = first(lambda e: e[1] == "recvfrom" and e[0] == p1)
    fk = first(lambda e: e[1] in ("clone", "clone3") and e[0] == p1)
    mo = first(lambda e: e[1] == "mount" and e[0] == p1)
    um = first(lambda e: e[1] == "umount2" and e[0] == p1)
    pl = first(lambda e: e[1] == "execve" and e[0] not in (launcher_pid, p1))
    p2 = pl[0] if pl else None
    sr = first(lambda e: e[1] == "sendto" and e[0] == p1 and um and e[2] >= um[3])   # the root, to PID 2
    rd = first(lambda e: e[1] == "read" and e[0] == p2)                              # PID 2 waits for it
    xg = first(lambda e: e[1] == "exit_group" and e[0] == p2)
    wt = first(lambda e: e[1] == "wait4" and e[0] == launcher_pid and e[4] == p1)
    lx = first(lambda e: e[1] == "exit_group" and e[0] == launcher_pid)
    if not all([rv, fk, mo, um, pl, sr, rd, xg, wt, lx]):
        return None
    us = lambda a, b: (b - a) * 1e6
    return [
        ("exec + dynamic loading + library constructors (to main's first getuid)", us(ex[2], gu[2]), False),
        ("main: profile lookup, parse, policy, environment (to clone)", us(gu[2], cl[2]), False),
        ("clone() with the new namespaces (the syscall)", us(cl[2], cl[3]), False),
        ("parent -> child handshake (uid maps, 'go')", us(cl[3], rv[3]), False),
        ("PID 1: hostname, signalfd, fork of PID 2", us(rv[3], fk[3]), False),
        ("PID 1: to the first mount", us(fk[3], mo[2]), False),
        ("PID 1: mounts (staging, root, binds, /proc, /dev, pivot_root, detach)", us(mo[2], um[3]), False),
        ("PID 2, meanwhile: network namespace, lo, rlimits, ids, caps, no_new_privs, seccomp (to its wait)",
         us(fk[3], rd[2]), True),
        ("PID 1: wait for PID 2's network namespace and join it, lock down, send the root", us(um[3], sr[3]), False),
        ("PID 2: wake-up, check the root, working directory (to execve)", us(sr[3], pl[2]), False),
        ("/bin/true: execve to exit_group", us(pl[2], xg[2]), False),
        ("teardown: payload exit -> PID 1 exits -> launcher's wait4 returns", us(xg[2], wt[3]), False),
        ("launcher: report, cleanup, exit", us(wt[3], lx[2]), False),
    ], us(ex[2], lx[2])


def phases(who, k=15):
    if not shutil.which("strace"):
        note("strace is not installed: phase timing skipped")
        return
    stage("phases, " + who.name)
    tmp = tempfile.mkdtemp(prefix="sandbox-bench-strace-")
    os.chmod(tmp, 0o777)
    rows, totals, parallel = {}, [], {}
    order = []
    for i in range(k + 2):
        f = os.path.join(tmp, "t%d" % i)
        p = run(who.prefix() + ["strace", "-f", "-ttt", "-T", "-qq", "--seccomp-bpf", "-e", "trace=" + TRACE, "-o", f,
                                SANDBOX, "/bin/true"], cwd="/")
        if p.returncode != 0 or not os.path.exists(f) or i < 2:   # two warm-ups
            continue
        ev = parse_strace(f)
        if not ev:
            continue
        r = phases_of(ev, ev[0][0])
        if not r:
            continue
        ph, tot = r
        totals.append(tot)
        for name, v, par in ph:
            if name not in rows:
                order.append(name)
                parallel[name] = par
            rows.setdefault(name, []).append(v)
    shutil.rmtree(tmp, ignore_errors=True)
    out("### Phases of one launch (strace -f -ttt, %s; %d launches; only the boundary syscalls are traced)" % (who.name, len(totals)))
    out()
    if not totals:
        note("strace could not follow the launch as %s" % who.name)
        return
    out("| phase | median µs | p10 | p90 | share |")
    out("|---|---|---|---|---|")
    tm = med(totals)
    for name in order:
        v = rows[name]
        share = "(parallel)" if parallel[name] else "%.0f%%" % (100 * med(v) / tm)
        out("| %s | %.0f | %.0f | %.0f | %s |" % (name, med(v), pct(v, .1), pct(v, .9), share))
    out("| total under strace (tracing adds ~10 stops) | %.0f | %.0f | %.0f | |" % (tm, pct(totals, .1), pct(totals, .9)))
    out()
    return {name: med(v) for name, v in rows.items()}


def strace_counts(who, k=10):
    """Syscall counts and time per launch (strace -c -f)."""
    if not shutil.which("strace"):
        return
    tmp = tempfile.mkdtemp(prefix="sandbox-bench-stracec-")
    os.chmod(tmp, 0o777)
    f = os.path.join(tmp, "c")
    script = "for i in $(seq %d); do %s /bin/true || exit 1; done" % (k, SANDBOX)
    p = run(who.prefix() + ["strace", "-f", "-c", "-S", "time", "-o", f, "sh", "-c", script], cwd="/")
    txt = open(f).read() if os.path.exists(f) else ""
    shutil.rmtree(tmp, ignore_errors=True)
    out("### System calls per launch (strace -c -f over %d launches of sandbox /bin/true, %s; sorted by time)" % (k, who.name))
    out()
    if p.returncode != 0 or not txt:
        note("strace -c failed: %s" % p.stderr.strip()[-200:])
        return
    out("| syscall | calls per launch | µs per launch (strace's system-time estimate) | µs per call |")
    out("|---|---|---|---|")
    total_calls = 0
    shown = 0
    counts = {}
    for ln in txt.splitlines():
        f = ln.split()
        if len(f) >= 5 and re.match(r"^\d", f[0]) and f[-1] not in ("total",):
            try:
                secs, usecall, calls = float(f[1]), f[2], int(f[3])
            except ValueError:
                continue
            name = f[-1]
            total_calls += calls
            counts[name] = calls / k
            if shown < 15:
                out("| %s | %.1f | %.0f | %s |" % (name, calls / k, secs * 1e6 / k, usecall))
                shown += 1
        if len(f) >= 4 and f[-1] == "total":
            out("| **total** (incl. the shell loop) | %s | %.0f | |" % (
                "%.0f" % (int(f[3]) / k) if f[3].isdigit() else "?", float(f[1]) * 1e6 / k))
    out()
    out("(wait4 is the launcher and the shell waiting; strace's times include its own overhead.)")
    out()
    return counts


MOUNT_CALLS = {"mount", "umount2", "open_tree", "move_mount", "mount_setattr", "fsopen", "fsconfig", "fsmount",
               "pivot_root", "openat2", "mkdirat", "symlinkat", "fchown", "newfstatat", "readlinkat"}


def classify(frames):
    """frames: [(sym, dso)] leaf first -> bucket name"""
    if not frames:
        return "?"
    sym0, dso0 = frames[0]
    if "kernel" not in dso0:
        return "user: " + os.path.basename(dso0.strip("()"))
    for sym, dso in frames:
        m = re.match(r"^__(?:x64|ia32|do|se)_sys_(\w+)", sym)
        if m:
            return "kernel: " + m.group(1)
        if sym == "do_seccomp":
            return "kernel: seccomp"
    names = [f[0] for f in frames]
    if "do_syscall_64" in names:    # entry/exit code: name it after the libc wrapper
        user = next((f[0] for f in frames if "kernel" not in f[1]), "?")
        return "kernel: " + {"__libc_recv": "recvfrom", "__poll": "poll", "__close": "close", "__GI___prctl": "prctl",
                             "__GI___fstatat64": "newfstatat", "syscall": "syscall(2)"}.get(user, user)
    if any("page_fault" in n for n in names):
        return "kernel: page faults (user space)"
    if any(n.startswith("ret_from_fork") for n in names):
        return "kernel: new process start (ret_from_fork)"
    if any("schedule" in n or "finish_task_switch" in n for n in names):
        return "kernel: scheduling"
    if any(n.startswith("asm_sysvec") or "irq" in n for n in names):
        return "kernel: interrupts"
    return "kernel: other"


PHASE_MARKERS = [
    (("sf_", "sysfilter_"), "seccomp filters: plan, libseccomp compile, load (sysfilter.c)"),
    (("mounts_", "op_", "walk_source", "make_path", "enter_staging", "make_root", "enter_root", "bind_fd", "attach",
      "new_fs", "mount_fs_at", "bind_host_node", "open_in_root"), "mounts (mounts.c)"),
    (("caps_",), "capabilities (caps.c)"),
    (("fd_close", "fd_walk", "fd_cloexec"), "closing descriptors (fdutil.c)"),
    (("profile_", "resolve_policy", "policy_", "value_", "cli_"), "profile lookup, parse, policy"),
    (("exec_build_env",), "environment"),
    (("userns_",), "uid/gid maps"),
    (("net_setup", "link_up"), "loopback (net.c)"),
    (("cgroup_",), "cgroups"),
    (("rlimits_",), "rlimits"),
    (("exec_search",), "execve of the payload"),
    (("sandbox_clone",), "clone with the new namespaces"),
    (("wait_child", "drain_sync", "handle_signal"), "launcher waiting for PID 1"),
    (("reaper_run",), "PID 1 reaper loop"),
    (("sync_recv", "sync_send", "sync_fail"), "parent/child messages (sync.c)"),
    (("_dl_start", "_dl_init", "dl_main", "_dl_relocate_object", "_dl_map_object", "_dl_start_user"),
     "dynamic loading + library constructors (ld.so)"),
]


def classify_phase(frames):
    """Inclusive: the innermost function of ours on the stack names the phase.
    libseccomp has no frame pointers, so its samples are matched by library."""
    for sym, dso in frames:
        if "kernel" in dso:
            continue
        if "libseccomp" in dso:
            return PHASE_MARKERS[0][1]
        for prefixes, name in PHASE_MARKERS:
            if sym.startswith(prefixes) or sym in prefixes:
                return name
    b = classify(frames)
    if b == "kernel: seccomp":
        return PHASE_MARKERS[0][1]
    if b.startswith("kernel: "):
        n = b[8:]
        return {"execve": "execve (the launcher's own)", "exit_group": "exit (namespace teardown in PID 1's exit)",
                "clone": "clone / fork", "poll": "waiting", "wait4": "waiting", "recvfrom": "waiting",
                "read": "waiting"}.get(n, "other kernel: " + n)
    return "other user space: " + b[6:]


def perf_profile(who, launches=40):
    """CPU samples of whole launches, by library and by system call."""
    if os.geteuid() != 0 or not shutil.which("perf"):
        note("perf needs root and perf: CPU profile skipped")
        return
    stage("perf")
    data = os.path.join(BIN, "perf.data")
    freq = 10000
    # The frame-pointer build (make bench builds it from the same sources)
    # gives complete call chains; DWARF unwinding lost most of them here.
    exe = SANDBOX_FP if os.path.exists(SANDBOX_FP) else SANDBOX
    if exe == SANDBOX:
        note("no frame-pointer build (%s): call chains will be incomplete" % SANDBOX_FP)
    p = run(["perf", "record", "-q", "-g", "-F", str(freq), "-e", "cpu-clock", "-o", data,
             "--"] + who.prefix() + [RUNNER, "seq", "2", "--", str(launches), exe, "/bin/true"], cwd="/")
    if p.returncode != 0 or not os.path.exists(data):
        note("perf record failed: %s" % p.stderr.strip()[-200:])
        return
    comm_name = os.path.basename(exe)[:15]
    txt = run(["perf", "script", "-i", data, "--comm", comm_name, "-F", "ip,sym,dso"]).stdout
    buckets, phases_, total = {}, {}, 0
    for block in txt.split("\n\n"):
        frames = []
        for ln in block.splitlines():
            m = re.match(r"^\s*[0-9a-f]+\s+(.*?)\s+\((.*)\)\s*$", ln)
            if m:
                frames.append((m.group(1), m.group(2)))
        if not frames:
            continue
        b = classify(frames)
        buckets[b] = buckets.get(b, 0) + 1
        ph = classify_phase(frames)
        phases_[ph] = phases_.get(ph, 0) + 1
        total += 1
    if not total:
        note("perf recorded no samples of %s" % comm_name)
        return
    per = lambda n: n * 1e6 / freq / launches      # samples -> µs per launch
    out("### CPU per launch by setup phase (perf record -g -e cpu-clock at %d Hz, %d launches, %s)"
        % (freq, launches, who.name))
    out()
    out("Samples of the launcher, its PID 1 and PID 2 until execve (comm `%s`): %.0f µs CPU per launch (perf's "
        "own overhead included). Each sample goes to the innermost function of ours on its stack, so a phase "
        "includes the libc, library and kernel work it causes (malloc, page faults, system calls); libc and the "
        "libraries have no frame pointers, so part of their time stays unattributed (\"other\"). The launcher "
        "profiled is `%s`, built from the same sources with -fno-omit-frame-pointer. Work the kernel "
        "defers to kworkers (network namespace cleanup, RCU callbacks) is not included." % (
            comm_name, per(total), os.path.relpath(exe, REPO)))
    out()
    out("| phase | µs CPU per launch | share |")
    out("|---|---|---|")
    for b, n in sorted(phases_.items(), key=lambda x: -x[1]):
        if n * 1000 >= total:   # >= 0.1%
            out("| %s | %.0f | %.1f%% |" % (b, per(n), 100.0 * n / total))
    out()
    out("The same samples by library (user space) and by system call (kernel), leaf first:")
    out()
    mount_total = sum(n for b, n in buckets.items() if b.startswith("kernel: ") and b[8:] in MOUNT_CALLS)
    out("| where | µs CPU per launch | share |")
    out("|---|---|---|")
    for b, n in sorted(buckets.items(), key=lambda x: -x[1])[:22]:
        out("| %s | %.0f | %.1f%% |" % (b, per(n), 100.0 * n / total))
    out("| (kernel: the mount-building calls together: %s) | %.0f | %.1f%% |" % (
        ", ".join(sorted(MOUNT_CALLS)), per(mount_total), 100.0 * mount_total / total))
    out()
    res = {b: per(n) for b, n in buckets.items()}
    res["_phases"] = {b: per(n) for b, n in phases_.items()}
    res["_total"] = per(total)
    res["_mounts"] = per(mount_total)
    return res


def ld_stats(mhz):
    out("### Dynamic loader (LD_DEBUG=statistics on `sandbox --version`, 20 runs)")
    out()
    cyc, rel = [], []
    for _ in range(20):
        p = run([SANDBOX, "--version"], env=dict(os.environ, LD_DEBUG="statistics"))
        m = re.search(r"total startup time in dynamic loader:\s*([\d,]+)", p.stderr)
        if m:
            cyc.append(int(m.group(1).replace(",", "")))
        m = re.search(r"number of relocations:\s*(\d+)", p.stderr)
        if m:
            rel.append(int(m.group(1)))
    if not cyc:
        note("LD_DEBUG=statistics printed nothing")
        return None
    us = med(cyc) / mhz if mhz else float("nan")
    libs = [l.split()[0] for l in run(["ldd", SANDBOX]).stdout.splitlines() if "=>" in l]
    out("Median %d cycles in ld.so (%.0f µs at %.0f MHz), %d relocations, %d shared libraries (%s)." % (
        med(cyc), us, mhz or 0, med(rel) if rel else -1, len(libs), " ".join(libs)))
    out()
    return us


def callgrind():
    if not shutil.which("valgrind"):
        note("valgrind is not installed: instruction counts skipped")
        return
    stage("callgrind")
    tmp = tempfile.mkdtemp(prefix="sandbox-bench-cg-")
    rows = []
    for label, argv in [("sandbox --version", [SANDBOX, "--version"]),
                        ("sandbox --print-profile true", [SANDBOX, "--print-profile", "true"])]:
        f = os.path.join(tmp, "cg.%s" % len(rows))
        run(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + f] + argv,
            env=dict(os.environ, SANDBOX_PROFILE_PATH=PROFILES))
        if not os.path.exists(f):
            continue
        ann = run(["callgrind_annotate", "--inclusive=yes", f]).stdout
        tot = re.search(r"([\d,]+)\s+\(100\.0%\)\s+PROGRAM TOTALS", ann)
        dl = re.search(r"([\d,]+)\s+\([\d.]+%\)\s+\S*:_dl_start ", ann)
        mn = re.search(r"([\d,]+)\s+\([\d.]+%\)\s+\S*:main ", ann)
        num = lambda m: int(m.group(1).replace(",", "")) if m else None
        rows.append((label, num(tot), num(dl), num(mn), ann))
    shutil.rmtree(tmp, ignore_errors=True)
    out("### Instructions (valgrind --tool=callgrind; user space only)")
    out()
    out("| command | instructions | in ld.so's _dl_start | in main |")
    out("|---|---|---|---|")
    for label, tot, dl, mn, _ in rows:
        out("| %s | %s | %s | %s |" % (label, "{:,}".format(tot) if tot else "?", "{:,}".format(dl) if dl else "?",
                                       "{:,}".format(mn) if mn else "?"))
    out()
    if rows and rows[-1][4]:
        out("Top functions of `--print-profile` (inclusive):")
        out()
        out("```")
        n = 0
        for ln in rows[-1][4].splitlines():
            if re.match(r"^\s*[\d,]+ \(", ln) and "PROGRAM TOTALS" not in ln:
                out(ln.strip()[:150])
                n += 1
                if n >= 18:
                    break
        out("```")
        out()
    note("valgrind 3.19 does not know fsopen(2) (syscall 430), so a full launch cannot run under it; "
         "the child's work is covered by strace and perf above.")
    out()


def static_variants():
    """Links the objects of this build with the libraries static (libc
    still dynamic) and fully static-pie, to measure dynamic loading."""
    objs = sorted(glob.glob(os.path.join(BUILD, "obj", "*.o")))
    if not objs:
        return []
    pkgs = os.environ.get("BENCH_PKGS", "libseccomp libcap inih libnl-3.0 libnl-route-3.0").split()
    ldflags = os.environ.get("BENCH_LDFLAGS", "-pie -Wl,-z,relro,-z,now").split()
    cc = os.environ.get("CC", "cc")
    libs = run(["pkg-config", "--libs", "--static"] + pkgs).stdout.split()
    made = []
    variants = [("sandbox, libraries linked statically (libc dynamic)", "sandbox-libs-static",
                 ldflags + ["-o", None] + objs + ["-Wl,-Bstatic"] + [l for l in libs if l != "-lpthread"] + ["-Wl,-Bdynamic"]),
                ("sandbox, static-pie", "sandbox-static-pie",
                 ["-static-pie", "-Wl,-z,relro,-z,now", "-o", None] + objs + libs)]
    for label, name, args in variants:
        path = os.path.join(BIN, name)
        args = [path if a is None else a for a in args]
        p = run([cc] + args)
        if p.returncode == 0 and os.path.exists(path):
            made.append((label, path))
        else:
            note("could not link %s: %s" % (name, (p.stderr.strip().splitlines() or ["?"])[-1][:200]))
    return made


# ---- main ---------------------------------------------------------------------


def main():
    for f in (RUNNER, SYSLOOP, BPFDUMP, SANDBOX_BUILT):
        if not os.path.exists(f):
            sys.exit("bench: %s is missing (run `make bench`, which builds it)" % f)
    shutil.copy2(SANDBOX_BUILT, SANDBOX + ".tmp")
    os.chmod(SANDBOX + ".tmp", 0o755)
    os.replace(SANDBOX + ".tmp", SANDBOX)
    mhz = header()
    who_list = identities()
    statics = static_variants() if DIAG else []
    launch = {}
    for who in who_list:
        launch_table(who, launch)
    sysbase = None
    for who in who_list:
        r = syscalls(who)
        if sysbase is None and r and r.get("host, no filter"):
            sysbase = med(r["host, no filter"])
        if who.name == "root":
            filters_inside(who)
    for who in who_list:
        memory(who, launch.get(who.name), statics)
    dirs = make_profile_dirs()
    try:
        for who in who_list:
            scale(who, dirs)
    finally:
        shutil.rmtree(dirs[0], ignore_errors=True)
    if DIAG:
        out("## Where the launcher's time goes")
        out()
        mount_counts(who_list[0])
        ab = {}
        for who in who_list:
            ab[who.name] = ablations(who, statics)
        ph = {}
        for who in who_list:
            ph[who.name] = phases(who)
        counts = strace_counts(who_list[0])
        prof = perf_profile(who_list[0])
        ld_us = ld_stats(mhz)
        callgrind()
        derive_findings(ab, ph, ld_us, prof, counts, sysbase)
    out("## Goals")
    out()
    out("| goal | holds | measured |")
    out("|---|---|---|")
    for g, ok, ev in goals:
        verdict = ok if isinstance(ok, str) else {True: "yes", False: "**no**", None: "inconclusive (noise)"}[ok]
        out("| %s | %s | %s |" % (g, verdict, ev))
    out()
    if findings:
        out("## Measured costs, largest first")
        out()
        ranked = sorted([f for f in findings if f[0] >= 150], key=lambda x: -x[0])
        for i, (us, text) in enumerate(ranked):
            out("%d. %s" % (i + 1, text))
        out()
        rest = [t for us, t in findings if us < 150]
        if rest:
            out("Smaller than 150 µs, or not distinguishable from the noise at this BENCH_N:")
            out()
            for t in rest:
                out("- " + t)
            out()
    out("Finished in %.0f s. Reproduce: `make bench` (as root; BENCH_N=%d)." % (time.monotonic() - T0, N))
    try:
        os.makedirs(os.path.dirname(OUT), exist_ok=True)
        with open(OUT, "w") as f:
            f.write("\n".join(report_lines) + "\n")
        print("bench: report written to %s" % OUT)
    except OSError as e:
        print("bench: cannot write %s: %s" % (OUT, e))


def boot_ci(a, b, iters=400):
    """median(a) - median(b) with a bootstrap 95% interval."""
    import random
    rnd = random.Random(1)
    d = med(a) - med(b)
    ds = sorted(med([rnd.choice(a) for _ in a]) - med([rnd.choice(b) for _ in b]) for _ in range(iters))
    return d, pct(ds, 0.025), pct(ds, 0.975)


def derive_findings(ab, ph, ld_us, prof, counts, sysbase):
    """Turns the measurements into ranked costs with a suggestion each."""
    if prof:
        lib_us = sum(v for k, v in prof.items() if k.startswith("user: libseccomp"))
        seccomp_us = next((v for k, v in prof["_phases"].items() if k.startswith("seccomp filters")), lib_us)
        load = sum(us for _, us in BPFLOAD.values())
        if seccomp_us:
            findings.append((seccomp_us - load,
                             "**Seccomp filters: %.0f µs CPU per launch** (%.0f%% of the launcher's CPU, inclusive "
                             "of the seccomp(2) calls, which check, convert and JIT-compile the program; %.0f µs of it "
                             "inside libseccomp, which runs only for profiles with rules of their own). The built-in "
                             "filters are compiled at build time; loading them alone costs %s. The payload's is loaded "
                             "in PID 2 while PID 1 builds the view; the reaper's in PID 1." % (
                                 seccomp_us, 100 * seccomp_us / prof["_total"], lib_us,
                                 " + ".join("%.0f µs (%s, %d insns)" % (us, r, n) for r, (n, us) in BPFLOAD.items()) or "?")))
        ph = prof["_phases"]
        cnt = lambda k: "%.0f" % counts[k] if counts and k in counts else "many"
        hints = {
            "mounts (mounts.c)": None,   # below, with the mount count
            "dynamic loading + library constructors (ld.so)":
                "mapping and relocating the launcher and glibc (libseccomp, libcap, libnl and inih are linked in "
                "statically) and running the constructors (libcap probes the bounding set with 6 prctl calls)",
            "capabilities (caps.c)":
                "%s prctl calls per launch: one PR_CAPBSET_DROP per capability (there is no call for several), in "
                "PID 2 and again in PID 1" % cnt("prctl"),
            "closing descriptors (fdutil.c)":
                "close_range(2) around the kept descriptors in PID 1 and PID 2 (%s close calls per launch in all, "
                "most of them the mount code's own descriptors)" % cnt("close"),
            "profile lookup, parse, policy": "reading and parsing the profile, building and validating the policy",
            "clone / fork": "clone(2) with the new namespaces (user, mount, PID, IPC, UTS, cgroup; with net.mode = none "
                            "PID 2 makes the network namespace) and the fork of PID 2",
            "execve (the launcher's own)": "the launcher's own execve (the payload's is not counted here)",
            "exit (namespace teardown in PID 1's exit)": "PID 1's exit tears down the mount tree and the namespaces; "
                                                         "fewer mounts make it cheaper",
            "waiting": "blocking in poll/recv/read/wait4: the CPU of the sleep/wake-up handoffs between the three "
                       "processes (in this VM the samples land where interrupts are re-enabled)",
        }
        for name, v in ph.items():
            if name.startswith("seccomp filters") or v < 100:
                continue
            if name == "mounts (mounts.c)":
                n = MOUNTS.get("sandbox")
                bw = MOUNTS.get("bwrap (default.conf's mounts)")
                findings.append((v, "**mounts: %.0f µs CPU per launch**%s%s, with %s openat2 calls (each destination "
                                    "resolved inside the new root); %s of the mounts are the /proc protections "
                                    "(read-only /proc/sys, /proc/irq, ... and hidden files), which bwrap does not "
                                    "make - procfs mounted with subset=pid (Linux 5.8) would need none of them, for "
                                    "profiles that can do without /proc/meminfo, /proc/cpuinfo and the like" % (
                                        v, " for %d mounts = %.0f µs per mount" % (n, v / n) if n else "",
                                        " (bwrap's equivalent view has %d)" % bw if bw else "", cnt("openat2"),
                                        MOUNTS.get("sandbox /proc/*", "?"))))
                continue
            h = hints.get(name)
            findings.append((v, "%s: %.0f µs CPU per launch%s" % (name, v, " - " + h if h else "")))
    if counts and sysbase:
        total = sum(v for k, v in counts.items() if k not in ("wait4",))
        findings.append((total * sysbase / 1000,
                         "%.0f system calls per launch (strace -c; prctl %.0f, close %.0f, openat2 %.0f, newfstatat %.0f); "
                         "at %.0f ns each (a bare getppid here) that is at least %.0f µs, before the work they do." % (
                             total, counts.get("prctl", 0), counts.get("close", 0), counts.get("openat2", 0),
                             counts.get("newfstatat", 0), sysbase, total * sysbase / 1000)))
    for who, res in ab.items():
        if not res:
            continue
        base = res.get("sandbox /bin/true (default profile)")
        if not base or len(base["wall"]) < 5:
            continue
        for label, r in res.items():
            if len(r["wall"]) < 5 or r is base:
                continue
            if label.startswith("  ") or (label.endswith("/bin/true") and "static" in label):
                dw, lo, hi = boot_ci(base["wall"], r["wall"])
                dc, clo, chi = boot_ci(base["cpu"], r["cpu"])
                sig = clo > 0 or lo > 0
                if dc > 0 or dw > 0:
                    findings.append((max(dc, 0) if sig else 0,
                                     "%s (%s): saves %.2f ms CPU (95%% CI %.2f..%.2f) and %.2f ms wall (CI %.2f..%.2f)%s" % (
                                         label.strip(), who, dc / 1000, clo / 1000, chi / 1000, dw / 1000, lo / 1000,
                                         hi / 1000, "" if sig else " - within the noise")))
        v = res.get("sandbox --version (exec, dynamic loading, library constructors)")
        pp = res.get("sandbox --print-profile true (+ profile lookup, parse, validate)")
        for label, r in res.items():
            if v and "static-pie" in label and label.endswith("--version") and r["cpu"]:
                dc, lo, hi = boot_ci(v["cpu"], r["cpu"])
                findings.append((dc, "process start with glibc linked dynamically vs static-pie (%s): `--version` costs "
                                     "%.2f ms more CPU (95%% CI %.2f..%.2f)%s. glibc stays dynamic on purpose, so that "
                                     "its security updates reach the launcher without a rebuild." % (
                                         who, dc / 1000, lo / 1000, hi / 1000,
                                         "; ld.so alone: %.0f µs (LD_DEBUG=statistics)" % ld_us if ld_us else "")))
        if v and pp and v["cpu"] and pp["cpu"]:
            dc, lo, hi = boot_ci(pp["cpu"], v["cpu"])
            findings.append((dc, "profile lookup + parse + policy + --print-profile output (%s): %.2f ms CPU over "
                                 "`--version` (95%% CI %.2f..%.2f); callgrind shows most of it in sysfilter_print_policy "
                                 "-> sf_plan_names -> seccomp_syscall_resolve_num_arch (a linear name search per "
                                 "syscall number and architecture): a launch without --print-profile does not print, "
                                 "but builds the same plan in sf_plan_build." % (who, dc / 1000, lo / 1000, hi / 1000)))


if __name__ == "__main__":
    main()
