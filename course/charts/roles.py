"""Charts of a learner's own work: the role audit (module 01) and the lifecycle (module 09)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from course.charts._common import finish, percent_label, ready, require_columns
from course.charts.theme import NEUTRAL, PALETTE, SHAPES

if TYPE_CHECKING:
    import altair as alt
    import pandas as pd

# The BirJob article opens with a data scientist who said he spent 80% of his time calling
# a model API and building RAG pipelines (2023). The rest of his time is not broken down.
EXAMPLE_AUDIT = {"calling model APIs and building RAG pipelines": 80.0, "everything else": 20.0}

# An illustration only: replace it with your own team's table in module 09.
EXAMPLE_LIFECYCLE = [
    ("training", "ML engineer"),
    ("evaluation and release gate", "ML engineer"),
    ("deployment", "platform team"),
    ("monitoring and alerts", "on-call engineer"),
    ("retraining or model switch", "ML engineer"),
    ("retirement", "product owner"),
]


def _shares_frame(shares: Mapping[str, float] | pd.DataFrame) -> pd.DataFrame:
    """Accept {activity: percent} or a DataFrame with ``activity`` and ``percent``."""
    import pandas as pd

    if isinstance(shares, Mapping):
        df = pd.DataFrame({"activity": list(shares), "percent": list(shares.values())})
    else:
        require_columns(shares, ["activity", "percent"], "role_audit")
        df = shares[["activity", "percent"]].copy()
    df["percent"] = pd.to_numeric(df["percent"], errors="coerce")
    if df["percent"].isna().any() or (df["percent"] < 0).any():
        raise ValueError("role_audit(): every share must be a number of percent, 0 or more")
    return df.reset_index(drop=True)


def role_audit(shares: Mapping[str, float] | pd.DataFrame | None = None) -> alt.LayerChart | alt.FacetChart:
    """One stacked bar of how your working time splits between activities, in percent.

    ``shares`` maps activity → percent, e.g. ``{"model building": 30, "orchestration": 70}``
    (or a DataFrame with ``activity`` and ``percent``). Without it: the example from the
    BirJob article's opening anecdote.
    """
    import altair as alt

    ready()
    df = _shares_frame(EXAMPLE_AUDIT if shares is None else shares)
    df["end"] = df["percent"].cumsum()
    df["start"] = df["end"] - df["percent"]
    df["middle"] = (df["start"] + df["end"]) / 2
    df["text"] = [percent_label(v) for v in df["percent"]]
    df["label"] = df["text"] + " " + df["activity"].astype(str)
    total = float(df["percent"].sum())
    width, scale_max = 520, max(100.0, total)
    tooltip = [alt.Tooltip("activity:N", title="Activity"),
               alt.Tooltip("percent:Q", title="Share (%)")]
    bars = alt.Chart(df).mark_bar(height=46, stroke="white", strokeWidth=2).encode(
        x=alt.X("start:Q", title="Share of working time (%)",
                scale=alt.Scale(domain=[0, scale_max])),
        x2="end:Q",
        color=alt.Color("activity:N", title="Activity",
                        scale=alt.Scale(domain=df["activity"].tolist(), range=PALETTE),
                        legend=alt.Legend(orient="bottom", direction="vertical")),
        tooltip=tooltip,
    )
    # Each segment is labelled with its share and activity (a second cue after colour),
    # cut to the segment's width.
    labels = [
        alt.Chart(df.iloc[[i]]).mark_text(
            color="white", fontWeight="bold", limit=max(0.0, width * pct / scale_max - 8),
        ).encode(x="middle:Q", text="label:N", tooltip=tooltip)
        for i, pct in enumerate(df["percent"])
    ]
    note = "" if abs(total - 100) < 0.5 else f" Your shares add up to {total:g}%, not 100%."
    parts = ", ".join(f"{a} {t}" for a, t in zip(df["activity"], df["text"], strict=True))
    return finish(
        alt.layer(bars, *labels).properties(width=width, height=60),
        "Where the working time goes",
        "Each segment is one activity's share of the week." + note,
        f"A single stacked bar split into {len(df)} activities: {parts}.{note}",
    )


def lifecycle_timeline(stages: pd.DataFrame | None = None) -> alt.LayerChart | alt.FacetChart:
    """The production lifecycle as a sequence of stages, each placed under its owner.

    ``stages`` needs ``stage`` and ``owner``; ``order`` is optional (row order otherwise).
    Lines between stages that change column are the handoffs.
    """
    import altair as alt
    import pandas as pd

    ready()
    if stages is None:
        df = pd.DataFrame(EXAMPLE_LIFECYCLE, columns=["stage", "owner"])
        subtitle = "An example: draw your own with lifecycle_timeline(your_table)."
    else:
        require_columns(stages, ["stage", "owner"], "lifecycle_timeline")
        df = stages.copy()
        subtitle = "Read top to bottom; a sideways step is a handoff between owners."
    if "order" not in df.columns:
        df["order"] = range(1, len(df) + 1)
    df = df.sort_values("order").reset_index(drop=True)
    df["step"] = [f"{i}. {s}" for i, s in enumerate(df["stage"], start=1)]
    owners = list(dict.fromkeys(df["owner"]))
    handoffs = int((df["owner"] != df["owner"].shift()).iloc[1:].sum())
    base = alt.Chart(df).encode(
        y=alt.Y("step:N", title="Stage (in order)", sort=df["step"].tolist()),
        x=alt.X("owner:N", title="Owner", sort=owners, axis=alt.Axis(labelAngle=0)),
        tooltip=[alt.Tooltip("order:Q", title="Order"), alt.Tooltip("stage:N", title="Stage"),
                 alt.Tooltip("owner:N", title="Owner")],
    )
    path = base.mark_line(color=NEUTRAL, strokeWidth=1.5).encode(order="order:Q")
    points = base.mark_point(filled=True, size=220, opacity=1).encode(
        color=alt.Color("owner:N", title="Owner", scale=alt.Scale(domain=owners, range=PALETTE)),
        shape=alt.Shape("owner:N", title="Owner", scale=alt.Scale(domain=owners, range=SHAPES)),
    )
    return finish(
        alt.layer(path, points).properties(width=alt.Step(130), height=alt.Step(34)),
        "Model lifecycle: who owns each stage",
        subtitle,
        f"A sequence of {len(df)} lifecycle stages from {df['stage'].iloc[0]} to "
        f"{df['stage'].iloc[-1]}, each placed in its owner's column ({', '.join(owners)}); "
        f"there are {handoffs} handoffs between owners.",
    )
