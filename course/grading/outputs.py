"""Files a notebook writes while it is graded (a saved plot, a CSV), kept as nbgrader keeps them.

nbgrader runs a submission inside ``autograded/STUDENT/ASSIGNMENT/``, so whatever the notebook
writes ends up there. We run it in a sandboxed scratch folder instead (the only place the
kernel may write); afterwards the grader, not the kernel, copies the new or changed regular
files from that folder into the autograded folder. Symbolic links, devices and pipes are never
followed or copied, and a cap on count and size keeps a hostile notebook from filling the disk.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

IGNORED = (".ipynb_checkpoints", "__pycache__", ".git", ".ipython", ".local", ".cache")
MAX_FILES = 200
MAX_BYTES = 50 * 1024**2


def _same(path: Path, original: Path) -> bool:
    try:
        if path.stat().st_size != original.stat().st_size:
            return False
        return path.read_bytes() == original.read_bytes()
    except OSError:
        return False


def keep_written(workdir: Path, inputs: list[tuple[Path, Path]], dest: Path) -> list[str]:
    """Copy what the notebook created or changed in ``workdir`` to ``dest``; return notes.

    ``inputs`` are the ``(base, relative path)`` pairs copied into ``workdir`` before the run:
    a file still equal to its input is not a side effect and is left alone.
    """
    originals = {rel.as_posix(): base / rel for base, rel in inputs}
    kept, size, skipped = 0, 0, 0
    for top, dirs, files in os.walk(workdir, followlinks=False):
        dirs[:] = sorted(d for d in dirs if d not in IGNORED)
        for name in sorted(files):
            path = Path(top) / name
            rel = path.relative_to(workdir).as_posix()
            info = path.lstat()
            if not stat.S_ISREG(info.st_mode):
                skipped += 1
                continue
            original = originals.get(rel)
            if original is not None and _same(path, original):
                continue
            if kept >= MAX_FILES or size + info.st_size > MAX_BYTES:
                skipped += 1
                continue
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.is_symlink() or target.exists():
                target.unlink()
            shutil.copyfile(path, target, follow_symlinks=False)
            kept, size = kept + 1, size + info.st_size
    if skipped:
        return [f"{skipped} file(s) the notebook wrote were not kept (links, special files, "
                f"or over the cap of {MAX_FILES} files / {MAX_BYTES // 1024**2} MiB)"]
    return []
