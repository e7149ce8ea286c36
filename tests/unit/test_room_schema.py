"""The server's fast event check never accepts what the published JSON Schema refuses, and
accepts the usual valid events itself (anything it is unsure of goes to the schema)."""

from __future__ import annotations

import pytest

from course.room import schema

GOOD = {"key": "0123456789abcdef", "pseudonym": "p-0123456789", "module": "01-identity-shift",
        "question_id": "identity-2026", "answer": "systems", "correct": True, "attempt": 1,
        "time": "2026-12-01T10:00:00.123Z"}

CASES = [
    {},
    GOOD,
    {**GOOD, "answer": ["a", "b"]}, {**GOOD, "answer": []}, {**GOOD, "answer": 1.5},
    {**GOOD, "answer": 3}, {**GOOD, "answer": None}, {**GOOD, "answer": True},
    {**GOOD, "answer": "x" * 81}, {**GOOD, "answer": ["a"] * 21}, {**GOOD, "answer": [1]},
    {**GOOD, "answer": {"a": 1}}, {**GOOD, "correct": 1}, {**GOOD, "attempt": 0},
    {**GOOD, "attempt": 1001}, {**GOOD, "attempt": 2.0}, {**GOOD, "attempt": True},
    {**GOOD, "key": "short"}, {**GOOD, "key": "k" * 65}, {**GOOD, "pseudonym": "p-ä1234567"},
    {**GOOD, "module": "Module"}, {**GOOD, "question_id": "-x"}, {**GOOD, "time": "yesterday"},
    {**GOOD, "time": "2026-12-01T10:00:00Z"}, {**GOOD, "time": "=cmd|' /C calc'!A0"},
    {**GOOD, "time": "2026-12-01T10:00:00.123Z\n"}, {**GOOD, "name": "Ada"},
    {k: v for k, v in GOOD.items() if k != "time"}, [GOOD], "event", None,
]


@pytest.mark.parametrize("event", CASES, ids=range(len(CASES)))
def test_fast_check_never_accepts_what_the_schema_refuses(event):
    if schema.conforms(event):
        assert schema.problems(event) == []


@pytest.mark.parametrize("event", [c for c in CASES if c is not None and schema.problems(c) == []
                                   and c.get("attempt") != 2.0])
def test_fast_check_accepts_valid_events_without_the_schema(event):
    assert schema.conforms(event)


def test_the_good_event_is_good_and_each_bad_one_says_why():
    assert schema.conforms(GOOD) and schema.problems(GOOD) == []
    assert any("time" in p for p in schema.problems({**GOOD, "time": "yesterday"}))
