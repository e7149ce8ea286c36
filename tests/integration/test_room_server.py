"""The room server over HTTP: bad input, security, polls, item statistics, export, delete.

A real ``course room serve`` process on 127.0.0.1, stopped by PID; every test runs twice:
on a SQLite file and on a real PostgreSQL server the fixture starts (``tests/pgserver.py``).
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from pathlib import Path

import httpx
import jsonschema
import pytest

from course.room import schema
from tests import roomserver

MODULE = "01-identity-shift"
QID = "identity-2026"  # single choice, right answer "systems"
MULTI = "growing-skills"  # multiple choice


def event(**change):
    base = {"key": uuid.uuid4().hex, "pseudonym": "p-" + uuid.uuid4().hex[:12],
            "module": MODULE, "question_id": QID, "answer": "systems", "correct": True,
            "attempt": 1, "time": "2026-12-01T10:00:00.000Z"}
    base.update(change)
    return base


@pytest.fixture(scope="module", params=roomserver.BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """One server per backend: SQLite, then a real PostgreSQL the test starts."""
    with roomserver.room_server(request.param, tmp_path_factory.mktemp("room"), k=3) as running:
        yield running


@pytest.fixture()
def http(server):
    with httpx.Client(base_url=server.url, timeout=10) as client:
        yield client


def events_stored(http, server) -> list[dict]:
    response = http.get(f"/api/rooms/{server.code}/events", headers=server.auth)
    assert response.status_code == 200
    return response.json()


def post_raw(http, path, body: bytes, ctype="application/json"):
    return http.post(path, content=body, headers={"Content-Type": ctype})


# Every malformed request, what the server answers, and a word its message must contain.
BAD_EVENTS = [
    ("malformed JSON", b'{"key": ', "application/json", 400, "malformed JSON"),
    ("not JSON at all", b"answer=systems", "application/x-www-form-urlencoded", 415, "JSON"),
    ("a list, not an object", b"[1, 2]", "application/json", 422, "schema"),
    ("oversized body", json.dumps(event(answer="x" * 20_000)).encode(), "application/json",
     413, "too large"),
    ("unknown module", json.dumps(event(module="99-nowhere")).encode(), "application/json",
     422, "unknown module"),
    ("unknown question id", json.dumps(event(question_id="no-such-q")).encode(),
     "application/json", 422, "no question"),
    ("option not in the question", json.dumps(event(answer="banana")).encode(),
     "application/json", 422, "not one of the options"),
    ("extra field (e.g. a name)", json.dumps(event(name="Ada Lovelace")).encode(),
     "application/json", 422, "Additional properties"),
    ("missing field", json.dumps({k: v for k, v in event().items() if k != "correct"})
     .encode(), "application/json", 422, "correct"),
    ("attempt 0", json.dumps(event(attempt=0)).encode(), "application/json", 422, "attempt"),
    ("time not ISO 8601 (e.g. a spreadsheet formula)",
     json.dumps(event(time="=HYPERLINK(1)")).encode(), "application/json", 422, "time"),
    ("correct as a string", json.dumps(event(correct="yes")).encode(), "application/json",
     422, "correct"),
    ("bad pseudonym", json.dumps(event(pseudonym="<script>")).encode(), "application/json",
     422, "pseudonym"),
    ("free text sent for a text question",
     json.dumps(event(question_id="handoff", answer="my name is Ada")).encode(),
     "application/json", 422, "never sent"),
    ("multiple choice as one string", json.dumps(event(question_id=MULTI, answer="integration"))
     .encode(), "application/json", 422, "list"),
]


@pytest.mark.parametrize(("label", "body", "ctype", "status", "word"), BAD_EVENTS,
                         ids=[row[0] for row in BAD_EVENTS])
def test_bad_event_gets_a_clear_4xx_and_nothing_is_stored(http, server, label, body, ctype,
                                                          status, word):
    before = len(events_stored(http, server))
    response = post_raw(http, f"/api/rooms/{server.code}/events", body, ctype)
    assert response.status_code == status, response.text
    assert word.lower() in response.json()["detail"].lower()
    assert len(events_stored(http, server)) == before


def test_the_text_question_used_above_exists_so_its_rejection_is_about_privacy():
    from course.quiz.bank import load_bank

    assert load_bank(MODULE).get("handoff").type == "text"


def test_bad_polls_and_joins(http, server):
    bad = [
        ("/polls", {"module": MODULE, "question_id": "nope"}, 422, "no question"),
        ("/polls", {"module": MODULE, "question_id": "handoff"}, 422, "single or multiple"),
        ("/polls", {"prompt": "Ready?", "options": {"a": "yes"}}, 422, "2-10"),
        ("/polls", {"prompt": "Ready?", "options": {"a": "yes", "b": "no"}, "answer": "c"}, 422,
         "not one of the options"),
        ("/polls", {"prompt": "", "options": {"a": "yes", "b": "no"}}, 422, "prompt"),
        ("/polls", {"what": 1}, 422, "module, question_id"),
    ]
    for path, body, status, word in bad:
        response = http.post(f"/api/rooms/{server.code}{path}", json=body, headers=server.auth)
        assert response.status_code == status, (body, response.text)
        assert word in response.json()["detail"], (body, response.text)
    response = http.post(f"/api/rooms/{server.code}/join", json={"pseudonym": "x"})
    assert response.status_code == 422
    response = http.post(f"/api/rooms/{server.code}/join",
                         json={"pseudonym": "p-abcdefgh", "name": "Ada"})
    assert response.status_code == 422


def test_a_retried_event_is_stored_once(http, server):
    one = event()
    first = http.post(f"/api/rooms/{server.code}/events", json=one)
    again = http.post(f"/api/rooms/{server.code}/events", json=one)
    assert (first.status_code, first.json()) == (201, {"stored": True, "duplicate": False})
    assert (again.status_code, again.json()) == (200, {"stored": False, "duplicate": True})
    assert [e["key"] for e in events_stored(http, server)].count(one["key"]) == 1


def test_stored_event_is_exactly_the_schema_fields(http, server):
    one = event(pseudonym="p-schemacheck")
    assert http.post(f"/api/rooms/{server.code}/events", json=one).status_code == 201
    stored = next(e for e in events_stored(http, server) if e["key"] == one["key"])
    assert {k: stored[k] for k in schema.FIELDS} == one
    published = http.get("/schema/answer-event.json").json()
    assert published == schema.schema()
    jsonschema.validate(one, published)
    assert set(published["properties"]) == set(schema.FIELDS)


def test_schema_registers_with_jupyter_events():
    logger = schema.register()
    assert schema.schema()["$id"] in logger.schemas.schema_ids


# -- security --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def other_room(server):
    response = httpx.post(f"{server.url}/api/rooms", json={"title": "Other"},
                          headers=server.auth)
    assert response.status_code == 201
    code = response.json()["code"]
    secret = event(pseudonym="p-otherroom1")
    assert httpx.post(f"{server.url}/api/rooms/{code}/events", json=secret).status_code == 201
    return code


INSTRUCTOR_ENDPOINTS = [
    ("GET", "/room/{code}"), ("GET", "/api/rooms/{code}/summary"),
    ("GET", "/api/rooms/{code}/stream"), ("GET", "/api/rooms/{code}/events"),
    ("GET", "/api/rooms/{code}/items"), ("GET", "/api/rooms/{code}/items.csv"),
    ("GET", "/api/rooms/{code}/events.csv"), ("POST", "/api/rooms/{code}/polls"),
    ("POST", "/api/rooms/{code}/polls/close"), ("POST", "/api/rooms/{code}/polls/reveal"),
    ("DELETE", "/api/rooms/{code}"), ("POST", "/api/rooms"), ("GET", "/api/banks"),
]


@pytest.mark.parametrize(("method", "path"), INSTRUCTOR_ENDPOINTS,
                         ids=[f"{m} {p}" for m, p in INSTRUCTOR_ENDPOINTS])
@pytest.mark.parametrize(("credentials", "status"), [
    ({}, 401),
    ({"headers": {"Authorization": "Bearer wrong-token"}}, 403),
    ({"params": {"token": "wrong-token"}}, 403),
], ids=["no token", "wrong bearer", "wrong ?token="])
def test_instructor_endpoints_need_the_token(server, other_room, method, path, credentials,
                                             status):
    url = server.url + path.format(code=other_room)
    response = httpx.request(method, url, json={"title": "x"}, timeout=10, **credentials)
    assert response.status_code == status, response.text
    assert "p-otherroom1" not in response.text
    # the room is still there, with its event
    rows = httpx.get(f"{server.url}/api/rooms/{other_room}/events", headers=server.auth)
    assert [e["pseudonym"] for e in rows.json()] == ["p-otherroom1"]


def test_a_learner_reads_only_the_revealed_poll_of_a_room_whose_code_they_hold(
        http, server, other_room):
    # what a learner of the first room can read about the other room: nothing
    assert http.get("/api/rooms/NOSUCH/poll").status_code == 404
    assert http.post("/api/rooms/NOSUCH/events", json=event()).status_code == 404
    # the poll view hides the answer until the instructor reveals it
    pushed = http.post(f"/api/rooms/{other_room}/polls", headers=server.auth,
                       json={"module": MODULE, "question_id": QID})
    assert pushed.status_code == 201
    view = http.get(f"/api/rooms/{other_room}/poll").json()
    assert view["poll"]["state"] == "open"
    assert "answer" not in view["poll"] and "answer" not in view["poll"]["question"]
    assert "results" not in view["poll"]
    assert "p-otherroom1" not in json.dumps(view)
    http.post(f"/api/rooms/{other_room}/polls/reveal", headers=server.auth)
    view = http.get(f"/api/rooms/{other_room}/poll").json()
    assert view["poll"]["answer"] == "systems"
    # one answer is below k = 3: the spread stays hidden even after the reveal
    assert view["poll"]["results"] == {"answered": 1, "shown": False, "histogram": None,
                                       "correct_share": None, "most_common_wrong": None}
    assert "p-otherroom1" not in json.dumps(view)


def test_guessing_codes_or_tokens_is_rate_limited(tmp_path):
    import asyncio

    async def guesses(urls: list[str], headers: dict[str, str] | None = None) -> list[int]:
        # all at once: faster than the bucket refills however slow the machine is
        async with httpx.AsyncClient(timeout=60) as client:
            replies = await asyncio.gather(*(client.get(u, headers=headers) for u in urls))
        return [r.status_code for r in replies]

    with roomserver.sqlite_server(tmp_path) as fresh:  # its own limits, untouched by others
        statuses = asyncio.run(guesses([f"{fresh.url}/api/rooms/GUESS{i}/poll"
                                        for i in range(150)]))
        assert set(statuses) == {404, 429}
        assert statuses.count(429) >= 150 - 60 - 30  # burst 60, refill 2/s
        wrong = asyncio.run(guesses([f"{fresh.url}/api/rooms/{fresh.code}/summary"] * 20,
                                    headers={"Authorization": "Bearer guess"}))
        assert 429 in wrong and set(wrong) <= {403, 429}


def test_one_learner_flooding_is_rate_limited_others_are_not(http, server):
    flood = [http.post(f"/api/rooms/{server.code}/events",
                       json=event(pseudonym="p-flooding1")).status_code for _ in range(80)]
    assert flood[0] == 201 and 429 in flood
    assert http.post(f"/api/rooms/{server.code}/events",
                     json=event(pseudonym="p-calmlearner")).status_code == 201


# -- polls, statistics, export, delete (a fresh room each) -----------------------------


@pytest.fixture()
def room(server):
    response = httpx.post(f"{server.url}/api/rooms", json={"title": "Stats"},
                          headers=server.auth)
    return response.json()["code"]


def answer_all(http, code, rows):
    """rows: (learner, question, answer, correct) → post each as attempt 1."""
    for learner, qid, answer, correct in rows:
        response = http.post(f"/api/rooms/{code}/events",
                             json=event(pseudonym=f"p-learner{learner:03d}", question_id=qid,
                                        answer=answer, correct=correct))
        assert response.status_code == 201, response.text


def test_adhoc_poll_is_graded_by_the_server_and_revealed_with_counts(http, server, room):
    pushed = http.post(f"/api/rooms/{room}/polls", headers=server.auth,
                       json={"prompt": "Ready for the lab?",
                             "options": {"a": "yes", "b": "no"}, "answer": "a"})
    assert pushed.status_code == 201
    qid = pushed.json()["question_id"]
    for i, choice in enumerate("aaab"):
        body = event(module="poll", question_id=qid, answer=choice, correct=False,
                     pseudonym=f"p-adhoc{i:04d}")
        assert http.post(f"/api/rooms/{room}/events", json=body).status_code == 201
    http.post(f"/api/rooms/{room}/polls/close", headers=server.auth)
    assert http.get(f"/api/rooms/{room}/poll").json()["poll"]["state"] == "closed"
    http.post(f"/api/rooms/{room}/polls/reveal", headers=server.auth)
    results = http.get(f"/api/rooms/{room}/poll").json()["poll"]["results"]
    assert results["histogram"] == {"a": 3, "b": 1}
    assert results["correct_share"] == 0.75
    assert results["most_common_wrong"] == "b"


def test_item_statistics_csv_and_delete(http, server, room):
    # learners 0-3 strong (right on both), 4-5 weak (wrong on both): discrimination 1.0
    rows = []
    for learner in range(6):
        strong = learner < 4
        rows.append((learner, QID, "systems" if strong else "reverse", strong))
        rows.append((learner, MULTI, ["integration", "evaluation", "incidents",
                                      "observability"] if strong else ["tuning"], strong))
    answer_all(http, room, rows)
    items = {r["question_id"]: r for r in
             http.get(f"/api/rooms/{room}/items", headers=server.auth).json()}
    single = items[QID]
    assert single["learners"] == 6
    assert single["share_correct"] == pytest.approx(4 / 6)
    assert single["discrimination"] == pytest.approx(1.0)
    assert single["distractors"] == {"reverse": 2, "research": 0, "same": 0}
    assert any("nobody chose: research, same" in r for r in single["rewrite"])
    summary = http.get(f"/api/rooms/{room}/summary", headers=server.auth).json()
    live = next(q for q in summary["questions"] if q["question_id"] == QID)
    assert (live["answered"], live["joined"]) == (6, 6)
    assert live["histogram"] == {"reverse": 2, "systems": 4}
    assert live["most_common_wrong"] == "reverse"
    text = http.get(f"/api/rooms/{room}/items.csv", headers=server.auth).text
    table = {r["question_id"]: r for r in csv.DictReader(io.StringIO(text))}
    assert table[QID]["share_correct"] == "0.667"
    assert table[QID]["distractors"] == "reverse=2; research=0; same=0"
    text = http.get(f"/api/rooms/{room}/events.csv", headers=server.auth).text
    exported = list(csv.DictReader(io.StringIO(text)))
    assert len(exported) == 12
    assert set(exported[0]) == {"id", "pseudonym", "module", "question_id", "answer",
                                "correct", "attempt", "time", "received"}
    deleted = http.delete(f"/api/rooms/{room}", headers=server.auth)
    assert deleted.status_code == 200
    assert deleted.json()["rows"] == 12 + 6 + 1  # events, members, the room
    assert http.get(f"/api/rooms/{room}/events", headers=server.auth).status_code == 404
    assert http.post(f"/api/rooms/{room}/events", json=event()).status_code == 404
    assert _rows_left(server, room) == 0


def _rows_left(server, code: str) -> int:
    import sqlalchemy as sa

    from course.room.store import events, members, polls, rooms, sqlite_url

    url = server.db if "://" in server.db else sqlite_url(str(Path(server.db)))
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return sum(conn.execute(sa.select(sa.func.count()).select_from(t)
                                    .where((t.c.room if t is not rooms else t.c.code) == code))
                       .scalar() for t in (events, members, polls, rooms))
    finally:
        engine.dispose()


def test_below_k_the_summary_shows_only_counts(http, server, room):
    answer_all(http, room, [(1, QID, "systems", True), (2, QID, "reverse", False)])
    summary = http.get(f"/api/rooms/{room}/summary", headers=server.auth).json()
    (row,) = summary["questions"]
    assert (row["answered"], row["shown"], row["histogram"], row["correct_share"]) == \
        (2, False, None, None)
