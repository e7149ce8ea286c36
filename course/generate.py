"""``course generate [--check]``: every generated file of the course, in one pass.

In order (later artefacts read earlier ones):

1. the "⏱️ About N minutes" line of each source notebook, and the "~N min" column of the
   welcome notebook's table of modules (:mod:`course.timing`);
2. ``notebooks/``, the student release of ``solutions/`` (:mod:`course.release`);
3. ``datasets/README.md`` from ``datasets/datapackage.json`` (:func:`course.data.data_dictionary`);
4. the synthetic lab CSVs in ``datasets/`` (``scripts/make_synthetic.py``, fixed seed);
5. the agenda tables in ``INSTRUCTOR.md`` (:mod:`course.agenda`).

With ``check=True`` nothing is written: each artefact is generated aside and compared, and
every stale file is named. Benchmark reports (``bench/*.md``) are measured, not generated,
so ``make bench`` rewrites them instead.
"""

from __future__ import annotations

import filecmp
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

Say = Callable[[str], None]


def _text(root: Path, check: bool, path: Path, text: str, stale: list[str], say: Say) -> None:
    current = path.read_text(encoding="utf-8") if path.is_file() else None
    if current == text:
        return
    rel = path.relative_to(root).as_posix()
    if check:
        stale.append(rel)
    else:
        path.write_text(text, encoding="utf-8")
        say(f"wrote {rel}")


def _estimates(root: Path, check: bool, stale: list[str], say: Say) -> None:
    from course import timing

    for path, text in timing.stated_estimates(root).items():
        _text(root, check, path, text, stale, say)


def _differing(made: Path, kept: Path) -> list[Path]:
    """Files under ``made`` that are missing from, or differ in, ``kept`` (paths relative)."""
    out = []
    for path in sorted(p for p in made.rglob("*") if p.is_file()):
        rel = path.relative_to(made)
        if not (kept / rel).is_file() or not filecmp.cmp(path, kept / rel, shallow=False):
            out.append(rel)
    return out


def _release(root: Path, check: bool, stale: list[str], say: Say) -> None:
    from course import release

    if not check:
        for target in release.release(root):
            say(f"released {target.relative_to(root).as_posix()}")
        return
    with tempfile.TemporaryDirectory(prefix="course-generate-") as scratch:
        out = Path(scratch)
        names = release.modules(root)
        release.release(root, out_dir=out)
        stale += [f"notebooks/{rel.as_posix()}" for rel in _differing(out, root / "notebooks")]
        kept = root / "notebooks"
        extra = sorted(p.name for p in kept.iterdir() if p.is_dir() and p.name not in names) \
            if kept.is_dir() else []
        stale += [f"notebooks/{name} (no such module)" for name in extra]


def _datasets_readme(root: Path, check: bool, stale: list[str], say: Say) -> None:
    from course import data

    _text(root, check, root / "datasets" / "README.md", data.data_dictionary(), stale, say)


def _synthetic(root: Path, check: bool, stale: list[str], say: Say) -> None:
    script = root / "scripts" / "make_synthetic.py"
    with tempfile.TemporaryDirectory(prefix="course-synthetic-") as scratch:
        done = subprocess.run([sys.executable, str(script), "--out", scratch],
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise GenerateError(f"{script.relative_to(root)} failed:\n{done.stderr}")
        for rel in _differing(Path(scratch), root / "datasets"):
            if check:
                stale.append(f"datasets/{rel.as_posix()}")
            else:
                shutil.copyfile(Path(scratch) / rel, root / "datasets" / rel)
                say(f"wrote datasets/{rel.as_posix()}")


def _agenda(root: Path, check: bool, stale: list[str], say: Say) -> None:
    from course import agenda

    target, text = agenda.rendered_guide(root)
    _text(root, check, target, text, stale, say)


STEPS: tuple[tuple[str, Callable[[Path, bool, list[str], Say], None]], ...] = (
    ("time estimates", _estimates),
    ("notebooks/ release", _release),
    ("datasets/README.md", _datasets_readme),
    ("synthetic datasets", _synthetic),
    ("INSTRUCTOR.md agenda", _agenda),
)


class GenerateError(RuntimeError):
    """A generator failed; the message names it."""


def generate(root: Path, check: bool = False, say: Say = print) -> list[str]:
    """Regenerate every artefact (or, with ``check``, list the stale ones without writing)."""
    stale: list[str] = []
    for _name, step in STEPS:
        step(root, check, stale, say)
    return stale
