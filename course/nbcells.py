"""nbgrader's cell conventions, in one place: markers, cell kinds, kernelspec, notebooks.

The solution and hidden-test delimiters are nbgrader's own ``ClearSolutions`` and
``ClearHiddenTests`` traits (their defaults, or the values an ``nbgrader_config.py`` sets),
and a line is a marker when it *contains* the delimiter, exactly as nbgrader matches it, so a
line such as ``### BEGIN HIDDEN TESTS  (edge cases)`` opens a hidden block here too.
Cell kinds go through ``nbgrader.utils``. nbgrader is imported lazily (it is heavy).

This module sits at the top of the package, not in ``course.grading``, because release,
authoring tools, tests and scripts use it as much as grading does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import nbformat
    from traitlets import HasTraits

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
PLACEHOLDER = "# 🔒 hidden tests run here (not shown)"
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
MIN_SECRET = 6  # shorter hidden lines (``)``, ``pass``) are too common to count as secrets


@dataclass(frozen=True)
class Markers:
    """nbgrader's four delimiters (matched as substrings of a line)."""

    begin_solution: str
    end_solution: str
    begin_hidden: str
    end_hidden: str

    def all(self) -> tuple[str, str, str, str]:
        """Every delimiter, solution ones first."""
        return (self.begin_solution, self.end_solution, self.begin_hidden, self.end_hidden)


def markers(config: Any = None) -> Markers:
    """The delimiters nbgrader uses under ``config`` (a traitlets Config; None: defaults)."""
    if config is None:
        return _default_markers()
    from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions

    solutions, hidden = ClearSolutions(config=config), ClearHiddenTests(config=config)
    return Markers(solutions.begin_solution_delimeter, solutions.end_solution_delimeter,
                   hidden.begin_test_delimeter, hidden.end_test_delimeter)


@lru_cache(maxsize=1)
def _default_markers() -> Markers:
    from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions

    def default(cls: type[HasTraits], name: str) -> str:
        return str(cls.class_traits()[name].default_value)

    return Markers(default(ClearSolutions, "begin_solution_delimeter"),
                   default(ClearSolutions, "end_solution_delimeter"),
                   default(ClearHiddenTests, "begin_test_delimeter"),
                   default(ClearHiddenTests, "end_test_delimeter"))


def course_markers(root: Path) -> Markers:
    """The delimiters of the nbgrader course at ``root`` (its ``nbgrader_config.py``)."""
    config_file = root / "nbgrader_config.py"
    if not config_file.is_file():
        return markers()
    from traitlets.config.loader import PyFileConfigLoader

    return markers(PyFileConfigLoader(config_file.name, path=str(root)).load_config())


def _blocks(source: str, begin: str, end: str) -> Iterator[tuple[str, str]]:
    """Each line with its role: ``begin``, ``end``, ``inside`` or ``outside`` a block."""
    inside = False
    for line in source.splitlines():
        if begin in line:
            inside = True
            yield "begin", line
        elif end in line:
            inside = False
            yield "end", line
        else:
            yield ("inside" if inside else "outside"), line


def _secret_lines(source: str, begin: str, end: str, shortest: int) -> list[str]:
    return [text for role, line in _blocks(source, begin, end) if role == "inside"
            for text in [line.strip()] if len(text) >= shortest and not text.startswith("#")]


def hidden_lines(sources: Iterable[str], marks: Markers | None = None) -> list[str]:
    """Non-trivial lines (stripped) of every hidden-tests block: what feedback never shows."""
    m = marks or markers()
    return [line for source in sources
            for line in _secret_lines(str(source), m.begin_hidden, m.end_hidden, MIN_SECRET)]


def instructor_lines(source: str, marks: Markers | None = None, shortest: int = 12) -> list[str]:
    """Non-trivial lines of the solution and hidden-test blocks: what a release never shows."""
    m = marks or markers()
    return (_secret_lines(source, m.begin_solution, m.end_solution, shortest)
            + _secret_lines(source, m.begin_hidden, m.end_hidden, shortest))


def without_hidden(source: str, marks: Markers | None = None) -> str:
    """The test cell as released: each hidden-tests block, markers included, removed."""
    m = marks or markers()
    return "\n".join(line for role, line in _blocks(source, m.begin_hidden, m.end_hidden)
                     if role == "outside")


def strip_hidden(source: str, marks: Markers | None = None,
                 placeholder: str = PLACEHOLDER) -> str:
    """The test cell with each hidden-tests block replaced by an indented placeholder line."""
    m = marks or markers()
    out = []
    for role, line in _blocks(source, m.begin_hidden, m.end_hidden):
        if role == "begin":
            out.append(line[: len(line) - len(line.lstrip())] + placeholder)
        elif role == "outside":
            out.append(line)
    return "\n".join(out)


def stripped_line_numbers(source: str, marks: Markers | None = None) -> list[int]:
    """For each line of ``source`` (index 0: line 1), its line number in
    :func:`strip_hidden`'s output; a hidden block's lines all point at its placeholder."""
    m = marks or markers()
    numbers, shown = [], 0
    for role, _line in _blocks(source, m.begin_hidden, m.end_hidden):
        shown += role in ("begin", "outside")
        numbers.append(max(shown, 1))
    return numbers


def solution_text(source: str, marks: Markers | None = None) -> str:
    """An answer cell with its solution marker lines removed (the model answer, runnable)."""
    m = marks or markers()
    return "\n".join(line for role, line in _blocks(source, m.begin_solution, m.end_solution)
                     if role in ("inside", "outside"))


def released_answer(source: str, stub: str = "raise NotImplementedError()",
                    marks: Markers | None = None) -> str:
    """What nbgrader's ClearSolutions leaves of an answer cell: each solution block replaced
    by ``stub``, indented like its begin marker."""
    m = marks or markers()
    out = []
    for role, line in _blocks(source, m.begin_solution, m.end_solution):
        if role == "begin":
            indent = line[: len(line) - len(line.lstrip())]
            out += [indent + stub_line for stub_line in stub.split("\n")]
        elif role == "outside":
            out.append(line)
    return "\n".join(out)


def _node(cell: Any) -> nbformat.NotebookNode:
    import nbformat

    return cell if isinstance(cell, nbformat.NotebookNode) else nbformat.from_dict(cell)


def is_grade(cell: Any) -> bool:
    """nbgrader's grade cell (a test, or a manually graded answer)."""
    from nbgrader import utils

    return bool(utils.is_grade(_node(cell)))


def is_answer(cell: Any) -> bool:
    """nbgrader's solution cell (where the learner writes)."""
    from nbgrader import utils

    return bool(utils.is_solution(_node(cell)))


def is_test(cell: Any) -> bool:
    """An autograded test cell: a code cell that is graded and not an answer."""
    node = _node(cell)
    return node.cell_type == "code" and is_grade(node) and not is_answer(node)


def strip_ansi(text: str) -> str:
    """Text without terminal colour codes (tracebacks carry them)."""
    return ANSI.sub("", text)


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """A course notebook as nbformat v4 (sources joined); the error names the file."""
    import nbformat

    try:
        return nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
    except (OSError, ValueError) as error:  # UnicodeDecodeError, NotJSONError are ValueErrors
        raise ValueError(f"{path}: not a readable notebook ({error})") from error


def solution_notebooks(root: Path) -> list[Path]:
    """Every instructor source notebook, ``root/solutions/NN-slug/*.ipynb``, sorted."""
    return sorted((root / "solutions").glob("*/*.ipynb"))
