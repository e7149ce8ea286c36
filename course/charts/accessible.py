"""A text alternative for every chart a learner sees, including charts drawn inline.

The library charts set a Vega-Lite ``description`` (``_common.finish``). Charts written in a
notebook cell, including a learner's own, often do not. The course's renderers
(:func:`register`, enabled by :mod:`course.render`) therefore fill in a plain summary built from
the spec when a chart has none: its mark, what each axis and colour shows, and how many rows it
draws. Live, Vega turns the description into the chart's ``aria-label``; in saved outputs (SVG
from vl-convert, which drops it) the SVG is given ``role="img"``, an ``aria-label`` and a
``<title>``, and the bundle carries the same words as ``text/plain``.
"""

from __future__ import annotations

import html
import re
from typing import Any

CHANNELS = (("x", "x axis"), ("y", "y axis"), ("color", "colour"), ("size", "size"),
            ("shape", "shape"), ("column", "columns"), ("row", "rows"))
TYPES = {"quantitative": "number", "nominal": "category", "ordinal": "ordered category",
         "temporal": "time"}
SHORT_TYPES = {"Q": "quantitative", "N": "nominal", "O": "ordinal", "T": "temporal"}


def _mark(spec: dict[str, Any]) -> str:
    mark = spec.get("mark")
    if isinstance(mark, dict):
        mark = mark.get("type")
    if isinstance(mark, str):
        return {"bar": "Bar", "line": "Line", "point": "Scatter", "circle": "Scatter",
                "area": "Area", "rule": "Rule", "text": "Text", "tick": "Tick",
                "rect": "Heatmap"}.get(mark, mark.capitalize())
    if "layer" in spec:
        return "Layered"
    if any(key in spec for key in ("hconcat", "vconcat", "concat")):
        return "Combined"
    return "A"


def _channel(encoding: dict[str, Any]) -> str:
    field = encoding.get("field") or encoding.get("aggregate") or "value"
    if isinstance(field, dict):  # e.g. {"repeat": "column"}
        field = "value"
    if encoding.get("aggregate") == "count" and "field" not in encoding:
        field = "count of rows"
    title = encoding.get("title")
    name = title if isinstance(title, str) and title else str(field)
    kind = TYPES.get(str(encoding.get("type", "")), "")
    return f"{name} ({kind})" if kind else name


def _encodings(spec: dict[str, Any]) -> list[str]:
    layers = [spec, *spec.get("layer", [])]
    found: dict[str, str] = {}
    for layer in layers:
        for channel, label in CHANNELS:
            encoding = (layer.get("encoding") or {}).get(channel)
            if isinstance(encoding, dict) and channel not in found:
                found[channel] = f"{label}: {_channel(encoding)}"
    return list(found.values())


def _rows(spec: dict[str, Any]) -> int | None:
    datasets = spec.get("datasets") or {}
    sizes = [len(values) for values in datasets.values() if isinstance(values, list)]
    if sizes:
        return max(sizes)
    values = (spec.get("data") or {}).get("values")
    return len(values) if isinstance(values, list) else None


def _title(spec: dict[str, Any]) -> str:
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    if isinstance(title, list):
        title = " ".join(map(str, title))
    return str(title) if title else ""


def describe(spec: dict[str, Any]) -> str:
    """The chart's own ``description``, or a summary of the spec when it has none."""
    own = spec.get("description")
    if isinstance(own, str) and own.strip():
        return own.strip()
    title = _title(spec)
    parts = [f"{_mark(spec)} chart" + (f" titled \"{title}\"" if title else "")]
    encodings = _encodings(spec)
    if encodings:
        parts.append("; ".join(encodings))
    rows = _rows(spec)
    if rows is not None:
        parts.append(f"{rows} data row{'s' if rows != 1 else ''}")
    return ". ".join(parts) + ". (Automatic summary: this chart has no description of its own.)"


def with_description(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec with a ``description`` (its own, or :func:`describe`'s summary)."""
    return {**spec, "description": describe(spec)}


def label_svg(svg: str, description: str, title: str = "") -> str:
    """The SVG with ``role="img"``, an ``aria-label`` and a ``<title>`` a screen reader announces."""
    label = html.escape(description, quote=True)
    heading = html.escape(title or description)

    def root(match: re.Match[str]) -> str:
        attributes = re.sub(r'\s(?:role|aria-label)="[^"]*"', "", match.group(1))
        return f'<svg{attributes} role="img" aria-label="{label}"><title>{heading}</title>'

    return re.sub(r"<svg\b([^>]*)>", root, svg, count=1)


def svg_renderer(spec: dict[str, Any], **metadata: Any) -> dict[str, str]:
    """Altair's SVG renderer, with the text alternative inside the SVG and as ``text/plain``."""
    from altair.vegalite.v6.display import svg_renderer as altair_svg

    described = with_description(spec)
    bundle = dict(altair_svg(described, **metadata))
    text = describe(described)
    bundle["image/svg+xml"] = label_svg(bundle["image/svg+xml"], text, _title(spec))
    bundle["text/plain"] = f"Chart: {text}"
    return bundle


def live_renderer(spec: dict[str, Any], **metadata: Any) -> Any:
    """Altair's offline JupyterChart renderer, given a description Vega turns into ``aria-label``."""
    from altair.vegalite.v6.display import jupyter_renderer

    return jupyter_renderer(with_description(spec), **metadata)


def register() -> None:
    """Register ``course-svg`` and ``course-live`` with Altair (idempotent)."""
    import altair as alt

    alt.renderers.register("course-svg", svg_renderer)
    alt.renderers.register("course-live", live_renderer)
