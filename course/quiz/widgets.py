"""ipywidgets front end: one :class:`QuestionWidget` per question, grouped by :class:`QuizGroup`.

Every control is a real ipywidgets control with a visible label, so it works with the
keyboard (Tab, arrows, Enter/Space). Verdicts are words and symbols (✅ / ◑ / ❌), never
colour alone. Each attempt is recorded in a :class:`course.progress.Store` (the learner's
progress file unless another is given) and announced through :mod:`course.quiz.events`.
"""

from __future__ import annotations

import html
import warnings
from collections.abc import Callable
from typing import Any

import ipywidgets as w

from course import progress
from course.quiz import events, grading
from course.quiz import markdown as md
from course.quiz.bank import Question
from course.quiz.history import history

WIDE = w.Layout(width="auto")
LABEL_STYLE = {"description_width": "initial"}
TYPE_NAMES = {"single": "single choice", "multiple": "multiple choice (select all that apply)",
              "numeric": "number", "text": "short answer", "ordering": "put in order"}


# ipywidgets gives HTML widgets a one-line line-height (28px); prompts read better at 1.45.
STYLE = ("<style>.course-quiz .widget-html-content{line-height:1.45}"
         ".course-quiz .widget-html-content p{margin:0.3em 0}</style>")


def _hidden(widget: w.Widget, hidden: bool) -> None:
    widget.layout.display = "none" if hidden else None


def _status_html(body: str) -> str:
    return f'<div role="status" aria-live="polite">{body}</div>' if body else ""


class QuestionWidget:
    """The controls, buttons and messages for one question."""

    def __init__(self, question: Question, learner: str, number: int = 1,
                 previous: dict[str, Any] | None = None,
                 on_change: Callable[[], None] | None = None,
                 store: progress.Store = progress) -> None:
        self.question = question
        self.learner = learner
        self.number = number
        self.on_change = on_change
        self.store = store
        previous = previous or {}
        self.attempts: int = int(previous.get("attempts", 0))
        self.best_score: float = float(previous.get("best_score", 0.0))
        self.solved: bool = previous.get("first_correct") is not None
        self.revealed: bool = bool(previous.get("revealed"))
        self.last_result: grading.Result | None = None

        q = question
        unit = "point" if q.points == 1 else "points"
        self.title = w.HTML(
            f"<strong>Question {number}</strong> · {TYPE_NAMES[q.type]} · "
            f"{grading.fmt_points(q.points)} {unit}"
        )
        self.prompt = w.HTML(md.to_html(q.prompt), layout=WIDE)
        self.rule = w.HTML(self._rule_text())
        self.control = self._build_control()
        self.check_button = w.Button(description="Check", icon="check",
                                     tooltip="Check your answer", button_style="primary")
        self.hint_button = w.Button(description="Hint", icon="lightbulb-o",
                                    tooltip="Show or hide a hint")
        self.answer_button = w.Button(description="Show answer", icon="eye",
                                      tooltip="Reveal the answer and explanation")
        self.check_button.on_click(lambda _b: self.check())
        self.hint_button.on_click(lambda _b: self.toggle_hint())
        self.answer_button.on_click(lambda _b: self.show_answer())
        _hidden(self.hint_button, not q.hint)
        self.hint = w.HTML()
        _hidden(self.hint, True)
        self.feedback = w.HTML()
        self.previous = w.HTML(self._previous_text(previous))
        self.explanation = w.HTML()
        self.answer_box = w.HTML()
        _hidden(self.answer_button, not self._may_reveal())
        if self.solved:
            self._show_explanation()
        if self.revealed:
            self._show_answer_text()
        if previous.get("last_answer") is not None:
            try:
                self.set_answer(previous["last_answer"])
            except Exception:  # an old answer that no longer fits the question
                pass
        buttons = w.HBox([self.check_button, self.hint_button, self.answer_button])
        self.box = w.VBox(
            [self.title, self.prompt, self.rule, self.control, buttons, self.feedback,
             self.hint, self.previous, self.answer_box, self.explanation],
            layout=w.Layout(border="1px solid #bbb", padding="6px 10px", margin="6px 0"),
        )

    # -- per type ----------------------------------------------------------------------------

    def _rule_text(self) -> str:
        return ""

    def _build_control(self) -> w.Widget:
        raise NotImplementedError

    def get_answer(self) -> Any:
        """The learner's current answer in the form :func:`grading.grade` expects."""
        raise NotImplementedError

    def set_answer(self, value: Any) -> None:
        """Put a (saved) answer back into the controls."""
        raise NotImplementedError

    def describe(self, answer: Any) -> str:
        """A saved answer as plain text."""
        return str(answer)

    # -- behaviour ---------------------------------------------------------------------------

    def _may_reveal(self) -> bool:
        return not self.solved and self.attempts >= self.question.show_answer_after

    def _previous_text(self, previous: dict[str, Any]) -> str:
        count = int(previous.get("attempts", 0))
        if not count:
            return ""
        first = previous.get("first_correct")
        if first is not None:
            verdict = f"✅ correct on attempt {first}"
        else:
            verdict = f"❌ not yet correct after {count} attempt{'s' if count != 1 else ''}"
        last = previous.get("last_answer")
        shown = html.escape(self.describe(last)) if last is not None else "—"
        return f"<em>Answered before: {verdict}. Your last answer: {shown}</em>"

    def check(self) -> grading.Result | None:
        """Grade the current answer, show the verdict, save the attempt."""
        q = self.question
        try:
            answer = self.get_answer()
            result = grading.grade(q, answer)
        except grading.AnswerFormatError as exc:
            self.feedback.value = _status_html(f"⚠️ {html.escape(str(exc))}")
            return None
        self.attempts += 1
        score = 0.0 if self.revealed else result.score
        if self.revealed:
            head = grading.CORRECT if result.correct else grading.WRONG
            message = f"{head}: the answer was already shown, so this attempt earns no points."
        else:
            message = result.message
        self.last_result = result
        self.best_score = max(self.best_score, score)
        self.solved = self.solved or result.correct
        notes = "".join(f"<li>{md.inline(n)}</li>" for n in result.option_feedback if n)
        body = f"<strong>{html.escape(message)}</strong> (attempt {self.attempts})"
        if q.type == "multiple" and not result.correct:
            body += f"<br><small>{html.escape(grading.MULTIPLE_RULE)}</small>"
        if notes:
            body += f"<ul>{notes}</ul>"
        saved = self._save(answer, result, score)
        events.publish(q, answer, result.correct, self.attempts)
        if saved:
            body += f"<br><small>{html.escape(saved)}</small>"
        self.feedback.value = _status_html(body)
        if result.correct:
            self._show_explanation()
        _hidden(self.answer_button, not (self._may_reveal() or self.revealed))
        if self.on_change:
            self.on_change()
        return result

    def _save(self, answer: Any, result: grading.Result, score: float) -> str:
        try:
            self.store.record(self.question.module, self.question.id, answer, result.correct,
                            score, result.points, attempt=self.attempts,
                            revealed=self.revealed)
        except Exception as exc:  # never lose the quiz because the file cannot be written
            return f"(Your answer could not be saved: {exc})"
        return ""

    def toggle_hint(self) -> None:
        """Show or hide the hint."""
        showing = self.hint.layout.display != "none"
        self.hint.value = "" if showing else (
            f"<div>💡 <strong>Hint:</strong> {md.to_html(self.question.hint)}</div>")
        _hidden(self.hint, showing)

    def show_answer(self) -> None:
        """Reveal the answer and explanation; later attempts earn no points."""
        self.revealed = True
        self._show_answer_text()
        self._show_explanation()

    def _show_answer_text(self) -> None:
        text = html.escape(grading.answer_text(self.question))
        self.answer_box.value = f"<div>🔎 <strong>Answer:</strong> {text}</div>"
        _hidden(self.answer_button, False)

    def _show_explanation(self) -> None:
        self.explanation.value = (
            f"<div><strong>Why:</strong> {md.to_html(self.question.explanation)}</div>"
        )


class SingleWidget(QuestionWidget):
    """Radio buttons; options shuffled per learner."""

    def _build_control(self) -> w.Widget:
        q = self.question
        keys = grading.stable_order(self.learner, q.id, list(q.options)) if q.shuffle \
            else list(q.options)
        return w.RadioButtons(options=[(md.to_text(q.options[k]), k) for k in keys],
                              value=None, description="Answer:", style=LABEL_STYLE,
                              layout=WIDE)

    def get_answer(self) -> str | None:
        return self.control.value

    def set_answer(self, value: Any) -> None:
        self.control.value = value

    def describe(self, answer: Any) -> str:
        return md.to_text(self.question.options.get(answer, str(answer)))


class MultipleWidget(QuestionWidget):
    """One checkbox per option; partial credit (the rule is printed above the boxes)."""

    def _rule_text(self) -> str:
        return f"<small>Select all that apply. {html.escape(grading.MULTIPLE_RULE)}</small>"

    def _build_control(self) -> w.Widget:
        q = self.question
        keys = grading.stable_order(self.learner, q.id, list(q.options)) if q.shuffle \
            else list(q.options)
        self.boxes = {k: w.Checkbox(value=False, description=md.to_text(q.options[k]),
                                    indent=False, layout=WIDE) for k in keys}
        return w.VBox(list(self.boxes.values()))

    def get_answer(self) -> list[str]:
        return [k for k in self.question.options if self.boxes[k].value]

    def set_answer(self, value: Any) -> None:
        for key, box in self.boxes.items():
            box.value = key in value

    def describe(self, answer: Any) -> str:
        return "; ".join(md.to_text(self.question.options.get(k, str(k))) for k in answer) \
            or "(nothing ticked)"


class NumericWidget(QuestionWidget):
    """A text box read by :func:`grading.parse_number` (so "1,300,000" and "3/4" work)."""

    def _rule_text(self) -> str:
        return f"<small>{html.escape(grading.NUMBER_HELP)}</small>"

    def _build_control(self) -> w.Widget:
        unit = f" ({self.question.unit})" if self.question.unit else ""
        return w.Text(value="", description=f"Answer{unit}:", placeholder="e.g. 30 or 1,300,000",
                      style=LABEL_STYLE)

    def get_answer(self) -> str:
        return self.control.value

    def set_answer(self, value: Any) -> None:
        self.control.value = str(value)


class TextWidget(QuestionWidget):
    """A short text box; case, spacing and outer quotes do not matter."""

    def _rule_text(self) -> str:
        return "<small>A word or short phrase; capitals and extra spaces do not matter.</small>"

    def _build_control(self) -> w.Widget:
        return w.Text(value="", description="Answer:", placeholder="type your answer",
                      style=LABEL_STYLE)

    def get_answer(self) -> str:
        return self.control.value

    def set_answer(self, value: Any) -> None:
        self.control.value = str(value)


class OrderingWidget(QuestionWidget):
    """A list box plus "Move up" / "Move down" buttons (keyboard: arrows select, Tab to
    a button, Enter or Space moves the selected item)."""

    def _rule_text(self) -> str:
        return ("<small>Select an item, then use Move up / Move down. "
                f"{html.escape(grading.ORDERING_RULE)}</small>")

    def _build_control(self) -> w.Widget:
        self.order: list[str] = grading.ordering_start(self.learner, self.question)
        self.listbox = w.Select(options=self._labels(), value=self.order[0],
                                rows=len(self.order), description="Order:",
                                style=LABEL_STYLE, layout=WIDE)
        self.up_button = w.Button(description="Move up", icon="arrow-up",
                                  tooltip="Move the selected item one place up")
        self.down_button = w.Button(description="Move down", icon="arrow-down",
                                    tooltip="Move the selected item one place down")
        self.up_button.on_click(lambda _b: self.move(-1))
        self.down_button.on_click(lambda _b: self.move(+1))
        return w.VBox([self.listbox, w.HBox([self.up_button, self.down_button])])

    def _labels(self) -> list[tuple[str, str]]:
        opts = self.question.options
        return [(f"{i}. {md.to_text(opts[k])}", k) for i, k in enumerate(self.order, start=1)]

    def move(self, step: int) -> None:
        """Move the selected item ``step`` places (−1 up, +1 down), keeping it selected."""
        key = self.listbox.value
        if key is None:
            return
        i = self.order.index(key)
        j = i + step
        if 0 <= j < len(self.order):
            self.order[i], self.order[j] = self.order[j], self.order[i]
            self.listbox.options = self._labels()
            self.listbox.value = key

    def get_answer(self) -> list[str]:
        return list(self.order)

    def set_answer(self, value: Any) -> None:
        if sorted(value) != sorted(self.order):
            raise ValueError("saved order does not match the items")
        self.order = list(value)
        self.listbox.options = self._labels()
        self.listbox.value = self.order[0]

    def describe(self, answer: Any) -> str:
        return " → ".join(md.to_text(self.question.options.get(k, str(k))) for k in answer)


WIDGETS: dict[str, type[QuestionWidget]] = {
    "single": SingleWidget, "multiple": MultipleWidget, "numeric": NumericWidget,
    "text": TextWidget, "ordering": OrderingWidget,
}


class QuizGroup:
    """The object ``quiz.ask(...)`` returns: the questions plus a score line.

    In a live notebook it displays as widgets; static renderers (nbconvert HTML, GitHub)
    use the ``text/html`` part of its mimebundle, with answers folded in ``<details>``.
    """

    def __init__(self, module: str, questions: list[Question], learner: str,
                 store: progress.Store = progress) -> None:
        self.module = module
        self.learner = learner
        records: list[dict[str, Any]] = []
        try:
            records = store.attempts(module)
        except OSError as exc:
            warnings.warn(f"Quiz progress could not be read: {exc}", stacklevel=3)
        self.questions = [
            WIDGETS[q.type](q, learner, number, history(records, module, q.id),
                            on_change=self.update_score, store=store)
            for number, q in enumerate(questions, start=1)
        ]
        self.score_line = w.HTML()
        self.update_score()
        self.box = w.VBox([w.HTML(STYLE)] + [qw.box for qw in self.questions]
                          + [self.score_line])
        self.box.add_class("course-quiz")

    @property
    def score(self) -> float:
        """Sum of each question's best score so far (earlier sessions included)."""
        return sum(qw.best_score for qw in self.questions)

    @property
    def points(self) -> float:
        """Points available in this group."""
        return sum(qw.question.points for qw in self.questions)

    def update_score(self) -> None:
        """Refresh the "Score: x/y points" line."""
        text = (f"Score: {grading.fmt_points(self.score)}/{grading.fmt_points(self.points)} "
                "points")
        self.score_line.value = _status_html(f"<strong>{html.escape(text)}</strong>")

    def __getitem__(self, index: int) -> QuestionWidget:
        return self.questions[index]

    def __len__(self) -> int:
        return len(self.questions)

    def __repr__(self) -> str:
        ids = ", ".join(qw.question.id for qw in self.questions)
        return f"<quiz {self.module}: {ids}>"

    def to_html(self) -> str:
        """The static HTML fallback for this group."""
        from course.quiz import static

        return static.render_group(self.module, [qw.question for qw in self.questions],
                                   self.learner)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        from course.render import widgets_live  # static HTML only when nobody can click

        bundle = dict(self.box._repr_mimebundle_() or {}) if widgets_live() else {}
        bundle["text/plain"] = repr(self)
        bundle["text/html"] = self.to_html()
        return bundle
