"""Quiz-quality rules: form must not give the answer away.

A test-wise learner who has not read the lesson still scores well when the right option is
the longest one, when a hint or another option's feedback repeats the answer, or when two
options say the same thing. :func:`quality_problems` finds those cues in valid banks; the
lint (``course lint``) reports them next to the format problems.

Rules (thresholds are module constants, justified where they are defined):

- **longest answer, per bank**: the number of ``single`` questions whose right option is
  (one of) the longest may exceed what blind guessing gives, Σ 1/options, by at most one;
- **longest answer, overall**: over all banks together (once there are at least
  :data:`MIN_OVERALL` single questions) the share may exceed chance by at most
  :data:`OVERALL_MARGIN`;
- **shortest answer**: the same two limits for the right option being the shortest, so that
  balancing lengths does not simply move the cue to the other end;
- **length outlier**: the right option of a ``single`` question may be at most
  :data:`MAX_LENGTH_RATIO` times the mean length of the others (for ``multiple``: the mean of
  the right options against the mean of the wrong ones);
- **leak**: the prompt, the hint, or the feedback of a *wrong* option contains the right
  option's text (the whole of a short answer, or any :data:`LEAK_RUN` words in a row of a
  longer one); for ``text`` questions also a hint or ``incorrect`` feedback with a word
  that starts like the answer (a hint that spells it); for ``numeric`` questions the
  answer's number in the hint or the ``incorrect`` feedback;
- **duplicate options**: two options of one question with the same text (case, spacing and
  punctuation ignored).

Feedback for every option of ``single``/``multiple`` questions is required by the bank
format itself (:mod:`course.quiz.bank`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from course.quiz.bank import Bank, Problem, Question
from course.quiz.markdown import to_text

# A bank typically has 2-6 single questions, so one question moves its share by 17-50
# points: a pure share threshold would fail a bank for one unlucky question. Allowing one
# question above the count expected by chance keeps a bank near chance without that noise.
PER_BANK_EXTRA = 1
# Over the whole course (30-odd single questions of 3-4 options) one binomial standard
# deviation of the share under pure chance is sqrt(0.25 * 0.75 / 30) ≈ 0.08; ten points
# above chance is therefore "indistinguishable from chance", while today's 22 of 28
# (0.79 against a chance level of 0.26) fails by far.
OVERALL_MARGIN = 0.10
MIN_OVERALL = 10
# Item-writing guides (e.g. Haladyna & Downing's rules) ask for options of similar length;
# 1.5x the mean distractor is where the right option visibly stands out.
MAX_LENGTH_RATIO = 1.5
# Five words in a row is a phrase, not a shared term ("the model", "p95 latency").
LEAK_RUN = 5
# Words of at least this many letters that share this prefix with a text answer "spell" it.
STEM = 6

_WORD = re.compile(r"[a-z0-9]+(?:[.'][a-z0-9]+)*")


def words(text: str) -> list[str]:
    """Lower-case words of ``text`` with Markdown, punctuation and spacing ignored."""
    return _WORD.findall(to_text(text).lower().replace("’", "'"))


def length(text: str) -> int:
    """The visible length of an option: its words joined by single spaces."""
    return len(" ".join(words(text)))


def _contains_run(haystack: list[str], needle: list[str]) -> bool:
    if not needle or len(needle) > len(haystack):
        return False
    n = len(needle)
    return any(haystack[i:i + n] == needle for i in range(len(haystack) - n + 1))


def leaks(answer: str, text: str) -> bool:
    """True when ``text`` contains ``answer``: all of it if it is short, else a long run."""
    need, hay = words(answer), words(text)
    if len(need) <= LEAK_RUN:
        return _contains_run(hay, need)
    return any(_contains_run(hay, need[i:i + LEAK_RUN])
               for i in range(len(need) - LEAK_RUN + 1))


def spells(answer: str, text: str) -> bool:
    """True when a long word of ``text`` starts like a long word of ``answer``."""
    stems = {w[:STEM] for w in words(answer) if len(w) >= STEM}
    return any(w[:STEM] in stems for w in words(text) if len(w) >= STEM)


def answer_is_longest(q: Question) -> bool:
    """The right option of a single question is at least as long as every other one."""
    right = length(q.options[q.answer])
    return all(right >= length(text) for key, text in q.options.items() if key != q.answer)


def answer_is_shortest(q: Question) -> bool:
    """The right option of a single question is at most as long as every other one."""
    right = length(q.options[q.answer])
    return all(right <= length(text) for key, text in q.options.items() if key != q.answer)


def length_ratio(q: Question) -> float:
    """Right options' mean length ÷ wrong options' mean length (single and multiple)."""
    right = [length(q.options[k]) for k in q.answers]
    wrong = [length(t) for k, t in q.options.items() if k not in q.answers]
    if not right or not wrong or not sum(wrong):
        return 1.0
    return (sum(right) / len(right)) / (sum(wrong) / len(wrong))


def _fmt_number(value: float) -> str:
    return f"{value:g}"


def _question_problems(source: str, q: Question) -> Iterable[Problem]:
    def problem(message: str) -> Problem:
        return Problem(source, q.id, message)

    if q.type in ("single", "multiple"):
        seen: dict[tuple[str, ...], str] = {}
        for key, text in q.options.items():
            norm = tuple(words(text))
            if norm in seen:
                yield problem(f"options {seen[norm]!r} and {key!r} have the same text")
            seen.setdefault(norm, key)
        ratio = length_ratio(q)
        if ratio > MAX_LENGTH_RATIO:
            what = "right option" if q.type == "single" else "right options (mean)"
            yield problem(f"the {what} is {ratio:.2f}x as long as the wrong ones "
                          f"(limit {MAX_LENGTH_RATIO}x): balance the option lengths")
        wrong_keys = [k for k in q.options if k not in q.answers]
        for key in q.answers:
            right = q.options[key]
            places = [("prompt", q.prompt), ("hint", q.hint)]
            places += [(f"feedback of wrong option {k!r}", q.feedback.get(k, ""))
                       for k in wrong_keys]
            for where, text in places:
                if leaks(right, text):
                    yield problem(f"the {where} contains the text of right option {key!r}")
    elif q.type == "text":
        for answer in (q.answer, *q.accept):
            places = [("prompt", q.prompt), ("hint", q.hint),
                      ("incorrect feedback", q.feedback.get("incorrect", ""))]
            for where, text in places:
                if leaks(answer, text) or (where != "prompt" and spells(answer, text)):
                    yield problem(f"the {where} contains or spells the answer {answer!r}")
    elif q.type == "numeric":
        number = _fmt_number(float(q.answer))
        for where, text in (("hint", q.hint),
                            ("incorrect feedback", q.feedback.get("incorrect", ""))):
            if number in re.findall(r"\d+(?:\.\d+)?", text.replace(",", "")):
                yield problem(f"the {where} contains the answer {number}")


def chance_count(questions: list[Question]) -> float:
    """How many of ``questions`` have the longest right option under blind guessing."""
    return sum(1 / len(q.options) for q in questions)


def longest_share(banks: dict[str, Bank], extreme=answer_is_longest) -> tuple[int, int, float]:
    """(single questions whose answer is the longest, single questions, chance count).

    With ``extreme=answer_is_shortest``, the same for the shortest option.
    """
    singles = [q for b in banks.values() for q in b.questions.values() if q.type == "single"]
    return sum(extreme(q) for q in singles), len(singles), chance_count(singles)


EXTREMES = (("longest", answer_is_longest), ("shortest", answer_is_shortest))


def quality_problems(banks: dict[str, Bank]) -> list[Problem]:
    """Every quality problem in ``banks`` (per question, per bank, then overall)."""
    problems: list[Problem] = []
    for bank in banks.values():
        source = bank.path.name
        for q in bank.questions.values():
            problems.extend(_question_problems(source, q))
        for word, extreme in EXTREMES:
            count, total, chance = longest_share({bank.module: bank}, extreme)
            allowed = math.floor(chance + PER_BANK_EXTRA + 1e-9)
            if count > allowed:
                problems.append(Problem(
                    source, None,
                    f"{count} of {total} single-choice answers are the {word} option "
                    f"(chance: {chance:.1f}; at most {allowed} allowed): balance the "
                    f"option lengths"))
    for word, extreme in EXTREMES:
        count, total, chance = longest_share(banks, extreme)
        if total >= MIN_OVERALL:
            share, limit = count / total, chance / total + OVERALL_MARGIN
            if share > limit:
                problems.append(Problem(
                    "all banks", None,
                    f"{count} of {total} single-choice answers ({share:.0%}) are the {word} "
                    f"option; chance is {chance / total:.0%}, the limit {limit:.0%}"))
    return problems
