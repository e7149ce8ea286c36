"""Fast checks of the pieces behind re-grading and side-effect files (no kernel runs)."""

from __future__ import annotations

import os
from pathlib import Path

from course.grading import outputs
from course.grading.cache import folder_digest, job_hash
from course.grading.records import RunLimits


def test_written_files_are_kept_but_links_and_unchanged_inputs_are_not(tmp_path: Path) -> None:
    inputs, work, dest = tmp_path / "in", tmp_path / "work", tmp_path / "out"
    for folder in (inputs, work, dest):
        folder.mkdir()
    (inputs / "data.txt").write_text("same")
    (inputs / "edited.txt").write_text("before")
    (work / "data.txt").write_text("same")
    (work / "edited.txt").write_text("after")
    (work / "plots").mkdir()
    (work / "plots" / "chart.svg").write_text("<svg/>")
    secret = tmp_path / "secret.txt"
    secret.write_text("instructor only")
    os.symlink(secret, work / "leak.txt")
    os.mkfifo(work / "pipe")
    notes = outputs.keep_written(work, [(inputs, Path("data.txt")), (inputs, Path("edited.txt"))],
                                 dest)
    kept = sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file())
    assert kept == ["edited.txt", "plots/chart.svg"]
    assert (dest / "edited.txt").read_text() == "after"
    assert not (dest / "leak.txt").exists() and not (dest / "leak.txt").is_symlink()
    assert notes and "2 file(s)" in notes[0]


def test_written_files_are_capped(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    work, dest = tmp_path / "work", tmp_path / "out"
    work.mkdir()
    dest.mkdir()
    for number in range(5):
        (work / f"f{number}.csv").write_text("x")
    monkeypatch.setattr(outputs, "MAX_FILES", 3)
    notes = outputs.keep_written(work, [], dest)
    assert len(list(dest.iterdir())) == 3
    assert "2 file(s)" in notes[0]


def test_the_hash_changes_with_each_input(tmp_path: Path) -> None:
    (tmp_path / "a.ipynb").write_text("{}")
    digest = folder_digest(tmp_path)
    base = job_hash("bundle", digest, RunLimits(), True, "0.1.0+abc")
    assert base == job_hash("bundle", folder_digest(tmp_path), RunLimits(), True, "0.1.0+abc")
    (tmp_path / "a.ipynb").write_text("{ }")
    assert folder_digest(tmp_path) != digest
    (tmp_path / "a.ipynb").write_text("{}")
    (tmp_path / "b.csv").write_text("")
    assert folder_digest(tmp_path) != digest
    others = {job_hash("other bundle", digest, RunLimits(), True, "0.1.0+abc"),
              job_hash("bundle", digest, RunLimits(cell_timeout=5), True, "0.1.0+abc"),
              job_hash("bundle", digest, RunLimits(), False, "0.1.0+abc"),
              job_hash("bundle", digest, RunLimits(), True, "0.1.1+abc")}
    assert base not in others and len(others) == 4


def test_the_writer_records_a_job_once_even_if_its_result_arrives_twice(tmp_path: Path) -> None:
    import json

    from course.grading.autograde import Recorder
    from course.grading.cache import HashTable
    from course.grading.config import Course
    from course.grading.records import Job, LogLine

    course = Course(root=tmp_path, course_id="c", db_url=f"sqlite:///{tmp_path / 'gb.db'}")
    lines: list[LogLine] = []
    recorder = Recorder(course, HashTable(course), "v", None, lines)
    job = Job("ada", "ps1", submitted="", autograded="", source="", refs=[], hash="h" * 64)
    result = {"student": "ada", "assignment": "ps1", "seconds": 1.0,
              "notebooks": [{"notebook": "ps1", "status": "error", "reasons": ["lost"]}]}
    recorder.record(job, json.loads(json.dumps(result)))
    recorder.record(job, json.loads(json.dumps(result)))  # a re-run task's late twin
    recorder.close()
    logged = course.log_path.read_text().splitlines()
    assert len(logged) == 1 and len(lines) == 1 and recorder.duplicates == 1
    assert json.loads(logged[0])["hash"] == "h" * 64
