"""Module 08's measured part: training, precision and recall, timing, capacity.

The three exercises' self-checks accept the solutions, reject plausible wrong answers whose
behaviour shows it, and are no oracle (a subtly wrong answer passes them and is left to the
hidden tests). The hidden tests, run in a plain namespace, accept the solutions and reject
wrong answers and look-alikes; they check fixed inputs only, never a figure this machine
measured. The mutation suite grades more wrong answers through the real pipeline
(tests/mutants/m08_when_to_build.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from course.checks import CheckFailed, m08
from tests.lookalikes import AlwaysEqual, EqualFloat
from tests.notebook_tools import ROOT, graded_cell_source

MODULE = "08-when-to-build"
NOTEBOOK = ROOT / "solutions" / MODULE / f"{MODULE}.ipynb"
EXERCISES = ("precision-recall", "percentiles", "capacity")


def _cells() -> list[dict[str, Any]]:
    return json.loads(NOTEBOOK.read_text("utf-8"))["cells"]


def _solution(exercise: str, name: str) -> Callable[..., Any]:
    for cell in _cells():
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == f"{exercise}-answer":
            namespace: dict[str, Any] = {}
            exec(compile("".join(cell["source"]), f"<{exercise}-answer>", "exec"), namespace)
            return namespace[name]
    raise AssertionError(f"no answer cell {exercise}-answer")


def precision_recall_at() -> Callable[..., Any]:
    return _solution("precision-recall", "precision_recall_at")


def p50_p99() -> Callable[..., Any]:
    return _solution("percentiles", "p50_p99")


def capacity_tps() -> Callable[..., Any]:
    return _solution("capacity", "capacity_tps")


def _hidden(exercise: str, **names: object) -> None:
    exec(compile(graded_cell_source(MODULE, exercise), f"<{exercise}-tests>", "exec"), dict(names))


# --- the self-checks --------------------------------------------------------------------------


def test_checks_accept_the_solutions(capsys: pytest.CaptureFixture[str]) -> None:
    m08.check_precision_recall(precision_recall_at())
    m08.check_p50_p99(p50_p99())
    m08.check_capacity(capacity_tps())
    assert capsys.readouterr().out.count("✅") == 3


def _pr_wrong(kind: str) -> Callable[..., Any]:
    good = precision_recall_at()

    def wrong(labels: Any, scores: Any, threshold: float) -> Any:
        if kind == "strict":
            return good(labels, scores, threshold + 1e-12)
        if kind == "list":
            return list(good(labels, scores, threshold))
        if kind == "lookalike":
            return (EqualFloat(0.0), EqualFloat(0.0))
        if kind == "nothing-flagged-is-one":
            flagged = sum(1 for s in scores if s >= threshold)
            return (1.0, good(labels, scores, threshold)[1]) if not flagged else good(
                labels, scores, threshold)
        if kind == "percent":
            precision, recall = good(labels, scores, threshold)
            return (100 * precision, 100 * recall)
        raise AssertionError(kind)

    return wrong


@pytest.mark.parametrize("kind", ["strict", "list", "lookalike", "nothing-flagged-is-one",
                                  "percent"])
def test_precision_recall_check_rejects(kind: str) -> None:
    with pytest.raises(CheckFailed):
        m08.check_precision_recall(_pr_wrong(kind))


def test_precision_recall_check_is_no_oracle() -> None:
    """Rounding to two decimals keeps every property the check can state without the
    answer: it passes the self-check and is left to the hidden test."""
    good = precision_recall_at()

    def rounded(labels: Any, scores: Any, threshold: float) -> tuple[float, float]:
        precision, recall = good(labels, scores, threshold)
        return (round(precision, 2), round(recall, 2))

    m08.check_precision_recall(rounded)
    with pytest.raises(AssertionError):
        _hidden("precision-recall", precision_recall_at=rounded)


@pytest.mark.parametrize("wrong", [
    lambda values: (sum(values) / len(values), sorted(values)[-1]),       # mean and max
    lambda values: (values[len(values) // 2], values[-1]),                 # not sorted
    lambda values: values.sort() or (values[len(values) // 2], values[-1]),  # sorts in place
    lambda values: [1.0, 2.0],
    lambda values: (AlwaysEqual(), AlwaysEqual()),
])
def test_percentile_check_rejects(wrong: Callable[..., Any]) -> None:
    with pytest.raises(CheckFailed):
        m08.check_p50_p99(wrong)


def test_percentile_check_is_no_oracle() -> None:
    """Nearest rank instead of interpolation passes the behaviour check, not the hidden test."""
    def nearest(values: list[float]) -> tuple[float, float]:
        ordered = sorted(values)
        return (float(ordered[round(0.5 * (len(ordered) - 1))]),
                float(ordered[round(0.99 * (len(ordered) - 1))]))

    m08.check_p50_p99(nearest)
    with pytest.raises(AssertionError):
        _hidden("percentiles", p50_p99=nearest)


@pytest.mark.parametrize("wrong", [
    lambda p99, cores, batch_size=1: cores * 1000 / p99,                 # ignores the batch
    lambda p99, cores, batch_size=1: batch_size * 1000 / p99,            # ignores the cores
    lambda p99, cores, batch_size=1: cores * batch_size * 1000 * p99,    # multiplies the latency
    lambda p99, cores, batch_size=10: cores * batch_size * 1000 / p99,   # wrong default
    lambda p99, cores, batch_size=1: str(cores * batch_size * 1000 / p99),
])
def test_capacity_check_rejects(wrong: Callable[..., Any]) -> None:
    with pytest.raises(CheckFailed):
        m08.check_capacity(wrong)


def test_capacity_check_is_no_oracle() -> None:
    """Seconds for milliseconds scales correctly with every input: the check passes it."""
    seconds = lambda p99, cores, batch_size=1: float(cores * batch_size / p99)  # noqa: E731
    m08.check_capacity(seconds)
    with pytest.raises(AssertionError):
        _hidden("capacity", capacity_tps=seconds)


def test_checks_report_errors_as_failed_checks() -> None:
    def broken(*args: Any) -> Any:
        raise KeyError("oops")

    for check in (m08.check_precision_recall, m08.check_p50_p99, m08.check_capacity):
        with pytest.raises(CheckFailed, match="KeyError"):
            check(broken)


# --- the hidden tests -------------------------------------------------------------------------


def test_hidden_tests_accept_the_solutions() -> None:
    _hidden("precision-recall", precision_recall_at=precision_recall_at())
    _hidden("percentiles", p50_p99=p50_p99())
    _hidden("capacity", capacity_tps=capacity_tps())


@pytest.mark.parametrize("exercise, name, wrong", [
    ("precision-recall", "precision_recall_at", lambda *a: (AlwaysEqual(), AlwaysEqual())),
    ("precision-recall", "precision_recall_at", lambda *a: (EqualFloat(0.5), EqualFloat(0.5))),
    ("precision-recall", "precision_recall_at", lambda y, s, t: [0.5, 0.5]),
    ("percentiles", "p50_p99", lambda values: (EqualFloat(1.0), EqualFloat(1.0))),
    ("percentiles", "p50_p99", lambda values: AlwaysEqual()),
    ("capacity", "capacity_tps", lambda *a: EqualFloat(2000.0)),
    ("capacity", "capacity_tps", lambda *a: True),
    ("capacity", "capacity_tps", lambda p99, cores, batch_size=1: 2000.0),  # the example typed in
])
def test_hidden_tests_reject_wrong_answers(exercise: str, name: str, wrong: Any) -> None:
    with pytest.raises((AssertionError, TypeError)):
        _hidden(exercise, **{name: wrong})


@pytest.mark.parametrize("exercise", EXERCISES)
def test_hidden_tests_are_self_contained(exercise: str) -> None:
    source = graded_cell_source(MODULE, exercise)
    for outside in ("import course", "from course", "checks.", "transactions.", "data.load",
                    "open(", "read_csv", "perf_counter"):
        assert outside not in source, f"{exercise}-tests uses {outside!r}"


# --- the notebook ------------------------------------------------------------------------------


def test_the_notebook_measures_and_feeds_the_calculator() -> None:
    """The calculator starts from the learner's measured figures, the model is the lock's
    scikit-learn, timing uses perf_counter on one thread, and nothing sleeps for real."""
    code = "\n".join("".join(c["source"]) for c in _cells() if c["cell_type"] == "code")
    assert "HistGradientBoostingClassifier(" in code and "lightgbm" not in code.lower()
    assert "time.perf_counter()" in code and "threadpool_limits(limits=1)" in code
    assert "transactions.transactions(" in code and "transactions.simulate_api(" in code
    calculator_cell = next(c for c in _cells() if "calculator(" in "".join(c["source"])
                           and c["cell_type"] == "code")
    text = "".join(calculator_cell["source"])
    for measured in ("api_p99", "own_p99", "api_tokens", "api_price_per_1k", "recall"):
        assert measured in text, measured
    assert "sleep(" not in code


def test_every_new_exercise_has_answer_and_test_cells_with_points() -> None:
    points = {}
    for cell in _cells():
        grading = cell["metadata"].get("nbgrader", {})
        if grading.get("grade"):
            points[grading["grade_id"]] = grading["points"]
    for exercise in EXERCISES:
        assert points.get(f"{exercise}-tests") == 3, exercise
