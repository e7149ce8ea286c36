"""Module 01: the switch between the 2020 and the 2026 job (course.toggle), live and headless;
the visible self-checks (course.checks.m01) accept the solution and explain wrong answers."""

from __future__ import annotations

import pytest

from course import toggle
from course.checks import m01
from tests.content.solved import check_failure, solved


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


# --- the visible self-checks (course.checks.m01) ---------------------------------------------

MODULE = "01-identity-shift"


def test_m01_checks_accept_the_solution(capsys: pytest.CaptureFixture[str]) -> None:
    m01.check_identity_statement(solved(MODULE, "identity-statement", "identity_statement"))
    m01.check_role_audit(solved(MODULE, "role-audit", "role_audit"))
    m01.check_orchestration_share(solved(MODULE, "orchestration-share", "orchestration_share"))
    assert capsys.readouterr().out.count("✅") == 3


@pytest.mark.parametrize("statement, hint", [
    (42, "should be a str"),
    ("I turn models into reliable services for the product team.", "I'm the person who"),
    ("I'm the person who ships models.", "5 needed"),
    ("I'm the person who " + "ships " * 80, "80 words at most"),
])
def test_m01_identity_statement_says_what_is_missing(statement: object, hint: str) -> None:
    assert hint in check_failure(m01.check_identity_statement, statement)


def test_m01_identity_statement_accepts_curly_quotes_and_spacing(
        capsys: pytest.CaptureFixture[str]) -> None:
    m01.check_identity_statement("I’m  the person who keeps the ticket router fast, cheap and right.")
    assert "✅" in capsys.readouterr().out


@pytest.mark.parametrize("audit, hint", [
    ([("model building", 100)], "should be a dict"),
    ({"model building": 50, "serving": 50}, "at least three"),
    ({"training": 40, "serving": 35, "monitoring": 25}, '"model building"'),
    ({"model building": 40, "serving": 35, "monitoring": "25%"}, "monitoring"),
    ({"model building": 40, "serving": 35, "monitoring": 125}, "0 to 100"),
    ({"model building": 40, "serving": 35, "monitoring": 15}, "add up to 90"),
])
def test_m01_role_audit_says_which_rule_is_broken(audit: object, hint: str) -> None:
    assert hint in check_failure(m01.check_role_audit, audit)


def _building_share(audit: dict) -> float:  # the wrong half: model building itself
    return float(audit["model building"])


def _no_validation(audit: dict) -> float:  # right share, but never rejects a short week
    return float(sum(v for k, v in audit.items() if k != "model building"))


def _whole_number(audit: dict) -> int:
    return 100 - audit["model building"]


@pytest.mark.parametrize("function, hint", [
    (_building_share, "other activities"),
    (_no_validation, "should raise ValueError"),
    (_whole_number, "should be a float"),
    ("60.0", "should be a function"),
])
def test_m01_orchestration_share_rejects_plausible_mistakes(function: object, hint: str) -> None:
    message = check_failure(m01.check_orchestration_share, function)
    assert hint in message
    # no answer given away: the learner's own week and its share appear nowhere
    assert "35" not in message and "75" not in message
