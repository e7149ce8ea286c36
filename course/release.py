"""Generate the student release (``notebooks/``) from the instructor source (``solutions/``).

It runs nbgrader's ``generate_assignment`` into a scratch folder (with a scratch gradebook,
so releasing never touches ``gradebook.db``), checks the result for leaked solutions and
hidden tests, normalises it (no outputs, Python 3 kernelspec) and then replaces the
module's folder in ``notebooks/``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from course.nbcells import KERNELSPEC, Markers, course_markers, instructor_lines, markers


class ReleaseError(RuntimeError):
    """A module could not be released; the message names the module, notebook and cell."""


@dataclass(frozen=True)
class Leak:
    """A piece of instructor-only text found in a released notebook."""

    notebook: Path
    cell_index: int
    text: str

    def __str__(self) -> str:
        return f"{self.notebook}: cell {self.cell_index} leaks {self.text!r}"


def modules(root: Path) -> list[str]:
    """Every module of the manifest (``course/modules.yaml``) with a source notebook, in order."""
    from course import modules as registry

    return [m.slug for m in registry.load(root) if m.solution(root).is_file()]


def find_leaks(released: Path, source: Path, marks: Markers | None = None) -> list[Leak]:
    """Instructor-only markers or solution/hidden-test lines present in a released notebook
    (``marks``: nbgrader's delimiters, by default its own defaults)."""
    marks = marks or markers()
    source_nb = json.loads(source.read_text(encoding="utf-8"))
    released_nb = json.loads(released.read_text(encoding="utf-8"))
    secrets = list(marks.all()) + [line for cell in source_nb["cells"]
                                   for line in instructor_lines("".join(cell["source"]), marks)]
    leaks: list[Leak] = []
    for index, cell in enumerate(released_nb["cells"]):
        text = "".join(cell["source"])
        leaks += [Leak(released, index, s) for s in secrets if s in text]
    return leaks


def normalise(path: Path) -> None:
    """Strip outputs and execution counts; give the notebook the Python 3 kernelspec."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    nb.setdefault("metadata", {})["kernelspec"] = dict(KERNELSPEC)
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def tool_env() -> dict[str, str]:
    """This environment with the interpreter's bin folder first on PATH (nbgrader runs
    ``alembic`` and ``jupyter`` by name, which are not on PATH when the venv is not activated)."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def generate(root: Path, names: list[str], out_dir: Path) -> dict[str, Path]:
    """Run nbgrader generate_assignment once for ``names`` into ``out_dir/<module>``.

    One nbgrader process releases every module (``*``), so its start-up is paid once.
    """
    scratch = Path(tempfile.mkdtemp(prefix="course-release-"))
    pattern = names[0] if len(names) == 1 else "*"
    try:
        command = [
            sys.executable, "-m", "nbgrader", "generate_assignment", pattern, "--force",
            f"--CourseDirectory.root={root}",
            f"--CourseDirectory.release_directory={scratch / 'release'}",
            f"--CourseDirectory.db_url=sqlite:///{scratch / 'gradebook.db'}",
            "--log-level=ERROR",
        ]
        done = subprocess.run(command, cwd=root, capture_output=True, text=True, env=tool_env())
        missing = [m for m in names if not (scratch / "release" / m).is_dir()]
        if done.returncode != 0 or missing:
            raise ReleaseError(f"nbgrader could not release {', '.join(missing or names)}:\n"
                               f"{done.stdout}{done.stderr}")
        produced = {}
        for module in names:
            target = out_dir / module
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(scratch / "release" / module, target)
            produced[module] = target
        return produced
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def release(root: Path, only: list[str] | None = None, out_dir: Path | None = None) -> list[Path]:
    """Release the given modules (default all) into ``out_dir`` (default ``notebooks/``).

    Raises :class:`ReleaseError` naming every leak; on a leak nothing is written to
    ``notebooks/`` at all.
    """
    names = only or modules(root)
    unknown = [m for m in names if m not in modules(root)]
    if unknown:
        raise ReleaseError(f"no such module: {', '.join(unknown)} (course/modules.yaml lists the "
                           f"modules; each needs solutions/<slug>/<slug>.ipynb)")
    final_dir = out_dir or root / "notebooks"
    staging = Path(tempfile.mkdtemp(prefix="course-stage-"))
    try:
        produced = generate(root, names, staging)
        marks = course_markers(root)
        for module in names:
            leaks: list[Leak] = []
            for notebook in sorted(produced[module].glob("*.ipynb")):
                normalise(notebook)
                leaks += find_leaks(notebook, root / "solutions" / module / notebook.name, marks)
            if leaks:
                raise ReleaseError("leak check failed:\n" + "\n".join(map(str, leaks)))
        written: list[Path] = []
        for module in names:
            target = final_dir / module
            if target.exists():
                shutil.rmtree(target)
            final_dir.mkdir(parents=True, exist_ok=True)
            shutil.copytree(produced[module], target)
            written.append(target)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)
