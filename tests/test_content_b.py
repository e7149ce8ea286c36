"""Modules 08, 09 and 10: the notebooks run, the widgets compute, and the checks are strict.

Layers:
- the pure functions behind the cost calculator and the path explorer;
- ``course.checks.m08/m09/m10`` accept the solutions and reject wrong types, look-alike
  objects whose ``__eq__`` always says True, and plausible wrong answers;
- the hidden test cells of the notebooks, run in a plain namespace, do the same.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest

from course.checks import CheckFailed, m08, m09, m10
from course.interactive import cost_calculator as cc
from course.interactive import path_explorer as pe
from tests.lookalikes import AlwaysEqual, EqualFloat, EqualStr
from tests.notebook_tools import ROOT, graded_cell_source

MODULES = ("08-when-to-build", "09-model-lifecycle", "10-career-paths")


# --- the solutions, read from the notebooks ---------------------------------------------------


def _cells(module: str) -> list[dict[str, Any]]:
    nb = json.loads((ROOT / "solutions" / module / f"{module}.ipynb").read_text("utf-8"))
    return nb["cells"]


def _answer(module: str, exercise: str, **names: Any) -> dict[str, Any]:
    """Run a solution cell (markers are comments) and return its namespace."""
    for cell in _cells(module):
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == f"{exercise}-answer":
            namespace: dict[str, Any] = {"pd": pd, **names}
            exec(compile("".join(cell["source"]), f"<{exercise}-answer>", "exec"), namespace)
            return namespace
    raise AssertionError(f"{module}: no answer cell {exercise}-answer")


def _run_hidden(module: str, exercise: str, **names: object) -> None:
    namespace: dict[str, object] = {"pd": pd, **names}
    exec(compile(graded_cell_source(module, exercise), f"<{exercise}-tests>", "exec"), namespace)


def monthly_cost() -> Callable[..., Any]:
    return _answer("08-when-to-build", "monthly-cost")["monthly_cost"]


def decide() -> Callable[..., Any]:
    return _answer("08-when-to-build", "decide")["decide"]


def lifecycle() -> pd.DataFrame:
    return _answer("09-model-lifecycle", "lifecycle")["lifecycle"]


def actions() -> dict[str, str]:
    return _answer("09-model-lifecycle", "actions")["actions"]


def recommend_path() -> Callable[[dict], Any]:
    return _answer("10-career-paths", "recommend-path")["recommend_path"]


# --- the notebooks run -----------------------------------------------------------------------


@pytest.mark.parametrize("module", MODULES)
def test_module_specifics(module: str) -> None:
    """What these modules promise beyond the shape every notebook has (test_notebook_hygiene)."""
    nb = json.loads((ROOT / "solutions" / module / f"{module}.ipynb").read_text("utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    sources = "".join("".join(c["source"]) for c in code)
    assert sources.count("quiz.ask(") >= 5
    grade_ids = [c["metadata"]["nbgrader"]["grade_id"] for c in nb["cells"]
                 if "nbgrader" in c["metadata"]]
    assert len(grade_ids) == len(set(grade_ids)), "duplicated nbgrader grade_id"


# --- cost calculator ---------------------------------------------------------------------------


def test_calculator_arithmetic() -> None:
    assert cc.SECONDS_PER_MONTH == 2_592_000
    assert cc.monthly_requests(10_000) == 25_920_000_000
    assert math.isclose(cc.api_cost_per_request(500, 0.002), 0.001)
    assert math.isclose(cc.api_monthly_cost(10_000, 500, 0.002), 25_920_000.0)
    assert math.isclose(cc.cost_per_1k_requests(25_920_000.0, 10_000), 1.0)
    assert math.isclose(cc.break_even_tps(500, 0.002, 30_000), 30_000 / 2_592, rel_tol=1e-12)
    assert cc.break_even_tps(500, 0.0, 30_000) == math.inf


def test_calculator_defaults_follow_the_article_scenario() -> None:
    scenario = cc.Scenario()
    assert scenario.tps == 10_000 and scenario.latency_budget_ms == 50
    assert scenario.inhouse_latency_ms < 10  # "single-digit milliseconds"


def test_options_table_columns_and_values() -> None:
    table = cc.options_table(cc.Scenario())
    assert list(table["option"]) == list(cc.OPTIONS)
    assert {"monthly_cost_usd", "cost_per_1k_usd", "latency_ms", "within_budget"} <= set(table)
    api, own = table.iloc[0], table.iloc[1]
    assert bool(api["within_budget"]) is False and bool(own["within_budget"]) is True
    assert math.isclose(api["cost_per_1k_usd"], 1.0)
    assert own["monthly_cost_usd"] == 30_000.0


@pytest.mark.parametrize("changes, choice", [
    ({}, cc.IN_HOUSE),                                                  # too slow and too dear
    ({"tps": 1.0, "latency_budget_ms": 1000.0}, cc.API),                # cheap and fast enough
    ({"tps": 1000.0, "latency_budget_ms": 1000.0}, cc.IN_HOUSE),        # fast enough, too dear
    ({"tps": 1.0}, cc.IN_HOUSE),                                        # cheap, too slow
    ({"tps": 1.0, "inhouse_latency_ms": 80.0}, cc.NEITHER),             # nothing fits
    ({"tps": 1.0, "latency_budget_ms": 100.0, "api_latency_ms": 20.0,
      "inhouse_latency_ms": 200.0}, cc.API),                            # only the API fits
])
def test_verdict_applies_latency_then_cost(changes: dict[str, float], choice: str) -> None:
    scenario = cc.Scenario(**changes)
    result = cc.verdict(scenario)
    assert result.choice == choice
    assert result.reasons and all(isinstance(r, str) and r for r in result.reasons)
    assert "Verdict" in result.html()


def test_verdict_tie_goes_to_the_api() -> None:
    # 1 TPS × 2,592,000 s × $0.01 per call = $25,920 a month
    tie = cc.Scenario(tps=1.0, tokens_per_request=1000.0, price_per_1k_tokens=0.01,
                      inhouse_monthly_cost=25_920.0, latency_budget_ms=1000.0)
    assert cc.verdict(tie).choice == cc.API


@pytest.mark.parametrize("bad", [{"tps": 0}, {"tps": -1.0}, {"price_per_1k_tokens": math.nan},
                                 {"tokens_per_request": "500"}, {"latency_budget_ms": math.inf}])
def test_scenario_rejects_bad_numbers(bad: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        cc.Scenario(**bad)


def test_cost_curve_spans_the_load() -> None:
    curve = cc.cost_curve(cc.Scenario(tps=250_000.0), points=11)
    assert set(curve["option"]) == set(cc.OPTIONS) and len(curve) == 22
    assert math.isclose(curve["tps"].min(), 1.0) and math.isclose(curve["tps"].max(), 250_000.0)
    flat = curve[curve["option"] == cc.IN_HOUSE]["monthly_cost_usd"]
    assert flat.nunique() == 1
    rising = curve[curve["option"] == cc.API]["monthly_cost_usd"]
    assert rising.is_monotonic_increasing


def test_charts_build_and_render() -> None:
    from course import data

    spec = cc.chart(cc.Scenario()).to_dict()
    assert len(spec["hconcat"]) == 2
    assert cc.chart_svg(cc.Scenario(tps=5.0)).lstrip().startswith("<svg")
    load = cc.load_chart(data.load("request_stream")).to_dict()
    assert "layer" in load
    with pytest.raises(ValueError):
        cc.load_chart(pd.DataFrame({"x": [1]}))


def test_calculator_widget_is_headless_and_reacts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COURSE_WIDGETS", "live")
    widget = cc.calculator(cc.Scenario(tps=10_072))
    controls = widget.children[0].children[0].children
    sliders = [c for c in controls if hasattr(c, "value") and not isinstance(c.value, str)]
    assert len(sliders) == len(cc.SLIDERS)
    verdict_box = widget.children[0].children[1]
    assert cc.IN_HOUSE in verdict_box.value
    tps = sliders[list(cc.SLIDERS).index("tps")]
    budget = sliders[list(cc.SLIDERS).index("latency_budget_ms")]
    budget.value = 2000
    tps.value = 1.0
    assert "Verdict: API" in verdict_box.value
    assert widget.children[1].value.lstrip().startswith("<svg")


# --- path explorer -----------------------------------------------------------------------------


def test_explorer_criteria_are_complete() -> None:
    assert len(pe.AI_CRITERIA) == 5 and len(pe.ML_CRITERIA) == 5 and len(pe.BOTH_CRITERIA) == 3
    assert len(pe.ALL_CRITERIA) == 13


@pytest.mark.parametrize("ticked, path", [
    ((), pe.UNDECIDED),
    (("ai_background", "ai_ship"), pe.AI_PATH),
    (("ml_math", "ml_margins", "ai_ship"), pe.ML_PATH),
    (("ml_math", "ai_ship"), pe.BOTH),
    (("ai_background", "ai_products", "ai_systems", "both_small_company"), pe.BOTH),
    (("both_ml_engineer",), pe.BOTH),
])
def test_recommend_follows_the_tree(ticked: tuple[str, ...], path: str) -> None:
    result = pe.recommend(ticked)
    assert result.path == path
    assert result.reasons and path in result.html()


def test_recommend_explains_and_warns() -> None:
    result = pe.recommend(["both_optionality", "ml_math"])
    assert any(pe.BOTH_CRITERIA["both_optionality"] in r for r in result.reasons)
    assert pe.MIDDLE_WARNING in result.reasons
    assert (result.ai_score, result.ml_score) == (0, 1)


def test_recommend_rejects_unknown_criteria() -> None:
    with pytest.raises(ValueError, match="unknown"):
        pe.recommend(["likes_cats"])


def test_explorer_widget_is_headless_and_reacts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COURSE_WIDGETS", "live")
    widget = pe.explorer(["ml_math"])
    result = widget.children[-1]
    assert pe.ML_PATH in result.value
    boxes = [c for column in widget.children[:-1] for c in column.children
             if hasattr(c, "description") and c.description in pe.ALL_CRITERIA.values()]
    assert len(boxes) == 13
    by_label = {box.description: box for box in boxes}
    by_label[pe.BOTH_CRITERIA["both_small_company"]].value = True
    assert "Suggested path: both" in result.value


def test_where_nobody_can_click_both_widgets_are_plain_html(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COURSE_WIDGETS", "static")
    calculator_html = cc.calculator(cc.Scenario(tps=10_072))._repr_html_()
    assert "Verdict" in calculator_html and "<svg" in calculator_html
    explorer_html = pe.explorer(["ml_math"])._repr_html_()
    assert "☑" in explorer_html and pe.ML_PATH in explorer_html


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
    "monthly_cost",
])
def test_m08_monthly_cost_rejects_wrong_answers(bad: Any) -> None:
    with pytest.raises(CheckFailed):
        m08.check_monthly_cost(bad)


def test_m08_monthly_cost_message_hides_the_bill() -> None:
    with pytest.raises(CheckFailed) as failure:
        m08.check_monthly_cost(lambda tps, tokens, price: 1.0)
    assert "2592000" not in str(failure.value) and "2,592,000" not in str(failure.value)


def _wrong_decide(kind: str) -> Callable[..., Any]:
    good = decide()

    def wrapped(*args: Any) -> Any:
        choice, reasons = good(*args)
        if kind == "always-equal":
            return (EqualStr(choice), reasons)
        if kind == "list":
            return [choice, reasons]
        if kind == "reasons-str":
            return (choice, " ".join(reasons))
        if kind == "no-reasons":
            return (choice, [])
        if kind == "cost-only":
            budget, api_ms, api_cost, own_cost = args
            return ("in-house model", ["cost"]) if api_cost > own_cost else ("API", ["ok"])
        if kind == "one-reason":
            return (choice, reasons[:1])
        if kind == "tie-in-house":
            budget, api_ms, api_cost, own_cost = args
            return ("in-house model", ["tie"]) if api_cost == own_cost else (choice, reasons)
        raise AssertionError(kind)

    return wrapped


@pytest.mark.parametrize("kind", ["always-equal", "list", "reasons-str", "no-reasons",
                                  "cost-only", "one-reason", "tie-in-house"])
def test_m08_decide_rejects_wrong_answers(kind: str) -> None:
    with pytest.raises(CheckFailed):
        m08.check_decide(_wrong_decide(kind))


def test_m08_reports_errors_as_failed_checks() -> None:
    def broken(*args: Any) -> Any:
        raise KeyError("oops")

    with pytest.raises(CheckFailed, match="KeyError"):
        m08.check_monthly_cost(broken)


# --- m09 ----------------------------------------------------------------------------------------


def test_m09_accepts_the_solutions() -> None:
    m09.check_lifecycle(lifecycle())
    m09.check_actions(actions(), allowed_misses=0)
    renamed = lifecycle().assign(stage=["Model selection", "Release gate review",
                                        "Shadow then full rollout", "Observe in production",
                                        "Re-train on fresh data", "Decommission"])
    m09.check_lifecycle(renamed)


def test_m09_step_matching_is_word_aware() -> None:
    assert m09.step_of("observe the model") == "monitor"
    assert m09.step_of("serving") == "deploy"
    assert m09.step_of("re-train") == "retrain or switch"
    assert m09.step_of("retrain") == "retrain or switch"
    assert m09.step_of("coffee break") is None


def _swap(frame: pd.DataFrame, i: int, j: int) -> pd.DataFrame:
    order = list(range(len(frame)))
    order[i], order[j] = order[j], order[i]
    return frame.iloc[order].reset_index(drop=True)


class LooseFrame(pd.DataFrame):
    def __eq__(self, other: object) -> bool:  # type: ignore[override]
        return True


@pytest.mark.parametrize("make", [
    lambda f: None,
    lambda f: f.to_dict(),
    lambda f: AlwaysEqual(),
    lambda f: LooseFrame(f),
    lambda f: f.drop(columns=["owner"]),
    lambda f: f.iloc[:4],
    lambda f: _swap(f, 2, 3),                        # monitor before deploy
    lambda f: _swap(f, 0, 5),                        # retire first
    lambda f: f.iloc[:-1],                           # no retirement
    lambda f: f.assign(owner=["ML engineer", "", "x", "y", "z", "w"]),
    lambda f: f.assign(owner=["TBD"] * 6),
    lambda f: f.assign(exit_criterion=[1, 2, 3, 4, 5, 6]),
    lambda f: f.assign(owner=[EqualStr("a")] * 6),
    lambda f: f.assign(stage=["step one", "b", "c", "d", "e", "f"]),
    lambda f: pd.concat([f.iloc[:1], f]).reset_index(drop=True),   # duplicate stage
])
def test_m09_lifecycle_rejects_wrong_tables(make: Callable[[pd.DataFrame], Any]) -> None:
    with pytest.raises(CheckFailed):
        m09.check_lifecycle(make(lifecycle()))


@pytest.mark.parametrize("make", [
    lambda a: None,
    lambda a: list(a.values()),
    lambda a: AlwaysEqual(),
    lambda a: {k: AlwaysEqual() for k in a},
    lambda a: {k: EqualStr("retrain") for k in a},
    lambda a: type("LooseDict", (dict,), {"__eq__": lambda s, o: True})(a),
    lambda a: {k: "retrain" for k in a},
    lambda a: {k: v for k, v in a.items() if k != "legal-question"},
    lambda a: {**a, "extra": "switch"},
    lambda a: {**a, "slow-drift": "roll back"},
    lambda a: {**a, "slow-drift": "switch", "legal-question": "retrain"},
])
def test_m09_actions_rejects_wrong_answers(make: Callable[[dict], Any]) -> None:
    with pytest.raises(CheckFailed):
        m09.check_actions(make(actions()))


def test_m09_actions_allows_one_disagreement_and_hides_which() -> None:
    one_off = {**actions(), "harm-unknown-cause": "retrain"}
    m09.check_actions(one_off)
    with pytest.raises(CheckFailed) as failure:
        m09.check_actions(one_off, allowed_misses=0)
    assert "harm-unknown-cause" not in str(failure.value)
    assert "escalate" not in str(failure.value).split("(")[0]


# --- m10 ----------------------------------------------------------------------------------------


def test_m10_accepts_the_solution() -> None:
    m10.check_recommend_path(recommend_path())


def test_m10_profiles_are_valid() -> None:
    with pytest.raises(ValueError):
        m10.profile("astronaut")
    with pytest.raises(ValueError):
        m10.profile("student", "likes_cats")
    person = m10.profile("student", "enjoys_math")
    assert person["enjoys_math"] is True and person["small_company"] is False


def _wrong_path(kind: str) -> Callable[[dict], Any]:
    good = recommend_path()

    def wrapped(person: dict) -> Any:
        answer = good(person)
        if kind == "always-equal":
            return AlwaysEqual()
        if kind == "equal-str":
            return EqualStr(answer)
        if kind == "lowercase":
            return answer.lower()
        if kind == "list":
            return [answer]
        if kind == "always-both":
            return "both"
        if kind == "mutates":
            person["background"] = "student"
            return answer
        if kind == "tie-to-ai":
            return "AI engineering" if answer == "both" and not person["small_company"] else answer
        raise AssertionError(kind)

    return wrapped


@pytest.mark.parametrize("kind", ["always-equal", "equal-str", "lowercase", "list",
                                  "always-both", "mutates", "tie-to-ai"])
def test_m10_rejects_wrong_answers(kind: str) -> None:
    with pytest.raises(CheckFailed):
        m10.check_recommend_path(_wrong_path(kind))


def test_m10_agrees_with_the_explorer_rule() -> None:
    """The exercise's rule and the explorer's rule give the same path on mapped profiles."""
    solve = recommend_path()
    for person in m10.SAMPLE_PROFILES:
        ticks = []
        if person["background"] in ("software engineer", "full-stack", "backend"):
            ticks.append("ai_background")
        if person["background"] == "ml engineer":
            ticks.append("both_ml_engineer")
        for flag, tick in (("wants_to_ship_fast", "ai_ship"), ("enjoys_math", "ml_math"),
                           ("api_not_enough", "ml_beyond_api"),
                           ("cares_about_margins", "ml_margins"),
                           ("small_company", "both_small_company"),
                           ("wants_optionality", "both_optionality")):
            if person[flag]:
                ticks.append(tick)
        explored = pe.recommend(ticks).path
        assert solve(dict(person)) == (pe.BOTH if explored == pe.UNDECIDED else explored)


# --- the hidden tests in the notebooks ----------------------------------------------------------


HIDDEN = [
    ("08-when-to-build", "monthly-cost", "monthly_cost", monthly_cost,
     [lambda: (lambda *a: "1"), lambda: (lambda *a: AlwaysEqual()),
      lambda: (lambda *a: EqualFloat(0.0)),
      lambda: (lambda tps, tokens, price: tps * 86_400 * tokens / 1000 * price)]),
    ("08-when-to-build", "decide", "decide", decide,
     [lambda: _wrong_decide("always-equal"), lambda: _wrong_decide("list"),
      lambda: _wrong_decide("cost-only"), lambda: _wrong_decide("tie-in-house"),
      lambda: (lambda *a: AlwaysEqual())]),
    ("09-model-lifecycle", "lifecycle", "lifecycle", lifecycle,
     [lambda: lifecycle().to_dict(), AlwaysEqual, lambda: LooseFrame(lifecycle()),
      lambda: _swap(lifecycle(), 2, 3)]),
    ("09-model-lifecycle", "actions", "actions", actions,
     [lambda: list(actions()), AlwaysEqual, lambda: {k: EqualStr("x") for k in actions()},
      lambda: {k: "escalate" for k in actions()}]),
    ("10-career-paths", "recommend-path", "recommend_path", recommend_path,
     [lambda: _wrong_path("always-equal"), lambda: _wrong_path("equal-str"),
      lambda: _wrong_path("always-both"), lambda: _wrong_path("tie-to-ai"),
      lambda: _wrong_path("list")]),
]


@pytest.mark.parametrize("module, exercise, name, good, bads", HIDDEN,
                         ids=[f"{m}:{e}" for m, e, *_ in HIDDEN])
def test_hidden_tests_accept_the_solution_and_reject_wrong_answers(
        module, exercise, name, good, bads) -> None:
    _run_hidden(module, exercise, **{name: good()})
    for make in bads:
        with pytest.raises((AssertionError, CheckFailed, TypeError, KeyError, AttributeError)):
            _run_hidden(module, exercise, **{name: make()})


def test_hidden_tests_are_stripped_from_the_release() -> None:
    for module in MODULES:
        released = ROOT / "notebooks" / module / f"{module}.ipynb"
        if not released.exists():
            pytest.skip("run `course release` first")
        text = released.read_text("utf-8")
        assert "BEGIN HIDDEN TESTS" not in text and "BEGIN SOLUTION" not in text
