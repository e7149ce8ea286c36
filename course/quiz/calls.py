"""The ``quiz.ask(...)`` calls in a notebook, read with :mod:`ast`: the one parser that the
quiz lint, the coverage map and the time estimates share.

A call counts when it is ``quiz.ask(...)``, ``course.quiz.ask(...)`` or a bare ``ask(...)``
in a code cell (IPython ``%``/``!`` lines are skipped). Every string-literal question id is
kept even when the module is not a literal, so ``quiz.ask(MODULE, "a", "b")`` asks ``a`` and
``b``; what cannot be checked is said in :attr:`QuizCall.problem`.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_MAGIC = re.compile(r"^\s*[%!]")


@dataclass(frozen=True)
class QuizCall:
    """One quiz call: the cell it is in (numbered from 1 among all cells), the module
    (None unless a string literal), the literal question ids, and why the call cannot be
    fully checked ("" when it can)."""

    cell: int
    module: str | None
    ids: tuple[str, ...]
    problem: str = ""


def _is_quiz_ask(func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        return func.id == "ask"
    if not (isinstance(func, ast.Attribute) and func.attr == "ask"):
        return False
    owner = func.value
    return (isinstance(owner, ast.Name) and owner.id == "quiz") or (
        isinstance(owner, ast.Attribute) and owner.attr == "quiz")


def _literal(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _read(node: ast.Call, cell: int) -> QuizCall:
    if not node.args:
        return QuizCall(cell, None, (), "quiz.ask() names no module")
    module = _literal(node.args[0])
    ids = tuple(i for i in map(_literal, node.args[1:]) if i is not None)
    problems = []
    if module is None:
        problems.append("the module (first argument) is not a string literal, so its "
                        "question ids cannot be checked")
    if len(ids) < len(node.args) - 1:
        problems.append("a question id is not a string literal, so it cannot be checked")
    return QuizCall(cell, module, ids, "; ".join(problems))


def calls_in_source(source: str, cell: int = 1) -> list[QuizCall]:
    """Every quiz call in one cell's code, in source order."""
    code = "\n".join("" if _MAGIC.match(line) else line for line in source.splitlines())
    try:
        tree = ast.parse(code)
    except SyntaxError as exc:
        if "ask(" not in code:
            return []
        return [QuizCall(cell, None, (), f"the cell does not parse as Python (line "
                         f"{exc.lineno}: {exc.msg}), so its quiz calls cannot be read")]
    found = [node for node in ast.walk(tree)
             if isinstance(node, ast.Call) and _is_quiz_ask(node.func)]
    found.sort(key=lambda node: (node.lineno, node.col_offset))
    return [_read(node, cell) for node in found]


def calls_in_notebook(notebook: Path | dict[str, Any]) -> list[QuizCall]:
    """Every quiz call in a notebook's code cells (a path to an ``.ipynb``, or its JSON)."""
    nb = notebook if isinstance(notebook, dict) else json.loads(
        Path(notebook).read_text(encoding="utf-8"))
    found: list[QuizCall] = []
    for index, cell in enumerate(nb.get("cells", []), start=1):
        if cell.get("cell_type") == "code":
            source = cell.get("source", "")
            found += calls_in_source("".join(source) if isinstance(source, list) else source,
                                     index)
    return found


def ids_asked(notebook: Path | dict[str, Any]) -> set[str]:
    """Every question id a notebook asks."""
    return {qid for call in calls_in_notebook(notebook) for qid in call.ids}
