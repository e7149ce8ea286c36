"""Module 08: the cost calculator runs the learner's functions (it holds no answer of its
own); ``course.checks.m08`` accepts the solutions, holds no reference and rejects wrong types,
look-alikes and plausible wrong answers; the hidden tests are self-contained, accept the
solution notebook's answers and reject wrong ones (the mutation suite grades more of them
through the real pipeline: tests/mutants/m08_when_to_build.py). The notebook's quizzes and
grade ids, and its release, are checked in tests/content/test_shared.py."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest

from course import data
from course.checks import CheckFailed, m08
from course.interactive import cost_calculator as cc
from tests.content.solved import hidden_tests_grade, hidden_tests_self_contained, solution_of
from tests.lookalikes import AlwaysEqual, EqualFloat, EqualStr
from tests.notebook_tools import ROOT, graded_cell_source

monthly_cost = solution_of("08-when-to-build", "monthly-cost", "monthly_cost")
decide = solution_of("08-when-to-build", "decide", "decide")


# --- cost calculator ---------------------------------------------------------------------------


def _broken(*args: Any) -> Any:
    raise NotImplementedError()


def test_calculator_holds_no_answer_of_module_08() -> None:
    """The calculator ships neither exercise 1's bill nor exercise 2's rule: it runs the
    learner's functions, so a wrong function shows a wrong number."""
    assert not hasattr(cc, "api_monthly_cost") and not hasattr(cc, "SECONDS_PER_MONTH")
    doubled = cc.monthly_costs(cc.Scenario(), lambda tps, k, p: 2 * monthly_cost()(tps, k, p))
    assert doubled[cc.API] == 2 * cc.monthly_costs(cc.Scenario(), monthly_cost())[cc.API]
    own_rule = cc.verdict(cc.Scenario(), monthly_cost(), lambda s: ("neither", ["mine"]))
    assert own_rule.choice == "neither" and own_rule.reasons == ("mine",)


def test_calculator_arithmetic_comes_from_the_cost_function() -> None:
    cost = monthly_cost()
    assert cc.requests_per_month(10_000, cost) == 25_920_000_000
    assert math.isclose(cc.api_bill(cc.Scenario(), cost), 25_920_000.0)
    assert math.isclose(cc.cost_per_1k_requests(25_920_000.0, 25_920_000_000), 1.0)
    assert math.isclose(cc.break_even_tps(cc.Scenario(), cost), 30_000 / 2_592, rel_tol=1e-12)
    assert cc.break_even_tps(cc.Scenario(price_per_1k_tokens=0.0), cost) == math.inf


def test_calculator_defaults_follow_the_article_scenario() -> None:
    scenario = cc.Scenario()
    assert scenario.tps == 10_000 and scenario.latency_budget_ms == 50
    assert scenario.inhouse_latency_ms < 10  # "single-digit milliseconds"


def test_situation_is_what_decide_takes() -> None:
    situation = cc.situation(cc.Scenario(), monthly_cost())
    assert set(situation) == {"latency_budget_ms", "api_latency_ms", "inhouse_latency_ms",
                              "api_quality", "inhouse_quality", "quality_bar",
                              "api_data_approved", "api_monthly_cost", "inhouse_monthly_cost"}
    assert decide()(situation)[0] == cc.IN_HOUSE


def test_options_table_columns_and_values() -> None:
    table = cc.options_table(cc.Scenario(), monthly_cost())
    assert list(table["option"]) == list(cc.OPTIONS)
    assert {"monthly_cost_usd", "cost_per_1k_usd", "latency_ms", "within_budget",
            "quality", "meets_bar"} <= set(table)
    api, own = table.iloc[0], table.iloc[1]
    assert bool(api["within_budget"]) is False and bool(own["within_budget"]) is True
    assert math.isclose(api["cost_per_1k_usd"], 1.0)
    assert own["monthly_cost_usd"] == 30_000.0


@pytest.mark.parametrize("changes, choice", [
    ({}, cc.IN_HOUSE),                                                  # too slow and too dear
    ({"tps": 1.0, "latency_budget_ms": 1000.0}, cc.API),                # cheap and fast enough
    ({"tps": 1000.0, "latency_budget_ms": 1000.0}, cc.IN_HOUSE),        # fast enough, too dear
    ({"tps": 1.0, "latency_budget_ms": 1000.0, "api_data_approved": False}, cc.IN_HOUSE),
    ({"tps": 1.0, "inhouse_latency_ms": 80.0}, "neither"),              # nothing fits
    ({"inhouse_quality": 0.7}, "hybrid"),                               # tree fast, not good enough
    ({"tps": 1.0, "latency_budget_ms": 100.0, "api_latency_ms": 20.0,
      "inhouse_latency_ms": 200.0}, cc.API),                            # only the API fits
])
def test_verdict_is_the_learners_decision(changes: dict[str, Any], choice: str) -> None:
    result = cc.verdict(cc.Scenario(**changes), monthly_cost(), decide())
    assert result.choice == choice
    assert result.reasons and all(isinstance(r, str) and r for r in result.reasons)
    assert result.facts and "Verdict" in result.html()


def test_verdict_names_a_missing_or_broken_function() -> None:
    html = cc.verdict_html(cc.Scenario(), _broken, decide())
    assert "monthly_cost" in html and "not written yet" in html
    html = cc.verdict_html(cc.Scenario(), monthly_cost(), _broken)
    assert "decide" in html and "not written yet" in html
    html = cc.verdict_html(cc.Scenario(), monthly_cost(), lambda s: "API")
    assert "tuple" in html
    html = cc.verdict_html(cc.Scenario(), lambda *a: "1", decide())
    assert "plain number" in html


@pytest.mark.parametrize("bad", [{"tps": 0}, {"tps": -1.0}, {"price_per_1k_tokens": math.nan},
                                 {"tokens_per_request": "500"}, {"latency_budget_ms": math.inf},
                                 {"api_quality": 1.5}, {"api_data_approved": 1}])
def test_scenario_rejects_bad_numbers(bad: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        cc.Scenario(**bad)


def test_cost_curve_spans_the_load() -> None:
    curve = cc.cost_curve(cc.Scenario(tps=250_000.0), monthly_cost(), points=11)
    assert set(curve["option"]) == set(cc.OPTIONS) and len(curve) == 22
    assert math.isclose(curve["tps"].min(), 1.0) and math.isclose(curve["tps"].max(), 250_000.0)
    flat = curve[curve["option"] == cc.IN_HOUSE]["monthly_cost_usd"]
    assert flat.nunique() == 1
    rising = curve[curve["option"] == cc.API]["monthly_cost_usd"]
    assert rising.is_monotonic_increasing


def test_charts_build_and_render() -> None:

    spec = cc.chart(cc.Scenario(), monthly_cost()).to_dict()
    assert len(spec["hconcat"]) == 2
    assert cc.chart_svg(cc.Scenario(tps=5.0), monthly_cost()).lstrip().startswith("<svg")
    load = cc.load_chart(data.load("request_stream")).to_dict()
    assert "layer" in load
    with pytest.raises(ValueError):
        cc.load_chart(pd.DataFrame({"x": [1]}))


def test_calculator_widget_is_headless_and_reacts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COURSE_WIDGETS", "live")
    widget = cc.calculator(cc.Scenario(tps=10_072), cost_fn=monthly_cost(), decide_fn=decide())
    controls = widget.children[0].children[0].children
    sliders = {c.description: c for c in controls if type(getattr(c, "value", None)) is float
               or type(getattr(c, "value", None)) is int}
    assert len(sliders) == len(cc.SLIDERS)
    approval = [c for c in controls if getattr(c, "description", "") == cc.APPROVAL_LABEL]
    assert len(approval) == 1 and approval[0].value is True
    verdict_box = widget.children[0].children[1]
    assert "Verdict: in-house model" in verdict_box.value
    sliders["budget (ms)"].value = 2000
    sliders["TPS"].value = 1.0
    assert "Verdict: API" in verdict_box.value
    approval[0].value = False
    assert "Verdict: in-house model" in verdict_box.value
    assert widget.children[1].value.lstrip().startswith("<svg")


def test_calculator_before_the_exercises_says_what_is_missing(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COURSE_WIDGETS", "live")
    widget = cc.calculator(cost_fn=_broken, decide_fn=_broken)
    assert "<code>monthly_cost</code> is not written yet" in widget.children[0].children[1].value
    assert widget.children[1].value == ""
    # a cell that uses the unanswered function fails as calling it would, naming it
    with pytest.raises(NotImplementedError, match="monthly_cost"):
        cc.options_table(cc.Scenario(), _broken)


def test_where_nobody_can_click_the_calculator_is_plain_html(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COURSE_WIDGETS", "static")
    calculator_html = cc.calculator(cc.Scenario(tps=10_072), cost_fn=monthly_cost(),
                                    decide_fn=decide())._repr_html_()
    assert "Verdict" in calculator_html and "<svg" in calculator_html


# --- m08 ----------------------------------------------------------------------------------------


def test_m08_accepts_the_solutions(capsys: pytest.CaptureFixture[str]) -> None:
    m08.check_monthly_cost(monthly_cost())
    m08.check_decide(decide())
    assert capsys.readouterr().out.count("✅") == 2


@pytest.mark.parametrize("bad", [
    lambda *a: str(a[0] * 2_592_000 * a[1] / 1000 * a[2]),
    lambda *a: AlwaysEqual(),
    lambda *a: EqualFloat(0.0),
    lambda *a: True,
    lambda tps, tokens, price: tps * 86_400 * tokens / 1000 * price,     # a day, not a month
    lambda tps, tokens, price: tps * 2_592_000 * tokens * price,          # forgot per 1k
    lambda tps, tokens, price: 2_592_000 * tokens / 1000 * price,         # ignores tps
    lambda tps, tokens, price: tps * 2_592_000 * price,                   # ignores tokens
    "monthly_cost",
])
def test_m08_monthly_cost_rejects_wrong_answers(bad: Any) -> None:
    with pytest.raises(CheckFailed):
        m08.check_monthly_cost(bad)


def test_m08_checks_hold_no_reference() -> None:
    """The self-check module computes no bill: neither the seconds of a 30-day month nor a
    table of expected choices appears in it."""
    text = (ROOT / "course" / "checks" / "m08.py").read_text("utf-8")
    for leak in ("2592000", "2_592_000", "30 * 24", "30 * DAY", "DECIDE_CASES", "digest"):
        assert leak not in text, leak


def test_m08_monthly_cost_message_hides_the_bill() -> None:
    with pytest.raises(CheckFailed) as failure:
        m08.check_monthly_cost(lambda tps, tokens, price: tps * tokens * price)
    assert "2592000" not in str(failure.value) and "2,592,000" not in str(failure.value)


def _wrong_decide(kind: str) -> Callable[..., Any]:
    good = decide()

    def wrapped(situation: dict) -> Any:
        choice, reasons = good(situation)
        if kind == "always-equal":
            return (EqualStr(choice), reasons)
        if kind == "list":
            return [choice, reasons]
        if kind == "reasons-str":
            return (choice, " ".join(reasons))
        if kind == "no-reasons":
            return (choice, [])
        if kind == "ignores-approval":
            return good({**situation, "api_data_approved": True})
        if kind == "ignores-quality":
            return good({**situation, "api_quality": 1.0, "inhouse_quality": 1.0})
        if kind == "tie-in-house":
            tie = situation["api_monthly_cost"] == situation["inhouse_monthly_cost"]
            return ("in-house model", ["tie"]) if tie and choice == "API" else (choice, reasons)
        if kind == "hybrid-always":
            return ("hybrid", ["a", "b"]) if choice == "in-house model" else (choice, reasons)
        if kind == "mutates":
            situation["api_monthly_cost"] = 0.0
            return (choice, reasons)
        raise AssertionError(kind)

    return wrapped


@pytest.mark.parametrize("kind", ["always-equal", "list", "reasons-str", "no-reasons",
                                  "ignores-approval", "ignores-quality", "tie-in-house",
                                  "hybrid-always", "mutates"])
def test_m08_decide_rejects_wrong_answers(kind: str) -> None:
    with pytest.raises(CheckFailed):
        m08.check_decide(_wrong_decide(kind))


def test_m08_reports_errors_as_failed_checks() -> None:
    def broken(*args: Any) -> Any:
        raise KeyError("oops")

    with pytest.raises(CheckFailed, match="KeyError"):
        m08.check_monthly_cost(broken)
    with pytest.raises(CheckFailed, match="KeyError"):
        m08.check_decide(broken)


# --- the hidden tests in the notebook -----------------------------------------------------


HIDDEN = [
    ("08-when-to-build", "monthly-cost", "monthly_cost", monthly_cost,
     [lambda: (lambda *a: "1"), lambda: (lambda *a: AlwaysEqual()),
      lambda: (lambda *a: EqualFloat(0.0)),
      lambda: (lambda tps, tokens, price: tps * 86_400 * tokens / 1000 * price)]),
    ("08-when-to-build", "decide", "decide", decide,
     [lambda: _wrong_decide("always-equal"), lambda: _wrong_decide("list"),
      lambda: _wrong_decide("ignores-approval"), lambda: _wrong_decide("tie-in-house"),
      lambda: _wrong_decide("mutates"), lambda: (lambda *a: AlwaysEqual())]),
]

test_hidden_tests_accept_the_solution_and_reject_wrong_answers = hidden_tests_grade(HIDDEN)
test_hidden_tests_are_self_contained = hidden_tests_self_contained(HIDDEN)


# --- the measured part: training, precision and recall, timing, capacity (issue 16) ------------
# The three exercises' self-checks accept the solutions, reject plausible wrong answers whose
# behaviour shows it, and are no oracle (a subtly wrong answer passes them and is left to the
# hidden tests). The hidden tests check fixed inputs only, never a figure this machine measured.

M08 = "08-when-to-build"
M08_NOTEBOOK = ROOT / "solutions" / M08 / f"{M08}.ipynb"
MEASURED_EXERCISES = ("precision-recall", "percentiles", "capacity")


def _measured_cells() -> list[dict[str, Any]]:
    return json.loads(M08_NOTEBOOK.read_text("utf-8"))["cells"]


def _measured_solution(exercise: str, name: str) -> Callable[..., Any]:
    for cell in _measured_cells():
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == f"{exercise}-answer":
            namespace: dict[str, Any] = {}
            exec(compile("".join(cell["source"]), f"<{exercise}-answer>", "exec"), namespace)
            return namespace[name]
    raise AssertionError(f"no answer cell {exercise}-answer")


def precision_recall_at() -> Callable[..., Any]:
    return _measured_solution("precision-recall", "precision_recall_at")


def p50_p99() -> Callable[..., Any]:
    return _measured_solution("percentiles", "p50_p99")


def capacity_tps() -> Callable[..., Any]:
    return _measured_solution("capacity", "capacity_tps")


def _measured_hidden(exercise: str, **names: object) -> None:
    exec(compile(graded_cell_source(M08, exercise), f"<{exercise}-tests>", "exec"), dict(names))


# --- the self-checks --------------------------------------------------------------------------


def test_measured_checks_accept_the_solutions(capsys: pytest.CaptureFixture[str]) -> None:
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
def test_measured_precision_recall_check_rejects(kind: str) -> None:
    with pytest.raises(CheckFailed):
        m08.check_precision_recall(_pr_wrong(kind))


def test_measured_precision_recall_check_is_no_oracle() -> None:
    """Rounding to two decimals keeps every property the check can state without the
    answer: it passes the self-check and is left to the hidden test."""
    good = precision_recall_at()

    def rounded(labels: Any, scores: Any, threshold: float) -> tuple[float, float]:
        precision, recall = good(labels, scores, threshold)
        return (round(precision, 2), round(recall, 2))

    m08.check_precision_recall(rounded)
    with pytest.raises(AssertionError):
        _measured_hidden("precision-recall", precision_recall_at=rounded)


@pytest.mark.parametrize("wrong", [
    lambda values: (sum(values) / len(values), sorted(values)[-1]),       # mean and max
    lambda values: (values[len(values) // 2], values[-1]),                 # not sorted
    lambda values: values.sort() or (values[len(values) // 2], values[-1]),  # sorts in place
    lambda values: [1.0, 2.0],
    lambda values: (AlwaysEqual(), AlwaysEqual()),
])
def test_measured_percentile_check_rejects(wrong: Callable[..., Any]) -> None:
    with pytest.raises(CheckFailed):
        m08.check_p50_p99(wrong)


def test_measured_percentile_check_is_no_oracle() -> None:
    """Nearest rank instead of interpolation passes the behaviour check, not the hidden test."""
    def nearest(values: list[float]) -> tuple[float, float]:
        ordered = sorted(values)
        return (float(ordered[round(0.5 * (len(ordered) - 1))]),
                float(ordered[round(0.99 * (len(ordered) - 1))]))

    m08.check_p50_p99(nearest)
    with pytest.raises(AssertionError):
        _measured_hidden("percentiles", p50_p99=nearest)


@pytest.mark.parametrize("wrong", [
    lambda p99, cores, batch_size=1: cores * 1000 / p99,                 # ignores the batch
    lambda p99, cores, batch_size=1: batch_size * 1000 / p99,            # ignores the cores
    lambda p99, cores, batch_size=1: cores * batch_size * 1000 * p99,    # multiplies the latency
    lambda p99, cores, batch_size=10: cores * batch_size * 1000 / p99,   # wrong default
    lambda p99, cores, batch_size=1: str(cores * batch_size * 1000 / p99),
])
def test_measured_capacity_check_rejects(wrong: Callable[..., Any]) -> None:
    with pytest.raises(CheckFailed):
        m08.check_capacity(wrong)


def test_measured_capacity_check_is_no_oracle() -> None:
    """Seconds for milliseconds scales correctly with every input: the check passes it."""
    seconds = lambda p99, cores, batch_size=1: float(cores * batch_size / p99)  # noqa: E731
    m08.check_capacity(seconds)
    with pytest.raises(AssertionError):
        _measured_hidden("capacity", capacity_tps=seconds)


def test_measured_checks_report_errors_as_failed_checks() -> None:
    def broken(*args: Any) -> Any:
        raise KeyError("oops")

    for check in (m08.check_precision_recall, m08.check_p50_p99, m08.check_capacity):
        with pytest.raises(CheckFailed, match="KeyError"):
            check(broken)


# --- the hidden tests -------------------------------------------------------------------------


def test_measured_hidden_tests_accept_the_solutions() -> None:
    _measured_hidden("precision-recall", precision_recall_at=precision_recall_at())
    _measured_hidden("percentiles", p50_p99=p50_p99())
    _measured_hidden("capacity", capacity_tps=capacity_tps())


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
def test_measured_hidden_tests_reject_wrong_answers(exercise: str, name: str, wrong: Any) -> None:
    with pytest.raises((AssertionError, TypeError)):
        _measured_hidden(exercise, **{name: wrong})


@pytest.mark.parametrize("exercise", MEASURED_EXERCISES)
def test_measured_hidden_tests_are_self_contained(exercise: str) -> None:
    source = graded_cell_source(M08, exercise)
    for outside in ("import course", "from course", "checks.", "transactions.", "data.load",
                    "open(", "read_csv", "perf_counter"):
        assert outside not in source, f"{exercise}-tests uses {outside!r}"


# --- the notebook ------------------------------------------------------------------------------


def test_measured_the_notebook_measures_and_feeds_the_calculator() -> None:
    """The calculator starts from the learner's measured figures, the model is the lock's
    scikit-learn, timing uses perf_counter on one thread, and nothing sleeps for real."""
    code = "\n".join("".join(c["source"]) for c in _measured_cells() if c["cell_type"] == "code")
    assert "HistGradientBoostingClassifier(" in code and "lightgbm" not in code.lower()
    assert "time.perf_counter()" in code and "threadpool_limits(limits=1)" in code
    assert "transactions.transactions(" in code and "transactions.simulate_api(" in code
    calculator_cell = next(c for c in _measured_cells() if "calculator(" in "".join(c["source"])
                           and c["cell_type"] == "code")
    text = "".join(calculator_cell["source"])
    for measured in ("api_p99", "own_p99", "api_tokens", "api_price_per_1k", "recall"):
        assert measured in text, measured
    assert "sleep(" not in code


def test_measured_every_new_exercise_has_answer_and_test_cells_with_points() -> None:
    points = {}
    for cell in _measured_cells():
        grading = cell["metadata"].get("nbgrader", {})
        if grading.get("grade"):
            points[grading["grade_id"]] = grading["points"]
    for exercise in MEASURED_EXERCISES:
        assert points.get(f"{exercise}-tests") == 3, exercise
