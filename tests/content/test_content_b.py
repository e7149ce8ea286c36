"""Modules 08, 09 and 10: the notebooks run, the widgets compute, and the checks are strict.

Layers:
- the cost calculator and the path explorer run the learner's functions (they hold no
  answer of their own);
- ``course.checks.m08/m09/m10`` accept the solutions, hold no reference answer, and reject
  wrong types, look-alike objects whose ``__eq__`` always says True, and plausible wrong
  answers where the stated behaviour shows them;
- the hidden test cells of the notebooks are self-contained and, run in a plain namespace,
  accept the solutions and reject wrong answers (the mutation suite grades more of them
  through the real pipeline: tests/mutants/m08_*.py, m09_*.py, m10_*.py).
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
    from course import data

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


# --- path explorer -----------------------------------------------------------------------------


def test_explorer_holds_no_rule_of_its_own() -> None:
    assert not hasattr(pe, "recommend") and not hasattr(pe, "AI_CRITERIA")
    person = pe.profile("student", "enjoys_math")
    assert pe.suggest(lambda p: "both", person).path == "both"
    assert pe.suggest(lambda p: "ML engineering", person).path == "ML engineering"


def test_explorer_and_graded_function_agree_on_every_profile() -> None:
    solve = recommend_path()
    for background in pe.BACKGROUNDS:
        for flags in ((), ("enjoys_math",), ("wants_to_ship_fast", "api_not_enough"),
                      ("small_company",)):
            person = pe.profile(background, *flags)
            assert pe.suggest(solve, person).path == solve(dict(person))


def test_student_with_no_signal_gets_the_articles_student_advice() -> None:
    assert pe.suggest(recommend_path(), pe.profile("student")).path == pe.AI_PATH


def test_suggestion_explains_and_warns() -> None:
    result = pe.suggest(recommend_path(), pe.profile("backend", "small_company"))
    html = result.html()
    assert result.path == pe.BOTH and pe.MIDDLE_WARNING in html
    assert pe.FLAGS["small_company"] in html and pe.NEXT_STEP[pe.BOTH] in html


def test_suggest_rejects_bad_answers_and_profiles() -> None:
    with pytest.raises(ValueError, match="unknown"):
        pe.profile("astronaut")
    with pytest.raises(ValueError, match="unknown"):
        pe.profile("student", "likes_cats")
    with pytest.raises(ValueError, match="one of"):
        pe.suggest(lambda p: "Both", pe.profile("student"))
    with pytest.raises(NotImplementedError, match="recommend_path"):
        pe.suggest(_broken, pe.profile("student"))
    assert "not written yet" in pe.suggestion_html(_broken, pe.profile("student"))


def test_suggest_passes_a_copy() -> None:
    person = pe.profile("student")

    def meddle(p: dict) -> str:
        p["background"] = "backend"
        return "both"

    pe.suggest(meddle, person)
    assert person["background"] == "student"


def test_explorer_widget_is_headless_and_reacts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COURSE_WIDGETS", "live")
    widget = pe.explorer(recommend_path(), pe.profile("other", "enjoys_math"))
    result = widget.children[-1]
    assert "Suggested path: ML engineering" in result.value
    boxes = {c.description: c for c in widget.children if c.description in pe.FLAGS.values()}
    assert len(boxes) == len(pe.FLAGS)
    boxes[pe.FLAGS["small_company"]].value = True
    assert "Suggested path: both" in result.value
    boxes[pe.FLAGS["small_company"]].value = False
    boxes[pe.FLAGS["enjoys_math"]].value = False
    widget.children[0].value = "student"
    assert "Suggested path: AI engineering" in result.value


def test_where_nobody_can_click_both_widgets_are_plain_html(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COURSE_WIDGETS", "static")
    calculator_html = cc.calculator(cc.Scenario(tps=10_072), cost_fn=monthly_cost(),
                                    decide_fn=decide())._repr_html_()
    assert "Verdict" in calculator_html and "<svg" in calculator_html
    explorer_html = pe.explorer(recommend_path(), pe.profile("other", "enjoys_math"))._repr_html_()
    assert pe.FLAGS["enjoys_math"] in explorer_html and pe.ML_PATH in explorer_html


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


# --- m09 ----------------------------------------------------------------------------------------


def test_m09_accepts_the_solutions() -> None:
    m09.check_lifecycle(lifecycle())
    m09.check_actions(actions())
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


@pytest.mark.parametrize("owner, one_role", [
    ("ML engineer", True), ("team lead", True), ("on-call SRE", True), ("product owner", True),
    ("the team", False), ("Team", False), ("data science team", False), ("everyone", False),
    ("we", False), ("All", False), ("all of us", False), ("anyone on call", False),
])
def test_m09_owner_is_one_role(owner: str, one_role: bool) -> None:
    assert m09.is_one_role(owner) is one_role


@pytest.mark.parametrize("criterion, checkable", [
    ("no traffic for 30 days", True), ("p99 under the budget", True),
    ("beats the current model at the same gate", True), ("error rate < budget", True),
    ("done", False), ("Done.", False), ("when it looks good", False), ("approved", False),
    ("thunder-free", False),
])
def test_m09_exit_criterion_is_checkable(criterion: str, checkable: bool) -> None:
    assert m09.is_checkable(criterion) is checkable


def _swap(frame: pd.DataFrame, i: int, j: int) -> pd.DataFrame:
    order = list(range(len(frame)))
    order[i], order[j] = order[j], order[i]
    return frame.iloc[order].reset_index(drop=True)


class LooseFrame(pd.DataFrame):
    def __eq__(self, other: object) -> bool:  # type: ignore[override]
        return True


WRONG_TABLES = [
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
    lambda f: f.assign(owner=["the team"] * 6, exit_criterion=["done"] * 6),  # review defect 7
    lambda f: f.assign(owner=["the team"] * 6),
    lambda f: f.assign(exit_criterion=["done"] * 6),
    lambda f: f.assign(owner=[*f["owner"][:5], "everyone"]),
]


@pytest.mark.parametrize("make", WRONG_TABLES)
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
    lambda a: {k: v for k, v in a.items() if k != "legal-question"},
    lambda a: {**a, "extra": "switch"},
    lambda a: {**a, "slow-drift": "roll back"},
])
def test_m09_actions_rejects_malformed_answers(make: Callable[[dict], Any]) -> None:
    with pytest.raises(CheckFailed):
        m09.check_actions(make(actions()))


def test_m09_actions_check_holds_no_answer() -> None:
    """Any well-formed answer passes the self-check; only the hidden test knows the moves."""
    m09.check_actions({key: "retrain" for key in actions()})
    text = (ROOT / "course" / "checks" / "m09.py").read_text("utf-8")
    assert "digest" not in text and "harm-unknown-cause\": \"escalate" not in text


# --- m10 ----------------------------------------------------------------------------------------


def test_m10_accepts_the_solution() -> None:
    m10.check_recommend_path(recommend_path())


def test_m10_checks_hold_no_reference() -> None:
    text = (ROOT / "course" / "checks" / "m10.py").read_text("utf-8")
    assert "digest" not in text and "sha256" not in text


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
        if kind == "no-signal-both":
            signal = any(person[f] for f in m10.FLAGS) or person["background"] in m10.SOFTWARE
            return answer if signal else "both"
        if kind == "counts-first":
            return "AI engineering" if person["small_company"] else answer
        raise AssertionError(kind)

    return wrapped


@pytest.mark.parametrize("kind", ["always-equal", "equal-str", "lowercase", "list",
                                  "always-both", "mutates", "no-signal-both", "counts-first"])
def test_m10_rejects_wrong_answers(kind: str) -> None:
    with pytest.raises(CheckFailed):
        m10.check_recommend_path(_wrong_path(kind))


# --- the hidden tests in the notebooks ----------------------------------------------------------


HIDDEN = [
    ("08-when-to-build", "monthly-cost", "monthly_cost", monthly_cost,
     [lambda: (lambda *a: "1"), lambda: (lambda *a: AlwaysEqual()),
      lambda: (lambda *a: EqualFloat(0.0)),
      lambda: (lambda tps, tokens, price: tps * 86_400 * tokens / 1000 * price)]),
    ("08-when-to-build", "decide", "decide", decide,
     [lambda: _wrong_decide("always-equal"), lambda: _wrong_decide("list"),
      lambda: _wrong_decide("ignores-approval"), lambda: _wrong_decide("tie-in-house"),
      lambda: _wrong_decide("mutates"), lambda: (lambda *a: AlwaysEqual())]),
    ("09-model-lifecycle", "lifecycle", "lifecycle", lifecycle,
     [lambda: lifecycle().to_dict(), AlwaysEqual, lambda: LooseFrame(lifecycle()),
      *[(lambda make=make: make(lifecycle())) for make in WRONG_TABLES[4:]]]),
    ("09-model-lifecycle", "actions", "actions", actions,
     [lambda: list(actions()), AlwaysEqual, lambda: {k: EqualStr("x") for k in actions()},
      lambda: {k: "escalate" for k in actions()},
      lambda: {EqualStr(k): v for k, v in actions().items()},
      lambda: {**actions(), "slow-drift": "switch", "fresh-season": "switch"}]),
    ("10-career-paths", "recommend-path", "recommend_path", recommend_path,
     [lambda: _wrong_path("always-equal"), lambda: _wrong_path("equal-str"),
      lambda: _wrong_path("always-both"), lambda: _wrong_path("no-signal-both"),
      lambda: _wrong_path("mutates"), lambda: _wrong_path("list")]),
]


@pytest.mark.parametrize("module, exercise, name, good, bads", HIDDEN,
                         ids=[f"{m}:{e}" for m, e, *_ in HIDDEN])
def test_hidden_tests_accept_the_solution_and_reject_wrong_answers(
        module, exercise, name, good, bads) -> None:
    _run_hidden(module, exercise, **{name: good()})
    for make in bads:
        with pytest.raises((AssertionError, CheckFailed, TypeError, KeyError, AttributeError)):
            _run_hidden(module, exercise, **{name: make()})


GRADED = [(module, exercise) for module, exercise, *_ in HIDDEN]


@pytest.mark.parametrize("module, exercise", GRADED, ids=[f"{m}:{e}" for m, e in GRADED])
def test_hidden_tests_are_self_contained(module: str, exercise: str) -> None:
    """A graded cell calls nothing a learner's kernel could rebind: no ``course`` import, no
    bundled data, no file."""
    source = graded_cell_source(module, exercise)
    for outside in ("import course", "from course", "checks.", "data.load", "open(",
                    "read_csv"):
        assert outside not in source, f"{module} {exercise}-tests uses {outside!r}"


def test_hidden_tests_are_stripped_from_the_release() -> None:
    for module in MODULES:
        released = ROOT / "notebooks" / module / f"{module}.ipynb"
        assert released.exists(), f"{released} is missing: run `course release {module}`"
        text = released.read_text("utf-8")
        assert "BEGIN HIDDEN TESTS" not in text and "BEGIN SOLUTION" not in text
