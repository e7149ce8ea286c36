"""Module 02: the ``course.checks.m02`` self-checks test behaviour and reveal no answer; the
hidden tests accept the solution notebook's answers and reject wrong ones."""

from __future__ import annotations

import pytest

from course import data
from course.checks import CheckFailed, m02
from tests.content.solved import hidden_tests_grade, solution_of, swap
from tests.lookalikes import AlwaysEqual, EqualStr

solution_workbench = solution_of("02-ai-vs-ml-engineering", "workbench", "workbench")
solution_border = solution_of("02-ai-vs-ml-engineering", "border", "border")


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


# --- the hidden tests in the notebook -----------------------------------------------------


HIDDEN = [
    ("02-ai-vs-ml-engineering", "workbench", "workbench", solution_workbench,
     [lambda: list(m02.TOOLS), AlwaysEqual,
      lambda: {t: EqualStr("x") for t in m02.TOOLS},
      lambda: {t: "AI engineering" for t in m02.TOOLS},
      lambda: swap(solution_workbench(), "PyTorch", "Chroma")]),
    ("02-ai-vs-ml-engineering", "border", "border", solution_border,
     [lambda: list(m02.BORDER_TOOLS), AlwaysEqual,
      lambda: {t: ("both", "a fine reason of six words here") for t in m02.BORDER_TOOLS},
      lambda: {t: (EqualStr("x"), EqualStr("y")) for t in m02.BORDER_TOOLS}]),
]

test_hidden_tests_accept_the_solution_and_reject_wrong_answers = hidden_tests_grade(HIDDEN)
