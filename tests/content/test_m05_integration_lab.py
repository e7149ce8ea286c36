"""Module 05 (integration lab): the solution and hidden tests run in process on the simulator
(``tests.content.solved.grade``). Exact scores for the solution, an empty submission and wrong
types or always-equal objects; the solution's retries and cache on the failure scenarios.
Nothing may really sleep."""

from __future__ import annotations

import pytest

from course import modules
from tests.content.solved import ALWAYS_EQUAL, Graded, assert_release_has_no_solution_code, grade
from tests.notebook_tools import ROOT

MODULE = "05-integration-lab"
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
    # parse_label returns an always-equal object: its own cell fails. classify is graded
    # with a known parse_label swapped in, so one mistake costs one exercise's points.
    sneaky_parse = ALWAYS_EQUAL + "def parse_label(content):\n    return _Sneaky('bug')\n"
    graded = grade(MODULE, {"05-parse": sneaky_parse})
    assert graded.scores["05-parse-tests"] == 0 and graded.scores["05-fallback-tests"] == 4
    assert graded.total == 16 - 2
    # a fallback chain whose label equals everything.
    sneaky_classify = ALWAYS_EQUAL + (
        "def classify(client, text, **kwargs):\n"
        "    return {'label': _Sneaky('bug'), 'source': _Sneaky('x'), 'trail': []}\n")
    graded = grade(MODULE, {"05-fallback": sneaky_classify})
    assert graded.total == 16 - 4 and graded.scores["05-fallback-tests"] == 0
    # backoff_delay returns an int, not a float; the retry cell swaps in a known backoff.
    as_int = "def backoff_delay(attempt, rng, base=0.5, cap=30.0):\n    return 0\n"
    graded = grade(MODULE, {"05-backoff": as_int})
    assert graded.scores["05-backoff-tests"] == 0 and graded.total == 16 - 2


# -- the solution functions on the failure scenarios ------------------------------------


def test_retries_survive_a_rate_limit_storm_and_give_up_when_everything_is_down(
        solved: Graded) -> None:
    ns = solved.namespace
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


def test_a_stale_cache_entry_is_refetched(solved: Graded) -> None:
    ns = solved.namespace
    clock = ns["labs"].VirtualClock()
    cache = ns["TTLCache"](clock, ttl_s=300)
    key = ns["cache_key"]("ticket-primary", [{"role": "user", "content": "Reset  my password"}])
    cache.put(key, "account")
    clock.sleep(301)
    assert cache.get(key) is None and cache.hit_rate == 0.0


# -- the student release ------------------------------------------------------------------


def test_the_student_release_has_no_solution_code() -> None:
    assert_release_has_no_solution_code(MODULE)
