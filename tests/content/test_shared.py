"""The checks several modules share, written once and parametrised by module (the ids name it);
each module's own file (test_mNN_<slug>.py) keeps only what is specific to it.

- The labs (05-07) and the capstone (12), graded in process (``tests.content.solved.grade``):
  the solution scores exactly the points below and each test cell is fast, an empty submission
  scores zero, the student release holds no solution and the same cells.
- The exercise modules 08-10: their notebook's quizzes and grade ids, and a release with no
  hidden test. Their hidden-test cases stay in their files (``HIDDEN``).
"""

from __future__ import annotations

import json

import pytest

from course import modules
from tests.content.solved import (
    assert_release_has_no_solution_code,
    assert_release_strips_hidden_tests,
    grade,
    solution_run,
)
from tests.notebook_tools import ROOT

# module: (autograded points, manually graded points, answer cells in the release)
LABS = {
    "05-integration-lab": (16, 0, 6),
    "06-evaluation-lab": (12, 0, 4),
    "07-observability-incidents": (16, 4, 6),
    "12-capstone": (22, 4, 9),
}

EXERCISE_MODULES = ("08-when-to-build", "09-model-lifecycle", "10-career-paths")


# --- the labs and the capstone ------------------------------------------------------------


@pytest.mark.usefixtures("no_real_sleep")
@pytest.mark.parametrize("module", LABS)
def test_the_solution_scores_full_marks_and_each_test_cell_is_fast(module: str) -> None:
    auto, manual, _ = LABS[module]
    solved = solution_run(module)
    assert solved.scores == solved.possible, "a hidden test fails on the solution"
    assert solved.total == auto and modules.get(module, ROOT).points(ROOT) == (auto, manual)
    slow = {k: round(v, 2) for k, v in solved.seconds.items() if v > 1.5}
    assert not slow, f"hidden test cells should take well under a second: {slow}"


@pytest.mark.usefixtures("no_real_sleep")
@pytest.mark.parametrize("module", LABS)
def test_an_empty_submission_scores_zero(module: str) -> None:
    assert grade(module, empty=True).total == 0


@pytest.mark.parametrize("module", LABS)
def test_the_student_release_has_no_solution_code(module: str) -> None:
    assert assert_release_has_no_solution_code(module) == LABS[module][2]


# --- the exercise modules 08-10 -----------------------------------------------------------


@pytest.mark.parametrize("module", EXERCISE_MODULES)
def test_the_notebook_has_five_quizzes_and_unique_grade_ids(module: str) -> None:
    """What these modules promise beyond the shape every notebook has (test_notebook_hygiene)."""
    nb = json.loads((ROOT / "solutions" / module / f"{module}.ipynb").read_text("utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    sources = "".join("".join(c["source"]) for c in code)
    assert sources.count("quiz.ask(") >= 5
    grade_ids = [c["metadata"]["nbgrader"]["grade_id"] for c in nb["cells"]
                 if "nbgrader" in c["metadata"]]
    assert len(grade_ids) == len(set(grade_ids)), "duplicated nbgrader grade_id"


@pytest.mark.parametrize("module", EXERCISE_MODULES)
def test_hidden_tests_are_stripped_from_the_release(module: str) -> None:
    assert_release_strips_hidden_tests(module)
