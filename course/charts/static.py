"""Save a chart as a PNG or SVG file with vl-convert (no browser, no network)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import altair as alt


def vl_version() -> str:
    """The Vega-Lite version Altair writes, as vl-convert names it (e.g. '6.4')."""
    import altair as alt

    major, minor = alt.SCHEMA_VERSION.lstrip("v").split(".")[:2]
    return f"{major}.{minor}"


def save_static(chart: alt.TopLevelMixin, path: str | Path, scale: float = 1.0) -> Path:
    """Write ``chart`` to ``path`` as PNG or SVG, chosen by the file suffix.

    ``scale`` multiplies the PNG's pixel size (2 for sharp slides). Returns the path.
    """
    import vl_convert as vlc

    target = Path(path)
    spec = chart.to_dict()
    suffix = target.suffix.lower()
    if suffix == ".png":
        target.write_bytes(vlc.vegalite_to_png(spec, vl_version=vl_version(), scale=scale))
    elif suffix == ".svg":
        target.write_text(vlc.vegalite_to_svg(spec, vl_version=vl_version()), encoding="utf-8")
    else:
        raise ValueError(f"save_static() writes .png or .svg files, not {suffix or 'no suffix'!r}")
    return target
