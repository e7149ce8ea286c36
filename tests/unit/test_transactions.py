"""The synthetic card payments and the simulated fraud API of module 08 (course.labs.transactions)."""

from __future__ import annotations

import math
import time

import pandas as pd
import pytest

from course.labs import transactions as tx


def test_same_seed_same_payments_and_another_seed_differs() -> None:
    first = tx.transactions(2_000, seed=8)
    pd.testing.assert_frame_equal(first, tx.transactions(2_000, seed=8))
    assert not first.equals(tx.transactions(2_000, seed=9))


def test_columns_follow_the_data_dictionary() -> None:
    payments = tx.transactions(500)
    assert list(payments.columns) == list(tx.DATA_DICTIONARY)
    assert set(tx.FEATURES) | {tx.LABEL} == set(payments.columns)
    table = tx.data_dictionary()
    assert list(table["column"]) == list(payments.columns)
    assert all(len(meaning) > 20 for meaning in table["meaning"])


def test_values_are_in_their_documented_ranges() -> None:
    payments = tx.transactions(10_000)
    for flag in ("card_present", "new_merchant", "foreign", tx.LABEL):
        assert set(payments[flag].unique()) == {0, 1}, flag
    assert payments["hour"].between(0, 23).all()
    assert (payments["amount_eur"] > 0).all() and (payments["distance_km"] >= 0).all()
    assert payments["merchant_risk"].between(0, 1).all()
    assert (payments["tx_last_hour"] >= 0).all()


def test_fraud_is_rare_and_differs_from_genuine_payments() -> None:
    payments = tx.transactions(10_000, seed=8)
    share = payments[tx.LABEL].mean()
    assert 0.012 < share < 0.03, share  # about 2 in 100: imbalanced
    by_label = payments.groupby(tx.LABEL).median(numeric_only=True)
    assert by_label.loc[1, "amount_eur"] > by_label.loc[0, "amount_eur"]
    assert by_label.loc[1, "distance_km"] > by_label.loc[0, "distance_km"]
    rare = tx.transactions(10_000, seed=8, fraud_rate=0.005)[tx.LABEL].mean()
    assert rare < share


@pytest.mark.parametrize("kwargs, named", [({"n": 0}, "n must"), ({"n": 2.5}, "n must"),
                                           ({"fraud_rate": 0.0}, "fraud_rate"),
                                           ({"fraud_rate": 1.5}, "fraud_rate")])
def test_bad_arguments_are_named(kwargs: dict, named: str) -> None:
    with pytest.raises(ValueError, match=named):
        tx.transactions(**kwargs)


def test_a_payment_described_as_text_never_carries_its_label() -> None:
    payments = tx.transactions(50, seed=3)
    fraud = payments[payments[tx.LABEL] == 1]
    row = (fraud if len(fraud) else payments).iloc[0]
    text = tx.describe_payment(row)
    assert "fraud" not in text.lower() and f"{row['amount_eur']:.2f} EUR" in text


def test_the_simulated_api_bills_every_call_on_a_virtual_clock(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def no_real_sleep(seconds: float) -> None:
        raise AssertionError("simulate_api slept for real")

    monkeypatch.setattr(time, "sleep", no_real_sleep)
    payments = tx.transactions(400, seed=8)
    log = tx.simulate_api(payments, seed=8)
    assert len(log) == 400 and (log["outcome"] == "ok").all()
    assert (log["latency_ms"] > 0).all()
    assert log["timestamp"].is_monotonic_increasing  # one call after another, virtual time
    spec = tx.FRAUD_API
    expected = (log["prompt_tokens"] * spec.price_in_per_1k
                + log["completion_tokens"] * spec.price_out_per_1k) / 1000
    assert all(math.isclose(a, b, rel_tol=1e-6) for a, b in zip(log["cost_usd"], expected,
                                                                 strict=True))
    assert (log["prompt_tokens"] > len(tx.INSTRUCTIONS) // 4).all()  # the prompt is billed
    pd.testing.assert_frame_equal(log, tx.simulate_api(payments, seed=8))


def test_the_simulated_latency_follows_its_spec() -> None:
    log = tx.simulate_api(tx.transactions(2_000, seed=8), seed=8)
    median = log["latency_ms"].median()
    p95 = log["latency_ms"].quantile(0.95)
    assert 0.85 * tx.FRAUD_API.median_latency_ms < median < 1.15 * tx.FRAUD_API.median_latency_ms
    assert 0.8 * tx.FRAUD_API.p95_latency_ms < p95 < 1.25 * tx.FRAUD_API.p95_latency_ms


def test_simulate_api_names_missing_columns() -> None:
    with pytest.raises(ValueError, match="merchant_risk"):
        tx.simulate_api(tx.transactions(5).drop(columns="merchant_risk"))
