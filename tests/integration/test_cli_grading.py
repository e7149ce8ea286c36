"""The ``course`` command: fast start, every sub-command, clear errors, ``course check``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from course.cli import build_parser, main

HEAVY = ("nbgrader", "pandas", "altair", "nbclient", "sqlalchemy", "jupyter_client")


def test_help_imports_nothing_heavy() -> None:
    code = ("import sys, course.cli\ncourse.cli.build_parser().format_help()\n"
            f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"


def test_every_subcommand_is_there() -> None:
    help_text = build_parser().format_help()
    for command in ("release", "autograde", "feedback", "export", "report", "check"):
        assert command in help_text
    args = build_parser().parse_args(["autograde", "--assignment", "a", "--student", "x", "y",
                                      "--jobs", "3", "--no-sandbox-ok"])
    assert (args.assignment, args.student, args.jobs, args.no_sandbox_ok) == (
        ["a"], ["x", "y"], 3, True)


def test_grading_outside_a_course_is_a_clear_error(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture) -> None:
    assert main(["export", "--course-dir", str(tmp_path)]) == 2
    assert "no nbgrader_config.py" in capsys.readouterr().err


def test_check_rejects_a_broken_file(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    broken = tmp_path / "hw.ipynb"
    broken.write_text("{not json", encoding="utf-8")
    assert main(["check", str(broken)]) == 2
    assert "hw.ipynb: invalid JSON at line 1" in capsys.readouterr().err


@pytest.mark.slow
def test_check_reports_what_to_fix(tmp_path: Path, capfd: pytest.CaptureFixture) -> None:
    def graded(source: str, gid: str, **flags: object) -> nbformat.NotebookNode:
        cell = new_code_cell(source)
        cell.metadata["nbgrader"] = {"grade_id": gid, "schema_version": 3, **flags}
        return cell

    nb = new_notebook(cells=[
        graded("def add(a, b):\n    raise NotImplementedError()", "add-answer",
               solution=True, grade=False, locked=False),
        graded("assert add(1, 2) == 3", "add-tests", grade=True, solution=False, locked=True,
               points=1),
        new_code_cell("print('❌ mean: expected a float')"),
        new_code_cell("1 / 0"),
    ])
    path = tmp_path / "hw.ipynb"
    nbformat.write(nb, path)
    assert main(["check", str(path), "--timeout", "60"]) == 1
    out, err = capfd.readouterr()  # the kernel writes to the terminal's file descriptors
    assert "WARNING" not in err  # no kernel log noise ("running over TCP without encryption")
    assert "Exercises not answered yet" in out and "[add-answer]" in out
    assert "[add-tests]" in out and "NotImplementedError" in out
    assert "❌ mean: expected a float" in out
    assert "ZeroDivisionError" in out
    assert nbformat.read(path, 4).cells[1].get("outputs") == []  # the file is untouched
