"""The single writer: record autograded notebooks in nbgrader's gradebook.

Scores are computed exactly as nbgrader's ``SaveAutoGrades`` does (``utils.determine_grade``
on the executed notebook), so grades match ``nbgrader autograde``. Any SQLAlchemy URL works
(SQLite by default, PostgreSQL through psycopg for a shared or large course). Opening checks
that the database holds a gradebook (unless the caller creates one) and that nbgrader opened
exactly the database asked for, never a SQLite file it fell back to (nbgrader#1661). For
SQLite the gradebook's own engine turns on WAL and a busy timeout so formgrader can read
while we write; other engines in the process are left alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from course.grading.config import Course, GradingError, is_sqlite, shown_url, tools_on_path
from course.grading.records import Status

if TYPE_CHECKING:
    import sqlalchemy as sa
    from sqlalchemy.engine.interfaces import DBAPIConnection

BUSY_TIMEOUT_MS = 30000


def _sqlite_pragmas(connection: DBAPIConnection, _record: object) -> None:
    cursor = connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def tune_sqlite(engine: sa.Engine) -> None:
    """WAL journal and a 30 s busy timeout on every connection of this SQLite engine only.

    Connections nbgrader opened before the listener existed are dropped, so every connection
    from now on is tuned."""
    from sqlalchemy import event

    if engine.dialect.name != "sqlite" or event.contains(engine, "connect", _sqlite_pragmas):
        return
    event.listen(engine, "connect", _sqlite_pragmas)
    engine.dispose()


def missing_tables(url: str) -> list[str]:
    """The nbgrader gradebook tables the database at ``url`` lacks (all of them when empty)."""
    from nbgrader.api import Base
    from sqlalchemy import create_engine, inspect
    from sqlalchemy.pool import NullPool

    engine = create_engine(url, poolclass=NullPool)
    try:
        present = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    return sorted(set(Base.metadata.tables) - present)


def check_schema(course: Course) -> None:
    """A clear error unless the course's database already holds an nbgrader gradebook."""
    url = course.db_url
    if is_sqlite(url):
        from sqlalchemy.engine import make_url

        path = make_url(url).database
        if path and path != ":memory:" and not Path(path).is_file():
            raise GradingError(f"no gradebook at {path}: nothing graded yet (run course "
                               "autograde first), or pass --db with the gradebook's URL")
    missing = missing_tables(url)
    if not missing:
        return
    from nbgrader.api import Base

    what = ("it is empty" if len(missing) == len(Base.metadata.tables)
            else f"tables missing: {', '.join(missing)}")
    raise GradingError(f"{shown_url(url)} holds no nbgrader gradebook ({what}): check the URL, "
                       "run course autograde first, or `nbgrader db upgrade` for an old one")


def same_database(opened: str, wanted: str) -> bool:
    """True when two SQLAlchemy URLs name the same database (driver, host, port, name, user)."""
    from sqlalchemy.engine import make_url

    a, b = make_url(opened), make_url(wanted)
    return ((a.drivername, a.username, a.host, a.port, a.database)
            == (b.drivername, b.username, b.host, b.port, b.database))


def open_gradebook(course: Course, create: bool = False) -> Any:
    """nbgrader's Gradebook for the course: the database checked, SQLite tuned.

    ``create=False`` (export, report, feedback) refuses a database without a gradebook
    instead of silently creating an empty one."""
    from nbgrader.api import Gradebook

    if not create:
        check_schema(course)
    tools_on_path()  # nbgrader runs ``alembic`` to stamp a new gradebook
    gb = Gradebook(course.db_url, course.course_id)
    opened = gb.engine.url.render_as_string(hide_password=False)
    if not same_database(opened, course.db_url):
        gb.close()
        raise GradingError(f"nbgrader opened {shown_url(opened)} instead of the gradebook asked "
                           f"for, {shown_url(course.db_url)}; nothing was read or written")
    tune_sqlite(gb.engine)
    return gb


def submissions(gb: Any) -> Iterator[tuple[str, str, Any]]:
    """Every (assignment id, student id, submission) the gradebook holds, sorted by assignment
    and student id (nbgrader orders students by name; ties come in whatever order the database
    returns, which need not be the same on SQLite and PostgreSQL)."""
    from nbgrader.api import MissingEntry

    students = sorted(student.id for student in gb.students)
    for assignment in sorted(gb.assignments, key=lambda a: a.name):
        for student in students:
            try:
                yield assignment.name, student, gb.find_submission(assignment.name, student)
            except MissingEntry:
                continue


def graded_cells(sub: Any) -> Iterator[tuple[Any, Any]]:
    """Every (submitted notebook, grade) of one submission, by notebook and cell name: nbgrader
    leaves their order to the database."""
    for nb in sorted(sub.notebooks, key=lambda n: n.name):
        for grade in sorted(nb.grades, key=lambda g: g.name):
            yield nb, grade


class Writer:
    """Records one graded submission at a time; a failure rolls back only that submission."""

    def __init__(self, course: Course) -> None:
        import warnings

        from sqlalchemy.exc import SAWarning

        warnings.filterwarnings("ignore", category=SAWarning)  # nbgrader's own autoflush noise
        self.course = course
        self.gb = open_gradebook(course, create=True)

    def close(self) -> None:
        """Close the database session."""
        self.gb.close()

    def record(self, record: dict) -> None:
        """Write scores for every graded notebook of ``record``; add totals to each entry."""
        from nbgrader import utils

        student, assignment = record["student"], record["assignment"]
        gradable = [e for e in record["notebooks"] if e["status"] != Status.ERROR]
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
                entry["status"] = Status.ERROR
                entry["reasons"].append(f"gradebook write failed: {error!r}")
            return
        for entry in gradable:
            nb = self.gb.find_submission_notebook(entry["notebook"], assignment, student)
            entry.update(score=nb.score, max_score=nb.max_score,
                         needs_manual_grade=bool(nb.needs_manual_grade))

    def _timestamp(self, student: str, assignment: str) -> datetime | None:
        from nbgrader.utils import parse_utc

        path = self.course.dir("submitted") / student / assignment / "timestamp.txt"
        try:
            text = path.read_text(encoding="utf-8").strip()
            return parse_utc(text) if text else None
        except (OSError, ValueError):
            return None

    def _record_notebook(self, entry: dict, student: str, assignment: str, utils: ModuleType) -> None:
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
