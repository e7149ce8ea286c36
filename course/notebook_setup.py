"""The one call at the top of every notebook."""

from __future__ import annotations

from pathlib import Path

_HOW = {"live": "live", "png": "as images", "svg": "as images", "spec": "as Vega-Lite specs"}


def setup(renderer: str | None = None, quiet: bool = False) -> dict[str, object]:
    """Register the chart theme, pick an offline renderer, set display options.

    Returns what was chosen (renderer and datasets folder), and prints a one-line
    confirmation unless ``quiet``.
    """
    import pandas as pd

    import course.room  # noqa: F401  (listens to quiz answers; sends only after room.join)
    from course import paths, render
    from course.charts import theme

    theme.register()
    chosen = render.enable(renderer)
    pd.set_option("display.max_columns", 20)
    pd.set_option("display.width", 120)
    pd.set_option("display.float_format", "{:,.2f}".format)
    datasets: Path = paths.datasets_dir()
    if not quiet:
        print(f"Course ready: charts render {_HOW[chosen]}; "
              f"data from {datasets.name}/")
    return {"renderer": chosen, "datasets": datasets}
