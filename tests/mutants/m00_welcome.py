"""Plausible wrong answers for module 00 (welcome): the warm-up `weekly_minutes`."""

from tests.mutants import Mutant

MODULE = "00-welcome"
_CELL = dict(test="weekly-minutes-tests", answer="weekly-minutes-answer")

MUTANTS = [
    Mutant(**_CELL, name="hours-not-minutes", why="answers in hours (1.5) instead of minutes",
           replace=[("weekly_minutes = 90", "weekly_minutes = 1.5")]),
    Mutant(**_CELL, name="float-minutes", why="right number, but a float rather than an int",
           replace=[("weekly_minutes = 90", "weekly_minutes = 90.0")]),
    Mutant(**_CELL, name="text-minutes", why="types the number as text",
           replace=[("weekly_minutes = 90", 'weekly_minutes = "90"')]),
    Mutant(**_CELL, name="zero-minutes", why="plans no time at all",
           replace=[("weekly_minutes = 90", "weekly_minutes = 0")]),
    Mutant(**_CELL, name="minutes-per-month", why="counts a month of evenings (more than 40 h)",
           replace=[("weekly_minutes = 90", "weekly_minutes = 60 * 45")]),
    Mutant(**_CELL, name="bool-true", why="answers 'yes, I will make time' with True",
           replace=[("weekly_minutes = 90", "weekly_minutes = True")]),
]
