"""Self-checks for module 08 (when to build your own model).

The checks try the learner's functions on small cases whose answers are easy to verify
by hand; a failure says what to look at, never the expected number.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from course.checks import CheckFailed, expect_true, passed

SECONDS_PER_MONTH = 30 * 24 * 60 * 60
CHOICES = ("API", "in-house model")


def _call(function: Callable[..., Any], name: str, *args: Any) -> Any:
    expect_true(callable(function), f"`{name}` should be a function.")
    try:
        return function(*args)
    except NotImplementedError:
        raise
    except Exception as error:  # report the learner's error as a failed check
        raise CheckFailed(f"❌ `{name}{args}` raised {type(error).__name__}: {error}") from None


def _is_number(value: Any) -> bool:
    return type(value) in (int, float) and math.isfinite(value)


def check_monthly_cost(function: Callable[..., Any]) -> None:
    """``monthly_cost(tps, tokens_per_request, price_per_1k_tokens)`` → USD per 30-day month."""
    cases = [(1, 1000, 1.0), (10, 500, 0.002), (250, 1200, 0.01), (0.5, 80, 0.03)]
    for tps, tokens, price in cases:
        result = _call(function, "monthly_cost", tps, tokens, price)
        expect_true(_is_number(result),
                    f"monthly_cost should return a plain number (int or float), not "
                    f"{type(result).__name__}.")
        expected = tps * SECONDS_PER_MONTH * tokens / 1000 * price
        if not math.isclose(result, expected, rel_tol=1e-6):
            hint = ("Check the seconds in a 30-day month and that the price is per 1,000 tokens."
                    if tps == 1 else "It works for one case but not for others: use every "
                    "argument.")
            raise CheckFailed(f"❌ monthly_cost{(tps, tokens, price)} returned {result!r}, "
                              f"which is not right yet. {hint}")
    passed("monthly_cost gives the right bill for four loads, token counts and prices.")


def _check_decision(result: Any, call: str) -> tuple[str, list[str]]:
    expect_true(type(result) is tuple and len(result) == 2,
                f"{call} should return a tuple (choice, reasons), not {type(result).__name__}.")
    choice, reasons = result
    expect_true(type(choice) is str and choice in CHOICES,
                f'The choice from {call} should be the str "API" or "in-house model".')
    expect_true(type(reasons) is list and len(reasons) > 0
                and all(type(r) is str and r.strip() for r in reasons),
                f"The reasons from {call} should be a non-empty list of sentences (str).")
    return choice, reasons


DECIDE_CASES: list[tuple[tuple[float, float, float, float], str, int | None]] = [
    # (latency_budget_ms, api_latency_ms, api_monthly_cost, inhouse_monthly_cost), choice, reasons
    ((50, 300, 1_000_000, 30_000), "in-house model", 2),
    ((1000, 300, 1_000, 30_000), "API", None),
    ((1000, 300, 50_000, 30_000), "in-house model", 1),
    ((100, 300, 100, 30_000), "in-house model", 1),
    ((500, 300, 30_000, 30_000), "API", None),
]


def check_decide(function: Callable[..., Any]) -> None:
    """``decide(latency_budget_ms, api_latency_ms, api_monthly_cost, inhouse_monthly_cost)``."""
    wrong = 0
    for args, expected, n_reasons in DECIDE_CASES:
        call = f"decide{args}"
        choice, reasons = _check_decision(_call(function, "decide", *args), call)
        if not (expected == choice) or (n_reasons is not None and len(reasons) != n_reasons):
            wrong += 1
    expect_true(wrong == 0, f"{wrong} of {len(DECIDE_CASES)} test situations get the wrong choice "
                "or the wrong number of reasons. Re-read the rules: latency first, then cost, "
                "and one reason per problem with the API.")
    passed(f"decide makes the expected call in all {len(DECIDE_CASES)} test situations.")
