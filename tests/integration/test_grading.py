"""End to end on the synthetic class: exact scores, a status per bad case, nbgrader parity,
feedback without hidden tests, CSV export and the report. Needs bubblewrap (sandbox)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import nbformat
import pytest

from course.cli import main
from course.grading import sandbox
from tests.grading_tools import (
    course_cmd,
    grade_with_nbgrader,
    kind_scores,
    run,
    synthetic,
)

pytestmark = pytest.mark.slow

ASSIGNMENT = "fixture-01"
HIDDEN = ("add(-5, 5)", "add(10, 20)", "mean([2, 4])", "len(words) == 3",
          "isinstance(mean([1]), float)", "means.equals", "abs(add(0.1, 0.2)")
# Students whose grades plain nbgrader must reproduce exactly (no cheating, no crash).
PARITY = ("perfect", "empty", "partial", "edited-tests", "wrong-kernel", "extra-files")


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict:
    ok, why = sandbox.probe()
    if not ok:
        pytest.skip(f"no sandbox here: {why}")
    course = tmp_path_factory.mktemp("class")
    synthetic().main([str(course), "--fixture"])
    done = run(course_cmd("autograde", "--jobs", "2", "--timeout", "5", "--budget", "60",
                          "--course-dir", str(course)), cwd=course)
    expected = json.loads((course / f"expected-{ASSIGNMENT}.json").read_text())
    log = [json.loads(line) for line in
           (course / "autograded" / "grading-log.jsonl").read_text().splitlines()]
    return {"course": course, "expected": expected, "log": {x["student"]: x for x in log},
            "stdout": done.stdout, "stderr": done.stderr}


def test_the_class_covers_every_case(graded: dict) -> None:
    kinds = {v["kind"] for v in graded["expected"].values()}
    assert len(graded["expected"]) >= 10
    assert kinds == set(synthetic().KINDS)


def test_exact_scores_and_statuses(graded: dict) -> None:
    scores = {}
    for student in graded["expected"]:
        line = graded["log"][student]
        scores[student] = (line["status"], line["score"])  # nothing graded by hand yet
    wanted = {s: (w["status"], w["score"]) for s, w in graded["expected"].items()}
    assert scores == wanted


def test_every_bad_case_has_a_reason(graded: dict) -> None:
    for student, line in graded["log"].items():
        if graded["expected"][student]["status"] != "ok":
            assert line["reasons"], student
            assert student in graded["stdout"]


# What each rebinding attack must be told: the test cells it cost and what was rebound.
R, S = "rebound before test cell", "shadowed by a notebook global before test cell"
REBOUND = {
    "rebind-isinstance": [f"{R} mean-tests: builtins.isinstance",
                          f"{R} words-tests: builtins.isinstance"],
    "rebind-isclose": [f"{R} mean-tests: math.isclose", f"{R} words-tests: math.isclose"],
    "rebind-equals": [f"{R} mean-tests: pandas.DataFrame.equals",
                      f"{R} words-tests: pandas.DataFrame.equals"],
    "shadow-len": [f"{S} words-tests: len"],
    "shadow-abs": [f"{S} add-tests: abs"],
    "shadow-all": [f"{S} words-tests: all"],
    "shadow-isinstance": [f"{S} mean-tests: isinstance", f"{S} words-tests: isinstance"],
}


def test_each_rebinding_is_named_and_innocent_names_are_not(graded: dict) -> None:
    for student, want in graded["expected"].items():
        kind, line = want["kind"], graded["log"][student]
        if kind in REBOUND:
            assert line["reasons"] == REBOUND[kind], student
        elif kind in ("rebind-checks", "clean-names", "perfect"):
            assert line["reasons"] == [], student  # nothing a hidden test uses was touched
    page = (graded["course"] / "autograded" / "s22-rebind-isinstance" / ASSIGNMENT /
            f"{ASSIGNMENT}.ipynb")
    cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c
             for c in nbformat.read(page, 4).cells}
    shown = [o.evalue for o in cells["mean-tests"].outputs if o.output_type == "error"]
    assert f"this test cell scores 0: {R} mean-tests: builtins.isinstance" in shown
    printed = json.dumps([c.outputs for c in cells.values() if c.cell_type == "code"])
    assert "course-probe-" not in printed and "course-pass-" not in printed


def test_student_code_cannot_reach_the_course(graded: dict) -> None:
    nb = nbformat.read(graded["course"] / "autograded" / "s20-snoop" / ASSIGNMENT /
                       f"{ASSIGNMENT}.ipynb", 4)
    printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                      for o in c.outputs)
    assert "SNOOP RESULT: []" in printed


def test_autograded_layout_and_capped_output(graded: dict) -> None:
    root = graded["course"] / "autograded"
    for student in graded["expected"]:
        assert (root / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file(), student
        assert (root / student / ASSIGNMENT / "data.txt").is_file(), student
    huge = root / "s12-huge-output" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert huge.stat().st_size < 1_000_000


def test_grades_match_plain_nbgrader(graded: dict, tmp_path: Path) -> None:
    course = graded["course"]
    copy = tmp_path / "copy"
    theirs = grade_with_nbgrader(course, copy, ASSIGNMENT, PARITY)
    regraded = {p.parts[-3] for p in (copy / "autograded").glob(f"*/{ASSIGNMENT}/*.ipynb")}
    assert {s.split("-", 1)[1] for s in regraded} == set(PARITY)  # nbgrader did grade them
    assert len(theirs) == len(PARITY) * 4
    assert kind_scores(course / "gradebook.db", ASSIGNMENT, PARITY) == theirs


def test_feedback_hides_hidden_tests(graded: dict) -> None:
    course = graded["course"]
    students = ["s01-perfect", "s03-partial", "s18-hide-traceback"]
    run(course_cmd("feedback", "--course-dir", str(course), "--student", *students), cwd=course)
    for student in students:
        page = (course / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
        leaked = [h for h in HIDDEN if h in page or h.replace(" ", "") in page]
        assert not leaked, (student, leaked)
        assert "BEGIN HIDDEN TESTS" not in page
        assert "hidden tests run here" in page
    partial = (course / "feedback" / "s03-partial" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    assert "test passed: 2 / 2 points" in partial and "test failed: 0 / 1 points" in partial


def test_export_and_report(graded: dict) -> None:
    course = graded["course"]
    assert main(["export", "--course-dir", str(course), "--out", str(course / "g.csv")]) == 0
    rows = {r["student"]: r for r in csv.DictReader((course / "g.csv").open())}
    assert float(rows["s01-perfect"]["score"]) == 6.0
    assert rows["s01-perfect"]["needs_manual_grade"] == "True"
    assert rows["s13-invalid-json"]["status"] == "invalid"
    assert main(["report", "--course-dir", str(course), "--out", str(course / "r.html")]) == 0
    page = (course / "r.html").read_text()
    assert page.count("<svg") == 3 and "<script" not in page
    assert "s10-kernel-death" in page and "kernel died" in page
    assert "reflection-manual" in page
