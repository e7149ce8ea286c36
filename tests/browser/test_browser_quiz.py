"""Module 01's quizzes answer back in the browser (one question of each type), and the
progress page shows those answers after a kernel restart."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jlab
import nbinfo
import pytest
import quizui
from labserver import LabServer
from playwright.sync_api import Locator, Page, expect

from course.quiz import load_bank

pytestmark = pytest.mark.browser

MODULE = "01-identity-shift"
NOTEBOOK = f"notebooks/{MODULE}/{MODULE}.ipynb"
QUESTIONS = {"single": "identity-2026", "multiple": "growing-skills",
             "ordering": "pipeline-order", "text": "handoff", "numeric": "commodity-share"}
PROGRESS_CELL = ("from course import setup, quiz; setup(quiet=True); "
                 "display(quiz.progress_summary()); quiz.show_progress()")


def quiz_cell(page: Page, saved: nbinfo.Notebook, question_id: str) -> tuple[Locator, int]:
    """The cell asking ``question_id`` and the question's number within that cell."""
    pattern = rf"quiz\.ask\(\s*['\"]{MODULE}['\"](.*?)\)"
    for index in nbinfo.cells_calling(saved, re.escape(question_id)):
        match = re.search(pattern, nbinfo.source(saved["cells"][index]), flags=re.S)
        if match:
            ids = re.findall(r"['\"]([\w-]+)['\"]", match.group(1))
            if question_id in ids:
                return jlab.cell(page, index), ids.index(question_id) + 1
    raise AssertionError(f"{NOTEBOOK} has no quiz.ask(..., {question_id!r})")


def answer(page: Page, box: Locator, question: Any) -> None:
    """Put the right answer into a question's controls, by clicking and typing."""
    if question.type == "single":
        quizui.answer_single(box, question, question.answer)
    elif question.type == "multiple":
        quizui.answer_multiple(box, question, list(question.answer))
    elif question.type == "ordering":
        quizui.answer_ordering(page, box, question, list(question.answer))
    elif question.type == "numeric":
        quizui.answer_text(box, f"{question.answer:g}")
    else:
        quizui.answer_text(box, str(question.answer))


def summary_row(output: Locator, module: str) -> dict[str, str]:
    """The progress summary table's row for ``module``, as column → text."""
    table = output.locator("table.dataframe").first
    table.wait_for()
    headers = [h.strip() for h in table.locator("thead tr").last.locator("th").all_inner_texts()]
    row = table.locator("tbody tr").filter(has_text=module).first
    values = [c.strip() for c in row.locator("th, td").all_inner_texts()]
    return dict(zip(headers, values, strict=False))


def add_cell_and_run(page: Page, code: str) -> Locator:
    """Append a code cell at the end of the notebook, run it, and return it."""
    last = jlab.cells(page).count() - 1
    jlab.cells(page).nth(last).dispatch_event("mousedown")
    jlab.cells(page).nth(last).dispatch_event("mouseup")
    page.locator('.jp-NotebookPanel-toolbar [data-command="notebook:insert-cell-below"]') \
        .first.click()  # a new code cell, made the active one
    new_index = last + 1
    jlab.cells(page).nth(new_index).wait_for()
    editor = jlab.cell(page, new_index).locator(".cm-content")
    editor.click()
    page.keyboard.insert_text(code)
    expect(editor).to_have_text(code)
    code_index = jlab.notebook(page).locator(".jp-CodeCell").count() - 1
    page.keyboard.press("Shift+Enter")
    jlab.wait_run_finished(page, code_index)
    return jlab.cell(page, new_index)


def test_quiz_types_answer_back_and_progress_survives_restart(
        lab_server: LabServer, open_notebook: Callable[[str], Page], screenshots: Path) -> None:
    bank = load_bank(MODULE)
    page = open_notebook(NOTEBOOK)
    jlab.run_all(page)  # widget clicks are handled only once every queued cell has run
    saved = nbinfo.read(lab_server.root / NOTEBOOK)
    points = 0.0
    try:
        for kind, question_id in QUESTIONS.items():
            question = bank.get(question_id)
            assert question.type == kind, f"{question_id} is a {question.type} question"
            cell, number = quiz_cell(page, saved, question_id)
            box = quizui.question_box(cell, number)
            if kind == "single":  # one wrong attempt first: the feedback says so
                wrong = next(k for k in question.options if k != question.answer)
                quizui.answer_single(box, question, wrong)
                quizui.check(box, "❌ Not yet")
            answer(page, box, question)
            feedback = quizui.check(box, "✅ Correct")
            expect(feedback).to_contain_text("attempt")
            points += question.points
        page.screenshot(path=str(screenshots / f"quiz-{MODULE}.png"))

        recorded = json.loads(lab_server.progress_file.read_text())["attempts"]
        assert {a["question_id"] for a in recorded if a["correct"]} == set(QUESTIONS.values())

        jlab.restart_kernel(page)
        output = add_cell_and_run(page, PROGRESS_CELL)
        # "[1]": the first cell the restarted kernel ran.
        expect(output.locator(".jp-InputArea-prompt")).to_have_text("[1]:")
        jlab.save(page)
        added = len(saved["cells"])  # the index of the cell added above
        failures = [(i, name, value.splitlines()[0] if value else "") for i, name, value
                    in nbinfo.errors(nbinfo.read(lab_server.root / NOTEBOOK)) if i >= added]
        assert not failures, f"the progress page raised: {failures}"
        row = summary_row(output, MODULE)
        assert row["answered"] == str(len(QUESTIONS)), row
        assert row["correct"] == str(len(QUESTIONS)), row
        assert row["attempts"] == str(len(QUESTIONS) + 1), row
        assert float(row["score"]) == pytest.approx(points), row
        chart = output.locator(".vega-embed svg.marks, .vega-embed canvas.marks").first
        chart.wait_for(state="attached", timeout=60_000)
        page.screenshot(path=str(screenshots / f"progress-{MODULE}.png"))
    except BaseException:
        page.screenshot(path=str(screenshots / f"quiz-{MODULE}-failed.png"))
        raise
