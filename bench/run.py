#!/usr/bin/env python3
"""Benchmarks of recall against ripgrep on generated vaults, as ratios.

    bench/run.py [--notes 10000] [--notes 50000] [--runs 15] [--bin target/release/recall] [--out FILE]
                 [--only TEXT]... [--skip TEXT]... [--before OTHER_BINARY]

Generates each vault with bench/gen-vault.py (a copy of the shared generator; the same seed
always gives the same bytes) under target/bench/, then times every command with the same
number of warm runs, interleaving recall and the baseline so machine noise hits both alike.
Wall time is the median of the runs; peak RSS comes from wait4() of each run. Every figure is
also given as a ratio to `rg -c '::|<!--SR' VAULT` measured in the same go, which is what the
targets are stated in. Prints a Markdown report (and writes it to --out when given).

Commands that modify the vault (grade, reschedule --apply) run on a fresh copy each time;
the copy is not timed. With --before, every recall command is also timed with that other
binary (an older build), in the same rounds, so before and after share the machine's noise.
Each row gives the spread of its runs ((max - min) / median) and the report the load average
at the start and the end, to say how noisy the machine was.
"""
import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TODAY = "2026-01-15"


def run_once(argv, cwd=None, stdin=None, until=None):
    """Runs argv; returns (seconds, peak RSS in MB). With `until`, stops timing when that
    bytes string first appears on stdout (for interactive commands)."""
    start = time.perf_counter()
    # Output goes to /dev/null unless we watch for `until`; reading it here would grow this
    # process, and a forked child starts with its parent's RSS.
    p = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                         stdout=subprocess.PIPE if until else subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = None
    if stdin is not None:
        p.stdin.write(stdin)
        p.stdin.close()
    if until is not None:
        tail = b""
        while True:
            chunk = os.read(p.stdout.fileno(), 65536)
            if not chunk:
                break
            tail = (tail + chunk)[-4096:]
            if elapsed is None and until in tail:
                elapsed = time.perf_counter() - start
    _, status, usage = os.wait4(p.pid, 0)
    if elapsed is None:
        elapsed = time.perf_counter() - start
    if status != 0 and until is None:
        raise SystemExit(f"benchmark command failed ({status}): {' '.join(argv)}")
    return elapsed, usage.ru_maxrss / 1024.0


def measure(cases, runs, warmup=2):
    """cases: name -> (argv, prepare, until); returns name -> (median s, max RSS MB, runs).
    Commands that need a fresh copy of the vault each time (a `prepare`) run a fifth as
    often (at least 3 times): copying a large vault dominates otherwise."""
    times = {name: [] for name in cases}
    rss = {name: 0.0 for name in cases}
    spread = {}
    for _ in range(warmup):
        for name, (argv, prepare, until) in cases.items():
            if prepare is None:
                run_once(argv, until=until)
    for i in range(runs):
        for name, (argv, prepare, until) in cases.items():
            if prepare:
                if i >= max(3, runs // 5):
                    continue
                prepare()
            t, m = run_once(argv, until=until)
            times[name].append(t)
            rss[name] = max(rss[name], m)
    for name, ts in times.items():
        spread[name] = (max(ts) - min(ts)) / statistics.median(ts) if ts else 0.0
    return {name: (statistics.median(times[name]), rss[name], len(times[name]), spread[name]) for name in cases}


def machine():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = "?"
    try:
        with open("/proc/meminfo") as f:
            mem = f"{int(f.readline().split()[1]) // (1024 * 1024)} GiB"
    except (OSError, ValueError, IndexError):
        pass
    rg = subprocess.run(["rg", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    return f"{platform.system()} {platform.release()}, {os.cpu_count()} cores ({cpu}), {mem}; {rg}"


def supported(binary, sub):
    return subprocess.run([binary, sub, "--help"], capture_output=True).returncode == 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--notes", type=int, action="append")
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--bin", default=os.path.join(ROOT, "target/release/recall"))
    ap.add_argument("--out")
    ap.add_argument("--only", action="append", metavar="TEXT",
                    help="time only the commands whose name contains TEXT (rg and decks always run)")
    ap.add_argument("--skip", action="append", metavar="TEXT",
                    help="leave out the commands whose name contains TEXT")
    ap.add_argument("--before", metavar="BINARY",
                    help="also time every recall command with this other build, in the same rounds")
    a = ap.parse_args()
    sizes = a.notes or [10000]
    binary = os.path.abspath(a.bin)
    if not os.access(binary, os.X_OK):
        raise SystemExit(f"no recall binary at {binary}: run `cargo build --release` first")
    if not shutil.which("rg"):
        raise SystemExit("ripgrep (rg) is needed as the baseline: apt-get install ripgrep")
    work = os.path.join(ROOT, "target", "bench")
    os.makedirs(work, exist_ok=True)
    before = os.path.abspath(a.before) if a.before else None
    load_start = os.getloadavg()
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    lines = [f"Machine: {machine()}.", f"Runs: {a.runs} per command (median), after 2 warm-up runs; today pinned to {TODAY}.", ""]
    lines += ["| vault | command | runs | median | spread | × rg | × decks | peak RSS |",
              "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    summary = {}
    for n in sizes:
        vault = os.path.join(work, f"vault-{n}")
        some_note = "topics/000/Note 00000.md"
        if not os.path.isfile(os.path.join(vault, some_note)):
            # Missing or emptied (a half-deleted vault would time an empty folder): made again.
            shutil.rmtree(vault, ignore_errors=True)
            subprocess.run([sys.executable, os.path.join(HERE, "gen-vault.py"), vault, "--notes", str(n), "--today", TODAY],
                           check=True, stdout=subprocess.DEVNULL)
        scratch = os.path.join(work, f"scratch-{n}")

        def fresh_copy(src=vault, dst=scratch):
            shutil.rmtree(dst, ignore_errors=True)
            shutil.copytree(src, dst)

        grade_line = None
        with open(os.path.join(vault, some_note), encoding="utf-8") as f:
            for i, line in enumerate(f, 1):
                if "::" in line and "key::value" not in line:
                    grade_line = i
                    break
        rec = lambda *args, v=vault, b=binary: [b, *args, "--vault", v, "--today", TODAY]
        cases = {
            "rg -c '::|<!--SR'": (["rg", "-c", "::|<!--SR", vault], None, None),
            "recall decks": (rec("decks"), None, None),
            "recall cards --json": (rec("cards", "--json"), None, None),
        }
        if supported(binary, "review"):
            cases["recall review --plain (first card)"] = (rec("review", "--plain"), None, b"[1/")
        if supported(binary, "due"):
            cases["recall due"] = (rec("due"), None, None)
        if supported(binary, "stats"):
            cases["recall stats"] = (rec("stats"), None, None)
        if grade_line:
            cases["recall grade (one card)"] = (rec("grade", f"{some_note}:{grade_line}", "good", v=scratch), fresh_copy, None)
        if supported(binary, "reschedule"):
            cases["recall reschedule --spread 7 (dry run)"] = (rec("reschedule", "--spread", "7"), None, None)
            cases["recall reschedule --shift 7 --json (dry run)"] = (rec("reschedule", "--shift", "7", "--json"), None, None)
            cases["the writes: rewrite every note atomically (bench/rewrite.py)"] = (
                [sys.executable, os.path.join(HERE, "rewrite.py"), scratch], fresh_copy, None)
            cases["the writes, 4 at a time (bench/rewrite.py --threads 4)"] = (
                [sys.executable, os.path.join(HERE, "rewrite.py"), scratch, "--threads", "4"], fresh_copy, None)
            cases["recall reschedule --shift 7 --apply"] = (rec("reschedule", "--shift", "7", "--apply", v=scratch), fresh_copy, None)
        if supported(binary, "export"):
            out = os.path.join(work, f"export-{n}.apkg")
            cases["recall export --format apkg"] = (rec("export", "--format", "apkg", "-o", out), None, None)
            for fmt in ("csv", "json"):
                cases[f"recall export --format {fmt}"] = (
                    rec("export", "--format", fmt, "-o", os.path.join(work, f"export-{n}.{fmt}")), None, None)
        if a.only:
            keep = ("rg -c '::|<!--SR'", "recall decks")
            cases = {k: v for k, v in cases.items() if k in keep or any(o in k for o in a.only)}
        if a.skip:
            cases = {k: v for k, v in cases.items() if not any(o in k for o in a.skip)}
        if before:
            # The same commands with the other build, right after each one in every round.
            paired = {}
            for k, (argv, prepare, until) in cases.items():
                paired[k] = (argv, prepare, until)
                if argv[0] == binary:
                    paired[k + " (before)"] = ([before, *argv[1:]], prepare, until)
            cases = paired
        results = measure(cases, a.runs)
        base = results["rg -c '::|<!--SR'"][0]
        decks = results["recall decks"][0]
        decks_before = results.get("recall decks (before)", (decks,))[0]
        for name, (t, m, k, sp) in results.items():
            ratio = t / base
            summary[(n, name)] = (t, ratio, m)
            per_decks = t / (decks_before if name.endswith("(before)") else decks)
            lines.append(f"| {n} notes | `{name}` | {k} | {t * 1000:.1f} ms | ±{sp * 50:.0f} % | {ratio:.2f} | {per_decks:.2f} | {m:.0f} MB |")
        apply_ = results.get("recall reschedule --shift 7 --apply")
        for label, key in (("the writes", "the writes: rewrite every note atomically (bench/rewrite.py)"),
                           ("the writes 4 at a time", "the writes, 4 at a time (bench/rewrite.py --threads 4)")):
            writes = results.get(key)
            if writes and apply_:
                budget = 3 * decks + writes[0]
                lines.append(f"| {n} notes | reschedule --apply vs 3 × decks + {label} | | {apply_[0] * 1000:.0f} ms"
                             f" vs {budget * 1000:.0f} ms | | {apply_[0] / budget:.2f} | | |")

    if len(sizes) > 1:
        lines += ["", "Growth from the smallest to the largest vault (time ratio):", ""]
        small, large = min(sizes), max(sizes)
        for (n, name), (t, _, m) in summary.items():
            if n == small and (large, name) in summary:
                t2, _, m2 = summary[(large, name)]
                lines.append(f"- `{name}`: ×{t2 / t:.2f} time, ×{m2 / max(m, 1):.2f} RSS for ×{large / small:.0f} notes")
    load_end = os.getloadavg()
    lines += ["", f"Started {started}; load average (1, 5, 15 min) at the start {load_start[0]:.2f}, {load_start[1]:.2f}, "
              f"{load_start[2]:.2f}, at the end {load_end[0]:.2f}, {load_end[1]:.2f}, {load_end[2]:.2f} "
              f"({os.cpu_count()} cores). Spread: (max - min) / median of a command's runs, halved (±)."]
    report = "\n".join(lines) + "\n"
    print(report)
    if a.out:
        with open(a.out, "w", encoding="utf-8") as f:
            f.write(report)


if __name__ == "__main__":
    main()
