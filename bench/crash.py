#!/usr/bin/env python3
"""Crash consistency of `recall reschedule --apply`, `recall import --apply` and a note
review session (`recall review --notes`): kill them at random moments.

    bench/crash.py [--scenario reschedule|import|notes] [--notes 2000] [--kills 200]
                   [--bin target/release/recall] [--out FILE]

`--scenario notes`: a vault of review notes of every front-matter shape (YAML, JSON,
none, CRLF with a BOM; due, new and not yet due) goes through `review --notes --plain`,
driven through its pipes: each note shown gets the answer its path picks (Easy, Good,
Hard, or skip), so a finishing run (the same session again) gives every note left the
answer a clean run gives it. See bench/crash_notes.py.

`--scenario import`: the vault is rescheduled by 7 days and exported with scheduling,
and every review card of that package gets one Anki review (Good, on 2026-06-01, as a
phone would bring back); the command is `import PACKAGE --apply` on the original vault.
An import is idempotent (reviews already in the log are skipped), so the finishing run
is always the same command again, and afterwards the review log must hold exactly the
records of a clean run (ids aside), none twice.

Generates a vault (bench/gen-vault.py), computes the expected result of
`reschedule --shift 7 --apply` on a copy, then repeatedly restores the vault, starts the
same command, and SIGKILLs it after a random delay spread over a full run's duration.
After each kill every note must be byte-identical to either its old or its new version
(both parse: they are checked once with `recall cards --json`), and running the command
again must finish the rest so that every note ends exactly at its new version. Prints a
Markdown report (and writes it to --out).
"""
import argparse
import datetime
import os
import sqlite3
import tempfile
import zipfile
import random
import shutil
import subprocess
import sys
import time

from crash_common import log_entries, notes, report, temp_files

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TODAY = "2026-01-15"


def anki_reviewed(src, out):
    """`src` (recall's package) with one Anki review, Good on 2026-06-01 10:00 UTC, on
    every review card, its interval grown by its ease: what a phone would send back."""
    with zipfile.ZipFile(src) as z:
        names = z.namelist()
        name = next(n for n in names if n.startswith("collection"))
        blobs = {n: z.read(n) for n in names}
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "col.db")
        with open(db, "wb") as fh:
            fh.write(blobs[name])
        c = sqlite3.connect(db)
        crt = c.execute("select crt from col").fetchone()[0]
        at = int(datetime.datetime(2026, 6, 1, 10, 0, tzinfo=datetime.timezone.utc).timestamp())
        day = (at - crt) // 86400
        rows = c.execute("select id, ivl, factor from cards where type = 2").fetchall()
        for i, (cid, ivl, factor) in enumerate(rows):
            new = max(1, ivl * factor // 1000)
            c.execute("insert into revlog values (?,?,?,?,?,?,?,?,?)",
                      (at * 1000 + i, cid, -1, 3, new, ivl, factor, 5000, 1))
            c.execute("update cards set ivl = ?, due = ?, mod = ? where id = ?", (new, day + new, at, cid))
        c.commit()
        c.close()
        with open(db, "rb") as fh:
            blobs[name] = fh.read()
    with zipfile.ZipFile(out, "w") as w:
        for n in names:
            w.writestr(n, blobs[n])


def log_records(root, schedules):
    """The review log's records without their ids, sorted: the `anki schedule` records
    with `schedules`, the others (reviews) without."""
    return log_entries(root, ("id",), lambda d: (d.get("detail") == "anki schedule") == schedules)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--notes", type=int, default=2000)
    ap.add_argument("--kills", type=int, default=200)
    ap.add_argument("--bin", default=os.path.join(ROOT, "target/release/recall"))
    ap.add_argument("--out")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--scenario", choices=["reschedule", "import", "notes"], default="reschedule")
    a = ap.parse_args()
    if a.scenario == "notes":
        import crash_notes
        return crash_notes.main(a)
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
    today = TODAY
    if a.scenario == "import":
        shifted = os.path.join(work, "shifted")
        shutil.copytree(pristine, shifted)
        subprocess.run(cmd(shifted), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        plain = os.path.join(work, "recall.apkg")
        package = os.path.join(work, "reviewed.apkg")
        subprocess.run([binary, "export", "--with-scheduling", "-o", plain, "--vault", shifted, "--today", TODAY],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        anki_reviewed(plain, package)
        today = "2026-06-02"
        cmd = lambda v: [binary, "import", package, "--apply", "--vault", v, "--today", today]
    shutil.copytree(pristine, expected_dir)
    start = time.perf_counter()
    subprocess.run(cmd(expected_dir), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    full = time.perf_counter() - start
    old, new = notes(pristine), notes(expected_dir)
    changed = sum(1 for k in old if old[k] != new[k])
    clean_reviews, clean_schedules = log_records(expected_dir, False), log_records(expected_dir, True)
    extra_schedule_records, kills_with_extra = 0, 0
    for v in (pristine, expected_dir):
        subprocess.run([binary, "cards", "--json", "--vault", v, "--today", today], check=True,
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
                completed = a.scenario == "reschedule" and any("| complete" in line for line in fh)
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
        if a.scenario == "import":
            got = log_records(vault, False)
            if got != clean_reviews:
                failures.append(f"kill {i}: after finishing, the log holds {len(got)} Anki reviews, a clean run"
                                f" {len(clean_reviews)} (or as many, different)")
            sched = log_records(vault, True)
            if sched != clean_schedules:
                # The batch writer logs a batch before writing its notes (write-ahead);
                # a kill in between leaves those records, and the finishing run logs the
                # schedules again.
                extra = len(sched) - len(clean_schedules)
                missing = [r for r in set(clean_schedules) if r not in set(sched)]
                if extra < 0 or missing:
                    failures.append(f"kill {i}: schedule records missing from the log after finishing")
                extra_schedule_records += extra
                kills_with_extra += 1
    lines = [
        f"- vault: {a.notes} generated notes ({changed} change under `{' '.join(cmd('VAULT')[1:])}`);",
        f"- scenario: {a.scenario}; a full run took {full:.2f} s here; kills at uniform random delays in [0, {full * 1.1:.2f}] s",
        f"- kills: {a.kills}; runs cut part-way (some notes new, some old): {partial}; runs that had"
        f" logged their completion before the kill: {complete_before_kill} (of which exited: {exited_before_kill})",
        f"- notes neither old nor new after a kill: {torn}",
        f"- temp files left by the kills (removed by the next write to that note): {stray_after_kill};"
        f" left after the finishing runs: {stray_after_finish}",
        f"- every finishing run (the same command again) ended with every note exactly as a clean run"
        f" writes it{' (and the log holds exactly the Anki reviews of a clean run, none twice)' if a.scenario == 'import' else ''}:"
        f" {'yes' if not failures else 'no'}",
    ]
    if a.scenario == "import":
        lines.append(f"- `anki schedule` log records beyond a clean run's after finishing: {extra_schedule_records}"
                     f" (after {kills_with_extra} of the kills); none missing")
    return report(lines, failures, a.out)


if __name__ == "__main__":
    sys.exit(main())
