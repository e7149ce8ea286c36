"""The typed grading records (course.grading.records) and the grading log (course.grading.log):
statuses ordered by severity, one-line reasons apart from tracebacks, a log format readers of
older lines still understand, and one set of defaults for the code and the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from course.grading import log
from course.grading.autograde import summary
from course.grading.config import Course
from course.grading.records import (
    CELL_TIMEOUT,
    NOTEBOOK_BUDGET,
    Job,
    LogLine,
    RunLimits,
    Status,
    error_record,
)
from course.grading.worker import grade_submission


def _course(tmp_path: Path) -> Course:
    return Course(root=tmp_path, course_id="c", db_url=f"sqlite:///{tmp_path / 'gb.db'}")


def _line(**fields: object) -> LogLine:
    base: dict = {"time": "2026-12-01T10:00:00+00:00", "student": "ada", "assignment": "ps1",
                  "notebook": "ps1", "status": "ok"}
    return LogLine(**{**base, **fields})


def test_the_worst_status_wins() -> None:
    assert Status.worst(["ok", "repaired", "timeout", "tampered"]) is Status.TIMEOUT
    assert Status.worst(["kernel-died", Status.MEMORY]) is Status.KERNEL_DIED
    assert Status.worst([]) is Status.OK
    assert sorted([Status.ERROR, Status.OK, Status.MISSING, Status.REPAIRED]) == [
        Status.OK, Status.REPAIRED, Status.MISSING, Status.ERROR]
    # a plain string from the log compares as its status, not alphabetically
    assert Status.TIMEOUT > "tampered" and Status.OK < "error"
    with pytest.raises(ValueError):
        Status.worst(["fine"])


def test_a_status_is_its_log_string() -> None:
    assert Status.KERNEL_DIED == "kernel-died" and json.dumps(Status.ERROR) == '"error"'
    assert [s.ran for s in (Status.OK, Status.TIMEOUT, Status.MISSING, Status.ERROR)] == [
        True, True, False, False]


def test_a_traceback_is_detail_never_a_reason() -> None:
    line = _line(status="error", reasons=[
        "grader failure: OSError('disk full')",
        "Traceback (most recent call last):\n  File \"worker.py\", line 1\nOSError: disk full"])
    assert line.reasons == ["grader failure: OSError('disk full')"]
    assert line.detail is not None and line.detail.startswith("Traceback (most recent call last)")
    two_lines = _line(reasons=["cell 3: output capped\n(200000 characters)"])
    assert two_lines.reasons == ["cell 3: output capped"]
    assert two_lines.detail == "(200000 characters)"


def test_the_log_round_trips_and_the_latest_line_wins(tmp_path: Path) -> None:
    course = _course(tmp_path)
    first = _line(status="timeout", reasons=["cell 2 stopped after 60 s (time limit)"],
                  score=2.0, max_score=6.0, needs_manual_grade=False, seconds=61.5, hash="h")
    again = _line(status="ok", score=6.0, max_score=6.0, reused=True)
    other = _line(student="bob", status="missing", reasons=["ps1.ipynb was not submitted"])
    log.append(course, [first, other])
    log.append(course, [again])
    read = {x.key: x for x in log.read(course)}
    assert read == {again.key: again, other.key: other}
    raw = [json.loads(x) for x in course.log_path.read_text().splitlines()]
    assert raw[0] == {"time": "2026-12-01T10:00:00+00:00", "student": "ada",
                      "assignment": "ps1", "notebook": "ps1", "status": "timeout",
                      "reasons": ["cell 2 stopped after 60 s (time limit)"], "score": 2.0,
                      "max_score": 6.0, "needs_manual_grade": False, "seconds": 61.5,
                      "reused": False, "hash": "h"}


def test_an_older_log_still_reads(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Lines written before detail existed (a traceback among the reasons, no ``detail``),
    with a field a later version added, and one broken line."""
    course = _course(tmp_path)
    course.log_path.parent.mkdir(parents=True)
    old = {"time": "t", "student": "ada", "assignment": "ps1", "notebook": "ps1",
           "status": "error", "reasons": ["grader failure: KeyError('x')",
                                          "Traceback (most recent call last):\n  boom"],
           "score": None, "max_score": None, "needs_manual_grade": None, "seconds": None,
           "reused": False, "hash": None, "added_later": 1}
    course.log_path.write_text(json.dumps(old) + "\n{not json\n", encoding="utf-8")
    (line,) = log.read(course)
    assert line.status is Status.ERROR and line.reasons == ["grader failure: KeyError('x')"]
    assert line.detail == "Traceback (most recent call last):\n  boom"
    assert f"{course.log_path}:2: skipped an unreadable log line" in capsys.readouterr().err


def test_the_summary_shows_reasons_not_tracebacks() -> None:
    job = Job("ada", "ps1", submitted="", autograded="", source="", refs=[{"name": "ps1"}])
    record = error_record(job, "worker process crashed: BrokenProcessPool()",
                          "Traceback (most recent call last):\n  ...")
    (line,) = log.lines_of(record, now="t")
    assert line.reasons == ["worker process crashed: BrokenProcessPool()"]
    assert line.detail == "Traceback (most recent call last):\n  ..."
    table = summary([line, _line(student="bob", score=4.0, max_score=6.0,
                                 needs_manual_grade=True)])
    assert table.splitlines()[1].split() == ["ada", "ps1", "error", "-", "worker", "process",
                                             "crashed:", "BrokenProcessPool()"]
    assert table.splitlines()[2].split() == ["bob", "ps1", "ok", "4/6", "+manual"]
    assert "Traceback" not in table


def test_a_grader_failure_gives_one_reason_and_the_traceback_as_detail(tmp_path: Path) -> None:
    blocker = tmp_path / "autograded"
    blocker.write_text("a file where the student's folder should go")
    job = Job("ada", "ps1", submitted=str(tmp_path / "submitted"),
              autograded=str(blocker / "ada" / "ps1"), source=str(tmp_path / "source"),
              refs=[{"name": "ps1", "cells": []}], sandboxed=False)
    record = grade_submission(job)
    (entry,) = record["notebooks"]
    assert entry["status"] is Status.ERROR
    assert len(entry["reasons"]) == 1 and entry["reasons"][0].startswith("grader failure: ")
    assert "\n" not in entry["reasons"][0]
    assert entry["detail"].startswith("Traceback (most recent call last)")


def test_one_set_of_defaults_for_the_code_and_the_command_line() -> None:
    assert RunLimits().budget == NOTEBOOK_BUDGET == 600.0
    assert RunLimits().cell_timeout == CELL_TIMEOUT == 60.0
    shown = subprocess.run([sys.executable, "-m", "course", "autograde", "--help"],
                           capture_output=True, text=True, check=True).stdout
    flat = " ".join(shown.split())
    assert "seconds per notebook (default 600)" in flat
    assert "seconds per cell (default 60)" in flat and "MiB per kernel (default 2048)" in flat
