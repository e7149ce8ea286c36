"""Drive JupyterLab in a Playwright page: open a notebook, run it, read its cells.

Every wait is on a real condition (the status bar's kernel state, cell prompts, elements
present), never a fixed sleep.
"""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

KERNEL_IDLE = "Python 3 (ipykernel) | Idle"
KERNEL_TIMEOUT_MS = 120_000
RUN_TIMEOUT_MS = 240_000
UI_TIMEOUT_MS = 30_000

# True when no code cell is queued or running ("[*]") and the code cell a run began from
# (``start``, counted among code cells) has an execution count: a run marks every cell
# it will execute as queued at once, so this means the whole run is over.
_RUN_FINISHED_JS = """
(start) => {
  const prompts = [...document.querySelectorAll(
      '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputArea-prompt')];
  const texts = prompts.map((p) => p.textContent.trim());
  if (texts.some((t) => t.includes('*'))) return false;
  if (start >= texts.length) return true;
  return /\\[\\d+\\]/.test(texts[start]);
}
"""


def status_bar(page: Page) -> Locator:
    """JupyterLab's status bar at the bottom of the window."""
    return page.locator("#jp-main-statusbar")


def wait_kernel_idle(page: Page, timeout: int = KERNEL_TIMEOUT_MS) -> None:
    """Wait until the status bar reads "Python 3 (ipykernel) | Idle" (a kernel exists)."""
    status_bar(page).get_by_text(KERNEL_IDLE, exact=True).wait_for(timeout=timeout)


def notebook(page: Page) -> Locator:
    """The notebook shown in the main area."""
    return page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook").first


def cells(page: Page) -> Locator:
    """Every cell of the visible notebook, in order (windowing is off in the tests)."""
    return notebook(page).locator(".jp-Cell")


def cell(page: Page, index: int) -> Locator:
    """The cell at ``index`` (same numbering as the .ipynb file), scrolled into view."""
    found = cells(page).nth(index)
    scroll_to_centre(found)
    return found


def scroll_to_centre(element: Locator) -> None:
    """Scroll ``element`` to the middle of the notebook (away from the status bar)."""
    element.evaluate("(e) => e.scrollIntoView({block: 'center', inline: 'nearest'})")


def code_prompts(page: Page) -> list[str]:
    """The input prompts of every code cell, e.g. ``["[1]:", "[ ]:"]``."""
    return [text.strip() for text in
            notebook(page).locator(".jp-CodeCell .jp-InputArea-prompt").all_inner_texts()]


def open_notebook(page: Page, url: str) -> None:
    """Open a notebook URL and wait until its kernel is idle and its cells are shown."""
    page.goto(url)
    notebook(page).locator(".jp-Cell").first.wait_for(timeout=KERNEL_TIMEOUT_MS)
    wait_kernel_idle(page)


def menu(page: Page, top: str, item: str) -> None:
    """Click ``top`` in the main menu bar, then the entry labelled ``item``."""
    page.locator("#jp-MainMenu .lm-MenuBar-itemLabel").get_by_text(top, exact=True).click()
    entry = page.locator(".lm-Menu .lm-Menu-itemLabel").get_by_text(item, exact=True)
    entry.click()


def select_code_cell(page: Page, code_index: int) -> None:
    """Make the ``code_index``-th code cell the active cell (command mode).

    The mouse-down is dispatched on the cell's prompt rather than clicked: a click needs
    the prompt on screen, and charts still laying out can move it under the status bar.
    """
    target = notebook(page).locator(".jp-CodeCell").nth(code_index)
    target.locator(".jp-InputArea-prompt").dispatch_event("mousedown")
    target.locator(".jp-InputArea-prompt").dispatch_event("mouseup")
    page.wait_for_function(
        """(i) => document.querySelectorAll(
             '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell')[i]
             ?.classList.contains('jp-mod-active')""",
        arg=code_index, timeout=UI_TIMEOUT_MS, polling=100)


def wait_run_finished(page: Page, start: int, timeout: int = RUN_TIMEOUT_MS) -> None:
    """Wait until the run that began at code cell ``start`` is over and the kernel idles."""
    page.wait_for_function(_RUN_FINISHED_JS, arg=start, timeout=timeout, polling=250)
    wait_kernel_idle(page, timeout=timeout)


def first_unexecuted(page: Page) -> int | None:
    """Index (among code cells) of the first code cell without an execution count."""
    for index, text in enumerate(code_prompts(page)):
        if not re.search(r"\[\d+\]", text):
            return index
    return None


def run_all(page: Page) -> None:
    """Run every code cell, carrying on past errors as a learner would.

    Run All stops at the first error (an unanswered exercise raises), so this runs from
    the first unexecuted cell downwards until every code cell has a number.
    """
    menu(page, "Run", "Run All Cells")
    wait_run_finished(page, 0)
    start = first_unexecuted(page)
    while start is not None:
        select_code_cell(page, start)
        menu(page, "Run", "Run Selected Cell and All Below")
        wait_run_finished(page, start)
        following = first_unexecuted(page)
        assert following is None or following > start, f"code cell {start} did not run"
        start = following


def save(page: Page) -> None:
    """Save the notebook (File → Save Notebook) and wait until it is no longer dirty."""
    menu(page, "File", "Save Notebook")
    page.locator(".lm-TabBar-tab.jp-mod-current.jp-mod-dirty").wait_for(
        state="detached", timeout=UI_TIMEOUT_MS)


def restart_kernel(page: Page) -> None:
    """Kernel → Restart Kernel…, confirm, and wait for the new kernel to idle."""
    menu(page, "Kernel", "Restart Kernel…")
    accept = page.locator(".jp-Dialog button.jp-mod-accept")
    expect(accept).to_contain_text("Restart")
    accept.click()
    page.locator(".jp-Dialog").wait_for(state="detached", timeout=UI_TIMEOUT_MS)
    wait_kernel_idle(page)
