"""Helpers for the per-module content tests: run a solution notebook's own answers and the
notebook's hidden tests in a plain namespace, and grade a lab in process.

The answers always come from ``solutions/<module>/<module>.ipynb``; nothing is re-typed here.
"""

from __future__ import annotations

import ast
import asyncio
import functools
import inspect
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import altair as alt
import nbformat
import pandas as pd
import pytest

from course.checks import CheckFailed
from course.nbcells import read_notebook, released_answer
from tests.mutants import answer_cells, solution_notebook, solution_text
from tests.notebook_tools import ROOT, graded_cell_source

# What a wrong answer may raise in a hidden test or a self-check: each one costs the points.
REJECTIONS = (AssertionError, CheckFailed, TypeError, KeyError, ValueError, AttributeError)


def answer_namespace(module: str, exercise: str, **given: object) -> dict[str, Any]:
    """Run the solution of ``<exercise>-answer`` with ``given`` names; return its namespace."""
    cells = answer_cells(nbformat.read(solution_notebook(module), 4))
    if f"{exercise}-answer" not in cells:
        raise AssertionError(f"{module}: no answer cell {exercise}-answer")
    namespace: dict[str, Any] = {"alt": alt, "pd": pd, **given}
    exec(compile(solution_text(cells[f"{exercise}-answer"]), f"<{exercise}-answer>", "exec"),
         namespace)
    return namespace


def solved(module: str, exercise: str, name: str, **given: object) -> Any:
    """The value the solution of ``<exercise>-answer`` binds to ``name``."""
    return answer_namespace(module, exercise, **given)[name]


def run_hidden(module: str, exercise: str, **names: object) -> None:
    """Run the ``<exercise>-tests`` cell, hidden part included, with ``names`` bound."""
    namespace: dict[str, object] = {"alt": alt, "pd": pd, **names}
    exec(compile(graded_cell_source(module, exercise), f"<{exercise}-tests>", "exec"), namespace)


def solution_of(module: str, exercise: str, name: str) -> Callable[[], Any]:
    """A function returning, on each call, a fresh copy of what the solution of
    ``<exercise>-answer`` binds to ``name`` (a module file's ``solution_...`` helper)."""
    return functools.partial(solved, module, exercise, name)


def swap(answer: dict, a: str, b: str) -> dict:
    """``answer`` with the values of keys ``a`` and ``b`` exchanged."""
    return {**answer, a: answer[b], b: answer[a]}


def hidden_cases(cases: Sequence[tuple]) -> Callable:
    """Parametrize a test over ``(module, exercise, name, good, bads)`` rows, ids ``m:e``."""
    return pytest.mark.parametrize("module, exercise, name, good, bads", cases,
                                   ids=[f"{m}:{e}" for m, e, *_ in cases])


def check_failure(check: Callable[..., object], *args: object) -> str:
    """The ❌ message ``check`` gives for ``args`` (it must fail with ``CheckFailed``)."""
    with pytest.raises(CheckFailed) as failed:
        check(*args)
    message = str(failed.value)
    assert message.startswith("❌ "), message
    return message


def assert_hidden_test_grades(module: str, exercise: str, name: str,
                              good: Callable[[], object],
                              bads: Sequence[Callable[[], object]]) -> None:
    """The hidden test passes on the solution's answer and fails on every wrong one."""
    run_hidden(module, exercise, **{name: good()})
    for make in bads:
        with pytest.raises(REJECTIONS):
            run_hidden(module, exercise, **{name: make()})


def hidden_tests_grade(cases: Sequence[tuple]) -> Callable[..., None]:
    """The test a module file binds to ``test_hidden_tests_accept_the_solution_and_reject_wrong_
    answers``: over its ``(module, exercise, name, good, bads)`` rows, each hidden test passes
    the solution's answer and fails every wrong one."""

    @hidden_cases(cases)
    def test(module: str, exercise: str, name: str, good: Callable[[], object],
             bads: Sequence[Callable[[], object]]) -> None:
        assert_hidden_test_grades(module, exercise, name, good, bads)

    return test


def hidden_tests_self_contained(cases: Sequence[tuple]) -> Callable[..., None]:
    """The test a module file binds to ``test_hidden_tests_are_self_contained``: the graded cell
    of every exercise in its ``HIDDEN`` rows calls nothing a learner's kernel could rebind."""

    @pytest.mark.parametrize("module, exercise", [(m, e) for m, e, *_ in cases],
                             ids=[f"{m}:{e}" for m, e, *_ in cases])
    def test(module: str, exercise: str) -> None:
        assert_self_contained(module, exercise)

    return test


# --- the labs (05-07) and the capstone (12), graded in process --------------------------------


@dataclass
class Graded:
    """Outcome of one in-process run of a lab."""

    scores: dict[str, float] = field(default_factory=dict)
    possible: dict[str, float] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    namespace: dict[str, Any] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return sum(self.scores.values())


def cells(module: str) -> list[dict[str, Any]]:
    """The solution notebook's cells."""
    return read_notebook(ROOT / "solutions" / module / f"{module}.ipynb")["cells"]


def run_cell(source: str, name: str, namespace: dict[str, Any]) -> None:
    """Run one code cell as a kernel does: without this file's ``from __future__`` flags
    (FastAPI reads an endpoint's annotations when it is decorated), and with ``await`` allowed
    at the top level (module 12 calls its app through an ``httpx.AsyncClient``)."""
    code = compile(source, name, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, dont_inherit=True)
    if code.co_flags & inspect.CO_COROUTINE:
        asyncio.run(eval(code, namespace))
    else:
        exec(code, namespace)


def grade(module: str, answers: dict[str, str] | None = None, empty: bool = False) -> Graded:
    """Run a lab's code cells in order (quiz cells skipped) and score its test cells.

    ``answers`` replaces answer cells by exercise id; ``empty`` puts the released stub in
    every answer cell, as nbgrader leaves it. Each cell runs as a kernel runs it (``run_cell``)."""
    answers = answers or {}
    result = Graded()
    ns = result.namespace
    for cell in cells(module):
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        meta = cell["metadata"].get("nbgrader", {})
        grade_id = meta.get("grade_id", "")
        if source.startswith("from course import setup") or "quiz.ask(" in source:
            continue
        if meta.get("solution"):
            exercise = grade_id.removesuffix("-answer")
            source = answers.get(exercise, released_answer(source) if empty else source)
        started = time.perf_counter()
        try:
            run_cell(source, grade_id or "cell", ns)
            passed = True
        except BaseException as error:  # pytest.raises failures are BaseExceptions
            if isinstance(error, KeyboardInterrupt):
                raise
            passed = False
        if meta.get("grade"):
            result.seconds[grade_id] = time.perf_counter() - started
            result.possible[grade_id] = meta["points"]
            result.scores[grade_id] = meta["points"] if passed else 0
    return result


def refuse_real_sleep(seconds: float) -> None:
    """Stands in for ``time.sleep`` while a lab runs: the labs run on a virtual clock."""
    raise AssertionError(f"the labs must never really sleep (time.sleep({seconds!r}))")


@functools.cache
def solution_run(module: str) -> Graded:
    """The lab run with its own solutions, once per test process (its tests only read it),
    with a real ``time.sleep`` refused as in every other lab test."""
    real_sleep = time.sleep
    time.sleep = refuse_real_sleep
    try:
        return grade(module)
    finally:
        time.sleep = real_sleep


ALWAYS_EQUAL = '''
class _Sneaky(str):
    def __eq__(self, other):
        return True
    __hash__ = str.__hash__
'''


def assert_self_contained(module: str, exercise: str) -> None:
    """A graded cell calls nothing a learner's kernel could rebind: no ``course`` import, no
    bundled data, no file."""
    source = graded_cell_source(module, exercise)
    for outside in ("import course", "from course", "checks.", "data.load", "open(",
                    "read_csv"):
        assert outside not in source, f"{module} {exercise}-tests uses {outside!r}"


def assert_release_strips_hidden_tests(module: str) -> None:
    """``notebooks/<module>`` holds no hidden test and no solution."""
    released = ROOT / "notebooks" / module / f"{module}.ipynb"
    assert released.exists(), f"{released} is missing: run `course release {module}`"
    text = released.read_text("utf-8")
    assert "BEGIN HIDDEN TESTS" not in text and "BEGIN SOLUTION" not in text


def assert_release_has_no_solution_code(module: str) -> int:
    """The student release of a lab: no leak, a stub in every answer cell, the same cells.
    Returns how many answer cells it has."""
    import json

    from course.release import find_leaks

    released = ROOT / "notebooks" / module / f"{module}.ipynb"
    source = ROOT / "solutions" / module / f"{module}.ipynb"
    assert released.is_file(), f"{released} is missing: run `course release {module}`"
    assert find_leaks(released, source) == []
    student = json.loads(released.read_text(encoding="utf-8"))["cells"]
    answers = [c for c in student if c["metadata"].get("nbgrader", {}).get("solution")
               and c["cell_type"] == "code"]
    assert answers and all("NotImplementedError" in "".join(c["source"]) for c in answers)
    ids = [c["metadata"].get("nbgrader", {}).get("grade_id") for c in student]
    assert ids == [c["metadata"].get("nbgrader", {}).get("grade_id") for c in cells(module)]
    return len(answers)
