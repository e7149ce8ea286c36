"""The single writer: record autograded notebooks in nbgrader's gradebook.

Scores are computed exactly as nbgrader's ``SaveAutoGrades`` does (``utils.determine_grade``
on the executed notebook), so grades match ``nbgrader autograde``. Any SQLAlchemy URL works;
for SQLite the writer turns on WAL and a busy timeout so formgrader can read while we write.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from course.grading.config import Course

_TUNED = False


def tune_sqlite() -> None:
    """WAL journal and a 30 s busy timeout on every SQLite connection SQLAlchemy opens."""
    global _TUNED
    if _TUNED:
        return
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    @event.listens_for(Engine, "connect")
    def _pragmas(connection: object, _record: object) -> None:
        if isinstance(connection, sqlite3.Connection):
            cursor = connection.cursor()
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

    _TUNED = True


def open_gradebook(course: Course):  # type: ignore[no-untyped-def]
    """nbgrader's Gradebook for the course (SQLite tuned)."""
    from nbgrader.api import Gradebook

    tune_sqlite()
    return Gradebook(course.db_url, course.course_id)


def submissions(gb):  # type: ignore[no-untyped-def]
    """Every (assignment id, student id, submission) the gradebook holds, in a stable order."""
    from nbgrader.api import MissingEntry

    for assignment in gb.assignments:
        for student in gb.students:
            try:
                yield assignment.name, student.id, gb.find_submission(assignment.name, student.id)
            except MissingEntry:
                continue


class Writer:
    """Records one graded submission at a time; a failure rolls back only that submission."""

    def __init__(self, course: Course) -> None:
        import warnings

        from sqlalchemy.exc import SAWarning

        warnings.filterwarnings("ignore", category=SAWarning)  # nbgrader's own autoflush noise
        self.course = course
        self.gb = open_gradebook(course)

    def close(self) -> None:
        """Close the database session."""
        self.gb.close()

    def record(self, record: dict) -> None:
        """Write scores for every graded notebook of ``record``; add totals to each entry."""
        from nbgrader import utils

        student, assignment = record["student"], record["assignment"]
        gradable = [e for e in record["notebooks"] if e["status"] != "error"]
        if not gradable:
            return
        try:
            self.gb.update_or_create_student(student)
            stamp = self._timestamp(student, assignment)
            if stamp:
                self.gb.update_or_create_submission(assignment, student, timestamp=stamp)
            else:
                self.gb.update_or_create_submission(assignment, student)
            for entry in gradable:
                self._record_notebook(entry, student, assignment, utils)
            self.gb.db.commit()
        except Exception as error:  # noqa: BLE001 - keep the batch and the gradebook
            self.gb.db.rollback()
            for entry in gradable:
                entry["status"] = "error"
                entry["reasons"].append(f"gradebook write failed: {error!r}")
            return
        for entry in gradable:
            nb = self.gb.find_submission_notebook(entry["notebook"], assignment, student)
            entry.update(score=nb.score, max_score=nb.max_score,
                         needs_manual_grade=bool(nb.needs_manual_grade))

    def _timestamp(self, student: str, assignment: str):  # type: ignore[no-untyped-def]
        from nbgrader.utils import parse_utc

        path = self.course.dir("submitted") / student / assignment / "timestamp.txt"
        try:
            text = path.read_text(encoding="utf-8").strip()
            return parse_utc(text) if text else None
        except (OSError, ValueError):
            return None

    def _record_notebook(self, entry: dict, student: str, assignment: str, utils) -> None:  # type: ignore[no-untyped-def]
        import nbformat

        nb = nbformat.read(Path(entry["path"]), as_version=4)
        name = entry["notebook"]
        for cell in nb.cells:
            if utils.is_grade(cell):
                grade = self.gb.find_grade(cell.metadata["nbgrader"]["grade_id"], name,
                                           assignment, student)
                grade.auto_score, _ = utils.determine_grade(cell)
                grade.needs_manual_grade = (grade.manual_score is not None
                                            or grade.auto_score is None)
            if utils.is_solution(cell) or utils.is_task(cell):
                comment = self.gb.find_comment(cell.metadata["nbgrader"]["grade_id"], name,
                                               assignment, student)
                unchanged = cell.metadata.nbgrader.get("checksum") == utils.compute_checksum(cell)
                comment.auto_comment = ("No response." if unchanged and not utils.is_task(cell)
                                        else None)
