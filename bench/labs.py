"""Benchmark 5: real time of each lab's hidden-test cells (modules 05, 06, 07).

The labs run on a simulated provider with a virtual clock, so their hidden tests should take
well under a second of real time. A test cell's time comes from nbclient's per-cell
timestamps (``metadata.execution``: kernel busy → the later of execute-reply and idle),
after the notebook's other cells ran in the same kernel; the baseline is a ``pass`` cell the
benchmark appends to the notebook and times the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.common import Table, median, ratio, runs_label
from bench.discover import module_of
from bench.execution import BASELINE_TAG

LAB_PREFIXES = ("05-", "06-", "07-")


def is_lab(notebook: Path) -> bool:
    """Whether a notebook belongs to one of the lab modules."""
    return module_of(notebook).startswith(LAB_PREFIXES)


def _stamp(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def cell_seconds(cell: Any) -> float | None:
    """Real seconds a cell took in the kernel, from nbclient's timestamps (None if absent)."""
    stamps = cell.get("metadata", {}).get("execution", {})
    start = stamps.get("iopub.status.busy") or stamps.get("iopub.execute_input")
    ends = [stamps[k] for k in ("shell.execute_reply", "iopub.status.idle") if k in stamps]
    if not start or not ends:
        return None
    return max((_stamp(end) - _stamp(start)).total_seconds() for end in ends)


def test_cells(nb: Any) -> dict[str, tuple[float, float | None]]:
    """``grade_id -> (points, seconds)`` for every autograded test cell of an executed notebook."""
    found = {}
    for cell in nb.cells:
        grading = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "code" and grading.get("grade") and not grading.get("solution"):
            points = float(grading.get("points", 0))
            found[grading.get("grade_id", "?")] = (points, cell_seconds(cell))
    return found


def baseline_seconds(nb: Any) -> float | None:
    """Seconds of the benchmark's appended ``pass`` cell."""
    for cell in nb.cells:
        if BASELINE_TAG in cell.get("metadata", {}).get("tags", []):
            return cell_seconds(cell)
    return None


def table(executed: dict[Path, list[Any]], runs: int, quick: bool) -> Table:
    """Per test cell of each lab notebook: median and worst real seconds over the runs."""
    out = Table(
        "Labs: real time of hidden-test cells",
        ["module", "test cell", "points", "median s", "max s", "`pass` cell s", "× `pass`", "runs"],
        how=("each lab notebook executed whole by nbclient in a fresh kernel (see course "
             "execution); a test cell's time is its kernel busy → reply/idle span from "
             "`metadata.execution`; baseline: a `pass` cell appended to the same notebook; "
             "median and max over the runs."),
    )
    labs = [p for p in executed if is_lab(p)]
    slowest = 0.0
    for path in labs:
        per_run = [test_cells(nb) for nb in executed[path]]
        passes = [s for s in (baseline_seconds(nb) for nb in executed[path]) if s is not None]
        base = median(passes)
        for grade_id, (points, _) in per_run[0].items():
            times = [r[grade_id][1] for r in per_run if r.get(grade_id, (0, None))[1] is not None]
            if not times:
                continue
            slowest = max(slowest, max(times))
            out.add(module_of(path), grade_id, points, median(times), max(times), base,
                    ratio(median(times), base), runs_label(len(times), quick))
        if not per_run[0]:
            out.notes.append(f"{module_of(path)} has no autograded test cells yet")
    missing = [p for p in LAB_PREFIXES if not any(module_of(x).startswith(p) for x in labs)]
    if missing:
        out.notes.append("lab modules not measured (not in solutions/ yet, or not selected): "
                         + ", ".join(m.rstrip("-") for m in missing))
    if labs:
        verdict = "under" if slowest < 1.0 else "NOT under"
        out.notes.append(f"slowest hidden-test cell: {slowest:.3f} s ({verdict} one second)")
    return out


def measure(notebooks: Sequence[Path], runs: int, log: Any = print) -> dict[Path, list[Any]]:
    """Execute the lab notebooks on their own (when the execution benchmark did not)."""
    from bench.execution import execute, with_baseline_cell

    executed: dict[Path, list[Any]] = {}
    import nbformat

    for run in range(runs):
        for path in notebooks:
            nb = with_baseline_cell(nbformat.read(path, as_version=4))
            seconds, _ = execute(nb, path.parent)
            executed.setdefault(path, []).append(nb)
            log(f"  labs run {run + 1}/{runs} {module_of(path)}: {seconds:.1f} s")
    return executed
