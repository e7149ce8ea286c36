"""Autograde in parallel: worker processes run notebooks, this process is the one writer.

Workers pay Python's start-up once and each runs one kernel at a time, so ``--jobs N`` keeps
N kernels busy. Results come back as plain records; the writer records them in the gradebook
and appends one JSON line per notebook to ``autograded/grading-log.jsonl``.
"""

from __future__ import annotations

import json
import multiprocessing
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from course.grading import sandbox
from course.grading.config import Course, GradingError
from course.grading.execute import RunLimits
from course.grading.gradebook import Writer
from course.grading.progress import Progress
from course.grading.reference import load_reference
from course.grading.worker import grade_submission


def plan(course: Course, assignments: list[str] | None,
         students: list[str] | None) -> list[tuple[str, str]]:
    """Every ``(student, assignment)`` with a folder in ``submitted/``, filtered."""
    root = course.dir("submitted")
    if not root.is_dir():
        raise GradingError(f"no submissions: {root} does not exist")
    pairs = []
    for student_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        if students and student_dir.name not in students:
            continue
        for folder in sorted(p for p in student_dir.iterdir() if p.is_dir()):
            if assignments and folder.name not in assignments:
                continue
            if (course.dir("source") / folder.name).is_dir():
                pairs.append((student_dir.name, folder.name))
    unknown = sorted(set(students or []) - {s for s, _ in pairs})
    if unknown:
        print(f"course autograde: no submission for {', '.join(unknown)}", file=sys.stderr)
    return pairs


def check_sandbox(allow_unsandboxed: bool) -> bool:
    """True when a sandbox is available; refuse to go on without one unless allowed."""
    ok, why = sandbox.probe()
    if ok:
        return True
    if not allow_unsandboxed:
        raise GradingError(f"no sandbox: {why}. Student code would run with your rights "
                           "(it could read solutions/, hidden tests, other submissions and "
                           "rewrite the gradebook). Install bubblewrap, or pass "
                           "--no-sandbox-ok to accept that risk.")
    print(f"course autograde: WARNING running WITHOUT a sandbox ({why})", file=sys.stderr)
    return False


def _job(course: Course, student: str, assignment: str, refs: list[dict], limits: RunLimits,
         sandboxed: bool) -> dict:
    return {"student": student, "assignment": assignment,
            "submitted": str(course.dir("submitted") / student / assignment),
            "autograded": str(course.dir("autograded") / student / assignment),
            "source": str(course.dir("source") / assignment), "refs": refs,
            "limits": asdict(limits), "sandboxed": sandboxed}


def _log(course: Course, record: dict) -> list[dict]:
    lines = []
    now = datetime.now(UTC).isoformat(timespec="seconds")
    for entry in record["notebooks"]:
        lines.append({"time": now, "student": record["student"],
                      "assignment": record["assignment"], "notebook": entry["notebook"],
                      "status": entry["status"], "reasons": entry["reasons"],
                      "score": entry.get("score"), "max_score": entry.get("max_score"),
                      "needs_manual_grade": entry.get("needs_manual_grade"),
                      "seconds": record.get("seconds")})
    course.log_path.parent.mkdir(parents=True, exist_ok=True)
    with course.log_path.open("a", encoding="utf-8") as handle:
        for line in lines:
            handle.write(json.dumps(line) + "\n")
    return lines


def autograde(course: Course, assignments: list[str] | None = None,
              students: list[str] | None = None, jobs: int = 1,
              limits: RunLimits | None = None, allow_unsandboxed: bool = False,
              quiet: bool = False) -> list[dict]:
    """Grade every planned submission; return one log line (dict) per notebook."""
    sandboxed = check_sandbox(allow_unsandboxed)
    limits = limits or RunLimits()
    pairs = plan(course, assignments, students)
    refs = {a: [r.to_dict() for r in load_reference(course, a)] for a in {a for _, a in pairs}}
    pending = [_job(course, s, a, refs[a], limits, sandboxed) for s, a in pairs]
    progress = Progress(len(pending)) if not quiet else None
    lines: list[dict] = []
    for attempt in range(2):
        if not pending:
            break
        pending = _run_pool(pending, jobs, course, progress, lines, last_try=attempt == 1)
    return lines


def _context() -> multiprocessing.context.BaseContext:
    """fork on Linux: workers start at once and ``python -m course`` is not re-imported."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _run_pool(jobs_left: list[dict], jobs: int, course: Course, progress: Progress | None,
              lines: list[dict], last_try: bool) -> list[dict]:
    """Run jobs; return the ones lost to a crashed worker (to retry once)."""
    lost: list[dict] = []
    with ProcessPoolExecutor(max_workers=max(1, min(jobs, len(jobs_left))),
                             mp_context=_context()) as pool:
        futures = {pool.submit(grade_submission, job): job for job in jobs_left}
        writer = Writer(course)  # opened after the workers forked; only this process writes
        try:
            _collect(futures, writer, course, progress, lines, lost, last_try)
        finally:
            writer.close()
    return lost


def _collect(futures: dict, writer: Writer, course: Course, progress: Progress | None,
             lines: list[dict], lost: list[dict], last_try: bool) -> None:
    """Record each finished job as it arrives."""
    for future in as_completed(futures):
        job = futures[future]
        try:
            record = future.result()
        except BrokenProcessPool as error:
            if not last_try:
                lost.append(job)
                continue
            record = _failed(job, f"worker process crashed: {error!r}")
        except Exception as error:  # noqa: BLE001
            record = _failed(job, f"grader failure: {error!r}")
        writer.record(record)
        new = _log(course, record)
        lines += new
        if progress:
            progress.step(", ".join(f"{x['student']}/{x['assignment']} {x['status']} "
                                    f"{_score(x)}" for x in new))


def _failed(job: dict, reason: str) -> dict:
    return {"student": job["student"], "assignment": job["assignment"], "seconds": None,
            "notebooks": [{"notebook": r["name"], "status": "error", "reasons": [reason]}
                          for r in job["refs"]]}


def _score(line: dict) -> str:
    if line.get("score") is None:
        return "-"
    manual = " +manual" if line.get("needs_manual_grade") else ""
    return f"{line['score']:g}/{line['max_score']:g}{manual}"


def summary(lines: list[dict]) -> str:
    """A plain-text table of the results."""
    rows = [f"{'student':<18} {'assignment':<24} {'status':<11} {'score':<14} reasons"]
    for x in sorted(lines, key=lambda x: (x["assignment"], x["student"], x["notebook"])):
        reasons = "; ".join(r for r in x["reasons"] if "\n" not in r)
        rows.append(f"{x['student']:<18} {x['assignment']:<24} {x['status']:<11} "
                    f"{_score(x):<14} {reasons}")
    return "\n".join(rows)


def read_log(course: Course) -> list[dict]:
    """The latest log line per (student, assignment, notebook)."""
    latest: dict[tuple, dict] = {}
    path: Path = course.log_path
    if path.is_file():
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            try:
                line = json.loads(text)
            except json.JSONDecodeError:
                print(f"{path}:{number}: skipped an unreadable log line", file=sys.stderr)
                continue
            latest[(line["student"], line["assignment"], line["notebook"])] = line
    return list(latest.values())
