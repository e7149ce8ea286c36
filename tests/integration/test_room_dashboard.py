"""The instructor dashboard in headless Chromium shows the right counts, live, with no
internet: learners answer through the real quiz widgets while the page is open."""

from __future__ import annotations

import httpx
import pytest
from test_room_learners import Learners

from course import room
from course.quiz import load_bank
from tests import roomserver

sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
SCREENSHOTS = roomserver.REPO / "artifacts" / "screenshots"
CARD = '[data-question="01-identity-shift/identity-2026"]'


@pytest.fixture()
def page():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            context = browser.new_context()
            outside: list[str] = []
            context.on("request", lambda r: outside.append(r.url)
                       if not r.url.startswith("http://127.0.0.1") else None)
            page = context.new_page()
            page.set_default_timeout(30_000)
            yield page
            assert outside == []  # the page fetched nothing from the internet
        finally:
            browser.close()


def test_dashboard_shows_live_counts_after_learners_answer(tmp_path, monkeypatch, page):
    learners = Learners(tmp_path / "learners", monkeypatch)
    with roomserver.sqlite_server(tmp_path / "server", k=3) as server:
        page.goto(server.dashboard)
        sync_api.expect(page.locator("#code")).to_have_text(server.code)
        sync_api.expect(page.locator("#live")).to_have_text("live")
        choices = ["systems", "reverse", "systems", "systems", "reverse"]
        for i, key in enumerate(choices[:2]):
            learners.as_(i)
            room.join(server.code, server=server.url)
            learners.answer_single("identity-2026", key)
            assert room.flush(10)
        card = page.locator(CARD)
        sync_api.expect(card.locator(".answered")).to_have_text("2")
        sync_api.expect(card.locator(".waiting")).to_contain_text("Waiting for 3 answers")
        assert card.locator(".bar").count() == 0  # below k: no spread, no single learner
        for i, key in enumerate(choices[2:], start=2):
            learners.as_(i)
            room.join(server.code, server=server.url)
            learners.answer_single("identity-2026", key)
            assert room.flush(10)
        sync_api.expect(card.locator(".answered")).to_have_text("5")  # no reload: live
        sync_api.expect(card.locator(".joined")).to_have_text("5")
        sync_api.expect(page.locator("#joined")).to_have_text("5")
        sync_api.expect(card.locator('.bar[data-option="systems"] .count')).to_have_text("3")
        sync_api.expect(card.locator('.bar[data-option="reverse"] .count')).to_have_text("2")
        sync_api.expect(card.locator('.bar[data-option="research"] .count')).to_have_text("0")
        sync_api.expect(card.locator(".correct")).to_have_text("60% right first time")
        wrong_text = load_bank("01-identity-shift").get("identity-2026").options["reverse"]
        sync_api.expect(card.locator(".wrong")).to_have_text(wrong_text)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "room-dashboard.png"), full_page=True)

        # pause and poll from the page: push a bank question, then reveal it
        page.select_option("#module", "01-identity-shift")
        page.select_option("#question", "growing-skills")
        page.get_by_role("button", name="Push to the room").click()
        sync_api.expect(page.locator("#poll-state")).to_contain_text("growing-skills (open)")
        view = httpx.get(f"{server.url}/api/rooms/{server.code}/poll").json()
        assert view["poll"]["question_id"] == "growing-skills"
        page.get_by_role("button", name="Reveal spread and answer").click()
        sync_api.expect(page.locator("#poll-state")).to_contain_text("(revealed)")

        page.get_by_role("button", name="Item statistics").click()
        sync_api.expect(page.locator("#items table")).to_contain_text("identity-2026")


def test_dashboard_without_token_is_refused(tmp_path, page):
    with roomserver.sqlite_server(tmp_path) as server:
        response = page.goto(f"{server.url}/room/{server.code}")
        assert response is not None and response.status == 401
        assert server.token not in page.content()


def test_behind_a_url_prefix_as_a_jupyterhub_service(tmp_path, monkeypatch, page):
    learners = Learners(tmp_path / "learners", monkeypatch)
    server = roomserver.sqlite_server(tmp_path / "server", k=1)
    server.prefix = "/services/room"
    with server:
        assert httpx.get(f"http://127.0.0.1:{server.port}/api/health").status_code == 404
        page.goto(server.dashboard)
        sync_api.expect(page.locator("#live")).to_have_text("live")
        learners.as_(0)
        room.join(server.code, server=server.url)
        learners.answer_single("identity-2026", "reverse")
        assert room.flush(10)
        card = page.locator(CARD)
        sync_api.expect(card.locator(".answered")).to_have_text("1")
        sync_api.expect(card.locator('.bar[data-option="reverse"] .count')).to_have_text("1")
        sync_api.expect(page.locator("#module option").first).to_have_text("00-welcome")
