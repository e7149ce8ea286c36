"""Helpers for the grading tests and benchmarks: the synthetic-class script, commands, the
gradebook's scores and a real Dask cluster (scheduler and workers as processes, stopped by PID)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType

from tests.processes import kill_stragglers, still_running

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


def synthetic() -> ModuleType:
    """``scripts/make_synthetic_class.py`` imported as a module."""
    if "make_synthetic_class" in sys.modules:
        return sys.modules["make_synthetic_class"]
    path = REPO / "scripts" / "make_synthetic_class.py"
    spec = importlib.util.spec_from_file_location("make_synthetic_class", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def env(**extra: str) -> dict[str, str]:
    """The environment for nbgrader/course subprocesses (``alembic`` on PATH)."""
    bin_dir = str(Path(PYTHON).parent)
    return {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""), **extra}


def run(args: list[str], cwd: Path, timeout: float = 900, check: bool = True,
        **extra_env: str) -> subprocess.CompletedProcess:
    """Run a command; on failure the assertion shows its output."""
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True,
                          env=env(**extra_env), timeout=timeout)
    if check and done.returncode != 0:
        raise AssertionError(f"{args} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done


def course_cmd(*args: str) -> list[str]:
    """``python -m course ...``."""
    return [PYTHON, "-m", "course", *args]


def nbgrader_cmd(*args: str) -> list[str]:
    """``python -m nbgrader ...``."""
    return [PYTHON, "-m", "nbgrader", *args]


def grade_scores(db: Path, assignment: str,
                 course_id: str = "synthetic") -> dict[tuple[str, str], float | None]:
    """``(student, grade cell) -> score`` from a gradebook file."""
    from nbgrader.api import Gradebook, MissingEntry

    scores: dict[tuple[str, str], float | None] = {}
    with Gradebook(f"sqlite:///{db}", course_id) as gb:
        for student in gb.students:
            try:
                sub = gb.find_submission(assignment, student.id)
            except MissingEntry:
                continue
            for nb in sub.notebooks:
                for grade in nb.grades:
                    scores[(student.id, grade.name)] = grade.score
    return scores


def kind_scores(db: Path, assignment: str,
                kinds: Iterable[str]) -> dict[tuple[str, str], float | None]:
    """:func:`grade_scores` of the synthetic students of ``kinds`` only (``s03-partial`` is
    of kind ``partial``)."""
    wanted = set(kinds)
    return {key: score for key, score in grade_scores(db, assignment).items()
            if key[0].split("-", 1)[1] in wanted}


def grade_with_nbgrader(course: Path, copy: Path, assignment: str,
                        kinds: Iterable[str]) -> dict[tuple[str, str], float | None]:
    """Copy ``course`` to ``copy`` (not its autograded or feedback folders) with only the
    submissions of ``kinds``, grade them with plain ``nbgrader autograde --force`` (the copied
    gradebook knows the assignment) and return the scores nbgrader gave them."""
    import shutil

    wanted = set(kinds)
    shutil.copytree(course, copy, ignore=shutil.ignore_patterns("autograded", "feedback"))
    for folder in (copy / "submitted").iterdir():
        if folder.name.split("-", 1)[1] not in wanted:
            shutil.rmtree(folder)
    run(nbgrader_cmd("autograde", assignment, "--force", f"--CourseDirectory.root={copy}"),
        cwd=copy)
    return kind_scores(copy / "gradebook.db", assignment, wanted)


class DaskCluster:
    """A Dask scheduler and workers started as processes on 127.0.0.1, stopped by PID.

    Each process gets its own session, so stopping one kills it and everything it started
    (kernels die with their bubblewrap parent). ``env`` is added to the workers' environment.
    """

    def __init__(self, folder: Path, workers: int = 2, **env: str) -> None:
        self.folder, self.count, self.env = folder, workers, env
        self.scheduler: subprocess.Popen | None = None
        self.workers: dict[str, subprocess.Popen] = {}
        self.address = ""
        self.logs: list = []
        self.stopped: list[int] = []
        self.scratch: list[Path] = []

    def __enter__(self) -> DaskCluster:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def _spawn(self, name: str, args: list[str], **extra: str) -> subprocess.Popen:
        log = (self.folder / f"{name}.log").open("w")
        self.logs.append(log)
        return subprocess.Popen([str(Path(PYTHON).parent / "dask"), *args], stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True,
                                env=env(**extra), cwd=self.folder)

    def start(self, timeout: float = 120) -> None:
        """Start the scheduler, then the workers; return when every worker has registered."""
        import json
        import time

        self.folder.mkdir(parents=True, exist_ok=True)
        info = self.folder / "scheduler.json"
        self.scheduler = self._spawn("scheduler", [
            "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
            "--scheduler-file", str(info)])
        deadline = time.monotonic() + timeout
        while not info.is_file() and time.monotonic() < deadline:
            time.sleep(0.2)
        if not info.is_file():
            raise RuntimeError(f"the Dask scheduler did not start: see {self.folder}")
        self.address = json.loads(info.read_text())["address"]
        for number in range(1, self.count + 1):
            self.add_worker(f"w{number}")
        if self.count:  # a scheduler alone is a cluster too (no worker to wait for)
            self.wait_for_workers(self.count, deadline - time.monotonic())

    def add_worker(self, name: str) -> None:
        """Start one worker process (one thread: one kernel at a time)."""
        # a short TMPDIR: the kernel's ZMQ ipc sockets live under it, and a Unix socket path
        # must stay under 108 bytes
        import tempfile

        tmp = Path(tempfile.mkdtemp(prefix=f"dask-{name}-", dir="/tmp"))
        self.scratch.append(tmp)
        self.workers[name] = self._spawn(name, [
            "worker", self.address, "--name", name, "--nthreads", "1", "--no-nanny",
            "--host", "127.0.0.1", "--no-dashboard",
            "--local-directory", str(self.folder / name)], TMPDIR=str(tmp), **self.env)

    def wait_for_workers(self, count: int, timeout: float = 120) -> None:
        """Block until ``count`` workers are registered with the scheduler."""
        from distributed import Client

        with Client(self.address, timeout=30, set_as_default=False) as client:
            client.wait_for_workers(count, timeout=max(1.0, timeout))

    def kill(self, name: str) -> list[int]:
        """SIGKILL one worker and all it started; return the PIDs that were killed."""
        import psutil

        process = self.workers.pop(name)
        family = [psutil.Process(process.pid)]
        try:
            family += family[0].children(recursive=True)
        except psutil.NoSuchProcess:
            pass
        for member in family:
            try:
                member.kill()
            except psutil.NoSuchProcess:
                pass
        process.wait(timeout=30)
        _, alive = psutil.wait_procs(family, timeout=30)
        left = still_running([p.pid for p in alive])
        if left:
            raise RuntimeError(f"still running after SIGKILL: {left}")
        return [p.pid for p in family]

    def stop(self) -> None:
        """Stop the workers, then the scheduler, by PID; leave nothing running."""
        import psutil

        processes = list(self.workers.values()) + ([self.scheduler] if self.scheduler else [])
        family: list = []
        for process in processes:
            try:
                parent = psutil.Process(process.pid)
                family += [parent, *parent.children(recursive=True)]
            except psutil.NoSuchProcess:
                pass
            if process.poll() is None:
                process.terminate()
        self.stopped = [p.pid for p in family]
        kill_stragglers(family, timeout=15)
        for process in processes:
            process.wait(timeout=15)
        self.workers.clear()
        self.scheduler = None
        for log in self.logs:
            log.close()
        self.logs.clear()
        import shutil

        for folder in self.scratch:
            shutil.rmtree(folder, ignore_errors=True)
        self.scratch.clear()

    def pids(self) -> dict[str, int]:
        """Worker name -> PID of the running workers."""
        return {name: p.pid for name, p in self.workers.items()}
