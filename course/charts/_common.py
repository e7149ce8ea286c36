"""Helpers shared by the chart modules: loading, input checks, titles and descriptions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    import altair as alt
    import pandas as pd

# Any top-level chart (Chart, LayerChart, FacetChart...): finish() hands back the same kind it got.
ChartT = TypeVar("ChartT", bound="alt.TopLevelMixin")


def ready() -> None:
    """Make sure the course theme is active, even when a chart is drawn without setup()."""
    import altair as alt

    from course.charts import theme

    if alt.theme.active != theme.THEME_NAME:
        theme.register()


def bundled(name: str) -> pd.DataFrame:
    """A validated bundled dataset."""
    from course import data

    return data.load(name)


def require_columns(df: pd.DataFrame, columns: Iterable[str], chart: str) -> None:
    """Raise a ValueError a learner can act on when ``df`` lacks a column the chart needs."""
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{chart}() needs a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(
            f"{chart}() needs the column(s) {', '.join(map(repr, missing))}; "
            f"the table has {', '.join(map(repr, df.columns))}"
        )


def finish(
    chart: ChartT, title: str, subtitle: str | list[str], description: str
) -> ChartT:
    """Give a chart its title, subtitle and screen-reader description."""
    import altair as alt

    return chart.properties(
        title=alt.TitleParams(title, subtitle=subtitle), description=description
    )


def percent_label(value: float) -> str:
    """12.5 → '12.5%', 50.0 → '50%'."""
    return f"{value:.1f}".rstrip("0").rstrip(".") + "%"
