"""Module 06 (evaluation lab): the solution and hidden tests run in process on the simulator
(``tests.content.solved.grade``). Exact scores for the solution, an empty submission and an
always-equal decision; the solution's release gate on the bundled and generated canaries.
Nothing may really sleep."""

from __future__ import annotations

import pytest

from course import modules
from tests.content.solved import ALWAYS_EQUAL, Graded, assert_release_has_no_solution_code, grade
from tests.notebook_tools import ROOT

MODULE = "06-evaluation-lab"
AUTO_POINTS = modules.get(MODULE, ROOT).points(ROOT)[0]  # from the notebook
pytestmark = pytest.mark.usefixtures("no_real_sleep")


@pytest.fixture(scope="module")
def solved() -> Graded:
    """The lab run once with its own solutions (shared by the tests below)."""
    return grade(MODULE)


def test_solution_scores_full_marks_and_each_test_cell_is_fast(solved: Graded) -> None:
    assert solved.scores == solved.possible, "a hidden test fails on the solution"
    assert solved.total == AUTO_POINTS
    slow = {k: round(v, 2) for k, v in solved.seconds.items() if v > 1.5}
    assert not slow, f"hidden test cells should take well under a second: {slow}"


def test_an_empty_submission_scores_zero() -> None:
    assert grade(MODULE, empty=True).total == 0


def test_wrong_types_and_always_equal_objects_lose_exactly_their_points() -> None:
    # A decision that equals everything: the gate fails; check_release is graded with a
    # known gate swapped in, so it keeps its points.
    sneaky_gate = ALWAYS_EQUAL + (
        "def release_gate(current, candidate, **budgets):\n"
        "    return {'decision': _Sneaky('ship'), 'reasons': []}\n")
    graded = grade(MODULE, {"06-gate": sneaky_gate})
    assert graded.scores["06-gate-tests"] == 0 and graded.total == 12 - 4


# -- the solution functions on the failure scenarios ------------------------------------


def test_the_gate_holds_the_bad_release_and_the_bundled_canary_and_ships_the_good_one(
        solved: Graded) -> None:
    ns = solved.namespace
    labs = ns["labs"]
    with pytest.raises(AssertionError, match="quality"):
        ns["check_release"](labs.release_logs("bad", n=4000, seed=3), "ticket-router-v1",
                            "ticket-router-v2")
    assert ns["check_release"](labs.release_logs("good", n=4000, seed=3), "ticket-router-v1",
                               "ticket-router-v2") is None
    # the bundled canary: too small to judge, and 3 points more errors (timeouts counted)
    with pytest.raises(AssertionError, match="sample") as held:
        ns["check_release"](ns["logs"], "ranker-v1", "ranker-v2")
    assert "error" in str(held.value) and "quality" not in str(held.value)
    tail = ns["latency_quantiles"](ns["logs"])
    assert tail.loc["ranker-v2", "p99_ms"] == 5000.0, "the timeouts are in the tail"
    # a small canary of the good candidate is held for its sample only
    with pytest.raises(AssertionError, match="sample") as small:
        ns["check_release"](labs.release_logs("good", n=1000, seed=3), "ticket-router-v1",
                            "ticket-router-v2")
    assert ";" not in str(small.value)


# -- the student release ------------------------------------------------------------------


def test_the_student_release_has_no_solution_code() -> None:
    assert_release_has_no_solution_code(MODULE)
