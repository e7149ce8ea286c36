"""A Dask worker's unpacked bundles: ``$TMPDIR/course-bundles/<sha256>``, bounded.

:func:`unpacked` writes a :class:`~.cache.Bundle`'s data files once per digest and holds a
shared ``flock`` on ``<sha256>.lock`` while the job reads them. :func:`prune` (run on every
worker at the end of ``course autograde --cluster``) removes the bundles that run did not
use, skipping any a job holds (it needs the lock exclusively), so the folder keeps one run's
bundles plus those in use. A concurrent run that loses one between jobs unpacks it again
from its scattered copy. The empty lock files stay: removing one could split a lock in two.
"""

from __future__ import annotations

import fcntl
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from course.grading.cache import Bundle


def folder() -> Path:
    """Where this machine's bundles are unpacked."""
    return Path(tempfile.gettempdir()) / "course-bundles"


@contextmanager
def unpacked(bundle: Bundle) -> Iterator[Path]:
    """The bundle's data files on this machine's disk, kept from :func:`prune` meanwhile."""
    base = folder()
    base.mkdir(parents=True, exist_ok=True)
    with open(base / f"{bundle.digest}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_SH)
        yield _write(bundle, base)


def _write(bundle: Bundle, base: Path) -> Path:
    target = base / bundle.digest
    if target.is_dir():
        return target
    scratch = Path(tempfile.mkdtemp(prefix=f".unpack-{bundle.digest}-", dir=base))
    for rel, data in bundle.files.items():
        path = scratch / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    try:
        scratch.rename(target)
    except OSError:  # another thread of this worker got there first
        shutil.rmtree(scratch, ignore_errors=True)
    return target


def prune(keep: list[str]) -> list[str]:
    """Remove the unpacked bundles except ``keep`` and those a job is using; the digests
    removed."""
    base = folder()
    if not base.is_dir():
        return []
    found = {p.name for p in base.iterdir() if p.is_dir() and not p.name.startswith(".")}
    found |= {p.name.split("-")[1] for p in base.glob(".unpack-*-*") if p.is_dir()}
    removed = []
    for digest in sorted(found - set(keep)):
        with open(base / f"{digest}.lock", "a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # a job on this machine is reading it
            for path in [base / digest, *base.glob(f".unpack-{digest}-*")]:
                shutil.rmtree(path, ignore_errors=True)
            removed.append(digest)
    return removed
