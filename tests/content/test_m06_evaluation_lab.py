"""Module 06 (evaluation lab): the solution and hidden tests run in process on the simulator
(``tests.content.solved.grade``; the full marks, the empty submission and the release are
checked in tests/content/test_shared.py). Exact scores for an always-equal decision; the
solution's release gate on the bundled and generated canaries; the visible self-checks
(course.checks.m06) pass the solution and explain plausible mistakes. Nothing may really sleep."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from course import charts, data, labs
from course.checks import m06
from tests.content.solved import ALWAYS_EQUAL, Graded, answer_namespace, check_failure, grade

MODULE = "06-evaluation-lab"
pytestmark = pytest.mark.usefixtures("no_real_sleep")


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


# --- the visible self-checks (course.checks.m06) ---------------------------------------------

ANSWERS = ("06-latency", "06-report", "06-gate", "06-regression")


@pytest.fixture(scope="module")
def answers() -> dict:
    """The solution's answer cells run in order with the notebook's imports, and its logs."""
    names: dict = {"math": math, "pd": pd, "pytest": pytest, "charts": charts, "data": data,
                   "labs": labs}
    for exercise in ANSWERS:
        names = answer_namespace(MODULE, exercise, **names)
    return {**names, "logs": data.load("request_logs")}


def test_m06_checks_accept_the_solution(answers: dict, capsys: pytest.CaptureFixture[str]) -> None:
    m06.check_latency_quantiles(answers["latency_quantiles"], answers["logs"])
    m06.check_version_report(answers["version_report"], answers["logs"])
    m06.check_release_gate(answers["release_gate"])
    m06.check_release_test(answers["check_release"])
    assert capsys.readouterr().out.count("✅") == 4


def test_m06_latency_quantiles_that_drop_timeouts_are_told_why_they_count(answers: dict) -> None:
    right = answers["latency_quantiles"]
    message = check_failure(m06.check_latency_quantiles,
                       lambda logs: right(logs[logs["status"] != "timeout"]), answers["logs"])
    assert "a timeout is a request too" in message


def test_m06_latency_quantiles_in_whole_milliseconds_are_told_to_keep_floats(answers: dict) -> None:
    right = answers["latency_quantiles"]
    message = check_failure(m06.check_latency_quantiles,
                       lambda logs: right(logs).round().astype(int), answers["logs"])
    assert "should hold floats" in message


def _scaled(report, column: str, factor: float):
    def wrong(logs):
        table = report(logs).copy()
        table[column] = table[column] * factor
        return table
    return wrong


@pytest.mark.parametrize("column, factor, hint", [
    ("error_rate", 100, "`error_rate` is a share: 0 to 1"),  # percent, not a share
    ("cost_per_1k", 0.1, "cost of 1,000 requests"),  # per 100 requests
])
def test_m06_version_report_rejects_unit_mistakes(answers: dict, column: str, factor: float,
                                                  hint: str) -> None:
    wrong = _scaled(answers["version_report"], column, factor)
    assert hint in check_failure(m06.check_version_report, wrong, answers["logs"])


def test_m06_release_gate_rejects_plausible_mistakes(answers: dict) -> None:
    right = answers["release_gate"]

    def always_ship(current, candidate, **budgets):
        return {"decision": "ship", "reasons": []}

    def first_reason_only(current, candidate, **budgets):
        result = right(current, candidate, **budgets)
        return {**result, "reasons": result["reasons"][:1]}

    assert "the decision for a worse candidate" in check_failure(m06.check_release_gate, always_ship)
    assert "the number of reasons" in check_failure(m06.check_release_gate, first_reason_only)


def test_m06_release_test_rejects_plausible_mistakes(answers: dict) -> None:
    def never_fails(logs, current, candidate, **budgets):
        return None

    def returns_the_report(logs, current, candidate, **budgets):
        return answers["version_report"](logs)

    assert "should raise AssertionError" in check_failure(m06.check_release_test, never_fails)
    assert "should return None" in check_failure(m06.check_release_test, returns_the_report)
