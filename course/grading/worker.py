"""Grade one student's submission of one assignment (runs inside a worker process).

Never raises: every problem becomes a status and a reason in the returned record.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
import traceback
from pathlib import Path

import nbformat

from course.grading.execute import SOCKET_PATH_MAX, RunLimits, run_notebook, socket_path
from course.grading.outputs import keep_written
from course.grading.records import Job, Status, error_record
from course.grading.reference import RefNotebook
from course.grading.repair import InvalidNotebook, from_reference, read_notebook, repair

IGNORED = (".ipynb_checkpoints", "__pycache__", ".git")


def _files(folder: Path) -> list[Path]:
    """Non-notebook files under ``folder`` (relative), skipping checkpoints and caches."""
    if not folder.is_dir():
        return []
    return sorted(p.relative_to(folder) for p in folder.rglob("*")
                  if p.is_file() and p.suffix != ".ipynb"
                  and not any(part in IGNORED for part in p.relative_to(folder).parts))


def _copy_files(sources: list[tuple[Path, Path]], dest: Path) -> None:
    for base, rel in sources:
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(base / rel, target)


def find_notebooks(submission: Path, names: list[str]) -> tuple[dict[str, Path], list[str]]:
    """Map each expected notebook to a submitted file; handle renamed and extra notebooks."""
    found: dict[str, Path] = {}
    notes: list[str] = []
    present = sorted(submission.glob("*.ipynb")) if submission.is_dir() else []
    unused = [p for p in present if p.stem not in names]
    for name in names:
        if (submission / f"{name}.ipynb").is_file():
            found[name] = submission / f"{name}.ipynb"
    missing = [n for n in names if n not in found]
    for name in missing:
        similar = [p for p in unused if name.lower() in p.stem.lower()]
        pick = similar if similar else (unused if len(missing) == 1 else [])
        if len(pick) == 1:
            found[name] = pick[0]
            unused.remove(pick[0])
            notes.append(f"{name}.ipynb missing; graded the renamed notebook {pick[0].name}")
    for extra in unused:
        notes.append(f"extra notebook {extra.name} ignored")
    return found, notes


def _scratch_base(refs: list[RefNotebook]) -> str | None:
    """TMPDIR (None), unless the kernels' sockets under it would pass the AF_UNIX path limit;
    then /tmp (mkdtemp makes the scratch folder private there: mode 0700)."""
    longest = max((len(ref.name) for ref in refs), default=0)
    scratch = Path(tempfile.gettempdir(), "course-grade-" + "x" * 8)  # mkdtemp adds 8 characters
    fits = len(os.fsencode(socket_path(scratch / f"run-{'n' * longest}"))) <= SOCKET_PATH_MAX
    return None if fits else "/tmp"


def grade_submission(job: Job) -> dict:
    """Grade every notebook of one submission; write ``autograded/<student>/<assignment>/``."""
    started = time.monotonic()
    submission = Path(job.submitted)
    record: dict = {"student": job.student, "assignment": job.assignment, "notebooks": []}
    refs = [RefNotebook.from_dict(r) for r in job.refs]
    limits: RunLimits = job.limits
    scratch = Path(tempfile.mkdtemp(prefix="course-grade-", dir=_scratch_base(refs)))
    out_dir = Path(job.autograded)
    staging = out_dir.parent / f".{out_dir.name}.staging"
    try:
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        data = [(submission, p) for p in _files(submission)]
        data += [(Path(job.source), p) for p in _files(Path(job.source))]
        _copy_files(data, staging)
        found, notes = find_notebooks(submission, [r.name for r in refs])
        for ref in refs:
            entry = _grade_notebook(ref, found.get(ref.name), data, scratch, limits,
                                    job.sandboxed, keep=staging)
            if notes and ref is refs[0]:
                entry["reasons"] = notes + entry["reasons"]
                if any("renamed" in n or "extra" in n for n in notes):
                    entry["status"] = Status.worst([entry["status"], Status.REPAIRED])
            nbformat.write(entry.pop("nb"), staging / f"{ref.name}.ipynb")
            entry["path"] = str(out_dir / f"{ref.name}.ipynb")
            record["notebooks"].append(entry)
        if out_dir.exists():
            shutil.rmtree(out_dir)
        staging.rename(out_dir)
    except Exception as error:  # noqa: BLE001 - one submission never stops the batch
        record["notebooks"] = error_record(job, f"grader failure: {error!r}",
                                           traceback.format_exc(limit=3))["notebooks"]
        shutil.rmtree(staging, ignore_errors=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    record["seconds"] = round(time.monotonic() - started, 2)
    return record


def _grade_notebook(ref: RefNotebook, path: Path | None, data: list[tuple[Path, Path]],
                    scratch: Path, limits: RunLimits, sandboxed: bool,
                    keep: Path | None = None) -> dict:
    entry: dict = {"notebook": ref.name, "status": Status.OK, "reasons": []}
    if path is None:
        reason = f"{ref.name}.ipynb was not submitted"
        entry.update(status=Status.MISSING, reasons=[reason], nb=from_reference(ref, reason))
        _mark_not_run(entry["nb"])
        return entry
    try:
        nb = read_notebook(path)
    except InvalidNotebook as error:
        entry.update(status=Status.INVALID, reasons=[str(error)],
                     nb=from_reference(ref, f"the submitted file is not a valid notebook: "
                                            f"{error}"))
        _mark_not_run(entry["nb"])
        return entry
    started = time.monotonic()
    repaired = repair(nb, ref)
    workdir, rundir = scratch / f"work-{ref.name}", scratch / f"run-{ref.name}"
    workdir.mkdir()
    rundir.mkdir()
    _copy_files(data, workdir)
    prepared = time.monotonic()
    result = run_notebook(repaired.nb, workdir, rundir, limits, sandboxed)
    ran = time.monotonic()
    written = keep_written(workdir, data, keep) if keep is not None else []
    _report_seconds(ref.name, {"repair + copy files": prepared - started, **result.seconds,
                               "keep written files": time.monotonic() - ran})
    statuses = result.statuses + (["repaired"] if repaired.notes else [])
    entry.update(status=Status.worst(statuses), reasons=repaired.notes + result.notes + written,
                 nb=result.nb)
    return entry


def _report_seconds(notebook: str, seconds: dict[str, float]) -> None:
    """Append this notebook's phases to ``$COURSE_GRADING_TIMINGS`` (the breakdown bench)."""
    target = os.environ.get("COURSE_GRADING_TIMINGS")
    if target:
        line = json.dumps({"notebook": notebook, "pid": os.getpid(), "seconds": seconds})
        with open(target, "a", encoding="utf-8") as out:
            out.write(line + "\n")


def _mark_not_run(nb: nbformat.NotebookNode) -> None:
    """Give the stand-in's test cells their error output without starting a kernel."""
    from course.grading.execute import _error, _is_test
    from course.grading.repair import SKIP

    for cell in nb.cells:
        if cell.cell_type == "code":
            reason = cell.metadata.pop(SKIP, "not run")
            cell.outputs = [_error("NotRun", reason)] if _is_test(cell) else []

