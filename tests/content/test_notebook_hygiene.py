"""Committed notebooks: no outputs, a Python 3 kernelspec, the one-line setup cell."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.notebook_tools import read, release_notebooks, solution_notebooks

ALL = solution_notebooks() + release_notebooks()
SETUP_LINE = "from course import setup; setup()"


def _id(path: Path) -> str:
    return f"{path.parent.parent.name}/{path.name}"


def test_there_are_notebooks_in_both_trees():
    assert solution_notebooks(), "solutions/ holds no notebook"
    assert len(release_notebooks()) == len(solution_notebooks())


@pytest.mark.parametrize("path", ALL, ids=_id)
def test_no_outputs_committed(path: Path):
    dirty = [i for i, c in enumerate(read(path)["cells"])
             if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count"))]
    assert not dirty, f"{path}: cells {dirty} have committed outputs; clear them"


@pytest.mark.parametrize("path", ALL, ids=_id)
def test_python3_kernelspec(path: Path):
    spec = read(path)["metadata"].get("kernelspec", {})
    assert spec.get("name") == "python3" and spec.get("language") == "python", path


@pytest.mark.parametrize("path", solution_notebooks(), ids=_id)
def test_first_code_cell_is_the_setup_line(path: Path):
    first = next(c for c in read(path)["cells"] if c["cell_type"] == "code")
    assert "".join(first["source"]).strip() == SETUP_LINE, f"{path}: first code cell"


SHAPE = ("By the end of this notebook you will be able to", "In this notebook we:",
         "## Do this next", "## Further reading", "📝")


@pytest.mark.parametrize("path", solution_notebooks(), ids=_id)
def test_notebook_has_the_course_shape(path: Path):
    cells = read(path)["cells"]
    markdown = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    missing = [part for part in SHAPE if part not in markdown]
    assert missing == [], f"{path.name} lacks {missing}"
    draws = any("charts." in "".join(c["source"]) for c in cells if c["cell_type"] == "code")
    assert not draws or "*Figure" in markdown, f"{path.name} draws charts without a caption"
