"""Charts of the market figures (module 03): salaries, growth, AI-tool use, job share."""

from __future__ import annotations

from typing import TYPE_CHECKING

from course.charts._common import bundled, finish, percent_label, ready, require_columns
from course.charts.theme import NEUTRAL, PALETTE, SHAPES

if TYPE_CHECKING:
    import altair as alt
    import pandas as pd

SALARY_COLUMNS = ["role", "level", "location_scope", "statistic", "low_usd", "high_usd",
                  "open_ended", "open_from_usd", "source", "reported_by"]
GROWTH_COLUMNS = ["metric", "subject", "value", "unit", "period_start", "period_end",
                  "source", "reported_by"]


def salary_ranges(salaries: pd.DataFrame | None = None) -> alt.LayerChart | alt.FacetChart:
    """Salary figures as bars from low to high, one row per role and level.

    Colour and point shape both show the location. Open-ended figures ('$206,000+') end
    in an arrow head and are labelled as reported; single figures are a point.
    """
    import altair as alt

    ready()
    df = bundled("salaries") if salaries is None else salaries.copy()
    require_columns(df, SALARY_COLUMNS, "salary_ranges")
    df = df.astype({"open_ended": "bool"})
    df["end_usd"] = df["high_usd"].where(~df["open_ended"], df["open_from_usd"])
    df["end_usd"] = df["end_usd"].fillna(df["low_usd"]).astype("float64")
    df["low_usd"] = df["low_usd"].astype("float64")
    df["figure"] = df["role"] + " (" + df["level"] + ")"
    df.loc[df["figure"].duplicated(keep=False), "figure"] = (
        df["figure"] + ", " + df["location_scope"]
    )
    if "as_reported" not in df.columns:
        df["as_reported"] = [
            f"${lo:,.0f}" + ("+" if op else (f"–${hi:,.0f}" if hi != lo else ""))
            for lo, hi, op in zip(df["low_usd"], df["end_usd"], df["open_ended"], strict=True)
        ]
    df["label"] = df["as_reported"].astype(str)
    df = df[["figure", "role", "level", "location_scope", "statistic", "low_usd", "end_usd",
             "open_ended", "label", "source", "reported_by"]]
    order = df.sort_values("low_usd", ascending=False)["figure"].tolist()

    y = alt.Y("figure:N", sort=order, title="Role (level)", axis=alt.Axis(labelLimit=320))
    location = alt.Color("location_scope:N", title="Location",
                         scale=alt.Scale(range=PALETTE))
    tooltip = [
        alt.Tooltip("role:N", title="Role"), alt.Tooltip("level:N", title="Level"),
        alt.Tooltip("location_scope:N", title="Location"),
        alt.Tooltip("statistic:N", title="Statistic"),
        alt.Tooltip("label:N", title="As reported"),
        alt.Tooltip("open_ended:N", title="Open-ended"),
        alt.Tooltip("source:N", title="Source"), alt.Tooltip("reported_by:N", title="Reported by"),
    ]
    base = alt.Chart(df).encode(y=y, tooltip=tooltip)
    bars = base.mark_bar(height=12, cornerRadius=2).encode(
        x=alt.X("low_usd:Q", title="Pay (USD per year)", axis=alt.Axis(format="$,.0f"),
                scale=alt.Scale(zero=False, nice=True)),
        x2="end_usd:Q",
        # fill, not color: a separate channel keeps the points' colour+shape legend merged
        fill=alt.Fill("location_scope:N", legend=None, scale=alt.Scale(range=PALETTE)),
    )
    starts = base.mark_point(filled=True, size=90, stroke="white").encode(
        x="low_usd:Q", color=location,
        shape=alt.Shape("location_scope:N", title="Location", scale=alt.Scale(range=SHAPES)),
    )
    arrows = base.transform_filter("datum.open_ended").mark_point(
        shape="triangle-right", size=160, filled=True, color=NEUTRAL, xOffset=8,
    ).encode(x="end_usd:Q")
    labels = base.mark_text(align="left", dx=18, color=NEUTRAL).encode(
        x="end_usd:Q", text="label:N"
    )
    chart = alt.layer(bars, starts, arrows, labels).properties(width=560)
    return finish(
        chart,
        "Salary figures by role, level and location",
        ["Bars run from the lowest to the highest figure quoted; an arrow head and '+' mean "
         "no upper bound was given.", "Figures mix medians, ranges and total pay: hover for the "
         "statistic and the source."],
        f"Horizontal range chart of {len(df)} salary figures in US dollars per year. Each "
        "row is a role and level; colour and point shape show the location. Open-ended "
        "figures end in an arrow because their source gives no upper bound.",
    )


def annualised(df: pd.DataFrame) -> pd.DataFrame:
    """Percent growth figures with a known period, with the rate per year added.

    The rate per year is (1 + total / 100) ** (1 / years) − 1, in percent.
    """
    rows = df[(df["unit"] == "percent") & df["period_start"].notna() & df["period_end"].notna()]
    rows = rows.copy()
    rows["years"] = (rows["period_end"] - rows["period_start"]).astype("int64")
    rows = rows[rows["years"] > 0]
    rows["per_year"] = ((1 + rows["value"] / 100) ** (1 / rows["years"]) - 1) * 100
    return rows


def growth_figures(growth: pd.DataFrame | None = None) -> alt.LayerChart | alt.FacetChart:
    """Each percent growth figure next to its rate per year, so horizons compare."""
    import altair as alt
    import pandas as pd

    ready()
    df = bundled("market_growth") if growth is None else growth.copy()
    require_columns(df, GROWTH_COLUMNS, "growth_figures")
    rows = annualised(df)
    skipped = df[~df.index.isin(rows.index)]
    rows["figure"] = [
        f"{s} ({int(a)}→{int(b)}, {y} yr)"
        for s, a, b, y in zip(rows["subject"], rows["period_start"], rows["period_end"],
                              rows["years"], strict=True)
    ]
    long = pd.concat([
        rows.assign(measure="whole period (headline)", percent=rows["value"],
                    text=[percent_label(v) for v in rows["value"]]),
        rows.assign(measure="per year (annualised)", percent=rows["per_year"],
                    text=[percent_label(round(v, 1)) + "/yr" for v in rows["per_year"]]),
    ])[["figure", "measure", "percent", "text", "value", "per_year", "years", "source",
        "reported_by"]]
    measure_scale = alt.Scale(domain=["whole period (headline)", "per year (annualised)"],
                              range=[PALETTE[0], PALETTE[1]])
    base = alt.Chart(long).encode(
        y=alt.Y("figure:N", title=None, axis=alt.Axis(labelLimit=320),
                sort=rows.sort_values("value", ascending=False)["figure"].tolist()),
        yOffset=alt.YOffset("measure:N", sort=measure_scale.domain),
        tooltip=[
            alt.Tooltip("figure:N", title="Figure"),
            alt.Tooltip("value:Q", title="Headline (%)", format=".1f"),
            alt.Tooltip("per_year:Q", title="Per year (%)", format=".2f"),
            alt.Tooltip("years:Q", title="Horizon (years)"),
            alt.Tooltip("source:N", title="Source"),
            alt.Tooltip("reported_by:N", title="Reported by"),
        ],
    )
    bars = base.mark_bar(height={"band": 0.9}).encode(
        x=alt.X("percent:Q", title="Growth (percent)"),
        color=alt.Color("measure:N", title="Measured over", scale=measure_scale),
    )
    labels = base.mark_text(align="left", dx=4).encode(x="percent:Q", text="text:N")
    not_shown = "; ".join(
        f"{m}: " + (f"#{v:g}" if u == "rank" else f"{v:,.0f}" if u == "roles"
                    else f"{v:g}% (no period given)")
        for m, v, u in zip(skipped["metric"], skipped["value"], skipped["unit"], strict=True)
    )
    subtitle = ["Headline growth over each figure's own horizon, and the same growth per year."]
    if not_shown:
        subtitle.append(f"Not comparable, so not drawn: {not_shown}.")
    return finish(
        alt.layer(bars, labels).properties(height=alt.Step(22)),
        "Growth figures over different horizons",
        subtitle,
        f"Grouped bar chart of {len(rows)} growth figures. For each, one bar shows the "
        "headline growth over its whole period and a second bar the equivalent growth per "
        "year, so a one-year and a ten-year figure can be compared.",
    )


def _percent_bars(base: alt.Chart, title: str) -> list[alt.Chart]:
    """A bar per row of ``base`` on a 0-100 % axis, its ``text`` label above it."""
    import altair as alt

    bars = base.mark_bar(width={"band": 0.6}).encode(
        y=alt.Y("percent:Q", title=title, scale=alt.Scale(domain=[0, 100])),
    )
    return [bars, base.mark_text(dy=-8).encode(y="percent:Q", text="text:N")]


def tool_adoption(adoption: pd.DataFrame | None = None) -> alt.LayerChart | alt.FacetChart:
    """Share of developers using or planning to use AI tools, by survey year."""
    import altair as alt

    ready()
    df = bundled("ai_tool_adoption") if adoption is None else adoption.copy()
    require_columns(df, ["year", "percent", "source"], "tool_adoption")
    df = df.assign(text=[percent_label(v) for v in df["percent"]])
    base = alt.Chart(df).encode(
        x=alt.X("year:O", title="Survey year", axis=alt.Axis(labelAngle=0)),
        tooltip=[alt.Tooltip("year:O", title="Year"),
                 alt.Tooltip("percent:Q", title="Developers (%)"),
                 alt.Tooltip("source:N", title="Source")],
    )
    first, last = df.iloc[0], df.iloc[-1]
    return finish(
        alt.layer(*_percent_bars(base, "Share of developers (%)")).properties(width=360),
        "Developers using or planning to use AI tools",
        "Source: " + "; ".join(sorted(set(df["source"]))) + ".",
        f"Bar chart: the share of developers using or planning to use AI tools rose from "
        f"{first['percent']:g}% in {first['year']} to {last['percent']:g}% in {last['year']}.",
    )


def job_share(shares: pd.DataFrame | None = None) -> alt.LayerChart | alt.FacetChart:
    """AI/ML jobs as a share of tech jobs; years without a figure are shown as gaps."""
    import altair as alt
    import pandas as pd

    ready()
    df = bundled("job_share") if shares is None else shares.copy()
    require_columns(df, ["year", "percent", "source"], "job_share")
    years = list(range(int(df["year"].min()), int(df["year"].max()) + 1))
    gaps = [y for y in years if y not in set(df["year"])]
    df = df.assign(year_label=df["year"].astype(str),
                   text=[percent_label(v) for v in df["percent"]])
    x = alt.X("year_label:O", title="Year", scale=alt.Scale(domain=[str(y) for y in years]),
              axis=alt.Axis(labelAngle=0))
    base = alt.Chart(df).encode(
        x=x,
        tooltip=[alt.Tooltip("year_label:O", title="Year"),
                 alt.Tooltip("percent:Q", title="AI/ML share of tech jobs (%)"),
                 alt.Tooltip("source:N", title="Source")],
    )
    layers = _percent_bars(base, "Share of tech jobs (%)")
    if gaps:
        gap_df = pd.DataFrame({"year_label": [str(y) for y in gaps], "percent": 4.0,
                               "text": "no figure"})
        layers.append(alt.Chart(gap_df).mark_text(color=NEUTRAL, fontStyle="italic").encode(
            x=x, y="percent:Q", text="text:N"))
    source = "; ".join(sorted(set(df["source"])))
    return finish(
        alt.layer(*layers).properties(width=360),
        "AI/ML jobs as a share of the tech job market",
        f"Source: {source}. Only the years drawn have a figure.",
        "Bar chart of the AI/ML share of tech jobs: "
        + ", ".join(f"{p:g}% in {y}" for y, p in zip(df["year"], df["percent"], strict=True))
        + (f"; no figure for {', '.join(map(str, gaps))}." if gaps else "."),
    )


__all__ = ["salary_ranges", "growth_figures", "tool_adoption", "job_share", "annualised"]
