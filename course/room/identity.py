"""Where a learner's room state lives, and the random per-install pseudonym.

Everything sits in a ``room/`` folder next to the quiz progress file (so ``$COURSE_PROGRESS``
moves it too): ``pseudonym``, ``session.json`` (the room joined), ``outbox/`` (answers not
yet delivered), ``sent.jsonl`` (every answer delivered, exactly as sent) and ``rejected/``.
The pseudonym is random and never derived from a name, login or machine.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

ENV_SETTING = "COURSE_ROOM"  # "CODE@http://host:port": what room.join() uses by default


def state_dir() -> Path:
    """The learner's room folder (created on demand)."""
    from course.progress import progress_path

    folder = progress_path().parent / "room"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def pseudonym(folder: Path | None = None) -> str:
    """This install's pseudonym, made once (``p-`` and 20 random hex digits)."""
    path = (folder or state_dir()) / "pseudonym"
    try:
        value = path.read_text(encoding="utf-8").strip()
        if value:
            return value
    except FileNotFoundError:
        pass
    value = "p-" + secrets.token_hex(10)
    tmp = path.with_name(f"pseudonym.{os.getpid()}.tmp")
    tmp.write_text(value, encoding="utf-8")
    try:
        os.link(tmp, path)  # first writer wins; a second kernel reads the same value
    except FileExistsError:
        value = path.read_text(encoding="utf-8").strip()
    finally:
        tmp.unlink(missing_ok=True)
    return value


def read_session(folder: Path | None = None) -> dict[str, Any] | None:
    """The room this install has joined (``code``, ``server``), or None (never joined, or
    left). Only ``room.join()`` writes it: nothing is sent without the learner's call."""
    path = (folder or state_dir()) / "session.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None
    if not isinstance(data, dict) or data.get("left") or not data.get("code"):
        return None
    return data


def handed_out() -> tuple[str, str] | None:
    """``$COURSE_ROOM`` (``CODE@URL``), set by the instructor (e.g. on a JupyterHub), so a
    learner who chooses to join can call ``room.join()`` without typing them. Setting it
    joins nobody."""
    setting = os.environ.get(ENV_SETTING, "").strip()
    if "@" not in setting:
        return None
    code, server = setting.split("@", 1)
    return code.strip().upper(), server.strip().rstrip("/")


def write_session(data: dict[str, Any], folder: Path | None = None) -> None:
    path = (folder or state_dir()) / "session.json"
    tmp = path.with_name(f"session.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    os.replace(tmp, path)
