"""Fast unit tests of the grading layer: no kernels, no nbgrader runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from course.grading import autograde, sandbox
from course.grading.config import GradingError
from course.grading.feedback import HideHiddenTests
from course.grading.instrument import MARKER, instrument
from course.grading.reference import RefCell, RefNotebook
from course.grading.repair import SKIP, InvalidNotebook, read_notebook, repair
from course.grading.worker import find_notebooks
from course.nbcells import PLACEHOLDER, without_hidden

TEST_SOURCE = ("assert add(1, 2) == 3\n### BEGIN HIDDEN TESTS\nassert add(-5, 5) == 0\n"
               "### END HIDDEN TESTS")


def _ref() -> RefNotebook:
    def cell(gid: str, kind: str, source: str, **flags: object) -> RefCell:
        base = {"locked": False, "grade": False, "solution": False, "task": False,
                "points": None, "checksum": f"sum-{gid}"}
        base.update(flags)
        return RefCell(grade_id=gid, cell_type=kind, source=source, **base)  # type: ignore[arg-type]

    return RefNotebook("nb", [
        cell("add-answer", "code", "def add(a, b):\n    raise NotImplementedError()",
             solution=True),
        cell("add-tests", "code", TEST_SOURCE, grade=True, locked=True, points=2.0),
        cell("essay", "markdown", "YOUR ANSWER HERE", grade=True, solution=True, points=1.0),
    ])


def _submitted(*cells: nbformat.NotebookNode) -> nbformat.NotebookNode:
    nb = new_notebook(cells=list(cells))
    nb.metadata["kernelspec"] = {"name": "python3"}
    return nb


def _meta(cell: nbformat.NotebookNode, gid: str, **flags: object) -> nbformat.NotebookNode:
    cell.metadata["nbgrader"] = {"grade_id": gid, "schema_version": 3, **flags}
    return cell


def _answer() -> nbformat.NotebookNode:
    return _meta(new_code_cell("def add(a, b):\n    return a + b"), "add-answer", solution=True)


def _tests(source: str = "assert add(1, 2) == 3") -> nbformat.NotebookNode:
    return _meta(new_code_cell(source), "add-tests", grade=True, locked=True, points=2)


def _essay(text: str = "My essay.") -> nbformat.NotebookNode:
    return _meta(new_markdown_cell(text), "essay", grade=True, solution=True, points=1)


def test_instrument_rejects_always_equal_but_keeps_honest_results() -> None:
    code, token = instrument("assert add(1, 2) == 3\nadd(2, 2)")
    assert token and token in code

    class Always:
        def __eq__(self, other: object) -> bool:
            return True

    cheat = {"add": lambda a, b: Always()}
    with pytest.raises(AssertionError, match=MARKER):
        exec(code, cheat)  # noqa: S102 - the instrumented test on purpose
    honest: dict = {"add": lambda a, b: a + b}
    exec(code, honest)  # noqa: S102
    assert honest["__course_last__"] == 4  # the last expression is still the cell's value


def test_instrument_leaves_magics_alone() -> None:
    assert instrument("%time x = 1") == ("%time x = 1", None)


def test_repair_restores_tests_and_drops_duplicates() -> None:
    nb = _submitted(_answer(), _tests("pass  # edited"), _essay(), _tests())
    out = repair(nb, _ref())
    tests = [c for c in out.nb.cells
             if c.metadata.get("nbgrader", {}).get("grade_id") == "add-tests"]
    assert len(tests) == 1 and tests[0].source == TEST_SOURCE
    assert tests[0].metadata.nbgrader["points"] == 2.0
    assert any("edited locked cell restored" in n for n in out.notes)
    assert any("duplicate of locked cell 'add-tests' removed" in n for n in out.notes)


def test_repair_merges_split_markdown_answer() -> None:
    nb = _submitted(_answer(), _tests(), _essay("Part one."), _essay("Part two."))
    out = repair(nb, _ref())
    essays = [c for c in out.nb.cells if c.cell_type == "markdown"]
    assert len(essays) == 1 and essays[0].source == "Part one.\n\nPart two."


def test_repair_restores_deleted_grade_cell_as_not_run() -> None:
    out = repair(_submitted(_answer(), _essay()), _ref())
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in out.nb.cells]
    assert ids == ["add-answer", "add-tests", "essay"]
    assert "deleted" in out.nb.cells[1].metadata[SKIP]


def test_repair_fixes_kernelspec_and_unknown_ids() -> None:
    stray = _meta(new_code_cell("x = 1"), "not-in-source", grade=True, points=99)
    nb = _submitted(_answer(), _tests(), stray, _essay())
    nb.metadata["kernelspec"] = {"name": "julia-1.10"}
    out = repair(nb, _ref())
    assert out.nb.metadata.kernelspec["name"] == "python3"
    assert "nbgrader" not in out.nb.cells[2].metadata
    assert any("julia" in n for n in out.notes) and any("not-in-source" in n for n in out.notes)


def test_without_hidden_is_the_released_test() -> None:
    assert without_hidden(TEST_SOURCE) == "assert add(1, 2) == 3"


def test_invalid_json_names_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.ipynb"
    path.write_text('{"cells": [', encoding="utf-8")
    with pytest.raises(InvalidNotebook, match=r"broken.ipynb: invalid JSON at line 1, column"):
        read_notebook(path)
    path.write_text(json.dumps({"nbformat": 4, "cells": [{"source": "x"}]}), encoding="utf-8")
    with pytest.raises(InvalidNotebook, match="cell 0 has no valid 'cell_type'"):
        read_notebook(path)


def test_find_notebooks_handles_renamed_and_extra(tmp_path: Path) -> None:
    for name in ("hw-Copy1.ipynb", "scratch.ipynb"):
        (tmp_path / name).write_text("{}", encoding="utf-8")
    found, notes = find_notebooks(tmp_path, ["hw"])
    assert found["hw"].name == "hw-Copy1.ipynb"
    assert any("extra notebook scratch.ipynb" in n for n in notes)


def test_feedback_preprocessor_hides_hidden_tests_but_shows_verdict() -> None:
    cell = _tests(TEST_SOURCE)
    cell.outputs = [nbformat.v4.new_output(
        "error", ename="AssertionError", evalue="",
        traceback=["\x1b[31m----> 3\x1b[39m assert add(-5, 5) == 0"])]
    nb = new_notebook(cells=[cell])
    HideHiddenTests().preprocess(nb, {})
    text = json.dumps(nb)
    assert "add(-5, 5)" not in text and PLACEHOLDER in nb.cells[0].source
    assert "test failed: 0 / 2 points" in text


def test_no_sandbox_is_refused_unless_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox, "probe", lambda: (False, "bwrap is not installed"))
    with pytest.raises(GradingError, match="--no-sandbox-ok"):
        autograde.check_sandbox(False)
    assert autograde.check_sandbox(True) is False


def test_sandbox_command_hides_the_course(tmp_path: Path) -> None:
    command = sandbox.wrap(["python", "-m", "ipykernel_launcher"], tmp_path / "w",
                           tmp_path / "r", sandbox.Limits(), sandboxed=True)
    text = " ".join(command)
    assert "--unshare-all" in text and "--data=" in text and sandbox.WORK in text
    assert "solutions" not in text and "gradebook" not in text


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in cmdline:
            found.append(int(proc.name))
    return found


def test_a_graded_notebook_leaves_no_kernel_running(tmp_path: Path) -> None:
    """Each submission's kernel (and its sandbox) is stopped once the notebook is graded."""
    from course.grading.execute import RunLimits, run_notebook

    sandboxed, _why = sandbox.probe()
    workdir, rundir = tmp_path / "work", tmp_path / "run"
    workdir.mkdir()
    rundir.mkdir()
    result = run_notebook(_submitted(new_code_cell("x = 6 * 7\nprint(x)")), workdir, rundir,
                          RunLimits(cell_timeout=60), sandboxed)
    assert result.nb.cells[-1].outputs[0]["text"] == "42\n"
    assert _processes_mentioning(str(rundir)) == []


def _stream_message(text: str, name: str = "stdout") -> dict:
    return {"msg_type": "stream", "header": {"msg_type": "stream"},
            "parent_header": {"msg_id": "run"},
            "content": {"name": name, "text": text}}


def _client(cell: nbformat.NotebookNode) -> Any:
    """The grader's notebook client, in the state nbclient sets before it runs ``cell``."""
    from course.grading.execute import _Client

    client = _Client(new_notebook(cells=[cell]), cap=10_000)
    client.reset_execution_trackers()
    client.clear_before_next_output = False
    return client


def _judged_test_cell(chunks: list[str]) -> nbformat.NotebookNode:
    """A passing test cell whose printed text reached the grader in ``chunks`` messages."""
    from course.grading.execute import RunResult, _judge_test

    code, token = instrument("print('checked')\nassert 1 + 1 == 2")
    assert token is not None
    cell = _tests(code)
    client = _client(cell)
    client.token = token
    for chunk in chunks:
        client.output(cell.outputs, _stream_message(chunk.replace("TOKEN", token)), None, 0)
    client.replies[0] = {"content": {"status": "ok"}}
    result = RunResult(client.nb)
    _judge_test(client, 0, cell, token, result)
    assert result.statuses == [], result.notes  # judged as passed
    return cell


def test_printed_text_is_judged_the_same_however_the_kernel_cut_it() -> None:
    # print() writes its text and the newline separately: a flush between them splits them.
    whole = _judged_test_cell(["checked\nTOKEN\n"])
    for cut in (["checked\n", "TOKEN\n"], ["checked", "\n", "TOKEN", "\n"],
                ["check", "ed\nTOKEN", "\n"]):
        assert _judged_test_cell(cut).outputs == whole.outputs, cut
    assert [(o.name, o.text) for o in whole.outputs] == [("stdout", "checked\n")]


def test_a_token_alone_on_its_message_leaves_no_blank_output() -> None:
    assert _judged_test_cell(["TOKEN", "\n"]).outputs == []


def test_text_printed_without_a_newline_before_the_token_stays() -> None:
    # e.g. the learner's function called by the test does print("done", end="")
    for chunks in (["done", "TOKEN\n"], ["done", "TOKEN", "\n"], ["doneTOKEN\n"]):
        assert [(o.name, o.text) for o in _judged_test_cell(chunks).outputs] == [
            ("stdout", "done")], chunks


def test_streams_join_only_with_the_same_stream_just_before() -> None:
    cell = new_code_cell("x")
    client = _client(cell)
    for text, name in (("a", "stdout"), ("b\n", "stdout"), ("oops\n", "stderr"),
                       ("c\n", "stdout")):
        client.output(cell.outputs, _stream_message(text, name), None, 0)
    assert [(o.name, o.text) for o in cell.outputs] == [
        ("stdout", "ab\n"), ("stderr", "oops\n"), ("stdout", "c\n")]
