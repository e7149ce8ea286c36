"""course.progress (the attempt store): atomic writes, corrupt-file recovery, concurrent
writers, reset; quiz history and the progress page (course.quiz) read from it."""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import warnings

import pytest

from course import progress, quiz
from course.quiz import report
from course.quiz.history import history


@pytest.fixture(autouse=True)
def progress_file(tmp_path, monkeypatch):
    path = tmp_path / "data" / "progress.json"
    monkeypatch.setenv("COURSE_PROGRESS", str(path))
    monkeypatch.setenv("COURSE_LEARNER", "tester")
    return path


def test_path_comes_from_env_var(progress_file):
    assert progress.progress_path() == progress_file


def test_default_path_is_the_user_data_dir(monkeypatch):
    monkeypatch.delenv("COURSE_PROGRESS")
    from platformdirs import user_data_dir

    path = progress.progress_path()
    assert path.name == "progress.json"
    assert str(path.parent) == user_data_dir("model-orchestration-course", appauthor=False)


def test_record_appends_and_survives_reload(progress_file):
    progress.record("01-identity-shift", "handoff", "productionizes", True, 1, 1)
    progress.record("01-identity-shift", "handoff", "ship", False, 0, 1)
    on_disk = json.loads(progress_file.read_text())
    assert [a["answer"] for a in on_disk["attempts"]] == ["productionizes", "ship"]
    assert history(progress.attempts(), "01-identity-shift", "handoff") == {
        "attempts": 2, "first_correct": 1, "best_score": 1.0, "last_answer": "ship",
        "revealed": False,
    }


def test_interrupted_write_leaves_previous_file_intact(progress_file, monkeypatch):
    progress.record("m", "q1", "a", True, 1, 1)
    before = progress_file.read_bytes()

    def crash(src, dst):
        raise OSError("power cut during replace")

    monkeypatch.setattr(progress.os, "replace", crash)
    with pytest.raises(OSError, match="power cut"):
        progress.record("m", "q2", "b", False, 0, 1)
    monkeypatch.undo()
    assert progress_file.read_bytes() == before
    leftovers = [p.name for p in progress_file.parent.iterdir()
                 if p.name not in ("progress.json", "progress.json.lock")]
    assert leftovers == []  # the temp file was cleaned up


def test_interrupted_json_dump_leaves_previous_file_intact(progress_file, monkeypatch):
    progress.record("m", "q1", "a", True, 1, 1)
    before = progress_file.read_bytes()
    real_dump = json.dump

    def half_dump(obj, fh, **kwargs):
        fh.write('{"version": 1, "attem')  # half a file, then the process "dies"
        raise KeyboardInterrupt

    monkeypatch.setattr(progress.json, "dump", half_dump)
    with pytest.raises(KeyboardInterrupt):
        progress.record("m", "q2", "b", False, 0, 1)
    monkeypatch.setattr(progress.json, "dump", real_dump)
    assert progress_file.read_bytes() == before
    assert len(progress.attempts()) == 1


def test_corrupt_file_is_backed_up_learner_told_once_and_fresh_file_works(progress_file):
    progress_file.parent.mkdir(parents=True)
    progress_file.write_text('{"attempts": [ {"module": "m", oops')
    with pytest.warns(progress.ProgressWarning, match="could not be read") as caught:
        assert progress.attempts() == []
    assert len(caught) == 1
    backups = list(progress_file.parent.glob("progress.json.corrupt-*"))
    assert len(backups) == 1
    assert "oops" in backups[0].read_text()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any second warning would fail here
        progress.record("m", "q", "a", True, 1, 1)
        assert len(progress.attempts()) == 1


def test_wrong_shape_counts_as_corrupt(progress_file):
    progress_file.parent.mkdir(parents=True)
    progress_file.write_text('["not", "a", "progress", "file"]')
    with pytest.warns(progress.ProgressWarning):
        progress.record("m", "q", "a", True, 1, 1)
    assert len(list(progress_file.parent.glob("progress.json.corrupt-*"))) == 1
    assert len(progress.attempts()) == 1


def _append_many(path: str, worker: int, count: int) -> None:
    os.environ["COURSE_PROGRESS"] = path
    for i in range(count):
        progress.record("m", f"w{worker}", i, True, 1, 1)


def test_two_processes_appending_at_once_lose_nothing(progress_file):
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_append_many, args=(str(progress_file), w, 200))
             for w in (1, 2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
        assert p.exitcode == 0
    found = progress.attempts()
    assert len(found) == 400
    for worker in (1, 2):
        answers = [a["answer"] for a in found if a["question_id"] == f"w{worker}"]
        assert answers == list(range(200))  # all there, in each writer's order


def test_summary_per_module():
    progress.record("01-a", "q1", "x", False, 0, 1)
    progress.record("01-a", "q1", "y", True, 1, 1)
    progress.record("01-a", "q2", ["a"], False, 0.5, 2)
    progress.record("02-b", "q1", "z", True, 1, 1)
    table = quiz.progress_summary().set_index("module")
    assert table.loc["01-a"].to_dict() == {
        "answered": 2, "correct": 1, "attempts": 3, "score": 1.5, "points": 3.0}
    assert table.loc["02-b", "correct"] == 1


def test_summary_and_chart_when_nothing_answered():
    assert list(quiz.progress_summary().columns) == report.SUMMARY_COLUMNS
    assert len(quiz.progress_summary()) == 0
    assert quiz.show_progress().to_dict()["title"].endswith("no answers yet")


def test_show_returns_a_labelled_chart_of_answered_correct_attempts():
    progress.record("01-a", "q1", "x", False, 0, 1)
    progress.record("01-a", "q1", "y", True, 1, 1)
    spec = quiz.show_progress().to_dict()
    assert spec["facet"]["column"]["field"] == "measure"  # one titled panel per measure
    marks = [layer["mark"] for layer in spec["spec"]["layer"]]
    types = [m["type"] if isinstance(m, dict) else m for m in marks]
    assert types == ["bar", "text"]  # text labels: colour is not the only cue
    values = next(iter(spec["datasets"].values()))
    answered = sorted(v["label"] for v in values if v["module"] == "01-a")
    assert answered == ["answered: 1", "attempts: 2", "correct: 1"]
    # modules with a bank but no answers are listed with zeros
    assert {"answered: 0"} == {v["label"] for v in values
                               if v["module"] == "01-identity-shift" and v["measure"] == "answered"}


def test_reset_needs_confirmation_then_backs_up_and_clears(progress_file, monkeypatch):
    monkeypatch.delenv("COURSE_LEARNER")
    learner = progress.learner_id()
    progress.record("m", "q", "a", True, 1, 1)
    assert progress.reset() is None
    assert len(progress.attempts()) == 1
    backup = progress.reset(confirm=True)
    assert backup is not None and backup.exists()
    assert len(json.loads(backup.read_text())["attempts"]) == 1
    assert progress.attempts() == []
    assert progress.learner_id() == learner  # same shuffles after a reset


def test_history_counts_first_correct_best_score_and_reveal():
    store = progress.MemoryStore()
    assert history(store.attempts(), "m", "q") == {
        "attempts": 0, "first_correct": None, "best_score": 0.0, "last_answer": None,
        "revealed": False}
    store.record("m", "q", "a", False, 0, 1)
    store.record("m", "other", "z", True, 1, 1)
    store.record("m", "q", "b", False, 0.5, 1, revealed=True)
    store.record("m", "q", "c", True, 0, 1)
    assert history(store.attempts(), "m", "q") == {
        "attempts": 3, "first_correct": 3, "best_score": 0.5, "last_answer": "c",
        "revealed": True}


def test_the_page_reads_any_store_and_leaves_the_file_alone(progress_file):
    store = progress.MemoryStore()
    store.record("02-b", "q1", "z", True, 1, 1)
    assert report.summary(store).to_dict("records") == [{
        "module": "02-b", "answered": 1, "correct": 1, "attempts": 1, "score": 1.0,
        "points": 1.0}]
    assert quiz.show_progress(store).to_dict()["title"] == "Your quiz progress"
    assert not progress_file.exists()


def test_the_store_knows_nothing_of_quizzes_or_charts():
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(progress))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom)}
    assert not {m for m in imported if m.startswith(("course", "pandas", "altair"))}
