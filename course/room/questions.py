"""Which questions a room knows, what learners may see of them, and which answers fit.

Bank questions come from ``course/quiz/banks``; ad-hoc polls live in the room's database
(module ``poll``). A question shown to learners never carries its answer or feedback.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from course.quiz.bank import BankError, Question, load_bank

ADHOC_MODULE = "poll"
POLL_TYPES = ("single", "multiple")


class UnknownQuestion(LookupError):
    """The module or question id is not in any bank."""


@cache
def bank_question(module: str, question_id: str) -> Question:
    """The bank question, or :class:`UnknownQuestion` naming what was not found."""
    try:
        bank = load_bank(module)
    except (BankError, OSError):
        raise UnknownQuestion(f"unknown module {module!r}") from None
    try:
        return bank.get(question_id)
    except BankError:
        raise UnknownQuestion(f"module {module!r} has no question {question_id!r}") from None


def preload() -> int:
    """Load every bank (and the event validator) now, so the first answers do not wait for
    YAML parsing; returns how many questions are known."""
    from course.quiz.bank import BANKS_DIR
    from course.room import schema

    schema.problems({})
    count = 0
    for path in sorted(BANKS_DIR.glob("*.yaml")):
        for question in load_bank(path.stem).questions.values():
            bank_question(question.module, question.id)
            count += 1
    return count


def public_view(question: Question) -> dict[str, Any]:
    """What learners and the dashboard see: type, prompt and options (no answer)."""
    return {"module": question.module, "id": question.id, "type": question.type,
            "prompt": question.prompt, "options": dict(question.options)}


def answer_key(question: Question) -> Any:
    """The right answer as it appears in events (revealed only when the instructor says)."""
    return question.answer


def adhoc_question(number: int, prompt: str, options: dict[str, str],
                   answer: str | None) -> dict[str, Any]:
    """An ad-hoc single-choice poll question in the same shape as :func:`public_view`."""
    return {"module": ADHOC_MODULE, "id": f"poll-{number}", "type": "single",
            "prompt": prompt, "options": dict(options), "answer": answer}


def answer_problem(qtype: str, options: dict[str, str], answer: Any) -> str | None:
    """Why ``answer`` cannot be an answer to this question (None when it can)."""
    if qtype == "single":
        if answer is not None and answer not in options:
            return f"answer {answer!r} is not one of the options {sorted(options)}"
    elif qtype in ("multiple", "ordering"):
        if not isinstance(answer, list):
            return "answer must be a list of option keys"
        unknown = [a for a in answer if a not in options]
        if unknown:
            return f"answer has unknown option(s) {unknown}; options are {sorted(options)}"
        if len(set(answer)) != len(answer):
            return "answer repeats an option"
    elif qtype == "numeric":
        if answer is not None and (isinstance(answer, bool)
                                   or not isinstance(answer, int | float)):
            return "a numeric question's answer must be a number or null"
    elif answer is not None:
        return "a short-answer question's text is never sent: answer must be null"
    return None
