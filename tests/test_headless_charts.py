"""Executed headless, module 01 embeds its charts as PNG images and stays small."""

from __future__ import annotations

import json

import nbformat
import pytest

from tests.notebook_tools import ROOT, error_outputs, execute

pytestmark = pytest.mark.slow

MODULE = ROOT / "solutions" / "01-identity-shift" / "01-identity-shift.ipynb"
MAX_BYTES = 300_000


@pytest.fixture(scope="module")
def executed():
    return execute(MODULE)


def test_runs_without_errors(executed):
    assert error_outputs(executed) == []


def test_charts_are_embedded_as_images(executed):
    chart_cells = [c for c in executed.cells
                   if c.cell_type == "code" and "charts." in c.source and "checks." not in c.source
                   and "import" not in c.source]
    assert len(chart_cells) >= 2
    for cell in chart_cells:
        kinds = {key for out in cell.outputs for key in out.get("data", {})}
        assert "image/png" in kinds, f"chart cell {cell.source!r} shows {sorted(kinds)}"
        assert not any("vega" in kind or "widget" in kind for kind in kinds)


def test_executed_notebook_is_under_300_kb(executed):
    size = len(nbformat.writes(executed).encode())
    assert size < MAX_BYTES, f"executed module 01 is {size:,} bytes"
    assert json.loads(nbformat.writes(executed))  # still a valid notebook
