"""The grading policy, kept by tests (see CONTRIBUTING.md, "The grading policy").

1. Hidden tests are self-contained: the hidden part of a test cell imports nothing from
   ``course``, uses no name the notebook imported from ``course``, and opens or reads no file
   (datasets, the release, anything).
2. Nothing a learner loads holds a graded answer: no pair of columns of a dataset listed in
   ``datasets/datapackage.json``, no dict written in ``course/`` and no dict in a cell the
   learner sees reproduces a reference mapping (``{"key": "label", ...}``) found in a hidden
   test.

Each checker is first shown to catch a planted violation.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_notebook

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = sorted((ROOT / "solutions").glob("*/*.ipynb"))
POLICED = SOLUTIONS  # every module (05-07 joined once their hidden tests stood alone)
READERS = {"open", "read_text", "read_bytes", "read_csv", "read_json", "read_excel",
           "read_parquet", "read_table", "read_pickle", "loadtxt", "genfromtxt", "load",
           "listdir", "scandir", "iterdir", "glob", "rglob", "walk", "urlopen"}
FILE_HINTS = (".csv", ".json", ".ipynb", ".yaml", ".txt", "datasets", "notebooks/",
              "solutions/")
MATCH_SHARE = 0.8  # a column pair that agrees on this share of a reference mapping leaks it
MIN_ITEMS = 3      # mappings smaller than this are not answers worth hiding


# ------------------------------------------------------------------ hidden tests stand alone
def hidden_part(source: str) -> str:
    """The lines between ``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS``."""
    inside, lines = False, []
    for line in source.splitlines():
        if line.strip() == "### BEGIN HIDDEN TESTS":
            inside = True
        elif line.strip() == "### END HIDDEN TESTS":
            inside = False
        elif inside:
            lines.append(line)
    return "\n".join(lines)


def course_names(nb) -> set[str]:
    """Names any cell of the notebook binds by importing from ``course``."""
    names: set[str] = set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "course":
                names |= {a.asname or a.name for a in node.names}
            elif isinstance(node, ast.Import):
                names |= {(a.asname or a.name).split(".")[0] for a in node.names
                          if a.name.split(".")[0] == "course"}
    return names


def _called_name(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(
        func, ast.Attribute) else ""


def hidden_violations(nb, where: str) -> list[str]:
    """Every way a hidden test of ``nb`` reaches the course package or a file."""
    found: list[str] = []
    borrowed = course_names(nb)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or not meta.get("grade") or meta.get("solution"):
            continue
        label = f"{where} {meta.get('grade_id')}"
        tree = ast.parse(hidden_part(cell.source))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "course":
                found.append(f"{label}: imports from {node.module}")
            elif isinstance(node, ast.Import) and any(
                    a.name.split(".")[0] == "course" for a in node.names):
                found.append(f"{label}: imports course")
            elif isinstance(node, ast.Name) and node.id in borrowed | {"course"}:
                found.append(f"{label}: uses {node.id!r}, imported from course")
            elif isinstance(node, ast.Call):
                name = _called_name(node)
                texts = [a.value for a in node.args if isinstance(a, ast.Constant)
                         and isinstance(a.value, str)]
                if name in ("__import__", "import_module") and any(
                        t.split(".")[0] == "course" for t in texts):
                    found.append(f"{label}: imports course through {name}")
                elif name in READERS:
                    found.append(f"{label}: reads outside the cell through {name}()")
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and any(
                    h in node.value for h in FILE_HINTS):
                found.append(f"{label}: names a file ({node.value!r})")
    return found


def bad_notebook(hidden: str, header: str = "") -> nbformat.NotebookNode:
    """A one-test notebook whose hidden part is ``hidden`` (for planting violations)."""
    test = new_code_cell("assert True\n### BEGIN HIDDEN TESTS\n" + hidden
                         + "\n### END HIDDEN TESTS")
    test.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True,
                                 "grade_id": "planted-tests", "points": 1,
                                 "schema_version": 3}
    return new_notebook(cells=[new_code_cell(header or "x = 1"), test])


@pytest.mark.parametrize("hidden, header", [
    ("from course.checks import m01 as _m\n_m.check_role_audit(x)", ""),
    ("import course.data\nassert course.data.load('tools') is not None", ""),
    ("checks.m01.check_role_audit(x)", "from course import checks"),
    ("_m = __import__('course.checks.m02')", ""),
    ("import pandas as _pd\n_ref = _pd.read_csv('../../datasets/tools.csv')", ""),
    ("with open('answers.txt') as _f:\n    _ref = _f.read()", ""),
    ("from pathlib import Path as _P\n_ref = _P('x').read_text()", ""),
])
def test_the_checker_catches_a_hidden_test_that_leans_on_something(hidden: str,
                                                                    header: str) -> None:
    assert hidden_violations(bad_notebook(hidden, header), "planted")


def test_the_checker_passes_a_self_contained_hidden_test() -> None:
    hidden = ("_expected = {'a': 1, 'b': 2}\nimport math as _math\n"
              "assert _math.isclose(1.0, float(x))")
    assert hidden_violations(bad_notebook(hidden, "from course import checks"), "ok") == []


@pytest.mark.parametrize("path", POLICED, ids=lambda p: p.parent.name)
def test_hidden_tests_are_self_contained(path: Path) -> None:
    assert hidden_violations(nbformat.read(path, 4), path.parent.name) == []


# ------------------------------------------------------------------ no answer in the data
def reference_mappings(nb) -> list[dict[str, str]]:
    """Dicts of str constants (key -> label) written in the hidden tests: graded answers."""
    found = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or not meta.get("grade") or meta.get("solution"):
            continue
        for node in ast.walk(ast.parse(hidden_part(cell.source))):
            mapping = _constant_dict(node)
            if mapping and len(mapping) >= MIN_ITEMS:
                found.append(mapping)
    return found


def _constant_dict(node: ast.AST) -> dict[str, str] | None:
    if not isinstance(node, ast.Dict) or not node.keys:
        return None
    pairs = {}
    for key, value in zip(node.keys, node.values, strict=True):
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
            return None
        if isinstance(value, ast.Tuple) and value.elts:  # e.g. {"tool": ("bench", ...)}
            value = value.elts[0]
        if not (isinstance(value, ast.Constant) and isinstance(value.value, str)):
            return None  # numbers in a dict are usually a test's inputs, not a label to hide
        pairs[key.value] = value.value
    return pairs


def _agrees(reference: dict[str, str], lookup: dict[str, str]) -> bool:
    same = sum(lookup.get(k) == v for k, v in reference.items())
    return same >= MIN_ITEMS and same >= MATCH_SHARE * len(reference)


def dataset_leaks(datasets: Path, references: list[dict[str, str]]) -> list[str]:
    """``file: column -> column reproduces a graded answer`` for every leaking column pair."""
    package = json.loads((datasets / "datapackage.json").read_text(encoding="utf-8"))
    found = []
    for resource in package["resources"]:
        frame = pd.read_csv(datasets / resource["path"], dtype=str, keep_default_na=False)
        for key in frame.columns:
            if not frame[key].is_unique:
                continue
            for value in frame.columns:
                if value == key:
                    continue
                lookup = dict(zip(frame[key], frame[value], strict=True))
                if any(_agrees(r, lookup) for r in references):
                    found.append(f"{resource['path']}: {key} -> {value} reproduces a graded "
                                 "answer")
    return found


def code_leaks(folder: Path, references: list[dict[str, str]]) -> list[str]:
    """``file:line`` of every dict in the package's code that reproduces a graded answer."""
    found = []
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Dict):
                continue
            lookup = {}
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and isinstance(value, ast.Constant):
                    lookup[str(key.value)] = str(value.value)
            if lookup and any(_agrees(r, lookup) for r in references):
                found.append(f"{path.relative_to(folder.parent)}:{node.lineno}")
    return found


def notebook_leaks(nb, references: list[dict[str, str]], where: str) -> list[str]:
    """Code a learner sees (every cell but the answers and the hidden parts) that spells out a
    graded answer as a dict."""
    found = []
    for number, cell in enumerate(nb.cells):
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or meta.get("solution"):
            continue
        visible = cell.source.split("### BEGIN HIDDEN TESTS")[0]
        for node in ast.walk(ast.parse(visible)):
            lookup = _constant_dict(node)
            if lookup and any(_agrees(r, lookup) for r in references):
                found.append(f"{where} cell {number}")
    return found


def all_references() -> list[dict[str, str]]:
    return [m for path in SOLUTIONS for m in reference_mappings(nbformat.read(path, 4))]


def _write_package(folder: Path, frame: pd.DataFrame) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    frame.to_csv(folder / "tools.csv", index=False)
    (folder / "datapackage.json").write_text(json.dumps(
        {"resources": [{"name": "tools", "path": "tools.csv"}]}), encoding="utf-8")


def test_the_checker_catches_an_answer_column(tmp_path: Path) -> None:
    # Module 02's sort as main shipped it: tools.csv had a `workbench` column.
    reference = next(m for m in reference_mappings(nbformat.read(
        ROOT / "solutions/02-ai-vs-ml-engineering/02-ai-vs-ml-engineering.ipynb", 4))
        if "LangChain" in m)
    tools = pd.read_csv(ROOT / "datasets" / "tools.csv")
    leaky = tools.assign(workbench=tools["tool"].map(reference).fillna("AI engineering"))
    _write_package(tmp_path / "leaky", leaky)
    assert dataset_leaks(tmp_path / "leaky", [reference]) == [
        "tools.csv: tool -> workbench reproduces a graded answer"]
    _write_package(tmp_path / "clean", tools)
    assert dataset_leaks(tmp_path / "clean", [reference]) == []


def test_the_checker_would_catch_the_old_overlap_map() -> None:
    # Module 04's overlap exercise as main shipped it: skill -> owner, answered by skills.csv.
    # (The exercise now asks about situations the data cannot answer.)
    old_answer = {
        "integration of models into products": "shared",
        "evaluation, including latency and cost": "shared",
        "observability of models in production": "shared",
        "model selection when it matters": "ML engineer",
        "fine-tuning and custom architectures": "ML engineer",
        "drift, retraining and production reliability": "ML engineer",
    }
    assert dataset_leaks(ROOT / "datasets", [old_answer]) == [
        "skills.csv: skill -> owner reproduces a graded answer"]


def test_the_checker_catches_an_answer_table_in_code(tmp_path: Path) -> None:
    reference = {"a": "x", "b": "y", "c": "x", "d": "y"}
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "leak.py").write_text("TABLE = {'d': 'y', 'a': 'x', 'b': 'y', 'c': 'x'}\n")
    (tmp_path / "pkg" / "fine.py").write_text("TABLE = {'a': 'y', 'b': 'x', 'c': 'y', 'd': 'x'}\n")
    assert code_leaks(tmp_path / "pkg", [reference]) == ["pkg/leak.py:1"]


def test_the_checker_catches_an_answer_shown_before_the_exercise() -> None:
    reference = {"a": "x", "b": "y", "c": "x"}
    shown = bad_notebook("_expected = {'a': 'x', 'b': 'y', 'c': 'x'}",
                         header="print({'a': 'x', 'b': 'y', 'c': 'x'})")
    assert notebook_leaks(shown, [reference], "planted") == ["planted cell 0"]
    hidden_only = bad_notebook("_expected = {'a': 'x', 'b': 'y', 'c': 'x'}")
    assert notebook_leaks(hidden_only, [reference], "planted") == []


@pytest.mark.parametrize("path", POLICED, ids=lambda p: p.parent.name)
def test_no_visible_cell_spells_out_a_graded_answer(path: Path) -> None:
    nb = nbformat.read(path, 4)
    assert notebook_leaks(nb, reference_mappings(nb), path.parent.name) == []


def test_graded_answers_are_written_in_hidden_tests() -> None:
    # The leak checks below compare against these; the sorts of 02 and 04 must be among them.
    keys = {k for m in all_references() for k in m}
    assert {"LangChain", "Kubeflow"} <= keys


def test_no_dataset_holds_a_graded_answer() -> None:
    assert dataset_leaks(ROOT / "datasets", all_references()) == []


def test_no_course_code_holds_a_graded_answer() -> None:
    assert code_leaks(ROOT / "course", all_references()) == []


# ------------------------------------------------------------------ no answer digests in checks
def digest_users(folder: Path) -> list[str]:
    """Check modules that hash answers: with a handful of possible values, a guess loop over
    the public salt reads the answer back, so a digest protects nothing."""
    found = []
    for path in sorted(folder.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import | ast.ImportFrom)
                     else [])
            module = node.module if isinstance(node, ast.ImportFrom) else ""
            if "hashlib" in names or module == "hashlib" or any("digest" in n for n in names):
                found.append(f"{path.name}:{node.lineno}")
    return found


def test_the_digest_check_catches_a_hashed_answer(tmp_path: Path) -> None:
    (tmp_path / "m99.py").write_text("import hashlib\n_EXPECTED = {'a': '16f9af32'}\n")
    (tmp_path / "m98.py").write_text("from course.checks import salted_digest\n")
    (tmp_path / "m97.py").write_text("import math\n")
    assert digest_users(tmp_path) == ["m98.py:1", "m99.py:1"]


def test_self_checks_hash_no_answers() -> None:
    assert digest_users(ROOT / "course" / "checks") == []
