"""Quizzes that answer back: ``from course import quiz`` then
``quiz.ask("01-identity-shift", "identity-2026")`` as a cell's last expression, and
``quiz.show_progress()`` for the progress page.

Banks live in ``course/quiz/banks/<module>.yaml`` (format: ``course/quiz/FORMAT.md``,
schema: ``course/quiz/bank.schema.json``); ``course lint`` checks them and
how the notebooks use them. Attempts go to a :class:`course.progress.Store` (the learner's
progress file unless another store is given). ipywidgets, pandas and Altair are imported
only when a quiz or the progress page is shown.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from course import progress
from course.quiz.bank import BankError, load_bank

if TYPE_CHECKING:
    import altair as alt
    import pandas as pd

    from course.quiz.static import StaticQuiz
    from course.quiz.widgets import QuizGroup

__all__ = ["ask", "BankError", "load_bank", "progress_summary", "show_progress"]


def _learner(store: progress.Store) -> str:
    try:
        return store.learner_id()
    except OSError:  # unwritable data dir: still shuffle, just not persistently
        return os.environ.get("COURSE_LEARNER", "anonymous")


def ask(module: str, *question_ids: str,
        store: progress.Store = progress) -> QuizGroup | StaticQuiz:
    """Show the named questions of ``module``'s bank as interactive widgets.

    Returns a :class:`~course.quiz.widgets.QuizGroup` (a :class:`~course.quiz.static.StaticQuiz`
    where no widget can render); make it the cell's last expression.
    Attempts are recorded in ``store`` (the learner's progress file by default).
    Raises :class:`BankError` for an unknown module or question id.
    """
    if not question_ids:
        raise BankError(f"quiz.ask({module!r}) needs at least one question id")
    bank = load_bank(module)
    questions = [bank.get(qid) for qid in question_ids]
    from course.render import widgets_live

    if not widgets_live():
        from course.quiz.static import StaticQuiz

        return StaticQuiz(module, questions, _learner(store))
    from course.quiz.widgets import QuizGroup

    return QuizGroup(module, questions, _learner(store), store=store)


def show_progress(store: progress.Store = progress) -> alt.FacetChart:
    """Your progress page: per module, questions answered, answered correctly, attempts."""
    from course.quiz import report

    return report.show(store)


def progress_summary(store: progress.Store = progress) -> pd.DataFrame:
    """The progress page as a table: one row per module you have answered."""
    from course.quiz import report

    return report.summary(store)
