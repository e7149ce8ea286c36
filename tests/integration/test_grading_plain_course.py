"""A plain nbgrader course (source/ and release/, not this repository's layout) graded by
``course autograde`` with ``--jobs`` and with ``--cluster``: nbgrader's scores, and the files the
notebook writes while graded land in ``autograded/STUDENT/ASSIGNMENT/`` as with nbgrader, while
a write outside the sandbox's work folder goes nowhere."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from tests.grading_tools import DaskCluster, course_cmd, grade_scores, nbgrader_cmd, run

pytestmark = pytest.mark.slow

ASSIGNMENT = "ps1"
CONFIG = '''import os
c = get_config()  # noqa: F821
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = "plain"
'''
SQUARE = "def square(x):\n    ### BEGIN SOLUTION\n    return x * x\n    ### END SOLUTION"
TOTAL = ("### BEGIN SOLUTION\nwith open('numbers.txt') as handle:\n"
         "    total = sum(int(n) for n in handle.read().split())\n### END SOLUTION")
WRITES = ("import csv, os\nos.makedirs('plots', exist_ok=True)\n"
          "with open('squares.csv', 'w', newline='') as handle:\n"
          "    csv.writer(handle).writerows([i, i * i] for i in range(4))\n"
          "with open('plots/figure.svg', 'w') as handle:\n"
          "    handle.write('<svg xmlns=\"http://www.w3.org/2000/svg\"/>')")
# Expected autograded scores (2 points for square, 1 for total).
EXPECTED = {"alice": 3.0, "bob": 2.0, "carol": 0.0}


def _graded(cell, grade_id: str, **flags: object):
    cell.metadata["nbgrader"] = {"grade_id": grade_id, "schema_version": 3, "locked": False,
                                 "solution": False, "grade": False, **flags}
    return cell


def _strip(source: str) -> str:
    return "\n".join(line for line in source.splitlines()
                     if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))


def write_course(root: Path, outside: Path) -> None:
    """source/ps1 (notebook + data file), nbgrader's release, three students' submissions."""
    root.mkdir(parents=True)
    (root / "nbgrader_config.py").write_text(CONFIG, encoding="utf-8")
    source = root / "source" / ASSIGNMENT
    source.mkdir(parents=True)
    (source / "numbers.txt").write_text("1 2 3\n", encoding="utf-8")
    nb = new_notebook(cells=[
        new_markdown_cell("# Problem set 1"),
        _graded(new_code_cell(SQUARE), "square", solution=True),
        _graded(new_code_cell("assert square(3) == 9\n### BEGIN HIDDEN TESTS\n"
                              "assert square(-2) == 4\n### END HIDDEN TESTS"), "square-tests",
                grade=True, locked=True, points=2),
        _graded(new_code_cell(TOTAL), "total", solution=True),
        _graded(new_code_cell("### BEGIN HIDDEN TESTS\nassert total == 6\n"
                              "### END HIDDEN TESTS"), "total-tests", grade=True, locked=True,
                points=1),
        new_code_cell(WRITES),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, source / f"{ASSIGNMENT}.ipynb")
    run(nbgrader_cmd("generate_assignment", ASSIGNMENT, "--log-level=ERROR"), cwd=root)
    release = nbformat.read(root / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
    answers = {"alice": {"square": SQUARE, "total": TOTAL}, "bob": {"square": SQUARE},
               "carol": {}}
    escape = (f"try:\n    open({str(outside / 'escaped.txt')!r}, 'w').write('out')\n"
              "except OSError:\n    pass")
    for student, solved in answers.items():
        mine = nbformat.from_dict(release)
        for cell in mine.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id in solved:
                cell.source = _strip(solved[grade_id])
        if student == "bob":
            mine.cells.append(new_code_cell(escape))
        folder = root / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(mine, folder / f"{ASSIGNMENT}.ipynb")
        (folder / "timestamp.txt").write_text("2026-03-01 09:00:00.000000 UTC\n")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> dict:
    base = tmp_path_factory.mktemp("plain")
    outside = base / "outside"
    outside.mkdir()
    write_course(base / "template", outside)
    return {"base": base, "template": base / "template", "outside": outside}


def _copy(template: dict, name: str) -> Path:
    copy = template["base"] / name
    shutil.copytree(template["template"], copy)
    return copy


def _totals(course: Path) -> dict[str, float]:
    totals: dict[str, float] = {}
    for (student, _cell), score in grade_scores(course / "gradebook.db", ASSIGNMENT,
                                                course_id="plain").items():
        totals[student] = totals.get(student, 0.0) + (score or 0.0)
    return totals


def _written(course: Path, student: str) -> dict[str, str]:
    folder = course / "autograded" / student / ASSIGNMENT
    return {name: (folder / name).read_text() for name in ("squares.csv", "plots/figure.svg")}


@pytest.fixture(scope="module")
def nbgrader_run(template: dict) -> Path:
    """The reference: plain ``nbgrader autograde`` on its own copy. Unsandboxed, bob's cell
    writes outside the course (so the check that ours does not can fail); the file is removed."""
    reference = _copy(template, "by-nbgrader")
    run(nbgrader_cmd("autograde", ASSIGNMENT, "--log-level=ERROR"), cwd=reference)
    escaped = template["outside"] / "escaped.txt"
    assert escaped.read_text() == "out"
    escaped.unlink()
    return reference


def _check(course: Path, reference: Path, outside: Path) -> None:
    assert not (outside / "escaped.txt").exists()  # bob's write outside went nowhere
    assert _totals(reference) == EXPECTED
    assert grade_scores(course / "gradebook.db", ASSIGNMENT, "plain") == grade_scores(
        reference / "gradebook.db", ASSIGNMENT, "plain")
    for student in EXPECTED:
        ours = _written(course, student)
        assert ours == _written(reference, student)
        rows = list(csv.reader(ours["squares.csv"].splitlines()))
        assert rows == [["0", "0"], ["1", "1"], ["2", "4"], ["3", "9"]]
        folder = course / "autograded" / student / ASSIGNMENT
        assert (folder / "numbers.txt").read_text() == "1 2 3\n"
        assert sorted(p.name for p in folder.iterdir()) == sorted(
            p.name for p in (reference / "autograded" / student / ASSIGNMENT).iterdir())


def test_jobs_grades_like_nbgrader_and_keeps_written_files(template: dict,
                                                           nbgrader_run: Path) -> None:
    course = _copy(template, "by-jobs")
    run(course_cmd("autograde", "--course-dir", str(course), "--jobs", "2", "--quiet"),
        cwd=course)
    _check(course, nbgrader_run, template["outside"])


def test_cluster_grades_like_nbgrader_and_keeps_written_files(template: dict,
                                                              nbgrader_run: Path) -> None:
    course = _copy(template, "by-cluster")
    with DaskCluster(template["base"] / "dask", workers=2) as cluster:
        run(course_cmd("autograde", "--course-dir", str(course), "--cluster", cluster.address,
                       "--quiet"), cwd=course)
    _check(course, nbgrader_run, template["outside"])
