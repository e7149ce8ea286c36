"""Modules 00, 02, 03 and 04: the solution notebooks run, and their checks are strict.

Three layers:
- the ``course.checks.m02/m03/m04`` self-checks accept the solutions and reject wrong types,
  look-alike objects whose ``__eq__`` always says True, and plausible wrong answers;
- the hidden test cells of the notebooks, run in a plain namespace, do the same.
"""

from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd
import pytest

from course import data
from course.checks import CheckFailed, m02, m03, m04
from tests.lookalikes import AlwaysEqual, EqualFloat, EqualStr
from tests.notebook_tools import graded_cell_source

MODULES = ("00-welcome", "02-ai-vs-ml-engineering", "03-market-numbers", "04-skills-map")


# --- solutions, built the way a learner would ------------------------------------------------


def solution_workbench() -> dict[str, str]:
    tools = data.load("tools").set_index("tool")["workbench"]
    return {tool: str(tools[tool]) for tool in m02.TOOLS}


def solution_midpoints() -> pd.DataFrame:
    salaries = data.load("salaries")
    closed = salaries[~salaries["open_ended"]]
    return closed.assign(midpoint_usd=(closed["low_usd"] + closed["high_usd"]) / 2)


def solution_chart(frame: pd.DataFrame | None = None) -> alt.Chart:
    frame = solution_midpoints() if frame is None else frame
    return alt.Chart(frame).mark_bar().encode(x="midpoint_usd:Q", y="id:N", color="role:N")


def solution_overlap() -> pd.DataFrame:
    return m04.overlap_skills()[["skill", "owner"]].copy()


def solution_pick() -> dict[str, str]:
    return {"depth": "LLMs", "orchestration_skill": "observability"}


# --- the notebooks run -----------------------------------------------------------------------


# --- m02 -------------------------------------------------------------------------------------


def test_m02_accepts_the_solution(capsys: pytest.CaptureFixture[str]) -> None:
    m02.check_workbench(solution_workbench())
    assert "✅" in capsys.readouterr().out


@pytest.mark.parametrize("bad", [
    None, "LangChain", list(m02.TOOLS), AlwaysEqual(),
    {tool: AlwaysEqual() for tool in m02.TOOLS},
    {tool: EqualStr("AI engineering") for tool in m02.TOOLS},
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


def test_m02_counts_misplaced_tools_without_naming_them() -> None:
    answer = solution_workbench()
    answer["PyTorch"] = "AI engineering"
    answer["Chroma"] = "ML engineering"
    with pytest.raises(CheckFailed) as failure:
        m02.check_workbench(answer)
    message = str(failure.value)
    assert "2 tools" in message
    assert "PyTorch" not in message and "Chroma" not in message


def test_m02_rejects_missing_and_extra_keys() -> None:
    answer = solution_workbench()
    del answer["MLflow"]
    with pytest.raises(CheckFailed, match="MLflow"):
        m02.check_workbench(answer)
    with pytest.raises(CheckFailed):
        m02.check_workbench({**solution_workbench(), "Excel": "ML engineering"})


def test_m02_hashes_agree_with_the_dataset() -> None:
    tools = data.load("tools").set_index("tool")["workbench"]
    for tool in m02.TOOLS:
        assert tools[tool] in m02.WORKBENCHES


# --- m03 -------------------------------------------------------------------------------------


def test_m03_accepts_the_solutions() -> None:
    m03.check_midpoints(solution_midpoints())
    m03.check_ml_premium(m03.expected_ml_premium())
    m03.check_ml_premium(np.float64(m03.expected_ml_premium()))
    m03.check_annual_growth(m03.expected_annual_growth())
    m03.check_salary_chart(solution_chart())


def test_m03_expected_values_match_the_articles() -> None:
    assert 10 <= m03.expected_ml_premium() <= 15  # "about 10-15%" (Vettio 2026 via BirJob)
    assert math.isclose(m03.expected_annual_growth(), 1.66, abs_tol=0.01)  # 17.9% over 10 years


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
        m03.check_ml_premium(m03.expected_ml_premium() / 100)
    rows = data.load("salaries").set_index("id")
    ai = (rows.loc[m03.AI_MEDIAN_ID, "low_usd"] + rows.loc[m03.AI_MEDIAN_ID, "high_usd"]) / 2
    ml = (rows.loc[m03.ML_MEDIAN_ID, "low_usd"] + rows.loc[m03.ML_MEDIAN_ID, "high_usd"]) / 2
    with pytest.raises(CheckFailed, match="lower salary"):
        m03.check_ml_premium(float((1 - ai / ml) * 100))
    with pytest.raises(CheckFailed, match="simple average"):
        m03.check_annual_growth(17.9 / 10)
    with pytest.raises(CheckFailed, match="fraction"):
        m03.check_annual_growth(m03.expected_annual_growth() / 100)


def test_m03_messages_never_reveal_the_number() -> None:
    for check, expected in ((m03.check_ml_premium, m03.expected_ml_premium()),
                            (m03.check_annual_growth, m03.expected_annual_growth())):
        with pytest.raises(CheckFailed) as failure:
            check(expected + 5)
        assert f"{expected:.1f}" not in str(failure.value)


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
    extra = pd.concat([solution_overlap(),
                       pd.DataFrame({"skill": ["prompt reviews"], "owner": ["shared"]})])
    m04.check_overlap(extra)
    m04.check_pick(solution_pick())
    m04.check_pick({"depth": "computer vision", "orchestration_skill": "Incident response"})


@pytest.mark.parametrize("bad", [None, [], {"skill": [], "owner": []}, AlwaysEqual()])
def test_m04_overlap_rejects_wrong_types(bad: object) -> None:
    with pytest.raises(CheckFailed):
        m04.check_overlap(bad)


def test_m04_overlap_rejects_wrong_rows() -> None:
    wrong_owner = solution_overlap()
    wrong_owner.loc[wrong_owner["owner"] == "shared", "owner"] = "ML engineer"
    with pytest.raises(CheckFailed, match="3 skill"):
        m04.check_overlap(wrong_owner)
    typo = solution_overlap()
    typo.loc[0, "owner"] = "Shared"
    with pytest.raises(CheckFailed, match="exactly one of"):
        m04.check_overlap(typo)
    with pytest.raises(CheckFailed, match="missing"):
        m04.check_overlap(solution_overlap().iloc[1:])
    with pytest.raises(CheckFailed):
        m04.check_overlap(pd.concat([solution_overlap(), solution_overlap().iloc[:1]]))
    look_alike = solution_overlap().assign(owner=[EqualStr("x")] * len(solution_overlap()))
    with pytest.raises(CheckFailed):
        m04.check_overlap(look_alike)


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


# --- the hidden tests in the notebooks -------------------------------------------------------


def _run_hidden(module: str, exercise: str, **names: object) -> None:
    namespace: dict[str, object] = {"alt": alt, "pd": pd, **names}
    exec(compile(graded_cell_source(module, exercise), f"<{exercise}-tests>", "exec"), namespace)


HIDDEN = [
    ("00-welcome", "weekly-minutes", "weekly_minutes", lambda: 90,
     [lambda: "90", lambda: 90.0, lambda: 0, lambda: True, AlwaysEqual]),
    ("02-ai-vs-ml-engineering", "workbench", "workbench", solution_workbench,
     [lambda: list(m02.TOOLS), AlwaysEqual,
      lambda: {t: EqualStr("x") for t in m02.TOOLS},
      lambda: {t: "AI engineering" for t in m02.TOOLS}]),
    ("03-market-numbers", "annual-growth", "annual_growth", m03.expected_annual_growth,
     [lambda: "1.66", AlwaysEqual, lambda: EqualFloat(0.0), lambda: 1.79]),
    ("03-market-numbers", "midpoints", "midpoints", solution_midpoints,
     [lambda: solution_midpoints().to_dict(), AlwaysEqual,
      lambda: data.load("salaries").assign(midpoint_usd=1.0)]),
    ("03-market-numbers", "ml-premium", "ml_premium", m03.expected_ml_premium,
     [lambda: "10.4", AlwaysEqual, lambda: EqualFloat(1.0), lambda: 9.42, lambda: 0.104]),
    ("03-market-numbers", "salary-chart", "salary_chart", solution_chart,
     [lambda: solution_chart().to_dict(), AlwaysEqual,
      lambda: alt.Chart(solution_midpoints()).mark_point().encode(
          x="midpoint_usd:Q", y="id:N", color="role:N")]),
    ("04-skills-map", "overlap", "overlap", solution_overlap,
     [lambda: solution_overlap().to_dict(), AlwaysEqual,
      lambda: solution_overlap().assign(owner="shared")]),
    ("04-skills-map", "pick", "pick", solution_pick,
     [lambda: "LLMs", AlwaysEqual, lambda: {"depth": "everything", "orchestration_skill": "x"}]),
]


@pytest.mark.parametrize("module, exercise, name, good, bads", HIDDEN,
                         ids=[f"{m}:{e}" for m, e, *_ in HIDDEN])
def test_hidden_tests_accept_the_solution_and_reject_wrong_answers(
        module, exercise, name, good, bads) -> None:
    _run_hidden(module, exercise, **{name: good()})
    for make in bads:
        with pytest.raises((AssertionError, CheckFailed, TypeError, KeyError)):
            _run_hidden(module, exercise, **{name: make()})
