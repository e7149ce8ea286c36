"""Render every chart to PNG plus an index.html: ``course gallery [--out DIR]``."""

from __future__ import annotations

import html
from pathlib import Path

from course import charts


def build(out: Path, scale: float = 1.0) -> Path:
    """Render each chart's default view into ``out``; return the index page's path."""
    out.mkdir(parents=True, exist_ok=True)
    figures = []
    for name in charts.CHARTS:
        chart = getattr(charts, name)()
        spec = chart.to_dict()
        charts.save_static(chart, out / f"{name}.png", scale=scale)
        title = spec.get("title", {})
        text = title.get("text", name) if isinstance(title, dict) else str(title)
        figures.append(
            f'<figure id="{name}"><img src="{name}.png" alt="{html.escape(spec["description"])}">'
            f"<figcaption><strong>{html.escape(text)}</strong> · "
            f"<code>course.charts.{name}()</code></figcaption></figure>"
        )
        print(f"rendered {name}")
    index = out / "index.html"
    index.write_text(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<title>Course chart gallery</title><style>body{font-family:sans-serif;margin:2rem;"
        "max-width:1100px}figure{margin:0 0 3rem}img{max-width:100%;border:1px solid #ddd}"
        "</style></head><body><h1>Course chart gallery</h1>\n"
        + "\n".join(figures) + "\n</body></html>\n",
        encoding="utf-8",
    )
    return index
