"""While grading, charts are emitted as their Vega-Lite spec: vl-convert never starts."""

from __future__ import annotations

import subprocess
import sys

import pytest

from course import render


@pytest.mark.parametrize("environ, expected", [
    ({"COURSE_RENDERER": "spec"}, "spec"),
    ({"COURSE_RENDERER": "spec", "NBGRADER_EXECUTION": "autograde"}, "spec"),
    ({"NBGRADER_EXECUTION": "autograde"}, "svg"),
])
def test_spec_renderer_is_chosen_only_when_asked(environ, expected):
    assert render.choose_renderer(environ) == expected


def test_the_grading_sandbox_asks_for_specs():
    from course.grading import sandbox

    assert sandbox.environment(True)["COURSE_RENDERER"] == "spec"
    assert sandbox.environment(False)["COURSE_RENDERER"] == "spec"


def test_a_chart_in_spec_mode_is_a_vega_lite_spec_and_vl_convert_stays_unloaded():
    code = ("import sys, altair as alt, pandas as pd\n"
            "from course import setup\n"
            "print(setup()['renderer'])\n"
            "chart = alt.Chart(pd.DataFrame({'x': [1, 2]})).mark_bar().encode(x='x')\n"
            "bundle = alt.renderers.get()(chart.to_dict())\n"
            "bundle = bundle[0] if isinstance(bundle, tuple) else bundle\n"
            "print(sorted(bundle))\n"
            "print('vl_convert' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={"COURSE_RENDERER": "spec", "PATH": "/usr/bin:/bin"}, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[0] == "Course ready: charts render as Vega-Lite specs; data from datasets/"
    assert lines[1] == "spec"
    assert lines[2] == "['application/vnd.vegalite.v6+json', 'text/plain']"
    assert lines[3] == "False"


def test_a_spec_output_is_a_valid_notebook_output():
    import altair as alt
    import nbformat
    import pandas as pd
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    chart = alt.Chart(pd.DataFrame({"x": [1, 2]})).mark_bar().encode(x="x")
    bundle = render.spec_bundle(chart.to_dict())
    cell = new_code_cell("chart", outputs=[new_output("display_data", data=bundle)])
    nbformat.validate(new_notebook(cells=[cell]))  # raises if nbformat rejects it
