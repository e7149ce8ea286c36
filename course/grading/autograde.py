"""Autograde in parallel: worker processes run notebooks, this process is the one writer.

Workers pay Python's start-up once and each runs one kernel at a time, so ``--jobs N`` keeps
N kernels busy (or ``--cluster``: Dask workers, see :mod:`.cluster`). Before anything runs,
each submission's hash (:mod:`.cache`) is compared with the one stored with its grade; an
unchanged submission is not graded again unless ``force``. Each submission is a
:class:`~.records.Job`; results come back as plain records, and the one writer records them
in the gradebook and appends one :class:`~.records.LogLine` per notebook to
``autograded/grading-log.jsonl`` (:mod:`.log`; ``reused`` for a grade kept from an earlier run).
"""

from __future__ import annotations

import multiprocessing
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TYPE_CHECKING

from course.grading import log, sandbox, zygote
from course.grading.cache import Bundle, HashTable, Stored, folder_digest, grader_version, job_hash
from course.grading.config import Course, GradingError
from course.grading.gradebook import Writer
from course.grading.progress import Progress
from course.grading.records import Job, LogLine, RunLimits, Status, error_record
from course.grading.reference import load_reference

if TYPE_CHECKING:
    from course.grading.cluster import Connection


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
         sandboxed: bool) -> Job:
    return Job(student, assignment,
               submitted=str(course.dir("submitted") / student / assignment),
               autograded=str(course.dir("autograded") / student / assignment),
               source=str(course.dir("source") / assignment), refs=refs, limits=limits,
               sandboxed=sandboxed)


def _progress_label(lines: list[LogLine]) -> str:
    return ", ".join(f"{x.student}/{x.assignment} {x.status} {x.score_text()}"
                     f"{' (reused)' if x.reused else ''}" for x in lines)


class Recorder:
    """The one writer: gradebook, grading log, hash table and progress, one job at a time.

    A job's key is ``(student, assignment)``; a result that arrives for a key already written
    in this run (a job graded twice after a lost worker) is dropped, so no grade is written
    twice.
    """

    def __init__(self, course: Course, hashes: HashTable, version: str,
                 progress: Progress | None, lines: list[LogLine]) -> None:
        self.course, self.hashes, self.version = course, hashes, version
        self.progress, self.lines = progress, lines
        self.written: set[tuple[str, str]] = set()
        self.duplicates = 0
        self.writer = Writer(course)

    def close(self) -> None:
        """Close the gradebook session."""
        self.writer.close()

    def record(self, job: Job, record: dict) -> None:
        """Write one graded submission (once)."""
        if job.key in self.written:
            self.duplicates += 1
            return
        self.written.add(job.key)
        record["hash"] = job.hash or None
        self.writer.record(record)
        new = log.lines_of(record)
        log.append(self.course, new)
        if job.hash and not any(x.status is Status.ERROR for x in new):
            self.hashes.save(*job.key, job.hash, self.version, [x.to_json() for x in new])
        self.lines += new
        if self.progress:
            self.progress.step(_progress_label(new))


def _reusable(course: Course, stored: Stored | None, grade_hash: str, refs: list[dict],
              student: str, assignment: str) -> bool:
    """A stored grade with the same hash whose autograded notebooks are still there."""
    if stored is None or stored.grade_hash != grade_hash:
        return False
    folder = course.dir("autograded") / student / assignment
    return all((folder / f"{r['name']}.ipynb").is_file() for r in refs)


def _reuse(course: Course, student: str, assignment: str, stored: Stored) -> dict:
    """A record standing for a stored grade (logged with ``reused``, not re-executed)."""
    return {"student": student, "assignment": assignment, "seconds": 0.0, "hash":
            stored.grade_hash, "notebooks": [
                {k: line.get(k) for k in ("notebook", "status", "reasons", "score",
                                          "max_score", "needs_manual_grade", "detail")}
                for line in stored.lines]}


def autograde(course: Course, assignments: list[str] | None = None,
              students: list[str] | None = None, jobs: int = 1,
              limits: RunLimits | None = None, allow_unsandboxed: bool = False,
              quiet: bool = False, cluster: str | None = None, force: bool = False,
              in_flight: int | None = None) -> list[LogLine]:
    """Grade every planned submission whose hash changed (all with ``force``); return one log
    line per notebook, reused grades included (``reused``).

    ``cluster``: a Dask scheduler address or a dask-gateway cluster name; the jobs then run
    on its workers (:mod:`course.grading.cluster`), at most ``in_flight`` at a time.
    """
    limits = limits or RunLimits()
    pairs = plan(course, assignments, students)
    connection = None
    if cluster:
        from course.grading.cluster import connect

        connection = connect(cluster, allow_unsandboxed)
        sandboxed = connection.sandboxed
    else:
        sandboxed = check_sandbox(allow_unsandboxed)
    try:
        return _grade(course, pairs, jobs, limits, sandboxed, quiet, force, connection,
                      in_flight)
    finally:
        if connection is not None:
            connection.close()


def _grade(course: Course, pairs: list[tuple[str, str]], jobs: int, limits: RunLimits,
           sandboxed: bool, quiet: bool, force: bool, connection: Connection | None,
           in_flight: int | None) -> list[LogLine]:
    names = sorted({a for _, a in pairs})
    refs = {a: [r.to_dict() for r in load_reference(course, a)] for a in names}
    bundles = {a: Bundle.build(course, a, refs[a]) for a in names}
    version = grader_version()
    hashes = HashTable(course)
    stored = hashes.load(set(names))
    pending: list[Job] = []
    reused: list[dict] = []
    for student, assignment in pairs:
        job = _job(course, student, assignment, refs[assignment], limits, sandboxed)
        job.hash = job_hash(bundles[assignment].digest, folder_digest(Path(job.submitted)),
                            limits, sandboxed, version)
        old = stored.get(job.key)
        if old is not None and not force and _reusable(course, old, job.hash, refs[assignment],
                                                       student, assignment):
            reused.append(_reuse(course, student, assignment, old))
        else:
            pending.append(job)
    del stored
    hashes.engine.dispose()  # no pooled connection crosses the fork of the worker processes
    progress = Progress(len(pairs)) if not quiet else None
    lines: list[LogLine] = []
    recorder = None
    if reused:
        for record in reused:
            new = log.lines_of(record, reused=True)
            log.append(course, new)
            lines += new
            if progress:
                progress.step(_progress_label(new))
        hashes.mark_reused([(r["student"], r["assignment"]) for r in reused])
    if pending and connection is None and sandboxed and zygote.enabled():
        zygote.share()  # one import of the stack for all the pool's workers (issue 19)
    try:
        if connection is not None:
            from course.grading.cluster import run as run_cluster

            recorder = Recorder(course, hashes, version, progress, lines)
            run_cluster(connection, pending, bundles, recorder.record, in_flight)
        else:
            for attempt in range(2):
                if not pending:
                    break
                pending = _run_pool(pending, jobs, course, hashes, version, progress, lines,
                                    last_try=attempt == 1)
    finally:
        zygote.unshare()
        if recorder is not None:
            recorder.close()
        hashes.close()
        if progress:
            progress.close()
    return lines


def _context() -> multiprocessing.context.BaseContext:
    """fork on Linux: workers start at once and ``python -m course`` is not re-imported."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _run_pool(jobs_left: list[Job], jobs: int, course: Course, hashes: HashTable, version: str,
              progress: Progress | None, lines: list[LogLine], last_try: bool) -> list[Job]:
    """Run jobs; return the ones lost to a crashed worker (to retry once)."""
    from course.grading.cluster import run_job

    lost: list[Job] = []
    with ProcessPoolExecutor(max_workers=max(1, min(jobs, len(jobs_left))),
                             mp_context=_context()) as pool:
        futures = {pool.submit(run_job, job): job for job in jobs_left}
        # opened after the workers forked; only this process writes
        recorder = Recorder(course, hashes, version, progress, lines)
        try:
            _collect(futures, recorder, lost, last_try)
        finally:
            recorder.close()
    return lost


def _collect(futures: dict, recorder: Recorder, lost: list[Job], last_try: bool) -> None:
    """Record each finished job as it arrives."""
    for future in as_completed(futures):
        job = futures[future]
        try:
            record = future.result()
        except BrokenProcessPool as error:
            if not last_try:
                lost.append(job)
                continue
            record = error_record(job, f"worker process crashed: {error!r}")
        except Exception as error:  # noqa: BLE001
            record = error_record(job, f"grader failure: {error!r}")
        recorder.record(job, record)


def summary(lines: list[LogLine]) -> str:
    """A plain-text table of the results (reasons only: the detail stays in the log)."""
    rows = [f"{'student':<18} {'assignment':<24} {'status':<11} {'score':<14} reasons"]
    for x in sorted(lines, key=lambda x: (x.assignment, x.student, x.notebook)):
        rows.append(f"{x.student:<18} {x.assignment:<24} {x.status:<11} "
                    f"{x.score_text():<14} {'; '.join(x.reasons)}")
    return "\n".join(rows)
