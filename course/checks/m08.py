"""Self-checks for module 08 (when to build your own model).

The checks test behaviour the exercise text states (a bill that grows in proportion to each
input, an option that fails a hard limit is never chosen, ...). They hold no reference
implementation and never compute or print the expected bill or choice; the hidden tests in
the notebook grade the exact values.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Any

from course.checks import CheckFailed, expect_true, passed

CHOICES = ("API", "in-house model", "hybrid", "neither")
DAY = 24 * 60 * 60


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


def _bill(function: Callable[..., Any], *args: float) -> float:
    result = _call(function, "monthly_cost", *args)
    expect_true(_is_number(result), "monthly_cost should return a plain number (int or float), "
                f"not {type(result).__name__}.")
    return float(result)


def check_monthly_cost(function: Callable[..., Any]) -> None:
    """``monthly_cost(tps, tokens_per_request, price_per_1k_tokens)``: USD per 30-day month.

    Behaviour only: no load costs nothing; doubling any one input doubles the bill; one call a
    second at $1 a call costs about a month of seconds (a range, not the exact figure).
    """
    base = (4.0, 300.0, 0.02)
    expect_true(_bill(function, 0, *base[1:]) == 0,
                "With no load (tps = 0) the API bill should be 0.")
    bill = _bill(function, *base)
    expect_true(bill > 0, "A positive load, token count and price should give a positive bill.")
    for position, name in enumerate(("tps", "tokens_per_request", "price_per_1k_tokens")):
        doubled = list(base)
        doubled[position] *= 2
        expect_true(math.isclose(_bill(function, *doubled), 2 * bill, rel_tol=1e-9),
                    f"Doubling `{name}` should double the bill: use every argument, "
                    "multiplied in.")
    one_call_a_second = _bill(function, 1, 1000, 1.0)  # each call costs $1
    expect_true(28 * DAY <= one_call_a_second <= 31 * DAY,
                "One call a second for a month, each costing $1, should cost about as many "
                "dollars as a month has seconds. Check the time unit and that the price is "
                "per 1,000 tokens.")
    passed("monthly_cost grows with each input as a bill should, and its scale is a month.")


def _situation(api_ms: float, own_ms: float, api_q: float, own_q: float, approved: bool,
               api_cost: float, own_cost: float = 30_000.0) -> dict[str, Any]:
    return {"latency_budget_ms": 50, "api_latency_ms": api_ms, "inhouse_latency_ms": own_ms,
            "api_quality": api_q, "inhouse_quality": own_q, "quality_bar": 0.75,
            "api_data_approved": approved, "api_monthly_cost": api_cost,
            "inhouse_monthly_cost": own_cost}


def _decision(function: Callable[..., Any], situation: dict[str, Any]) -> tuple[str, list[str]]:
    given = dict(situation)
    result = _call(function, "decide", given)
    expect_true(type(result) is tuple and len(result) == 2,
                f"decide should return a tuple (choice, reasons), not {type(result).__name__}.")
    choice, reasons = result
    expect_true(type(choice) is str and choice in CHOICES,
                f"The choice should be one of the str {', '.join(map(repr, CHOICES))}; "
                f"decide returned {choice!r}.")
    expect_true(type(reasons) is list and len(reasons) > 0
                and all(type(r) is str and r.strip() for r in reasons),
                "The reasons should be a non-empty list of sentences (str).")
    expect_true(given == situation, "decide should not change the situation it is given.")
    return choice, reasons


def check_decide(function: Callable[..., Any]) -> None:
    """``decide(situation)`` → ``(choice, reasons)``: the behaviour the exercise states.

    Over a grid of situations: an option that fails a hard limit (budget, quality bar, or for
    the API the data approval) is never chosen on its own; "hybrid" never replaces an option
    that can serve alone; when both can serve, price decides. The exact choice in every case
    is left to the hidden tests.
    """
    grid = itertools.product((20, 400), (5, 90), (0.9, 0.5), (0.9, 0.5), (True, False),
                             (1_000.0, 90_000.0))
    for api_ms, own_ms, api_q, own_q, approved, api_cost in grid:
        situation = _situation(api_ms, own_ms, api_q, own_q, approved, api_cost)
        choice, reasons = _decision(function, situation)
        api_limits = [why for failed, why in ((not approved, "is not approved for this data"),
                                              (api_ms > 50, "is slower than the budget"),
                                              (api_q < 0.75, "is below the quality bar"))
                      if failed]
        own_limits = [why for failed, why in ((own_ms > 50, "is slower than the budget"),
                                              (own_q < 0.75, "is below the quality bar"))
                      if failed]
        expect_true(not (choice == "API" and api_limits),
                    f"decide chose the API although it {api_limits[0] if api_limits else ''}: "
                    "an option that fails a hard limit cannot serve.")
        expect_true(not (choice == "in-house model" and own_limits),
                    f"decide chose the in-house model although it "
                    f"{own_limits[0] if own_limits else ''}: an option that fails a hard "
                    "limit cannot serve.")
        expect_true(not (choice in ("hybrid", "neither") and not (api_limits and own_limits)),
                    f'decide answered "{choice}" although one option can serve on its own.')
        expect_true(not (api_limits and own_limits) or len(reasons) >= 2,
                    "When neither option can serve alone, give a reason for each of them.")
    cheap_api = _situation(20, 5, 0.9, 0.9, True, 1_000.0)
    expect_true(_decision(function, cheap_api)[0] == "API",
                "When both options can serve and the API costs less, the API should win.")
    dear_api = _situation(20, 5, 0.9, 0.9, True, 90_000.0)
    expect_true(_decision(function, dear_api)[0] == "in-house model",
                "When both options can serve and the in-house model costs less, it should win.")
    tie = _situation(20, 5, 0.9, 0.9, True, 30_000.0)
    expect_true(_decision(function, tie)[0] == "API",
                "When both can serve at the same price, the tie goes to the API.")
    passed("decide respects every hard limit, keeps the hybrid for when no option serves "
           "alone, and lets price decide between two that can serve.")
