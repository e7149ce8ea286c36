"""What a learner did before on one question, read from their recorded attempts."""

from __future__ import annotations

from typing import Any


def history(records: list[dict[str, Any]], module: str, question_id: str) -> dict[str, Any]:
    """One question's past, from attempts as a :class:`course.progress.Store` returns them.

    Keys: ``attempts`` (count), ``first_correct`` (attempt number, or None), ``best_score``,
    ``last_answer`` (None before the first attempt) and ``revealed`` (the answer was shown).
    """
    found = [a for a in records
             if a.get("module") == module and a.get("question_id") == question_id]
    first = next((i for i, a in enumerate(found, start=1) if a.get("correct")), None)
    return {
        "attempts": len(found),
        "first_correct": first,
        "best_score": max((float(a.get("score", 0)) for a in found), default=0.0),
        "last_answer": found[-1].get("answer") if found else None,
        "revealed": any(a.get("revealed") for a in found),
    }
