"""Static HTML for a quiz, for pages shown without a live kernel (nbconvert, GitHub).

The prompt and options are visible; the answer and explanation sit in a closed
``<details>`` element so a reader can try first. All bank text is HTML-escaped.
"""

from __future__ import annotations

import html

from course.quiz import grading
from course.quiz import markdown as md
from course.quiz.bank import Question

HOW_TO = {
    "single": "Choose one option.",
    "multiple": "Choose all options that apply. " + grading.MULTIPLE_RULE,
    "numeric": "Answer with a number. " + grading.NUMBER_HELP,
    "text": "Answer with a word or short phrase.",
    "ordering": "Put the items in order. " + grading.ORDERING_RULE,
}


def _options(q: Question, learner: str) -> str:
    if q.type in ("single", "multiple"):
        keys = grading.stable_order(learner, q.id, list(q.options)) if q.shuffle \
            else list(q.options)
        mark = "○" if q.type == "single" else "☐"
        items = "".join(f"<li>{mark} {md.inline(q.options[k])}</li>" for k in keys)
        return f'<ul style="list-style: none">{items}</ul>'
    if q.type == "ordering":
        keys = grading.ordering_start(learner, q)
        items = "".join(f"<li>{md.inline(q.options[k])}</li>" for k in keys)
        return f"<ul>{items}</ul>"
    unit = f" (unit: {html.escape(q.unit)})" if q.unit else ""
    return f"<p>Your answer: ________{unit}</p>"


def render_question(q: Question, learner: str, number: int = 1) -> str:
    """One question as an HTML fragment."""
    points = grading.fmt_points(q.points)
    unit = "point" if q.points == 1 else "points"
    hint = ""
    if q.hint:
        hint = f"<details><summary>Hint</summary>{md.to_html(q.hint)}</details>"
    answer = html.escape(grading.answer_text(q))
    return (
        f'<div class="course-quiz-question" data-question-id="{html.escape(q.id)}">'
        f"<p><strong>Question {number}</strong> · {html.escape(q.type)} · "
        f"{points} {unit}</p>"
        f"{md.to_html(q.prompt)}"
        f"<p><small>{html.escape(HOW_TO[q.type])}</small></p>"
        f"{_options(q, learner)}{hint}"
        f"<details><summary>Show answer and explanation</summary>"
        f"<p><strong>Answer:</strong> {answer}</p>{md.to_html(q.explanation)}</details>"
        f"</div>"
    )


def render_group(module: str, questions: list[Question], learner: str) -> str:
    """The HTML fallback for one ``quiz.ask(...)`` call."""
    body = "".join(render_question(q, learner, n) for n, q in enumerate(questions, start=1))
    total = grading.fmt_points(sum(q.points for q in questions))
    return (
        f'<div class="course-quiz" data-module="{html.escape(module)}">'
        f"{body}"
        f"<p><em>Quiz ({total} points): run this notebook in JupyterLab to answer and "
        f"get feedback.</em></p></div>"
    )


class StaticQuiz:
    """A quiz where nobody can click (nbgrader, nbconvert, nbval): HTML only, no widget state."""

    def __init__(self, module: str, questions: list[Question], learner: str) -> None:
        self.module = module
        self.questions = questions
        self.learner = learner

    def __repr__(self) -> str:
        return f"<quiz {self.module}: {', '.join(q.id for q in self.questions)}>"

    def to_html(self) -> str:
        """The folded-answer HTML for these questions."""
        return render_group(self.module, self.questions, self.learner)

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, str]:
        return {"text/plain": repr(self), "text/html": self.to_html()}
