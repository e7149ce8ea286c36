"""The learner's quiz progress: every attempt, in one JSON file that survives restarts.

Where: ``$COURSE_PROGRESS`` if set, else ``platformdirs.user_data_dir(
"model-orchestration-course")/progress.json``.

Safety: every change is a read-modify-write under a file lock (``progress.json.lock``),
written to a temporary file in the same folder, fsynced and moved into place with
``os.replace`` — an interrupted write leaves the previous file intact and two notebooks
writing at once lose nothing. A file that cannot be read is moved aside to
``progress.json.corrupt-<timestamp>``, the learner is warned once and a fresh file starts.

``summary()`` (a DataFrame) and ``show()`` (an Altair chart) make the progress page;
``reset(confirm=True)`` backs the file up and starts again.
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
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import altair as alt
    import pandas as pd

APP_NAME = "model-orchestration-course"
FORMAT_VERSION = 1
LOCK_TIMEOUT = 30.0


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


def record(module: str, question_id: str, answer: Any, correct: bool, score: float,
           points: float, **extra: Any) -> dict[str, Any]:
    """Append one attempt and return it (with its ISO-8601 UTC ``timestamp``)."""
    entry = {
        "module": module,
        "question_id": question_id,
        "answer": answer,
        "correct": bool(correct),
        "score": float(score),
        "points": float(points),
        "timestamp": _now(),
        **extra,
    }
    _update(lambda data: data["attempts"].append(entry))
    return entry


def attempts(module: str | None = None, question_id: str | None = None) -> list[dict[str, Any]]:
    """Recorded attempts, oldest first, optionally for one module and/or question."""
    return [
        a
        for a in load()["attempts"]
        if (module is None or a.get("module") == module)
        and (question_id is None or a.get("question_id") == question_id)
    ]


def history(module: str, question_id: str,
            records: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """What a learner did before on one question: ``attempts`` (count),
    ``first_correct`` (attempt number or None), ``best_score``, ``last_answer``,
    ``revealed``. ``records`` (already loaded attempts) saves re-reading the file."""
    source = attempts() if records is None else records
    found = [a for a in source
             if a.get("module") == module and a.get("question_id") == question_id]
    first = next((i for i, a in enumerate(found, start=1) if a.get("correct")), None)
    return {
        "attempts": len(found),
        "first_correct": first,
        "best_score": max((float(a.get("score", 0)) for a in found), default=0.0),
        "last_answer": found[-1].get("answer") if found else None,
        "revealed": any(a.get("revealed") for a in found),
    }


SUMMARY_COLUMNS = ["module", "answered", "correct", "attempts", "score", "points"]


def summary() -> pd.DataFrame:
    """One row per module: questions answered, answered correctly, attempts, score
    (best score per question, summed) and points (of the answered questions)."""
    import pandas as pd

    rows = load()["attempts"]
    if not rows:
        return pd.DataFrame(columns=SUMMARY_COLUMNS).astype(
            {"answered": int, "correct": int, "attempts": int, "score": float, "points": float}
        )
    frame = pd.DataFrame(rows)
    per_q = frame.groupby(["module", "question_id"], sort=True).agg(
        correct=("correct", "any"),
        attempts=("correct", "size"),
        score=("score", "max"),
        points=("points", "last"),
    )
    table = per_q.groupby(level="module").agg(
        answered=("attempts", "size"),
        correct=("correct", "sum"),
        attempts=("attempts", "sum"),
        score=("score", "sum"),
        points=("points", "sum"),
    )
    table = table.reset_index()[SUMMARY_COLUMNS]
    return table.astype({"answered": int, "correct": int, "attempts": int})


def _apply_course_theme() -> None:
    """Use the course chart theme when it exists; charts still work without it."""
    try:
        from course.charts import theme
    except Exception:  # the charts package is optional here
        return
    register = getattr(theme, "register", None)
    if callable(register):
        with contextlib.suppress(Exception):
            register()


def _with_every_module(table: pd.DataFrame) -> pd.DataFrame:
    """Add a zero row for every module that has a quiz bank but no answers yet."""
    import pandas as pd

    from course.quiz.bank import BANKS_DIR

    known = sorted(p.stem for p in BANKS_DIR.glob("*.yaml"))
    missing = [m for m in known if m not in set(table["module"])]
    zeros = pd.DataFrame({"module": missing, "answered": 0, "correct": 0, "attempts": 0,
                          "score": 0.0, "points": 0.0})
    frames = [f for f in (table, zeros) if len(f)]
    return pd.concat(frames, ignore_index=True)[SUMMARY_COLUMNS] if frames else table


def show() -> alt.FacetChart:
    """The progress page chart: per module, questions answered and correct, and attempts.

    Bars are labelled with their measure and count, so colour is never the only cue.
    """
    import altair as alt

    _apply_course_theme()
    table = summary()
    answered_any = len(table) > 0
    table = _with_every_module(table)
    long = table.melt(
        id_vars="module", value_vars=["answered", "correct", "attempts"],
        var_name="measure", value_name="count",
    )
    long["label"] = long["measure"] + ": " + long["count"].astype(str)
    order = ["answered", "correct", "attempts"]
    title = "Your quiz progress" if answered_any else "Your quiz progress: no answers yet"
    most = max(int(long["count"].max()) if len(long) else 0, 1)
    base = alt.Chart(long).encode(
        y=alt.Y("module:N", title="Module", sort="ascending"),
        x=alt.X("count:Q", title="count", scale=alt.Scale(domain=[0, most * 1.4]),
                axis=alt.Axis(tickMinStep=1, format="d")),
        tooltip=["module:N", "measure:N", "count:Q"],
    )
    bars = base.mark_bar().encode(color=alt.Color("measure:N", title=None, sort=order, legend=None))
    labels = base.mark_text(align="left", dx=4).encode(text="label:N")
    return (
        (bars + labels)
        .properties(width=170, height=alt.Step(20))
        .facet(column=alt.Column("measure:N", sort=order, title=None))
        .properties(title=title, description="Quiz progress per module: questions answered, "
                    "answered correctly, and attempts, one panel each.")
    )


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
