"""Synthetic card transactions for module 08, and a simulated fraud-scoring API to compare with.

Nothing here is real payment data. :func:`transactions` draws a table of card payments from a
fixed seed: the label first (about 2% fraud, so the classes are imbalanced as in real fraud
work), then each feature from a distribution that depends on the label, with wide overlap so
that no single column gives fraud away. Same seed, same rows, on every machine with the
locked numpy. The rows are generated in the notebook rather than bundled as a CSV: 10,000
rows take a few milliseconds to draw, a learner can draw more from another seed to test
their model, and no file of labels ships with the course.

:data:`DATA_DICTIONARY` documents every column; :func:`data_dictionary` shows it as a table.

:func:`simulate_api` sends the same transactions, one call each, to a hosted model on the
course's simulated provider (virtual clock, nothing sleeps, no network) and returns its call
log: latency and price per call. The simulated model's latency and prices are illustrative
assumptions (:data:`FRAUD_API`), not any provider's figures. It answers with the simulator's
generic label JSON, so only its latency, tokens and cost are used; the quality of an LLM on
fraud is left as an assumption in the notebook.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from course.labs.client import Client
from course.labs.clock import VirtualClock
from course.labs.provider import SimulatedProvider
from course.labs.spec import ModelSpec

if TYPE_CHECKING:
    import pandas as pd

LABEL = "is_fraud"
FEATURES = ("amount_eur", "hour", "distance_km", "card_present", "tx_last_hour",
            "new_merchant", "foreign", "merchant_risk")

DATA_DICTIONARY = {
    "amount_eur": "Payment amount in euros, two decimals (lognormal; fraud skews larger).",
    "hour": "Hour of the day the payment was made, 0-23 (fraud is more common at night).",
    "distance_km": "Kilometres between the cardholder's home and the merchant, one decimal.",
    "card_present": "1 if the card was read in person (chip or contactless), 0 if online.",
    "tx_last_hour": "Payments on the same card in the hour before this one (a count).",
    "new_merchant": "1 if the card has never paid this merchant before, else 0.",
    "foreign": "1 if the merchant's country differs from the card's, else 0.",
    "merchant_risk": "The merchant's share of payments charged back last quarter (0-1).",
    LABEL: "The label: 1 for a fraudulent payment, 0 for a genuine one (about 2% are 1).",
}
"""Column → meaning, in the order :func:`transactions` returns the columns."""

FRAUD_API = ModelSpec(
    name="fraud-llm", version="v1", median_latency_ms=300.0, p95_latency_ms=800.0,
    price_in_per_1k=0.002, price_out_per_1k=0.002, context_limit=8192, quality=0.9,
)
"""The hosted model of the comparison: a 300 ms median and 800 ms p95 per call, $0.002 per
1,000 tokens in and out. Illustrative assumptions, chosen near the notebook's earlier ones."""

INSTRUCTIONS = (
    "You are a fraud analyst for a card issuer. Read one card payment and decide whether it "
    "is fraud. Weigh the amount against the cardholder's usual spending, the hour, how far "
    "the merchant is from home, whether the card was present, how many payments the card "
    "made in the last hour, whether the merchant is new to this card, whether it is abroad, "
    "and the merchant's chargeback history. Genuine customers travel, shop late and buy "
    "expensive things; do not flag a payment for one unusual detail alone. Fraud usually "
    "shows several signals together: a burst of online payments at a new merchant far from "
    "home, or a large foreign payment at night from a merchant with many chargebacks. "
    "Answer with JSON only, with two keys: label (fraud or genuine) and confidence (0 to 1). "
    "Do not explain. Do not add any other keys. If a field is missing, judge from the rest. "
    "Card payment follows."
)
"""The system prompt each simulated call carries (its length sets the tokens billed)."""


def transactions(n: int = 10_000, *, seed: int = 8, fraud_rate: float = 0.02) -> pd.DataFrame:
    """``n`` synthetic card payments, columns as :data:`DATA_DICTIONARY` lists them.

    The label is drawn first (each row is fraud with probability ``fraud_rate``), then every
    feature from a label-dependent distribution. Seeded: the same arguments give the same
    rows.
    """
    import numpy as np
    import pandas as pd

    if type(n) is not int or n <= 0:
        raise ValueError(f"n must be a positive whole number of rows, got {n!r}")
    if not 0 < fraud_rate < 1:
        raise ValueError(f"fraud_rate must be between 0 and 1, got {fraud_rate!r}")
    rng = np.random.default_rng(seed)
    fraud = rng.random(n) < fraud_rate

    def pick(if_fraud: np.ndarray, if_genuine: np.ndarray) -> np.ndarray:
        return np.where(fraud, if_fraud, if_genuine)

    night_fraud = np.r_[np.full(6, 0.08), np.full(18, 0.52 / 18)]
    night_genuine = np.r_[np.full(6, 0.015), np.full(18, 0.91 / 18)]
    columns = {
        "amount_eur": pick(rng.lognormal(4.9, 1.0, n), rng.lognormal(3.6, 0.9, n)).round(2),
        "hour": pick(rng.choice(24, n, p=night_fraud), rng.choice(24, n, p=night_genuine)),
        "distance_km": pick(rng.lognormal(5.0, 1.5, n), rng.lognormal(2.0, 1.2, n)).round(1),
        "card_present": pick(rng.random(n) < 0.2, rng.random(n) < 0.7).astype(int),
        "tx_last_hour": pick(rng.poisson(3.0, n), rng.poisson(0.6, n)),
        "new_merchant": pick(rng.random(n) < 0.75, rng.random(n) < 0.15).astype(int),
        "foreign": pick(rng.random(n) < 0.35, rng.random(n) < 0.06).astype(int),
        "merchant_risk": pick(rng.beta(2, 30, n), rng.beta(1.2, 60, n)).round(4),
        LABEL: fraud.astype(int),
    }
    return pd.DataFrame(columns)[list(DATA_DICTIONARY)]


def data_dictionary() -> pd.DataFrame:
    """The data dictionary as a table: ``column``, ``meaning``."""
    import pandas as pd

    return pd.DataFrame({"column": list(DATA_DICTIONARY),
                         "meaning": list(DATA_DICTIONARY.values())})


def describe_payment(row: pd.Series) -> str:
    """One payment as the text a prompt would carry (the label is never included)."""
    where = "in person" if row["card_present"] else "online"
    return (f"{row['amount_eur']:.2f} EUR {where} at {int(row['hour']):02d}:00, "
            f"{row['distance_km']:.1f} km from home, {int(row['tx_last_hour'])} payments in "
            f"the last hour, {'new' if row['new_merchant'] else 'known'} merchant, "
            f"{'abroad' if row['foreign'] else 'domestic'}, merchant chargeback share "
            f"{row['merchant_risk']:.4f}.")


def simulate_api(payments: pd.DataFrame, *, seed: int = 8,
                 spec: ModelSpec = FRAUD_API) -> pd.DataFrame:
    """Score every row of ``payments`` with one call each to the simulated hosted model.

    Calls run one after another on a virtual clock (no real waiting). Returns the provider's
    call log: one row per call with ``latency_ms``, ``prompt_tokens``,
    ``completion_tokens``, ``total_tokens`` and ``cost_usd`` among its columns.
    """
    missing = set(FEATURES) - set(payments.columns)
    if missing:
        raise ValueError(f"simulate_api needs the column(s) {', '.join(sorted(missing))}")
    provider = SimulatedProvider([spec], clock=VirtualClock(), seed=seed)
    client = Client(provider, timeout=30.0)
    for _, row in payments.iterrows():
        client.chat.completions.create(
            model=spec.name, max_tokens=32,
            messages=[{"role": "system", "content": INSTRUCTIONS},
                      {"role": "user", "content": describe_payment(row)}])
    return provider.log_frame()
