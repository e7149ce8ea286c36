"""Each shared test helper (``tests/*.py``) is imported under one name: ``tests.<helper>``.

Importing ``tests/pgserver.py`` both as ``pgserver`` (pytest puts ``tests/`` on ``sys.path``)
and as ``tests.pgserver`` makes Python load the file twice: two copies of its module state,
and ``isinstance`` checks that fail across them. The scan reads every Python file under
``tests/``, ``bench/`` and ``scripts/`` with :mod:`ast`, so imports inside functions count.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HELPERS = {path.stem for path in (REPO / "tests").glob("*.py") if path.stem != "conftest"}


def bare_helper_imports(path: Path) -> list[str]:
    """``file:line name`` for each import of a ``tests/`` helper by its bare module name."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            if name.split(".")[0] in HELPERS:
                found.append(f"{path.relative_to(REPO)}:{node.lineno} {name}")
    return found


def test_helpers_are_known():
    assert {"pgserver", "roomserver", "processes", "grading_tools"} <= HELPERS


def test_helpers_are_imported_as_tests_dot_name():
    files = [path for folder in ("tests", "bench", "scripts")
             for path in sorted((REPO / folder).rglob("*.py"))]
    offenders = [hit for path in files for hit in bare_helper_imports(path)]
    assert offenders == [], "import these as tests.<helper>: " + ", ".join(offenders)
