"""Plain nbgrader on a temp copy: the solution scores full marks, the untouched release 0."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.notebook_tools import ROOT

pytestmark = pytest.mark.slow

MODULE = "01-identity-shift"
AUTOGRADED_POINTS = 6.0  # identity structure 1 + role audit 2 + orchestration_share 3
MANUAL_POINTS = 2.0


def _nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]))
    return subprocess.run([sys.executable, "-m", "nbgrader", *args,
                           f"--CourseDirectory.root={course}",
                           f"--CourseDirectory.db_url=sqlite:///{course / 'gradebook.db'}"],
                          cwd=course, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    course = tmp_path_factory.mktemp("course")
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "solutions" / MODULE, course / "solutions" / MODULE)
    done = _nbgrader(course, "generate_assignment", MODULE, "--force")
    assert done.returncode == 0, done.stderr
    name = f"{MODULE}.ipynb"
    for student, source in [("perfect", course / "solutions" / MODULE / name),
                            ("untouched", course / "notebooks" / MODULE / name)]:
        target = course / "submitted" / student / MODULE
        target.mkdir(parents=True)
        shutil.copy(source, target / name)
    done = _nbgrader(course, "autograde", MODULE, "--force")
    assert done.returncode == 0, done.stderr
    return course


def _scores(course: Path) -> dict[str, tuple[float, float, float]]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return {s.student_id: (s.code_score, s.written_score, s.max_code_score)
                for s in gradebook.assignment_submissions(MODULE)}


def test_solution_scores_every_autograded_point(graded: Path):
    code, _written, max_code = _scores(graded)["perfect"]
    assert max_code == AUTOGRADED_POINTS
    assert code == AUTOGRADED_POINTS


def test_untouched_release_scores_zero(graded: Path):
    code, written, _ = _scores(graded)["untouched"]
    assert code == 0.0
    assert written == 0.0


def test_reflection_is_left_for_manual_grading(graded: Path):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{graded / 'gradebook.db'}") as gradebook:
        grade = gradebook.find_grade("identity-statement-reflection", MODULE, MODULE, "perfect")
        assert grade.max_score == MANUAL_POINTS
        assert grade.needs_manual_grade
