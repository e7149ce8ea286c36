"""One quiz.ask parser (course.quiz.calls) for the lint, the coverage map and the timing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from course import coverage, timing
from course.quiz import lint
from course.quiz.calls import QuizCall, calls_in_notebook, calls_in_source, ids_asked

BANK = """\
module: 01-demo
questions:
  - id: a
    type: numeric
    prompt: "How many?"
    answer: 1
    explanation: "One."
  - id: b
    type: numeric
    prompt: "How many more?"
    answer: 2
    explanation: "Two."
"""


def notebook(cells: list[str]) -> dict:
    return {"cells": [{"cell_type": "code", "source": s, "metadata": {}, "outputs": [],
                       "execution_count": None} for s in cells],
            "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def write_notebook(root: Path, cells: list[str]) -> Path:
    path = root / "solutions" / "01-demo" / "01-demo.ipynb"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(notebook(cells)), encoding="utf-8")
    return path


def test_a_module_variable_keeps_every_id_and_says_why_it_cannot_be_checked():
    (call,) = calls_in_source('MODULE = "01-demo"\nquiz.ask(MODULE, "a", "b")')
    assert call.module is None and call.ids == ("a", "b")
    assert "module (first argument) is not a string literal" in call.problem


def test_coverage_timing_and_lint_agree_on_a_module_variable(tmp_path):
    path = write_notebook(tmp_path, ["from course import quiz", 'quiz.ask(MODULE, "a", "b")'])
    assert ids_asked(path) == {"a", "b"}  # coverage's regex used to drop "a"
    assert timing.estimate(path).quizzes == 2 * timing.MINUTES_PER_QUESTION
    banks = tmp_path / "banks"
    banks.mkdir()
    (banks / "01-demo.yaml").write_text(BANK, encoding="utf-8")
    found = [str(p) for p in lint.run(banks, tmp_path / "solutions")]
    assert any("01-demo.ipynb cell 2: the module (first argument) is not a string literal"
               in m for m in found), found  # the lint used to skip the call without a word


def test_coverage_reads_its_quiz_ids_with_the_same_parser():
    assert coverage.ids_asked is ids_asked


@pytest.mark.parametrize(("source", "expected"), [
    ('quiz.ask("01-demo", "a", "b")', [QuizCall(1, "01-demo", ("a", "b"))]),
    ('course.quiz.ask("01-demo", "a")', [QuizCall(1, "01-demo", ("a",))]),
    ('ask("01-demo", "a")', [QuizCall(1, "01-demo", ("a",))]),
    ('quiz.ask(\n    "01-demo",\n    "a",\n)', [QuizCall(1, "01-demo", ("a",))]),
    ('llm.ask("01-demo", "pick")\nquiz.ask("01-demo", "order")',
     [QuizCall(1, "01-demo", ("order",))]),
    ('%matplotlib inline\n!ls\nquiz.ask("01-demo", "a")', [QuizCall(1, "01-demo", ("a",))]),
    ('# quiz.ask("01-demo", "ghost")\ntext = \'quiz.ask("01-demo", "ghost")\'', []),
    ('quiz.ask("01-demo")', [QuizCall(1, "01-demo", ())]),
])
def test_calls_found_in_source(source, expected):
    assert calls_in_source(source) == expected


def test_non_literal_ids_are_kept_apart_and_reported():
    (call,) = calls_in_source('quiz.ask("01-demo", "a", *more)')
    assert call.module == "01-demo" and call.ids == ("a",)
    assert "a question id is not a string literal" in call.problem


def test_a_cell_python_cannot_parse_is_reported_not_guessed():
    (call,) = calls_in_source("x = (\nquiz.ask('01-demo', 'pick')", cell=4)
    assert call.cell == 4 and call.ids == ()
    assert call.problem.startswith("the cell does not parse as Python (line ")
    assert calls_in_source("x = (\nprint(1)") == []  # no quiz call there: nothing to say


def test_cells_are_numbered_among_all_cells_and_markdown_is_ignored():
    nb = notebook(['quiz.ask("01-demo", "a")'])
    nb["cells"].insert(0, {"cell_type": "markdown", "source": 'quiz.ask("01-demo", "x")',
                           "metadata": {}})
    assert calls_in_notebook(nb) == [QuizCall(2, "01-demo", ("a",))]
