"""The learner's side of the room: join, leave, send an answer, see what was sent."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from course.room import identity
from course.room.hub import auth_headers
from course.room.outbox import Outbox

DEFAULT_SERVER = "http://127.0.0.1:8765"
CHECK_TIMEOUT = 3.0

_outboxes: dict[Path, Outbox] = {}
_outboxes_lock = threading.Lock()


class RoomError(RuntimeError):
    """The room cannot be joined (e.g. the server says the code does not exist)."""


def outbox(folder: Path | None = None) -> Outbox:
    """The outbox of this install (one per folder per process)."""
    folder = folder or identity.state_dir()
    with _outboxes_lock:
        if folder not in _outboxes:
            _outboxes[folder] = Outbox(folder)
        return _outboxes[folder]


def join(code: str | None = None, server: str | None = None) -> dict[str, Any]:
    """Join the room ``code`` on ``server``: from now on quiz answers are sent there.

    Without arguments, the code and server the instructor handed out in ``$COURSE_ROOM``
    (``CODE@URL``) are used. An unknown code raises :class:`RoomError`; an unreachable
    server does not (answers wait on disk until it answers).
    """
    import httpx

    default = identity.handed_out()
    if code is None:
        if default is None:
            raise RoomError("room.join needs the room code your instructor gave you, e.g. "
                            "room.join('K7QX2M', server='http://192.168.1.20:8765')")
        code = default[0]
    if server is None:
        server = default[1] if default else DEFAULT_SERVER
    code = code.strip().upper()
    server = server.strip().rstrip("/")
    me = identity.pseudonym()
    title = None
    try:
        response = httpx.post(f"{server}/api/rooms/{code}/join", json={"pseudonym": me},
                              headers=auth_headers(server), timeout=CHECK_TIMEOUT)
        if response.status_code == 404:
            raise RoomError(f"the server at {server} has no room {code!r}: check the code")
        if response.status_code == 200:
            title = response.json().get("title")
    except httpx.HTTPError as exc:
        print(f"The room server at {server} does not answer yet ({type(exc).__name__}); "
              "your answers will wait on this computer and be sent when it does.")
    session = {"code": code, "server": server}
    identity.write_session(session)
    outbox().start()  # answers left on disk by an earlier kernel go out now
    print(f"Joined room {code}{f' ({title})' if title else ''} as {me}.\n"
          "Each quiz answer you check now sends: module, question id, your chosen option(s), "
          "whether it was right, the attempt number, the time and this random pseudonym. "
          "Nothing else (no name, no code, no files).\n"
          "room.sent() shows what was sent; room.leave() stops sending.")
    return session


def leave(discard: bool = False) -> int:
    """Stop sending answers. ``discard=True`` also deletes answers not yet delivered;
    returns how many were deleted."""
    identity.write_session({"left": True})
    dropped = outbox().drop_pending() if discard else 0
    print("You left the room: quiz answers are no longer sent."
          + (f" {dropped} undelivered answer(s) deleted." if dropped else ""))
    return dropped


def session() -> dict[str, Any] | None:
    """The room joined (``code``, ``server``) or None."""
    return identity.read_session()


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def sendable_answer(qtype: str, answer: Any) -> Any:
    """The part of an answer that may leave the computer: option keys, or a number.
    Free text is never sent."""
    if qtype in ("single", "multiple", "ordering"):
        return answer
    if qtype == "numeric":
        from course.quiz import grading

        try:
            value = grading.parse_number(str(answer))
        except Exception:
            return None
        return value if value == value and abs(value) < 1e300 else None  # NaN/inf → None
    return None


def make_event(module: str, question_id: str, qtype: str, answer: Any, correct: bool,
               attempt: int) -> dict[str, Any]:
    """One answer event, with a fresh idempotency key (see ``answer-event.schema.json``)."""
    return {"key": uuid.uuid4().hex, "pseudonym": identity.pseudonym(), "module": module,
            "question_id": question_id, "answer": sendable_answer(qtype, answer),
            "correct": bool(correct), "attempt": int(attempt), "time": now()}


def send(module: str, question_id: str, qtype: str, answer: Any, correct: bool,
         attempt: int) -> dict[str, Any] | None:
    """Queue one answer when joined (None when not joined)."""
    joined = session()
    if not joined:
        return None
    event = make_event(module, question_id, qtype, answer, correct, attempt)
    outbox().put(joined["server"], joined["code"], event)
    return event


def answered(question: Any, answer: Any, correct: bool, attempt: int) -> None:
    """The quiz widgets' hook: send this answer if the learner joined a room.

    A no-op when not joined; never raises (a quiz must work whatever happens here).
    """
    try:
        send(question.module, question.id, question.type, answer, correct, attempt)
    except Exception:  # noqa: BLE001 - the quiz matters more than the room
        pass


def sent() -> list[dict[str, Any]]:
    """Exactly what was delivered: one dict per answer (``event`` is the body posted)."""
    return outbox().sent()


def pending() -> list[dict[str, Any]]:
    """Answers waiting on this computer for the server."""
    return outbox().pending()


def flush(timeout: float = 10.0) -> bool:
    """Wait until every queued answer is delivered (True) or ``timeout`` passes."""
    return outbox().flush(timeout)


def status() -> str:
    """One paragraph: joined where, as whom, how many answers sent/waiting/refused."""
    joined = session()
    box = outbox()
    where = f"room {joined['code']} at {joined['server']}" if joined else "no room"
    text = (f"Joined: {where}. Pseudonym: {identity.pseudonym()}. Sent: {len(box.sent())}, "
            f"waiting: {len(box.pending())}, refused by the server: {len(box.rejected())}.")
    if box.last_error:
        text += f" Last problem: {box.last_error}"
    return text
