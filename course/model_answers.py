"""Model answers and rubrics for the hand-graded written answers, revealed on request.

Every markdown answer cell graded by hand (``grade_id`` ending in ``-manual`` or
``-reflection``) has an entry in ``course/model_answers.yaml``: the module, the points, a model
answer written about a fictional learner, and the rubric the grader uses. The notebook cell
after the written answer calls ``reveal_model_answer("<grade-id>")``: a button that shows both
once the learner has written their own.

These are not graded answers in the grading policy's sense: a person grades the learner's text
against the rubric, and the rubric rewards reasons drawn from the learner's own work, which a
copied model answer does not have. An instructor running a graded cohort hides the reveal with
``COURSE_MODEL_ANSWERS=hidden`` in the learners' environment (INSTRUCTOR.md says how, and how
to remove the file itself from a hub image).
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATA_FILE = Path(__file__).with_name("model_answers.yaml")
SWITCH = "COURSE_MODEL_ANSWERS"
BUTTON_TEXT = "Show a model answer and the rubric"
HIDDEN_NOTE = ("Model answers are hidden for this cohort while answers are being graded; your "
               "instructor shares them after grading.")
MISSING_NOTE = "Model answers are not installed here; ask your instructor for them after grading."


@dataclass(frozen=True)
class RubricLevel:
    """One row of a rubric: the points and what an answer shows to earn them."""

    points: str
    shows: str


@dataclass(frozen=True)
class ModelAnswer:
    """A model answer and its rubric for one hand-graded cell."""

    grade_id: str
    module: str
    points: float
    question: str
    answer: str
    rubric: tuple[RubricLevel, ...]


class ModelAnswerError(ValueError):
    """The model-answer file is malformed; the message names the file, entry and field."""


def _text(path: Path, grade_id: str, entry: dict[str, Any], field: str) -> str:
    value = entry.get(field)
    if not isinstance(value, str) or not value.strip():
        raise ModelAnswerError(f"{path}: entry {grade_id!r}: {field!r} must be a non-empty text")
    return value.strip()


def _entry(path: Path, grade_id: str, entry: Any) -> ModelAnswer:
    if not isinstance(entry, dict):
        raise ModelAnswerError(f"{path}: entry {grade_id!r} must be a mapping")
    points = entry.get("points")
    if isinstance(points, bool) or not isinstance(points, int | float) or points <= 0:
        raise ModelAnswerError(f"{path}: entry {grade_id!r}: 'points' must be a positive number")
    rows = entry.get("rubric")
    if not isinstance(rows, list) or not rows:
        raise ModelAnswerError(f"{path}: entry {grade_id!r}: 'rubric' must be a non-empty list")
    rubric = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict) or set(row) != {"points", "shows"}:
            raise ModelAnswerError(
                f"{path}: entry {grade_id!r}: rubric row {number} needs exactly 'points' and 'shows'")
        rubric.append(RubricLevel(points=str(row["points"]), shows=str(row["shows"]).strip()))
    return ModelAnswer(grade_id=grade_id, module=_text(path, grade_id, entry, "module"),
                       points=float(points), question=_text(path, grade_id, entry, "question"),
                       answer=_text(path, grade_id, entry, "answer"), rubric=tuple(rubric))


def load(path: Path | None = None) -> dict[str, ModelAnswer]:
    """Every model answer, keyed by grade id; a malformed file raises :class:`ModelAnswerError`."""
    import yaml

    path = path or DATA_FILE
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ModelAnswerError(f"{path}: not valid YAML: {error}") from error
    if not isinstance(raw, dict):
        raise ModelAnswerError(f"{path}: expected a mapping of grade id → entry")
    return {str(grade_id): _entry(path, str(grade_id), entry) for grade_id, entry in raw.items()}


def hidden(environ: os._Environ[str] | dict[str, str] | None = None) -> bool:
    """Has the instructor hidden model answers (``COURSE_MODEL_ANSWERS=hidden``)?"""
    env = os.environ if environ is None else environ
    return env.get(SWITCH, "").strip().lower() in {"hidden", "hide", "off", "0", "no"}


def as_html(entry: ModelAnswer) -> str:
    """The model answer and its rubric as HTML (plain text in a table, readable by a screen reader)."""
    from course.quiz.markdown import to_html

    rows = "".join(f"<tr><td>{html.escape(level.points)}</td><td>{to_html(level.shows)}</td></tr>"
                   for level in entry.rubric if level.points != "note")
    notes = "".join(to_html(level.shows) for level in entry.rubric if level.points == "note")
    points = f"{entry.points:g} point{'s' if entry.points != 1 else ''}"
    return (f"<h4>Model answer ({html.escape(entry.grade_id)}, {points})</h4>"
            f"<p><em>One good answer, written about someone else's work: yours should use your own "
            f"situation.</em></p><blockquote>{to_html(entry.answer)}</blockquote>"
            f"<h4>Rubric</h4><table><caption>How the {points} are given</caption>"
            f"<thead><tr><th>points</th><th>what the answer shows</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>{notes}")


def reveal_model_answer(grade_id: str, environ: dict[str, str] | None = None) -> Any:
    """A button that reveals the model answer and rubric of ``grade_id`` after the learner writes.

    Live: a button (with a tooltip and an accessible description) that shows and hides the text.
    Headless: a collapsed ``<details>`` block, so saved outputs never show the answer unasked.
    Hidden by the instructor, or the file removed: one sentence saying so.
    """
    from IPython.display import HTML

    from course.render import widgets_live

    if hidden(environ):
        return HTML(f"<p>{HIDDEN_NOTE}</p>")
    if not DATA_FILE.is_file():
        return HTML(f"<p>{MISSING_NOTE}</p>")
    answers = load()
    if grade_id not in answers:
        known = ", ".join(sorted(answers))
        raise KeyError(f"no model answer for {grade_id!r} in {DATA_FILE}; known: {known}")
    body = as_html(answers[grade_id])
    if not widgets_live(environ):
        return HTML(f"<details><summary>{BUTTON_TEXT} (write your own answer first)</summary>"
                    f"{body}</details>")
    import ipywidgets as widgets

    button = widgets.Button(description=BUTTON_TEXT, tooltip="Write your own answer first, then compare",
                            icon="eye", layout=widgets.Layout(width="auto"))
    panel = widgets.HTML("")

    def toggle(_: Any) -> None:
        showing = bool(panel.value)
        panel.value = "" if showing else body
        button.description = BUTTON_TEXT if showing else "Hide the model answer"

    button.on_click(toggle)
    return widgets.VBox([button, panel])
