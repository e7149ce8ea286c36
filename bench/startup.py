"""Benchmark 3: start-up of the ``course`` command and of ``import course`` vs ``python -c pass``.

Every command is a fresh process of the venv's interpreter; the commands take turns in each
round (round-robin), so a busy moment on a shared machine touches all of them.
"""

from __future__ import annotations

from typing import Any

from bench.common import BIN, PYTHON, Table, median, ratio, run_command, runs_label

BASELINE = "python -c pass"


def commands() -> dict[str, list[str]]:
    """Label → argv of every command timed (the baseline first)."""
    found = {
        BASELINE: [str(PYTHON), "-c", "pass"],
        'python -c "import course"': [str(PYTHON), "-c", "import course"],
        "python -m course --help": [str(PYTHON), "-m", "course", "--help"],
    }
    script = BIN / "course"
    if script.exists():
        found["course --help (console script)"] = [str(script), "--help"]
    return found


def measure(runs: int, log: Any = print) -> dict[str, list[float]]:
    """Wall seconds of each command, ``runs`` rounds; a failing command is reported, not timed."""
    timings: dict[str, list[float]] = {}
    for _ in range(runs):
        for label, argv in commands().items():
            seconds, done = run_command(argv, timeout=120)
            if done.returncode != 0:
                log(f"  start-up: {label} failed ({done.returncode}): {done.stderr[-300:]}")
                timings.setdefault(label, [])
                continue
            timings.setdefault(label, []).append(seconds)
    return timings


def table(timings: dict[str, list[float]], quick: bool) -> Table:
    """Median and best milliseconds per command, and the ratio to the bare interpreter."""
    out = Table(
        "Start-up",
        ["command", "median ms", "min ms", "× `python -c pass`", "extra ms", "runs"],
        how=("wall time of a fresh process (subprocess.run, output captured) of the venv's "
             "interpreter or console script; commands alternate round-robin; median and minimum "
             "over the runs; the baseline is `python -c pass` measured in the same rounds."),
    )
    base = median(timings.get(BASELINE, []))
    for label, values in timings.items():
        if not values:
            out.add(label, "failed", "—", "—", "—", 0)
            continue
        value = median(values)
        out.add(label, value * 1000, min(values) * 1000, ratio(value, base),
                (value - base) * 1000, runs_label(len(values), quick))
    return out


def run(runs: int, quick: bool, log: Any = print) -> Table:
    """Measure and tabulate."""
    return table(measure(runs, log), quick)
