"""Is this kernel ready for the course? One check per need, each with a fix in plain words.

``check()`` (module 00's first exercise-free cell) prints a ✅ or ❌ line per item: the Python
version, the packages every module imports, the bundled datasets, and a progress folder the
quizzes can write to. It never changes anything: the progress test writes and deletes a
scratch file next to the progress file, never the file itself.
"""

from __future__ import annotations

import importlib
import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MIN_PYTHON = (3, 11)
SETUP_FIX = ("in a terminal, in the course folder, run `make setup`; then choose the course's "
             "kernel (Kernel → Change Kernel…, the one from the folder's .venv) and restart it")
# import name → what the course uses it for (said when it is missing).
PACKAGES = {
    "pandas": "tables in every module",
    "altair": "the charts",
    "vl_convert": "drawing charts without a network",
    "ipywidgets": "quizzes and interactive widgets",
    "anywidget": "live charts in JupyterLab",
    "yaml": "the quiz banks",
    "filelock": "saving quiz progress safely",
    "platformdirs": "finding your progress folder",
    "tenacity": "module 05's retry library",
}


@dataclass(frozen=True)
class Finding:
    """One item of the check: what was checked, whether it is fine, and what to do if not."""

    item: str
    ok: bool
    detail: str
    fix: str = ""

    def line(self) -> str:
        """The item as one printed line (two when something needs fixing)."""
        if self.ok:
            return f"✅ {self.item}: {self.detail}"
        return f"❌ {self.item}: {self.detail}\n   To fix: {self.fix}"


def check_python(version: tuple[int, ...] | None = None) -> Finding:
    """Python is new enough."""
    found = tuple(version or sys.version_info[:3])
    shown = ".".join(map(str, found))
    if found[:2] >= MIN_PYTHON:
        return Finding("Python", True, shown)
    need = ".".join(map(str, MIN_PYTHON))
    return Finding("Python", False, f"{shown} is older than the {need} the course needs",
                   f"install Python {need} or newer (python.org or your package manager), then "
                   + SETUP_FIX)


def check_packages(importer: Callable[[str], Any] = importlib.import_module) -> list[Finding]:
    """Every package the notebooks import can be imported in this kernel."""
    findings = []
    for name, use in PACKAGES.items():
        try:
            module = importer(name)
        except Exception as error:  # ImportError, or a broken install raising something else
            findings.append(Finding(name, False, f"cannot be imported ({error}); it is needed for {use}",
                                    SETUP_FIX))
        else:
            findings.append(Finding(name, True, str(getattr(module, "__version__", "installed"))))
    return findings


def check_datasets() -> Finding:
    """The bundled datasets are where the course looks for them."""
    from course import paths

    try:
        folder = paths.datasets_dir()
    except Exception as error:
        return Finding("datasets", False, str(error), SETUP_FIX)
    if (folder / "datapackage.json").is_file():
        return Finding("datasets", True, f"found in {folder}")
    return Finding("datasets", False, f"no datapackage.json in {folder}",
                   "unset COURSE_DATASETS, or point it at the course's datasets/ folder, then restart "
                   "the kernel")


def check_progress_store(path: Path | None = None) -> Finding:
    """Quiz progress can be saved: the progress folder exists (or can be made) and is writable."""
    from course import progress

    target = path or progress.progress_path()
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".write-test-", delete=True) as scratch:
            scratch.write(b"ok")
    except OSError as error:
        reason = error.strerror or error
        return Finding("progress", False,
                       f"cannot write in {folder} ({reason}); quiz answers would not be saved",
                       "set COURSE_PROGRESS to a file in a folder you own, e.g. "
                       "`export COURSE_PROGRESS=~/course-progress.json`, then restart JupyterLab")
    if target.exists() and not os.access(target, os.W_OK):
        return Finding("progress", False, f"{target} exists but is read-only",
                       f"make it writable (`chmod u+w {target}`) or set COURSE_PROGRESS to another file")
    return Finding("progress", True, f"answers are saved to {target}")


def findings() -> list[Finding]:
    """Every item, in the order they are printed."""
    return [check_python(), *check_packages(), check_datasets(), check_progress_store()]


def check() -> bool:
    """Print one line per item, and a closing sentence; return True when everything is ready."""
    results = findings()
    for finding in results:
        print(finding.line())
    broken = [f.item for f in results if not f.ok]
    if broken:
        print(f"\n{len(broken)} thing(s) to fix before module 01: {', '.join(broken)}. "
              "Fix them, restart the kernel and run this cell again.")
    else:
        print("\nEverything the course needs is here.")
    return not broken
