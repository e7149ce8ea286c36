"""Quizzes that answer back: ``from course import quiz`` then
``quiz.ask("01-identity-shift", "identity-2026")`` as a cell's last expression.

Banks live in ``course/quiz/banks/<module>.yaml`` (format: ``course/quiz/FORMAT.md``);
``python -m course.quiz lint`` checks them and how the notebooks use them. ipywidgets is
imported only when a quiz is asked.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from course.quiz.bank import BankError, load_bank

if TYPE_CHECKING:
    from course.quiz.widgets import QuizGroup

__all__ = ["ask", "BankError", "load_bank"]


def _learner() -> str:
    from course import progress

    try:
        return progress.learner_id()
    except OSError:  # unwritable data dir: still shuffle, just not persistently
        return os.environ.get("COURSE_LEARNER", "anonymous")


def ask(module: str, *question_ids: str) -> QuizGroup:
    """Show the named questions of ``module``'s bank as interactive widgets.

    Returns a :class:`~course.quiz.widgets.QuizGroup`; make it the cell's last expression.
    Raises :class:`BankError` for an unknown module or question id.
    """
    if not question_ids:
        raise BankError(f"quiz.ask({module!r}) needs at least one question id")
    bank = load_bank(module)
    questions = [bank.get(qid) for qid in question_ids]
    from course.render import widgets_live

    if not widgets_live():
        from course.quiz.static import StaticQuiz

        return StaticQuiz(module, questions, _learner())  # type: ignore[return-value]
    from course.quiz.widgets import QuizGroup

    return QuizGroup(module, questions, _learner())
