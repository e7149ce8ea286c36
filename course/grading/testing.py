"""Helpers for the grading tests and benchmarks: the synthetic-class script and commands."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def synthetic() -> ModuleType:
    """``scripts/make_synthetic_class.py`` imported as a module."""
    if "make_synthetic_class" in sys.modules:
        return sys.modules["make_synthetic_class"]
    path = REPO / "scripts" / "make_synthetic_class.py"
    spec = importlib.util.spec_from_file_location("make_synthetic_class", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def env(**extra: str) -> dict[str, str]:
    """The environment for nbgrader/course subprocesses (``alembic`` on PATH)."""
    bin_dir = str(Path(PYTHON).parent)
    return {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""), **extra}


def run(args: list[str], cwd: Path, timeout: float = 900, check: bool = True,
        **extra_env: str) -> subprocess.CompletedProcess:
    """Run a command; on failure the assertion shows its output."""
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True,
                          env=env(**extra_env), timeout=timeout)
    if check and done.returncode != 0:
        raise AssertionError(f"{args} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done


def course_cmd(*args: str) -> list[str]:
    """``python -m course ...``."""
    return [PYTHON, "-m", "course", *args]


def nbgrader_cmd(*args: str) -> list[str]:
    """``python -m nbgrader ...``."""
    return [PYTHON, "-m", "nbgrader", *args]


def grade_scores(db: Path, assignment: str,
                 course_id: str = "synthetic") -> dict[tuple[str, str], float | None]:
    """``(student, grade cell) -> score`` from a gradebook file."""
    from nbgrader.api import Gradebook, MissingEntry

    scores: dict[tuple[str, str], float | None] = {}
    with Gradebook(f"sqlite:///{db}", course_id) as gb:
        for student in gb.students:
            try:
                sub = gb.find_submission(assignment, student.id)
            except MissingEntry:
                continue
            for nb in sub.notebooks:
                for grade in nb.grades:
                    scores[(student.id, grade.name)] = grade.score
    return scores
