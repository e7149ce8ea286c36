"""Module 07 (observability and incidents lab): the solution and hidden tests run in process on
the simulator (``tests.content.solved.grade``). Exact scores for the solution, an empty
submission and wrong types; the solution's drift, alerts and triage on the incident scenarios;
the runbook rubric in the instructor notes. Nothing may really sleep."""

from __future__ import annotations

import pytest

from course import modules
from tests.content.solved import Graded, assert_release_has_no_solution_code, grade
from tests.notebook_tools import ROOT

MODULE = "07-observability-incidents"
AUTO_POINTS = modules.get(MODULE, ROOT).points(ROOT)[0]  # from the notebook
pytestmark = pytest.mark.usefixtures("no_real_sleep")


@pytest.fixture(scope="module")
def solved() -> Graded:
    """The lab run once with its own solutions (shared by the tests below)."""
    return grade(MODULE)


def test_solution_scores_full_marks_and_each_test_cell_is_fast(solved: Graded) -> None:
    assert solved.scores == solved.possible, "a hidden test fails on the solution"
    assert solved.total == AUTO_POINTS
    slow = {k: round(v, 2) for k, v in solved.seconds.items() if v > 1.5}
    assert not slow, f"hidden test cells should take well under a second: {slow}"


def test_an_empty_submission_scores_zero() -> None:
    assert grade(MODULE, empty=True).total == 0


def test_wrong_types_and_always_equal_objects_lose_exactly_their_points() -> None:
    # numpy floats where floats are asked, and a misspelt action.
    numpy_psi = ("import numpy as _np\n"
                 "def psi(expected, actual, eps=1e-4):\n"
                 "    e = _np.clip(_np.asarray(expected, float), eps, None)\n"
                 "    a = _np.clip(_np.asarray(actual, float), eps, None)\n"
                 "    if e.shape != a.shape:\n        raise ValueError('bins')\n"
                 "    return _np.sum((a - e) * _np.log(a / e))\n")
    misspelt = ("def triage(incident):\n"
                "    return 'rollback' if incident['started_after_release'] else 'escalate'\n")
    graded = grade(MODULE, {"07-psi": numpy_psi, "07-triage": misspelt})
    assert graded.scores["07-psi-tests"] == 0 and graded.scores["07-drift-tests"] == 3
    assert graded.total == 16 - 2 - 4


# -- the solution functions on the failure scenarios ------------------------------------


def test_drift_and_triage_on_the_incident_scenarios(solved: Graded) -> None:
    ns = solved.namespace
    labs = ns["labs"]
    shares = labs.scenario("drifting-inputs", seed=0).extras["feature_shares"]
    drift = ns["drift_table"](shares)
    assert ns["retrain_features"](drift) == ["language", "ticket_length"]
    assert [ns["triage"](i) for i in labs.incidents()] == [
        "roll back", "retrain", "escalate", "escalate", "escalate", "escalate"]
    sc = labs.scenario("bad-release-v2", seed=1)
    ns["run_traffic"](sc, minutes=90)
    fired = ns["alerts"](ns["window_metrics"](sc.log()))
    assert fired and {a["metric"] for a in fired} == {"malformed_rate"}
    assert min(a["window"] for a in fired).hour == 10, "alerts start when v2 goes live"


# -- the student release and the instructor notes ----------------------------------------


def test_the_student_release_has_no_solution_code() -> None:
    assert_release_has_no_solution_code(MODULE)


def test_instructor_notes_have_the_runbook_rubric() -> None:
    notes = (ROOT / "instructor" / f"{MODULE}.md").read_text(encoding="utf-8")
    assert "07-runbook" in notes and "Rubric" in notes
