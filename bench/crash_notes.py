"""`bench/crash.py --scenario notes`: a note review session killed at random moments.

The vault holds review notes of every front-matter shape recall edits: YAML (with a
comment, a flow list, other keys), JSON, none at all (the tag in the body, no final
newline), CRLF with a BOM; due, new and not yet due, in several folders. The command is
`recall review --notes --plain` with its stdin and stdout on pipes: the driver reads
each note's header (`[i/n] PATH · deck · state`) and, at the prompt, sends the answer
that note's path picks (Easy, Good, Hard, or skip). The answer of a note never depends
on the moment, so running the session again after a kill (the finishing run) gives
every note still due or new the answer a clean run gives it.

After each kill every note must be byte-identical to its old version or to what a clean
run writes (both parse: checked once with `recall notes --json`); after the finishing
run every note must be exactly what a clean run writes, no temp file may be left, the
run must end as a clean run ends (exit 0, the same last summary line), and the review
log must hold each of a clean run's note reviews exactly once (ids and times aside).
"""
import sys
import os
import random
import re
import select
import shutil
import subprocess
import time
import zlib

from crash_common import log_entries, notes, report, temp_files

TODAY = "2026-01-15"
HEADER = re.compile(r"^\[(\d+)/(\d+)\] (.+?) · ")
WORDS = "reread summary outline argument source claim method result figure table".split()


def note_text(i, rng):
    """Note `i`: its shape cycles through the front-matter kinds recall edits."""
    body = "\n".join(" ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 12))).capitalize() + "."
                     for _ in range(rng.randint(1, 4)))
    due = f"2026-01-{rng.randint(1, 15):02d}"
    sched = f"sr-due: {due}\nsr-interval: {rng.randint(1, 90)}\nsr-ease: {rng.randint(130, 330)}\n"
    shape = i % 6
    if shape == 0:
        return f"---\ntags: review # keep this\n{sched}---\n# Note {i}\n\n{body}\n"
    if shape == 1:
        return f"---\ntitle: 'Note {i}'\ntags: [review, topic]\naliases:\n  - n{i}\n---\n{body}\n"
    if shape == 2:
        return f'---\n{{"tags": ["review"], "aliases": ["j{i}"]}}\n---\n{body}\n'
    if shape == 3:
        return f"{body} #review\n\nNo front matter, no final newline."
    if shape == 4:
        text = f"---\ntitle: Windows {i}\ntags:\n  - review\n{sched}---\n{body}\n"
        return "\ufeff" + text.replace("\n", "\r\n")
    later = f"2026-0{rng.randint(2, 9)}-{rng.randint(10, 28)}"
    return f"---\ntags: review\nsr-due: {later}\nsr-interval: 40\nsr-ease: 250\n---\nNot due yet.\n"


def generate(root, n, seed):
    rng = random.Random(seed)
    for i in range(n):
        path = os.path.join(root, f"folder{i % 7}", f"note {i:04d}.md")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(note_text(i, rng))


def answer_for(path):
    """The answer a note's path picks: 3 in 10 Easy, 3 Good, 3 Hard, 1 skip."""
    k = zlib.crc32(path.encode()) % 10
    return "skip" if k == 9 else ("easy", "good", "hard")[k // 3]


def drive(cmd, deadline=None):
    """Runs the session, answering every note shown, until it exits or, when
    `deadline` (a `time.perf_counter()` value) passes, SIGKILLs it. Returns
    (killed, exit code or None, stdout)."""
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    fd = p.stdout.fileno()
    buf, out, path = b"", b"", None
    while True:
        timeout = None if deadline is None else max(0.0, deadline - time.perf_counter())
        ready = select.select([fd], [], [], timeout)[0] if timeout != 0.0 else []
        if not ready:
            p.kill()
            p.wait()
            p.stdout.close()
            p.stdin.close()
            return True, None, out
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        out += chunk
        buf += chunk
        while True:
            if b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                m = HEADER.match(line.decode("utf-8", "replace"))
                if m:
                    path = m.group(3)
            elif buf == b"> ":
                buf = b""
                try:
                    p.stdin.write((answer_for(path) + "\n").encode())
                    p.stdin.flush()
                except BrokenPipeError:
                    pass
            else:
                break
    p.stdout.close()
    try:
        p.stdin.close()
    except BrokenPipeError:
        pass
    return False, p.wait(), out


def note_reviews(root):
    """The log's note-review records without ids and times, sorted."""
    return log_entries(root, ("id", "ts", "ms"))


def last_line(out):
    lines = [l for l in out.decode("utf-8", "replace").splitlines() if l.strip()]
    return lines[-1] if lines else ""


def main(a):
    rng = random.Random(a.seed)
    binary = os.path.abspath(a.bin)
    work = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "target", "crash-notes")
    pristine, expected_dir, vault = (os.path.join(work, d) for d in ("pristine", "expected", "vault"))
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(pristine)
    generate(pristine, a.notes, a.seed)
    cmd = lambda v: [binary, "review", "--notes", "--plain", "--vault", v, "--today", TODAY]
    shutil.copytree(pristine, expected_dir)
    start = time.perf_counter()
    killed, rc, clean_out = drive(cmd(expected_dir))
    full = time.perf_counter() - start
    if killed or rc != 0 or b"error:" in clean_out:
        raise SystemExit(f"the clean run failed (exit {rc}): {last_line(clean_out)}")
    old, new = notes(pristine), notes(expected_dir)
    changed = sum(1 for k in old if old[k] != new[k])
    clean_log, clean_end = note_reviews(expected_dir), last_line(clean_out)
    for v in (pristine, expected_dir):
        subprocess.run([binary, "notes", "--json", "--vault", v, "--today", TODAY], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    failures, partial, torn, exited_before = [], 0, 0, 0
    stray_after_kill, stray_after_finish, log_missing, log_extra, kills_log_off = 0, 0, 0, 0, 0
    for i in range(a.kills):
        if i % 20 == 0:
            print(f"kill {i}/{a.kills}", file=sys.stderr, flush=True)
        shutil.rmtree(vault, ignore_errors=True)
        shutil.copytree(pristine, vault)
        killed, _, _ = drive(cmd(vault), time.perf_counter() + rng.uniform(0, full * 1.1))
        exited_before += not killed
        now = notes(vault)
        n_new = sum(1 for k in now if now[k] == new[k] and old[k] != new[k])
        bad = [k for k in now if now[k] != old[k] and now[k] != new[k]]
        if bad:
            torn += len(bad)
            failures.append(f"kill {i}: {len(bad)} note(s) neither old nor new, e.g. {bad[0]}")
        partial += 0 < n_new < changed
        stray_after_kill += len(temp_files(vault))
        _, rc, out = drive(cmd(vault))
        done = notes(vault)
        wrong = [k for k in done if done[k] != new[k]]
        if wrong:
            failures.append(f"kill {i}: after finishing, {len(wrong)} note(s) differ from a clean run, e.g. {wrong[0]}")
        if rc != 0 or b"error:" in out:
            failures.append(f"kill {i}: the finishing run failed (exit {rc}): {last_line(out)}")
        elif last_line(out) not in (clean_end, "No notes to review today."):
            failures.append(f"kill {i}: the finishing run ended `{last_line(out)}`, a clean run `{clean_end}`")
        stray_after_finish += len(temp_files(vault))
        got = note_reviews(vault)
        if got != clean_log:
            missing = sum(max(0, clean_log.count(r) - got.count(r)) for r in set(clean_log))
            extra = sum(max(0, got.count(r) - clean_log.count(r)) for r in set(got))
            log_missing, log_extra, kills_log_off = log_missing + missing, log_extra + extra, kills_log_off + 1
    skipped = sum(1 for k in old if answer_for(k.replace(os.sep, "/")) == "skip")
    lines = [
        f"- vault: {a.notes} generated review notes ({changed} change in a clean run of"
        f" `{' '.join(cmd('VAULT')[1:])}`, answered through its pipes by path: Easy, Good, Hard, or skip)",
        f"- a full run took {full:.2f} s here; kills at uniform random delays in [0, {full * 1.1:.2f}] s",
        f"- kills: {a.kills}; runs cut part-way (some notes new, some old): {partial};"
        f" runs that had exited before the kill: {exited_before}",
        f"- notes neither old nor new after a kill: {torn}",
        f"- temp files left by the kills (removed by the next write to that folder): {stray_after_kill};"
        f" left after the finishing runs: {stray_after_finish}",
        f"- every finishing run (the same session again) ended with every note exactly as a clean run"
        f" writes it, exit 0 and a clean run's last line: {'yes' if not failures else 'no'}",
        f"- note reviews in the log after finishing, against a clean run's: {log_missing} missing,"
        f" {log_extra} extra (after {kills_log_off} of the kills)",
        f"- (paths picking skip, of all notes: {skipped})",
    ]
    return report(lines, failures, a.out)
