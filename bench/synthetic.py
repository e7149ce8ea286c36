"""A deterministic synthetic class of submissions for the autograding benchmark.

Uses the grading contributor's ``scripts/make_synthetic_class.py --kinds honest`` (perfect,
partial and empty work, which plain nbgrader can grade too) when it exists; otherwise (or
when it fails) a small built-in generator: student ``perfect`` hands in the solution,
``untouched`` the release, and every other student answers each exercise with the solution
or leaves the stub, chosen by a hash of (student, cell) so every run builds the same class.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

from bench.common import PYTHON, ROOT, run_command

SCRIPT = ROOT / "scripts" / "make_synthetic_class.py"
KINDS = "honest"  # perfect, partial, empty: work plain nbgrader can grade too
PERFECT = "perfect"
UNTOUCHED = "untouched"


def student_ids(count: int) -> list[str]:
    """The built-in class: ``perfect``, ``untouched``, ``student-03`` ... (``count`` in all)."""
    ids = [PERFECT, UNTOUCHED][:count]
    ids += [f"student-{n:02d}" for n in range(len(ids) + 1, count + 1)]
    return ids


def _answered(student: str, grade_id: str) -> bool:
    digest = hashlib.sha256(f"{student}/{grade_id}".encode()).digest()
    return digest[0] % 3 != 0


def _solution_text(source: str) -> str:
    markers = ("### BEGIN SOLUTION", "### END SOLUTION")
    return "\n".join(line for line in source.splitlines() if line.strip() not in markers)


def _submission(solution: dict[str, Any], release: dict[str, Any], student: str) -> dict[str, Any]:
    if student == PERFECT:
        return solution
    if student == UNTOUCHED:
        return release
    answers = {}
    for cell in solution["cells"]:
        grading = cell.get("metadata", {}).get("nbgrader", {})
        if grading.get("solution"):
            answers[grading.get("grade_id")] = _solution_text("".join(cell["source"]))
    nb = json.loads(json.dumps(release))
    for cell in nb["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in answers and _answered(student, grade_id):
            cell["source"] = answers[grade_id]
    return nb


def builtin_class(course: Path, module: str, students: list[str]) -> None:
    """Write ``course/submitted/<student>/<module>/*.ipynb`` from solutions/ and notebooks/."""
    for solution_path in sorted((course / "solutions" / module).glob("*.ipynb")):
        release_path = course / "notebooks" / module / solution_path.name
        solution = json.loads(solution_path.read_text(encoding="utf-8"))
        release = json.loads(release_path.read_text(encoding="utf-8"))
        for student in students:
            target = course / "submitted" / student / module
            target.mkdir(parents=True, exist_ok=True)
            nb = _submission(solution, release, student)
            (target / solution_path.name).write_text(json.dumps(nb, indent=1), encoding="utf-8")


def script_class(course: Path, module: str, count: int) -> tuple[bool, str]:
    """Try the grading contributor's generator; return (worked, its output or error)."""
    if not SCRIPT.exists():
        return False, "scripts/make_synthetic_class.py not present"
    _, done = run_command([str(PYTHON), str(SCRIPT), str(course), "--assignment", module,
                           "--students", str(count), "--kinds", KINDS], cwd=course, timeout=600)
    if done.returncode != 0:
        output = (done.stdout + done.stderr)[-300:]
        return False, f"scripts/make_synthetic_class.py failed: {output}"
    return True, done.stdout.strip()


def make_class(course: Path, module: str, count: int) -> tuple[list[str], str]:
    """Fill ``course/submitted`` for one module; return the student ids and which generator ran."""
    worked, message = script_class(course, module, count)
    if worked:
        students = sorted(p.name for p in (course / "submitted").iterdir() if p.is_dir())
        return students, f"`scripts/make_synthetic_class.py --kinds {KINDS}`"
    remove_module(course, module)
    students = student_ids(count)
    builtin_class(course, module, students)
    return students, f"built-in generator (bench/synthetic.py; {message})"


def perfect_student(course: Path) -> str | None:
    """The student who handed in the solution (``perfect`` by convention), if any."""
    folder = course / "submitted"
    names = sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
    for name in names:
        if "perfect" in name.lower() or "solution" in name.lower():
            return name
    return None


def remove_module(course: Path, module: str) -> None:
    """Delete every submission of one module (when a generator half-failed)."""
    folder = course / "submitted"
    for student in folder.iterdir() if folder.is_dir() else []:
        shutil.rmtree(student / module, ignore_errors=True)
