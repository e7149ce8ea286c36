"""Where a course's folders and gradebook live, read from its ``nbgrader_config.py``."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


class GradingError(RuntimeError):
    """A grading command cannot go on; the message says what and where."""


@dataclass(frozen=True)
class Course:
    """The folders and database of one nbgrader course."""

    root: Path
    course_id: str
    db_url: str
    source: str = "source"
    release: str = "release"
    submitted: str = "submitted"
    autograded: str = "autograded"
    feedback: str = "feedback"

    def dir(self, kind: str) -> Path:
        """The top folder of one kind (``source``, ``submitted``, ...)."""
        return self.root / getattr(self, kind)

    @property
    def log_path(self) -> Path:
        """The machine-readable grading log (JSON lines)."""
        return self.dir("autograded") / "grading-log.jsonl"


def find_root(start: Path | None = None) -> Path:
    """The course folder: the nearest folder upwards holding ``nbgrader_config.py``."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "nbgrader_config.py").is_file():
            return folder
    from course import paths

    root = paths.repo_root()
    if root is not None and (root / "nbgrader_config.py").is_file():
        return root
    raise GradingError(f"no nbgrader_config.py in {here} or above: run this from the course folder "
                       "or pass --course-dir")


def tools_on_path() -> None:
    """Put this Python's ``bin`` first on PATH: nbgrader runs ``alembic`` as a command."""
    import sys

    bin_dir = str(Path(sys.executable).parent)
    if os.environ.get("PATH", "").split(os.pathsep)[0] != bin_dir:
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")


def nbgrader_config(root: Path):  # type: ignore[no-untyped-def]
    """The traitlets Config of ``root/nbgrader_config.py`` with the root set to ``root``."""
    from traitlets.config.loader import PyFileConfigLoader

    config_file = root / "nbgrader_config.py"
    if not config_file.is_file():
        raise GradingError(f"{root} is not an nbgrader course: no nbgrader_config.py")
    config = PyFileConfigLoader(config_file.name, path=str(root)).load_config()
    config.CourseDirectory.root = str(root)
    return config


def load(root: Path | None = None, db_url: str | None = None) -> Course:
    """Read ``root/nbgrader_config.py`` the way nbgrader does and resolve the course's paths."""
    tools_on_path()
    from nbgrader.coursedir import CourseDirectory

    root = (root or find_root()).resolve()
    coursedir = CourseDirectory(config=nbgrader_config(root))
    url = db_url or os.environ.get("COURSE_DB_URL") or coursedir.db_url
    return Course(root=root, course_id=coursedir.course_id or "default", db_url=url,
                  source=coursedir.source_directory, release=coursedir.release_directory,
                  submitted=coursedir.submitted_directory,
                  autograded=coursedir.autograded_directory,
                  feedback=coursedir.feedback_directory)
