"""Model answers and rubrics a learner can reveal for every hand-graded written answer."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from course import model_answers

ROOT = Path(__file__).resolve().parents[2]


def _manual_cells() -> dict[str, tuple[str, float, Path, int]]:
    """grade id → (module, points, notebook, cell index) for every hand-graded markdown cell."""
    found = {}
    for notebook in sorted((ROOT / "solutions").glob("*/*.ipynb")):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        for index, cell in enumerate(cells):
            grading = cell.get("metadata", {}).get("nbgrader", {})
            if cell["cell_type"] == "markdown" and grading.get("grade") and grading.get("solution"):
                found[grading["grade_id"]] = (notebook.parent.name, float(grading["points"]), notebook, index)
    return found


MANUAL = _manual_cells()


def test_every_hand_graded_cell_has_exactly_one_model_answer_with_its_points():
    answers = model_answers.load()
    assert len(MANUAL) >= 8
    assert sorted(answers) == sorted(MANUAL), "one entry per hand-graded cell, and no stray entry"
    for grade_id, (module, points, _, _) in MANUAL.items():
        assert answers[grade_id].module == module, grade_id
        assert answers[grade_id].points == points, f"{grade_id}: points differ from the notebook's"


@pytest.mark.parametrize("grade_id", sorted(MANUAL))
def test_the_rubric_adds_up_and_the_instructor_notes_carry_it(grade_id):
    entry = model_answers.load()[grade_id]
    levels = [float(level.points) for level in entry.rubric if level.points != "note"]
    # Either levels (2 / 1 / 0: the best is worth all the points) or criteria (1 + 1 + 1 + 1).
    assert max(levels) == entry.points or sum(levels) == entry.points, grade_id
    notes = (ROOT / "instructor" / f"{entry.module}.md").read_text(encoding="utf-8")
    assert re.search(rf"^#+ .*[Rr]ubric.*\n|^#+ .*`{re.escape(grade_id)}`", notes, re.M), entry.module
    assert f"`{grade_id}`" in notes, f"instructor/{entry.module}.md has no rubric for {grade_id}"


REVEALED = set(MANUAL)  # every hand-graded cell, in every module


@pytest.mark.parametrize("grade_id", sorted(REVEALED))
def test_the_cell_after_each_written_answer_offers_the_reveal(grade_id):
    _, _, notebook, index = MANUAL[grade_id]
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    following = [cell for cell in cells[index + 1:index + 3] if cell["cell_type"] == "code"]
    assert any(f'reveal_model_answer("{grade_id}")' in "".join(cell["source"]) for cell in following), (
        f"{notebook.name}: no reveal_model_answer({grade_id!r}) right after the written answer")


def test_live_button_shows_then_hides_the_answer_and_rubric(monkeypatch):
    monkeypatch.setenv("COURSE_WIDGETS", "live")
    monkeypatch.delenv(model_answers.SWITCH, raising=False)
    box = model_answers.reveal_model_answer("pick-why-manual")
    button, panel = box.children
    assert panel.value == "", "nothing is shown before the learner asks"
    assert button.description == model_answers.BUTTON_TEXT and button.tooltip
    button.click()
    assert "observability" in panel.value and "Rubric" in panel.value and "practice project" in panel.value
    assert "<caption>" in panel.value
    button.click()
    assert panel.value == ""


def test_headless_output_keeps_the_answer_folded(monkeypatch):
    monkeypatch.setenv("COURSE_WIDGETS", "static")
    monkeypatch.delenv(model_answers.SWITCH, raising=False)
    html = model_answers.reveal_model_answer("action-plan-manual")._repr_html_()
    assert html.startswith("<details><summary>") and "Check-in" in html


@pytest.mark.parametrize("mode", ["live", "static"])
def test_an_instructor_can_hide_every_model_answer(monkeypatch, mode):
    monkeypatch.setenv("COURSE_WIDGETS", mode)
    monkeypatch.setenv(model_answers.SWITCH, "hidden")
    html = model_answers.reveal_model_answer("pick-why-manual")._repr_html_()
    assert html == f"<p>{model_answers.HIDDEN_NOTE}</p>"
    assert "observability" not in html


def test_a_removed_file_says_so_instead_of_failing(monkeypatch, tmp_path):
    monkeypatch.delenv(model_answers.SWITCH, raising=False)
    monkeypatch.setattr(model_answers, "DATA_FILE", tmp_path / "model_answers.yaml")
    html = model_answers.reveal_model_answer("pick-why-manual")._repr_html_()
    assert model_answers.MISSING_NOTE in html


def test_an_unknown_grade_id_is_named(monkeypatch):
    monkeypatch.delenv(model_answers.SWITCH, raising=False)
    with pytest.raises(KeyError, match="pick-why"):
        model_answers.reveal_model_answer("pick-why")


@pytest.mark.parametrize("text, message", [
    ("a: [1]\n", "entry 'a' must be a mapping"),
    ("a: {module: m, points: 0, question: q, answer: x, rubric: [{points: 1, shows: s}]}\n", "'points'"),
    ("a: {module: m, points: 1, question: q, answer: '', rubric: [{points: 1, shows: s}]}\n", "'answer'"),
    ("a: {module: m, points: 1, question: q, answer: x, rubric: [{points: 1}]}\n", "rubric row 1"),
])
def test_a_malformed_file_names_the_entry_and_field(tmp_path, text, message):
    path = tmp_path / "answers.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(model_answers.ModelAnswerError, match=re.escape(message)) as error:
        model_answers.load(path)
    assert str(path) in str(error.value)
