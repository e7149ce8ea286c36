"""Module 03: the ``course.checks.m03`` self-checks test behaviour and reveal no answer; the
hidden tests accept the solution notebook's answers and reject wrong ones. If a dataset figure
changes, the hidden test must change too: these tests fail until they agree."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import pytest

from course import data
from course.checks import CheckFailed, m03
from tests.content.solved import (
    hidden_tests_grade,
    solved,
)
from tests.lookalikes import AlwaysEqual, EqualFloat


def solution_midpoints() -> pd.DataFrame:
    return solved("03-market-numbers", "midpoints", "midpoints",
                  salaries=data.load("salaries"))


def solution_annual_growth() -> float:
    growth = data.load("market_growth").set_index("id").loc["bls-software-developers"]
    return solved("03-market-numbers", "annual-growth", "annual_growth",
                  bls=growth)


def solution_premium() -> float:
    return solved("03-market-numbers", "ml-premium", "ml_premium",
                  midpoints=solution_midpoints())


def solution_chart(frame: pd.DataFrame | None = None) -> alt.Chart:
    frame = solution_midpoints() if frame is None else frame
    return solved("03-market-numbers", "salary-chart", "salary_chart",
                  midpoints=frame)


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
        def __eq__(self, other: object) -> bool:
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


# --- the hidden tests in the notebook -----------------------------------------------------


HIDDEN = [
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
]

test_hidden_tests_accept_the_solution_and_reject_wrong_answers = hidden_tests_grade(HIDDEN)
