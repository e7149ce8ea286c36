"""Benchmark 1: executing every solution notebook headless vs the floor of an empty lesson.

Each notebook runs in a fresh kernel from this venv through nbclient (headless: SVG charts,
the venv's bin on PATH, cwd = the notebook's folder). The floor is a kernel that only runs the
first cell of every lesson and imports the stack; one floor kernel is started next to each
notebook, so both sides pay the same kernel start-ups. Floor and notebook alternate within a
run, so a busy moment on a shared machine hits both.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import Table, median, ratio, runs_label
from bench.discover import module_of

FLOOR_SOURCE = "from course import setup; setup()\nimport pandas, altair, ipywidgets"
BASELINE_TAG = "bench-baseline"
TIMEOUT = 120  # seconds per cell, as nbgrader_config.py sets for autograding


@dataclass
class Executions:
    """Seconds and executed copies of each notebook, one entry per run."""

    seconds: dict[Path, list[float]] = field(default_factory=dict)
    floor: dict[Path, list[float]] = field(default_factory=dict)
    executed: dict[Path, list[Any]] = field(default_factory=dict)
    errors: dict[Path, list[str]] = field(default_factory=dict)


def _read(path: Path) -> Any:
    import nbformat

    return nbformat.read(path, as_version=4)


def with_baseline_cell(nb: Any) -> Any:
    """Append an empty-statement cell (tagged) whose time is the per-cell overhead baseline."""
    import nbformat

    cell = nbformat.v4.new_code_cell("pass")
    cell.metadata["tags"] = [BASELINE_TAG]
    nb.cells.append(cell)
    return nb


def without_baseline_cell(nb: Any) -> Any:
    """A copy of an executed notebook without the benchmark's added cell."""
    import copy

    clean = copy.deepcopy(nb)
    clean.cells = [c for c in clean.cells if BASELINE_TAG not in c.metadata.get("tags", [])]
    return clean


def error_outputs(nb: Any) -> list[str]:
    """``cell N: Ename: message`` for every error output in an executed notebook."""
    errors = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                errors.append(f"cell {index}: {output['ename']}: {output['evalue']}"[:200])
    return errors


def execute(nb: Any, cwd: Path, timeout: int = TIMEOUT) -> tuple[float, str | None]:
    """Run a notebook node in a fresh python3 kernel (cell errors kept as outputs).

    Returns the seconds and, when the run was cut short (a cell timed out, the kernel died),
    why; the seconds then cover the run up to that point.
    """
    from nbclient import NotebookClient

    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                            record_timing=True, resources={"metadata": {"path": str(cwd)}})
    start = time.perf_counter()
    aborted = None
    try:
        client.execute()
    except Exception as error:  # noqa: BLE001  (a broken notebook must not stop the benchmark)
        aborted = f"{type(error).__name__}: {str(error)[:150]}"
    if getattr(client, "_async_cleanup_kernel_future", None) is not None:
        # nbclient swallows SIGINT/SIGTERM (it only shuts the kernel down): stop for real.
        raise KeyboardInterrupt("benchmark interrupted by a signal")
    return time.perf_counter() - start, aborted


def floor_notebook() -> Any:
    """The floor: a lesson's first cell plus the stack's imports, nothing else."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell(FLOOR_SOURCE))
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}
    return nb


def measure(notebooks: Sequence[Path], runs: int, log: Any = print) -> Executions:
    """Execute every notebook and one floor kernel per notebook, ``runs`` times."""
    result = Executions()
    for run in range(runs):
        for path in notebooks:
            floor_seconds, _ = execute(floor_notebook(), path.parent)
            result.floor.setdefault(path, []).append(floor_seconds)
            nb = with_baseline_cell(_read(path))
            seconds, aborted = execute(nb, path.parent)
            result.seconds.setdefault(path, []).append(seconds)
            result.executed.setdefault(path, []).append(nb)
            cut = [f"run aborted: {aborted}"] if aborted else []
            result.errors[path] = error_outputs(nb) + cut
            log(f"  execution run {run + 1}/{runs} {module_of(path)}: {seconds:.1f} s "
                f"(floor {result.floor[path][-1]:.1f} s)")
    return result


def table(result: Executions, runs: int, quick: bool) -> Table:
    """The execution table: per notebook and in total, with the floor and the ratio."""
    out = Table(
        "Course execution (solutions, headless)",
        ["module", "notebook s", "floor s", "× floor", "notebook − floor s", "cell errors", "runs"],
        how=("wall time of nbclient `execute()` per notebook (fresh python3 kernel from the venv, "
             "start-up and shutdown included, headless SVG charts) vs a floor kernel that runs "
             f"only `{FLOOR_SOURCE.replace(chr(10), '; ')}`; one floor kernel per notebook, "
             "the two alternating; each figure is the median over runs; the total row is the "
             "median of the per-run sums."),
    )
    paths = list(result.seconds)
    for path in paths:
        nb_s, floor_s = median(result.seconds[path]), median(result.floor[path])
        out.add(module_of(path), nb_s, floor_s, ratio(nb_s, floor_s), nb_s - floor_s,
                len(result.errors.get(path, [])), runs_label(runs, quick))
    if paths:
        totals = [sum(result.seconds[p][r] for p in paths) for r in range(runs)]
        floors = [sum(result.floor[p][r] for p in paths) for r in range(runs)]
        total, floor = median(totals), median(floors)
        out.add(f"**all {len(paths)} notebooks**", total, floor, ratio(total, floor),
                total - floor, sum(len(result.errors.get(p, [])) for p in paths),
                runs_label(runs, quick))
    for path in paths:
        if result.errors.get(path):
            out.notes.append(f"{module_of(path)} raised {len(result.errors[path])} error(s) "
                             f"(first: {result.errors[path][0]}); its time covers every cell "
                             "anyway (allow_errors)")
    return out
