"""The answer event's JSON Schema: the one definition the client, the server and the
published document share (``answer-event.schema.json``, registered with jupyter_events)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

SCHEMA_PATH = Path(__file__).with_name("answer-event.schema.json")
FIELDS = ("key", "pseudonym", "module", "question_id", "answer", "correct", "attempt", "time")


@cache
def schema() -> dict[str, Any]:
    """The schema as a dict."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@cache
def _validator() -> Any:
    import jsonschema

    return jsonschema.Draft202012Validator(schema())


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
