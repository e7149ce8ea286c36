"""Content-addressed re-grading: a grade is reused while what produced it is unchanged.

A grade's hash covers everything that can change it:

- the submission: every file of ``submitted/STUDENT/ASSIGNMENT/`` (names and bytes);
- the assignment: the trusted cells (released stubs and hidden tests, from the gradebook)
  and the data files of ``source/ASSIGNMENT/`` (see :class:`Bundle`);
- the grader: the ``course`` package version and a digest of the grading code;
- the limits: cell timeout, notebook budget, kernel limits, and whether the sandbox was on.

The hashes live in a small sidecar table, ``course_grade_hashes``, in the gradebook's own
database (same SQLAlchemy URL, so it works for SQLite and PostgreSQL alike); nbgrader's tables
are not touched. Each row keeps the log lines of the grading that produced it, so a reused
grade is logged with its status and score and ``"reused": true``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, is_dataclass
from datetime import UTC, datetime
from pathlib import Path

from course.grading.config import Course

TABLE = "course_grade_hashes"
IGNORED = (".ipynb_checkpoints", "__pycache__", ".git")


def _digest(parts: object) -> str:
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def folder_files(folder: Path, notebooks: bool = True) -> list[Path]:
    """Regular files under ``folder`` (relative, sorted), skipping caches and symlinks."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.rglob("*"):
        rel = path.relative_to(folder)
        if path.is_symlink() or not path.is_file() or any(p in IGNORED for p in rel.parts):
            continue
        if not notebooks and path.suffix == ".ipynb":
            continue
        found.append(rel)
    return sorted(found)


def folder_digest(folder: Path) -> str:
    """sha256 over the names and bytes of every file of a folder."""
    digest = hashlib.sha256()
    for rel in folder_files(folder):
        data = (folder / rel).read_bytes()
        digest.update(f"{rel.as_posix()}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def grader_version() -> str:
    """The ``course`` version plus a digest of the grading code (catches unreleased edits)."""
    import course

    code = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        code.update(path.name.encode() + b"\0" + path.read_bytes())
    return f"{course.__version__}+{code.hexdigest()[:12]}"


@dataclass
class Bundle:
    """What a worker needs to grade one assignment, addressed by the sha256 of its content.

    ``refs``: the trusted cells (gradebook content); ``files``: the non-notebook files of
    ``source/ASSIGNMENT/`` (data the notebooks read), as bytes keyed by relative path.
    """

    assignment: str
    refs: list[dict]
    files: dict[str, bytes] = field(default_factory=dict)
    digest: str = ""

    @classmethod
    def build(cls, course: Course, assignment: str, refs: list[dict]) -> Bundle:
        """Read the assignment's data files and compute the digest."""
        source = course.dir("source") / assignment
        files = {rel.as_posix(): (source / rel).read_bytes()
                 for rel in folder_files(source, notebooks=False)}
        bundle = cls(assignment, refs, files)
        bundle.digest = _digest({"assignment": assignment, "refs": refs,
                                 "files": {k: hashlib.sha256(v).hexdigest()
                                           for k, v in files.items()}})
        return bundle


def job_hash(bundle_digest: str, submission_digest: str, limits: object, sandboxed: bool,
             version: str) -> str:
    """The hash of everything that produced one grade."""
    plain = asdict(limits) if is_dataclass(limits) and not isinstance(limits, type) else limits
    return _digest({"bundle": bundle_digest, "submission": submission_digest,
                    "limits": plain, "sandboxed": sandboxed, "grader": version})


@dataclass
class Stored:
    """One cached grade: its hash and the log lines it produced."""

    grade_hash: str
    lines: list[dict]


class HashTable:
    """The sidecar table next to nbgrader's: one row per (student, assignment)."""

    def __init__(self, course: Course) -> None:
        import sqlalchemy as sa

        from course.grading.gradebook import tune_sqlite

        self.sa = sa
        self.engine = sa.create_engine(course.db_url)
        tune_sqlite(self.engine)
        meta = sa.MetaData()
        self.table = sa.Table(
            TABLE, meta,
            sa.Column("student", sa.String(128), primary_key=True),
            sa.Column("assignment", sa.String(128), primary_key=True),
            sa.Column("grade_hash", sa.String(64), nullable=False),
            sa.Column("grader", sa.String(64), nullable=False),
            sa.Column("graded_at", sa.String(32), nullable=False),
            sa.Column("checked_at", sa.String(32), nullable=False),
            sa.Column("reused", sa.Boolean, nullable=False, default=False),
            sa.Column("lines", sa.Text, nullable=False),
        )
        meta.create_all(self.engine, checkfirst=True)

    def load(self, assignments: set[str]) -> dict[tuple[str, str], Stored]:
        """Every stored grade of these assignments, keyed by (student, assignment)."""
        found: dict[tuple[str, str], Stored] = {}
        t = self.table
        with self.engine.connect() as conn:
            rows = conn.execute(self.sa.select(t.c.student, t.c.assignment, t.c.grade_hash,
                                               t.c.lines).where(t.c.assignment.in_(assignments)))
            for student, assignment, grade_hash, lines in rows:
                found[(student, assignment)] = Stored(grade_hash, json.loads(lines))
        return found

    def save(self, student: str, assignment: str, grade_hash: str, version: str,
             lines: list[dict]) -> None:
        """Record a fresh grade (replacing the previous row)."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        t = self.table
        kept = [{k: v for k, v in line.items() if k not in ("time", "reused")} for line in lines]
        with self.engine.begin() as conn:
            conn.execute(t.delete().where((t.c.student == student)
                                          & (t.c.assignment == assignment)))
            conn.execute(t.insert().values(student=student, assignment=assignment,
                                           grade_hash=grade_hash, grader=version,
                                           graded_at=now, checked_at=now, reused=False,
                                           lines=json.dumps(kept)))

    def mark_reused(self, keys: list[tuple[str, str]]) -> None:
        """Note that this run reused these grades."""
        if not keys:
            return
        now = datetime.now(UTC).isoformat(timespec="seconds")
        t = self.table
        with self.engine.begin() as conn:
            for student, assignment in keys:
                conn.execute(t.update().where((t.c.student == student)
                                              & (t.c.assignment == assignment))
                             .values(reused=True, checked_at=now))

    def close(self) -> None:
        """Release the connection pool."""
        self.engine.dispose()
