"""A poll the instructor pushes appears in a learner's JupyterLab notebook without re-running
anything; the learner answers by clicking, and the reveal shows the room's spread."""

from __future__ import annotations

from pathlib import Path

import httpx
import jlab
import nbformat
import pytest
from labserver import LabServer
from playwright.sync_api import Page, expect

from tests import roomserver

pytestmark = pytest.mark.browser

NOTEBOOK = "room-poll.ipynb"
WAIT_MS = 60_000


def write_notebook(lab_server: LabServer, code: str, url: str) -> str:
    """A learner's notebook: join the room, then a poll cell."""
    book = nbformat.v4.new_notebook()
    book.cells = [
        nbformat.v4.new_code_cell(f"from course import room\nroom.join({code!r}, server={url!r})"),
        nbformat.v4.new_code_cell("room.poll(interval=2)"),
    ]
    book.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                   "language": "python"}
    nbformat.write(book, lab_server.root / NOTEBOOK)
    return NOTEBOOK


def test_pushed_poll_appears_in_the_notebook_and_reveal_shows_the_spread(
        lab_server: LabServer, open_notebook, tmp_path: Path, screenshots: Path) -> None:
    with roomserver.sqlite_server(tmp_path / "room", k=1) as server:
        page: Page = open_notebook(write_notebook(lab_server, server.code, server.url))
        jlab.run_all(page)
        poll = page.locator(".course-room-poll")
        expect(poll).to_contain_text("waiting for the instructor", timeout=WAIT_MS)
        expect(jlab.cell(page, 0)).to_contain_text(f"Joined room {server.code}")

        pushed = httpx.post(f"{server.url}/api/rooms/{server.code}/polls", headers=server.auth,
                            json={"prompt": "Which part of the lab was hardest?",
                                  "options": {"a": "retries", "b": "fallbacks", "c": "caching"},
                                  "answer": None})
        assert pushed.status_code == 201
        # no cell is run again: the background thread updates the widget in place
        expect(poll).to_contain_text("Which part of the lab was hardest?", timeout=WAIT_MS)
        expect(poll).to_contain_text("open: answer now")
        prompts_before = jlab.code_prompts(page)
        poll.get_by_role("radio", name="fallbacks", exact=True).check()
        poll.get_by_role("button", name="Send").click()
        expect(poll).to_contain_text("Sent.", timeout=WAIT_MS)

        def stored() -> list[dict]:
            return httpx.get(f"{server.url}/api/rooms/{server.code}/events",
                             headers=server.auth).json()

        deadline_ms = WAIT_MS
        while not stored() and deadline_ms > 0:
            page.wait_for_timeout(100)  # the outbox thread posts it; poll the server
            deadline_ms -= 100
        (event,) = stored()
        assert (event["module"], event["answer"]) == ("poll", "b")

        httpx.post(f"{server.url}/api/rooms/{server.code}/polls/reveal", headers=server.auth)
        expect(poll).to_contain_text("answers revealed", timeout=WAIT_MS)
        expect(poll).to_contain_text("1 answered")
        assert jlab.code_prompts(page) == prompts_before  # nothing re-ran
        poll.screenshot(path=str(screenshots / "room-poll.png"))
