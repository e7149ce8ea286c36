"""Content-addressed re-grading: an unchanged submission is not executed again (counted by the
kernel runs the grader traces), a changed one is, a changed hidden test re-grades the whole
assignment, ``--force`` re-grades all; the log and the sidecar table say what was reused."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.grading_tools import course_cmd, grade_scores, nbgrader_cmd, run, synthetic

pytestmark = pytest.mark.slow

ASSIGNMENT = "fixture-01"
KINDS = "perfect,partial,empty"
STUDENTS = 4  # s01-perfect, s02-partial, s03-empty, s04-perfect


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("regrade")
    synthetic().main([str(root), "--fixture", "--kinds", KINDS, "--students", str(STUDENTS)])
    state = {"root": root, "trace": root / "kernels.jsonl"}
    state["first"] = grade(state)
    return state


def grade(state: dict, *extra: str) -> dict:
    """Run ``course autograde`` once; return the students whose notebook ran in a kernel, this
    run's log lines, the stdout and the scores in the gradebook."""
    root, trace = state["root"], state["trace"]
    before = trace.read_text().splitlines() if trace.is_file() else []
    log = root / "autograded" / "grading-log.jsonl"
    lines_before = len(log.read_text().splitlines()) if log.is_file() else 0
    done = run(course_cmd("autograde", "--course-dir", str(root), "--jobs", "2", "--timeout",
                          "20", "--quiet", *extra), cwd=root, COURSE_GRADING_TRACE=str(trace))
    after = trace.read_text().splitlines() if trace.is_file() else []
    ran = sorted(json.loads(line)["student"] for line in after[len(before):])
    lines = [json.loads(x) for x in log.read_text().splitlines()[lines_before:]]
    totals: dict[str, float] = {}
    for (student, _cell), score in grade_scores(root / "gradebook.db", ASSIGNMENT).items():
        totals[student] = totals.get(student, 0.0) + (score or 0.0)
    return {"ran": ran, "lines": {x["student"]: x for x in lines}, "stdout": done.stdout,
            "totals": totals}


def _sidecar(root: Path) -> dict[str, tuple[str, bool]]:
    import sqlalchemy as sa

    engine = sa.create_engine(f"sqlite:///{root / 'gradebook.db'}")
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT student, grade_hash, reused "
                                    "FROM course_grade_hashes")).all()
    engine.dispose()
    return {student: (grade_hash, bool(reused)) for student, grade_hash, reused in rows}


def test_first_run_grades_everyone(course: dict) -> None:
    first = course["first"]
    assert first["ran"] == ["s01-perfect", "s02-partial", "s03-empty", "s04-perfect"]
    assert first["totals"] == {"s01-perfect": 6.0, "s02-partial": 5.0, "s03-empty": 0.0,
                               "s04-perfect": 6.0}
    assert not any(x["reused"] for x in first["lines"].values())
    assert "4 notebook(s) graded, 0 reused" in first["stdout"]


def test_unchanged_class_is_reused_and_one_changed_submission_is_regraded(course: dict) -> None:
    again = grade(course)
    assert again["ran"] == []  # no kernel started
    assert all(x["reused"] for x in again["lines"].values())
    assert {s: x["score"] for s, x in again["lines"].items()} == {
        "s01-perfect": 6.0, "s02-partial": 5.0, "s03-empty": 0.0, "s04-perfect": 6.0}
    assert "0 notebook(s) graded, 4 reused" in again["stdout"]
    assert all(reused for _hash, reused in _sidecar(course["root"]).values())

    # s03 hands in the perfect notebook: only s03 runs again.
    root = course["root"]
    shutil.copy(root / "submitted" / "s01-perfect" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                root / "submitted" / "s03-empty" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    hashes_before = _sidecar(root)
    changed = grade(course)
    assert changed["ran"] == ["s03-empty"]
    assert changed["totals"]["s03-empty"] == 6.0
    assert changed["lines"]["s03-empty"]["reused"] is False
    assert [s for s, x in changed["lines"].items() if x["reused"]] == [
        "s01-perfect", "s02-partial", "s04-perfect"]
    hashes_after = _sidecar(root)
    assert hashes_after["s03-empty"][0] != hashes_before["s03-empty"][0]
    assert hashes_after["s03-empty"][1] is False
    assert hashes_after["s01-perfect"] == hashes_before["s01-perfect"]


def test_a_changed_hidden_test_regrades_the_whole_assignment(course: dict) -> None:
    root = course["root"]
    source = root / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    text = source.read_text()
    assert "assert len(words) == 3" in text
    source.write_text(text.replace("assert len(words) == 3", "assert len(words) == 4"))
    # the instructor's usual step after editing a hidden test: the gradebook learns it
    run(nbgrader_cmd("generate_assignment", ASSIGNMENT, "--force",
                     f"--CourseDirectory.release_directory={root / 'scratch-release'}",
                     "--log-level=ERROR"), cwd=root)
    changed = grade(course)
    assert changed["ran"] == ["s01-perfect", "s02-partial", "s03-empty", "s04-perfect"]
    assert not any(x["reused"] for x in changed["lines"].values())
    # the words exercise (1 point) now fails for everyone who answered it
    assert changed["totals"] == {"s01-perfect": 5.0, "s02-partial": 5.0, "s03-empty": 5.0,
                                 "s04-perfect": 5.0}


def test_force_regrades_everyone(course: dict) -> None:
    forced = grade(course, "--force")
    assert forced["ran"] == ["s01-perfect", "s02-partial", "s03-empty", "s04-perfect"]
    assert "4 notebook(s) graded, 0 reused" in forced["stdout"]


def test_other_limits_are_another_grade(course: dict) -> None:
    longer = grade(course, "--budget", "400")
    assert longer["ran"] == ["s01-perfect", "s02-partial", "s03-empty", "s04-perfect"]
    same = grade(course, "--budget", "400")
    assert same["ran"] == []


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_hash_table_works_on_sqlite_and_postgresql(backend: str, tmp_path: Path) -> None:
    import contextlib

    from course.grading.cache import HashTable
    from course.grading.config import Course
    from tests.pgserver import postgres_server

    with contextlib.ExitStack() as stack:
        if backend == "sqlite":
            url = f"sqlite:///{tmp_path / 'gradebook.db'}"
        else:
            url = stack.enter_context(postgres_server(tmp_path)).create_database("gradebook")
        course = Course(root=tmp_path, course_id="c", db_url=url)
        lines = [{"time": "t", "student": "ada", "assignment": "ps1", "notebook": "ps1",
                  "status": "ok", "score": 3.0, "reused": False}]
        table = HashTable(course)
        table.save("ada", "ps1", "a" * 64, "0.1.0+x", lines)
        table.save("bob", "ps1", "b" * 64, "0.1.0+x", [])
        table.save("ada", "ps1", "c" * 64, "0.1.0+x", lines)  # a re-grade replaces the row
        table.mark_reused([("bob", "ps1")])
        table.close()
        again = HashTable(course)  # the table exists now: opened, not re-created
        stored = again.load({"ps1"})
        assert {k: v.grade_hash for k, v in stored.items()} == {("ada", "ps1"): "c" * 64,
                                                                ("bob", "ps1"): "b" * 64}
        assert stored[("ada", "ps1")].lines == [{"student": "ada", "assignment": "ps1",
                                                 "notebook": "ps1", "status": "ok",
                                                 "score": 3.0}]
        assert again.load({"ps2"}) == {}
        with again.engine.connect() as conn:
            reused = dict(conn.execute(again.sa.select(again.table.c.student,
                                                       again.table.c.reused)).all())
        assert reused == {"ada": False, "bob": True}
        again.close()
