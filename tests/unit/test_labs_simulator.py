"""The simulated provider behind modules 05–07: deterministic, configurable, never sleeps.

Statistical checks use 10,000 calls and fixed seeds. Stated tolerances: each error rate
within 0.015 (absolute) of its configured value (about 5 binomial standard deviations at
p = 0.2); the p50 and p95 latency within 5% (relative) of the configured values.
"""

from __future__ import annotations

import json
import math
import time

import pandas as pd
import pytest

from course import labs

MSG = [{"role": "user", "content": "I was charged twice for my March invoice"}]


@pytest.fixture(autouse=True)
def no_real_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any real sleep is a bug in the labs."""
    def refuse(seconds: float) -> None:
        raise AssertionError(f"time.sleep({seconds}) called: the labs must use the virtual clock")

    monkeypatch.setattr(time, "sleep", refuse)


def _traffic(sc: labs.Scenario, n: int, every_s: float = 1.0) -> pd.DataFrame:
    for text in labs.tickets(n, seed=sc.provider.seed):
        sc.clock.sleep(every_s)
        try:
            sc.client.chat.completions.create(
                model=sc.primary, messages=[{"role": "user", "content": text}], timeout=3,
                max_tokens=64)
        except labs.APIError:
            pass
    return sc.log()


def test_same_seed_gives_the_same_call_log():
    first = _traffic(labs.scenario("flaky-primary", seed=5), 400)
    again = _traffic(labs.scenario("flaky-primary", seed=5), 400)
    other = _traffic(labs.scenario("flaky-primary", seed=6), 400)
    pd.testing.assert_frame_equal(first, again)
    assert not first["outcome"].equals(other["outcome"])
    assert set(first["outcome"]) >= {"ok", "garbage", "timeout", "rate_limited", "server_error"}


def test_error_rates_match_the_configuration_over_10000_calls():
    spec = labs.ModelSpec("m", timeout_rate=0.05, rate_limit_rate=0.10, server_error_rate=0.15,
                          garbage_rate=0.20, median_latency_ms=300, p95_latency_ms=900)
    provider = labs.SimulatedProvider([spec], seed=42)
    client = labs.Client(provider)
    for _ in range(10_000):
        try:
            client.chat.completions.create(model="m", messages=MSG, timeout=1e6, max_tokens=64)
        except labs.APIError:
            pass
    log = provider.log_frame()
    share = log["outcome"].value_counts(normalize=True)
    assert share["timeout"] == pytest.approx(0.05, abs=0.015)
    assert share["rate_limited"] == pytest.approx(0.10, abs=0.015)
    assert share["server_error"] == pytest.approx(0.15, abs=0.015)
    delivered = log[log["status"] == "ok"]
    assert (delivered["outcome"] == "garbage").mean() == pytest.approx(0.20, abs=0.015)


def test_latency_quantiles_match_the_configuration_over_10000_calls():
    spec = labs.ModelSpec("m", median_latency_ms=400, p95_latency_ms=1200)
    provider = labs.SimulatedProvider([spec], seed=7)
    client = labs.Client(provider)
    for _ in range(10_000):
        client.chat.completions.create(model="m", messages=MSG, timeout=1e6, max_tokens=64)
    latency = provider.log_frame()["latency_ms"]
    assert latency.quantile(0.50) == pytest.approx(400, rel=0.05)
    assert latency.quantile(0.95) == pytest.approx(1200, rel=0.05)
    assert spec.latency_quantile_ms(0.95) == pytest.approx(1200)


def test_the_client_has_the_usual_response_shape_and_costs_add_up():
    sc = labs.scenario("healthy", seed=1)
    reply = sc.client.chat.completions.create(model=sc.primary, messages=MSG, timeout=5,
                                              max_tokens=64, temperature=0.2)
    content = json.loads(reply.choices[0].message.content)
    assert content["label"] in labs.LABELS and 0 <= content["confidence"] <= 1
    usage = reply.usage
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens > 0
    assert reply.model == sc.primary and reply.id.startswith("req-")
    spec = labs.PRIMARY
    expected = (usage.prompt_tokens * spec.price_in_per_1k
                + usage.completion_tokens * spec.price_out_per_1k) / 1000
    assert reply.cost_usd == pytest.approx(expected)
    assert sc.log()["cost_usd"].iloc[0] == pytest.approx(expected)


def test_the_virtual_clock_moves_without_real_time():
    clock = labs.VirtualClock()
    started = time.perf_counter()
    for _ in range(1000):
        clock.sleep(3600.0)
    assert clock.now() == pytest.approx(3_600_000.0) and clock.slept == clock.now()
    assert time.perf_counter() - started < 0.5
    with pytest.raises(ValueError):
        clock.sleep(-1)


def test_rate_limits_per_minute_give_retry_after_on_the_virtual_clock():
    sc = labs.scenario("rate-limited-burst", seed=2)
    answered = 0
    with pytest.raises(labs.RateLimitError) as caught:
        for _ in range(30):
            sc.client.chat.completions.create(model=sc.primary, messages=MSG, timeout=5,
                                              max_tokens=64)
            answered += 1
    assert answered == 20, "20 requests per minute"
    wait = caught.value.retry_after
    assert 0 < wait <= 60 and caught.value.status_code == 429
    sc.clock.sleep(wait)
    sc.client.chat.completions.create(model=sc.primary, messages=MSG, timeout=5, max_tokens=64)


def test_token_limit_per_minute():
    spec = labs.ModelSpec("m", tokens_per_minute=1000)
    client = labs.Client(labs.SimulatedProvider([spec]))
    client.chat.completions.create(model="m", messages=MSG, max_tokens=600)
    with pytest.raises(labs.RateLimitError) as caught:
        client.chat.completions.create(model="m", messages=MSG, max_tokens=600)
    assert 59 < caught.value.retry_after <= 60.01


def test_timeouts_cost_exactly_the_timeout_and_bad_requests_fail_fast():
    slow = labs.ModelSpec("slow", median_latency_ms=20_000, p95_latency_ms=40_000)
    provider = labs.SimulatedProvider([slow], seed=1)
    client = labs.Client(provider)
    with pytest.raises(labs.APITimeoutError):
        client.chat.completions.create(model="slow", messages=MSG, timeout=2.5)
    assert provider.clock.now() == pytest.approx(2.5)
    with pytest.raises(labs.ContextLengthError) as too_long:
        client.chat.completions.create(model="slow", messages=[
            {"role": "user", "content": "x" * 40_000}])
    assert isinstance(too_long.value, labs.BadRequestError)
    for bad in ([], [{"role": "user"}], "hello"):
        with pytest.raises(labs.BadRequestError):
            client.chat.completions.create(model="slow", messages=bad)
    with pytest.raises(labs.NotFoundError):
        client.chat.completions.create(model="nope", messages=MSG)
    assert not issubclass(labs.BadRequestError, labs.RETRYABLE)


def test_garbage_is_a_successful_response_with_malformed_content():
    spec = labs.ModelSpec("m", garbage_rate=1.0)
    client = labs.Client(labs.SimulatedProvider([spec], seed=3))
    seen = set()
    for _ in range(50):
        content = client.chat.completions.create(model="m", messages=MSG).choices[0].message.content
        seen.add(content)
        try:
            data = json.loads(content)
        except ValueError:
            continue
        valid = (isinstance(data, dict) and data.get("label") in labs.LABELS
                 and isinstance(data.get("confidence"), float) and 0 <= data["confidence"] <= 1)
        assert not valid, content
    assert len(seen) > 5
    cut = client.chat.completions.create(model="m", messages=MSG, max_tokens=3)
    assert cut.choices[0].finish_reason == "length"


def test_outages_releases_and_rollback():
    sc = labs.scenario("bad-release-v2")
    assert sc.provider.spec(sc.primary, at=3599.9).version == "v1"
    assert sc.provider.spec(sc.primary, at=3600.0).version == "v2"
    sc.clock.sleep(4000)
    assert sc.client.chat.completions.create(model=sc.primary, messages=MSG).version == "v2"
    sc.provider.rollback(sc.primary, "v1")
    assert sc.client.chat.completions.create(model=sc.primary, messages=MSG).version == "v1"
    down = labs.scenario("all-down")
    for model in (down.primary, down.secondary):
        with pytest.raises(labs.InternalServerError):
            down.client.chat.completions.create(model=model, messages=MSG)


def test_every_preset_builds_and_unknown_names_are_refused():
    for name in labs.PRESETS:
        sc = labs.scenario(name)
        assert sc.description and sc.clock.now() == 0.0
    assert {"flaky-primary", "rate-limited-burst", "bad-release-v2",
            "drifting-inputs"} <= set(labs.PRESETS)
    with pytest.raises(ValueError, match="flaky-primary"):
        labs.scenario("nope")


def test_log_tables_match_the_bundled_datasets_columns():
    from course import data

    logs = labs.release_logs("bad", n=600)
    bundled = data.load("request_logs")
    assert list(logs.columns) == list(bundled.columns) == labs.REQUEST_LOG_COLUMNS
    assert set(logs["status"]) <= {"ok", "timeout", "rate_limited", "server_error"}
    assert logs.loc[logs["status"] != "ok", "quality"].isna().all()
    assert logs["timestamp"].is_monotonic_increasing
    shares = labs.feature_shares()
    assert list(shares.columns) == list(data.load("feature_drift").columns)
    sums = shares.groupby(["week_index", "feature"])["share"].sum()
    assert ((sums - 1).abs() < 1e-3).all()
    drifting = labs.scenario("drifting-inputs").extras["feature_shares"]
    assert drifting["week_index"].max() == 10


def test_incident_reports_carry_evidence_only():
    reports = labs.incidents()
    assert len(reports) == 8 and len({r["id"] for r in reports}) == 8
    for report in reports:
        assert not {"action", "verdict", "answer", "severity", "owner"} & set(report)
        assert isinstance(report["quality_drop"], float) and math.isfinite(report["quality_drop"])
