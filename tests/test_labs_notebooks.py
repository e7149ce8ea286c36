"""Each lab's solution notebook runs headless, top to bottom, without an error."""

from __future__ import annotations

import pytest

from tests.notebook_tools import ROOT, error_outputs, execute

LABS = ("05-integration-lab", "06-evaluation-lab", "07-observability-incidents")


@pytest.mark.slow
@pytest.mark.parametrize("module", LABS)
def test_lab_solution_notebook_executes_without_error(module, monkeypatch):
    monkeypatch.setenv("COURSE_RENDERER", "png")
    notebook = ROOT / "solutions" / module / f"{module}.ipynb"
    executed = execute(notebook, timeout=120, allow_errors=True)
    assert error_outputs(executed) == []
    outputs = [o for cell in executed.cells for o in cell.get("outputs", [])]
    assert any("image/png" in o.get("data", {}) for o in outputs), "at least one chart"
    assert not any("❌" in o.get("text", "") for o in outputs), "a self-check fails"
