"""Module 00: the hidden test of the one graded exercise, against the solution's answer."""

from __future__ import annotations

from tests.content.solved import (
    assert_hidden_test_grades,
    hidden_cases,
    solved,
)
from tests.lookalikes import AlwaysEqual

# --- the hidden tests in the notebook -----------------------------------------------------


HIDDEN = [
    ("00-welcome", "weekly-minutes", "weekly_minutes",
     lambda: solved("00-welcome", "weekly-minutes", "weekly_minutes"),
     [lambda: "90", lambda: 90.0, lambda: 0, lambda: True, AlwaysEqual]),
]


@hidden_cases(HIDDEN)
def test_hidden_tests_accept_the_solution_and_reject_wrong_answers(
        module, exercise, name, good, bads) -> None:
    assert_hidden_test_grades(module, exercise, name, good, bads)
