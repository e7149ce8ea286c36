"""Where one graded submission's time goes: the old path (a bubblewrap kernel per notebook that
imports the stack, charts rendered to SVG) next to the new one (a kernel forked from the
worker's zygote, charts as Vega-Lite specs), measured in the same run.

Both paths grade the same copy of one small class with ``course autograde --jobs 1`` (one
worker, so no phase waits for another grading process); the worker appends each notebook's
phases to ``$COURSE_GRADING_TIMINGS`` (:mod:`course.grading.worker`). The paths alternate
within a run; figures are medians over runs of the per-submission mean.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.autograde import Mode as GradeMode
from bench.autograde import compare, parallel_command, prepare, read_grades, sandbox_flags
from bench.common import ROOT, Table, median, ratio, run_command, runs_label, tool_env

OLD = "old: bubblewrap kernel per notebook, SVG charts"
NEW = "new: kernel forked from the worker's zygote, spec charts"
PATHS = {OLD: {"COURSE_ZYGOTE": "0", "COURSE_GRADING_CHARTS": "svg"},
         NEW: {"COURSE_ZYGOTE": "1", "COURSE_GRADING_CHARTS": "spec"}}
PHASES = ("zygote start (once per run)", "sandbox + kernel start", "forked kernel start",
          "rebinding capture", "setup cell (imports)", "student code", "cells showing a chart",
          "test cells", "kernel stop", "repair + copy files", "keep written files")


@dataclass
class Outcome:
    """Per path: per-run phase means, CPU and wall seconds per submission, grades."""

    submissions: int = 0
    phases: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    wall: dict[str, list[float]] = field(default_factory=dict)
    grades: dict[str, Any] = field(default_factory=dict)
    writer: float = float("nan")
    notes: list[str] = field(default_factory=list)


def _grade(copy: Path, modules: Sequence[str], label: str,
           timings: Path) -> tuple[float, list[str]]:
    """Grade ``copy`` one way; (wall s, failures)."""
    flags, _ = sandbox_flags()
    command = parallel_command(copy, modules, GradeMode(label, 1, flags))
    env = tool_env({**PATHS[label], "COURSE_GRADING_TIMINGS": str(timings)})
    seconds, done = run_command(command, cwd=copy, env=env)
    failures = [] if done.returncode == 0 else [f"exit {done.returncode}: "
                                               f"{(done.stdout + done.stderr)[-300:]}"]
    return seconds, failures


def _phase_means(timings: Path, submissions: int) -> dict[str, float]:
    totals: dict[str, float] = {}
    lines = timings.read_text(encoding="utf-8").splitlines() if timings.is_file() else []
    for line in lines:
        for phase, seconds in json.loads(line)["seconds"].items():
            totals[phase] = totals.get(phase, 0.0) + seconds
    return {phase: total / submissions for phase, total in totals.items()}


def measure(modules: Sequence[str], students: int, runs: int, log: Any = print) -> Outcome:
    """Prepare the class once; grade a fresh copy per path and run; collect the phases."""
    from bench.cluster import writer_seconds

    outcome = Outcome()
    with tempfile.TemporaryDirectory(prefix="course-bench-breakdown-") as scratch:
        template = Path(scratch) / "template"
        template.mkdir()
        ids, _ = prepare(ROOT, modules, students, template, log)
        outcome.submissions = len(ids) * len(modules)
        for run in range(runs):
            for label in PATHS:
                copy = Path(scratch) / f"run-{run}-{list(PATHS).index(label)}"
                shutil.copytree(template, copy)
                timings = Path(scratch) / f"timings-{run}-{label[:3]}.jsonl"
                seconds, failures = _grade(copy, modules, label, timings)
                outcome.notes += [f"{label}: {f}" for f in failures]
                outcome.wall.setdefault(label, []).append(seconds / outcome.submissions)
                for phase, mean in _phase_means(timings, outcome.submissions).items():
                    outcome.phases.setdefault(label, {}).setdefault(phase, []).append(mean)
                if run == 0:
                    outcome.grades[label] = read_grades(copy)
                    if label == NEW:
                        outcome.writer = writer_seconds(copy)
                log(f"  breakdown run {run + 1}/{runs} {label[:3]}: {seconds:.1f} s wall, "
                    f"load {os.getloadavg()[0]:.2f}")
                shutil.rmtree(copy, ignore_errors=True)
    return outcome


def table(outcome: Outcome, modules: Sequence[str], students: int, quick: bool) -> Table:
    """Seconds per submission and phase, old path vs new path."""
    out = Table(
        "Grading one submission: where the time goes (old path vs zygote)",
        ["phase", "old s/submission", "new s/submission", "new ÷ old", "runs"],
        how=(f"{students} students × {len(modules)} module(s) ({', '.join(modules)}) = "
             f"{outcome.submissions} submissions graded by `course autograde --jobs 1` once per "
             "path per run on a fresh copy of one template course; old path: "
             "`COURSE_ZYGOTE=0 COURSE_GRADING_CHARTS=svg` (a bubblewrap + prlimit kernel per "
             "notebook, charts rendered to SVG by vl-convert, as before this change); new path: "
             "the defaults (a kernel forked from the worker's zygote that imported the stack "
             "once, in its own namespaces, charts as Vega-Lite specs). Phases are wall seconds "
             "the worker measured per notebook (`COURSE_GRADING_TIMINGS`), summed per path and "
             "divided by the submissions; the zygote start is paid once per run (its workers "
             "share it) and shown "
             "divided by the submissions too; 'cells showing a chart' are non-test cells whose "
             "outputs hold a chart (building and rendering it); whole command: wall time of "
             "`course autograde` ÷ submissions; medians over runs. No CPU column: a kernel "
             "killed with its bubblewrap parent is never reaped, so RUSAGE_CHILDREN misses "
             "the old path's kernels and the two paths would not be counted alike."),
    )
    runs = len(outcome.wall.get(OLD, []))
    for phase in PHASES:
        old = median(outcome.phases.get(OLD, {}).get(phase, []))
        new = median(outcome.phases.get(NEW, {}).get(phase, []))
        if old != old and new != new:
            continue
        out.add(phase, 0.0 if old != old else old, 0.0 if new != new else new,
                ratio(new, old) if old == old and new == new else "—", runs_label(runs, quick))
    old, new = median(outcome.wall.get(OLD, [])), median(outcome.wall.get(NEW, []))
    out.add("**whole command, wall**", old, new, ratio(new, old), runs_label(runs, quick))
    out.add("gradebook write (single writer, replayed, same on both paths)", outcome.writer,
            outcome.writer, 1.0, "1")
    equal, total, diffs = compare(outcome.grades.get(OLD, {}), outcome.grades.get(NEW, {}))
    out.notes.append(f"grades, new path = old path: {equal}/{total} grade cells"
                     + (" ✅" if equal == total and not diffs else " ❌"))
    out.notes += [f"differs: {d}" for d in diffs] + outcome.notes
    return out


def run(modules: Sequence[str], students: int, runs: int, quick: bool,
        log: Any = print) -> Table:
    """Measure and tabulate."""
    outcome = measure(modules, students, runs, log)
    return table(outcome, modules, students, quick)
