"""Numbers the instructor sees: live per-question spreads and after-workshop item statistics.

Everything counts each learner's *first* attempt at a question (what the room thought
before any feedback). A distribution is shown only when at least ``k`` learners answered.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import Any

NO_ANSWER = "(no answer)"


def choice_labels(answer: Any) -> list[str]:
    """The histogram bars one answer adds to: each ticked option, or the whole order."""
    if answer is None:
        return [NO_ANSWER]
    if isinstance(answer, list):
        return [str(a) for a in answer] if answer else [NO_ANSWER]
    if isinstance(answer, float) and answer.is_integer():
        return [str(int(answer))]
    return [str(answer)]


def ordering_label(answer: Any) -> list[str]:
    return [" > ".join(answer)] if isinstance(answer, list) and answer else [NO_ANSWER]


def first_attempts(events: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, dict]]:
    """(module, question) → pseudonym → the learner's first event on it."""
    found: dict[tuple[str, str], dict[str, dict]] = defaultdict(dict)
    for event in sorted(events, key=lambda e: (e["attempt"], e.get("id", 0))):
        found[(event["module"], event["question_id"])].setdefault(event["pseudonym"], event)
    return found


def _labels(qtype: str | None, answer: Any) -> list[str]:
    return ordering_label(answer) if qtype == "ordering" else choice_labels(answer)


def question_summary(firsts: dict[str, dict], qtype: str | None, right: Any,
                     k: int) -> dict[str, Any]:
    """Answered count, and (when ≥ k answered) the spread, correct share and most common
    wrong option of one question."""
    answered = len(firsts)
    summary: dict[str, Any] = {"answered": answered, "shown": answered >= k}
    if answered < k:
        summary.update(histogram=None, correct_share=None, most_common_wrong=None)
        return summary
    bars: Counter[str] = Counter()
    wrong: Counter[str] = Counter()
    right_labels = set(_labels(qtype, right)) if right is not None else set()
    for event in firsts.values():
        labels = _labels(qtype, event["answer"])
        bars.update(labels)
        if not event["correct"]:
            wrong.update(label for label in labels if label not in right_labels)
    correct = sum(1 for e in firsts.values() if e["correct"])
    summary.update(
        histogram=dict(sorted(bars.items())),
        correct_share=correct / answered,
        most_common_wrong=wrong.most_common(1)[0][0] if wrong else None,
    )
    return summary


def _pearson(xs: list[float], ys: list[float]) -> float | None:
    n = len(xs)
    if n < 3:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / math.sqrt(sxx * syy)


def rewrite_reasons(share: float | None, discrimination: float | None,
                    unused: list[str]) -> list[str]:
    """Plain reasons a question may need rewriting."""
    reasons = []
    if share is not None and share >= 0.95:
        reasons.append("almost everyone gets it right first time: too easy to teach anything")
    if share is not None and share < 0.25:
        reasons.append("fewer than 1 in 4 right first time: unclear, or a misleading option")
    if discrimination is not None and discrimination < 0.1:
        reasons.append("strong learners do no better than weak ones on it (discrimination "
                       f"{discrimination:.2f})")
    if unused:
        reasons.append(f"option(s) nobody chose: {', '.join(unused)}")
    return reasons


def item_statistics(events: list[dict[str, Any]], info: dict[tuple[str, str], dict[str, Any]],
                    k: int) -> list[dict[str, Any]]:
    """One row per question: learners, share correct, discrimination against each learner's
    score on the other questions (corrected item-total correlation), distractor counts, and
    reasons to rewrite. Questions answered by fewer than ``k`` learners show only the count.

    ``info`` maps (module, question) to ``{"type", "options", "answer"}``.
    """
    firsts = first_attempts(events)
    per_learner: dict[str, dict[tuple[str, str], int]] = defaultdict(dict)
    for item, by_learner in firsts.items():
        for pseudonym, event in by_learner.items():
            per_learner[pseudonym][item] = int(bool(event["correct"]))
    rows = []
    for item in sorted(firsts):
        by_learner = firsts[item]
        meta = info.get(item, {})
        row: dict[str, Any] = {"module": item[0], "question_id": item[1],
                               "learners": len(by_learner), "share_correct": None,
                               "discrimination": None, "distractors": None, "rewrite": []}
        if len(by_learner) >= k:
            scores, rests = [], []
            for pseudonym, event in by_learner.items():
                others = [v for key, v in per_learner[pseudonym].items() if key != item]
                if others:
                    scores.append(float(bool(event["correct"])))
                    rests.append(sum(others) / len(others))
            share = sum(1 for e in by_learner.values() if e["correct"]) / len(by_learner)
            discrimination = _pearson(scores, rests)
            right = set(choice_labels(meta.get("answer")))
            options = list(meta.get("options") or {})
            distractors = {o: 0 for o in options if o not in right}
            if meta.get("type") in ("single", "multiple"):
                for event in by_learner.values():
                    for label in choice_labels(event["answer"]):
                        if label in distractors:
                            distractors[label] += 1
            unused = [o for o, n in distractors.items() if n == 0]
            row.update(share_correct=share, discrimination=discrimination,
                       distractors=distractors or None,
                       rewrite=rewrite_reasons(share, discrimination, unused))
        rows.append(row)
    return rows
