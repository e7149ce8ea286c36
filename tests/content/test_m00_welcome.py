"""Module 00: the hidden test of the one graded exercise, against the solution's answer."""

from __future__ import annotations

from tests.content.solved import hidden_tests_grade, solution_of
from tests.lookalikes import AlwaysEqual

# --- the hidden tests in the notebook -----------------------------------------------------


HIDDEN = [
    ("00-welcome", "weekly-minutes", "weekly_minutes",
     solution_of("00-welcome", "weekly-minutes", "weekly_minutes"),
     [lambda: "90", lambda: 90.0, lambda: 0, lambda: True, AlwaysEqual]),
]

test_hidden_tests_accept_the_solution_and_reject_wrong_answers = hidden_tests_grade(HIDDEN)
