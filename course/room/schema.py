"""The answer event's JSON Schema: the one definition the client, the server and the
published document share (``answer-event.schema.json``, registered with jupyter_events)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

SCHEMA_PATH = Path(__file__).with_name("answer-event.schema.json")
FIELDS = ("key", "pseudonym", "module", "question_id", "answer", "correct", "attempt", "time")
_FIELD_SET = frozenset(FIELDS)


@cache
def schema() -> dict[str, Any]:
    """The schema as a dict."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@cache
def _validator() -> Any:
    import jsonschema

    return jsonschema.Draft202012Validator(schema())


@cache
def _patterns() -> dict[str, Any]:
    import re

    props = schema()["properties"]
    return {name: re.compile(props[name]["pattern"])
            for name in ("key", "pseudonym", "module", "question_id", "time")}


def _short_text(value: Any, limit: int = 80) -> bool:
    return isinstance(value, str) and len(value) <= limit


def conforms(event: Any) -> bool:
    """A fast check that ``event`` matches the schema (answers every valid event True;
    anything it is unsure of goes to :func:`problems`, which gives the reasons).
    ``tests/unit/test_room_schema.py`` checks the two agree."""
    if type(event) is not dict or event.keys() != _FIELD_SET:
        return False
    patterns = _patterns()
    for name in ("key", "pseudonym", "module", "question_id", "time"):
        value = event[name]
        if type(value) is not str or not patterns[name].search(value):
            return False
    answer = event["answer"]
    answer_ok = (answer is None or _short_text(answer)
                 or (type(answer) in (int, float) and answer == answer
                     and abs(answer) != float("inf"))
                 or (type(answer) is list and len(answer) <= 20
                     and all(_short_text(a) for a in answer)))
    attempt = event["attempt"]
    return (answer_ok and type(event["correct"]) is bool and type(attempt) is int
            and 1 <= attempt <= 1000)


def problems(event: Any) -> list[str]:
    """Why ``event`` does not match the schema, one message per field ([] when it does)."""
    found = []
    for error in sorted(_validator().iter_errors(event), key=lambda e: list(e.path)):
        where = "/".join(str(p) for p in error.path) or "(event)"
        found.append(f"{where}: {error.message[:200]}")
    return found


def register(logger: Any = None) -> Any:
    """Register the schema with a ``jupyter_events.EventLogger`` (a new one by default)."""
    from jupyter_events import EventLogger

    logger = logger or EventLogger()
    logger.register_event_schema(schema())
    return logger
