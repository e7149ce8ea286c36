"""Self-checks for module 03 (the market in numbers).

Expected values are computed from the course datasets at check time, so the checks follow
the data; the messages point at the method, never at the number.
"""

from __future__ import annotations

import math
from typing import Any

from course.checks import CheckFailed, expect_columns, expect_true, passed

AI_MEDIAN_ID = "ai-eng-national-median"
ML_MEDIAN_ID = "ml-eng-national-median"
BLS_ID = "bls-software-developers"


def _load(name: str) -> Any:
    from course import data

    return data.load(name)


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if type(value) in (int, float):
        return math.isfinite(value)
    if type(value).__module__ == "numpy" and hasattr(value, "dtype"):
        return value.dtype.kind in "iuf" and getattr(value, "ndim", 0) == 0 and math.isfinite(
            float(value))
    return False


def closed_ranges() -> Any:
    """The salary rows that have both ends of their range (a copy)."""
    salaries = _load("salaries")
    closed = salaries[~salaries["open_ended"].astype(bool) & salaries["high_usd"].notna()]
    return closed.copy()


def _midpoint(frame: Any, row_id: str) -> float:
    row = frame.loc[frame["id"] == row_id].iloc[0]
    return (float(row["low_usd"]) + float(row["high_usd"])) / 2


def expected_ml_premium() -> float:
    """ML engineers' base premium over AI engineers, in percent, from the two median rows."""
    salaries = _load("salaries")
    return (_midpoint(salaries, ML_MEDIAN_ID) / _midpoint(salaries, AI_MEDIAN_ID) - 1) * 100


def expected_annual_growth() -> float:
    """The compound annual rate, in percent, behind the BLS ten-year projection."""
    growth = _load("market_growth")
    row = growth.loc[growth["id"] == BLS_ID].iloc[0]
    years = int(row["period_end"]) - int(row["period_start"])
    return ((1 + float(row["value"]) / 100) ** (1 / years) - 1) * 100


def check_midpoints(midpoints: Any) -> None:
    """The closed salary ranges only, with a numeric `midpoint_usd` halfway between the ends."""
    import pandas as pd

    expect_columns(midpoints, ["id", "midpoint_usd"], "midpoints")
    expect_true(pd.api.types.is_numeric_dtype(midpoints["midpoint_usd"])
                and not pd.api.types.is_bool_dtype(midpoints["midpoint_usd"]),
                "`midpoint_usd` should hold numbers (dollars), not text.")
    closed = closed_ranges()
    wanted = set(closed["id"])
    got = [str(i) for i in midpoints["id"]]
    expect_true(len(got) == len(set(got)), "Each salary row should appear once in `midpoints`.")
    open_rows = sorted(set(got) - wanted)
    if open_rows:
        raise CheckFailed(
            f"❌ `midpoints` still has {len(open_rows)} row(s) whose range has no upper end "
            "(or are not in the salaries table). Leave those out."
        )
    lost = wanted - set(got)
    if lost:
        raise CheckFailed(f"❌ {len(lost)} closed range(s) are missing from `midpoints`.")
    expect_true(bool(midpoints["midpoint_usd"].notna().all()),
                "`midpoint_usd` has empty values.")
    off = 0
    for _, row in closed.iterrows():
        value = midpoints.loc[midpoints["id"] == row["id"], "midpoint_usd"].iloc[0]
        halfway = (float(row["low_usd"]) + float(row["high_usd"])) / 2
        off += not math.isclose(float(value), halfway, rel_tol=1e-9, abs_tol=0.5)
    if off:
        raise CheckFailed(f"❌ {off} midpoint(s) are not halfway between `low_usd` and `high_usd`.")
    passed(f"midpoints has the {len(wanted)} closed ranges, each with its midpoint.")


def check_ml_premium(ml_premium: Any) -> None:
    """The ML engineer premium over the AI engineer median, in percent."""
    if not _is_number(ml_premium):
        raise CheckFailed(f"❌ `ml_premium` should be a number, not {type(ml_premium).__name__}.")
    value = float(ml_premium)
    expected = expected_ml_premium()
    if math.isclose(value, expected, abs_tol=0.05):
        passed("ml_premium is right. Compare it with the 10–15% the article quotes.")
        return
    if math.isclose(value * 100, expected, abs_tol=0.05):
        raise CheckFailed("❌ That looks like a fraction: give the premium in percent.")
    salaries = _load("salaries")
    reversed_base = (1 - _midpoint(salaries, AI_MEDIAN_ID) / _midpoint(salaries, ML_MEDIAN_ID))
    if math.isclose(value, reversed_base * 100, abs_tol=0.05):
        raise CheckFailed("❌ Close: a premium is measured against the lower salary as the base.")
    raise CheckFailed("❌ `ml_premium` is not right yet. Use the midpoints of the two median "
                      "rows and express the difference relative to the AI engineer midpoint.")


def check_annual_growth(annual_growth: Any) -> None:
    """The compound annual growth rate, in percent, behind the BLS projection."""
    if not _is_number(annual_growth):
        raise CheckFailed(
            f"❌ `annual_growth` should be a number, not {type(annual_growth).__name__}.")
    value = float(annual_growth)
    expected = expected_annual_growth()
    if math.isclose(value, expected, abs_tol=0.005):
        passed("annual_growth is the compound rate.")
        return
    if math.isclose(value * 100, expected, abs_tol=0.005):
        raise CheckFailed("❌ That looks like a fraction: give the rate in percent.")
    growth = _load("market_growth")
    row = growth.loc[growth["id"] == BLS_ID].iloc[0]
    simple = float(row["value"]) / (int(row["period_end"]) - int(row["period_start"]))
    if math.isclose(value, simple, abs_tol=0.005):
        raise CheckFailed("❌ That is the simple average. Growth compounds: each year grows "
                          "from the previous year's level.")
    raise CheckFailed("❌ `annual_growth` is not right yet. Check the number of years and "
                      "the compounding.")


def _channel(spec: dict, name: str) -> dict:
    channel = spec.get("encoding", {}).get(name)
    return channel if isinstance(channel, dict) else {}


def check_salary_chart(chart: Any) -> None:
    """A bar chart: x = midpoint_usd (quantitative), y = id (nominal), colour = role."""
    import altair as alt
    import pandas as pd

    if type(chart) is not alt.Chart:
        raise CheckFailed(f"❌ `salary_chart` should be an alt.Chart, not {type(chart).__name__}.")
    spec = chart.to_dict()
    mark = spec.get("mark")
    mark_type = mark.get("type") if isinstance(mark, dict) else mark
    expect_true(mark_type == "bar", "Draw the salaries as bars (`mark_bar`).")
    x, y, color = (_channel(spec, c) for c in ("x", "y", "color"))
    expect_true(x.get("field") == "midpoint_usd", "Put the midpoints on the x axis.")
    expect_true(x.get("type") == "quantitative", "Dollars are a quantity: encode x as `:Q`.")
    expect_true(y.get("field") == "id", "Put one bar per salary row (the `id`) on the y axis.")
    expect_true(y.get("type") in ("nominal", "ordinal"),
                "The row ids are categories: encode y as `:N`.")
    expect_true(color.get("field") == "role", "Colour the bars by `role`.")
    source = chart.data
    expect_true(type(source) is pd.DataFrame and "midpoint_usd" in source.columns,
                "Build the chart from your `midpoints` table.")
    expect_true(len(source) == len(closed_ranges()),
                "The chart should have one bar per closed salary range.")
    passed("salary_chart encodes the midpoints as specified.")
