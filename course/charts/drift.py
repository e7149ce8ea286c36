"""Chart of drift scores against an alert threshold (module 07)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from course.charts._common import bundled, finish, ready, require_columns
from course.charts.theme import ACCENT, DASHES, PALETTE, SHAPES

if TYPE_CHECKING:
    import altair as alt
    import pandas as pd


def _example_scores(drift: pd.DataFrame) -> pd.DataFrame:
    """PSI of each feature and week against week 1, for the chart's default view."""
    import numpy as np

    reference = drift[drift["week_index"] == 1].set_index(["feature", "bin"])["share"]
    current = drift.set_index(["feature", "bin"])
    expected = reference.reindex(current.index).to_numpy().clip(1e-4)
    actual = current["share"].to_numpy().clip(1e-4)
    current = current.assign(term=(actual - expected) * np.log(actual / expected))
    return current.groupby(["week", "feature"], as_index=False)["term"].sum().rename(
        columns={"term": "psi"})


def drift_scores(
    scores: pd.DataFrame | None = None, threshold: float = 0.2, score: str = "psi"
) -> alt.LayerChart | alt.FacetChart:
    """Drift score per feature and week, with the alert threshold drawn as a rule.

    ``scores`` needs ``week`` (date or number), ``feature`` and the score column (``psi``).
    Without it the chart scores the bundled ``feature_drift`` table against week 1.
    """
    import altair as alt
    import pandas as pd

    ready()
    df = _example_scores(bundled("feature_drift")) if scores is None else scores.copy()
    require_columns(df, ["week", "feature", score], "drift_scores")
    temporal = pd.api.types.is_datetime64_any_dtype(df["week"])
    week = alt.X("week:T" if temporal else "week:O", title="Week",
                 axis=alt.Axis(format="%d %b") if temporal else alt.Axis(labelAngle=0))
    features = sorted(df["feature"].unique())
    above = df[df[score] > threshold]
    tooltip = [alt.Tooltip("week:T" if temporal else "week:O", title="Week"),
               alt.Tooltip("feature:N", title="Feature"),
               alt.Tooltip(f"{score}:Q", title="Drift score", format=".3f")]
    base = alt.Chart(df).encode(
        x=week,
        y=alt.Y(f"{score}:Q", title=f"Drift score ({score.upper()}, unitless)"),
        color=alt.Color("feature:N", title="Feature",
                        scale=alt.Scale(domain=features, range=PALETTE)),
        tooltip=tooltip,
    )
    lines = base.mark_line().encode(
        strokeDash=alt.StrokeDash("feature:N", title="Feature",
                                  scale=alt.Scale(domain=features, range=DASHES)))
    points = base.mark_point(filled=True, size=60).encode(
        shape=alt.Shape("feature:N", title="Feature",
                        scale=alt.Scale(domain=features, range=SHAPES)))
    rule_df = pd.DataFrame({"threshold": [threshold],
                            "text": [f"alert threshold {threshold:g}"]})
    rule = alt.Chart(rule_df).mark_rule(color=ACCENT, strokeDash=[6, 4], strokeWidth=2).encode(
        y="threshold:Q", tooltip=[alt.Tooltip("threshold:Q", title="Alert threshold")])
    rule_text = alt.Chart(rule_df).mark_text(
        color=ACCENT, align="left", dy=-7, x=4).encode(y="threshold:Q", text="text:N")
    if above.empty:
        verdict = "no feature crosses the threshold"
    else:
        first = above.sort_values("week").iloc[0]
        when = (first["week"].strftime("%d %b %Y") if temporal else f"week {first['week']}")
        verdict = f"{first['feature']} crosses it first, in {when}"
    return finish(
        alt.layer(lines, points, rule, rule_text),
        "Drift score per feature and week",
        f"The dashed orange line is the alert threshold ({threshold:g}); {verdict}.",
        f"Line chart of the weekly drift score of {len(features)} features "
        f"({', '.join(features)}) with a horizontal alert threshold at {threshold:g}; "
        f"{verdict}.",
    )
