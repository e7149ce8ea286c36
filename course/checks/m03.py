"""Self-checks for module 03 (the market in numbers).

They test properties of an answer (a percent, not a fraction; compounding stays below the
simple average; each midpoint halfway between its own row's ends) and never compute or
return the graded value: the hidden tests hold that.
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


def _closed_count() -> int:
    """How many salary rows have both ends of their range."""
    salaries = _load("salaries")
    return int((~salaries["open_ended"].astype(bool) & salaries["high_usd"].notna()).sum())


def check_midpoints(midpoints: Any) -> None:
    """Closed ranges only, each with a numeric `midpoint_usd` halfway between its own ends."""
    import pandas as pd

    expect_columns(midpoints, ["id", "low_usd", "high_usd", "open_ended", "midpoint_usd"],
                   "midpoints")
    expect_true(pd.api.types.is_numeric_dtype(midpoints["midpoint_usd"])
                and not pd.api.types.is_bool_dtype(midpoints["midpoint_usd"]),
                "`midpoint_usd` should hold numbers (dollars), not text.")
    got = [str(i) for i in midpoints["id"]]
    expect_true(len(got) == len(set(got)), "Each salary row should appear once in `midpoints`.")
    open_rows = int((midpoints["open_ended"].astype(bool) | midpoints["high_usd"].isna()).sum())
    if open_rows:
        raise CheckFailed(f"❌ `midpoints` still has {open_rows} row(s) whose range has no "
                          "upper end. Leave those out.")
    if len(got) < _closed_count():
        raise CheckFailed(f"❌ {_closed_count() - len(got)} closed range(s) are missing from "
                          "`midpoints`.")
    expect_true(bool(midpoints["midpoint_usd"].notna().all()),
                "`midpoint_usd` has empty values.")
    off = 0
    for _, row in midpoints.iterrows():
        halfway = (float(row["low_usd"]) + float(row["high_usd"])) / 2
        off += not math.isclose(float(row["midpoint_usd"]), halfway, rel_tol=1e-9, abs_tol=0.5)
    if off:
        raise CheckFailed(f"❌ {off} midpoint(s) are not halfway between `low_usd` and `high_usd`.")
    passed(f"midpoints has the {len(got)} closed ranges, each with its midpoint.")


def check_ml_premium(ml_premium: Any) -> None:
    """A premium in percent, in the range the article quotes. The exact value is graded by
    the hidden tests; this check only catches the usual slips (a fraction, a negative gap)."""
    if not _is_number(ml_premium):
        raise CheckFailed(f"❌ `ml_premium` should be a number, not {type(ml_premium).__name__}.")
    value = float(ml_premium)
    expect_true(value > 0, "ML engineers earn more here: the premium should be positive. "
                           "Divide the ML figure by the AI figure, not the other way round.")
    expect_true(value >= 1, "That looks like a fraction: give the premium in percent.")
    expect_true(value < 100, "A premium of 100% or more would mean double the pay: check "
                             "that you used the two national median rows.")
    if not 10 <= value <= 15:
        print("ℹ️ The article says about 10-15%. If yours is outside, check which salary is "
              "the base of the comparison.")
    passed("ml_premium is a plausible percent. The hidden tests check the exact value.")


def check_annual_growth(annual_growth: Any) -> None:
    """A yearly rate in percent that compounds (below the simple average). The exact value
    is graded by the hidden tests."""
    if not _is_number(annual_growth):
        raise CheckFailed(
            f"❌ `annual_growth` should be a number, not {type(annual_growth).__name__}.")
    value = float(annual_growth)
    growth = _load("market_growth")
    row = growth.loc[growth["id"] == BLS_ID].iloc[0]
    total = float(row["value"])
    years = int(row["period_end"]) - int(row["period_start"])
    expect_true(value > 0, "The projection is growth: the yearly rate should be positive.")
    expect_true(value >= total / years / 10,
                "That looks like a fraction: give the rate in percent.")
    expect_true(value < total / years,
                "Compounding means each year grows from the previous year's level, so the "
                "yearly rate is a little BELOW the simple average (total / years).")
    passed("annual_growth is a compounding yearly rate in percent. The hidden tests check "
           "the exact value.")


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
    expect_true(len(source) == _closed_count(),
                "The chart should have one bar per closed salary range.")
    passed("salary_chart encodes the midpoints as specified.")
