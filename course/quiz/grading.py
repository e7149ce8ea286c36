"""Pure scoring functions: no widgets, no files, no pandas.

Every ``grade_*`` function takes a :class:`~course.quiz.bank.Question` and the learner's
answer and returns a :class:`Result` whose ``message`` is the plain-text verdict shown
under the question (✅ / ◑ / ❌ plus words, never colour alone).
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from course.quiz.bank import Question

CORRECT = "✅ Correct"
PARTIAL = "◑ Partly right"
WRONG = "❌ Not yet"


class AnswerFormatError(ValueError):
    """The answer cannot be graded as typed (e.g. text that is not a number)."""


@dataclass(frozen=True)
class Result:
    """The verdict on one attempt."""

    correct: bool
    score: float
    points: float
    message: str
    option_feedback: list[str] = field(default_factory=list)

    @property
    def partial(self) -> bool:
        """Some credit but not all of it."""
        return not self.correct and self.score > 0


def fmt_points(value: float) -> str:
    """``1.0`` → ``"1"``, ``0.6666`` → ``"0.67"``."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def _points_phrase(score: float, points: float) -> str:
    unit = "point" if points == 1 else "points"
    return f"{fmt_points(score)}/{fmt_points(points)} {unit}"


def _verdict(correct: bool, score: float, points: float, detail: str = "") -> str:
    head = CORRECT if correct else (PARTIAL if score > 0 else WRONG)
    tail = f" {detail}" if detail else ""
    return f"{head}: {_points_phrase(score, points)}.{tail}"


# --- single and multiple choice -------------------------------------------------------------


def grade_single(q: Question, choice: str | None) -> Result:
    """Full points for the right option, none otherwise."""
    if choice is None:
        raise AnswerFormatError("Pick one option first.")
    if choice not in q.options:
        raise AnswerFormatError(f"Unknown option {choice!r}.")
    correct = choice == q.answer
    score = q.points if correct else 0.0
    detail = "" if correct else "Read the note below and try again."
    return Result(correct, score, q.points, _verdict(correct, score, q.points, detail),
                  [q.feedback.get(choice, "")])


MULTIPLE_RULE = (
    "Scoring: right picks minus wrong picks (never below 0), "
    "divided by the number of right options, times the points."
)


def multiple_credit(right: set[str], picked: set[str]) -> float:
    """Share of credit in [0, 1]: (right picks − wrong picks) floored at 0, ÷ len(right)."""
    net = len(picked & right) - len(picked - right)
    return max(net, 0) / len(right)


def grade_multiple(q: Question, picks: Sequence[str]) -> Result:
    """Partial credit by :func:`multiple_credit`; correct only when picks equal the answer."""
    picked = set(picks)
    unknown = picked - set(q.options)
    if unknown:
        raise AnswerFormatError(f"Unknown option(s): {sorted(unknown)}.")
    if not picked:
        raise AnswerFormatError("Tick at least one option first.")
    right = set(q.answers)
    correct = picked == right
    score = q.points * multiple_credit(right, picked)
    n_right = len(picked & right)
    n_wrong = len(picked - right)
    detail = "" if correct else (
        f"{n_right} of {len(right)} right options picked"
        + (f", {n_wrong} wrong pick{'s' if n_wrong != 1 else ''}" if n_wrong else "")
        + "."
    )
    ordered = [k for k in q.options if k in picked]
    return Result(correct, score, q.points, _verdict(correct, score, q.points, detail),
                  [q.feedback.get(k, "") for k in ordered])


# --- numeric --------------------------------------------------------------------------------

_SUFFIXES = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "mn": 1e6,
             "b": 1e9, "bn": 1e9, "billion": 1e9}
_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}([, _]\d{3})+(\.\d+)?$")
NUMBER_HELP = (
    "Type a number such as 30, 12.5, 1,300,000, 1 300 000, 1.3M, 3/4 or 12.5% "
    "(a % sign is dropped: 12.5% means 12.5)."
)


def parse_number(text: str) -> float:
    """Read a number as a learner types it.

    Accepted: ``42``, ``-3.5``, ``1e6``, thousands grouped by commas, spaces or underscores
    (``1,300,000``, ``1 300 000``), fractions (``3/4``), suffixes k / M / B (``1.3M``,
    ``2 million``), a leading currency sign ($ € £) and a trailing ``%`` which is simply
    dropped (``12.5%`` → ``12.5``; questions state their unit). Decimal commas are refused
    with a message, because ``1,5`` is ambiguous.
    Raises :class:`AnswerFormatError` with a message for anything else.
    """
    raw = unicodedata.normalize("NFKC", str(text)).strip()
    if not raw:
        raise AnswerFormatError("Type a number first. " + NUMBER_HELP)
    s = raw.replace("\u2212", "-").replace("\u00a0", " ").replace("\u202f", " ")
    s = s.lstrip("$€£").strip()
    if s.startswith(("-$", "-€", "-£")):
        s = "-" + s[2:]
    if s.endswith("%"):
        s = s[:-1].strip()
    multiplier = 1.0
    match = re.match(r"^(.*?)[\s]*([A-Za-z]+)$", s)
    if match and match.group(2).lower() in _SUFFIXES and match.group(1):
        s, multiplier = match.group(1).strip(), _SUFFIXES[match.group(2).lower()]
    if "/" in s:
        parts = [p.strip() for p in s.split("/")]
        if len(parts) == 2 and all(_PLAIN.match(p) for p in parts):
            num, den = float(parts[0]), float(parts[1])
            if den == 0:
                raise AnswerFormatError("A fraction cannot have 0 below the line.")
            return num / den * multiplier
        raise AnswerFormatError(f"{raw!r} is not a fraction like 3/4. " + NUMBER_HELP)
    if _PLAIN.match(s):
        return float(s) * multiplier
    if _GROUPED.match(s):
        return float(re.sub(r"[, _]", "", s)) * multiplier
    if re.match(r"^[+-]?\d+,\d{1,2}$", s) or re.match(r"^[+-]?\d+,\d{4,}$", s):
        raise AnswerFormatError(
            f"{raw!r}: use a dot for decimals (12.5), commas only between thousands."
        )
    raise AnswerFormatError(f"{raw!r} is not a number. " + NUMBER_HELP)


def within_tolerance(value: float, target: float, abs_tol: float | None,
                     rel_tol: float | None) -> bool:
    """True when ``value`` is within ``abs_tol`` OR within ``rel_tol``·|target| (edges
    included). With neither given, the value must equal the target (up to float noise)."""
    if not math.isfinite(value):
        return False
    diff = abs(value - target)
    noise = 1e-9 * max(1.0, abs(target))
    if abs_tol is None and rel_tol is None:
        return diff <= noise
    ok_abs = abs_tol is not None and diff <= abs_tol + noise
    ok_rel = rel_tol is not None and diff <= rel_tol * abs(target) + noise
    return ok_abs or ok_rel


def grade_numeric(q: Question, text: str | float) -> Result:
    """Right when the parsed number is within the question's tolerance."""
    value = float(text) if isinstance(text, int | float) else parse_number(text)
    correct = within_tolerance(value, float(q.answer), q.abs_tol, q.rel_tol)
    score = q.points if correct else 0.0
    note = q.feedback.get("correct" if correct else "incorrect", "")
    detail = "" if correct else "Check your working and try again."
    return Result(correct, score, q.points, _verdict(correct, score, q.points, detail),
                  [note] if note else [])


# --- short text -----------------------------------------------------------------------------


def normalise_text(text: str) -> str:
    """Case-, accent-width- and whitespace-insensitive form; outer quotes and a final
    full stop are ignored."""
    s = unicodedata.normalize("NFKC", str(text)).casefold()
    s = " ".join(s.split())
    s = s.strip(" \"'`“”‘’")
    return s.rstrip(".!").strip()


def grade_text(q: Question, text: str) -> Result:
    """Right when the text matches the answer or an accepted alternative (normalised)."""
    given = normalise_text(text or "")
    if not given:
        raise AnswerFormatError("Type an answer first.")
    accepted = {normalise_text(a) for a in (q.answer, *q.accept)}
    correct = given in accepted
    score = q.points if correct else 0.0
    note = q.feedback.get("correct" if correct else "incorrect", "")
    detail = "" if correct else "Try another word."
    return Result(correct, score, q.points, _verdict(correct, score, q.points, detail),
                  [note] if note else [])


# --- ordering -------------------------------------------------------------------------------

ORDERING_RULE = (
    "Scoring: the share of neighbouring pairs in the right order "
    "(A directly before B, as in the answer), times the points."
)


def ordering_credit(answer: Sequence[str], given: Sequence[str]) -> tuple[int, int]:
    """(right adjacent pairs, total adjacent pairs): pairs of the answer that appear
    side by side, in that order, in ``given``."""
    pairs = set(zip(answer, answer[1:], strict=False))
    hits = sum(1 for pair in zip(given, given[1:], strict=False) if pair in pairs)
    return hits, max(len(answer) - 1, 1)


def grade_ordering(q: Question, order: Sequence[str]) -> Result:
    """Partial credit by :func:`ordering_credit`; correct only for the exact order."""
    order = list(order)
    if sorted(order) != sorted(q.answers):
        raise AnswerFormatError("Use every item exactly once.")
    hits, total = ordering_credit(q.answers, order)
    correct = order == q.answers
    score = q.points * hits / total
    detail = "" if correct else f"{hits} of {total} neighbouring pairs in the right order."
    note = q.feedback.get("correct" if correct else "incorrect", "")
    return Result(correct, score, q.points, _verdict(correct, score, q.points, detail),
                  [note] if note else [])


# --- dispatch, reveal, shuffle --------------------------------------------------------------

_GRADERS = {"single": grade_single, "multiple": grade_multiple, "numeric": grade_numeric,
            "text": grade_text, "ordering": grade_ordering}


def grade(q: Question, answer: Any) -> Result:
    """Grade ``answer`` with the function for ``q.type``."""
    return _GRADERS[q.type](q, answer)


def answer_text(q: Question) -> str:
    """The right answer as plain text, for "Show answer" and the static page."""
    if q.type == "single":
        return q.options[q.answer]
    if q.type == "multiple":
        return "; ".join(q.options[k] for k in q.options if k in q.answers)
    if q.type == "ordering":
        return " → ".join(q.options[k] for k in q.answers)
    if q.type == "numeric":
        value = f"{q.answer:,.10g}".replace(",", " ") if abs(q.answer) >= 1e4 else f"{q.answer:g}"
        unit = f" {q.unit}" if q.unit else ""
        tol = []
        if q.abs_tol:
            tol.append(f"± {q.abs_tol:g}")
        if q.rel_tol:
            tol.append(f"± {q.rel_tol * 100:g}%")
        return value + unit + (f" (accepted: {' or '.join(tol)})" if tol else "")
    alternatives = [a for a in q.accept if normalise_text(a) != normalise_text(q.answer)]
    return q.answer + (f" (also accepted: {', '.join(alternatives)})" if alternatives else "")


def stable_order(learner_id: str, question_id: str, keys: Sequence[str]) -> list[str]:
    """A shuffle of ``keys`` that is the same every run for one learner and question,
    and differs between learners: keys sorted by sha256(learner, question, key)."""

    def rank(key: str) -> str:
        return hashlib.sha256(f"{learner_id}\x1f{question_id}\x1f{key}".encode()).hexdigest()

    return sorted(keys, key=rank)


def ordering_start(learner_id: str, q: Question) -> list[str]:
    """The first order shown for an ordering question: shuffled, never already solved."""
    order = stable_order(learner_id, q.id, q.answers)
    if order == q.answers and len(order) > 1:
        order = order[1:] + order[:1]
    return order
