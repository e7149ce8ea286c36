"""Module 12 (the capstone service): its solution, hidden tests, data and self-checks.

The notebook's code cells run in process (``tests.content.solved.grade``: quiz cells skipped,
answer cells optionally replaced, each nbgrader test cell scores its points or zero); the full
marks, the empty submission and the release are checked in tests/content/test_shared.py.
"""

from __future__ import annotations

from typing import Any

import pytest

from course.checks import CheckFailed
from course.checks import m12 as checks12
from course.labs import LABELS, InternalServerError, capstone, true_label
from tests.content.solved import ALWAYS_EQUAL, Graded, grade
from tests.notebook_tools import ROOT

MODULE = "12-capstone"
AUTO_POINTS = 22  # as tests/content/test_shared.py checks
pytestmark = pytest.mark.usefixtures("no_real_sleep")


def test_a_wrong_ticket_model_costs_only_its_own_points() -> None:
    loose = ("class TicketIn(BaseModel):\n    ticket_id: str\n    text: str\n"
             "    channel: str\n    tier: str = 'free'\n")
    graded = grade(MODULE, {"12-ticket": loose})
    assert graded.scores["12-ticket-tests"] == 0
    assert graded.total == AUTO_POINTS - 2, graded.scores


def test_look_alike_answers_lose_their_points() -> None:
    always = ALWAYS_EQUAL + ("def release_gate(current, candidate, **kw):\n"
                             "    return _Sneaky('ship')\n")
    graded = grade(MODULE, {"12-gate": always})
    assert graded.scores["12-gate-tests"] == 0 and graded.total == AUTO_POINTS - 2


def test_the_week_shows_one_outage_day_and_a_lasting_drift(solved: Graded) -> None:
    ns = solved.namespace
    daily, drift, log = ns["daily"], ns["drift"], ns["log"]
    assert [int(d) for d in daily.index[daily["alert"]]] == [capstone.INCIDENT_DAY]
    assert set(log["status"]) == {200}, "the fallback answers every ticket, even on day 6"
    channel = drift[drift["feature"] == "channel"].set_index("day")["psi"]
    assert all(channel[d] < 0.2 for d in range(1, capstone.DRIFT_FROM_DAY))
    assert all(channel[d] > 0.2 for d in range(capstone.DRIFT_FROM_DAY, 8))


def test_the_gate_holds_the_fast_candidate_and_the_baseline_as_primary(solved: Graded) -> None:
    ns = solved.namespace
    results, gate = ns["results"], ns["release_gate"]
    current = results["current (v1)"]
    assert gate(current, results["candidate (v2-fast)"]) == "hold"
    assert gate(current, results["baseline"]) == "hold"
    assert results["current (v1)"]["accuracy"] > results["baseline"]["accuracy"] > 0.8


def test_the_ticket_set_has_exactly_the_planted_problems(solved: Graded) -> None:
    raw = capstone.ticket_set()
    assert solved.namespace["check_batch"](raw) == {
        "blank_text": 6, "too_short": 4, "repeated_ticket": 8, "unknown_label": 5}
    assert capstone.RAW_PROBLEMS == {"blank_text": 6, "repeated_ticket": 8,
                                     "unknown_label": 5, "too_short": 4}
    clean = solved.namespace["clean"]
    assert len(clean) == 885 and clean["ticket_id"].is_unique
    assert all(true_label(t) == c for t, c in zip(clean["text"], clean["category"], strict=True))
    assert capstone.ticket_set().equals(raw), "the set is the same on every run"


def test_the_hosted_model_raises_typed_errors_and_rejects_malformed_answers() -> None:
    provider, client = capstone.hosted(incident=True)
    model = capstone.ProviderClassifier(client, "router-llm")
    client.clock.advance((capstone.INCIDENT_DAY - 1) * capstone.DAY_S + 10 * 3600)
    with pytest.raises(InternalServerError):
        model.predict("My refund never arrived (ref 12345)")
    with pytest.raises(ValueError, match="unknown version"):
        capstone.hosted(version="v9")


@pytest.mark.parametrize("content, ok", [
    ('{"label": "bug", "confidence": 0.7}', True),
    ('{"label": "bug", "confid', False),
    ('{"category": "bug", "score": 0.7}', False),
    ('{"label": "bug", "confidence": 70}', False),
    ('{"label": "banana", "confidence": 0.7}', False),
    ("Sure! It is a bug.", False),
])
def test_provider_answers_are_validated(content: str, ok: bool) -> None:
    class Reply:
        choices = [type("C", (), {"message": type("M", (), {"content": content})})]

    class Fake:
        clock = None
        chat = completions = None

        def create(self, **kwargs: Any) -> Reply:
            return Reply()

    fake = Fake()
    fake.chat = fake.completions = fake  # type: ignore[assignment]  # a client-shaped stub
    model = capstone.ProviderClassifier(fake, "m")  # type: ignore[arg-type]  # duck-typed
    if ok:
        assert model.predict("x").label == "bug"
    else:
        with pytest.raises(capstone.MalformedAnswer):
            model.predict("x")


def _message(check: Any, *args: Any) -> str:
    try:
        check(*args)
    except CheckFailed as failure:
        return f"failed: {failure}"
    return "passed"


def test_self_checks_give_a_right_and_a_plausible_wrong_answer_the_same_message(
        solved: Graded) -> None:
    ns = solved.namespace
    wrong_gate = grade(MODULE, {"12-gate": "def release_gate(current, candidate, **kw):\n"
                                   "    return 'ship'\n"}).namespace["release_gate"]
    assert _message(checks12.check_release_gate, ns["release_gate"]) == \
        _message(checks12.check_release_gate, wrong_gate) == "passed"
    loose_psi = grade(MODULE, {"12-psi": "def psi(expected, actual, eps=1e-4):\n"
                                 "    return float(sum(max(a, eps) * math.log(max(a, eps) / "
                                 "max(e, eps)) for e, a in zip(expected, actual)))\n"}
                      ).namespace["psi"]
    assert _message(checks12.check_psi, ns["psi"]) == _message(checks12.check_psi, loose_psi)
    for name, check in [("TicketIn", checks12.check_ticket_model),
                        ("check_batch", checks12.check_check_batch),
                        ("postprocess", checks12.check_postprocess),
                        ("make_app", checks12.check_make_app),
                        ("resilient_predict", checks12.check_resilient_predict),
                        ("daily_metrics", checks12.check_daily_metrics),
                        ("lifecycle", checks12.check_lifecycle)]:
        assert _message(check, ns[name]) == "passed", name


def test_self_checks_catch_the_wrong_shape() -> None:
    assert _message(checks12.check_postprocess, lambda p, t: ("payments", "P2", False)) != "passed"
    assert _message(checks12.check_check_batch, lambda f: {"blank_text": 0.0}) != "passed"
    assert _message(checks12.check_psi, lambda e, a, eps=1e-4: 0) != "passed"


def test_instructor_notes_have_the_runbook_rubric_and_the_team_variant() -> None:
    notes = (ROOT / "instructor" / f"{MODULE}.md").read_text(encoding="utf-8")
    assert "12-runbook-manual" in notes and "Rubric" in notes and "Team variant" in notes


def test_the_data_dictionary_names_every_column_and_the_licence() -> None:
    doc = capstone.__doc__ or ""
    for column in capstone.ticket_set(50, problems=False).columns:
        assert f"\n{column} " in doc
    assert "CC BY 4.0" in doc
    assert set(capstone.ticket_set(50, problems=False)["category"]) <= set(LABELS)
