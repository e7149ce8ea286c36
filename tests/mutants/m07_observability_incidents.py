"""Plausible wrong answers for 07-observability-incidents: each must lose points in its test cell."""

from tests.mutants import Mutant

MODULE = "07-observability-incidents"

_METRICS = ("07-metrics-tests", "07-metrics-answer")
_ALERTS = ("07-alerts-tests", "07-alerts-answer")
_PSI = ("07-psi-tests", "07-psi-answer")
_DRIFT = ("07-drift-tests", "07-drift-answer")
_RETRAIN = ("07-retrain-tests", "07-retrain-answer")
_TRIAGE = ("07-triage-tests", "07-triage-answer")


def _line(number: int, severity: str, owner: str, action: str) -> str:
    """One line of the solution's decisions dict."""
    return (f'    "INC-{number}": {{"severity": "{severity}", "owner": "{owner}", '
            f'"action": "{action}"}},')


MUTANTS = [
    # -- window_metrics ----------------------------------------------------------------
    Mutant(*_METRICS, name="malformed-over-all-calls",
           why="malformed share over every call, failed ones included (wrong base)",
           replace=(('float((ok["outcome"] == "garbage").mean())',
                     'float((group["outcome"] == "garbage").mean())'),)),
    Mutant(*_METRICS, name="p95-over-all-calls",
           why="p95 over every call, so timeouts and fast failures mix in",
           replace=(('float(ok["latency_ms"].quantile(0.95))',
                     'float(group["latency_ms"].quantile(0.95))'),)),
    Mutant(*_METRICS, name="garbage-is-an-error",
           why="counts malformed answers as errors although their status is ok",
           replace=(('float((group["status"] != "ok").mean())',
                     'float((group["outcome"] != "ok").mean())'),)),
    Mutant(*_METRICS, name="fixed-window",
           why="always uses 10-minute windows, ignoring the window argument",
           replace=(('calls["time"].dt.floor(window)', 'calls["time"].dt.floor("10min")'),)),
    Mutant(*_METRICS, name="ceil-window",
           why="labels each window by its end (ceil) instead of its start",
           replace=(('calls["time"].dt.floor(window)', 'calls["time"].dt.ceil(window)'),)),
    Mutant(*_METRICS, name="requests-answered-only",
           why="counts only successful calls as requests",
           replace=(('"requests": len(group)', '"requests": len(ok)'),)),
    # -- alerts ------------------------------------------------------------------------
    Mutant(*_ALERTS, name="at-threshold-fires",
           why=">= instead of strictly above: a value on the threshold fires",
           replace=(("if row[metric] > limit:", "if row[metric] >= limit:"),)),
    Mutant(*_ALERTS, name="one-alert-per-window",
           why="stops at the first metric over its threshold in a window",
           replace=(('found.append({"window": window, "metric": metric, "value": float(row[metric])})',
                     'found.append({"window": window, "metric": metric, "value": float(row[metric])})\n'
                     "                break"),)),
    Mutant(*_ALERTS, name="row-order",
           why="walks the windows in row order instead of time order",
           replace=(("metrics.sort_index().iterrows()", "metrics.iterrows()"),)),
    Mutant(*_ALERTS, name="numpy-value",
           why="value is a numpy float64, not the float asked for",
           replace=(('"value": float(row[metric])', '"value": row[metric]'),)),
    Mutant(*_ALERTS, name="hardcoded-thresholds",
           why="the default thresholds whatever the arguments say",
           replace=(('limits = {"error_rate": max_error_rate, "malformed_rate": max_malformed_rate,\n'
                     '              "p95_ms": max_p95_ms}',
                     'limits = {"error_rate": 0.05, "malformed_rate": 0.05, "p95_ms": 2000.0}'),)),
    Mutant(*_ALERTS, name="metric-order",
           why="checks p95 before the rates, so alerts in a window come in another order",
           replace=(('limits = {"error_rate": max_error_rate, "malformed_rate": max_malformed_rate,\n'
                     '              "p95_ms": max_p95_ms}',
                     'limits = {"p95_ms": max_p95_ms, "error_rate": max_error_rate,\n'
                     '              "malformed_rate": max_malformed_rate}'),)),
    # -- psi ---------------------------------------------------------------------------
    Mutant(*_PSI, name="no-clipping",
           why="no eps: an empty bin gives a math error",
           replace=(("e, a = max(float(e), eps), max(float(a), eps)", "e, a = float(e), float(a)"),)),
    Mutant(*_PSI, name="log-upside-down",
           why="ln(e / a): every shift scores negative",
           replace=(("math.log(a / e)", "math.log(e / a)"),)),
    Mutant(*_PSI, name="kl-divergence",
           why="a * ln(a / e) (Kullback-Leibler) instead of (a - e) * ln(a / e)",
           replace=(("total += (a - e) * math.log(a / e)", "total += a * math.log(a / e)"),)),
    Mutant(*_PSI, name="eps-added",
           why="adds eps to every share instead of clipping at eps",
           replace=(("e, a = max(float(e), eps), max(float(a), eps)",
                     "e, a = float(e) + eps, float(a) + eps"),)),
    Mutant(*_PSI, name="no-length-check",
           why="zip silently drops the extra bins",
           replace=(("    if len(expected) != len(actual):\n"
                     '        raise ValueError("expected and actual need the same bins")\n', ""),)),
    Mutant(*_PSI, name="default-eps-only",
           why="clips at 1e-4 whatever eps says",
           replace=(("e, a = max(float(e), eps), max(float(a), eps)",
                     "e, a = max(float(e), 1e-4), max(float(a), 1e-4)"),)),
    # -- drift_table -------------------------------------------------------------------
    Mutant(*_DRIFT, name="week-one-reference",
           why="always compares with week 1, ignoring reference_week",
           replace=(('reference = shares[shares["week_index"] == reference_week]',
                     'reference = shares[shares["week_index"] == 1]'),)),
    Mutant(*_DRIFT, name="bins-in-row-order",
           why="pairs shares in row order instead of matching bins by bin_index",
           source=('def drift_table(shares, reference_week=1):\n'
                   '    """PSI of every feature in every week against the reference week."""\n'
                   '    reference = shares[shares["week_index"] == reference_week]\n'
                   '    expected = {f: g["share"].tolist() for f, g in reference.groupby("feature")}\n'
                   '    rows = []\n'
                   '    for (week_index, feature), group in shares.groupby(["week_index", "feature"]):\n'
                   '        rows.append({"week": group["week"].iloc[0], "week_index": week_index,\n'
                   '                     "feature": feature,\n'
                   '                     "psi": psi(expected[feature], group["share"].tolist())})\n'
                   '    table = pd.DataFrame(rows).sort_values(["week_index", "feature"])\n'
                   '    return table.reset_index(drop=True)\n')),
    Mutant(*_DRIFT, name="index-not-reset",
           why="keeps the sorted frame's old index instead of a fresh 0..n-1",
           replace=(('.sort_values(["week_index", "feature"]).reset_index(drop=True)',
                     '.sort_values(["week_index", "feature"])'),
                    ("    for (week_index, feature), group in shares.groupby([\"week_index\", \"feature\"]):",
                     "    for (feature, week_index), group in "
                     "shares.groupby([\"feature\", \"week_index\"]):"))),
    Mutant(*_DRIFT, name="feature-then-week",
           why="sorted by feature first",
           replace=(('.sort_values(["week_index", "feature"])', '.sort_values(["feature", "week_index"])'),)),
    Mutant(*_DRIFT, name="skips-reference-week",
           why="leaves out the reference week (it scores 0 anyway)",
           replace=(("        group = group.sort_values(\"bin_index\")\n",
                     "        if week_index == reference_week:\n            continue\n"
                     "        group = group.sort_values(\"bin_index\")\n"),)),
    Mutant(*_DRIFT, name="previous-week-reference",
           why="compares each week with the week before, not with the reference week",
           source=('def drift_table(shares, reference_week=1):\n'
                   '    """PSI of every feature in every week against the reference week."""\n'
                   '    rows = []\n'
                   '    for feature, frame in shares.groupby("feature"):\n'
                   '        previous = None\n'
                   '        for week_index, group in frame.groupby("week_index"):\n'
                   '            current = group.set_index("bin_index")["share"].sort_index()\n'
                   '            base = current if previous is None else (\n'
                   '                previous.reindex(current.index).fillna(0.0))\n'
                   '            rows.append({"week": group["week"].iloc[0], "week_index": week_index,\n'
                   '                         "feature": feature,\n'
                   '                         "psi": psi(base.tolist(), current.tolist())})\n'
                   '            previous = current\n'
                   '    table = pd.DataFrame(rows).sort_values(["week_index", "feature"])\n'
                   '    return table.reset_index(drop=True)\n')),
    # -- retrain_features --------------------------------------------------------------
    Mutant(*_RETRAIN, name="mean-over-last-weeks",
           why="the mean PSI of the last weeks over the threshold, not every week",
           replace=(("bool((s > threshold).all())", "bool(s.mean() > threshold)"),)),
    Mutant(*_RETRAIN, name="any-week",
           why="one noisy week over the threshold is enough",
           replace=(("bool((s > threshold).all())", "bool((s > threshold).any())"),)),
    Mutant(*_RETRAIN, name="at-threshold-counts",
           why=">= instead of strictly above",
           replace=(("(s > threshold)", "(s >= threshold)"),)),
    Mutant(*_RETRAIN, name="first-weeks",
           why="takes the first weeks instead of the last",
           replace=(('sorted(drift["week_index"].unique())[-weeks:]',
                     'sorted(drift["week_index"].unique())[:weeks]'),)),
    Mutant(*_RETRAIN, name="weeks-in-row-order",
           why="the last weeks in row order, not the highest week_index",
           replace=(('sorted(drift["week_index"].unique())[-weeks:]',
                     'list(drift["week_index"].unique())[-weeks:]'),)),
    Mutant(*_RETRAIN, name="unsorted-result",
           why="features in the order found, not alphabetical",
           replace=(("return sorted(str(feature) for feature in over[over].index)",
                     "return [str(feature) for feature in over[over].index[::-1]]"),)),
    Mutant(*_RETRAIN, name="last-rows",
           why="takes the last rows of the table instead of the last weeks",
           replace=(('recent = drift[drift["week_index"].isin(last)]',
                     'recent = drift.sort_values("week_index").tail(weeks * drift["feature"].nunique())'),)),
    # -- triage (decisions on eight fixed incidents) -----------------------------------
    Mutant(*_TRIAGE, name="release-always-rolls-back",
           why="blames the last release: rolls back the data leak and the provider outage",
           replace=((_line(3, "SEV1", "security", "escalate"),
                     _line(3, "SEV1", "ml-oncall", "roll back")),
                    (_line(5, "SEV2", "provider", "escalate"),
                     _line(5, "SEV2", "ml-oncall", "roll back")))),
    Mutant(*_TRIAGE, name="rollback-to-a-broken-version",
           why="rolls back although the previous version failed the same way",
           replace=((_line(6, "SEV2", "model-owner", "escalate"),
                     _line(6, "SEV2", "ml-oncall", "roll back")),)),
    Mutant(*_TRIAGE, name="drift-alone-retrains",
           why="retrains on one week of drift with quality unchanged",
           replace=((_line(7, "SEV3", "model-owner", "watch"),
                     _line(7, "SEV3", "model-owner", "retrain")),)),
    Mutant(*_TRIAGE, name="unexplained-drop-retrains",
           why="retrains a quality drop that has no drift behind it, instead of escalating",
           replace=((_line(4, "SEV3", "model-owner", "escalate"),
                     _line(4, "SEV3", "model-owner", "retrain")),)),
    Mutant(*_TRIAGE, name="severity-by-report-count",
           why="two reports and no alert read as minor, though data was exposed",
           replace=((_line(3, "SEV1", "security", "escalate"),
                     _line(3, "SEV3", "security", "escalate")),)),
    Mutant(*_TRIAGE, name="fallback-hides-the-outage",
           why="an alert fires, so SEV2, missing that four users in five get no answer",
           replace=((_line(8, "SEV1", "provider", "escalate"),
                     _line(8, "SEV2", "provider", "escalate")),)),
    Mutant(*_TRIAGE, name="slow-trend-pages",
           why="pages the on-call for a slow three-week slide with no alert firing",
           replace=((_line(2, "SEV3", "model-owner", "retrain"),
                     _line(2, "SEV2", "model-owner", "retrain")),)),
    Mutant(*_TRIAGE, name="we-own-the-vendor-outage",
           why="keeps a provider outage as the on-call's own incident",
           replace=((_line(5, "SEV2", "provider", "escalate"),
                     _line(5, "SEV2", "ml-oncall", "escalate")),)),
]

