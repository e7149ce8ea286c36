"""A long TMPDIR still grades: the kernel's ZMQ ipc sockets live in the job's runtime folder,
and a Unix socket path holds at most 107 bytes. The worker then puts its scratch folder under
/tmp; a runtime folder that is still too long fails at once, naming the path and the limit."""

from __future__ import annotations

import tempfile
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from course.grading import execute
from course.grading.records import Job, RunLimits, Status
from course.grading.reference import RefCell, RefNotebook
from course.grading.worker import grade_submission
from course.nbcells import KERNELSPEC

pytestmark = pytest.mark.slow

TEST = "assert add(1, 2) == 3\n### BEGIN HIDDEN TESTS\nassert add(-5, 5) == 0\n### END HIDDEN TESTS"


def _cell(gid: str, source: str, **flags: object) -> RefCell:
    base = {"locked": False, "grade": False, "solution": False, "task": False, "points": None,
            "checksum": None}
    return RefCell(grade_id=gid, cell_type="code", source=source, **{**base, **flags})  # type: ignore[arg-type]


def _long_folder(tmp_path: Path) -> Path:
    folder = tmp_path / ("a-long-temporary-folder-" * 4)
    folder.mkdir()
    return folder


def test_a_submission_grades_under_a_long_tmpdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(tempfile, "tempdir", str(_long_folder(tmp_path)))
    ref = RefNotebook("ps1", [
        _cell("add", "def add(a, b):\n    raise NotImplementedError()", solution=True),
        _cell("add-tests", TEST, grade=True, locked=True, points=2.0)])
    submitted, source = tmp_path / "submitted", tmp_path / "source"
    submitted.mkdir()
    source.mkdir()
    answer = new_code_cell("def add(a, b):\n    return a + b")
    answer.metadata["nbgrader"] = {"grade_id": "add", "solution": True, "grade": False,
                                   "locked": False, "schema_version": 3}
    tests = new_code_cell("assert add(1, 2) == 3")  # as released: no hidden tests
    tests.metadata["nbgrader"] = {"grade_id": "add-tests", "solution": False, "grade": True,
                                  "locked": True, "points": 2, "schema_version": 3}
    nb = new_notebook(cells=[answer, tests], metadata={"kernelspec": KERNELSPEC})
    nbformat.write(nb, submitted / "ps1.ipynb")
    job = Job("ada", "ps1", submitted=str(submitted), autograded=str(tmp_path / "out" / "ada" / "ps1"),
              source=str(source), refs=[ref.to_dict()], limits=RunLimits(cell_timeout=60))
    (entry,) = grade_submission(job)["notebooks"]
    assert entry["status"] is Status.OK, entry["reasons"]
    graded = nbformat.read(tmp_path / "out" / "ada" / "ps1" / "ps1.ipynb", as_version=4)
    assert [o.output_type for o in graded.cells[1].outputs] == []


def test_a_runtime_folder_too_long_for_a_socket_fails_naming_it(tmp_path: Path):
    work, run = tmp_path / "work", _long_folder(tmp_path)
    work.mkdir()
    nb = new_notebook(cells=[new_code_cell("x = 1")], metadata={"kernelspec": KERNELSPEC})
    with pytest.raises(ValueError, match=r"socket path .*a-long-temporary-folder.*kernel-65535 is "
                                         r"longer than the 107 bytes a Unix socket allows"):
        execute.run_notebook(nb, work, run, RunLimits(cell_timeout=60), sandboxed=True)
