"""Learners answering through the real quiz widgets (headless ``.value`` + ``.click()``)
send exactly their answers to a real room server; a crash of the server loses nothing and
doubles nothing."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from tests import roomserver

pytest.importorskip("ipywidgets")

from course import quiz, room  # noqa: E402
from course.room import schema  # noqa: E402
from course.room.client import outbox  # noqa: E402

MODULE = "01-identity-shift"


@pytest.fixture(params=roomserver.BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path):
    """A room server on SQLite, then on a real PostgreSQL server the test starts."""
    with roomserver.room_server(request.param, tmp_path / "server", k=3) as running:
        yield running


class Learners:
    """Several installs in one test process: each has its own progress folder (so its own
    pseudonym, session and outbox); ``as_(i)`` makes learner i the current one."""

    def __init__(self, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.folder = folder
        self.monkeypatch = monkeypatch
        monkeypatch.setenv("COURSE_WIDGETS", "live")
        monkeypatch.delenv("COURSE_ROOM", raising=False)
        monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)

    def as_(self, i: int) -> None:
        self.monkeypatch.setenv("COURSE_PROGRESS", str(self.folder / f"l{i}" / "progress.json"))
        self.monkeypatch.setenv("COURSE_LEARNER", f"learner-{i}")

    def answer_single(self, qid: str, key: str):
        widget = quiz.ask(MODULE, qid)[0]
        widget.control.value = key
        widget.check_button.click()
        return widget


@pytest.fixture()
def learners(tmp_path, monkeypatch):
    return Learners(tmp_path / "learners", monkeypatch)


def summary(server) -> dict:
    return httpx.get(f"{server.url}/api/rooms/{server.code}/summary", headers=server.auth,
                     timeout=10).json()


def stored(server) -> list[dict]:
    return httpx.get(f"{server.url}/api/rooms/{server.code}/events", headers=server.auth,
                     timeout=10).json()


def test_widget_answers_reach_the_room_and_only_the_promised_fields(server, learners, capsys):
    choices = ["systems", "systems", "reverse", "systems", "research"]
    for i, key in enumerate(choices):
        learners.as_(i)
        room.join(server.code.lower(), server=server.url)
        learners.answer_single("identity-2026", key)
        if key != "systems":
            learners.answer_single("identity-2026", "systems")  # second attempt
        assert room.flush(10), room.status()
    assert "Nothing else" in capsys.readouterr().out
    data = summary(server)
    (row,) = data["questions"]
    assert (data["joined"], data["events"], row["answered"]) == (5, 7, 5)
    assert row["histogram"] == {"research": 1, "reverse": 1, "systems": 3}  # first attempts
    assert row["correct_share"] == pytest.approx(0.6)
    # what learner 2 can see it sent is exactly what the server stored, field for field
    learners.as_(2)
    sent = room.sent()
    assert [s["event"]["answer"] for s in sent] == ["reverse", "systems"]
    assert [s["event"]["attempt"] for s in sent] == [1, 2]
    assert [s["event"]["correct"] for s in sent] == [False, True]
    for item in sent:
        assert set(item["event"]) == set(schema.FIELDS)
        assert item["event"]["pseudonym"].startswith("p-")
        assert "learner-2" not in json.dumps(item)  # the learner id never leaves
        match = next(e for e in stored(server) if e["key"] == item["event"]["key"])
        assert {k: match[k] for k in schema.FIELDS} == item["event"]
    assert "Sent: 2, waiting: 0" in room.status()


def test_not_joined_or_left_sends_nothing(server, learners):
    learners.as_(0)
    learners.answer_single("identity-2026", "systems")  # never joined
    room.join(server.code, server=server.url)
    room.leave()
    widget = learners.answer_single("identity-2026", "reverse")
    assert "❌" in widget.feedback.value  # the quiz itself still works
    assert room.pending() == [] and room.sent() == []
    assert stored(server) == []


def test_a_dead_server_never_blocks_a_quiz_and_answers_wait_on_disk(tmp_path, learners):
    learners.as_(0)
    nowhere = f"http://127.0.0.1:{roomserver.free_port()}"
    room.join("ABCDEF", server=nowhere)
    widget = learners.answer_single("identity-2026", "systems")
    assert "✅" in widget.feedback.value
    assert [p["event"]["answer"] for p in room.pending()] == ["systems"]
    assert not room.flush(0.5)
    # the server comes up (same code is not known to it: the event is refused, and kept)
    with roomserver.sqlite_server(tmp_path / "late") as late:
        late.port = int(nowhere.rsplit(":", 1)[1])
        late.stop()
        late.start()
        assert room.flush(20)
        assert room.sent() == []
        (refused,) = outbox().rejected()
        assert "404" in refused["reason"]


def test_server_killed_halfway_every_answer_arrives_exactly_once(server, learners):
    answers = ["systems", "reverse", "research", "same"]
    keys: list[str] = []

    def round_of_answers() -> None:
        for i in range(6):
            learners.as_(i)
            for key in answers:
                widget = learners.answer_single("identity-2026", key)
                assert widget.feedback.value  # the quiz answered at once

    for i in range(6):
        learners.as_(i)
        room.join(server.code, server=server.url)
    round_of_answers()
    server.stop(kill=True)  # SIGKILL: a crash, mid-stream
    round_of_answers()  # answered while the server is down: they wait on disk
    server.start()
    for i in range(6):
        learners.as_(i)
        assert room.flush(30), room.status()
        keys += [s["event"]["key"] for s in room.sent()]
    events = stored(server)
    assert len(keys) == len(set(keys)) == 6 * 2 * len(answers)
    assert sorted(e["key"] for e in events) == sorted(keys)
    # a client that lost every reply and retries everything changes nothing
    learners.as_(0)
    for item in room.sent():
        again = httpx.post(f"{server.url}/api/rooms/{server.code}/events",
                           json=item["event"], timeout=10)
        assert again.json() == {"stored": False, "duplicate": True}
    assert len(stored(server)) == 48
    attempts = sorted(e["attempt"] for e in events if e["pseudonym"] == events[0]["pseudonym"])
    assert attempts == list(range(1, 9))


def wait_for(condition, timeout: float = 30.0) -> None:
    """Poll a real condition (the widget is updated by a background thread)."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def test_poll_cell_shows_the_pushed_question_and_the_revealed_spread(server, learners):
    cells = []
    for i in range(3):
        learners.as_(i)
        room.join(server.code, server=server.url)
        cells.append(room.poll(interval=2))
    widget = cells[-1]
    assert "waiting for the instructor" in widget.header.value
    pushed = httpx.post(f"{server.url}/api/rooms/{server.code}/polls", headers=server.auth,
                        json={"prompt": "Ready for the lab?",
                              "options": {"a": "yes", "b": "not yet"}, "answer": "a"})
    assert pushed.status_code == 201
    wait_for(lambda: "Ready for the lab?" in widget.prompt.value)
    assert "open" in widget.header.value
    for i, choice in enumerate(["a", "a", "b"]):  # room.poll() keeps only the newest cell
        learners.as_(i)
        widget.radio.value = choice
        widget.send_button.click()
        assert "Sent" in widget.message.value
        assert room.flush(10)
    httpx.post(f"{server.url}/api/rooms/{server.code}/polls/reveal", headers=server.auth)
    wait_for(lambda: "answers revealed" in widget.header.value)
    wait_for(lambda: "3 answered" in widget.results.value)
    assert "yes ✅ right answer" in widget.results.value
    assert widget.radio.disabled and widget.send_button.layout.display == "none"
    events = stored(server)
    assert sorted((e["answer"], e["correct"]) for e in events) == [
        ("a", True), ("a", True), ("b", False)]  # graded by the server
    widget.stop()


def test_a_handed_out_setting_joins_nobody_until_the_learner_calls_join(server, learners,
                                                                        monkeypatch):
    learners.as_(0)
    monkeypatch.setenv("COURSE_ROOM", f"{server.code}@{server.url}")
    learners.answer_single("identity-2026", "systems")
    assert room.session() is None and room.pending() == [] and stored(server) == []
    room.join()  # no arguments: the handed-out code and server
    assert room.session() == {"code": server.code, "server": server.url}
    learners.answer_single("identity-2026", "systems")
    assert room.flush(10)
    assert len(stored(server)) == 1


def test_join_with_a_wrong_code_says_so(server, learners):
    learners.as_(0)
    with pytest.raises(room.RoomError, match="no room 'NOPE42'"):
        room.join("nope42", server=server.url)
    assert room.session() is None
