"""What a notebook file says about itself: exercise names, test cells, errors, charts.

Pure functions on notebook dicts (the .ipynb JSON), so the browser tests can judge a
notebook the browser ran and saved.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

Notebook = dict[str, Any]
ALLOWED_ENAMES = ("NotImplementedError",)
NAME_ERROR = re.compile(r"name '([^']+)' is not defined")
CHART_REPR = "JupyterChart"
# A cell whose last line displays a chart: ``charts.<name>(...)`` (not the theme or
# ``save_static``), an ``alt.`` expression or ``quiz.show_progress()``.
CHART_CALL = re.compile(r"^(charts\.(?!save_static|theme)\w+|alt\.\w+|quiz\.show_progress)\(")


def read(path: Path) -> Notebook:
    """A notebook file as a dict."""
    return json.loads(path.read_text(encoding="utf-8"))


def write(path: Path, sources: list[str]) -> Path:
    """Write a small notebook of code cells (Python 3 kernel) to ``path``."""
    cells = [{"cell_type": "code", "execution_count": None, "id": f"cell-{i}",
              "metadata": {}, "outputs": [], "source": source}
             for i, source in enumerate(sources)]
    notebook = {"cells": cells, "nbformat": 4, "nbformat_minor": 5, "metadata": {
        "kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)",
                       "language": "python"},
        "language_info": {"name": "python"}}}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    return path


def source(cell: dict[str, Any]) -> str:
    """A cell's source as one string."""
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else text


def nbgrader(cell: dict[str, Any]) -> dict[str, Any]:
    """A cell's nbgrader metadata ({} when it has none)."""
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def is_answer_cell(cell: dict[str, Any]) -> bool:
    """An nbgrader code cell the learner fills in."""
    return cell.get("cell_type") == "code" and bool(nbgrader(cell).get("solution"))


def is_test_cell(cell: dict[str, Any]) -> bool:
    """An nbgrader autograded test cell (it fails until the exercise is answered)."""
    meta = nbgrader(cell)
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) \
        and not meta.get("solution")


def defined_names(code: str) -> set[str]:
    """Names a piece of code defines at top level (assignments, defs, classes)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set(re.findall(r"^(\w+)\s*=", code, flags=re.M))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            targets = [node.target]
        for target in targets:
            names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
    return names


def exercise_names(solution: Notebook) -> set[str]:
    """Every name the solution's answer cells define (the exercise naming contract)."""
    names: set[str] = set()
    for cell in solution["cells"]:
        if is_answer_cell(cell):
            names |= defined_names(source(cell))
    return names


def errors(notebook: Notebook) -> list[tuple[int, str, str]]:
    """``(cell index, ename, evalue)`` for every error output."""
    found = []
    for index, cell in enumerate(notebook["cells"]):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                found.append((index, output.get("ename", ""), output.get("evalue", "")))
    return found


def is_expected_error(cell: dict[str, Any], ename: str, evalue: str,
                      unanswered: set[str]) -> bool:
    """An error an unanswered release notebook is meant to show: any error in a test
    cell, ``NotImplementedError``, or a ``NameError`` for a name in ``unanswered``."""
    if is_test_cell(cell) or ename in ALLOWED_ENAMES:
        return True
    missing = NAME_ERROR.search(evalue)
    return ename == "NameError" and missing is not None and missing.group(1) in unanswered


def unexpected_errors(notebook: Notebook, exercises: set[str]) -> list[str]:
    """Every error output that is not an unanswered exercise's, as ``cell N: E: msg``.

    Names follow the exercises downstream: a cell that fails with an expected error
    leaves the names it would have defined undefined too (``metrics = window_metrics(x)``
    after an unanswered ``window_metrics``), so a later ``NameError`` for them is expected.
    """
    unanswered = set(exercises)
    found = []
    for index, cell in enumerate(notebook["cells"]):
        for output in cell.get("outputs", []):
            if output.get("output_type") != "error":
                continue
            ename, evalue = output.get("ename", ""), output.get("evalue", "")
            if is_expected_error(cell, ename, evalue, unanswered):
                unanswered |= defined_names(source(cell))
            else:
                first = evalue.splitlines()[0][:200] if evalue else ""
                found.append(f"cell {index}: {ename}: {first}")
    return found


def chart_cells(notebook: Notebook) -> list[int]:
    """Indices of cells whose output is a live Altair chart (Altair's JupyterChart)."""
    found = []
    for index, cell in enumerate(notebook["cells"]):
        for output in cell.get("outputs", []):
            plain = output.get("data", {}).get("text/plain", "")
            plain = "".join(plain) if isinstance(plain, list) else plain
            if CHART_REPR in plain:
                found.append(index)
                break
    return found


def last_line(code: str) -> str:
    """The last non-blank, non-comment line of some code."""
    lines = [line for line in code.splitlines() if line.strip() and
             not line.lstrip().startswith("#")]
    return lines[-1].strip() if lines else ""


def expected_charts(notebook: Notebook) -> list[int]:
    """Cells that should show a chart: a JupyterChart output, or an error-free cell whose
    last line displays a chart (so a chart that silently fell back to an image counts)."""
    failed = {index for index, _, _ in errors(notebook)}
    by_source = [index for index, cell in enumerate(notebook["cells"])
                 if cell.get("cell_type") == "code" and index not in failed
                 and CHART_CALL.match(last_line(source(cell)))]
    return sorted(set(chart_cells(notebook)) | set(by_source))


def cells_calling(notebook: Notebook, pattern: str) -> list[int]:
    """Indices of code cells whose source matches the regular expression ``pattern``."""
    return [index for index, cell in enumerate(notebook["cells"])
            if cell.get("cell_type") == "code" and re.search(pattern, source(cell))]
