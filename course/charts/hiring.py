"""Chart of the hiring facts (module 10)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from course.charts._common import bundled, finish, percent_label, ready, require_columns
from course.charts.theme import NEUTRAL, PALETTE

if TYPE_CHECKING:
    import altair as alt
    import pandas as pd

UNIT_TEXT = {"months": " months", "years": " years", "usd_per_year": " USD per year"}


def _value_text(low: float, high: float, unit: str) -> str:
    """A fact's value as a person would say it: '10–15%', '#1', '$220,000 per year'."""
    if unit == "listed" or low != low:  # NaN: a fact with no number
        return "named"
    if unit == "percent":
        return percent_label(low) if low == high else f"{low:g}–{percent_label(high)}"
    if unit == "rank":
        return f"#{low:g}"
    if unit == "usd_per_year":
        return f"${low:,.0f} per year"
    return f"{low:g}{UNIT_TEXT.get(unit, ' ' + unit)}"


def hiring_facts(facts: pd.DataFrame | None = None) -> alt.VConcatChart:
    """Percent facts as bars (ranges as a span), the other facts as a labelled list."""
    import altair as alt

    ready()
    df = bundled("hiring_facts") if facts is None else facts.copy()
    require_columns(df, ["fact", "subject", "value_low", "value_high", "unit", "source"],
                    "hiring_facts")
    df["value_low"] = df["value_low"].astype("float64")
    df["value_high"] = df["value_high"].astype("float64").fillna(df["value_low"])
    df["label"] = df["subject"] + ": " + df["fact"]
    df["text"] = [_value_text(lo, hi, u) for lo, hi, u in
                  zip(df["value_low"], df["value_high"], df["unit"], strict=True)]
    is_range = df["value_high"] > df["value_low"]
    df["kind"] = is_range.map({True: "a range", False: "one value"})
    df["start"] = df["value_low"].where(is_range, 0.0)
    df = df[["label", "fact", "subject", "value_low", "value_high", "start", "unit", "text",
             "kind", "source"]]
    tooltip = [alt.Tooltip("label:N", title="Fact"), alt.Tooltip("text:N", title="Value"),
               alt.Tooltip("source:N", title="Source")]

    pct = df[df["unit"] == "percent"]
    base = alt.Chart(pct).encode(
        y=alt.Y("label:N", title=None, sort="-x", axis=alt.Axis(labelLimit=380)),
        tooltip=tooltip,
    )
    bars = base.mark_bar(height=14).encode(
        x=alt.X("start:Q", title="Percent", scale=alt.Scale(domain=[0, 100])),
        x2=alt.X2("value_high:Q"),
        color=alt.Color("kind:N", title="Figure",
                        scale=alt.Scale(domain=["one value", "a range"],
                                        range=[PALETTE[0], PALETTE[1]])),
    )
    labels = base.mark_text(align="left", dx=5).encode(x="value_high:Q", text="text:N")
    top = alt.layer(bars, labels).properties(
        width=420, title="Facts given in percent")

    others = df[df["unit"] != "percent"]
    listing = alt.Chart(others).mark_text(align="left", color=NEUTRAL, fontSize=13).encode(
        y=alt.Y("label:N", title=None, sort=None,
                axis=alt.Axis(labelLimit=380, domain=False, ticks=False)),
        x=alt.value(8), text="text:N", tooltip=tooltip,
    ).properties(width=420, height=alt.Step(20), title="Facts in other units")
    return finish(
        alt.vconcat(top, listing),
        "Who gets hired into AI roles",
        "A span is a range the source gives (e.g. 10–15%). Hover for each fact's source.",
        f"Two panels. First, a bar chart of {len(pct)} hiring facts given in percent, "
        f"such as the share of Anthropic's technical staff without a PhD. Second, a list of "
        f"{len(others)} facts in other units, such as months, years and pay.",
    )
