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


def _pair(function: Callable[..., Any], name: str, *args: Any) -> tuple[float, float]:
    result = _call(function, name, *args)
    expect_true(type(result) is tuple and len(result) == 2,
                f"{name} should return a tuple of two numbers, not {type(result).__name__}.")
    expect_true(all(isinstance(v, int | float) and not isinstance(v, bool)
                    and math.isfinite(v) for v in result),
                f"{name} should return two plain numbers (float).")
    return float(result[0]), float(result[1])


def check_precision_recall(function: Callable[..., Any]) -> None:
    """``precision_recall_at(y_true, scores, threshold)`` → ``(precision, recall)``.

    Behaviour only, on labels and scores of its own: both values are shares between 0 and 1;
    scores that rank every fraud above every genuine payment, cut between them, give a
    perfect pair; raising the threshold never raises recall; nothing flagged gives a
    precision of 0; a score equal to the threshold is flagged.
    """
    labels = [1, 0, 0, 1, 0, 0, 1, 0]
    ranked = [0.92, 0.15, 0.4, 0.81, 0.05, 0.33, 0.77, 0.21]
    for threshold in (0.0, 0.2, 0.35, 0.6, 0.8, 0.95):
        precision, recall = _pair(function, "precision_recall_at", labels, ranked, threshold)
        expect_true(0 <= precision <= 1 and 0 <= recall <= 1,
                    "Precision and recall are shares: each should be between 0 and 1.")
    expect_true(_pair(function, "precision_recall_at", labels, ranked, 0.6) == (1.0, 1.0),
                "When every fraud scores above the threshold and every genuine payment below "
                "it, nothing is missed and no alarm is false.")
    recalls = [_pair(function, "precision_recall_at", labels, ranked, t)[1]
               for t in (0.1, 0.3, 0.5, 0.8, 0.9)]
    expect_true(all(a >= b for a, b in zip(recalls, recalls[1:], strict=False)),
                "Raising the threshold flags fewer payments, so recall should never go up.")
    expect_true(_pair(function, "precision_recall_at", labels, ranked, 0.99)[0] == 0.0,
                "With nothing flagged, precision should be 0.0 (the exercise's convention).")
    at_score = _pair(function, "precision_recall_at", [1, 0], [0.5, 0.2], 0.5)
    expect_true(at_score[1] == 1.0,
                "A score equal to the threshold should be flagged (greater than or equal).")
    passed("precision_recall_at returns two shares that behave as a threshold says.")


def check_p50_p99(function: Callable[..., Any]) -> None:
    """``p50_p99(latencies_ms)`` → ``(p50, p99)``: behaviour on latencies of its own.

    Same values give that value twice; the order of the list does not matter; the list is
    not changed; p50 ≤ p99, both between the smallest and the largest value; one slow call
    in a large sample moves the p99 far more than the p50.
    """
    expect_true(_pair(function, "p50_p99", [3.0] * 9) == (3.0, 3.0),
                "When every call takes 3 ms, p50 and p99 should both be 3.0.")
    sample = [float((i * 13) % 29) + 0.5 for i in range(40)]
    given = list(sample)
    low, high = _pair(function, "p50_p99", given)
    expect_true(given == sample, "p50_p99 should not change (or sort) the list it is given.")
    expect_true(min(sample) <= low <= high <= max(sample),
                "Both percentiles should lie between the fastest and the slowest call, "
                "with p50 no larger than p99.")
    expect_true(_pair(function, "p50_p99", sorted(sample, reverse=True)) == (low, high),
                "The order of the calls should not matter: sort a copy first.")
    tail = [1.0] * 300 + [500.0] * 5
    tail_low, tail_high = _pair(function, "p50_p99", tail)
    expect_true(tail_low == 1.0 and tail_high > 1.0,
                "Five slow calls in 305 should leave the median alone and lift the p99.")
    passed("p50_p99 sorts a copy, keeps p50 below p99, and its p99 sees the slow tail.")


def check_capacity(function: Callable[..., Any]) -> None:
    """``capacity_tps(p99_ms, cores, batch_size=1)``: a rate that scales as stated.

    Behaviour only: positive; doubling the cores or the batch doubles it; doubling the
    latency halves it; ``batch_size`` defaults to one payment per call.
    """
    def rate(*args: Any) -> float:
        result = _call(function, "capacity_tps", *args)
        expect_true(_is_number(result) and not isinstance(result, bool),
                    "capacity_tps should return a plain number (float), not "
                    f"{type(result).__name__}.")
        return float(result)

    base = rate(0.8, 3, 5)
    expect_true(base > 0, "A positive latency, cores and batch should give a positive rate.")
    for args, factor, what in (((0.8, 6, 5), 2.0, "the cores"), ((0.8, 3, 10), 2.0, "the batch"),
                               ((1.6, 3, 5), 0.5, "the latency")):
        expect_true(math.isclose(rate(*args), factor * base, rel_tol=1e-9),
                    f"Doubling {what} should {'halve' if factor < 1 else 'double'} the "
                    "capacity: use every argument.")
    expect_true(math.isclose(rate(0.8, 3), rate(0.8, 3, 1), rel_tol=1e-12),
                "Without a batch_size, each call should score one payment.")
    passed("capacity_tps scales with cores and batch, and falls as calls get slower.")
