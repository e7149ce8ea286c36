"""The room server: a FastAPI app over :class:`~course.room.store.Store`.

Learners hold only the join code: they may join, post answer events, and read the current
poll (and its spread once the instructor reveals it). Everything else needs the
instructor's token (``Authorization: Bearer …`` or ``?token=`` for the dashboard link).
Every request body is JSON under 8 KiB; bad input gets a 4xx naming the field and nothing
is stored.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import secrets
import threading
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from course.room import questions, schema, stats
from course.room.limits import BodySizeLimit, Guard, RateLimiter
from course.room.store import Store

DEFAULT_K = 5
POLL_WAIT_MAX = 20.0
STREAM_EVERY = 1.0
HEARTBEAT_EVERY = 15.0
DASHBOARD = Path(__file__).with_name("dashboard.html")
PER_ADDRESS_RATE, PER_ADDRESS_BURST = 1000, 3000  # a whole class may share one hub address


class HTTPError(Exception):
    """A 4xx with a message for the caller."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


def create_app(db_url: str, k: int = DEFAULT_K) -> FastAPI:
    """The ASGI app serving every room stored at ``db_url``."""
    store = Store.open(db_url)
    token = store.instructor_token()
    questions.preload()
    app = FastAPI(title="course room", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.store = store
    app.state.k = k
    app.state.seen = EventCache(store)
    per_learner = RateLimiter(rate=10, burst=40)
    misses = RateLimiter(rate=2, burst=60)

    @app.exception_handler(HTTPError)
    async def _http_error(_request: Request, exc: HTTPError) -> JSONResponse:
        return JSONResponse({"detail": exc.detail}, status_code=exc.status)

    def address_of(request: Request) -> str:
        return request.client.host if request.client else "?"

    def miss(request: Request, status: int, detail: str) -> HTTPError:
        """A failed guess (wrong code or token); repeated guesses from one address get 429."""
        if not misses.allow(address_of(request)):
            return HTTPError(429, "too many failed attempts from this address; wait a minute")
        return HTTPError(status, detail)

    def instructor(request: Request) -> None:
        given = request.query_params.get("token") or ""
        header = request.headers.get("authorization", "")
        if header.lower().startswith("bearer "):
            given = header[7:].strip()
        if not given:
            raise HTTPError(401, "instructor token missing: use the link `course room serve` "
                                 "printed, or send 'Authorization: Bearer <token>'")
        if not secrets.compare_digest(given.encode(), token.encode()):
            raise miss(request, 403, "wrong instructor token")

    async def room_of(request: Request, code: str) -> dict[str, Any]:
        found = await run_in_threadpool(store.room, code.upper())
        if not found:
            raise miss(request, 404, f"no room with code {code!r}")
        return found

    async def json_body(request: Request, kind: str) -> Any:
        ctype = request.headers.get("content-type", "")
        if ctype.split(";")[0].strip().lower() != "application/json":
            raise HTTPError(415, f"{kind}: send JSON with 'Content-Type: application/json'")
        raw = await request.body()
        try:
            return json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise HTTPError(400, f"{kind}: malformed JSON ({exc})") from None

    # -- public ---------------------------------------------------------------------------

    @app.get("/api/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/schema/answer-event.json")
    async def event_schema() -> dict[str, Any]:
        return schema.schema()

    # -- learners -------------------------------------------------------------------------

    @app.get("/api/rooms/{code}")
    async def room_info(request: Request, code: str) -> dict[str, Any]:
        room = await room_of(request, code)
        return {"code": room["code"], "title": room["title"]}

    @app.post("/api/rooms/{code}/join")
    async def join(request: Request, code: str) -> dict[str, Any]:
        room = await room_of(request, code)
        body = await json_body(request, "join")
        if not isinstance(body, dict) or set(body) != {"pseudonym"}:
            raise HTTPError(422, "join: the body must be exactly {\"pseudonym\": \"...\"}")
        pseudonym = body["pseudonym"]
        if schema.problems({"pseudonym": pseudonym} | _placeholder_event()):
            raise HTTPError(422, "join: pseudonym must be 8-64 letters, digits, '-' or '_'")
        await run_in_threadpool(store.join, room["code"], pseudonym)
        return {"joined": room["code"], "title": room["title"]}

    @app.post("/api/rooms/{code}/events", status_code=201)
    async def post_event(request: Request, code: str) -> Response:
        event = await json_body(request, "event")
        found = [] if schema.conforms(event) else schema.problems(event)
        if found:
            raise HTTPError(422, "event does not match the answer-event schema: "
                                 + "; ".join(found))
        if not per_learner.allow(f"{address_of(request)}/{event['pseudonym']}"):
            raise HTTPError(429, "too many answers from this learner; slow down")
        # one trip to the thread pool: room, question, answer check and insert together
        stored = await run_in_threadpool(_accept_event, store, code.upper(), event)
        if stored is None:
            raise miss(request, 404, f"no room with code {code!r}")
        return JSONResponse({"stored": stored, "duplicate": not stored},
                            status_code=201 if stored else 200)

    @app.get("/api/rooms/{code}/poll")
    async def learner_poll(request: Request, code: str, after: int = 0,
                           wait: float = 0) -> dict[str, Any]:
        room = await room_of(request, code)
        deadline = asyncio.get_running_loop().time() + max(0.0, min(wait, POLL_WAIT_MAX))
        while True:
            version = await run_in_threadpool(store.poll_version, room["code"])
            if version > after or asyncio.get_running_loop().time() >= deadline:
                break
            if await request.is_disconnected():
                break
            await asyncio.sleep(STREAM_EVERY)
        return await run_in_threadpool(_learner_poll_view, store, room["code"], app.state.k)

    # -- instructor -----------------------------------------------------------------------

    @app.post("/api/rooms", status_code=201)
    async def create_room(request: Request) -> dict[str, Any]:
        instructor(request)
        body = await json_body(request, "room")
        title = body.get("title", "Workshop") if isinstance(body, dict) else None
        if not isinstance(title, str) or not 0 < len(title) <= 200:
            raise HTTPError(422, "room: 'title' must be text of 1-200 characters")
        code = await run_in_threadpool(store.create_room, title)
        return {"code": code, "title": title}

    @app.delete("/api/rooms/{code}")
    async def delete_room(request: Request, code: str) -> dict[str, Any]:
        instructor(request)
        room = await room_of(request, code)
        rows = await run_in_threadpool(store.delete_room, room["code"])
        app.state.seen.forget(room["code"])
        return {"deleted": room["code"], "rows": rows}

    @app.get("/room/{code}", response_class=HTMLResponse)
    async def dashboard(request: Request, code: str) -> HTMLResponse:
        instructor(request)
        await room_of(request, code)
        return HTMLResponse(DASHBOARD.read_text(encoding="utf-8"),
                            headers={"Cache-Control": "no-store",
                                     "Referrer-Policy": "no-referrer"})

    @app.get("/api/rooms/{code}/summary")
    async def summary(request: Request, code: str) -> dict[str, Any]:
        instructor(request)
        room = await room_of(request, code)
        return await run_in_threadpool(_summary, app.state.seen, room, app.state.k)

    @app.get("/api/rooms/{code}/stream")
    async def stream(request: Request, code: str) -> StreamingResponse:
        instructor(request)
        room = await room_of(request, code)

        async def updates() -> Any:
            marker: Any = None
            quiet = 0.0
            while not await request.is_disconnected():
                now = await run_in_threadpool(_marker, store, room["code"])
                if now != marker:
                    marker = now
                    quiet = 0.0
                    data = await run_in_threadpool(_summary, app.state.seen, room,
                                                   app.state.k)
                    yield f"event: summary\ndata: {json.dumps(data)}\n\n"
                elif quiet >= HEARTBEAT_EVERY:
                    quiet = 0.0
                    yield ": still here\n\n"
                await asyncio.sleep(STREAM_EVERY)
                quiet += STREAM_EVERY

        return StreamingResponse(updates(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store"})

    @app.post("/api/rooms/{code}/polls", status_code=201)
    async def push_poll(request: Request, code: str) -> dict[str, Any]:
        instructor(request)
        room = await room_of(request, code)
        body = await json_body(request, "poll")
        module, qid, shown = await run_in_threadpool(_poll_question, store, room["code"], body)
        poll = await run_in_threadpool(store.open_poll, room["code"], module, qid, shown)
        return _poll_json(poll)

    @app.post("/api/rooms/{code}/polls/{action}")
    async def poll_state(request: Request, code: str, action: str) -> dict[str, Any]:
        instructor(request)
        room = await room_of(request, code)
        states = {"close": "closed", "reveal": "revealed"}
        if action not in states:
            raise HTTPError(404, f"unknown poll action {action!r}: use close or reveal")
        poll = await run_in_threadpool(store.set_poll_state, room["code"], states[action])
        if poll is None:
            raise HTTPError(409, "this room has no poll yet: push a question first")
        return _poll_json(poll)

    @app.get("/api/banks")
    async def banks(request: Request) -> dict[str, list[dict[str, str]]]:
        instructor(request)
        return await run_in_threadpool(_bank_index)

    @app.get("/api/rooms/{code}/events")
    async def raw_events(request: Request, code: str) -> list[dict[str, Any]]:
        instructor(request)
        room = await room_of(request, code)
        return await run_in_threadpool(store.events, room["code"])

    @app.get("/api/rooms/{code}/items")
    async def items(request: Request, code: str) -> list[dict[str, Any]]:
        instructor(request)
        room = await room_of(request, code)
        return await run_in_threadpool(_items, store, room["code"], app.state.k)

    @app.get("/api/rooms/{code}/items.csv")
    async def items_csv(request: Request, code: str) -> Response:
        instructor(request)
        room = await room_of(request, code)
        rows = await run_in_threadpool(_items, store, room["code"], app.state.k)
        return _csv(f"room-{room['code']}-items.csv", [_flat_item(r) for r in rows],
                    ["module", "question_id", "learners", "share_correct", "discrimination",
                     "distractors", "rewrite"])

    @app.get("/api/rooms/{code}/events.csv")
    async def events_csv(request: Request, code: str) -> Response:
        instructor(request)
        room = await room_of(request, code)
        rows = await run_in_threadpool(store.events, room["code"])
        for row in rows:
            row["answer"] = json.dumps(row["answer"])
        return _csv(f"room-{room['code']}-events.csv", rows,
                    ["id", "pseudonym", "module", "question_id", "answer", "correct",
                     "attempt", "time", "received"])

    return app


def _placeholder_event() -> dict[str, Any]:
    """The other fields of a valid event, to check one field against the schema alone."""
    return {"key": "placeholder", "module": "m", "question_id": "q", "answer": None,
            "correct": False, "attempt": 1, "time": "t"}


def _accept_event(store: Store, code: str, event: dict[str, Any]) -> bool | None:
    """Check the event against its room and question and store it: True when stored,
    False for a retry already stored, None for an unknown room; 422 for a bad answer."""
    if not store.room_exists(code):
        return None
    qtype, options, key = _question_shape(store, code, event)
    if event["module"] == questions.ADHOC_MODULE:  # learners never hold the answer
        event["correct"] = key is not None and event["answer"] == key
    problem = questions.answer_problem(qtype, options, event["answer"])
    if problem:
        raise HTTPError(422, f"event for {event['module']}/{event['question_id']}: {problem}")
    return store.add_event(code, event)


def _question_shape(store: Store, code: str,
                    event: dict[str, Any]) -> tuple[str, dict[str, str], Any]:
    """(type, options, answer) of the event's question; 422 for an unknown one."""
    if event["module"] == questions.ADHOC_MODULE:
        poll = _adhoc_poll(store, code, event["question_id"])
        return poll["type"], poll["options"], poll.get("answer")
    try:
        question = questions.bank_question(event["module"], event["question_id"])
    except questions.UnknownQuestion as exc:
        raise HTTPError(422, f"event: {exc}") from None
    return question.type, dict(question.options), question.answer


def _adhoc_poll(store: Store, code: str, question_id: str) -> dict[str, Any]:
    from sqlalchemy import select

    from course.room.store import polls

    with store.engine.connect() as conn:
        row = conn.execute(select(polls.c.question).where(
            polls.c.room == code, polls.c.module == questions.ADHOC_MODULE,
            polls.c.question_id == question_id).limit(1)).scalar()
    if row is None:
        raise HTTPError(422, f"event: this room has no ad-hoc poll {question_id!r}")
    return json.loads(row)


def _poll_question(store: Store, code: str, body: Any) -> tuple[str, str, dict[str, Any]]:
    """Validate a push: a bank question ``{"module", "question_id"}`` or an ad-hoc one
    ``{"prompt", "options": {key: text}, "answer": key or null}``."""
    if not isinstance(body, dict):
        raise HTTPError(422, "poll: the body must be a JSON object")
    if set(body) == {"module", "question_id"}:
        try:
            question = questions.bank_question(str(body["module"]), str(body["question_id"]))
        except questions.UnknownQuestion as exc:
            raise HTTPError(422, f"poll: {exc}") from None
        if question.type not in questions.POLL_TYPES:
            raise HTTPError(422, f"poll: {question.module}/{question.id} is a {question.type} "
                                 "question; polls take single or multiple choice")
        return question.module, question.id, {**questions.public_view(question),
                                              "answer": question.answer}
    allowed = {"prompt", "options", "answer"}
    if not {"prompt", "options"} <= set(body) <= allowed:
        raise HTTPError(422, "poll: send {module, question_id} for a bank question, or "
                             "{prompt, options, answer} for an ad-hoc one")
    prompt, options, answer = body["prompt"], body["options"], body.get("answer")
    if not isinstance(prompt, str) or not 0 < len(prompt) <= 1000:
        raise HTTPError(422, "poll: 'prompt' must be text of 1-1000 characters")
    if (not isinstance(options, dict) or not 2 <= len(options) <= 10
            or not all(isinstance(v, str) and 0 < len(v) <= 200 for v in options.values())
            or not all(key.isalnum() and len(key) <= 20 for key in options)):
        raise HTTPError(422, "poll: 'options' must map 2-10 short keys (letters/digits) to "
                             "texts of 1-200 characters")
    if answer is not None and answer not in options:
        raise HTTPError(422, f"poll: 'answer' {answer!r} is not one of the options")
    number = store.poll_version(code) + 1
    shown = questions.adhoc_question(number, prompt, options, answer)
    return questions.ADHOC_MODULE, shown["id"], shown


def _bank_index() -> dict[str, list[dict[str, str]]]:
    """Module → the questions a poll can push (single and multiple choice)."""
    from course.quiz.bank import BANKS_DIR, load_bank

    index = {}
    for path in sorted(BANKS_DIR.glob("*.yaml")):
        bank = load_bank(path.stem)
        index[path.stem] = [{"id": q.id, "prompt": q.prompt[:120]}
                            for q in bank.questions.values()
                            if q.type in questions.POLL_TYPES]
    return index


def _poll_json(poll: dict[str, Any]) -> dict[str, Any]:
    return {"id": poll["id"], "module": poll["module"], "question_id": poll["question_id"],
            "state": poll["state"], "version": poll["version"], "question": poll["question"]}


def _learner_poll_view(store: Store, code: str, k: int) -> dict[str, Any]:
    """What a learner may read: the current poll without its answer, plus the spread and
    the answer once revealed."""
    poll = store.current_poll(code)
    version = store.poll_version(code)
    if not poll:
        return {"version": version, "poll": None}
    question = dict(poll["question"])
    answer = question.pop("answer", None)
    view: dict[str, Any] = {"module": poll["module"], "question_id": poll["question_id"],
                            "state": poll["state"], "question": question}
    if poll["state"] == "revealed":
        events = [e for e in store.events(code) if e["module"] == poll["module"]
                  and e["question_id"] == poll["question_id"]]
        firsts = stats.first_attempts(events).get((poll["module"], poll["question_id"]), {})
        view["results"] = stats.question_summary(firsts, question.get("type"), answer, k)
        view["answer"] = answer
    return {"version": version, "poll": view}


def _marker(store: Store, code: str) -> tuple[int, int, int]:
    return (*store.counts(code), store.poll_version(code))


def _question_info(store: Store, code: str,
                   items: set[tuple[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
    info: dict[tuple[str, str], dict[str, Any]] = {}
    for module, qid in items:
        if module == questions.ADHOC_MODULE:
            try:
                info[(module, qid)] = _adhoc_poll(store, code, qid)
            except HTTPError:
                continue
        else:
            try:
                q = questions.bank_question(module, qid)
            except questions.UnknownQuestion:
                continue
            info[(module, qid)] = {**questions.public_view(q), "answer": q.answer}
    return info


class EventCache:
    """Each room's events as read so far: a live update reads only the new rows (events
    are never changed, only added, or deleted with their room)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._rooms: dict[str, list[dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def events(self, code: str) -> list[dict[str, Any]]:
        with self._lock:
            known = self._rooms.setdefault(code, [])
            known.extend(self.store.events_after(code, known[-1]["id"] if known else 0))
            return list(known)

    def forget(self, code: str) -> None:
        with self._lock:
            self._rooms.pop(code, None)


def _summary(seen: EventCache, room: dict[str, Any], k: int) -> dict[str, Any]:
    """The dashboard's data: joined count, current poll, and per question the spread."""
    code = room["code"]
    store = seen.store
    events = seen.events(code)
    joined, total = store.counts(code)
    poll = store.current_poll(code)
    firsts = stats.first_attempts(events)
    items = set(firsts)
    if poll:
        items.add((poll["module"], poll["question_id"]))
    info = _question_info(store, code, items)
    rows = []
    for item in sorted(items, key=lambda i: (i != _poll_item(poll), i)):
        meta = info.get(item, {})
        row = stats.question_summary(firsts.get(item, {}), meta.get("type"),
                                     meta.get("answer"), k)
        row.update(module=item[0], question_id=item[1], type=meta.get("type"),
                   prompt=meta.get("prompt", ""), options=meta.get("options", {}),
                   answer=meta.get("answer"), joined=joined)
        rows.append(row)
    return {"code": code, "title": room["title"], "k": k, "joined": joined, "events": total,
            "poll": _poll_json(poll) if poll else None, "questions": rows}


def _poll_item(poll: dict[str, Any] | None) -> tuple[str, str] | None:
    return (poll["module"], poll["question_id"]) if poll else None


def _items(store: Store, code: str, k: int) -> list[dict[str, Any]]:
    events = store.events(code)
    info = _question_info(store, code, {(e["module"], e["question_id"]) for e in events})
    return stats.item_statistics(events, info, k)


def _flat_item(row: dict[str, Any]) -> dict[str, Any]:
    flat = dict(row)
    flat["distractors"] = "; ".join(f"{k}={v}" for k, v in (row["distractors"] or {}).items())
    flat["rewrite"] = "; ".join(row["rewrite"])
    for name in ("share_correct", "discrimination"):
        flat[name] = "" if row[name] is None else f"{row[name]:.3f}"
    return flat


def _csv(filename: str, rows: list[dict[str, Any]], columns: list[str]) -> Response:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return Response(out.getvalue(), media_type="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def wrap(app: FastAPI) -> Guard:
    """The app behind the per-address rate limit and the body-size limit (what uvicorn
    serves)."""
    limiter = RateLimiter(rate=PER_ADDRESS_RATE, burst=PER_ADDRESS_BURST)
    return Guard(BodySizeLimit(app), limiter)


def mounted(app: FastAPI, prefix: str) -> FastAPI:
    """The app served under ``prefix`` (e.g. ``/services/room`` behind JupyterHub's proxy,
    which forwards the full path)."""
    prefix = "/" + prefix.strip("/")
    if prefix == "/":
        return app
    outer = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    outer.mount(prefix, app)
    return outer


def app_from_env() -> Guard:
    """Factory for ``uvicorn --factory`` workers: ``COURSE_ROOM_DB``, ``COURSE_ROOM_K`` and
    ``COURSE_ROOM_PREFIX``."""
    app = create_app(os.environ["COURSE_ROOM_DB"], int(os.environ.get("COURSE_ROOM_K",
                                                                      DEFAULT_K)))
    return wrap(mounted(app, os.environ.get("COURSE_ROOM_PREFIX", "")))
