"""The gradebook on a real PostgreSQL server the test starts (initdb in a temp folder, a free
port on 127.0.0.1, stopped by PID): autograde → feedback → export → report gives exactly what
the same run gives on SQLite; a wrong URL or an empty database is a clear error that names the
URL without its password; nbgrader never falls back to a SQLite file on its own."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from course.grading import sandbox
from course.grading.config import gradebook_url, shown_url
from tests.grading_tools import REPO, course_cmd, run, synthetic
from tests.pgserver import free_port, postgres_server

pytestmark = pytest.mark.slow

ASSIGNMENT = "fixture-01"
COURSE_ID = "synthetic"
# Honest work, a manual-grade cell, repaired, tampered, crashed and unreadable submissions.
KINDS = "perfect,empty,partial,edited-tests,kernel-death,always-equal,invalid-json,extra-files"
FEEDBACK_FOR = ("s01-perfect", "s03-partial", "s06-always-equal")
# Random on every autograde run, SQLite against SQLite too: cell ids and the grader's
# per-run pass token (shown in a failed test's traceback).
RANDOM_PER_RUN = re.compile(r"cell-id=[0-9a-f-]+|course-pass-[0-9a-f]+")


def _processes_mentioning(text: str) -> list[int]:
    """PIDs whose command line names ``text``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if text in cmdline:
                found.append(int(entry.name))
    return found


def _first_difference(what: str, sqlite: object, postgres: object) -> str:
    """The first lines where the SQLite and PostgreSQL outputs differ."""
    import difflib

    a = json.dumps(sqlite, indent=1).replace("><", ">\n<").splitlines()
    b = json.dumps(postgres, indent=1).replace("><", ">\n<").splitlines()
    return f"{what}:\n" + "\n".join(list(difflib.unified_diff(a, b, "sqlite", "postgresql",
                                                               lineterm="", n=1))[:30])


def _scores(url: str) -> dict[tuple[str, str], tuple[float | None, float]]:
    """``(student, grade cell) -> (score, max score)`` read back through nbgrader's API."""
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook(url, COURSE_ID) as gb:
        for sub in gb.assignment_submissions(ASSIGNMENT):
            for nb in sub.notebooks:
                for grade in nb.grades:
                    out[(sub.student.id, grade.name)] = (grade.score, grade.max_score)
    return out


def _flow(course: Path, *db: str) -> dict:
    """autograde, feedback, export (both shapes) and report on one course copy."""
    run(course_cmd("autograde", "--jobs", "2", "--timeout", "5", "--budget", "60", "--quiet",
                   "--course-dir", str(course), *db), cwd=course)
    run(course_cmd("feedback", "--course-dir", str(course), "--student", *FEEDBACK_FOR, *db),
        cwd=course)
    for name, extra in (("grades.csv", ()), ("cells.csv", ("--cells",))):
        run(course_cmd("export", "--course-dir", str(course), "--out", str(course / name),
                       *extra, *db), cwd=course)
    run(course_cmd("report", "--course-dir", str(course), "--out", str(course / "r.html"),
                   *db), cwd=course)
    log = [json.loads(x) for x in (course / "autograded" / "grading-log.jsonl").read_text()
           .splitlines()]
    return {
        "statuses": sorted((x["student"], x["status"], x["score"]) for x in log),
        "grades": (course / "grades.csv").read_text(),
        "cells": (course / "cells.csv").read_text(),
        "report": (course / "r.html").read_text(),
        "feedback": {s: RANDOM_PER_RUN.sub("…", (course / "feedback" / s / ASSIGNMENT /
                                                  f"{ASSIGNMENT}.html").read_text())
                     for s in FEEDBACK_FOR},
    }


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic course with a few kinds of submission, not graded yet."""
    ok, why = sandbox.probe()
    assert ok, f"bubblewrap is needed to grade (scripts/ensure_system_packages.sh): {why}"
    course = tmp_path_factory.mktemp("pgclass") / "course"
    synthetic().main([str(course), "--fixture", "--kinds", KINDS])
    (course / "gradebook.db").unlink()  # each copy's gradebook starts empty, as on a server
    return course


def test_the_server_runs_and_leaves_nothing_behind(tmp_path: Path) -> None:
    import psycopg

    with postgres_server(tmp_path) as pg:
        url = pg.create_database("gradebook")
        assert url == f"postgresql+psycopg://{pg.user}@127.0.0.1:{pg.port}/gradebook"
        with psycopg.connect(pg.dsn("gradebook")) as conn:
            assert conn.execute("SELECT current_database()").fetchone() == ("gradebook",)
        folder, pid = str(pg.folder), pg.pid
        assert pid in _processes_mentioning(folder)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert _processes_mentioning(folder) == []


def test_postgres_run_equals_the_sqlite_run(template: Path, tmp_path: Path) -> None:
    lite, pgcourse = tmp_path / "lite", tmp_path / "pg"
    shutil.copytree(template, lite)
    shutil.copytree(template, pgcourse)
    expected = json.loads((template / f"expected-{ASSIGNMENT}.json").read_text())
    with postgres_server(tmp_path) as pg:
        url = pg.create_database("gradebook")
        bare = url.replace("postgresql+psycopg://", "postgresql://")  # mapped to psycopg
        on_pg = _flow(pgcourse, "--db", bare)
        pg_scores = _scores(url)
    on_lite = _flow(lite)
    assert not (pgcourse / "gradebook.db").exists()  # nothing fell back to a SQLite file
    assert pg_scores == _scores(f"sqlite:///{lite / 'gradebook.db'}")
    assert len(pg_scores) == 4 * len(expected)  # four grade cells, every student recorded
    assert on_pg["statuses"] == on_lite["statuses"]
    assert {s: (st, sc) for s, st, sc in on_pg["statuses"]} == {
        s: (w["status"], w["score"]) for s, w in expected.items()}
    for key in ("grades", "cells", "report", "feedback"):
        # Only the differing lines: on CI pytest would print both pages whole otherwise.
        difference = "" if on_pg[key] == on_lite[key] else _first_difference(
            key, on_lite[key], on_pg[key])
        assert not difference, difference
    assert "s01-perfect,fixture-01,6.0,8.0,True,ok," in on_pg["grades"]


def test_an_unreachable_server_is_named_without_its_password(template: Path) -> None:
    url = f"postgresql://grader:s3cret-pw@127.0.0.1:{free_port()}/gradebook"
    for command in (("export", "--out", "x.csv"), ("report", "--out", "x.html"),
                    ("feedback",), ("autograde", "--no-sandbox-ok")):
        done = run(course_cmd(*command, "--course-dir", str(template), "--db", url),
                   cwd=template, check=False)
        assert done.returncode == 2, (command, done.stderr)
        assert ("cannot reach the gradebook database postgresql+psycopg://grader:***@127.0.0.1:"
                in done.stderr), done.stderr
        assert "s3cret-pw" not in done.stdout + done.stderr
        assert "Traceback" not in done.stderr
        # formgrader would read the course's SQLite file: say so rather than let it fall back
        assert (f"but formgrader and plain nbgrader read sqlite:///{template / 'gradebook.db'}"
                in done.stderr), done.stderr
    assert not (template / "gradebook.db").exists()


def test_a_database_without_a_gradebook_is_refused_and_left_empty(template: Path,
                                                                  tmp_path: Path) -> None:
    import psycopg

    with postgres_server(tmp_path) as pg:
        url = pg.create_database("not_graded_yet")
        for command in (("export", "--out", "x.csv"), ("report", "--out", "x.html"),
                        ("feedback",)):
            done = run(course_cmd(*command, "--course-dir", str(template), "--db", url),
                       cwd=template, check=False)
            assert done.returncode == 2, (command, done.stderr)
            assert (f"{url} holds no nbgrader gradebook (it is empty)" in done.stderr), \
                done.stderr
        with psycopg.connect(pg.dsn("not_graded_yet")) as conn:  # nothing was created in it
            tables = conn.execute("SELECT count(*) FROM information_schema.tables "
                                  "WHERE table_schema = 'public'").fetchone()
        assert tables == (0,)
    assert not (template / "gradebook.db").exists()


def test_a_missing_sqlite_gradebook_is_refused_not_created(tmp_path: Path) -> None:
    course = tmp_path / "course"
    course.mkdir()
    (course / "nbgrader_config.py").write_text("c = get_config()\n")
    done = run(course_cmd("export", "--course-dir", str(course), "--out", "g.csv"), cwd=course,
               check=False)
    assert done.returncode == 2
    assert f"no gradebook at {course / 'gradebook.db'}: nothing graded yet" in done.stderr
    assert not (course / "gradebook.db").exists() and not (course / "g.csv").exists()


def test_bare_postgresql_urls_use_psycopg_and_passwords_stay_hidden() -> None:
    assert gradebook_url("postgresql://u:p@h:5/db") == "postgresql+psycopg://u:p@h:5/db"
    assert gradebook_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert gradebook_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    assert gradebook_url("sqlite:////tmp/g.db") == "sqlite:////tmp/g.db"
    assert shown_url("postgresql+psycopg://u:p%40ss@h:5/db") == "postgresql+psycopg://u:***@h:5/db"


def test_formgrader_reads_the_same_gradebook_url(tmp_path: Path) -> None:
    """nbgrader_config.py, loaded the way formgrader loads it, names COURSE_GRADEBOOK_URL's
    database (with the psycopg driver), and this repository's SQLite file without it."""
    code = ("from nbgrader.apps.baseapp import NbGrader\n"
            "from nbgrader.coursedir import CourseDirectory\n"
            "app = NbGrader()\napp.load_config_file()\n"
            "print(CourseDirectory(config=app.config).db_url)\n")

    def db_url(**env: str) -> str:
        clean = {k: v for k, v in os.environ.items() if k != "COURSE_GRADEBOOK_URL"}
        done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                              text=True, env={**clean, **env}, check=True)
        assert "Exception while loading config file" not in done.stderr, done.stderr
        return done.stdout.strip()

    assert db_url(COURSE_GRADEBOOK_URL="postgresql://grader:pw@db:5432/gradebook") == (
        "postgresql+psycopg://grader:pw@db:5432/gradebook")
    assert db_url() == f"sqlite:///{REPO / 'gradebook.db'}"


def test_sqlite_tuning_stays_on_the_gradebook(tmp_path: Path) -> None:
    """WAL and the busy timeout go to the gradebook's engine only, not to every SQLite
    database the process opens (the room's, a learner's)."""
    from sqlalchemy import create_engine, text

    from course.grading.config import Course
    from course.grading.gradebook import open_gradebook

    course = Course(root=tmp_path, course_id="c", db_url=f"sqlite:///{tmp_path / 'gb.db'}")
    other = create_engine(f"sqlite:///{tmp_path / 'other.db'}")
    with open_gradebook(course, create=True) as gb:
        with gb.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 30000
        with other.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "delete"
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000
    other.dispose()
