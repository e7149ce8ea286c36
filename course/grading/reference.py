"""The trusted version of every nbgrader cell of an assignment.

nbgrader's ``generate_assignment`` stores each graded cell in the gradebook (test cells with
their hidden tests, answer cells as released stubs, checksums, points). ``autograde``
restores submissions from there, and so do we; the source notebook gives the cells' order.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from course.grading.config import Course, GradingError
from course.nbcells import hidden_lines


@dataclass
class RefCell:
    """One nbgrader cell as the instructor made it."""

    grade_id: str
    cell_type: str
    source: str
    checksum: str | None
    locked: bool
    grade: bool
    solution: bool
    task: bool
    points: float | None

    @property
    def is_test(self) -> bool:
        """An autograded test cell: graded, locked, not an answer."""
        return self.grade and self.cell_type == "code" and not self.solution


@dataclass
class RefNotebook:
    """The trusted cells of one notebook, in the source notebook's order."""

    name: str
    cells: list[RefCell] = field(default_factory=list)

    def by_id(self) -> dict[str, RefCell]:
        """The cells keyed by grade_id."""
        return {c.grade_id: c for c in self.cells}

    def hidden_lines(self) -> list[str]:
        """Non-trivial lines of the hidden tests (what feedback must never show)."""
        return hidden_lines(c.source for c in self.cells if c.is_test)

    def to_dict(self) -> dict:
        """Plain data, to send to a worker process."""
        return {"name": self.name, "cells": [asdict(c) for c in self.cells]}

    @classmethod
    def from_dict(cls, data: dict) -> RefNotebook:
        """The inverse of :meth:`to_dict`."""
        return cls(data["name"], [RefCell(**c) for c in data["cells"]])


def source_notebooks(course: Course, assignment: str) -> list[Path]:
    """The assignment's notebooks in the source folder."""
    folder = course.dir("source") / assignment
    notebooks = sorted(folder.glob("*.ipynb"))
    if not notebooks:
        raise GradingError(f"no notebooks in {folder}: is {assignment!r} an assignment?")
    return notebooks


def _order(path: Path) -> list[str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [c["metadata"]["nbgrader"]["grade_id"] for c in nb["cells"]
            if c.get("metadata", {}).get("nbgrader", {}).get("grade_id")]


def ensure_in_gradebook(course: Course, assignment: str) -> None:
    """Run ``nbgrader generate_assignment`` (into a scratch release folder) if the gradebook
    does not know every notebook of the assignment yet."""
    from nbgrader.api import Gradebook, MissingEntry

    names = [p.stem for p in source_notebooks(course, assignment)]
    with Gradebook(course.db_url, course.course_id) as gb:
        try:
            known = {n.name for n in gb.find_assignment(assignment).notebooks}
        except MissingEntry:
            known = set()
    if set(names) <= known:
        return
    with tempfile.TemporaryDirectory(prefix="course-genassign-") as scratch:
        command = [sys.executable, "-m", "nbgrader", "generate_assignment", assignment, "--force",
                   f"--CourseDirectory.root={course.root}",
                   f"--CourseDirectory.release_directory={scratch}",
                   f"--CourseDirectory.db_url={course.db_url}", "--log-level=ERROR"]
        done = subprocess.run(command, cwd=course.root, capture_output=True, text=True)
    if done.returncode != 0:
        raise GradingError(f"nbgrader generate_assignment {assignment} failed:\n"
                           f"{done.stdout}{done.stderr}")


def load_reference(course: Course, assignment: str) -> list[RefNotebook]:
    """Every notebook of the assignment with its trusted cells (gradebook content)."""
    from nbgrader.api import Gradebook, MissingEntry

    ensure_in_gradebook(course, assignment)
    notebooks: list[RefNotebook] = []
    with Gradebook(course.db_url, course.course_id) as gb:
        for path in source_notebooks(course, assignment):
            try:
                nb = gb.find_notebook(path.stem, assignment)
            except MissingEntry as error:
                raise GradingError(f"{path}: not in the gradebook ({error})") from error
            points = {g.name: float(g.max_score) for g in nb.grade_cells}
            solutions = {s.name for s in nb.solution_cells}
            tasks = {t.name: float(t.max_score) for t in nb.task_cells}
            by_name = {s.name: s for s in nb.source_cells}
            ref = RefNotebook(path.stem)
            for grade_id in _order(path):
                src = by_name.get(grade_id)
                if src is None:
                    raise GradingError(f"{path}: cell {grade_id!r} is not in the gradebook; "
                                       "re-run nbgrader generate_assignment")
                ref.cells.append(RefCell(
                    grade_id=grade_id, cell_type=src.cell_type, source=src.source,
                    checksum=src.checksum, locked=bool(src.locked), grade=grade_id in points,
                    solution=grade_id in solutions, task=grade_id in tasks,
                    points=points.get(grade_id, tasks.get(grade_id))))
            notebooks.append(ref)
    return notebooks
