"""The one ``course`` command: every tool listed, one option style, errors on stderr.

(``tests/integration/test_modules.py`` runs ``course lint`` and ``course generate [--check]`` on a copy
of the repository; ``tests/integration/test_cli_grading.py`` covers the grading sub-commands.)
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from course.cli import build_parser, main
from tests.notebook_tools import ROOT

TOOLS = ("lab", "check", "release", "generate", "lint", "modules", "gallery", "autograde",
         "feedback", "export", "report", "room")


def test_help_lists_every_tool() -> None:
    done = subprocess.run([sys.executable, "-m", "course", "--help"], capture_output=True,
                          text=True, check=True)
    actions = [a for a in build_parser()._actions if a.dest == "command"]
    assert sorted(actions[0].choices) == sorted(TOOLS)
    for tool in TOOLS:
        assert re.search(rf"^    {tool}\s+\S", done.stdout, re.M), f"no help line for {tool}"


@pytest.mark.parametrize("command", ["autograde", "feedback"])
def test_assignments_positional_like_nbgrader_or_repeated(command: str) -> None:
    args = build_parser().parse_args([command, "01-identity-shift", "--assignment", "02-x",
                                      "--assignment", "03-y", "--student", "a", "b",
                                      "--student", "c"])
    assert args.assignments == ["01-identity-shift"]
    assert args.assignment == ["02-x", "03-y"]
    assert args.student == ["a", "b", "c"]


def test_positional_assignment_reaches_the_grader(tmp_path: Path, monkeypatch) -> None:
    from course.grading import autograde

    seen: dict[str, object] = {}

    def fake(course, assignments, students, **_options):  # noqa: ANN001, ANN202
        seen.update(assignments=assignments, students=students)
        return []

    monkeypatch.setattr(autograde, "autograde", fake)
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\n")
    assert main(["autograde", "01-identity-shift", "--assignment", "02-x",
                 "--course-dir", str(tmp_path), "--quiet"]) == 0
    assert seen == {"assignments": ["01-identity-shift", "02-x"], "students": None}


def test_outside_a_checkout_release_is_an_error_without_traceback(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "course", tmp_path / "site" / "course",
                    ignore=shutil.ignore_patterns("__pycache__", "_datasets"))
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site")}
    for command in (["release"], ["generate", "--check"], ["lint"]):
        done = subprocess.run([sys.executable, "-m", "course", *command], cwd=tmp_path, env=env,
                              capture_output=True, text=True)
        assert done.returncode == 2, done
        assert done.stdout == ""
        assert done.stderr.startswith(f"course {command[0]}: this command works in a checkout")
        assert "Traceback" not in done.stderr


def test_release_of_an_unknown_module_names_the_manifest(capsys: pytest.CaptureFixture) -> None:
    assert main(["release", "99-nothing"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("course release: no such module: 99-nothing")
    assert "course/modules.yaml" in err


def test_modules_lists_the_manifest_with_points(capsys: pytest.CaptureFixture) -> None:
    assert main(["modules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == [
        p.parent.name for p in sorted(ROOT.glob("solutions/*/*.ipynb"))]
    lab = next(line for line in lines if line.startswith("07-"))
    assert "auto +" in lab and "manual points" in lab


def test_old_entry_points_are_gone() -> None:
    for module in ("course.quiz", "course.agenda", "course.timing", "course.charts.gallery",
                   "course.lab"):
        done = subprocess.run([sys.executable, "-m", module, "--help"], capture_output=True,
                              text=True)
        assert done.returncode != 0 or done.stdout == "", module
