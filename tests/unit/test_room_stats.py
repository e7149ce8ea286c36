"""Item statistics and live spreads, checked against values worked out by hand."""

from __future__ import annotations

import itertools

import pytest

from course.room import stats

INFO = {("m", q): {"type": "single", "options": {"a": "A", "b": "B", "c": "C"}, "answer": "a"}
        for q in ("qa", "qb", "qc")}


IDS = itertools.count(1)


def ev(learner: int, question: str, answer: str, attempt: int = 1):
    return {"id": next(IDS), "pseudonym": f"p-{learner}", "module": "m", "question_id": question,
            "answer": answer, "correct": answer == "a", "attempt": attempt}


def events():
    # learner: (qa, qb, qc) first answers; "a" is right everywhere
    table = {1: "aaa", 2: "aab", 3: "aaa", 4: "bba", 5: "cbb"}
    found = [ev(i, q, answers[j]) for i, answers in table.items()
             for j, q in enumerate(("qa", "qb", "qc"))]
    found.append(ev(4, "qa", "a", attempt=2))  # a later right attempt does not count
    return found


def test_discrimination_share_and_distractors_by_hand():
    rows = {r["question_id"]: r for r in stats.item_statistics(events(), INFO, k=5)}
    qa = rows["qa"]
    # qa right: learners 1,2,3; their score on qb+qc: 1, .5, 1, .5, 0
    # r = 0.70 / sqrt(1.2 * 0.70) = sqrt(0.7 / 1.2)
    assert qa["discrimination"] == pytest.approx((0.7 / 1.2) ** 0.5)
    assert qa["share_correct"] == pytest.approx(0.6)
    assert qa["distractors"] == {"b": 1, "c": 1}
    assert qa["learners"] == 5 and qa["rewrite"] == []
    qb = rows["qb"]
    assert qb["distractors"] == {"b": 2, "c": 0}
    assert any("nobody chose: c" in reason for reason in qb["rewrite"])


def test_below_k_only_the_count_is_given():
    rows = stats.item_statistics(events(), INFO, k=6)
    assert all(r["share_correct"] is None and r["distractors"] is None for r in rows)
    assert [r["learners"] for r in rows] == [5, 5, 5]


def test_live_spread_uses_first_attempts_and_names_the_most_common_wrong_option():
    firsts = stats.first_attempts(events())[("m", "qa")]
    summary = stats.question_summary(firsts, "single", "a", k=5)
    assert summary == {"answered": 5, "shown": True, "histogram": {"a": 3, "b": 1, "c": 1},
                       "correct_share": 0.6, "most_common_wrong": "b"}


def test_rewrite_reasons_in_plain_words():
    assert stats.rewrite_reasons(0.97, 0.5, []) == [
        "almost everyone gets it right first time: too easy to teach anything"]
    assert stats.rewrite_reasons(0.2, 0.05, ["d"])[0].startswith("fewer than 1 in 4")
    assert len(stats.rewrite_reasons(0.2, 0.05, ["d"])) == 3
