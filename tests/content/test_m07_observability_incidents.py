"""Module 07 (observability and incidents lab): the solution and hidden tests run in process on the
simulator (``tests.content.solved.grade``; the full marks, the empty submission and the release
are checked in tests/content/test_shared.py). Exact scores for wrong types; the solution's
drift, alerts and triage on the incident scenarios; the visible self-checks' messages for
plausible mistakes; the runbook rubric in the instructor notes. Nothing may really sleep."""

from __future__ import annotations

import json
import math

import pytest

from course.checks import m07
from tests.content.solved import Graded, check_failure, grade
from tests.notebook_tools import ROOT

MODULE = "07-observability-incidents"
pytestmark = pytest.mark.usefixtures("no_real_sleep")


def test_the_drift_section_names_three_drifts_and_what_the_psi_measures() -> None:
    """Input, prediction and concept drift need different evidence; the notebook must say which
    one its PSI scores, before the learner computes it."""
    nb = json.loads((ROOT / "notebooks" / MODULE / f"{MODULE}.ipynb").read_text("utf-8"))
    texts = ["".join(c["source"]) for c in nb["cells"]]
    kinds = next(i for i, text in enumerate(texts) if "### Three kinds of drift" in text)
    cell = " ".join(texts[kinds].split())  # prose wraps anywhere
    for name in ("Input (data) drift", "Prediction drift", "Concept drift"):
        assert f"**{name}**" in cell
    assert "PSI compares input features, so it measures input drift" in cell
    # the section says why it leaves the ticket router for a tabular model
    assert "free text" in cell and "card-fraud scorer" in cell
    assert kinds < next(i for i, text in enumerate(texts) if "def psi(" in text)


def test_wrong_types_and_always_equal_objects_lose_exactly_their_points() -> None:
    # numpy floats where floats are asked, and a misspelt action.
    numpy_psi = ("import numpy as _np\n"
                 "def psi(expected, actual, eps=1e-4):\n"
                 "    e = _np.clip(_np.asarray(expected, float), eps, None)\n"
                 "    a = _np.clip(_np.asarray(actual, float), eps, None)\n"
                 "    if e.shape != a.shape:\n        raise ValueError('bins')\n"
                 "    return _np.sum((a - e) * _np.log(a / e))\n")
    misspelt = ("from course import labs as _labs\n"
                "decisions = {i['id']: {'severity': 'SEV2', 'owner': 'ml-oncall',\n"
                "                       'action': 'rollback' if i['started_after_release'] else 'escalate'}\n"
                "             for i in _labs.incidents()}\n")
    graded = grade(MODULE, {"07-psi": numpy_psi, "07-triage": misspelt})
    assert graded.scores["07-psi-tests"] == 0 and graded.scores["07-drift-tests"] == 3
    assert graded.total == 16 - 2 - 4


# -- the solution functions on the failure scenarios ------------------------------------


def test_drift_and_triage_on_the_incident_scenarios(solved: Graded) -> None:
    ns = solved.namespace
    labs = ns["labs"]
    shares = labs.scenario("drifting-inputs", seed=0).extras["feature_shares"]
    drift = ns["drift_table"](shares)
    assert ns["retrain_features"](drift) == ["language", "ticket_length"]
    decisions = ns["decisions"]
    assert sorted(decisions) == [i["id"] for i in labs.incidents()]
    assert [decisions[i["id"]]["action"] for i in labs.incidents()] == [
        "roll back", "retrain", "escalate", "escalate", "escalate", "escalate", "watch", "escalate"]
    sc = labs.scenario("bad-release-v2", seed=1)
    ns["run_traffic"](sc, minutes=90)
    fired = ns["alerts"](ns["window_metrics"](sc.log()))
    assert fired and {a["metric"] for a in fired} == {"malformed_rate"}
    assert min(a["window"] for a in fired).hour == 10, "alerts start when v2 goes live"


def test_the_triage_self_check_says_the_same_to_right_and_wrong_decisions(
        capsys: pytest.CaptureFixture[str]) -> None:
    from course import checks

    right = {"INC-1": ("SEV2", "ml-oncall", "roll back"), "INC-2": ("SEV3", "model-owner", "retrain"),
             "INC-3": ("SEV1", "security", "escalate"), "INC-4": ("SEV3", "model-owner", "escalate"),
             "INC-5": ("SEV2", "provider", "escalate"), "INC-6": ("SEV2", "model-owner", "escalate"),
             "INC-7": ("SEV3", "model-owner", "watch"), "INC-8": ("SEV1", "provider", "escalate")}
    wrong = {**right, "INC-3": ("SEV2", "ml-oncall", "roll back"),
             "INC-7": ("SEV3", "model-owner", "retrain")}
    said = []
    for table in (right, wrong):
        decisions = {i: dict(zip(("severity", "owner", "action"), d, strict=True))
                     for i, d in table.items()}
        checks.run(checks.m07.check_triage, decisions)
        said.append(capsys.readouterr().out)
    assert said[0] == said[1] and "✅" in said[0]
    del decisions["INC-8"]
    checks.run(checks.m07.check_triage, decisions)
    assert "missing: INC-8" in capsys.readouterr().out
    decisions["INC-8"] = {"severity": "high", "owner": "provider", "action": "escalate"}
    checks.run(checks.m07.check_triage, decisions)
    assert "severity must be one of" in capsys.readouterr().out


# -- the visible self-checks pass the solution and explain plausible mistakes ---------------


def test_m07_checks_accept_the_solution(solved: Graded, capsys: pytest.CaptureFixture[str]) -> None:
    ns = solved.namespace
    capsys.readouterr()
    m07.check_window_metrics(ns["window_metrics"], ns["calls"])
    m07.check_alerts(ns["alerts"], ns["metrics"])
    m07.check_psi(ns["psi"])
    m07.check_drift_table(ns["drift_table"], ns["shares"])
    m07.check_retrain_features(ns["retrain_features"], ns["drift"])
    assert capsys.readouterr().out.count("✅") == 5


def test_m07_window_metrics_rejects_plausible_mistakes(solved: Graded) -> None:
    right, calls = solved.namespace["window_metrics"], solved.namespace["calls"]

    def hourly(calls, window="10min"):  # ignores the window it is given
        return right(calls, window="1h")

    def float_counts(calls, window="10min"):
        return right(calls, window).astype({"requests": float})

    def percent(calls, window="10min"):
        table = right(calls, window)
        return table.assign(malformed_rate=table["malformed_rate"] * 100)

    assert "every 10 minutes" in check_failure(m07.check_window_metrics, hourly, calls)
    assert "whole numbers" in check_failure(m07.check_window_metrics, float_counts, calls)
    assert "`malformed_rate` is a share" in check_failure(m07.check_window_metrics, percent, calls)


def test_m07_alerts_rejects_plausible_mistakes(solved: Graded) -> None:
    right, metrics = solved.namespace["alerts"], solved.namespace["metrics"]

    def tuples(metrics, **thresholds):
        return [(a["window"], a["metric"], a["value"]) for a in right(metrics, **thresholds)]

    def fixed_thresholds(metrics, **thresholds):  # ignores the thresholds it is given
        return right(metrics)

    assert "`each alert` should be a dict" in check_failure(m07.check_alerts, tuples, metrics)
    message = check_failure(m07.check_alerts, fixed_thresholds, metrics)
    assert "thresholds nothing can cross" in message
    assert "malformed_rate" not in message and ":" not in message.split("`")[-1]


def _psi_unclipped(expected, actual, eps=1e-4):
    return float(sum((a - e) * math.log(a / e) if a > 0 and e > 0 else math.inf
                     for e, a in zip(expected, actual, strict=True)))


def _psi_zip(expected, actual, eps=1e-4):  # silently drops the extra bins
    pairs = [(max(e, eps), max(a, eps)) for e, a in zip(expected, actual, strict=False)]
    return float(sum((a - e) * math.log(a / e) for e, a in pairs))


def test_m07_psi_rejects_plausible_mistakes() -> None:
    assert "clip to eps" in check_failure(m07.check_psi, _psi_unclipped)
    assert "should raise ValueError" in check_failure(m07.check_psi, _psi_zip)


def test_m07_drift_table_and_retrain_features_reject_plausible_mistakes(solved: Graded) -> None:
    ns = solved.namespace
    drift_table, retrain = ns["drift_table"], ns["retrain_features"]

    def against_week_two(shares, reference_week=1):
        return drift_table(shares, reference_week=2)

    def first_feature_only(shares, reference_week=1):
        table = drift_table(shares, reference_week)
        return table[table["feature"] == table["feature"].iloc[0]]

    def as_set(drift, **options):
        return set(retrain(drift, **options))

    def fixed_threshold(drift, **options):
        return retrain(drift)

    assert "week 1 against itself" in check_failure(m07.check_drift_table, against_week_two, ns["shares"])
    assert "number of rows" in check_failure(m07.check_drift_table, first_feature_only, ns["shares"])
    assert "should be a list" in check_failure(m07.check_retrain_features, as_set, ns["drift"])
    message = check_failure(m07.check_retrain_features, fixed_threshold, ns["drift"])
    assert "unreachable threshold" in message
    assert not any(feature in message for feature in retrain(ns["drift"]))


# -- the production counterparts carry the lab's numbers ----------------------------------


def test_the_prometheus_rule_encodes_the_alert_the_learner_wrote(solved: Graded) -> None:
    import inspect
    import re

    import yaml

    ns = solved.namespace
    rule = yaml.safe_load(ns["rule_yaml"])["groups"][0]["rules"][0]
    threshold = inspect.signature(ns["alerts"]).parameters["max_malformed_rate"].default
    assert threshold == 0.05
    assert float(re.search(r"\) > ([0-9.]+)", rule["expr"]).group(1)) == threshold
    assert rule["for"] == "10m" and set(re.findall(r"\[(\w+)\]", rule["expr"])) == {"10m"}
    assert re.search(r">= (\d+)", rule["expr"]).group(1) == "50"
    assert rule["labels"]["severity"] in ("SEV1", "SEV2", "SEV3")
    assert rule["annotations"]["runbook_url"].startswith("https://")


def test_the_spans_and_the_drift_report_repeat_the_labs_numbers(solved: Graded) -> None:
    ns = solved.namespace
    spans = ns["spans"]
    calls = spans[spans["span"] == "model.call"]
    assert list(calls["outcome"]) == ["InternalServerError", "ok"]
    assert list(calls["duration_ms"]) == [50.0, 1691.1]  # the log lines' duration_ms
    assert set(calls["parent"]) == {"ticket.classify"} and spans["trace_id"].nunique() == 1
    root = spans[spans["span"] == "ticket.classify"]["duration_ms"].item()
    assert root == round(sum(calls["duration_ms"]), 1)
    report, drift = ns["drift_report"], ns["drift"]
    assert report.loc["transaction_amount", "w10"] == drift.query(
        "feature == 'transaction_amount' and week_index == 10")["psi"].item()
    assert report["retrain?"].to_dict() == {"account_age_days": False, "merchant_category": False,
                                            "transaction_amount": True}


# -- the instructor notes ----------------------------------------------------------------


def test_instructor_notes_have_the_runbook_rubric() -> None:
    notes = (ROOT / "instructor" / f"{MODULE}.md").read_text(encoding="utf-8")
    assert "07-runbook" in notes and "Rubric" in notes
