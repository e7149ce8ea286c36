"""Listeners told about every checked quiz answer, so the quiz needs to know none of them.

The live room (:mod:`course.room`) subscribes when it is imported; a listener that fails
is ignored, because the quiz matters more than whoever listens.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from course.quiz.bank import Question

Listener = Callable[[Question, Any, bool, int], None]
_listeners: list[Listener] = []


def subscribe(listener: Listener) -> None:
    """Call ``listener(question, answer, correct, attempt)`` after every checked answer."""
    if listener not in _listeners:
        _listeners.append(listener)


def unsubscribe(listener: Listener) -> None:
    """Stop calling ``listener`` (no error if it was not subscribed)."""
    with contextlib.suppress(ValueError):
        _listeners.remove(listener)


def publish(question: Question, answer: Any, correct: bool, attempt: int) -> None:
    """Tell every listener about one checked answer; a failing listener is skipped."""
    for listener in list(_listeners):
        with contextlib.suppress(Exception):
            listener(question, answer, correct, attempt)
