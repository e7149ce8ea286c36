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

ENV_SETTING = "COURSE_ROOM"  # "CODE@http://host:port": joined without calling join()


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
    """The room this install has joined (``code``, ``server``), or None.

    ``session.json`` wins; otherwise ``$COURSE_ROOM`` (``CODE@URL``) if the instructor set it.
    A ``left`` marker in the file means the learner left, even if the variable is set.
    """
    path = (folder or state_dir()) / "session.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        data = None
    if isinstance(data, dict):
        return None if data.get("left") else data
    setting = os.environ.get(ENV_SETTING, "").strip()
    if "@" in setting:
        code, server = setting.split("@", 1)
        return {"code": code.strip().upper(), "server": server.strip().rstrip("/")}
    return None


def write_session(data: dict[str, Any], folder: Path | None = None) -> None:
    path = (folder or state_dir()) / "session.json"
    tmp = path.with_name(f"session.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    os.replace(tmp, path)
