#!/usr/bin/env python3
"""The I/O floor of rewriting every note of a vault safely: for each .md file, write a
temp file beside it, fsync, rename over the note, fsync the folder. This is what
`recall reschedule --apply` must at least do; bench/run.py reports it as `the writes`.

    bench/rewrite.py VAULT [--threads N]

With --threads N, N threads share the notes (as recall's --apply does with its writers),
so their fsyncs overlap; the default is one note after the other."""
import argparse
import os
import threading


def rewrite(dirpath, f):
    p = os.path.join(dirpath, f)
    with open(p, "rb") as fh:
        data = fh.read()
    tmp = os.path.join(dirpath, "." + f + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    os.write(fd, data.replace(b"<!--SR:!", b"<!--SR:!", 1))
    os.fsync(fd)
    os.close(fd)
    os.rename(tmp, p)
    dfd = os.open(dirpath, os.O_RDONLY)
    os.fsync(dfd)
    os.close(dfd)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("vault")
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    notes = []
    for dirpath, dirnames, filenames in os.walk(a.vault):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        notes += [(dirpath, f) for f in filenames if f.endswith(".md")]
    if a.threads <= 1:
        for n in notes:
            rewrite(*n)
        return
    # fsync releases the GIL, so threads overlap the waits as native threads do.
    lock = threading.Lock()
    it = iter(notes)

    def worker():
        while True:
            with lock:
                n = next(it, None)
            if n is None:
                return
            rewrite(*n)

    threads = [threading.Thread(target=worker) for _ in range(a.threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


if __name__ == "__main__":
    main()
