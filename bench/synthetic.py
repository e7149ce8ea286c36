"""A deterministic synthetic class of submissions for the autograding benchmark.

It runs ``scripts/make_synthetic_class.py --kinds honest``: perfect, partial and empty work,
which plain nbgrader can grade too, the same class on every run.
"""

from __future__ import annotations

from pathlib import Path

from bench.common import PYTHON, ROOT, run_command

SCRIPT = ROOT / "scripts" / "make_synthetic_class.py"
KINDS = "honest"  # perfect, partial, empty: work plain nbgrader can grade too


class SyntheticClassError(RuntimeError):
    """The class generator failed; the message carries the end of its output."""


def make_class(course: Path, module: str, count: int) -> tuple[list[str], str]:
    """Fill ``course/submitted`` for one module; return the student ids and the generator used."""
    _, done = run_command([str(PYTHON), str(SCRIPT), str(course), "--assignment", module,
                           "--students", str(count), "--kinds", KINDS], cwd=course, timeout=600)
    if done.returncode != 0:
        raise SyntheticClassError(f"scripts/make_synthetic_class.py failed for {module}: "
                                  f"{(done.stdout + done.stderr)[-300:]}")
    students = sorted(p.name for p in (course / "submitted").iterdir() if p.is_dir())
    return students, f"`scripts/make_synthetic_class.py --kinds {KINDS}`"


def perfect_student(course: Path) -> str | None:
    """The student who handed in the solution (``perfect`` by convention), if any."""
    folder = course / "submitted"
    names = sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
    for name in names:
        if "perfect" in name.lower() or "solution" in name.lower():
            return name
    return None
