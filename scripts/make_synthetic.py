"""Generate the course's synthetic lab datasets, byte for byte the same on every run.

    python scripts/make_synthetic.py            # writes into datasets/
    python scripts/make_synthetic.py --out DIR  # writes somewhere else (the tests do this)

Every number here is invented for the labs (modules 06, 07 and 08); none of it is a
market figure. Each table comes from its own ``numpy.random.Generator`` with a fixed
seed, and floats are written with fixed formatting, so the files never change unless
this script does.
"""

from __future__ import annotations

import argparse
import csv
import io
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

SEED = 20260301
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "datasets"

# --- module 06: request logs of a current and a candidate model version -----------------
LOG_START = datetime(2026, 3, 2, 9, 0, 0, tzinfo=UTC)
LOG_REQUESTS = 3000
LOG_SECONDS = 3600  # one hour of traffic
TIMEOUT_MS = 5000.0
VERSIONS = {
    # name: (traffic share, median latency ms, log-sd, $ per 1M input, $ per 1M output,
    #        timeout rate, rate-limit rate, server-error rate, bad-answer rate)
    "ranker-v1": (0.8, 420.0, 0.35, 3.00, 15.00, 0.010, 0.015, 0.005, 0.080),
    "ranker-v2": (0.2, 340.0, 0.55, 1.00, 5.00, 0.025, 0.010, 0.010, 0.060),
}

# --- module 07: weekly binned distributions of three features ---------------------------
DRIFT_START = datetime(2026, 1, 5)  # a Monday
DRIFT_WEEKS = 12
DRIFT_FROM_WEEK = 7  # the amount feature starts drifting in this week (1-based)
DRIFT_SAMPLE = 5000  # transactions sampled per feature and week
FEATURES: dict[str, list[str]] = {
    "transaction_amount": [
        "0-10", "10-25", "25-50", "50-100", "100-250", "250-500", "500-1000", "1000+",
    ],
    "account_age_days": ["0-30", "30-90", "90-365", "365-1095", "1095+"],
    "merchant_category": ["grocery", "travel", "electronics", "fuel", "restaurants", "other"],
}
BASE_SHARES: dict[str, list[float]] = {
    "transaction_amount": [0.12, 0.20, 0.22, 0.18, 0.14, 0.08, 0.04, 0.02],
    "account_age_days": [0.08, 0.12, 0.25, 0.30, 0.25],
    "merchant_category": [0.30, 0.08, 0.10, 0.15, 0.22, 0.15],
}
# Where the amount distribution moves to once drift is complete (more large payments).
DRIFTED_AMOUNT = [0.06, 0.12, 0.16, 0.17, 0.18, 0.14, 0.10, 0.07]

# --- module 08: a per-second transaction stream for the fraud-scoring cost model --------
STREAM_START = datetime(2026, 3, 6, 14, 0, 0, tzinfo=UTC)
STREAM_SECONDS = 3600
STREAM_BASE_TPS = 10_000


def _write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    """Write rows of already-formatted strings with Unix newlines."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8"))


def _iso(moment: datetime) -> str:
    """ISO 8601 in UTC with milliseconds and a Z, e.g. 2026-03-02T09:00:00.123Z."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def request_logs(rng: np.random.Generator) -> list[list[str]]:
    """One hour of requests split between the current and the candidate model."""
    names = list(VERSIONS)
    shares = [VERSIONS[n][0] for n in names]
    offsets_ms = np.sort(rng.integers(0, LOG_SECONDS * 1000, size=LOG_REQUESTS))
    rows = []
    for i, offset in enumerate(offsets_ms, start=1):
        name = names[int(rng.choice(len(names), p=shares))]
        _, median, sigma, p_in, p_out, p_timeout, p_limit, p_error, p_bad = VERSIONS[name]
        input_tokens = int(rng.integers(200, 1800))
        roll = rng.random()
        if roll < p_timeout:
            status, latency, output_tokens = "timeout", TIMEOUT_MS, 0
        elif roll < p_timeout + p_limit:
            status, latency, output_tokens = "rate_limited", float(rng.uniform(15, 60)), 0
        elif roll < p_timeout + p_limit + p_error:
            status, latency, output_tokens = "server_error", float(rng.uniform(80, 900)), 0
        else:
            status = "ok"
            output_tokens = int(rng.integers(40, 600))
            latency = float(median * np.exp(sigma * rng.standard_normal()))
            latency = min(latency + 0.4 * output_tokens, TIMEOUT_MS - 1.0)
        # Providers bill input tokens on timeouts here; refused or failed calls are free.
        billed_in = input_tokens if status in ("ok", "timeout") else 0
        cost = (billed_in * p_in + output_tokens * p_out) / 1_000_000
        quality = ("bad" if rng.random() < p_bad else "good") if status == "ok" else ""
        moment = LOG_START + timedelta(milliseconds=int(offset))
        rows.append([
            f"req-{i:05d}", _iso(moment), name, f"{latency:.1f}", str(input_tokens),
            str(output_tokens), f"{cost:.6f}", status, quality,
        ])
    return rows


def _drift_weight(week: int) -> float:
    """0 before drift starts, then rising by 0.25 a week up to 1."""
    if week < DRIFT_FROM_WEEK:
        return 0.0
    return min(1.0, 0.25 * (week - DRIFT_FROM_WEEK + 1))


def feature_drift(rng: np.random.Generator) -> list[list[str]]:
    """Weekly binned shares of three features; only transaction_amount drifts."""
    rows = []
    for week in range(1, DRIFT_WEEKS + 1):
        week_start = (DRIFT_START + timedelta(weeks=week - 1)).date().isoformat()
        for feature, bins in FEATURES.items():
            shares = np.array(BASE_SHARES[feature])
            if feature == "transaction_amount":
                w = _drift_weight(week)
                shares = (1 - w) * shares + w * np.array(DRIFTED_AMOUNT)
            counts = rng.multinomial(DRIFT_SAMPLE, shares / shares.sum())
            for index, (label, count) in enumerate(zip(bins, counts, strict=True), start=1):
                share = count / DRIFT_SAMPLE
                rows.append([
                    week_start, str(week), feature, label, str(index), str(int(count)),
                    f"{share:.4f}",
                ])
    return rows


def request_stream(rng: np.random.Generator) -> list[list[str]]:
    """Transactions per second for one hour: a slow swell, noise and two short bursts."""
    seconds = np.arange(STREAM_SECONDS)
    swell = 1.0 + 0.08 * np.sin(2 * np.pi * seconds / STREAM_SECONDS)
    expected = STREAM_BASE_TPS * swell
    for start, length, factor in ((1260, 45, 1.35), (2710, 20, 1.5)):
        expected[start:start + length] *= factor
    counts = rng.poisson(expected)
    rows = []
    for second, count in zip(seconds, counts, strict=True):
        moment = STREAM_START + timedelta(seconds=int(second))
        rows.append([moment.strftime("%Y-%m-%dT%H:%M:%SZ"), str(int(count))])
    return rows


def generate(out: Path) -> list[Path]:
    """Write the three synthetic CSVs into ``out`` and return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    streams = np.random.SeedSequence(SEED).spawn(3)
    tables = [
        ("request_logs.csv",
         ["request_id", "timestamp", "model_version", "latency_ms", "input_tokens",
          "output_tokens", "cost_usd", "status", "quality"],
         request_logs(np.random.default_rng(streams[0]))),
        ("feature_drift.csv",
         ["week", "week_index", "feature", "bin", "bin_index", "count", "share"],
         feature_drift(np.random.default_rng(streams[1]))),
        ("request_stream.csv", ["timestamp", "transactions"],
         request_stream(np.random.default_rng(streams[2]))),
    ]
    written = []
    for filename, header, rows in tables:
        path = out / filename
        _write_csv(path, header, rows)
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    args = parser.parse_args(argv)
    for path in generate(args.out):
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
