"""Charts for the evaluation lab (module 06) and the build-or-call decision (module 08)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from course.charts._common import bundled, finish, ready, require_columns
from course.charts.theme import DASHES, NEUTRAL, PALETTE

if TYPE_CHECKING:
    import altair as alt
    import pandas as pd

PERCENTILES = (50, 95, 99)
BIN_MS = 100


def latency_summary(logs: pd.DataFrame, bin_ms: int = BIN_MS) -> pd.DataFrame:
    """Latency histogram (share of each version's requests per bin) plus its percentiles.

    Returns one long table: ``kind`` is ``"bin"`` (``latency_ms`` = bin start, ``share``
    in percent) or ``"percentile"`` (``latency_ms`` = the value, ``label`` e.g. ``p95``).
    """
    import numpy as np
    import pandas as pd

    parts = []
    for version, group in logs.groupby("model_version", sort=True):
        latency = group["latency_ms"].astype("float64")
        bins = (np.floor(latency / bin_ms) * bin_ms).value_counts().sort_index()
        parts.append(pd.DataFrame({
            "model_version": version, "kind": "bin", "latency_ms": bins.index,
            "share": bins.to_numpy() / len(latency) * 100, "label": "",
        }))
        values = np.percentile(latency, PERCENTILES)
        parts.append(pd.DataFrame({
            "model_version": version, "kind": "percentile", "latency_ms": values,
            "share": np.nan, "label": [f"p{p}" for p in PERCENTILES],
        }))
    return pd.concat(parts, ignore_index=True)


def latency_distribution(logs: pd.DataFrame | None = None) -> alt.FacetChart:
    """Latency histogram per model version with its p50, p95 and p99 marked.

    ``logs`` needs ``model_version`` and ``latency_ms`` (the bundled ``request_logs``
    by default). Every request counts, failures included: a timeout is what the user waits.
    """
    import altair as alt

    ready()
    df = bundled("request_logs") if logs is None else logs
    require_columns(df, ["model_version", "latency_ms"], "latency_distribution")
    summary = latency_summary(df)
    versions = sorted(summary["model_version"].unique())
    color = alt.Color("model_version:N", title="Model version",
                      scale=alt.Scale(domain=versions, range=PALETTE))
    dash = alt.StrokeDash("model_version:N", title="Model version",
                          scale=alt.Scale(domain=versions, range=DASHES))
    x = alt.X("latency_ms:Q", title="Latency (ms)")
    hist = alt.Chart().transform_filter("datum.kind == 'bin'").mark_bar(opacity=0.85).encode(
        x=x, x2=alt.X2("bin_end:Q"),
        y=alt.Y("share:Q", title="Share of requests (%)"), y2=alt.datum(0),
        color=color,
        tooltip=[alt.Tooltip("model_version:N", title="Model version"),
                 alt.Tooltip("latency_ms:Q", title="Bin from (ms)"),
                 alt.Tooltip("share:Q", title="Share (%)", format=".2f")],
    ).transform_calculate(bin_end=f"datum.latency_ms + {BIN_MS}")
    pct = alt.Chart().transform_filter("datum.kind == 'percentile'")
    tip = [alt.Tooltip("model_version:N", title="Model version"),
           alt.Tooltip("label:N", title="Percentile"),
           alt.Tooltip("latency_ms:Q", title="Latency (ms)", format=",.0f")]
    rules = pct.mark_rule(strokeWidth=2, color=NEUTRAL).encode(x=x, strokeDash=dash,
                                                                tooltip=tip)
    texts = pct.mark_text(align="left", dx=3, baseline="top", color=NEUTRAL).encode(
        x=x, y=alt.value(0), text="label:N", tooltip=tip)
    chart = alt.layer(hist, rules, texts, data=summary).properties(width=520, height=150)
    chart = chart.facet(row=alt.Row("model_version:N", title="Model version"))
    p = summary[summary["kind"] == "percentile"]
    said = "; ".join(
        f"{v}: " + ", ".join(f"{lab} {ms:,.0f} ms" for lab, ms in
                             zip(g["label"], g["latency_ms"], strict=True))
        for v, g in p.groupby("model_version")
    )
    return finish(
        chart,
        "Latency per model version",
        f"Histogram in {BIN_MS} ms bins; vertical lines mark p50, p95 and p99.",
        f"Histograms of request latency in milliseconds, one panel per model version, "
        f"with the 50th, 95th and 99th percentiles marked. {said}.",
    )


def cost_per_1k_from_logs(logs: pd.DataFrame) -> pd.DataFrame:
    """Mean cost of 1,000 requests per model version, from request logs."""
    out = logs.groupby("model_version", as_index=False)["cost_usd"].mean()
    out["cost_per_1k_usd"] = out.pop("cost_usd") * 1000
    return out.rename(columns={"model_version": "option"})


def cost_per_1k(
    options: pd.DataFrame | Mapping[str, float] | None = None,
) -> alt.LayerChart | alt.FacetChart:
    """Cost of 1,000 requests for each option, as bars.

    ``options`` is a DataFrame with ``option`` and ``cost_per_1k_usd`` (any other columns
    go into the tooltip) or a mapping option → cost. By default: the two model versions
    of the bundled request logs.
    """
    import altair as alt
    import pandas as pd

    ready()
    if options is None:
        df = cost_per_1k_from_logs(bundled("request_logs"))
    elif isinstance(options, Mapping):
        df = pd.DataFrame({"option": list(options), "cost_per_1k_usd": list(options.values())})
    else:
        df = options.copy()
    require_columns(df, ["option", "cost_per_1k_usd"], "cost_per_1k")
    if (pd.to_numeric(df["cost_per_1k_usd"], errors="coerce") < 0).any():
        raise ValueError("cost_per_1k(): costs cannot be negative")
    df["text"] = [f"${v:,.2f}" for v in df["cost_per_1k_usd"]]
    extra = [c for c in df.columns if c not in ("option", "cost_per_1k_usd", "text")]
    base = alt.Chart(df).encode(
        y=alt.Y("option:N", title="Option", sort="-x"),
        tooltip=[alt.Tooltip("option:N", title="Option"),
                 alt.Tooltip("cost_per_1k_usd:Q", title="Cost per 1,000 requests (USD)",
                             format="$,.2f"), *extra],
    )
    bars = base.mark_bar(height={"band": 0.6}).encode(
        x=alt.X("cost_per_1k_usd:Q", title="Cost per 1,000 requests (USD)",
                axis=alt.Axis(format="$,.2f")),
    )
    labels = base.mark_text(align="left", dx=4).encode(x="cost_per_1k_usd:Q", text="text:N")
    cheapest = df.loc[df["cost_per_1k_usd"].idxmin(), "option"]
    return finish(
        alt.layer(bars, labels).properties(height=alt.Step(36)),
        "Cost per 1,000 requests",
        f"Lower is cheaper; cheapest here: {cheapest}.",
        "Bar chart of the cost of 1,000 requests in US dollars for each option: "
        + ", ".join(f"{o} {t}" for o, t in zip(df["option"], df["text"], strict=True)) + ".",
    )
