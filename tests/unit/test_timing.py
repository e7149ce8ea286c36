"""The time estimator weighs exercises by their points, and every place that states a time follows it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from course import timing


def _notebook(tmp_path: Path, cells: list[dict]) -> Path:
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    return path


def _code(grade_id: str, *, solution: bool = False, points: float = 0) -> dict:
    meta = {"grade_id": grade_id, "solution": solution, "grade": points > 0, "schema_version": 3}
    if points:
        meta["points"] = points
    return {"cell_type": "code", "metadata": {"nbgrader": meta}, "source": ["x = 1"], "outputs": []}


def _written(points: float) -> dict:
    meta = {"grade_id": "w-manual", "solution": True, "grade": True, "points": points, "schema_version": 3}
    return {"cell_type": "markdown", "metadata": {"nbgrader": meta}, "source": [""]}


@pytest.mark.parametrize("points, minutes", [(1, 4.25), (4, 11.0)])
def test_a_code_exercise_costs_more_the_more_points_it_carries(tmp_path, points, minutes):
    path = _notebook(tmp_path, [_code("e-answer", solution=True), _code("e-tests", points=points)])
    assert timing.estimate(path).exercises == pytest.approx(minutes)


def test_a_runbook_costs_more_than_a_one_sentence_answer(tmp_path):
    short = timing.estimate(_notebook(tmp_path, [_written(1)])).exercises
    long = timing.estimate(_notebook(tmp_path, [_written(4)])).exercises
    assert (short, long) == (pytest.approx(4.25), pytest.approx(11.0))


def test_the_labs_weigh_more_than_the_flat_rate_did():
    root = Path(__file__).resolve().parents[2]
    lab = root / "solutions" / "05-integration-lab" / "05-integration-lab.ipynb"
    flat = 5.0 * sum(bool(c.get("metadata", {}).get("nbgrader", {}).get("solution"))
                     for c in json.loads(lab.read_text())["cells"] if c["cell_type"] == "code")
    assert timing.estimate(lab).exercises > flat


@pytest.mark.parametrize("minutes, text", [(595, "In total about 9 hours 55 minutes"),
                                           (600, "In total about 10 hours"),
                                           (65, "In total about 1 hour 5 minutes")])
def test_the_course_total_is_said_in_hours_and_minutes(minutes, text):
    assert timing.total_text(minutes) == text
    assert timing.about_text(minutes) == text.removeprefix("In total ")  # INSTRUCTOR.md's form


@pytest.mark.parametrize("line, expected", [
    ("## Suggested timing (75 min; 90 in a room)", "## Suggested timing (80 min; 90 in a room)"),
    ("**Suggested timing.** 40 minutes self-paced; 20 in the",
     "**Suggested timing.** 80 minutes self-paced; 20 in the"),
    ("## Suggested timing (25 min alone; 25 in a room)", "## Suggested timing (80 min alone; 25 in a room)"),
])
def test_the_notes_self_paced_figure_is_the_one_rewritten(line, expected):
    assert timing.NOTED.sub(lambda m: f"{m.group(1)}80{m.group(3)}", line, count=1) == expected


def test_notes_without_a_timing_line_are_reported(tmp_path, monkeypatch):
    from course import modules

    (tmp_path / "instructor").mkdir()
    (tmp_path / "instructor" / "00-x.md").write_text("# notes\n\nNo times here.\n")
    (tmp_path / "instructor" / "01-y.md").write_text("## Suggested timing (30 min; 40 in a room)\n")

    class Module:
        def __init__(self, slug):
            self.slug = slug

    monkeypatch.setattr(modules, "load", lambda root: [Module("00-x"), Module("01-y")])
    assert timing.notes_without_timing(tmp_path) == [
        "instructor/00-x.md has no 'Suggested timing (N min …' line"]
