"""Self-checks for 05-integration-lab: behaviour on small simulated cases, never the answer."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from typing import Any

from course import labs
from course.checks import CheckFailed, expect_equal, expect_true, expect_type, passed

SAMPLE = "Hello, I was charged twice for my March invoice"


def _messages(text: str = SAMPLE) -> list[dict[str, str]]:
    return [{"role": "user", "content": text}]


def check_parse_label(parse_label: Callable[[str], Any]) -> None:
    """Well-formed answers give their label; each kind of malformed answer gives None."""
    good = json.dumps({"label": "billing", "confidence": 0.8})
    expect_equal(parse_label(good), "billing", "parse_label(a well-formed answer)")
    broken = ['{"label": "bug", "confid', "The label is bug.", '{"category": "bug"}',
              '{"label": "bug", "confidence": 80}', '{"label": "banana", "confidence": 0.5}',
              "[]", ""]
    for content in broken:
        result = parse_label(content)
        expect_true(result is None,
                    f"parse_label({content!r}) should be None: that answer is malformed.")
    passed("parse_label keeps well-formed answers and rejects five kinds of garbage.")


def check_backoff_delay(backoff_delay: Callable[..., Any]) -> None:
    """Delays are floats inside the growing, capped window and are not all the same."""
    rng = random.Random(1)
    for attempt in range(8):
        delay = backoff_delay(attempt, rng, base=0.5, cap=5.0)
        expect_type(delay, float, "backoff_delay(...)")
        limit = min(5.0, 0.5 * 2**attempt)
        expect_true(0 <= delay <= limit,
                    f"attempt {attempt}: the delay should lie between 0 and {limit} s.")
    spread = {backoff_delay(3, random.Random(seed), base=0.5, cap=5.0) for seed in range(20)}
    expect_true(len(spread) > 10, "the delay should be jittered (random within its window).")
    passed("backoff_delay grows, stays under the cap and is jittered.")


def check_call_with_retries(call_with_retries: Callable[..., Any]) -> None:
    """Recovers from a flaky primary, honours retry_after, keeps to its deadline and does not
    retry bad requests."""
    _check_deadline(call_with_retries)
    sc = labs.scenario("rate-limited-burst", seed=3)
    rng = random.Random(0)
    for i in range(25):
        reply = call_with_retries(sc.client, _messages(f"{SAMPLE} #{i}"), model=sc.primary,
                                  rng=rng, max_attempts=4, budget_s=120.0)
        expect_true(isinstance(reply, labs.ChatCompletion),
                    "call_with_retries should return the response object.")
    log = sc.log()
    waits = log.loc[log["outcome"] == "rate_limited", "retry_after"]
    expect_true(len(waits) > 0, "this burst should have hit the rate limit at least once.")
    expect_true(sc.clock.slept >= float(waits.min()) - 1e-9,
                "after a RateLimitError, wait at least its retry_after seconds.")
    try:
        call_with_retries(sc.client, _messages("x" * 40_000), model=sc.primary, rng=rng)
    except labs.ContextLengthError:
        pass
    else:
        raise CheckFailed("❌ a request that is too long should raise ContextLengthError.")
    tail = sc.log().tail(2)["outcome"].tolist()
    expect_true(tail[-2:] != ["bad_request", "bad_request"],
                "a bad request cannot succeed later: do not retry it.")
    passed("call_with_retries rides out a rate-limit burst, ends by its deadline and gives up "
           "on bad requests.")


def _check_deadline(call_with_retries: Callable[..., Any]) -> None:
    """A primary that never answers in time, called at t=100 s with a 12 s budget and a 5 s
    timeout: the call must end with APITimeoutError by t=112 s."""
    sc = labs.scenario("healthy", seed=5)
    sc.provider.add_model(labs.PRIMARY.evolve(timeout_rate=1.0), at=0.0)
    sc.clock.advance(100.0)
    try:
        call_with_retries(sc.client, _messages(), model=sc.primary, rng=random.Random(2),
                          max_attempts=10, budget_s=12.0, timeout=5.0)
    except labs.APITimeoutError:
        pass
    except labs.BadRequestError as error:
        raise CheckFailed(f"❌ an attempt was refused ({error}): give each attempt the time "
                          "left of budget_s, counted from the start of the call, and when none "
                          "is left re-raise the last error instead of calling.") from None
    else:
        raise CheckFailed("❌ a model that never answers in time should end in APITimeoutError.")
    spent = sc.clock.now() - 100.0
    expect_true(spent <= 12.0 + 1e-9,
                f"with budget_s=12 the call took {spent:.1f} s: the budget is a deadline on the "
                "whole call, so an attempt may only use the time that is left.")


def check_cache_key(cache_key: Callable[[str, list[dict[str, str]]], Any]) -> None:
    """Same key for the same request written differently; different keys otherwise."""
    a = cache_key("ticket-primary", _messages("Reset my  password please"))
    expect_type(a, str, "cache_key(...)")
    same = cache_key("ticket-primary", _messages("  reset my password PLEASE "))
    expect_true(a == same, "case and extra spaces should not change the key.")
    other_model = cache_key("ticket-secondary", _messages("Reset my password please"))
    other_text = cache_key("ticket-primary", _messages("Reset my email please"))
    expect_true(a != other_model, "a different model must give a different key.")
    expect_true(a != other_text, "a different request must give a different key.")
    passed("cache_key normalises requests and keeps different ones apart.")


def check_ttl_cache(cache_class: type) -> None:
    """Hits, misses, hit rate and expiry on a virtual clock."""
    clock = labs.VirtualClock()
    cache = cache_class(clock, ttl_s=60.0)
    expect_true(cache.get("k") is None, "an empty cache should miss (return None).")
    cache.put("k", "billing")
    expect_equal(cache.get("k"), "billing", "cache.get after put")
    clock.sleep(61.0)
    expect_true(cache.get("k") is None, "an entry older than ttl_s should be stale (None).")
    expect_equal(cache.hits, 1, "cache.hits")
    expect_equal(cache.misses, 2, "cache.misses")
    expect_type(cache.hit_rate, float, "cache.hit_rate")
    expect_true(abs(cache.hit_rate - 1 / 3) < 1e-9, "hit_rate should be hits / lookups.")
    passed("TTLCache counts hits and misses and drops stale entries.")


def check_classify(classify: Callable[..., Any]) -> None:
    """Falls back in order and says why; ends on the safe default when all models fail."""
    sc = labs.scenario("all-down")
    result = classify(sc.client, SAMPLE)
    expect_type(result, dict, "classify(...)")
    expect_equal(result.get("label"), "needs_human", "label when every model is down")
    expect_equal(result.get("source"), "default", "source when every model is down")
    steps = [step.get("step") for step in result.get("trail", [])]
    expect_equal(steps, [sc.primary, sc.secondary, "default"], "the steps in trail")
    sc = labs.scenario("healthy")
    result = classify(sc.client, SAMPLE)
    expect_true(result.get("source") in (sc.primary, sc.secondary),
                "with healthy models the answer should come from a model.")
    passed("classify falls back in order, records why, and ends on a safe default.")
