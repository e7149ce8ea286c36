"""Module 05 (integration lab): the solution and hidden tests run in process on the simulator
(``tests.content.solved.grade``; the full marks, the empty submission and the release are
checked in tests/content/test_shared.py). Exact scores for wrong types or always-equal objects;
the solution's retries and cache on the failure scenarios; the visible self-checks
(course.checks.m05) pass the solution and explain plausible mistakes. Nothing may really sleep."""

from __future__ import annotations

import json
import random

import pytest

from course import labs
from course.checks import CheckFailed, m05
from tests.content.solved import (
    ALWAYS_EQUAL,
    Graded,
    answer_namespace,
    grade,
)

MODULE = "05-integration-lab"
pytestmark = pytest.mark.usefixtures("no_real_sleep")


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


# --- the visible self-checks (course.checks.m05) ---------------------------------------------


ANSWERS = ("05-parse", "05-backoff", "05-retries", "05-cache-key", "05-cache", "05-fallback")


@pytest.fixture(scope="module")
def answers() -> dict:
    """The solution's answer cells run in order, each seeing the names the earlier ones made
    (as in the notebook), with the notebook's imports."""
    names: dict = {"json": json, "random": random, "labs": labs}
    for exercise in ANSWERS:
        names = answer_namespace(MODULE, exercise, **names)
    return names


def _failure(check, value) -> str:
    with pytest.raises(CheckFailed) as failed:
        check(value)
    assert str(failed.value).startswith("❌ "), failed.value
    return str(failed.value)


def test_m05_checks_accept_the_solution(answers: dict, capsys: pytest.CaptureFixture[str]) -> None:
    m05.check_parse_label(answers["parse_label"])
    m05.check_backoff_delay(answers["backoff_delay"])
    m05.check_call_with_retries(answers["call_with_retries"])
    m05.check_cache_key(answers["cache_key"])
    m05.check_ttl_cache(answers["TTLCache"])
    m05.check_classify(answers["classify"])
    assert capsys.readouterr().out.count("✅") == 6


def _any_label(content):  # trusts any JSON with a "label", even an unknown one
    try:
        return json.loads(content).get("label")
    except (ValueError, AttributeError):
        return None


def test_m05_parse_label_names_the_malformed_answer_it_let_through() -> None:
    message = _failure(m05.check_parse_label, _any_label)
    assert "should be None: that answer is malformed" in message


def _no_jitter(attempt, rng, base=0.5, cap=30.0):
    return min(cap, base * 2 ** attempt)


def _no_cap(attempt, rng, base=0.5, cap=30.0):
    return rng.uniform(0, base * 2 ** attempt)


def _whole_seconds(attempt, rng, base=0.5, cap=30.0):
    return int(rng.uniform(0, min(cap, base * 2 ** attempt)))


@pytest.mark.parametrize("function, hint", [
    (_no_jitter, "jittered"), (_no_cap, "between 0 and 5.0 s"), (_whole_seconds, "float"),
])
def test_m05_backoff_delay_rejects_plausible_mistakes(function, hint: str) -> None:
    assert hint in _failure(m05.check_backoff_delay, function)


def test_m05_call_with_retries_that_gives_up_at_once_is_told_to_return_the_response() -> None:
    def gives_up(client, messages, *, model, rng, **options):
        try:
            return client.chat.completions.create(model=model, messages=messages)
        except labs.RateLimitError:
            return None

    assert "should return the response object" in _failure(m05.check_call_with_retries, gives_up)


def _case_sensitive(model, messages):
    return model + "|" + messages[-1]["content"]


def _ignores_model(model, messages):
    return " ".join(messages[-1]["content"].lower().split())


@pytest.mark.parametrize("function, hint", [
    (_case_sensitive, "case and extra spaces"), (_ignores_model, "different model"),
])
def test_m05_cache_key_rejects_plausible_mistakes(function, hint: str) -> None:
    assert hint in _failure(m05.check_cache_key, function)


class _NeverExpires:
    """A cache that counts right but forgets nothing."""

    def __init__(self, clock, ttl_s):
        self.entries, self.hits, self.misses = {}, 0, 0

    def get(self, key):
        if key in self.entries:
            self.hits += 1
            return self.entries[key]
        self.misses += 1
        return None

    def put(self, key, value):
        self.entries[key] = value

    @property
    def hit_rate(self):
        return self.hits / max(1, self.hits + self.misses)


def test_m05_ttl_cache_says_stale_entries_must_go() -> None:
    assert "older than ttl_s" in _failure(m05.check_ttl_cache, _NeverExpires)


def test_m05_classify_without_a_fallback_is_told_what_is_missing() -> None:
    def primary_only(client, text, **options):
        return {"label": "needs_human", "source": "default", "trail": []}

    message = _failure(m05.check_classify, primary_only)
    assert "the steps in trail" in message and "ticket-" not in message


def test_m05_call_with_retries_that_sends_the_full_timeout_every_time_is_told_the_deadline(
        answers: dict) -> None:
    def full_timeout(client, messages, *, model, rng, retryable=labs.RETRYABLE, max_attempts=4,
                     budget_s=30.0, timeout=5.0, max_tokens=64):
        started = client.clock.now()  # the budget only stops the waits
        for attempt in range(max_attempts):
            try:
                return client.chat.completions.create(model=model, messages=messages,
                                                      timeout=timeout, max_tokens=max_tokens)
            except retryable as error:
                wait = max(answers["backoff_delay"](attempt, rng),
                           getattr(error, "retry_after", 0.0))
                if attempt == max_attempts - 1 or client.clock.now() - started + wait > budget_s:
                    raise
                client.clock.sleep(wait)

    message = _failure(m05.check_call_with_retries, full_timeout)
    assert "with budget_s=12 the call took 16.4 s" in message and "deadline" in message


# -- the tenacity section maps the deadline too -------------------------------------------


@pytest.mark.parametrize("budget_s", [7.0, 12.0, 30.0])
def test_the_tenacity_wrapper_keeps_the_same_deadline_as_call_with_retries(
        solved: Graded, budget_s: float) -> None:
    ns = solved.namespace
    labs, random = ns["labs"], ns["random"]

    def with_tenacity(sc, messages: list, rng) -> None:
        retrying, time_left = ns["provider_retrying"](sc.clock, rng, max_attempts=10,
                                                      budget_s=budget_s)
        retrying(lambda: sc.client.chat.completions.create(
            model=sc.primary, messages=messages, timeout=min(5.0, time_left()), max_tokens=64))

    def never_in_time(wrapper: str) -> tuple[list, list]:
        sc = labs.scenario("healthy", seed=5)
        sc.provider.add_model(labs.PRIMARY.evolve(timeout_rate=1.0), at=0.0)
        rng, ended = random.Random(1), []
        for i in range(4):
            sc.clock.advance(1.0)
            start, messages = sc.clock.now(), [{"role": "user", "content": f"slow {i}"}]
            with pytest.raises(labs.APITimeoutError):
                if wrapper == "hand-written":
                    ns["call_with_retries"](sc.client, messages, model=sc.primary, rng=rng,
                                            max_attempts=10, budget_s=budget_s)
                else:
                    with_tenacity(sc, messages, rng)
            ended.append(sc.clock.now() - start)
        return ended, sc.log()[["timestamp", "latency_ms", "outcome"]].values.tolist()

    hand_written, tenacity = never_in_time("hand-written"), never_in_time("tenacity")
    assert tenacity == hand_written, "tenacity should make the same calls at the same times"
    assert max(hand_written[0]) <= budget_s + 1e-9, "every call ends by its deadline"
    assert min(latency for _, latency, _ in hand_written[1]) < 5000, "the deadline shortened one"
