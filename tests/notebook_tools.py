"""Helpers the notebook tests share: list, read and execute course notebooks."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def solution_notebooks() -> list[Path]:
    """Every instructor source notebook, in module order (from course/modules.yaml)."""
    from course import modules

    return [m.solution(ROOT) for m in modules.load(ROOT) if m.solution(ROOT).is_file()]


def release_notebooks() -> list[Path]:
    """Every generated student notebook, in module order (from course/modules.yaml)."""
    from course import modules

    return [m.release(ROOT) for m in modules.load(ROOT) if m.release(ROOT).is_file()]


def read(path: Path) -> dict[str, Any]:
    """A notebook as a plain dict."""
    return json.loads(path.read_text(encoding="utf-8"))


def execute(path: Path, timeout: int = 180, allow_errors: bool = False) -> Any:
    """Run a notebook headless in its own folder and return the executed nbformat node."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    env_before = dict(os.environ)
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])
    try:
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                allow_errors=allow_errors,
                                resources={"metadata": {"path": str(path.parent)}})
        client.execute()
    finally:
        os.environ.clear()
        os.environ.update(env_before)
    return nb


def error_outputs(nb: Any) -> list[str]:
    """``cell N: Ename: message`` for every error output in an executed notebook."""
    errors = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                errors.append(f"cell {index}: {output['ename']}: {output['evalue']}")
    return errors


def graded_cell_source(module: str, exercise: str) -> str:
    """The source of exercise ``exercise``'s graded test cell in module ``module``'s solution,
    after checking it is locked, graded and worth points."""
    for cell in read(ROOT / "solutions" / module / f"{module}.ipynb")["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("grade_id") == f"{exercise}-tests":
            assert meta["grade"] is True and meta["locked"] is True and meta["points"] > 0
            return "".join(cell["source"])
    raise AssertionError(f"{module}: no test cell {exercise}-tests")
