"""Corrupted copies of the datasets fail with a message naming file, row and column."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from course import data

DATASETS = Path(__file__).resolve().parents[2] / "datasets"


@pytest.fixture
def copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the datasets, used through COURSE_DATASETS."""
    target = tmp_path / "datasets"
    shutil.copytree(DATASETS, target)
    monkeypatch.setenv("COURSE_DATASETS", str(target))
    return target


def edit(path: Path, change: Callable[[list[str]], list[str]]) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(change(lines)) + "\n", encoding="utf-8")


def set_cell(path: Path, data_row: int, column: str, value: str) -> None:
    """Replace one cell; data_row 1 is the first row after the header."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows[data_row][rows[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def failure(name: str) -> data.DataValidationError:
    with pytest.raises(data.DataValidationError) as caught:
        data.load(name)
    return caught.value


def test_the_untouched_copy_loads(copy: Path) -> None:
    assert len(data.load("salaries")) == 12


def test_missing_column(copy: Path) -> None:
    import pandas as pd

    df = pd.read_csv(copy / "tools.csv", dtype=str, keep_default_na=False)
    df.drop(columns="purpose").to_csv(copy / "tools.csv", index=False)
    err = failure("tools")
    assert (err.problems[0].file, err.problems[0].row, err.problems[0].column) == (
        "tools.csv", 0, "purpose")
    assert "tools.csv, header (line 1), column 'purpose': column is missing" in str(err)


def test_unexpected_column(copy: Path) -> None:
    edit(copy / "job_share.csv",
         lambda lines: [lines[0] + ",extra"] + [line + ",x" for line in lines[1:]])
    assert "column 'extra': unexpected column" in str(failure("job_share"))


def test_wrong_type_names_row_and_column(copy: Path) -> None:
    set_cell(copy / "salaries.csv", 3, "low_usd", "about 155k")
    err = failure("salaries")
    assert "salaries.csv, row 3 (line 4), column 'low_usd': 'about 155k' is not an integer" \
        in str(err)


def test_bad_boolean_and_bad_date(copy: Path) -> None:
    set_cell(copy / "salaries.csv", 5, "open_ended", "maybe")
    set_cell(copy / "feature_drift.csv", 10, "week", "2026-13-40")
    assert "row 5 (line 6), column 'open_ended'" in str(failure("salaries"))
    assert "row 10 (line 11), column 'week': '2026-13-40' is not a date" \
        in str(failure("feature_drift"))


def test_value_out_of_range(copy: Path) -> None:
    set_cell(copy / "ai_tool_adoption.csv", 2, "percent", "140")
    err = failure("ai_tool_adoption")
    problem = err.problems[0]
    assert (problem.file, problem.row, problem.column) == ("ai_tool_adoption.csv", 2, "percent")
    assert "above the maximum 100" in problem.message


def test_value_not_in_enum(copy: Path) -> None:
    set_cell(copy / "request_logs.csv", 7, "status", "exploded")
    assert "row 7 (line 8), column 'status': 'exploded' is not one of the allowed values" \
        in str(failure("request_logs"))


def test_missing_required_value(copy: Path) -> None:
    set_cell(copy / "market_growth.csv", 4, "source", "")
    assert "market_growth.csv, row 4 (line 5), column 'source': a value is required" \
        in str(failure("market_growth"))


def test_duplicate_primary_key(copy: Path) -> None:
    set_cell(copy / "hiring_facts.csv", 6, "id", "anthropic-no-phd")
    err = failure("hiring_facts")
    assert "hiring_facts.csv, row 6 (line 7), column 'id': duplicate primary key " \
           "'anthropic-no-phd' (first seen in row 1)" in str(err)


def test_duplicate_compound_key(copy: Path) -> None:
    set_cell(copy / "feature_drift.csv", 2, "bin", "0-10")
    err = failure("feature_drift")
    assert err.problems[0].row == 2 and err.problems[0].column == "week+feature+bin"


def test_many_problems_are_all_recorded_and_the_message_stays_short(copy: Path) -> None:
    for row in range(1, 9):
        set_cell(copy / "request_stream.csv", row, "transactions", "-1")
    err = failure("request_stream")
    assert [p.row for p in err.problems] == list(range(1, 9))
    assert "… and 3 more" in str(err)
