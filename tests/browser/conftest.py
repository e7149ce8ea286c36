"""Fixtures for the browser suite: one JupyterLab server and one Chromium per session,
a fresh page per test. Every test in this folder is marked ``browser``.

The server serves a temp copy of ``notebooks/`` and ``solutions/`` (running cells never
touches the committed notebooks), binds 127.0.0.1 on a free port with a random token,
and keeps its settings, workspaces and progress file in the session's temp folder.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import jlab
import labserver
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

ROOT = labserver.REPO
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test collected from this folder as a browser test."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[labserver.LabServer]:
    """JupyterLab on a temp copy of the course; stopped by PID at the end."""
    server = labserver.start(ROOT, tmp_path_factory.mktemp("jupyterlab"))
    try:
        yield server
    finally:
        labserver.stop(server)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's headless Chromium, driven by Playwright."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture()
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context and page for one test."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(jlab.UI_TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """``artifacts/screenshots/`` (git-ignored), created on demand."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture()
def open_notebook(lab_server: labserver.LabServer, page: Page):
    """``open_notebook("notebooks/01-x/01-x.ipynb")`` opens it in a fresh workspace and
    waits for an idle kernel."""

    def _open(relative: str) -> Page:
        jlab.open_notebook(page, lab_server.url(relative, f"t{uuid.uuid4().hex[:12]}"))
        return page

    return _open
