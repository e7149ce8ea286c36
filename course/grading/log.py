"""The grading log, ``autograded/grading-log.jsonl``: one JSON object per graded notebook,
appended as results arrive (a re-grade appends again; the latest line wins).

Each object has ``time``, ``student``, ``assignment``, ``notebook``, ``status`` (a
:class:`~.records.Status` value), ``reasons`` (one line each), ``score``, ``max_score``,
``needs_manual_grade``, ``seconds``, ``reused`` (a grade kept from an earlier run), ``hash``
and, when there is one, ``detail`` (a traceback for the maintainer). Readers ignore fields
they do not know, so the format only grows.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from course.grading.config import Course
from course.grading.records import LogLine


def lines_of(record: dict, reused: bool = False, now: str | None = None) -> list[LogLine]:
    """The log lines of one graded submission (a worker's result with its scores)."""
    now = now or datetime.now(UTC).isoformat(timespec="seconds")
    return [LogLine(time=now, student=record["student"], assignment=record["assignment"],
                    notebook=entry["notebook"], status=entry["status"],
                    reasons=list(entry.get("reasons") or []), score=entry.get("score"),
                    max_score=entry.get("max_score"),
                    needs_manual_grade=entry.get("needs_manual_grade"),
                    seconds=record.get("seconds"), reused=reused, hash=record.get("hash"),
                    detail=entry.get("detail"))
            for entry in record["notebooks"]]


def append(course: Course, lines: list[LogLine]) -> None:
    """Append ``lines`` to the course's grading log."""
    path: Path = course.log_path
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        for line in lines:
            handle.write(json.dumps(line.to_json()) + "\n")


def read(course: Course) -> list[LogLine]:
    """The latest line per ``(student, assignment, notebook)``; an unreadable line is skipped
    with a message naming the file and line number."""
    latest: dict[tuple[str, str, str], LogLine] = {}
    path: Path = course.log_path
    if not path.is_file():
        return []
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        try:
            line = LogLine.from_json(json.loads(text))
        except (json.JSONDecodeError, TypeError, ValueError, AttributeError) as error:
            print(f"{path}:{number}: skipped an unreadable log line ({error})", file=sys.stderr)
            continue
        latest[line.key] = line
    return list(latest.values())
