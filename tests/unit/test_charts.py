"""The chart functions, checked through their Vega-Lite specs (``chart.to_dict()``)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import pytest

from course import charts, data
from course.charts import theme

DATASETS = Path(__file__).resolve().parents[2] / "datasets"


@pytest.fixture(autouse=True)
def _bundled_datasets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COURSE_DATASETS", str(DATASETS))


def units(spec: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    """Every single-mark view in a spec: (mark type, encoding, the view itself)."""
    if "mark" in spec:
        mark = spec["mark"]
        yield (mark["type"] if isinstance(mark, dict) else mark), spec.get("encoding", {}), spec
    for key in ("layer", "vconcat", "hconcat", "concat"):
        for child in spec.get(key, []):
            yield from units(child)
    if "spec" in spec:
        yield from units(spec["spec"])


def marks(spec: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [enc for mark, enc, _ in units(spec) if mark == kind]


def dataset_rows(spec: dict[str, Any]) -> list[list[dict[str, Any]]]:
    return list(spec.get("datasets", {}).values())


def tooltips(spec: dict[str, Any]) -> list[Any]:
    return [enc["tooltip"] for _, enc, _ in units(spec) if "tooltip" in enc]


@pytest.mark.parametrize("name", charts.CHARTS)
def test_every_chart_has_title_description_tooltips_and_small_data(name: str) -> None:
    chart = getattr(charts, name)()
    assert isinstance(chart, alt.TopLevelMixin)
    spec = chart.to_dict()
    assert spec["title"]["text"] and spec["title"]["subtitle"]
    assert len(spec["description"]) > 40
    assert tooltips(spec), "no layer has a tooltip"
    assert len(json.dumps(spec)) < 100_000
    for channel in ("x", "y"):
        quantitative = [enc[channel] for _, enc, _ in units(spec)
                        if enc.get(channel, {}).get("type") == "quantitative"]
        if quantitative:  # a measured axis: one of the layers must title it
            assert any(q.get("title") for q in quantitative), f"{name}: {channel} untitled"


def test_the_theme_is_registered_enabled_and_colour_blind_safe() -> None:
    assert theme.register() == "course"
    assert alt.theme.active == "course"
    config = charts.job_share().to_dict()["config"]
    assert config["range"]["category"][:3] == ["#0072B2", "#E69F00", "#009E73"]


def test_salary_ranges_bars_run_from_low_to_high_and_mark_open_ends() -> None:
    spec = charts.salary_ranges().to_dict()
    (bar,) = marks(spec, "bar")
    assert bar["x"] == {**bar["x"], "field": "low_usd", "type": "quantitative"}
    assert bar["x2"]["field"] == "end_usd" and bar["y"]["type"] == "nominal"
    (rows,) = dataset_rows(spec)
    salaries = data.load("salaries")
    assert sorted(r["low_usd"] for r in rows) == sorted(salaries["low_usd"])
    by_figure = {r["label"]: r for r in rows}
    assert by_figure["$206,000+"]["open_ended"] is True
    assert by_figure["$206,000+"]["end_usd"] == 206000  # no invented upper bound
    points = marks(spec, "point")
    assert any(p.get("shape", {}).get("field") == "location_scope" for p in points)
    arrow_views = [v for m, _, v in units(spec) if m == "point" and "transform" in v]
    assert arrow_views[0]["transform"] == [{"filter": "datum.open_ended"}]
    sources = {t["field"] for tip in tooltips(spec) for t in tip}
    assert {"source", "reported_by"} <= sources


def test_salary_ranges_accepts_a_learners_table() -> None:
    mine = pd.DataFrame({
        "role": ["AI engineer"], "level": ["junior"], "location_scope": ["Baku"],
        "statistic": ["offer"], "low_usd": [50000], "high_usd": [60000],
        "open_ended": [False], "open_from_usd": [None], "source": ["me"],
        "reported_by": ["me"],
    })
    (rows,) = dataset_rows(charts.salary_ranges(mine).to_dict())
    assert rows[0]["end_usd"] == 60000 and rows[0]["label"] == "$50,000–$60,000"
    with pytest.raises(ValueError, match="'low_usd'"):
        charts.salary_ranges(mine.drop(columns="low_usd"))


def test_growth_figures_put_the_annual_rate_next_to_the_headline() -> None:
    spec = charts.growth_figures().to_dict()
    (bar,) = marks(spec, "bar")
    assert bar["x"]["type"] == "quantitative" and bar["yOffset"]["field"] == "measure"
    (rows,) = dataset_rows(spec)
    per_year = {(r["figure"], r["measure"]): r["percent"] for r in rows}
    bls = next(k for k in per_year if k[0].startswith("software developers")
               and k[1].startswith("per year"))
    assert per_year[bls] == pytest.approx((1.179 ** (1 / 10) - 1) * 100)
    assert len(rows) == 6  # three percent figures with a period, two bars each
    assert "1,300,000" in " ".join(spec["title"]["subtitle"])


def test_tool_adoption_and_job_share_draw_the_reported_percentages() -> None:
    spec = charts.tool_adoption().to_dict()
    (bar,) = marks(spec, "bar")
    assert bar["x"]["type"] == "ordinal" and bar["y"]["type"] == "quantitative"
    assert [r["percent"] for r in dataset_rows(spec)[0]] == [70, 76, 84]
    share = charts.job_share().to_dict()
    (bar,) = marks(share, "bar")
    assert bar["x"]["scale"]["domain"] == ["2023", "2024", "2025"]
    gap_rows = [r for rows in dataset_rows(share) for r in rows if r.get("text") == "no figure"]
    assert [r["year_label"] for r in gap_rows] == ["2024"]


def test_hiring_facts_show_percent_facts_as_bars_and_a_range_as_a_span() -> None:
    spec = charts.hiring_facts().to_dict()
    assert len(spec["vconcat"]) == 2
    (bar,) = marks(spec, "bar")
    assert bar["x"]["field"] == "start" and bar["x2"]["field"] == "value_high"
    percent_rows = [r for rows in dataset_rows(spec) for r in rows if r["unit"] == "percent"]
    premium = next(r for r in percent_rows if "premium over AI" in r["label"])
    assert (premium["start"], premium["value_high"], premium["text"]) == (10, 15, "10–15%")
    assert len(percent_rows) == 4


def test_latency_distribution_marks_the_true_percentiles() -> None:
    spec = charts.latency_distribution().to_dict()
    assert spec["facet"]["row"]["field"] == "model_version"
    rules = marks(spec, "rule")
    assert rules[0]["x"]["field"] == "latency_ms" and "strokeDash" in rules[0]
    (rows,) = dataset_rows(spec)
    logs = data.load("request_logs")
    v2 = logs.loc[logs["model_version"] == "ranker-v2", "latency_ms"]
    p99 = next(r["latency_ms"] for r in rows if r["kind"] == "percentile"
               and r["model_version"] == "ranker-v2" and r["label"] == "p99")
    assert p99 == pytest.approx(np.percentile(v2, 99))
    shares = sum(r["share"] for r in rows if r["kind"] == "bin"
                 and r["model_version"] == "ranker-v1")
    assert shares == pytest.approx(100)


def test_cost_per_1k_defaults_to_the_logs_and_accepts_a_mapping() -> None:
    (rows,) = dataset_rows(charts.cost_per_1k().to_dict())
    logs = data.load("request_logs")
    expected = logs.groupby("model_version")["cost_usd"].mean() * 1000
    assert {r["option"]: r["cost_per_1k_usd"] for r in rows} == pytest.approx(expected.to_dict())
    spec = charts.cost_per_1k({"LLM API": 12.5, "gradient boosting": 0.02}).to_dict()
    (bar,) = marks(spec, "bar")
    assert bar["x"] == {**bar["x"], "field": "cost_per_1k_usd", "type": "quantitative"}
    assert "gradient boosting" in spec["title"]["subtitle"]  # named as cheapest
    with pytest.raises(ValueError, match="negative"):
        charts.cost_per_1k({"free lunch": -1})


def test_drift_scores_draw_the_alert_threshold() -> None:
    spec = charts.drift_scores().to_dict()
    (line,) = marks(spec, "line")
    assert line["x"]["type"] == "temporal" and line["strokeDash"]["field"] == "feature"
    rule_rows = [r for rows in dataset_rows(spec) for r in rows if "threshold" in r]
    assert rule_rows[0]["threshold"] == 0.2
    assert "transaction_amount crosses it first" in spec["title"]["subtitle"]
    mine = pd.DataFrame({"week": [1, 2, 1, 2], "feature": ["a", "a", "b", "b"],
                         "psi": [0.01, 0.05, 0.02, 0.3]})
    spec = charts.drift_scores(mine, threshold=0.25).to_dict()
    (line,) = marks(spec, "line")
    assert line["x"]["type"] == "ordinal"
    assert "b crosses it first, in week 2" in spec["description"]


def test_lifecycle_timeline_follows_the_given_order_and_counts_handoffs() -> None:
    stages = pd.DataFrame({"stage": ["retire", "train", "deploy"],
                           "owner": ["product", "ML", "platform"], "order": [3, 1, 2]})
    spec = charts.lifecycle_timeline(stages).to_dict()
    (point,) = marks(spec, "point")
    assert point["y"]["sort"] == ["1. train", "2. deploy", "3. retire"]
    assert point["shape"]["field"] == "owner" and point["color"]["field"] == "owner"
    assert "2 handoffs" in spec["description"]
    with pytest.raises(ValueError, match="'owner'"):
        charts.lifecycle_timeline(stages.drop(columns="owner"))


def test_role_audit_takes_a_dict_and_flags_shares_that_do_not_add_up() -> None:
    spec = charts.role_audit({"model building": 30, "orchestration": 70}).to_dict()
    (bar,) = marks(spec, "bar")
    assert (bar["x"]["field"], bar["x2"]["field"]) == ("start", "end")
    assert bar["color"]["field"] == "activity"
    rows = dataset_rows(spec)[0]
    assert [(r["start"], r["end"]) for r in rows] == [(0, 30), (30, 100)]
    texts = [r["label"] for rows in dataset_rows(spec)[1:] for r in rows]
    assert texts == ["30% model building", "70% orchestration"]
    odd = charts.role_audit(pd.DataFrame({"activity": ["a", "b"], "percent": [50, 60]}))
    assert "add up to 110%" in odd.to_dict()["description"]
    with pytest.raises(ValueError, match="0 or more"):
        charts.role_audit({"sleep": -5})


def test_importing_the_package_does_not_import_altair() -> None:
    code = "import sys, course, course.charts, course.data; print('altair' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"
