"""Where a course's folders and gradebook live, read from its ``nbgrader_config.py``."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from traitlets.config import Config

#: The gradebook URL for every ``course`` grading command and for formgrader (read in
#: ``nbgrader_config.py``); ``--db`` wins over it. ``postgresql://`` means psycopg 3.
GRADEBOOK_ENV = "COURSE_GRADEBOOK_URL"
CONNECT_TIMEOUT = 10  # seconds to wait for a database server before saying it is unreachable


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


def gradebook_url(url: str) -> str:
    """``url`` with a bare ``postgresql://`` (or ``postgres://``) mapped to the psycopg 3 driver,
    the one PostgreSQL driver the course installs; any other URL unchanged."""
    url = url.strip()
    for bare in ("postgresql://", "postgres://"):
        if url.startswith(bare):
            return "postgresql+psycopg://" + url[len(bare):]
    return url


def shown_url(url: str) -> str:
    """The URL as it may appear in a message or log: the password replaced by ``***``."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url.split("@", 1)[-1] if "@" in url else url


def is_sqlite(url: str) -> bool:
    """True for a SQLite URL (a file next to the course, or in memory)."""
    return url.startswith("sqlite:")


def check_reachable(url: str) -> None:
    """Connect once to a database server; a clear error when it cannot be reached.

    SQLite needs no server (its file is checked when the gradebook is opened)."""
    if is_sqlite(url):
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
    from sqlalchemy.pool import NullPool

    try:
        connect_args = ({"connect_timeout": CONNECT_TIMEOUT}
                        if url.startswith("postgresql") else {})
        engine = create_engine(url, connect_args=connect_args, poolclass=NullPool)
    except (ArgumentError, NoSuchModuleError, ImportError) as error:
        raise GradingError(f"gradebook URL {shown_url(url)} is not usable: {error}. Use "
                           "sqlite:///PATH or postgresql://USER:PASSWORD@HOST:PORT/DATABASE"
                           ) from error
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()
        first = reason[0] if reason else type(error).__name__
        if engine.url.password:
            first = first.replace(str(engine.url.password), "***")
        raise GradingError(f"cannot reach the gradebook database {shown_url(url)}: {first}"
                           ) from error
    finally:
        engine.dispose()


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


def nbgrader_config(root: Path) -> Config:
    """The traitlets Config of ``root/nbgrader_config.py`` with the root set to ``root``."""
    from traitlets.config.loader import PyFileConfigLoader

    config_file = root / "nbgrader_config.py"
    if not config_file.is_file():
        raise GradingError(f"{root} is not an nbgrader course: no nbgrader_config.py")
    config = PyFileConfigLoader(config_file.name, path=str(root)).load_config()
    config.CourseDirectory.root = str(root)
    return config


def load(root: Path | None = None, db_url: str | None = None) -> Course:
    """Read ``root/nbgrader_config.py`` the way nbgrader does and resolve the course's paths.

    The gradebook URL is ``db_url`` (``--db``), else ``$COURSE_GRADEBOOK_URL``, else the
    config's ``CourseDirectory.db_url``; a database server must answer now."""
    tools_on_path()
    from nbgrader.coursedir import CourseDirectory

    root = (root or find_root()).resolve()
    coursedir = CourseDirectory(config=nbgrader_config(root))
    configured = gradebook_url(coursedir.db_url)
    url = gradebook_url(db_url or os.environ.get(GRADEBOOK_ENV) or configured)
    if url != configured:
        print(f"course: grading into {shown_url(url)}, but formgrader and plain nbgrader read "
              f"{shown_url(configured)} from {root / 'nbgrader_config.py'}: name the same "
              f"database there (this course's nbgrader_config.py reads ${GRADEBOOK_ENV})",
              file=sys.stderr)
    check_reachable(url)
    return Course(root=root, course_id=coursedir.course_id or "default", db_url=url,
                  source=coursedir.source_directory, release=coursedir.release_directory,
                  submitted=coursedir.submitted_directory,
                  autograded=coursedir.autograded_directory,
                  feedback=coursedir.feedback_directory)
