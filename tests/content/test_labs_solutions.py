"""The lab notebooks' solutions and hidden tests, run in process on the simulator.

A small in-process grader executes a lab's code cells (quiz cells skipped), optionally with
some answer cells replaced, and scores the nbgrader test cells. It checks exact scores for
the solutions, for an empty submission and for submissions with wrong types or objects
whose ``__eq__`` always says True. Nothing may really sleep.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from course import modules
from course.nbcells import read_notebook, released_answer
from tests.notebook_tools import ROOT

LABS = ("05-integration-lab", "06-evaluation-lab", "07-observability-incidents")
AUTO_POINTS = {m: modules.get(m, ROOT).points(ROOT)[0] for m in LABS}  # from the notebooks


@dataclass
class Graded:
    """Outcome of one in-process run of a lab."""

    scores: dict[str, float] = field(default_factory=dict)
    possible: dict[str, float] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    namespace: dict[str, Any] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return sum(self.scores.values())


def cells(module: str) -> list[dict[str, Any]]:
    return read_notebook(ROOT / "solutions" / module / f"{module}.ipynb")["cells"]


def student_version(source: str) -> str:
    """What nbgrader leaves of an answer cell: the stub instead of the solution."""
    return released_answer(source)


def grade(module: str, answers: dict[str, str] | None = None, empty: bool = False) -> Graded:
    """Run a lab's code cells in order and score its test cells."""
    answers = answers or {}
    result = Graded()
    ns = result.namespace
    for cell in cells(module):
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        meta = cell["metadata"].get("nbgrader", {})
        grade_id = meta.get("grade_id", "")
        if source.startswith("from course import setup") or "quiz.ask(" in source:
            continue
        if meta.get("solution"):
            exercise = grade_id.removesuffix("-answer")
            source = answers.get(exercise, student_version(source) if empty else source)
        started = time.perf_counter()
        try:
            exec(compile(source, grade_id or "cell", "exec"), ns)
            passed = True
        except BaseException as error:  # pytest.raises failures are BaseExceptions
            if isinstance(error, KeyboardInterrupt):
                raise
            passed = False
        if meta.get("grade"):
            result.seconds[grade_id] = time.perf_counter() - started
            result.possible[grade_id] = meta["points"]
            result.scores[grade_id] = meta["points"] if passed else 0
    return result


@pytest.fixture(autouse=True)
def no_real_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(seconds: float) -> None:
        raise AssertionError("the labs must never really sleep")

    monkeypatch.setattr(time, "sleep", refuse)


@pytest.fixture(scope="module")
def solved() -> dict[str, Graded]:
    """Each lab run once with its own solutions (shared by the tests below)."""

    return {module: grade(module) for module in LABS}


@pytest.mark.parametrize("module", LABS)
def test_solutions_score_full_marks_and_each_test_cell_is_fast(module, solved):
    graded = solved[module]
    assert graded.scores == graded.possible, "a hidden test fails on the solution"
    assert graded.total == AUTO_POINTS[module]
    slow = {k: round(v, 2) for k, v in graded.seconds.items() if v > 1.5}
    assert not slow, f"hidden test cells should take well under a second: {slow}"


@pytest.mark.parametrize("module", LABS)
def test_an_empty_submission_scores_zero(module):
    assert grade(module, empty=True).total == 0


ALWAYS_EQUAL = '''
class _Sneaky(str):
    def __eq__(self, other):
        return True
    __hash__ = str.__hash__
'''


def test_wrong_types_and_always_equal_objects_lose_exactly_their_points():
    # 05: parse_label returns an always-equal object: its own cell fails. classify is graded
    # with a known parse_label swapped in, so one mistake costs one exercise's points.
    sneaky_parse = ALWAYS_EQUAL + "def parse_label(content):\n    return _Sneaky('bug')\n"
    graded = grade("05-integration-lab", {"05-parse": sneaky_parse})
    assert graded.scores["05-parse-tests"] == 0 and graded.scores["05-fallback-tests"] == 4
    assert graded.total == 16 - 2
    # 05: a fallback chain whose label equals everything.
    sneaky_classify = ALWAYS_EQUAL + (
        "def classify(client, text, **kwargs):\n"
        "    return {'label': _Sneaky('bug'), 'source': _Sneaky('x'), 'trail': []}\n")
    graded = grade("05-integration-lab", {"05-fallback": sneaky_classify})
    assert graded.total == 16 - 4 and graded.scores["05-fallback-tests"] == 0
    # 05: backoff_delay returns an int, not a float; the retry cell swaps in a known backoff.
    as_int = "def backoff_delay(attempt, rng, base=0.5, cap=30.0):\n    return 0\n"
    graded = grade("05-integration-lab", {"05-backoff": as_int})
    assert graded.scores["05-backoff-tests"] == 0 and graded.total == 16 - 2
    # 06: a decision that equals everything: the gate fails; check_release is graded with a
    # known gate swapped in, so it keeps its points.
    sneaky_gate = ALWAYS_EQUAL + (
        "def release_gate(current, candidate, **budgets):\n"
        "    return {'decision': _Sneaky('ship'), 'reasons': []}\n")
    graded = grade("06-evaluation-lab", {"06-gate": sneaky_gate})
    assert graded.scores["06-gate-tests"] == 0 and graded.total == 12 - 4
    # 07: numpy floats where floats are asked, and a misspelt action.
    numpy_psi = ("import numpy as _np\n"
                 "def psi(expected, actual, eps=1e-4):\n"
                 "    e = _np.clip(_np.asarray(expected, float), eps, None)\n"
                 "    a = _np.clip(_np.asarray(actual, float), eps, None)\n"
                 "    if e.shape != a.shape:\n        raise ValueError('bins')\n"
                 "    return _np.sum((a - e) * _np.log(a / e))\n")
    misspelt = ("def triage(incident):\n"
                "    return 'rollback' if incident['started_after_release'] else 'escalate'\n")
    graded = grade("07-observability-incidents", {"07-psi": numpy_psi, "07-triage": misspelt})
    assert graded.scores["07-psi-tests"] == 0 and graded.scores["07-drift-tests"] == 3
    assert graded.total == 16 - 2 - 4


# -- the solution functions on the failure scenarios ------------------------------------

def test_retries_survive_a_rate_limit_storm_and_give_up_when_everything_is_down(solved):
    ns = solved["05-integration-lab"].namespace
    labs, random = ns["labs"], ns["random"]
    sc = labs.scenario("rate-limited-burst", seed=12)
    for i in range(60):
        reply = ns["call_with_retries"](sc.client, [{"role": "user", "content": f"t{i}"}],
                                        model=sc.primary, rng=random.Random(i), budget_s=120.0)
        assert isinstance(reply, labs.ChatCompletion)
    assert sc.clock.now() > 120, "60 calls at 20 per minute take more than two minutes"
    down = labs.scenario("all-down")
    with pytest.raises(labs.InternalServerError):
        ns["call_with_retries"](down.client, [{"role": "user", "content": "x"}],
                                model=down.primary, rng=random.Random(0))
    result = ns["classify"](down.client, "x")
    assert result["source"] == "default" and len(result["trail"]) == 3


def test_a_stale_cache_entry_is_refetched(solved):
    ns = solved["05-integration-lab"].namespace
    clock = ns["labs"].VirtualClock()
    cache = ns["TTLCache"](clock, ttl_s=300)
    key = ns["cache_key"]("ticket-primary", [{"role": "user", "content": "Reset  my password"}])
    cache.put(key, "account")
    clock.sleep(301)
    assert cache.get(key) is None and cache.hit_rate == 0.0


def test_the_gate_holds_the_bad_release_and_the_bundled_canary_and_ships_the_good_one(solved):
    ns = solved["06-evaluation-lab"].namespace
    labs = ns["labs"]
    with pytest.raises(AssertionError, match="quality"):
        ns["check_release"](labs.release_logs("bad", n=4000, seed=3), "ticket-router-v1",
                            "ticket-router-v2")
    assert ns["check_release"](labs.release_logs("good", n=4000, seed=3), "ticket-router-v1",
                               "ticket-router-v2") is None
    # the bundled canary: too small to judge, and 3 points more errors (timeouts counted)
    with pytest.raises(AssertionError, match="sample") as held:
        ns["check_release"](ns["logs"], "ranker-v1", "ranker-v2")
    assert "error" in str(held.value) and "quality" not in str(held.value)
    tail = ns["latency_quantiles"](ns["logs"])
    assert tail.loc["ranker-v2", "p99_ms"] == 5000.0, "the timeouts are in the tail"
    # a small canary of the good candidate is held for its sample only
    with pytest.raises(AssertionError, match="sample") as small:
        ns["check_release"](labs.release_logs("good", n=1000, seed=3), "ticket-router-v1",
                            "ticket-router-v2")
    assert ";" not in str(small.value)


def test_drift_and_triage_on_the_incident_scenarios(solved):
    ns = solved["07-observability-incidents"].namespace
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


# -- the student release ------------------------------------------------------------------

@pytest.mark.parametrize("module", LABS)
def test_the_student_release_has_no_solution_code(module):
    from course.release import find_leaks

    released = ROOT / "notebooks" / module / f"{module}.ipynb"
    if not released.is_file():
        pytest.skip(f"{released.relative_to(ROOT)} not generated yet (course release {module})")
    source = ROOT / "solutions" / module / f"{module}.ipynb"
    assert find_leaks(released, source) == []
    student = json.loads(released.read_text(encoding="utf-8"))["cells"]
    answers = [c for c in student if c["metadata"].get("nbgrader", {}).get("solution")
               and c["cell_type"] == "code"]
    assert answers and all("NotImplementedError" in "".join(c["source"]) for c in answers)
    ids = [c["metadata"].get("nbgrader", {}).get("grade_id") for c in student]
    assert ids == [c["metadata"].get("nbgrader", {}).get("grade_id") for c in cells(module)]


def test_instructor_notes_have_the_runbook_rubric():
    notes = (ROOT / "instructor" / "07-observability-incidents.md").read_text(encoding="utf-8")
    assert "07-runbook" in notes and "Rubric" in notes
    for module in LABS:
        assert Path(ROOT / "instructor" / f"{module}.md").is_file()
