"""The bundled datasets: provenance, types, the figures from the sources, regeneration."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from course import data

ROOT = Path(__file__).resolve().parents[2]
DATASETS = ROOT / "datasets"
SYNTHETIC = {"request_logs", "feature_drift", "request_stream"}
ROWS = {
    "salaries": 12, "market_growth": 5, "ai_tool_adoption": 3, "job_share": 2,
    "hiring_facts": 10, "skills": 17, "tools": 13,
    "request_logs": 3000, "feature_drift": 228, "request_stream": 3600,
    "handbook_passages": 260, "handbook_questions": 58,
}
WRITTEN = {"handbook_passages", "handbook_questions"}  # fiction written for module 11: no figures


@pytest.fixture(autouse=True)
def _bundled_datasets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COURSE_DATASETS", str(DATASETS))


def test_every_dataset_loads_with_its_row_count() -> None:
    assert data.names() == list(ROWS)
    for name, rows in ROWS.items():
        assert len(data.load(name)) == rows, name


def test_every_resource_declares_provenance_licence_and_synthetic_flag() -> None:
    for res in data.package()["resources"]:
        assert res["synthetic"] is (res["name"] in SYNTHETIC), res["name"]
        assert res["sources"] and res["licenses"], res["name"]
        for field in res["schema"]["fields"]:
            assert field["type"] and field["description"], (res["name"], field["name"])


def test_source_tables_name_a_source_and_a_reporter_on_every_row() -> None:
    for name in ROWS:
        if name in SYNTHETIC | WRITTEN:
            continue
        df = data.load(name)
        assert df["source"].str.strip().str.len().gt(0).all(), name
        assert df["reported_by"].str.strip().str.len().gt(0).all(), name


def test_loaded_tables_are_typed() -> None:
    salaries = data.load("salaries")
    assert salaries["low_usd"].dtype == "int64"
    assert salaries["high_usd"].dtype == "Int64"  # empty for open-ended figures
    assert salaries["open_ended"].dtype == bool
    logs = data.load("request_logs")
    assert str(logs["timestamp"].dt.tz) == "UTC"
    assert logs["latency_ms"].dtype == "float64"
    assert pd.api.types.is_datetime64_any_dtype(data.load("feature_drift")["week"])
    assert data.load("hiring_facts")["value_low"].isna().sum() == 2  # the 'listed' roles


def test_open_ended_salaries_have_no_invented_upper_bound() -> None:
    df = data.load("salaries")
    open_rows = df[df["open_ended"]]
    assert set(open_rows["id"]) == {
        "ai-eng-hub", "ml-eng-national-senior", "ml-eng-hub", "top-lab-researcher",
        "ml-eng-senior-llm",
    }
    assert open_rows["high_usd"].isna().all()
    assert open_rows["open_from_usd"].notna().all()
    assert open_rows["as_reported"].str.contains(r"\+|exceed").all()
    closed = df[~df["open_ended"]]
    assert (closed["high_usd"] >= closed["low_usd"]).all()


@pytest.mark.parametrize(
    ("name", "key", "column", "expected"),
    [
        ("salaries", "ai-eng-national-median", "low_usd", 134000),
        ("salaries", "ml-eng-national-median", "high_usd", 159000),
        ("salaries", "genai-agent-specialist", "high_usd", 250000),
        ("salaries", "openai-resident", "low_usd", 220000),
        ("market_growth", "ai-eng-positions-2025", "value", 143.2),
        ("market_growth", "bls-software-developers", "period_end", 2033),
        ("market_growth", "wef-new-roles", "value", 1_300_000),
        ("hiring_facts", "ai-eng-experience", "value_low", 3.7),
        ("hiring_facts", "ml-base-premium", "value_high", 15),
    ],
)
def test_figures_match_the_sources(name: str, key: str, column: str, expected: float) -> None:
    df = data.load(name).set_index("id")
    assert df.loc[key, column] == pytest.approx(expected)


def test_adoption_and_job_share_by_year() -> None:
    adoption = data.load("ai_tool_adoption").set_index("year")["percent"].to_dict()
    assert adoption == {2023: 70, 2024: 76, 2025: 84}
    share = data.load("job_share").set_index("year")["percent"].to_dict()
    assert share == {2023: 10, 2025: 50}  # no 2024 figure is invented


def test_skill_and_tool_maps_cover_both_sides() -> None:
    skills = data.load("skills")
    assert set(skills["concept_id"]) == {"C4.1", "C4.2", "C4.3", "C4.4"}
    assert set(skills["owner"]) == {"ML engineer", "AI product engineer", "shared"}
    # "What stays" is three of the differentiators (one row per skill), not a second list.
    assert skills["skill"].is_unique
    stays = skills[skills["stays"]]
    assert set(stays["category"]) == {"differentiating"} and len(stays) == 3
    tools = data.load("tools").set_index("tool")
    # Which bench a tool belongs on is module 02's graded answer: the dataset must not say.
    assert "workbench" not in tools.columns
    assert {"LangChain", "MLflow", "RAG pipeline"} <= set(tools.index)


def test_feature_shares_sum_to_one_and_only_the_amount_drifts() -> None:
    drift = data.load("feature_drift")
    sums = drift.groupby(["week", "feature"])["share"].sum()
    assert np.allclose(sums, 1.0, atol=1e-9)
    ref = drift[drift["week_index"] == 1].set_index(["feature", "bin"])["share"]
    cur = drift.set_index(["feature", "bin"])
    exp = ref.reindex(cur.index).to_numpy()
    psi = cur.assign(t=(cur["share"] - exp) * np.log(cur["share"] / exp))
    psi = psi.groupby(["feature", "week_index"])["t"].sum()
    alerts = psi[psi > 0.2]
    assert set(alerts.index.get_level_values("feature")) == {"transaction_amount"}
    assert min(alerts.index.get_level_values("week_index")) >= 8


def test_request_logs_make_sense_for_the_evaluation_lab() -> None:
    logs = data.load("request_logs")
    assert set(logs["model_version"]) == {"ranker-v1", "ranker-v2"}
    failed = logs[logs["status"] != "ok"]
    assert (failed["output_tokens"] == 0).all() and failed["quality"].isna().all()
    assert logs.loc[logs["status"] == "ok", "quality"].notna().all()
    assert logs["timestamp"].is_monotonic_increasing
    stream = data.load("request_stream")
    assert 9_000 < stream["transactions"].mean() < 11_500


def test_synthetic_generator_reproduces_the_committed_bytes(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_synthetic.py"), "--out", str(tmp_path)],
        check=True, capture_output=True,
    )
    for name in SYNTHETIC:
        fresh = (tmp_path / f"{name}.csv").read_bytes()
        assert fresh == (DATASETS / f"{name}.csv").read_bytes(), name
        assert len(fresh) < 1_000_000


def test_readme_is_generated_from_the_descriptor() -> None:
    assert (DATASETS / "README.md").read_text(encoding="utf-8") == data.data_dictionary()


def test_every_table_has_one_origin_and_the_readme_says_which() -> None:
    resources = data.package()["resources"]
    assert {r["name"] for r in resources if r.get("fiction")} == WRITTEN
    assert {r["name"]: data.origin(r) for r in resources} == {
        name: "synthetic" if name in SYNTHETIC else "fiction" if name in WRITTEN else "sources"
        for name in ROWS}
    readme = (DATASETS / "README.md").read_text(encoding="utf-8")
    sourced = readme.split("- **sources** (", 1)[1].split(")", 1)[0]
    assert "handbook" not in sourced and "`salaries`" in sourced
    assert "- **fiction** (`handbook_passages`, `handbook_questions`)" in readme
    assert "| `handbook_questions` | `handbook_questions.csv` | fiction |" in readme
    assert "Fiction" in data.describe("handbook_passages")
    assert "Fiction" not in data.describe("salaries")


def test_a_table_marked_synthetic_and_fiction_is_refused_by_name() -> None:
    pkg = data.package()
    clash = dict(pkg["resources"][0], synthetic=True, fiction=True)
    with pytest.raises(ValueError, match="'salaries'.*both synthetic and fiction"):
        data.data_dictionary(dict(pkg, resources=[clash]))


def test_describe_names_the_sources() -> None:
    text = data.describe("salaries")
    assert "Vettio 2026 analysis" in text and "CC-BY-4.0" in text
    assert "Synthetic" in data.describe("request_logs")
    with pytest.raises(KeyError, match="salaries"):
        data.describe("salary")
