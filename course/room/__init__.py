"""The live room: learners opt in, the instructor sees the room's quiz answers live.

Learner side (light: no server libraries are imported)::

    from course import room
    room.join("K7QX2M", server="http://192.168.1.20:8765")
    room.poll()      # a cell that shows the question the instructor pushes
    room.sent()      # exactly what was sent
    room.leave()

The server is ``course room serve`` (``course.room.app``). Only quiz answers are sent —
module, question id, chosen option(s), correct or not, attempt, time, a random pseudonym —
through an on-disk outbox that never blocks a quiz.
"""

from __future__ import annotations

from typing import Any

from course.quiz import events as _quiz_events
from course.room.client import (
    RoomError,
    answered,
    flush,
    join,
    leave,
    pending,
    sent,
    session,
    status,
)

_quiz_events.subscribe(answered)  # every checked quiz answer is offered to the room

__all__ = ["RoomError", "answered", "flush", "join", "leave", "pending", "poll", "sent",
           "session", "status"]


def poll(interval: float = 20.0) -> Any:
    """A widget that shows the question the instructor pushes, as it happens."""
    from course.room.pollwidget import PollWidget

    return PollWidget.start(interval)
