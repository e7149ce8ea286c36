"""Every release notebook runs in JupyterLab with only the unanswered exercises failing,
every Altair chart renders, and module 01's solutions pass their self-checks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import jlab
import nbinfo
import pytest
from labserver import REPO as ROOT
from labserver import LabServer
from playwright.sync_api import Page

pytestmark = pytest.mark.browser

RELEASE = sorted((ROOT / "notebooks").glob("*/*.ipynb"))
SOLUTION_MODULE = "01-identity-shift"
CHART = "svg.marks, canvas.marks"  # what Vega draws inside .vega-embed
CHART_TIMEOUT_MS = 60_000


def relative(path: Path) -> str:
    """A repo path as the server sees it (the temp copy has the same layout)."""
    return path.relative_to(ROOT).as_posix()


def run_and_save(open_notebook: Callable[[str], Page], lab_server: LabServer,
                 path: str) -> tuple[Page, nbinfo.Notebook]:
    """Open ``path``, run every cell, save, and return the page and the saved notebook."""
    page = open_notebook(path)
    jlab.run_all(page)
    jlab.save(page)
    return page, nbinfo.read(lab_server.root / path)


def rendered_charts(page: Page) -> int:
    """How many Vega charts the notebook shows (a .vega-embed holding an svg or canvas)."""
    return jlab.notebook(page).locator(".vega-embed").filter(
        has=page.locator(CHART)).count()


def assert_chart_in_cell(page: Page, index: int) -> None:
    """Cell ``index`` shows a drawn Vega chart."""
    chart = jlab.cell(page, index).locator(".vega-embed").locator(CHART).first
    chart.wait_for(state="attached", timeout=CHART_TIMEOUT_MS)
    # The text alternative (course.charts.accessible) reaches the drawn chart: Vega puts it on
    # the chart's wrapper as the aria-label of its graphics-document.
    document = jlab.cell(page, index).locator(".vega-embed [role='graphics-document']").first
    label = document.get_attribute("aria-label") or ""
    assert len(label) > 20, f"cell {index}: the chart has no text alternative ({label!r})"


@pytest.mark.parametrize("notebook", RELEASE, ids=lambda path: path.parent.name)
def test_release_notebook_runs_and_its_charts_render(
        notebook: Path, lab_server: LabServer, open_notebook: Callable[[str], Page],
        screenshots: Path) -> None:
    path = relative(notebook)
    page, saved = run_and_save(open_notebook, lab_server, path)
    try:
        solution = ROOT / "solutions" / notebook.parent.name / notebook.name
        exercises = nbinfo.exercise_names(nbinfo.read(solution)) if solution.exists() else set()
        unexpected = nbinfo.unexpected_errors(saved, exercises)
        assert not unexpected, f"{path}: errors outside the unanswered exercises:\n" + \
            "\n".join(unexpected)

        charts = nbinfo.expected_charts(saved)
        for index in charts:
            assert_chart_in_cell(page, index)
        assert rendered_charts(page) >= len(charts), f"{path}: charts in cells {charts}"
    finally:
        page.screenshot(path=str(screenshots / f"{notebook.parent.name}.png"))


def test_module_01_solutions_pass_their_self_checks(
        lab_server: LabServer, open_notebook: Callable[[str], Page], screenshots: Path) -> None:
    path = f"solutions/{SOLUTION_MODULE}/{SOLUTION_MODULE}.ipynb"
    page, saved = run_and_save(open_notebook, lab_server, path)
    try:
        assert not nbinfo.errors(saved), f"the solutions raise: {nbinfo.errors(saved)}"
        checks = nbinfo.cells_calling(saved, r"checks\.run\(")
        assert checks, "module 01's solutions have no self-check cells"
        for index in checks:
            output = jlab.cell(page, index).locator(".jp-OutputArea-output")
            text = " ".join(output.all_inner_texts())
            assert "✅" in text, f"self-check cell {index} shows no ✅: {text!r}"
            assert "❌" not in text, f"self-check cell {index} shows ❌: {text!r}"
        printed = jlab.notebook(page).locator(
            '[data-mime-type="application/vnd.jupyter.stdout"]').all_inner_texts()
        assert not [line for line in printed if "❌" in line], printed
    finally:
        page.screenshot(path=str(screenshots / f"solutions-{SOLUTION_MODULE}.png"))
