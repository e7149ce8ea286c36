"""Module 04: the ``course.checks.m04`` self-checks test behaviour and reveal no answer; the
hidden tests accept the solution notebook's answers and reject wrong ones."""

from __future__ import annotations

import pandas as pd
import pytest

from course.checks import CheckFailed, m04
from tests.content.solved import hidden_tests_grade, solution_of, swap
from tests.lookalikes import AlwaysEqual, EqualStr
from tests.notebook_tools import graded_cell_source

solution_overlap = solution_of("04-skills-map", "overlap", "overlap")
solution_pick = solution_of("04-skills-map", "pick", "pick")


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


# --- the hidden tests in the notebook -----------------------------------------------------


HIDDEN = [
    ("04-skills-map", "overlap", "overlap", solution_overlap,
     [lambda: list(solution_overlap().items()), AlwaysEqual,
      lambda: {k: "shared" for k in solution_overlap()},
      lambda: swap(solution_overlap(), "jargon", "help-search")]),
    ("04-skills-map", "pick", "pick", solution_pick,
     [lambda: "LLMs", AlwaysEqual, lambda: {"depth": "everything", "orchestration_skill": "x"}]),
]

test_hidden_tests_accept_the_solution_and_reject_wrong_answers = hidden_tests_grade(HIDDEN)
