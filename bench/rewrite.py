#!/usr/bin/env python3
"""The I/O floor of rewriting every note of a vault safely: for each .md file, write a
temp file beside it, fsync, rename over the note, fsync the folder. This is what
`recall reschedule --apply` must at least do; bench/run.py reports it as `the writes`."""
import os
import sys

root = sys.argv[1]
for dirpath, dirnames, filenames in os.walk(root):
    dirnames[:] = [d for d in dirnames if not d.startswith(".")]
    for f in filenames:
        if not f.endswith(".md"):
            continue
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
