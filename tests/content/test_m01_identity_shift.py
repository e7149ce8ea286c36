"""Module 01: the switch between the 2020 and the 2026 job (course.toggle), live and headless."""

from __future__ import annotations

from course import toggle


def test_switching_year_changes_the_card(monkeypatch):
    monkeypatch.setenv("COURSE_WIDGETS", "live")
    box = toggle.identity_toggle()
    switch, card = box.children
    assert "I train models" in card.value and "trained artifact" in card.value
    switch.value = "2026 · I build AI systems"
    assert "I build AI systems" in card.value and "drift" in card.value
    assert switch.description == "Year:"


def test_headless_shows_both_years_as_html(monkeypatch):
    monkeypatch.setenv("COURSE_WIDGETS", "static")
    html = toggle.identity_toggle()._repr_html_()
    assert "2020 · I train models" in html and "2026 · I build AI systems" in html
