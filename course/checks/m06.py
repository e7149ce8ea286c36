"""Self-checks for 06-evaluation-lab: shape and sanity of the learner's tables and gate."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from course import labs
from course.checks import (
    CheckFailed,
    expect_columns,
    expect_equal,
    expect_true,
    expect_type,
    passed,
)

QUANTILE_COLUMNS = ["p50_ms", "p95_ms", "p99_ms"]
REPORT_COLUMNS = ["requests", "arrival_rps", "capacity_rps", "error_rate", "timeout_rate",
                  "quality_rate", "cost_per_request", "cost_per_1k"]


def _versions(logs: Any) -> list[str]:
    return sorted(logs["model_version"].unique().tolist())


def check_latency_quantiles(latency_quantiles: Callable[[Any], Any], logs: Any) -> None:
    """One row per version, three float columns in rising order."""
    table = latency_quantiles(logs)
    expect_columns(table, QUANTILE_COLUMNS, "latency_quantiles(logs)")
    expect_equal([str(v) for v in table.index], _versions(logs), "the index (model versions)")
    for column in QUANTILE_COLUMNS:
        expect_true(table[column].dtype.kind == "f", f"`{column}` should hold floats.")
    rising = ((table["p50_ms"] <= table["p95_ms"]) & (table["p95_ms"] <= table["p99_ms"])).all()
    expect_true(bool(rising), "p50 ≤ p95 ≤ p99 should hold in every row.")
    import pandas as pd

    waited = pd.DataFrame({"model_version": ["x"] * 4, "latency_ms": [100.0, 100.0, 100.0, 5000.0],
                           "status": ["ok", "ok", "ok", "timeout"]})
    tail = latency_quantiles(waited)
    expect_true(float(tail["p99_ms"].iloc[0]) > 1000,
                "a timeout is a request too: its user waited the full timeout, so it counts "
                "in the percentiles.")
    passed("latency_quantiles has one row per version, sensible quantiles, and counts timeouts.")


def check_version_report(version_report: Callable[[Any], Any], logs: Any) -> None:
    """The report's columns, types and ranges."""
    table = version_report(logs)
    expect_columns(table, REPORT_COLUMNS, "version_report(logs)")
    expect_equal([str(v) for v in table.index], _versions(logs), "the index (model versions)")
    expect_true(table["requests"].dtype.kind == "i", "`requests` should be whole numbers.")
    expect_equal(int(table["requests"].sum()), int(len(logs)), "the total of `requests`")
    for column in ("error_rate", "timeout_rate", "quality_rate"):
        expect_true(bool(table[column].between(0, 1).all()), f"`{column}` is a share: 0 to 1.")
    expect_true(bool((table["timeout_rate"] <= table["error_rate"]).all()),
                "a timeout is one kind of error: timeout_rate cannot exceed error_rate.")
    expect_true(bool((table["capacity_rps"] > 0).all() and (table["arrival_rps"] > 0).all()),
                "arrival_rps and capacity_rps are positive rates.")
    ratio = (table["cost_per_1k"] / table["cost_per_request"]).round(6)
    expect_true(bool((ratio == 1000).all()), "cost_per_1k is the cost of 1,000 requests.")
    passed("version_report has the right columns, counts and units.")


def check_release_gate(release_gate: Callable[..., Any]) -> None:
    """Ship a clearly better candidate; hold a clearly worse one, with a reason per rule."""
    current = {"requests": 3000, "quality_rate": 0.90, "error_rate": 0.02, "p95_ms": 900.0,
               "cost_per_1k": 5.0}
    better = {"requests": 2000, "quality_rate": 0.92, "error_rate": 0.01, "p95_ms": 800.0,
              "cost_per_1k": 4.0}
    worse = {"requests": 200, "quality_rate": 0.80, "error_rate": 0.09, "p95_ms": 2500.0,
             "cost_per_1k": 20.0}
    result = release_gate(current, better)
    expect_type(result, dict, "release_gate(...)")
    expect_equal(result.get("decision"), "ship", "the decision for a better candidate")
    expect_equal(result.get("reasons"), [], "the reasons for a better candidate")
    result = release_gate(current, worse)
    expect_equal(result.get("decision"), "hold", "the decision for a worse candidate")
    reasons = result.get("reasons")
    expect_type(reasons, list, "reasons")
    expect_equal(len(reasons), 5, "the number of reasons for a candidate failing all five rules")
    passed("release_gate ships a better candidate and holds a worse one with its reasons.")


def check_release_test(check_release: Callable[..., Any]) -> None:
    """Passes silently on a good canary, fails with an AssertionError on a bad one."""
    good = labs.release_logs("good", n=4000)
    bad = labs.release_logs("bad", n=4000)
    current, candidate = "ticket-router-v1", "ticket-router-v2"
    expect_true(check_release(good, current, candidate) is None,
                "check_release should return None when the gate says ship.")
    try:
        check_release(bad, current, candidate)
    except AssertionError:
        pass
    else:
        raise CheckFailed("❌ check_release should raise AssertionError when the gate says hold.")
    passed("check_release passes a good canary and fails a bad one.")
