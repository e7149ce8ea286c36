"""Benchmark: autograding on a Dask cluster, and re-grading only what changed.

One template course (module 01 by default, an honest synthetic class) is copied per mode; in
one run, on this machine:

- ``course autograde --jobs 1``: one local worker process (the baseline);
- ``--cluster`` with 1 Dask worker: the same resources, so the difference is what Dask adds
  per submission (connection, transfer of files and results, scheduling);
- ``--cluster`` with 2 Dask workers (scheduler and workers are processes on 127.0.0.1,
  started before the timed command, as a standing cluster would be);
- on the 2-worker copy: a full re-run (``--force``), a re-run after ``changed`` submissions
  were edited, and a re-run with nothing changed;
- the single writer alone: the time to record one graded submission in the gradebook
  (replayed from the graded copy), the bound on any number of workers.

A paper extrapolation to 10,000 submissions on N workers is computed from these figures.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.autograde import Key, compare, read_grades
from bench.common import PYTHON, ROOT, Table, ratio, run_command

TARGET = 10_000


@dataclass
class Outcome:
    """What one run measured."""

    modules: list[str]
    students: int
    changed: int
    seconds: dict[str, float] = field(default_factory=dict)
    graded: dict[str, tuple[int, int]] = field(default_factory=dict)  # label -> (graded, reused)
    grades: dict[str, dict[Key, tuple[float | None, float]]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    writer_seconds: float = float("nan")
    check_seconds: float = float("nan")
    submission_bytes: int = 0
    result_bytes: int = 0

    @property
    def submissions(self) -> int:
        return self.students * len(self.modules)


LOCAL = "course autograde --jobs 1 (1 local worker)"
DASK1 = "--cluster, 1 Dask worker"
DASK2 = "--cluster, 2 Dask workers"
FORCE = "re-run --force (all graded), 2 Dask workers"
NOTHING = "re-run, nothing changed, 2 Dask workers"


def changed_label(count: int) -> str:
    """The row of the re-run after ``count`` submissions changed."""
    return f"re-run, {count} changed, 2 Dask workers"


def _flags() -> list[str]:
    from course.grading import sandbox

    return [] if sandbox.probe()[0] else ["--no-sandbox-ok"]


def _grade(course: Path, modules: Sequence[str], *extra: str) -> tuple[float, str, str]:
    picks = [arg for module in modules for arg in ("--assignment", module)]
    seconds, done = run_command([str(PYTHON), "-m", "course", "autograde", "--course-dir",
                                 str(course), *picks, "--quiet", *_flags(), *extra], cwd=course)
    failure = "" if done.returncode == 0 else (f"exit {done.returncode}: "
                                               f"{(done.stdout + done.stderr)[-300:]}")
    return seconds, done.stdout, failure


def _counts(stdout: str) -> tuple[int, int]:
    for line in stdout.splitlines():
        if "notebook(s) graded," in line:
            words = line.split()
            return int(words[0]), int(words[3])
    return -1, -1


def _edit(course: Path, modules: Sequence[str], count: int) -> list[str]:
    """Append a markdown cell to ``count`` submissions (a change that keeps the score)."""
    students = sorted(p.name for p in (course / "submitted").iterdir() if p.is_dir())
    edited = []
    for student in students[:count]:
        for module in modules:
            for path in (course / "submitted" / student / module).glob("*.ipynb"):
                nb = json.loads(path.read_text(encoding="utf-8"))
                nb["cells"].append({"cell_type": "markdown", "metadata": {},
                                    "source": "Edited after the deadline."})
                path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
        edited.append(student)
    return edited


def writer_seconds(course: Path) -> float:
    """Median seconds the single writer takes to record one graded submission (replayed)."""
    import statistics

    from course.grading import config
    from course.grading.gradebook import Writer

    loaded = config.load(course)
    lines = [json.loads(x) for x in loaded.log_path.read_text().splitlines()]
    records: dict[tuple[str, str], dict] = {}
    for line in lines:
        record = records.setdefault((line["student"], line["assignment"]), {
            "student": line["student"], "assignment": line["assignment"], "notebooks": []})
        path = loaded.dir("autograded") / line["student"] / line["assignment"]
        record["notebooks"] = [n for n in record["notebooks"] if n["notebook"] != line["notebook"]]
        record["notebooks"].append({"notebook": line["notebook"], "status": line["status"],
                                    "reasons": [], "path": str(path / f"{line['notebook']}.ipynb")})
    writer = Writer(loaded)
    times = []
    try:
        for record in records.values():
            start = time.perf_counter()
            writer.record(record)
            times.append(time.perf_counter() - start)
    finally:
        writer.close()
    return statistics.median(times) if times else float("nan")


def check_seconds(course: Path) -> float:
    """Median seconds to decide one submission is unchanged: hash its files, compare (in-process;
    the per-submission part of a re-run, without the fixed start-up)."""
    import statistics

    from course.grading.cache import folder_digest, job_hash
    from course.grading.records import RunLimits

    times = []
    for folder in sorted(p for p in (course / "submitted").glob("*/*") if p.is_dir()):
        start = time.perf_counter()
        _ = job_hash("bundle", folder_digest(folder), RunLimits(), True, "version") == "x"
        times.append(time.perf_counter() - start)
    return statistics.median(times) if times else float("nan")


def idle_seconds_per_submission(path: Path = ROOT / "bench" / "CLASS.md") -> tuple[float, str]:
    """Seconds per submission per worker from the class-scale run on an idle machine
    (``--jobs 2`` wall time × 2 ÷ submissions), if ``bench/CLASS.md`` has it."""
    import re

    if not path.is_file():
        return float("nan"), ""
    text = path.read_text(encoding="utf-8")
    row = re.search(r"^\| course autograde --jobs 2 \| ([\d,.]+) \|", text, re.M)
    count = re.search(r"= (\d+) submissions", text)
    if not row or not count:
        return float("nan"), ""
    wall = float(row.group(1).replace(",", ""))
    return wall * 2 / int(count.group(1)), f"{path.name}: {int(count.group(1))} submissions"


def _bytes(course: Path, folder: str) -> int:
    """Median bytes per submission folder under ``folder`` (what travels to or from a worker)."""
    import statistics

    sizes = [sum(f.stat().st_size for f in d.rglob("*") if f.is_file())
             for d in (course / folder).glob("*/*") if d.is_dir()]
    return int(statistics.median(sizes)) if sizes else 0


def measure(modules: Sequence[str], students: int, changed: int, quick: bool,
            log: Any = print) -> Outcome:
    """Prepare the class once, then grade it every way on fresh copies (one run)."""
    from bench.autograde import prepare
    from tests.grading_tools import DaskCluster

    outcome = Outcome(list(modules), students, changed)
    with tempfile.TemporaryDirectory(prefix="course-bench-cluster-") as scratch:
        template = Path(scratch) / "template"
        template.mkdir()
        prepare(ROOT, modules, students, template, log)

        def timed(label: str, course: Path, *extra: str) -> None:
            seconds, stdout, failure = _grade(course, modules, *extra)
            outcome.seconds[label] = seconds
            outcome.graded[label] = _counts(stdout)
            if failure:
                outcome.failures.append(f"{label}: {failure}")
            log(f"  cluster: {label}: {seconds:.1f} s, graded/reused {outcome.graded[label]}")

        def fresh(name: str) -> Path:
            copy = Path(scratch) / name
            shutil.copytree(template, copy)
            return copy

        local = fresh("local")
        timed(LOCAL, local, "--jobs", "1")
        outcome.grades[LOCAL] = read_grades(local)
        outcome.submission_bytes = _bytes(local, "submitted")
        outcome.result_bytes = _bytes(local, "autograded")
        with DaskCluster(Path(scratch) / "dask", workers=1) as cluster:
            if not quick:
                one = fresh("dask1")
                timed(DASK1, one, "--cluster", cluster.address)
                outcome.grades[DASK1] = read_grades(one)
            cluster.add_worker("w2")
            cluster.wait_for_workers(2)
            two = fresh("dask2")
            timed(DASK2, two, "--cluster", cluster.address)
            outcome.grades[DASK2] = read_grades(two)
            if not quick:
                timed(FORCE, two, "--cluster", cluster.address, "--force")
            _edit(two, modules, changed)
            timed(changed_label(changed), two, "--cluster", cluster.address)
            if not quick:
                timed(NOTHING, two, "--cluster", cluster.address)
        outcome.writer_seconds = writer_seconds(local)
        outcome.check_seconds = check_seconds(local)
    return outcome


def _row_seconds(outcome: Outcome, label: str) -> float:
    return outcome.seconds.get(label, float("nan"))


def extrapolation(outcome: Outcome) -> list[str]:
    """10,000 submissions on N workers, on paper, from this run's figures; assumptions named."""
    n = outcome.submissions
    local = _row_seconds(outcome, LOCAL)
    per = local / n
    overhead = (_row_seconds(outcome, DASK1) - local) / n
    extra = max(0.0, overhead) if overhead == overhead else 0.0
    writer, check = outcome.writer_seconds, outcome.check_seconds
    fixed = _row_seconds(outcome, NOTHING)
    idle, idle_source = idle_seconds_per_submission()
    lines = [
        f"Paper extrapolation to {TARGET:,} submissions (not measured; inputs are this run's "
        "figures unless named):",
        f"assumption g = {per:.1f} s: grading one submission on one worker (`--jobs 1` wall "
        f"time ÷ {n}, under this run's load); the same on every worker (one core each, no "
        "contention) and the same assignment mix as here"
        + (f"; for a class of every module g = {idle:.1f} s ({idle_source}, `--jobs 2` wall × "
           "2 ÷ submissions, at the commit and load that file names)" if idle == idle else ""),
        f"assumption o = {overhead:+.1f} s: what Dask adds per submission (1-worker cluster − "
        "`--jobs 1`, ÷ submissions; measured under load, where the scheduler, worker and "
        "client processes compete with the kernel for the 2 cores; a negative value counts as "
        "0)",
        f"assumption w = {writer * 1000:.0f} ms: the single writer recording one submission in "
        "the SQLite gradebook (median, replayed); it writes while workers grade, so it bounds "
        f"the rate only when N > (g + o) / w",
        f"assumption r = {check * 1000:.1f} ms: deciding one submission is unchanged (hash its "
        f"files; in-process median) plus C = {fixed:.0f} s fixed per re-run (the nothing-changed "
        f"re-run of {n}: start-up, references, connecting; an upper bound); the log line, "
        "progress line and reuse mark of each reused submission are not in r",
        "assumption: the scheduler, network and disks are not the bottleneck (each task moves "
        f"about {outcome.submission_bytes / 1000:.0f} KB in and "
        f"{outcome.result_bytes / 1000:.0f} KB out here); results are written as they come",
    ]
    choices = [("this run", per)] + ([("from CLASS.md", idle)] if idle == idle else [])
    for workers in (10, 50, 100, 200):
        parts = []
        for label, g in choices:
            grade = TARGET * (g + extra) / workers
            bound = TARGET * writer
            parts.append(f"{max(grade, bound) / 60:.0f} min with g {label}"
                         + (" (writer-bound)" if bound > grade else ""))
        rerun = fixed + TARGET * check + 10 * (per + extra) / min(workers, 10)
        lines.append(f"N = {workers} workers: a full grading takes about {', '.join(parts)} "
                     f"[max({TARGET:,}·(g+o)/N, {TARGET:,}·w)]; a re-run with 10 changed about "
                     f"{rerun / 60:.1f} min [C + {TARGET:,}·r + 10·(g+o)/min(N, 10)]")
    return lines


def table(outcome: Outcome, quick: bool) -> Table:
    """One row per timed command, with the ratio to one local worker."""
    out = Table(
        "Autograding on a Dask cluster, and re-grading what changed",
        ["run", "graded", "reused", "wall s", "× --jobs 1", "grades = --jobs 1", "runs"],
        how=(f"{outcome.students} students × {len(outcome.modules)} module(s) "
             f"({', '.join(outcome.modules)}) = {outcome.submissions} submissions "
             "(`scripts/make_synthetic_class.py --kinds honest`), one run, on this machine; "
             "each first grading on its own fresh copy of one template course; the re-runs on "
             "the 2-worker copy, in the order shown; a Dask scheduler and workers (`dask "
             "scheduler`/`dask worker --nthreads 1 --no-nanny`, processes on 127.0.0.1) are "
             "started before the timed commands and not timed; wall time of the `course "
             "autograde` process (connecting to the scheduler included); 'changed' "
             "submissions got one extra markdown cell (same score); grades: every grade "
             "cell's auto and max score read back through nbgrader's Gradebook API and "
             "compared with the `--jobs 1` copy's."),
    )
    base = _row_seconds(outcome, LOCAL)
    baseline = outcome.grades.get(LOCAL, {})
    runs = "1 (quick)" if quick else "1"
    for label, seconds in outcome.seconds.items():
        graded, reused = outcome.graded.get(label, (-1, -1))
        if label == LOCAL:
            agree = f"baseline ({len(baseline)} cells)"
        elif label in outcome.grades:
            equal, total, diffs = compare(baseline, outcome.grades[label])
            agree = f"{equal}/{total}" + (" ✅" if equal == total and not diffs else " ❌")
            out.notes += [f"{label} differs: {d}" for d in diffs]
        else:
            agree = "—"
        out.add(label, graded, reused, seconds, ratio(seconds, base), agree, runs)
    if DASK1 in outcome.seconds:
        extra = (outcome.seconds[DASK1] - base) / outcome.submissions
        out.notes.append(f"per-submission overhead Dask adds (1-worker cluster − `--jobs 1`, "
                         f"÷ {outcome.submissions}): {extra:+.2f} s")
    out.notes.append(f"single writer, one submission recorded in the SQLite gradebook "
                     f"(median, replayed): {outcome.writer_seconds * 1000:.0f} ms")
    out.notes += [f"failure: {f}" for f in outcome.failures]
    if outcome.submissions < 330 and not quick:
        minutes = 330 * base / outcome.submissions / 60
        out.notes.append(f"a 330-submission class was not measured here: at this run's pace "
                         f"`--jobs 1` alone would take about {minutes:.0f} min; the class size "
                         "is `--cluster-students`")
    if not quick:
        out.notes += extrapolation(outcome)
    return out


def run(modules: Sequence[str], students: int, changed: int, quick: bool,
        log: Any = print) -> Table:
    """Measure and tabulate."""
    return table(measure(modules, students, changed, quick, log), quick)
