"""The course's one Altair theme: colour-blind-safe colours, readable type, one width."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from altair.theme import ThemeConfig

THEME_NAME = "course"

# Okabe & Ito's colour-blind-safe palette, ordered so that the first colours contrast
# most on white (yellow last). Charts add a second cue (shape or dash) where colour
# carries meaning.
PALETTE = [
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#000000",  # black
    "#F0E442",  # yellow
]
SHAPES = ["circle", "square", "triangle-up", "diamond", "cross", "triangle-down"]
DASHES = [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3]]
ACCENT = "#D55E00"  # thresholds and alert rules
NEUTRAL = "#4D4D4D"
FONT = "Arial, 'Liberation Sans', Helvetica, 'Segoe UI', 'DejaVu Sans', sans-serif"
WIDTH = 520
HEIGHT = 300


def config() -> ThemeConfig:
    """The theme as a Vega-Lite top-level dict (also handy for vl-convert)."""
    # Sizes live in config.view, not at the top level: a top-level width/height is invalid
    # on faceted and concatenated charts, which Altair's live renderer then refuses.
    return {
        "background": "white",
        "padding": 8,
        "config": {
            "font": FONT,
            "view": {"stroke": None, "continuousWidth": WIDTH, "discreteWidth": WIDTH,
                     "continuousHeight": HEIGHT, "discreteHeight": HEIGHT},
            "title": {"fontSize": 17, "fontWeight": 600, "anchor": "start",
                      "subtitleFontSize": 13, "subtitleColor": NEUTRAL, "offset": 12},
            "axis": {"labelFontSize": 12, "titleFontSize": 13, "titleFontWeight": 600,
                     "gridColor": "#E6E6E6", "domainColor": "#888888", "tickColor": "#888888",
                     "labelLimit": 260},
            "legend": {"labelFontSize": 12, "titleFontSize": 13, "orient": "bottom",
                       "direction": "horizontal", "labelLimit": 260},
            "header": {"labelFontSize": 13, "titleFontSize": 13},
            "text": {"fontSize": 12, "color": "#222222"},
            # Vega-Lite takes a scheme object here ({"scheme": ...}); Altair 6's ThemeConfig
            # types only colour lists and range names for "ordinal".
            "range": {"category": PALETTE,
                      "ordinal": {"scheme": "blues"}},  # type: ignore[typeddict-item]
            "mark": {"color": PALETTE[0]},
            "bar": {"color": PALETTE[0]},
            "line": {"strokeWidth": 2.5},
            "point": {"size": 70, "filled": True},
        },
    }


def register() -> str:
    """Register the "course" theme with Altair and enable it; returns its name.

    Safe to call more than once.
    """
    import altair as alt

    @alt.theme.register(THEME_NAME, enable=True)
    def _course_theme() -> ThemeConfig:
        return config()

    return THEME_NAME
