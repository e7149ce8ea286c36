"""Every chart a learner sees carries a text alternative, inline charts and saved outputs included."""

from __future__ import annotations

import altair as alt
import pandas as pd
import pytest

from course import charts, render
from course.charts import accessible


def _inline_chart() -> alt.Chart:
    calls = pd.DataFrame({"minute": [0, 0, 1], "outcome": ["ok", "rate limited", "ok"]})
    return alt.Chart(calls).mark_bar().encode(
        x=alt.X("minute:O", title="minute of the run"), y="count():Q", color="outcome:N")


def test_a_chart_without_description_gets_a_summary_of_what_it_draws():
    text = accessible.describe(_inline_chart().to_dict())
    assert text.startswith("Bar chart.")
    assert "x axis: minute of the run (ordered category)" in text
    assert "y axis: count of rows (number)" in text and "colour: outcome (category)" in text
    assert "3 data rows" in text and "Automatic summary" in text


def test_a_chart_keeps_its_own_description():
    spec = charts.job_share().to_dict()
    assert accessible.describe(spec) == spec["description"]
    assert "Automatic summary" not in accessible.describe(spec)


def test_titles_and_layers_are_named():
    base = alt.Chart(pd.DataFrame({"w": [1, 2], "v": [3, 4]}))
    layered = (base.mark_line().encode(x="w:Q", y="v:Q") + base.mark_point().encode(x="w:Q", y="v:Q"))
    text = accessible.describe(layered.properties(title="Drift by week").to_dict())
    assert text.startswith('Layered chart titled "Drift by week"') and "x axis: w (number)" in text


def test_saved_svg_output_carries_the_text_for_screen_readers():
    render.enable("svg")
    assert alt.renderers.active == "course-svg"
    bundle = _inline_chart()._repr_mimebundle_()
    svg = bundle["image/svg+xml"]
    root = svg[:svg.index(">") + 1]
    assert 'role="img"' in root and 'aria-label="Bar chart.' in root
    assert svg.count('role="img"') == 1 and "<title>" in svg
    assert bundle["text/plain"].startswith("Chart: Bar chart.")


def test_library_chart_text_is_its_own_description_in_the_svg():
    render.enable("svg")
    spec = charts.tool_adoption().to_dict()
    bundle = charts.tool_adoption()._repr_mimebundle_()
    assert bundle["text/plain"] == f"Chart: {spec['description']}"
    assert 'aria-label="' in bundle["image/svg+xml"]


def test_live_charts_reach_vega_with_a_description(monkeypatch):
    seen = {}

    def fake_jupyter_renderer(spec, **metadata):
        seen.update(spec=spec, metadata=metadata)
        return {"text/plain": "chart"}

    monkeypatch.setattr("altair.vegalite.v6.display.jupyter_renderer", fake_jupyter_renderer)
    render.enable("live")
    try:
        assert alt.renderers.active == "course-live"
        _inline_chart()._repr_mimebundle_()
    finally:
        render.enable("svg")
    assert seen["spec"]["description"].startswith("Bar chart.")
    assert seen["metadata"] == {"offline": True}


@pytest.mark.parametrize("description, title", [('5 < 6 & "quoted"', ""), ("plain", "Title & more")])
def test_labels_are_escaped(description, title):
    svg = accessible.label_svg('<svg width="1" role="graphics-document"><g role="x"/></svg>',
                               description, title)
    assert svg.startswith('<svg width="1" role="img" aria-label="')
    assert '<g role="x"/>' in svg and "&amp;" in svg
