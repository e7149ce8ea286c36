"""Wrap the kernel command in a sandbox: bubblewrap (namespaces) + prlimit (resource limits).

Inside: read-only system and Python, the ``course`` package and datasets; one writable work
folder holding only this student's files and the assignment's data; a private ``/tmp`` and
home; no network (own network namespace), own PID namespace, unprivileged uid. The kernel
talks to the grader over Unix-domain sockets in a per-job runtime folder (ZMQ ``ipc``), so
the grader sends every cell, hidden tests included, over the socket: no source notebook,
gradebook or other submission is ever on the kernel's file system.

:mod:`course.grading.zygote` builds the same file system (:func:`read_only_paths`,
:func:`root_symlinks`, :func:`environment`) for kernels it forks; this bubblewrap command is
its fallback and the ``COURSE_ZYGOTE=0`` path.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

HOME = "/home/learner"
WORK = f"{HOME}/work"
ROOT_DIRS = ("lib", "lib64", "bin", "sbin", "lib32")
SYSTEM_DIRS = ("/usr", "/etc/alternatives", "/etc/fonts", "/etc/ssl", "/etc/ld.so.cache",
               "/etc/localtime", "/etc/mime.types")


@dataclass(frozen=True)
class Limits:
    """Per-kernel resource limits."""

    memory_bytes: int = 2 * 1024**3
    cpu_seconds: int = 600
    file_bytes: int = 256 * 1024**2
    open_files: int = 512


def bwrap_path() -> str | None:
    """The bubblewrap binary, if installed."""
    return shutil.which("bwrap")


@functools.lru_cache(maxsize=1)
def probe() -> tuple[bool, str]:
    """Can we start a bubblewrap sandbox here? ``(ok, reason)``."""
    binary = bwrap_path()
    if binary is None:
        return False, "bubblewrap (bwrap) is not installed: apt-get install bubblewrap"
    command = [binary, *_base_args(), "--", sys.executable, "-c", "print('ok')"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        return False, f"bubblewrap failed to start: {error}"
    if done.returncode != 0 or "ok" not in done.stdout:
        return False, f"bubblewrap cannot create namespaces here: {done.stderr.strip()}"
    return True, "bubblewrap"


def _python_dirs() -> list[Path]:
    dirs = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(),
            Path(sys.prefix)}
    return sorted(dirs)


def _course_dirs() -> list[Path]:
    import course

    package = Path(course.__file__).resolve().parent
    dirs = [package]
    datasets = package.parent / "datasets"
    if datasets.is_dir():
        dirs.append(datasets)
    return dirs


def datasets_dir() -> Path | None:
    """The datasets folder the kernel sees (``COURSE_DATASETS``)."""
    found = [d for d in _course_dirs() if d.name == "datasets"]
    return found[0] if found else None


def _base_args() -> list[str]:
    args = ["--unshare-all", "--die-with-parent", "--hostname", "sandbox",
            "--uid", "65534", "--gid", "65534", "--proc", "/proc", "--dev", "/dev",
            "--tmpfs", "/tmp", "--tmpfs", "/home", "--dir", HOME, "--dir", WORK]
    for link, target in root_symlinks():
        args += ["--symlink", str(target), str(link)]
    for name in ROOT_DIRS:
        path = Path("/") / name
        if path.is_dir() and not path.is_symlink():
            args += ["--ro-bind", str(path), str(path)]
    for system_dir in SYSTEM_DIRS:
        args += ["--ro-bind-try", system_dir, system_dir]
    for path in _python_dirs() + _course_dirs():
        args += ["--ro-bind", str(path), str(path)]
    return args


def root_symlinks() -> list[tuple[Path, Path]]:
    """``(link, target)`` for ``/lib``, ``/bin``... where the system makes them symlinks."""
    links = [Path("/") / name for name in ROOT_DIRS]
    return [(link, link.readlink()) for link in links if link.is_symlink()]


def read_only_paths() -> list[Path]:
    """What the kernel sees read-only, at the same path: system, Python, course, datasets."""
    dirs = [Path("/") / name for name in ROOT_DIRS]
    found = [d for d in dirs if d.is_dir() and not d.is_symlink()]
    found += [Path(p) for p in SYSTEM_DIRS if Path(p).exists()]
    return found + _python_dirs() + _course_dirs()


def environment(sandboxed: bool) -> dict[str, str]:
    """The kernel's environment variables."""
    env = {"PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
           "LANG": "C.UTF-8", "NBGRADER_EXECUTION": "autograde", "MPLBACKEND": "agg",
           "PYDEVD_DISABLE_FILE_VALIDATION": "1", "PYTHONDONTWRITEBYTECODE": "1",
           # no grade depends on a chart: emit its Vega-Lite spec, never start vl-convert
           # (COURSE_GRADING_CHARTS=svg renders them as before: the breakdown bench's old path)
           "COURSE_RENDERER": "svg" if os.environ.get("COURSE_GRADING_CHARTS") == "svg"
           else "spec"}
    if sandboxed:
        env["HOME"] = HOME
    data = datasets_dir()
    if data is not None:
        env["COURSE_DATASETS"] = str(data)
    return env


def wrap(kernel_cmd: list[str], workdir: Path, rundir: Path, limits: Limits,
         sandboxed: bool) -> list[str]:
    """The full command: sandbox (if ``sandboxed``), then prlimit, then the kernel."""
    # RLIMIT_DATA, not RLIMIT_AS: V8 (vl-convert renders charts) reserves a large address space
    # it never uses and aborts under RLIMIT_AS; RLIMIT_DATA counts writable private memory.
    limit = ["prlimit", f"--data={limits.memory_bytes}", f"--cpu={limits.cpu_seconds}",
             f"--fsize={limits.file_bytes}", f"--nofile={limits.open_files}", "--"]
    prlimit = shutil.which("prlimit")
    limit[0] = prlimit or "prlimit"
    if not sandboxed:
        return (limit if prlimit else []) + kernel_cmd
    # bwrap itself must survive the SIGINT that interrupts the kernel (jupyter_client signals
    # the whole process group); the kernel installs its own SIGINT handler while it runs a cell.
    args = ["/bin/sh", "-c", 'trap "" INT; exec "$0" "$@"', bwrap_path() or "bwrap",
            *_base_args(), "--clearenv"]
    for key, value in environment(True).items():
        args += ["--setenv", key, value]
    args += ["--bind", str(workdir), WORK, "--bind", str(rundir), str(rundir), "--chdir", WORK]
    return args + ["--", *limit, *kernel_cmd]
