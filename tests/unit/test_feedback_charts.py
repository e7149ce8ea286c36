"""Feedback pages draw the charts that grading kept as Vega-Lite specs."""

from __future__ import annotations

import altair as alt
import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

from course.grading.feedback import PREPROCESSORS
from course.grading.feedback_charts import RenderChartSpecs
from course.render import spec_bundle


def _graded_chart_cell() -> nbformat.NotebookNode:
    chart = alt.Chart(alt.Data(values=[{"team": "billing", "tickets": 12},
                                       {"team": "bug", "tickets": 30}])).mark_bar().encode(
        x="team:N", y="tickets:Q").properties(title="Tickets per team")
    bundle = spec_bundle(chart.to_dict())
    return new_code_cell("chart", outputs=[new_output("display_data", data=bundle)])


def test_a_spec_output_becomes_an_accessible_svg():
    nb = new_notebook(cells=[_graded_chart_cell()])
    out, _ = RenderChartSpecs().preprocess(nb, {})
    data = out.cells[0].outputs[0].data
    assert not [key for key in data if key.startswith("application/vnd.vegalite")]
    svg = data["image/svg+xml"]
    assert svg.lstrip().startswith("<svg") and 'role="img"' in svg
    assert "Tickets per team" in svg
    assert data["text/plain"].startswith("Chart: ")
    nbformat.validate(out)


def test_a_broken_spec_says_so_and_the_page_still_builds():
    nb = new_notebook(cells=[new_code_cell("chart", outputs=[new_output(
        "display_data", data={"application/vnd.vegalite.v6+json": {"mark": "no-such-mark"},
                              "text/plain": "<chart kept as its Vega-Lite spec while grading>"})])])
    out, _ = RenderChartSpecs().preprocess(nb, {})
    data = out.cells[0].outputs[0].data
    assert data["text/plain"].startswith("<chart not drawn: ")
    assert "application/vnd.vegalite.v6+json" not in data


def test_other_outputs_are_left_alone():
    cell = new_code_cell("x", outputs=[new_output("execute_result", data={"text/plain": "42"},
                                                  execution_count=1)])
    out, _ = RenderChartSpecs().preprocess(new_notebook(cells=[cell]), {})
    assert out.cells[0].outputs[0].data == {"text/plain": "42"}


def test_feedback_runs_the_chart_preprocessor():
    assert "course.grading.feedback_charts.RenderChartSpecs" in PREPROCESSORS
