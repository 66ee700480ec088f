"""What the two crash scenarios (`bench/crash.py`, `bench/crash_notes.py`) share: reading a
vault's notes and stray temp files, reading the review log, and writing the report."""
import json
import os


def notes(root):
    """Every note of the vault (hidden folders aside): its relative path and its bytes."""
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
    """The names of recall's temp files left anywhere in the vault."""
    found = []
    for dirpath, _, filenames in os.walk(root):
        found += [f for f in filenames if ".recall-" in f and f.endswith(".tmp")]
    return found


def log_entries(root, drop, keep=lambda record: True):
    """The review log's records that `keep` takes, without the keys in `drop` (ids hold a
    process id, times differ between runs), each as canonical JSON, sorted."""
    path = os.path.join(root, ".recall", "reviews.jsonl")
    if not os.path.exists(path):
        return []
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            if not keep(d):
                continue
            for k in drop:
                d.pop(k, None)
            out.append(json.dumps(d, sort_keys=True))
    return sorted(out)


def report(lines, failures, out):
    """Print the report (the first 20 failures under it), write it to `out` if given, and
    return the exit status: 1 if anything failed."""
    text = "\n".join(lines + [f"  - {f}" for f in failures[:20]]) + "\n"
    print(text)
    if out:
        with open(out, "w", encoding="utf-8") as f:
            f.write(text)
    return 1 if failures else 0
