"""What every benchmark shares: the result table, timing helpers and the run environment."""

from __future__ import annotations

import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = Path(sys.executable)
BIN = PYTHON.parent

Cell = str | int | float


@dataclass
class Table:
    """One result table: a title, column names, rows, how the figures were made, notes."""

    title: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    how: str = ""
    notes: list[str] = field(default_factory=list)

    def add(self, *cells: Cell) -> None:
        """Append one row; it must have one cell per column."""
        if len(cells) != len(self.columns):
            raise ValueError(f"{self.title}: row {cells!r} has {len(cells)} cells, "
                             f"expected {len(self.columns)}")
        self.rows.append(list(cells))

    def problems(self) -> list[str]:
        """What is wrong with the table's shape (empty when well formed)."""
        found = []
        if not self.title or not self.columns:
            found.append("a table needs a title and columns")
        for index, row in enumerate(self.rows):
            if len(row) != len(self.columns):
                found.append(f"row {index} has {len(row)} cells for {len(self.columns)} columns")
            for cell in row:
                if not isinstance(cell, str | int | float) or isinstance(cell, bool):
                    found.append(f"row {index}: cell {cell!r} is not text or a number")
        return found

    def markdown(self) -> str:
        """The table as GitHub markdown, with its method and notes under it."""
        lines = [f"### {self.title}", ""]
        lines.append("| " + " | ".join(self.columns) + " |")
        lines.append("|" + "|".join("---" for _ in self.columns) + "|")
        for row in self.rows:
            lines.append("| " + " | ".join(format_cell(c) for c in row) + " |")
        if not self.rows:
            lines.append("| " + " | ".join("—" for _ in self.columns) + " |")
        if self.how:
            lines += ["", f"How: {self.how}"]
        lines += [f"- {note}" for note in self.notes]
        return "\n".join(lines) + "\n"


def format_cell(cell: Cell) -> str:
    """Numbers with sensible precision; text as is (pipes escaped)."""
    if isinstance(cell, float):
        if cell == 0:
            return "0"
        if abs(cell) >= 100:
            return f"{cell:,.0f}"
        if abs(cell) >= 10:
            return f"{cell:.1f}"
        return f"{cell:.2f}" if abs(cell) >= 0.1 else f"{cell:.3f}"
    if isinstance(cell, int):
        return f"{cell:,}"
    return str(cell).replace("|", "\\|")


def median(values: Sequence[float]) -> float:
    """The median (NaN for no values)."""
    return statistics.median(values) if values else float("nan")


def ratio(value: float, baseline: float) -> float:
    """``value / baseline`` (NaN when the baseline is zero or missing)."""
    return value / baseline if baseline and baseline == baseline else float("nan")


def runs_label(runs: int, quick: bool) -> str:
    """How many runs a figure is the median of, as the tables print it."""
    return f"{runs} (quick)" if quick else str(runs)


def tool_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment with the venv's bin first on PATH (plus ``extra``)."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(BIN), env.get("PATH", "")])
    env.update(extra or {})
    return env


Finished = subprocess.CompletedProcess[str]


def run_command(command: Sequence[str], cwd: Path | None = None, timeout: float = 3600,
                env: dict[str, str] | None = None) -> tuple[float, Finished]:
    """Run a command, return its wall-clock seconds and the finished process."""
    start = time.perf_counter()
    done = subprocess.run(list(command), cwd=cwd, env=env or tool_env(), capture_output=True,
                          text=True, timeout=timeout, check=False)
    return time.perf_counter() - start, done


@contextlib.contextmanager
def bench_environment() -> Iterator[Path]:
    """Set the environment every kernel of the run inherits; yield a scratch folder.

    Kernels see no live front end, as under nbgrader (charts embed SVG, quizzes are static
    HTML); quizzes write to a throw-away progress file; the venv's bin is first on PATH (so
    kernels and nbgrader's tools come from it).
    """
    before = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="course-bench-") as scratch:
        os.environ.update(tool_env({
            "COURSE_PROGRESS": str(Path(scratch) / "progress.json"),
            "COURSE_LEARNER": "bench",
        }))
        for name in ("JPY_SESSION_NAME", "COURSE_RENDERER", "COURSE_WIDGETS"):
            os.environ.pop(name, None)
        try:
            yield Path(scratch)
        finally:
            os.environ.clear()
            os.environ.update(before)
