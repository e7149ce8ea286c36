"""No module of the ``course`` package imports another that imports it back.

The scan reads every ``course/**/*.py`` with :mod:`ast`, so imports inside functions and
under ``if TYPE_CHECKING`` count too: Python never fails on those, but the modules still
depend on each other. Importing ``course.a.b`` from outside ``course.a`` also runs
``course/a/__init__.py``, so such an import counts as an edge to ``course.a`` as well
(that is how ``course.progress`` and ``course.quiz`` used to import each other). The root
``course/__init__.py`` is left out of those implied edges: every module runs it first.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "course"

# Cycles that exist on main and belong to another piece of work; each entry must still be
# a cycle (the last test fails once it is fixed, so the entry gets deleted).
KNOWN: list[set[str]] = []


def module_files(package: Path = PACKAGE) -> dict[str, Path]:
    """Dotted module name → file, for every module of the package."""
    found = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _imported(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The package modules ``name`` (at ``path``) imports, anywhere in the file."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]

    def known(dotted: str) -> str | None:
        while dotted and dotted not in modules:
            dotted = dotted.rpartition(".")[0]
        return dotted or None

    targets: set[str | None] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets |= {known(alias.name) for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[:len(package) - node.level + 1] + ([base] if base else []))
            for alias in node.names:
                full = f"{base}.{alias.name}"
                targets.add(full if full in modules else known(base))
    return {t for t in targets if t is not None and t != name}


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    """Module → the package modules it imports (plus the packages those imports run)."""
    modules = module_files(package)
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        edges = _imported(name, path, modules)
        for target in list(edges):
            parts = target.split(".")
            for i in range(2, len(parts)):
                parent = ".".join(parts[:i])
                if name != parent and not name.startswith(parent + "."):
                    edges.add(parent)
        graph[name] = edges
    return graph


def cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """Groups of two or more modules that import each other (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def write_package(root: Path, files: dict[str, str]) -> Path:
    """A throw-away package ``course`` under ``root`` with the given module sources."""
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    return root / "course"


def test_the_course_package_has_no_import_cycle():
    found = [sorted(group) for group in cycles(import_graph()) if group not in KNOWN]
    assert found == [], f"modules that import each other: {found}"


def test_a_function_level_import_back_is_a_cycle(tmp_path):
    package = write_package(tmp_path, {
        "course/__init__.py": "",
        "course/store.py": "def show():\n    from course.quiz import report\n",
        "course/quiz/__init__.py": "",
        "course/quiz/report.py": "from course import store\n",
    })
    assert cycles(import_graph(package)) == [{"course.store", "course.quiz.report"}]


def test_importing_a_submodule_runs_its_package(tmp_path):
    """The old progress/quiz shape: progress → quiz.bank, quiz/__init__ → progress."""
    package = write_package(tmp_path, {
        "course/__init__.py": "",
        "course/progress.py": "def f():\n    from course.quiz.bank import BANKS_DIR\n",
        "course/quiz/__init__.py": "def g():\n    from course import progress\n",
        "course/quiz/bank.py": "from . import grading\n",
        "course/quiz/grading.py": "",
    })
    assert cycles(import_graph(package)) == [{"course.progress", "course.quiz"}]
    assert "course.quiz.grading" in import_graph(package)["course.quiz.bank"]  # relative


def test_one_way_imports_are_not_cycles(tmp_path):
    package = write_package(tmp_path, {
        "course/__init__.py": "def setup():\n    from course import quiz\n",
        "course/progress.py": "import json\n",
        "course/quiz/__init__.py": "from course import progress\nfrom course.quiz import bank\n",
        "course/quiz/bank.py": "from course.quiz import grading\n",
        "course/quiz/grading.py": "",
    })
    assert cycles(import_graph(package)) == []


def test_known_cycles_still_exist():
    """A known cycle that has been fixed must leave the KNOWN list."""
    found = cycles(import_graph())
    assert all(group in found for group in KNOWN), f"fixed, delete from KNOWN: {KNOWN}"
