"""Self-checks for 07-observability-incidents: behaviour on small cases, never the answer."""

from __future__ import annotations

import math
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

METRIC_COLUMNS = ["requests", "error_rate", "malformed_rate", "p95_ms"]
ACTIONS = ("roll back", "retrain", "watch", "escalate")
SEVERITIES = ("SEV1", "SEV2", "SEV3")
OWNERS = ("ml-oncall", "model-owner", "security", "provider")


def check_window_metrics(window_metrics: Callable[..., Any], calls: Any) -> None:
    """One row per window with the four metrics, in range."""
    table = window_metrics(calls, window="10min")
    expect_columns(table, METRIC_COLUMNS, "window_metrics(calls)")
    expect_true(table.index.is_monotonic_increasing, "windows should be in time order.")
    expect_equal(int(table["requests"].sum()), int(len(calls)), "the total of `requests`")
    expect_true(table["requests"].dtype.kind == "i", "`requests` should be whole numbers.")
    for column in ("error_rate", "malformed_rate"):
        expect_true(bool(table[column].dropna().between(0, 1).all()),
                    f"`{column}` is a share: 0 to 1.")
    minutes = (table.index[1] - table.index[0]).total_seconds() / 60 if len(table) > 1 else 10
    expect_true(minutes == 10, "windows should start every 10 minutes here.")
    passed("window_metrics has one row per window and sensible metrics.")


def check_alerts(alerts: Callable[..., Any], metrics: Any) -> None:
    """A list of dicts naming window, metric and value; none when thresholds are huge."""
    found = alerts(metrics)
    expect_type(found, list, "alerts(metrics)")
    for alert in found:
        expect_type(alert, dict, "each alert")
        expect_equal(sorted(alert), ["metric", "value", "window"], "an alert's keys")
        expect_true(alert["metric"] in ("error_rate", "malformed_rate", "p95_ms"),
                    "metric should be error_rate, malformed_rate or p95_ms.")
    quiet = alerts(metrics, max_error_rate=1.0, max_malformed_rate=1.0, max_p95_ms=1e9)
    expect_equal(quiet, [], "alerts with thresholds nothing can cross")
    passed(f"alerts returns well-formed alerts ({len(found)} on this log).")


def check_psi(psi: Callable[..., Any]) -> None:
    """Zero for identical shares, positive and symmetric-ish otherwise, finite with zeros."""
    same = psi([0.25, 0.25, 0.5], [0.25, 0.25, 0.5])
    expect_type(same, float, "psi(...)")
    expect_true(abs(same) < 1e-12, "identical distributions should score 0.")
    moved = psi([0.5, 0.5], [0.9, 0.1])
    expect_true(moved > 0.5, "a big shift should score well above the 0.2 alert level.")
    with_zero = psi([0.5, 0.5, 0.0], [0.4, 0.4, 0.2])
    expect_true(math.isfinite(with_zero), "an empty bin must not give infinity: clip to eps.")
    try:
        psi([0.5, 0.5], [1.0])
    except ValueError:
        pass
    else:
        raise CheckFailed("❌ shares of different lengths should raise ValueError.")
    passed("psi is 0 for no change, grows with the shift and copes with empty bins.")


def check_drift_table(drift_table: Callable[..., Any], shares: Any) -> None:
    """One row per week and feature, zero for the reference week."""
    table = drift_table(shares)
    expect_columns(table, ["week", "week_index", "feature", "psi"], "drift_table(shares)")
    weeks, features = shares["week_index"].nunique(), shares["feature"].nunique()
    expect_equal(len(table), weeks * features, "the number of rows (weeks × features)")
    first = table[table["week_index"] == 1]["psi"]
    expect_true(bool((first.abs() < 1e-12).all()), "week 1 against itself should score 0.")
    passed("drift_table scores every feature every week against the reference week.")


def check_retrain_features(retrain_features: Callable[..., Any], drift: Any) -> None:
    """A sorted list of feature names."""
    found = retrain_features(drift)
    expect_type(found, list, "retrain_features(drift)")
    expect_true(all(type(f) is str for f in found), "the list should hold feature names.")
    expect_equal(found, sorted(found), "the order (alphabetical)")
    none = retrain_features(drift, threshold=1e9)
    expect_equal(none, [], "features over an unreachable threshold")
    passed(f"retrain_features returns a sorted list ({len(found)} feature(s) here).")


def check_triage(decisions: Any) -> None:
    """One decision per incident, each naming a known severity, owner and action.

    Shape only: a right and a wrong decision with valid names get the same message.
    """
    expect_type(decisions, dict, "decisions")
    ids = [incident["id"] for incident in labs.incidents()]
    missing = [i for i in ids if i not in decisions]
    expect_true(not missing, f"decide every incident; missing: {', '.join(missing)}.")
    extra = [str(key) for key in decisions if key not in ids]
    expect_true(not extra, f"only the incidents of labs.incidents(); unknown: {', '.join(extra)}.")
    for incident_id in ids:
        decision = decisions[incident_id]
        expect_type(decision, dict, f"decisions[{incident_id!r}]")
        expect_equal(sorted(decision), ["action", "owner", "severity"],
                     f"the keys of decisions[{incident_id!r}]")
        for key, allowed in (("severity", SEVERITIES), ("owner", OWNERS), ("action", ACTIONS)):
            expect_true(decision[key] in allowed,
                        f"{incident_id}: {key} must be one of {allowed}, not {decision[key]!r}.")
    passed("every incident has a severity, an owner and an action from the lists "
           "(whether they are right is for the hidden tests).")
