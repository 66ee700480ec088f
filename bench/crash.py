#!/usr/bin/env python3
"""Crash consistency of `recall reschedule --apply`: kill it at random moments.

    bench/crash.py [--notes 2000] [--kills 200] [--bin target/release/recall] [--out FILE]

Generates a vault (bench/gen-vault.py), computes the expected result of
`reschedule --shift 7 --apply` on a copy, then repeatedly restores the vault, starts the
same command, and SIGKILLs it after a random delay spread over a full run's duration.
After each kill every note must be byte-identical to either its old or its new version
(both parse: they are checked once with `recall cards --json`), and running the command
again must finish the rest so that every note ends exactly at its new version. Prints a
Markdown report (and writes it to --out).
"""
import argparse
import os
import random
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TODAY = "2026-01-15"


def notes(root):
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for f in filenames:
            if f.endswith(".md"):
                p = os.path.join(dirpath, f)
                with open(p, "rb") as fh:
                    out[os.path.relpath(p, root)] = fh.read()
    return out


def temp_files(root):
    found = []
    for dirpath, _, filenames in os.walk(root):
        found += [f for f in filenames if ".recall-" in f and f.endswith(".tmp")]
    return found


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--notes", type=int, default=2000)
    ap.add_argument("--kills", type=int, default=200)
    ap.add_argument("--bin", default=os.path.join(ROOT, "target/release/recall"))
    ap.add_argument("--out")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    binary = os.path.abspath(a.bin)
    work = os.path.join(ROOT, "target", "crash")
    pristine = os.path.join(work, "pristine")
    expected_dir = os.path.join(work, "expected")
    vault = os.path.join(work, "vault")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    subprocess.run([sys.executable, os.path.join(HERE, "gen-vault.py"), pristine, "--notes", str(a.notes), "--today", TODAY],
                   check=True, stdout=subprocess.DEVNULL)
    cmd = lambda v: [binary, "reschedule", "--shift", "7", "--apply", "--vault", v, "--today", TODAY]
    shutil.copytree(pristine, expected_dir)
    start = time.perf_counter()
    subprocess.run(cmd(expected_dir), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    full = time.perf_counter() - start
    old, new = notes(pristine), notes(expected_dir)
    changed = sum(1 for k in old if old[k] != new[k])
    for v in (pristine, expected_dir):
        subprocess.run([binary, "cards", "--json", "--vault", v, "--today", TODAY], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    failures, partial, stray_after_kill, stray_after_finish = [], 0, 0, 0
    torn, complete_before_kill, exited_before_kill = 0, 0, 0
    for i in range(a.kills):
        if i % 20 == 0:
            print(f"kill {i}/{a.kills}", file=sys.stderr, flush=True)
        shutil.rmtree(vault, ignore_errors=True)
        shutil.copytree(pristine, vault)
        delay = rng.uniform(0, full * 1.1)
        p = subprocess.Popen(cmd(vault), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        finished_first = p.poll() is not None
        p.kill()
        p.wait()
        now = notes(vault)
        # A run that logged its completion before the kill is complete: the same
        # command again would be a new run (a second shift), so it is not repeated.
        log_path = os.path.join(vault, ".recall", "reviews.jsonl")
        completed = False
        if os.path.exists(log_path):
            with open(log_path, encoding="utf-8") as fh:
                completed = any("| complete" in line for line in fh)
        n_old = sum(1 for k in now if now[k] == old[k])
        n_new = sum(1 for k in now if now[k] == new[k] and old[k] != new[k])
        bad = [k for k in now if now[k] != old[k] and now[k] != new[k]]
        if bad:
            torn += len(bad)
            failures.append(f"kill {i}: {len(bad)} note(s) neither old nor new, e.g. {bad[0]}")
        if 0 < n_new < changed:
            partial += 1
        if completed:
            complete_before_kill += 1
        if finished_first:
            exited_before_kill += 1
        stray_after_kill += len(temp_files(vault))
        if not completed:
            subprocess.run(cmd(vault), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        done = notes(vault)
        wrong = [k for k in done if done[k] != new[k]]
        if wrong:
            failures.append(f"kill {i}: after finishing, {len(wrong)} note(s) differ from a clean run, e.g. {wrong[0]}")
        stray_after_finish += len(temp_files(vault))
    lines = [
        f"- vault: {a.notes} generated notes ({changed} change under `reschedule --shift 7 --apply`);",
        f"  a full run took {full:.2f} s here; kills at uniform random delays in [0, {full * 1.1:.2f}] s",
        f"- kills: {a.kills}; runs cut part-way (some notes new, some old): {partial}; runs that had"
        f" logged their completion before the kill: {complete_before_kill} (of which exited: {exited_before_kill})",
        f"- notes neither old nor new after a kill: {torn}",
        f"- temp files left by the kills (removed by the next write to that note): {stray_after_kill};"
        f" left after the finishing runs: {stray_after_finish}",
        f"- every finishing run (the same command again) ended with every note exactly as a clean run"
        f" writes it: {'yes' if not failures else 'no'}",
    ]
    lines += [f"  - {f}" for f in failures[:20]]
    report = "\n".join(lines) + "\n"
    print(report)
    if a.out:
        with open(a.out, "w", encoding="utf-8") as f:
            f.write(report)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
