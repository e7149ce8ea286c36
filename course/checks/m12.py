"""Self-checks for module 12 (the capstone service).

Each check tests shape and a few behaviours on inputs of its own, never the graded values:
a ticket model that accepts a clean ticket and refuses an obviously broken one, counts that
are plain ints, a post-processing dict with the right keys, an app that answers /health, a
resilient prediction that returns a pair, a gate that answers "ship" or "hold", a daily
table with the right columns, a PSI of zero for equal shares. The lifecycle uses module 09's
published rules. This file holds no reference answer (the hidden tests do).
"""

from __future__ import annotations

import math
from types import SimpleNamespace
from typing import Any

from course.checks import CheckFailed, expect_columns, expect_true, passed
from course.checks.m09 import check_lifecycle as _check_lifecycle_rules

GOOD_TICKET = {"ticket_id": "T-000123", "text": "The export button crashes the app",
               "channel": "web", "tier": "pro"}


def check_ticket_model(model: Any) -> None:
    """A pydantic model that accepts a clean ticket and refuses one without a channel."""
    from pydantic import BaseModel, ValidationError

    expect_true(isinstance(model, type) and issubclass(model, BaseModel),
                "`TicketIn` should be a class that inherits from pydantic's BaseModel.")
    try:
        ticket = model(**GOOD_TICKET)
    except ValidationError as error:
        raise CheckFailed(f"❌ A clean ticket was refused: {error.errors()[0]['msg']}") from None
    expect_true(all(hasattr(ticket, f) for f in GOOD_TICKET),
                "A TicketIn needs the fields ticket_id, text, channel and tier.")
    try:
        model(**{k: v for k, v in GOOD_TICKET.items() if k != "channel"})
    except ValidationError:
        passed("TicketIn accepts a clean ticket and refuses one without a channel. The hidden "
               "test tries many more broken tickets: check every rule of the list.")
        return
    expect_true(False, "A ticket without a channel should raise ValidationError.")


def check_check_batch(check_batch: Any) -> None:
    """Four plain-int counts; an empty-problem batch counts zero everywhere."""
    import pandas as pd

    frame = pd.DataFrame([("T-1", "I cannot log in to my account", "account")],
                         columns=["ticket_id", "text", "category"])
    counts = check_batch(frame)
    expect_true(type(counts) is dict, "`check_batch` should return a dict.")
    keys = {"blank_text", "too_short", "repeated_ticket", "unknown_label"}
    expect_true(set(counts) == keys, f"The dict needs exactly the keys {sorted(keys)}.")
    expect_true(all(type(v) is int for v in counts.values()),
                "Every count should be a plain int (wrap numpy counts in int(...)).")
    expect_true(all(v == 0 for v in counts.values()), "A one-row clean batch has no problems.")
    passed("check_batch returns four int counts and finds nothing wrong in a clean row. Try it "
           "on a small frame of your own with one problem of each kind.")


def check_postprocess(postprocess: Any) -> None:
    """A dict with team (str), priority (P1-P3) and needs_review (bool)."""
    out = postprocess(SimpleNamespace(label="bug", confidence=0.95),
                      SimpleNamespace(text="The report page is slow to load", tier="free"))
    expect_true(type(out) is dict, "`postprocess` should return a dict.")
    expect_true(set(out) == {"team", "priority", "needs_review"},
                "The dict needs exactly the keys team, priority and needs_review.")
    expect_true(type(out["team"]) is str, "`team` should be a str.")
    expect_true(out["priority"] in ("P1", "P2", "P3"), "`priority` is P1, P2 or P3.")
    expect_true(type(out["needs_review"]) is bool, "`needs_review` should be a bool.")
    passed("postprocess returns the three keys with the right types. Which team and priority "
           "each case gets is graded by the hidden test: go through the rules one by one.")


def _get(app: Any, path: str) -> Any:
    """GET ``path`` from the ASGI ``app`` in process (an ``httpx.AsyncClient`` over an
    ``ASGITransport``). It runs on its own event loop in a worker thread, since the notebook's
    kernel already runs one on this thread."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    async def get() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://capstone") as client:
            return await client.get(path)

    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(asyncio.run, get()).result()


def check_make_app(make_app: Any) -> None:
    """A FastAPI app whose /health answers {"status": "ok"}."""
    from fastapi import FastAPI

    app = make_app(lambda ticket: {"team": "front desk", "priority": "P3",
                                   "needs_review": False})
    expect_true(isinstance(app, FastAPI), "`make_app` should return a FastAPI app.")
    reply = _get(app, "/health")
    expect_true(reply.status_code == 200, f"GET /health answered {reply.status_code}, not 200.")
    passed("make_app builds an app whose /health answers 200. Now post a valid ticket, an "
           "invalid one and one whose route raises, and look at each status code.")


def check_resilient_predict(resilient_predict: Any) -> None:
    """A (prediction, how) pair from a model that always answers."""

    class Answers:
        def predict(self, text: str) -> str:
            return "an answer"

    class Clock:
        def sleep(self, seconds: float) -> None:
            raise CheckFailed("❌ Nothing failed, so nothing should wait.")

    pair = resilient_predict("My refund never arrived", primary=Answers(), fallback=Answers(),
                             cache={}, clock=Clock(), retryable=(TimeoutError,))
    expect_true(type(pair) is tuple and len(pair) == 2,
                "`resilient_predict` should return a pair (prediction, how).")
    expect_true(pair[1] in ("cache", "primary", "fallback"),
                '`how` is "cache", "primary" or "fallback".')
    passed("resilient_predict returns a pair and does not wait when nothing fails. The hidden "
           "test scripts failures: try a primary that raises TimeoutError twice.")


def check_release_gate(release_gate: Any) -> None:
    """ "ship" or "hold" for two metric dicts."""
    same = {"n": 300, "accuracy": 0.8, "p95_ms": 900.0}
    verdict = release_gate(dict(same), dict(same))
    expect_true(verdict in ("ship", "hold"), 'Answer "ship" or "hold".')
    passed('release_gate answers "ship" or "hold". Check each of the three rules with a '
           "candidate that breaks only that one.")


def check_daily_metrics(daily_metrics: Any) -> None:
    """One row per day with the five columns."""
    import pandas as pd

    log = pd.DataFrame({"day": [2, 1, 2], "route": ["primary", "cache", "primary"],
                        "latency_ms": [500.0, 4.0, 700.0], "needs_review": [False, False, True]})
    daily = daily_metrics(log)
    expect_columns(daily, ("requests", "fallback_rate", "review_rate", "p95_ms", "alert"),
                   "daily_metrics(log)")
    expect_true(len(daily) == 2, "One row per day: a log with two days gives two rows.")
    expect_true(list(daily.index) == sorted(daily.index), "Sort the days in ascending order.")
    rates = list(daily["fallback_rate"]) + list(daily["review_rate"])
    expect_true(all(0 <= float(r) <= 1 for r in rates), "Rates are shares between 0 and 1.")
    passed("daily_metrics has one row per day and the five columns. Check the p95 and the "
           "alert thresholds against the exercise text.")


def check_psi(psi: Any) -> None:
    """Zero for equal shares, finite with an empty bin, positive for a shift."""
    same = psi([0.5, 0.3, 0.2], [0.5, 0.3, 0.2])
    expect_true(type(same) is float, "`psi` should return a float.")
    expect_true(abs(same) < 1e-12, "Equal shares have a PSI of 0.")
    empty = psi([0.5, 0.5, 0.0], [0.4, 0.4, 0.2])
    expect_true(math.isfinite(empty), "An empty bin must not make PSI infinite: floor at eps.")
    expect_true(empty > 0, "A shift between the shares gives a PSI above 0.")
    passed("psi is 0 for equal shares and finite with an empty bin.")


def check_lifecycle(lifecycle: Any) -> None:
    """Module 09's rules for a lifecycle table."""
    _check_lifecycle_rules(lifecycle)
