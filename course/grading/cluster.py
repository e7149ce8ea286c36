"""Grade on a Dask cluster: each submission is one Dask task; this process stays the one writer.

- A worker needs only this package installed (same version: checked when we connect and again
  in every task). It gets each assignment as a content-addressed :class:`~.cache.Bundle` (the
  trusted cells and the data files), scattered to every worker once under the key
  ``course-bundle-<sha256>`` and unpacked once per worker into ``$TMPDIR/course-bundles/<sha256>``
  (:mod:`.bundle_files`; a run's end removes the bundles it did not use).
  The submission's files travel with its task; the autograded folder (graded notebooks and the
  files the notebook wrote) travels back with the result. No shared folder is needed.
- On the worker, :func:`grade_remote` calls the same :func:`~.worker.grade_submission` as
  ``--jobs``, so the kernel runs in the same bubblewrap sandbox with the same limits.
- Back-pressure: at most ``in_flight`` tasks exist at once (a sliding window over
  ``as_completed``), so the submissions of a 10,000-student class are never all in memory.
- A lost worker costs only its running tasks: the scheduler re-runs them elsewhere; a task
  that fails otherwise (say its bundle was lost with every worker holding it) is submitted
  again, twice at most; one that killed several workers (``KilledWorker``) is not. The
  writer keys every result by ``(student, assignment)`` and drops a second result for the
  same key.

``distributed`` is imported only here, and only when ``--cluster`` is used.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from course.grading import bundle_files
from course.grading.cache import Bundle, folder_files, grader_version
from course.grading.config import GradingError
from course.grading.records import Job, Status, error_record

TRACE = "COURSE_GRADING_TRACE"
ATTEMPTS = 3
PRUNE_TIMEOUT = 60.0  # seconds the workers get to remove old bundles after the last grade


def run_job(job: Job) -> dict:
    """Grade one job in this process; with ``$COURSE_GRADING_TRACE`` set, append one JSON line
    per notebook that ran in a kernel (an audit trail; the tests count kernel starts with it)."""
    from course.grading.worker import grade_submission

    record = grade_submission(job)
    trace = os.environ.get(TRACE)
    if trace:
        with open(trace, "a", encoding="utf-8") as handle:
            for entry in record["notebooks"]:
                if Status(entry["status"]).ran:
                    handle.write(json.dumps({"student": job.student,
                                             "assignment": job.assignment,
                                             "notebook": entry["notebook"],
                                             "pid": os.getpid()}) + "\n")
    return record


def _safe(rel: str) -> bool:
    parts = Path(rel).parts
    return bool(parts) and not Path(rel).is_absolute() and ".." not in parts


def grade_remote(job: Job, files: dict[str, bytes], grader: str, bundle: Bundle) -> dict:
    """Run on a Dask worker: unpack the submission, grade it, send back the autograded folder."""
    from course.grading import sandbox

    job = replace(job, refs=bundle.refs)
    if grader != grader_version():
        return {**error_record(job, f"worker runs course grader {grader_version()}, the "
                                    f"client {grader}: install the same version"), "files": {}}
    if job.sandboxed and not sandbox.probe()[0]:
        return {**error_record(job, f"no sandbox on this worker: {sandbox.probe()[1]}"),
                "files": {}}
    root = Path(tempfile.mkdtemp(prefix="course-dask-"))
    try:
        submitted = root / "submitted"
        submitted.mkdir()
        for rel, data in files.items():
            if _safe(rel):
                path = submitted / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
        out = root / "autograded" / job.assignment
        with bundle_files.unpacked(bundle) as source:
            record = run_job(replace(job, submitted=str(submitted), autograded=str(out),
                                     source=str(source)))
        record["files"] = ({rel.as_posix(): (out / rel).read_bytes() for rel in folder_files(out)}
                           if out.is_dir() else {})
        return record
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _probe() -> tuple[bool, str, str]:
    from course.grading import sandbox

    ok, why = sandbox.probe()
    return ok, why, grader_version()


def run_on_workers(client: Any, function: Callable[..., Any], *args: Any,
                   timeout: float) -> tuple[dict[str, Any], dict[str, BaseException]]:
    """Call ``function(*args)`` on every worker (``Client.run``), waiting at most ``timeout``
    seconds; return ``(answers, failures)`` keyed by worker address. A worker whose call
    raised, or that died meanwhile, is in ``failures`` instead of failing the others' answers;
    :class:`TimeoutError` when not every worker answered in time.

    ``on_error="return"`` is ``Client.run``'s own switch. ``Client.run`` has no ``timeout``
    argument: it hands its keywords to ``Client.sync``, whose ``callback_timeout`` bounds the
    wait and raises TimeoutError, the same bound ``Future.result(timeout=)`` uses (read in
    distributed 2026.8.0's ``client.py``; ``test_grading_cluster`` checks it against a worker
    that does not answer in time, so an upgrade that changed it would fail there)."""
    answers = client.run(function, *args, on_error="return", callback_timeout=timeout)
    failures = {w: a for w, a in answers.items() if isinstance(a, BaseException)}
    return {w: a for w, a in answers.items() if w not in failures}, failures


def _worker_label(client: Any, address: str) -> str:
    """``name (address)`` of a worker, or the address alone once the scheduler forgot it."""
    try:
        name = client.scheduler_info()["workers"][address]["name"]
    except Exception:  # noqa: BLE001 - the scheduler or the worker is gone: say the address
        return address
    return f"{name} ({address})" if str(name) != address else address


@dataclass
class Connection:
    """A client connected to a scheduler with at least one worker, and what the workers can do."""

    client: Any
    sandboxed: bool
    threads: int
    own_client: bool = True
    closer: Callable[[], None] | None = None  # a gateway cluster's: client, then gateway

    def close(self) -> None:
        """Disconnect (a client passed in by the caller stays open)."""
        if self.closer is not None:
            self.closer()
        elif self.own_client:
            self.client.close()


def connect(cluster: object, allow_unsandboxed: bool, timeout: float = 60) -> Connection:
    """Connect to ``cluster`` (a scheduler address such as ``tcp://10.0.0.5:8786``, a
    dask-gateway cluster name (:mod:`.gateway`), or an open ``distributed.Client``); check
    every worker runs the same grader and can start the sandbox."""
    from distributed import Client

    from course.grading import gateway

    if gateway.is_cluster_name(cluster):
        client, closer = gateway.open_client(str(cluster))
        try:
            connection = connect(client, allow_unsandboxed, timeout)
        except GradingError as error:
            closer()
            raise GradingError(f"dask-gateway cluster {cluster!r}: {error}") from error
        except BaseException:
            closer()
            raise
        return replace(connection, closer=closer)
    own = not isinstance(cluster, Client)
    try:
        client = cluster if isinstance(cluster, Client) else Client(cluster, timeout=timeout,
                                                                     set_as_default=False)
    except (OSError, TimeoutError, ValueError) as error:
        raise GradingError(f"cannot reach the Dask scheduler at {cluster}: {error}") from error
    try:
        sandboxed = _ready(client, cluster, allow_unsandboxed, timeout)
    except BaseException:
        if own:
            client.close()
        raise
    threads = sum(client.nthreads().values())
    return Connection(client, sandboxed=sandboxed, threads=threads, own_client=own)


def _ready(client: Any, cluster: object, allow_unsandboxed: bool, timeout: float) -> bool:
    """Wait for a worker, then check every worker's grader version and sandbox; whether they
    all have the sandbox. Raises :class:`GradingError` naming what is not ready."""
    try:
        client.wait_for_workers(1, timeout=timeout)
    except (OSError, TimeoutError) as error:
        raise GradingError(f"the Dask cluster at {cluster} has no worker ready ({error!r})") \
            from error
    try:
        probes, failed = run_on_workers(client, _probe, timeout=timeout)
    except (OSError, TimeoutError) as error:
        raise GradingError(f"the Dask workers at {cluster} did not answer the readiness check "
                           f"(sandbox and grader version) within {timeout:g} s ({error!r})") \
            from error
    mine = grader_version()
    problems = [f"{_worker_label(client, worker)}: the readiness check failed ({failure!r})"
                for worker, failure in failed.items()]
    problems += [f"{worker}: course grader {version}, this machine {mine}"
                 for worker, (_ok, _why, version) in probes.items() if version != mine]
    unsandboxed = {w: why for w, (ok, why, _v) in probes.items() if not ok}
    if unsandboxed and not allow_unsandboxed:
        problems += [f"{worker}: no sandbox ({why})" for worker, why in unsandboxed.items()]
    if problems:
        raise GradingError("Dask workers not ready to grade:\n  " + "\n  ".join(problems)
                           + ("\nInstall bubblewrap on the workers, or pass --no-sandbox-ok."
                              if unsandboxed else ""))
    return not unsandboxed


def _files(job: Job) -> dict[str, bytes]:
    """The submission's files, which travel with its task (the refs travel in the bundle)."""
    folder = Path(job.submitted)
    return {rel.as_posix(): (folder / rel).read_bytes() for rel in folder_files(folder)}


def _unpack(record: dict, job: Job) -> dict:
    """Write the returned autograded folder into the course (replacing the old one at once)."""
    files: dict[str, bytes] = record.pop("files", {}) or {}
    out = Path(job.autograded)
    if files:
        staging = out.parent / f".{out.name}.staging"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        for rel, data in files.items():
            if _safe(rel):
                path = staging / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
    for entry in record["notebooks"]:
        if "path" in entry:
            entry["path"] = str(out / f"{entry['notebook']}.ipynb")
    return record


def run(connection: Connection, pending: list[Job], bundles: dict[str, Bundle],
        record: Callable[[Job, dict], None], in_flight: int | None = None) -> None:
    """Grade ``pending`` on the cluster, at most ``in_flight`` tasks at a time; hand each
    result to ``record`` (the one writer) as it arrives."""
    from distributed import as_completed

    client = connection.client
    window = max(1, in_flight or 2 * max(1, connection.threads))
    scattered: dict[str, Any] = {}
    jobs = iter(pending)
    running: dict[str, tuple[Job, int]] = {}
    queue = as_completed(loop=client.loop)  # not the default client: ours may not be it

    def bundle_future(assignment: str) -> Any:
        if assignment not in scattered:
            bundle = bundles[assignment]
            key = f"course-bundle-{bundle.digest}"
            scattered[assignment] = client.scatter({key: bundle}, broadcast=True)[key]
        return scattered[assignment]

    def submit(job: Job, attempt: int) -> None:
        key = f"course-grade-{job.student}-{job.assignment}-{job.hash[:16]}-{attempt}"
        future = client.submit(grade_remote, replace(job, refs=[]), _files(job), grader_version(),
                               bundle_future(job.assignment), key=key, pure=False)
        running[future.key] = (job, attempt)
        queue.add(future)

    def submit_next() -> None:
        job = next(jobs, None)
        if job is not None:
            submit(job, 1)

    for _ in range(window):
        submit_next()
    for future in queue:
        job, attempt = running.pop(future.key)
        try:
            result = _unpack(future.result(), job)
        except Exception as error:  # noqa: BLE001 - a lost worker, a lost bundle, a bug
            future.release()
            # KilledWorker: the scheduler already ran it on several workers that all died
            if attempt < ATTEMPTS and type(error).__name__ != "KilledWorker":
                scattered.pop(job.assignment, None)  # re-scatter if its holders died
                submit(job, attempt + 1)
                continue
            result = error_record(job, f"Dask task failed {attempt} times: {error!r}")
        future.release()
        record(job, result)
        submit_next()
    prune_bundles(client, sorted({b.digest for b in bundles.values()}))


def _warn(message: str) -> None:
    print(f"course autograde: WARNING {message}", file=sys.stderr)


def prune_bundles(client: Any, keep: list[str], timeout: float = PRUNE_TIMEOUT) -> None:
    """Bound each worker's ``$TMPDIR/course-bundles``: remove the bundles other than ``keep``
    (:func:`.bundle_files.prune`). Called after every grade is recorded, so a worker that
    fails, dies or does not answer within ``timeout`` seconds costs a warning naming it on
    stderr, never a grade or the exit status."""
    after = "every grade is recorded; old bundles may stay on disk until a later run"
    try:
        _removed, failures = run_on_workers(client, bundle_files.prune, keep, timeout=timeout)
    except TimeoutError:
        _warn(f"the Dask workers did not finish removing old bundles within {timeout:g} s; "
              f"{after}")
        return
    except Exception as error:  # noqa: BLE001 - e.g. the scheduler has gone away
        _warn(f"could not ask the Dask workers to remove old bundles ({error!r}); {after}")
        return
    for worker, failure in sorted(failures.items()):
        _warn(f"Dask worker {_worker_label(client, worker)} could not remove old bundles from "
              f"its $TMPDIR/course-bundles ({failure!r}); {after}")
