"""The learner's attempt store: every quiz attempt, in one JSON file that survives restarts.

Where: ``$COURSE_PROGRESS`` if set, else ``platformdirs.user_data_dir(
"model-orchestration-course")/progress.json``.

Safety: every change is a read-modify-write under a file lock (``progress.json.lock``),
written to a temporary file in the same folder, fsynced and moved into place with
``os.replace`` — an interrupted write leaves the previous file intact and two notebooks
writing at once lose nothing. A file that cannot be read is moved aside to
``progress.json.corrupt-<timestamp>``, the learner is warned once and a fresh file starts.

``reset(confirm=True)`` backs the file up and starts again. This module only stores: it
knows nothing about quizzes or charts. What a learner did on a question is
:mod:`course.quiz.history`; the progress page is :mod:`course.quiz.report`
(``quiz.show_progress()``). Anything with ``record``, ``attempts`` and ``learner_id`` (the
:class:`Store` protocol) can stand in for this module, e.g. :class:`MemoryStore` in tests.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import tempfile
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

APP_NAME = "model-orchestration-course"
FORMAT_VERSION = 1
LOCK_TIMEOUT = 30.0


class Store(Protocol):
    """Where quiz attempts go: this module (the file) or a :class:`MemoryStore`."""

    def record(self, module: str, question_id: str, answer: Any, correct: bool,
               score: float, points: float, **extra: Any) -> dict[str, Any]: ...

    def attempts(self, module: str | None = None,
                 question_id: str | None = None) -> list[dict[str, Any]]: ...

    def learner_id(self) -> str: ...


class ProgressWarning(UserWarning):
    """Something happened to the progress file that the learner should know about."""


def progress_path() -> Path:
    """The progress file for this process (``$COURSE_PROGRESS`` or the user data dir)."""
    override = os.environ.get("COURSE_PROGRESS")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False)) / "progress.json"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def _empty() -> dict[str, Any]:
    return {"version": FORMAT_VERSION, "learner_id": None, "attempts": []}


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    from filelock import FileLock

    path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(path) + ".lock", timeout=LOCK_TIMEOUT):
        yield


def _write_atomic(path: Path, data: dict[str, Any]) -> None:
    """Write ``data`` as JSON via a temp file in the same folder, fsync, then os.replace."""
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # make the rename durable (POSIX)
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _valid(data: Any) -> bool:
    return (
        isinstance(data, dict)
        and isinstance(data.get("attempts"), list)
        and all(isinstance(a, dict) for a in data["attempts"])
    )


def _read_unlocked(path: Path) -> dict[str, Any]:
    """Read the file (caller holds the lock); move a corrupt file aside and warn once."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return _empty()
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError):
        data = None
    if _valid(data):
        data.setdefault("version", FORMAT_VERSION)
        data.setdefault("learner_id", None)
        return data
    backup = path.with_name(f"{path.name}.corrupt-{_stamp()}")
    os.replace(path, backup)
    warnings.warn(
        f"Your quiz progress file could not be read, so it was moved to {backup} and a "
        "fresh one was started. Earlier answers are in that backup.",
        ProgressWarning,
        stacklevel=3,
    )
    return _empty()


def load() -> dict[str, Any]:
    """The whole progress file as a dict (``version``, ``learner_id``, ``attempts``)."""
    path = progress_path()
    with _locked(path):
        return _read_unlocked(path)


def _update(change: Any) -> Any:
    """Run ``change(data)`` on the file's content under the lock and save the result."""
    path = progress_path()
    with _locked(path):
        data = _read_unlocked(path)
        result = change(data)
        _write_atomic(path, data)
        return result


def learner_id() -> str:
    """``$COURSE_LEARNER``, or a random id created once and kept in the progress file."""
    env = os.environ.get("COURSE_LEARNER", "").strip()
    if env:
        return env
    current = load().get("learner_id")
    if isinstance(current, str) and current:
        return current

    def ensure(data: dict[str, Any]) -> str:
        if not data.get("learner_id"):
            data["learner_id"] = "learner-" + secrets.token_hex(6)
        return data["learner_id"]

    return _update(ensure)


def _entry(module: str, question_id: str, answer: Any, correct: bool, score: float,
           points: float, extra: dict[str, Any]) -> dict[str, Any]:
    return {
        "module": module,
        "question_id": question_id,
        "answer": answer,
        "correct": bool(correct),
        "score": float(score),
        "points": float(points),
        "timestamp": _now(),
        **extra,
    }


def _matching(rows: list[dict[str, Any]], module: str | None,
              question_id: str | None) -> list[dict[str, Any]]:
    return [a for a in rows
            if (module is None or a.get("module") == module)
            and (question_id is None or a.get("question_id") == question_id)]


def record(module: str, question_id: str, answer: Any, correct: bool, score: float,
           points: float, **extra: Any) -> dict[str, Any]:
    """Append one attempt and return it (with its ISO-8601 UTC ``timestamp``)."""
    entry = _entry(module, question_id, answer, correct, score, points, extra)
    _update(lambda data: data["attempts"].append(entry))
    return entry


def attempts(module: str | None = None, question_id: str | None = None) -> list[dict[str, Any]]:
    """Recorded attempts, oldest first, optionally for one module and/or question."""
    return _matching(load()["attempts"], module, question_id)


class MemoryStore:
    """A :class:`Store` kept in memory: for tests, and for quizzes that must not be saved."""

    def __init__(self, learner: str = "memory-learner") -> None:
        self.rows: list[dict[str, Any]] = []
        self.learner = learner

    def record(self, module: str, question_id: str, answer: Any, correct: bool,
               score: float, points: float, **extra: Any) -> dict[str, Any]:
        """Append one attempt and return it."""
        entry = _entry(module, question_id, answer, correct, score, points, extra)
        self.rows.append(entry)
        return entry

    def attempts(self, module: str | None = None,
                 question_id: str | None = None) -> list[dict[str, Any]]:
        """Recorded attempts, oldest first, optionally for one module and/or question."""
        return _matching(self.rows, module, question_id)

    def learner_id(self) -> str:
        """The id given at creation."""
        return self.learner


def reset(confirm: bool = False) -> Path | None:
    """Back the progress file up (``progress.json.bak-<timestamp>``) and start afresh.

    Nothing happens unless ``confirm=True``. Returns the backup path (None if there was
    no file). The learner id is kept so option orders stay the same.
    """
    if not confirm:
        print("Nothing was reset. Call progress.reset(confirm=True) to clear your answers "
              "(a backup is kept).")
        return None
    path = progress_path()
    with _locked(path):
        if not path.exists():
            return None
        backup = path.with_name(f"{path.name}.bak-{_stamp()}")
        os.replace(path, backup)
        fresh = _empty()
        with contextlib.suppress(Exception):
            old = json.loads(backup.read_text(encoding="utf-8"))
            if isinstance(old, dict) and isinstance(old.get("learner_id"), str):
                fresh["learner_id"] = old["learner_id"]
        _write_atomic(path, fresh)
    print(f"Progress cleared; the old file is kept at {backup}.")
    return backup
