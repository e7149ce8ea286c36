"""Grades as CSV: one row per student and assignment (or per graded cell)."""

from __future__ import annotations

import csv
from pathlib import Path

from course.grading import log
from course.grading.config import Course
from course.grading.gradebook import graded_cells, open_gradebook, submissions
from course.grading.records import LogLine

SUBMISSION_FIELDS = ("student", "assignment", "score", "max_score", "needs_manual_grade",
                     "status", "reasons")
CELL_FIELDS = ("student", "assignment", "notebook", "cell", "score", "max_score",
               "needs_manual_grade")


def rows(course: Course, per_cell: bool = False) -> list[dict]:
    """Every submission (or graded cell) in the gradebook, with the latest grading status."""
    status: dict[tuple[str, str], list[LogLine]] = {}
    for line in log.read(course):
        status.setdefault((line.student, line.assignment), []).append(line)
    out: list[dict] = []
    with open_gradebook(course) as gb:
        for assignment_id, student_id, sub in submissions(gb):
            if per_cell:
                for nb, grade in graded_cells(sub):
                    out.append({"student": student_id, "assignment": assignment_id,
                                "notebook": nb.name, "cell": grade.name,
                                "score": grade.score, "max_score": grade.max_score,
                                "needs_manual_grade": grade.needs_manual_grade})
                continue
            lines = status.get((student_id, assignment_id), [])
            out.append({"student": student_id, "assignment": assignment_id,
                        "score": sub.score, "max_score": sub.max_score,
                        "needs_manual_grade": sub.needs_manual_grade,
                        "status": ",".join(sorted({str(x.status) for x in lines})),
                        "reasons": " | ".join(r for x in lines for r in x.reasons)})
    return out


def export(course: Course, out: Path, per_cell: bool = False) -> int:
    """Write the CSV; return the number of rows."""
    data = rows(course, per_cell)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=CELL_FIELDS if per_cell else SUBMISSION_FIELDS)
        writer.writeheader()
        writer.writerows(data)
    return len(data)
