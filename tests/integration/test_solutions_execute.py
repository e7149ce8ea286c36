"""Every solution notebook, executed headless as nbgrader and nbconvert run it.

One execution per notebook serves every assertion: no error, every self-check passes on the
solution, charts are embedded SVG images (no live widget state), and the executed file stays
small enough for autograded copies and feedback pages (module 01: under 300 KB).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from tests.notebook_tools import error_outputs, execute, solution_notebooks

pytestmark = pytest.mark.slow

MAX_BYTES = 300_000
LIVE_ONLY = ("application/vnd.jupyter.widget-view+json", "application/vnd.vegalite.v6+json",
             "application/vnd.vegalite.v5+json")


@pytest.fixture(scope="module", params=solution_notebooks(), ids=lambda p: p.parent.name)
def executed(request: pytest.FixtureRequest):
    path: Path = request.param
    return path, execute(path, timeout=180)


def test_runs_without_errors(executed):
    path, nb = executed
    assert error_outputs(nb) == [], path.name


def test_every_self_check_passes_on_the_solution(executed):
    path, nb = executed
    failed = [f"cell {i}: {out['text'].strip()}" for i, cell in enumerate(nb.cells)
              for out in cell.get("outputs", [])
              if out.get("output_type") == "stream" and "❌" in out.get("text", "")]
    assert failed == [], f"{path.name}: {failed}"


def test_charts_are_embedded_images_not_live_widgets(executed):
    path, nb = executed
    kinds = [key for cell in nb.cells for out in cell.get("outputs", []) for key in out.get("data", {})]
    assert "image/svg+xml" in kinds or "text/html" in kinds, f"{path.name} shows nothing"
    assert not [k for k in kinds if k in LIVE_ONLY], f"{path.name} saved live-only outputs"
    assert "widgets" not in nb.metadata, f"{path.name} saved widget state"


def test_chart_cells_show_an_embedded_svg(executed):
    path, nb = executed
    chart_cells = [c for c in nb.cells if c.cell_type == "code"
                   and c.source.strip().startswith("charts.") and "save_static" not in c.source]
    for cell in chart_cells:
        kinds = {key for out in cell.outputs for key in out.get("data", {})}
        assert "image/svg+xml" in kinds, f"{path.name}: {cell.source!r} shows {sorted(kinds)}"


def test_every_chart_output_has_a_text_alternative(executed):
    """Saved charts carry their description for screen readers (course.charts.accessible); a
    chart the notebook draws itself has its own description, and only a learner's own chart
    (drawn in an answer cell) may fall back to the automatic summary."""
    import re

    path, nb = executed
    for index, cell in enumerate(nb.cells):
        answer_cell = bool(cell.get("metadata", {}).get("nbgrader", {}).get("solution"))
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            svgs = re.findall(r"<svg\b[^>]*>", data.get("image/svg+xml", "") + data.get("text/html", ""))
            for svg in svgs:
                label = re.search(r'aria-label="([^"]*)"', svg)
                assert 'role="img"' in svg and label and len(label.group(1)) > 20, (
                    f"{path.name} cell {index}: a chart without a text alternative")
                assert answer_cell or "Automatic summary" not in label.group(1), (
                    f"{path.name} cell {index}: give this chart its own description "
                    f"(.properties(description=...)); it shows only the automatic summary")


def test_executed_notebook_stays_small(executed):
    path, nb = executed
    size = len(nbformat.writes(nb).encode())
    assert size < MAX_BYTES, f"{path.name} executed is {size:,} bytes"
