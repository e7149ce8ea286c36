"""Modules 00, 02, 03 and 04: the self-checks test behaviour, the hidden tests grade.

Two layers:
- the ``course.checks.m02/m03/m04`` self-checks accept the solutions and reject wrong types,
  look-alike objects whose ``__eq__`` always says True and badly shaped answers, and they
  never return or reveal a graded value;
- the hidden test cells of the notebooks, run in a plain namespace, accept the solution and
  reject wrong answers.

The solutions are taken from the solution notebooks' answer cells, never re-typed here.
"""

from __future__ import annotations

import altair as alt
import nbformat
import numpy as np
import pandas as pd
import pytest

from course import data
from course.checks import CheckFailed, m02, m03, m04
from tests.lookalikes import AlwaysEqual, EqualFloat, EqualStr
from tests.mutants import answer_cells, solution_notebook, solution_text
from tests.notebook_tools import graded_cell_source

MODULES = ("00-welcome", "02-ai-vs-ml-engineering", "03-market-numbers", "04-skills-map")


# --- solutions, as the solution notebooks compute them ----------------------------------------


def solved(module: str, exercise: str, name: str, **given: object) -> object:
    """Run the solution of ``<exercise>-answer`` with ``given`` names; return ``name``."""
    cells = answer_cells(nbformat.read(solution_notebook(module), 4))
    namespace: dict[str, object] = {"alt": alt, "pd": pd, **given}
    exec(compile(solution_text(cells[f"{exercise}-answer"]), f"<{exercise}-answer>", "exec"),
         namespace)
    return namespace[name]


def solution_workbench() -> dict[str, str]:
    return dict(solved("02-ai-vs-ml-engineering", "workbench", "workbench"))  # type: ignore[arg-type]


def solution_border() -> dict[str, tuple[str, str]]:
    return dict(solved("02-ai-vs-ml-engineering", "border", "border"))  # type: ignore[arg-type]


def solution_midpoints() -> pd.DataFrame:
    return solved("03-market-numbers", "midpoints", "midpoints",  # type: ignore[return-value]
                  salaries=data.load("salaries"))


def solution_annual_growth() -> float:
    growth = data.load("market_growth").set_index("id").loc["bls-software-developers"]
    return solved("03-market-numbers", "annual-growth", "annual_growth",  # type: ignore[return-value]
                  bls=growth)


def solution_premium() -> float:
    return solved("03-market-numbers", "ml-premium", "ml_premium",  # type: ignore[return-value]
                  midpoints=solution_midpoints())


def solution_chart(frame: pd.DataFrame | None = None) -> alt.Chart:
    frame = solution_midpoints() if frame is None else frame
    return solved("03-market-numbers", "salary-chart", "salary_chart",  # type: ignore[return-value]
                  midpoints=frame)


def solution_overlap() -> dict[str, str]:
    return dict(solved("04-skills-map", "overlap", "overlap"))  # type: ignore[arg-type]


def solution_pick() -> dict[str, str]:
    return dict(solved("04-skills-map", "pick", "pick"))  # type: ignore[arg-type]


# --- m02 -------------------------------------------------------------------------------------


def test_m02_accepts_the_solutions(capsys: pytest.CaptureFixture[str]) -> None:
    m02.check_workbench(solution_workbench())
    m02.check_border(solution_border())
    assert capsys.readouterr().out.count("✅") == 2


def test_m02_names_the_tools_of_the_exercise() -> None:
    assert set(m02.TOOLS) == set(solution_workbench())
    assert set(m02.BORDER_TOOLS) == set(solution_border())


@pytest.mark.parametrize("bad", [
    None, "LangChain", list(m02.TOOLS), AlwaysEqual(),
    {tool: AlwaysEqual() for tool in m02.TOOLS},
    {tool: EqualStr("AI engineering") for tool in m02.TOOLS},
    {tool: "AI engineering" for tool in m02.TOOLS},  # everything on one bench
])
def test_m02_rejects_wrong_types_and_look_alikes(bad: object) -> None:
    with pytest.raises(CheckFailed):
        m02.check_workbench(bad)


def test_m02_rejects_a_dict_subclass() -> None:
    class LooseDict(dict):
        def __eq__(self, other: object) -> bool:
            return True

    with pytest.raises(CheckFailed):
        m02.check_workbench(LooseDict(solution_workbench()))


def test_m02_self_check_cannot_tell_a_right_sort_from_a_wrong_one(
        capsys: pytest.CaptureFixture[str]) -> None:
    # The self-check is no oracle: swapping two tools changes nothing in what it says.
    answer = solution_workbench()
    m02.check_workbench(answer)
    right = capsys.readouterr().out
    answer["PyTorch"], answer["Chroma"] = answer["Chroma"], answer["PyTorch"]
    m02.check_workbench(answer)
    assert capsys.readouterr().out == right


def test_m02_rejects_missing_and_extra_keys() -> None:
    answer = solution_workbench()
    del answer["MLflow"]
    with pytest.raises(CheckFailed, match="MLflow"):
        m02.check_workbench(answer)
    with pytest.raises(CheckFailed):
        m02.check_workbench({**solution_workbench(), "Excel": "ML engineering"})


@pytest.mark.parametrize("change", [
    lambda b: {**b, "vLLM": ("both", b["vLLM"][1])},
    lambda b: {**b, "vLLM": (b["vLLM"][0], "it depends")},
    lambda b: {**b, "vLLM": b["vLLM"][0]},
    lambda b: {**b, "vLLM": (b["vLLM"][0], "serves models\nfast on our own GPUs, we run it")},
    lambda b: {k: (v[0], b["Ragas"][1]) for k, v in b.items()},
    lambda b: {k: v for k, v in b.items() if k != "Ragas"},
    lambda b: [*b.values()],
])
def test_m02_border_rejects_bad_shapes(change) -> None:
    with pytest.raises(CheckFailed):
        m02.check_border(change(solution_border()))


def test_the_tools_dataset_holds_no_bench() -> None:
    tools = data.load("tools")
    assert "workbench" not in tools.columns
    values = {str(v) for column in tools.columns for v in tools[column]}
    assert not values & set(m02.WORKBENCHES)


# --- m03 -------------------------------------------------------------------------------------


def test_m03_accepts_the_solutions() -> None:
    m03.check_midpoints(solution_midpoints())
    m03.check_ml_premium(solution_premium())
    m03.check_ml_premium(np.float64(solution_premium()))
    m03.check_annual_growth(solution_annual_growth())
    m03.check_salary_chart(solution_chart())


def test_m03_returns_no_graded_value() -> None:
    public = [n for n in dir(m03) if not n.startswith("_")]
    assert not [n for n in public if n.startswith(("expected", "closed"))], public


@pytest.mark.parametrize("bad", [None, "155000", [1, 2], AlwaysEqual()])
def test_m03_midpoints_rejects_wrong_types(bad: object) -> None:
    with pytest.raises(CheckFailed):
        m03.check_midpoints(bad)


def test_m03_midpoints_rejects_open_ended_rows_and_text() -> None:
    salaries = data.load("salaries")
    with_open = salaries.assign(midpoint_usd=salaries["low_usd"].astype(float))
    with pytest.raises(CheckFailed, match="no upper end"):
        m03.check_midpoints(with_open)
    as_text = solution_midpoints().assign(midpoint_usd=lambda f: f["midpoint_usd"].astype(str))
    with pytest.raises(CheckFailed):
        m03.check_midpoints(as_text)
    low_only = solution_midpoints().assign(midpoint_usd=lambda f: f["low_usd"].astype(float))
    with pytest.raises(CheckFailed, match="halfway"):
        m03.check_midpoints(low_only)
    with pytest.raises(CheckFailed, match="missing"):
        m03.check_midpoints(solution_midpoints().iloc[1:])


def test_m03_midpoints_rejects_a_dataframe_subclass() -> None:
    class LooseFrame(pd.DataFrame):
        def __eq__(self, other: object) -> bool:  # type: ignore[override]
            return True

    with pytest.raises(CheckFailed):
        m03.check_midpoints(LooseFrame(solution_midpoints()))


@pytest.mark.parametrize("check", [m03.check_ml_premium, m03.check_annual_growth])
@pytest.mark.parametrize("bad", [None, "10.4", True, AlwaysEqual(), EqualFloat(0.0), [10.4],
                                 float("nan")])
def test_m03_numbers_reject_wrong_types_and_look_alikes(check, bad: object) -> None:
    with pytest.raises(CheckFailed):
        check(bad)


def test_m03_numbers_explain_typical_slips() -> None:
    with pytest.raises(CheckFailed, match="fraction"):
        m03.check_ml_premium(solution_premium() / 100)
    with pytest.raises(CheckFailed, match="positive"):
        m03.check_ml_premium(-solution_premium())
    with pytest.raises(CheckFailed, match="simple average"):
        m03.check_annual_growth(17.9 / 10)
    with pytest.raises(CheckFailed, match="fraction"):
        m03.check_annual_growth(solution_annual_growth() / 100)


def test_m03_self_checks_are_no_oracle(capsys: pytest.CaptureFixture[str]) -> None:
    # Near-misses get the same message as the right value: the checks test properties only.
    for check, right, near in ((m03.check_ml_premium, solution_premium(), 12.5),
                               (m03.check_annual_growth, solution_annual_growth(), 1.5)):
        check(right)
        said = capsys.readouterr().out
        check(near)
        assert capsys.readouterr().out == said
        assert f"{right:.1f}" not in said and f"{right:.2f}" not in said


@pytest.mark.parametrize("make", [
    lambda f: alt.Chart(f).mark_line().encode(x="midpoint_usd:Q", y="id:N", color="role:N"),
    lambda f: alt.Chart(f).mark_bar().encode(x="midpoint_usd:N", y="id:N", color="role:N"),
    lambda f: alt.Chart(f).mark_bar().encode(x="id:N", y="midpoint_usd:Q", color="role:N"),
    lambda f: alt.Chart(f).mark_bar().encode(x="midpoint_usd:Q", y="id:N"),
    lambda f: alt.Chart(data.load("salaries").assign(midpoint_usd=1.0)).mark_bar().encode(
        x="midpoint_usd:Q", y="id:N", color="role:N"),
    lambda f: solution_chart(f).to_dict(),
    lambda f: solution_chart(f) + solution_chart(f),
    lambda f: AlwaysEqual(),
])
def test_m03_chart_rejects_wrong_encodings_and_types(make) -> None:
    with pytest.raises(CheckFailed):
        m03.check_salary_chart(make(solution_midpoints()))


# --- m04 -------------------------------------------------------------------------------------


def test_m04_accepts_the_solutions() -> None:
    m04.check_overlap(solution_overlap())
    m04.check_pick(solution_pick())
    m04.check_pick({"depth": "computer vision", "orchestration_skill": "Incident response"})


def test_m04_situations_are_the_exercise_keys() -> None:
    assert set(m04.SITUATIONS) == set(solution_overlap())
    assert not hasattr(m04, "overlap_skills")


@pytest.mark.parametrize("bad", [None, [], {"skill": [], "owner": []}, AlwaysEqual(),
                                 pd.DataFrame({"skill": ["a"], "owner": ["shared"]})])
def test_m04_overlap_rejects_wrong_types(bad: object) -> None:
    with pytest.raises(CheckFailed):
        m04.check_overlap(bad)


def test_m04_overlap_rejects_bad_shapes_but_is_no_oracle(
        capsys: pytest.CaptureFixture[str]) -> None:
    typo = {**solution_overlap(), "drift": "Shared"}
    with pytest.raises(CheckFailed, match="exactly one of"):
        m04.check_overlap(typo)
    missing = {k: v for k, v in solution_overlap().items() if k != "jargon"}
    with pytest.raises(CheckFailed, match="jargon"):
        m04.check_overlap(missing)
    with pytest.raises(CheckFailed):
        m04.check_overlap({k: "shared" for k in solution_overlap()})
    with pytest.raises(CheckFailed):
        m04.check_overlap({k: EqualStr("x") for k in solution_overlap()})
    m04.check_overlap(solution_overlap())
    right = capsys.readouterr().out
    m04.check_overlap({**solution_overlap(), "jargon": "AI product engineer"})
    assert capsys.readouterr().out == right


@pytest.mark.parametrize("bad", [
    None, "LLMs", ["LLMs", "observability"], AlwaysEqual(),
    {"depth": "LLMs"},
    {"depth": "LLMs", "orchestration_skill": "observability", "extra": "x"},
    {"depth": "everything", "orchestration_skill": "observability"},
    {"depth": "LLMs", "orchestration_skill": 3},
    {"depth": EqualStr("nothing"), "orchestration_skill": EqualStr("nothing")},
])
def test_m04_pick_rejects_wrong_shapes(bad: object) -> None:
    with pytest.raises(CheckFailed):
        m04.check_pick(bad)


def test_m04_hidden_pick_options_match_the_listed_ones() -> None:
    source = graded_cell_source("04-skills-map", "pick")
    for option in (*m04.DEPTH_OPTIONS, *m04.ORCHESTRATION_OPTIONS):
        assert f'"{option.lower()}"' in source, option


# --- the hidden tests in the notebooks -------------------------------------------------------


def _run_hidden(module: str, exercise: str, **names: object) -> None:
    namespace: dict[str, object] = {"alt": alt, "pd": pd, **names}
    exec(compile(graded_cell_source(module, exercise), f"<{exercise}-tests>", "exec"), namespace)


def _swap(answer: dict, a: str, b: str) -> dict:
    return {**answer, a: answer[b], b: answer[a]}


HIDDEN = [
    ("00-welcome", "weekly-minutes", "weekly_minutes",
     lambda: solved("00-welcome", "weekly-minutes", "weekly_minutes"),
     [lambda: "90", lambda: 90.0, lambda: 0, lambda: True, AlwaysEqual]),
    ("02-ai-vs-ml-engineering", "workbench", "workbench", solution_workbench,
     [lambda: list(m02.TOOLS), AlwaysEqual,
      lambda: {t: EqualStr("x") for t in m02.TOOLS},
      lambda: {t: "AI engineering" for t in m02.TOOLS},
      lambda: _swap(solution_workbench(), "PyTorch", "Chroma")]),
    ("02-ai-vs-ml-engineering", "border", "border", solution_border,
     [lambda: list(m02.BORDER_TOOLS), AlwaysEqual,
      lambda: {t: ("both", "a fine reason of six words here") for t in m02.BORDER_TOOLS},
      lambda: {t: (EqualStr("x"), EqualStr("y")) for t in m02.BORDER_TOOLS}]),
    ("03-market-numbers", "annual-growth", "annual_growth", solution_annual_growth,
     [lambda: "1.66", AlwaysEqual, lambda: EqualFloat(0.0), lambda: 1.79]),
    ("03-market-numbers", "midpoints", "midpoints", solution_midpoints,
     [lambda: solution_midpoints().to_dict(), AlwaysEqual,
      lambda: data.load("salaries").assign(midpoint_usd=1.0)]),
    ("03-market-numbers", "ml-premium", "ml_premium", solution_premium,
     [lambda: "10.4", AlwaysEqual, lambda: EqualFloat(1.0), lambda: 9.42, lambda: 0.104]),
    ("03-market-numbers", "salary-chart", "salary_chart", solution_chart,
     [lambda: solution_chart().to_dict(), AlwaysEqual,
      lambda: alt.Chart(solution_midpoints()).mark_point().encode(
          x="midpoint_usd:Q", y="id:N", color="role:N")]),
    ("04-skills-map", "overlap", "overlap", solution_overlap,
     [lambda: list(solution_overlap().items()), AlwaysEqual,
      lambda: {k: "shared" for k in solution_overlap()},
      lambda: _swap(solution_overlap(), "jargon", "help-search")]),
    ("04-skills-map", "pick", "pick", solution_pick,
     [lambda: "LLMs", AlwaysEqual, lambda: {"depth": "everything", "orchestration_skill": "x"}]),
]


@pytest.mark.parametrize("module, exercise, name, good, bads", HIDDEN,
                         ids=[f"{m}:{e}" for m, e, *_ in HIDDEN])
def test_hidden_tests_accept_the_solution_and_reject_wrong_answers(
        module, exercise, name, good, bads) -> None:
    _run_hidden(module, exercise, **{name: good()})
    for make in bads:
        with pytest.raises((AssertionError, CheckFailed, TypeError, KeyError, ValueError)):
            _run_hidden(module, exercise, **{name: make()})
