"""nbgrader's file exchange with each submission and feedback page private to its student.

Plain nbgrader hides a submission only behind a random folder name: the folder is
world-writable and its files world-readable, so anyone who learns the path can read or
replace them, and released feedback pages are world-readable by their hashed name. These
subclasses keep nbgrader's layout (plain ``nbgrader collect`` and ``fetch_feedback`` work
unchanged) and close that gap:

- :class:`PrivateSubmit` (the students' side) takes every permission away from "others"
  on the new submission. The exchange's ``inbound/`` folder is setgid, so the submission
  already belongs to the instructor's group, which keeps read and delete rights.
- :class:`PrivateReleaseFeedback` (the instructor's side) gives each released page to
  its student's OS account (owner read/write, instructor group read, others nothing).
  Changing a file's owner needs root; otherwise, or when the student has no OS account
  (a course on one laptop), the page stays as nbgrader leaves it and the log says so.

Students select the submit class in their nbgrader configuration, e.g. in
``/etc/jupyter/nbgrader_config.py`` on a shared server: see :data:`STUDENT_CONFIG`.
"""

from __future__ import annotations

import glob
import os
import pwd
import stat
from pathlib import Path

from nbgrader.exchange.default.release_feedback import ExchangeReleaseFeedback
from nbgrader.exchange.default.submit import ExchangeSubmit
from nbgrader.utils import notebook_hash

SUBMIT_CLASS = "course.grading.exchange.PrivateSubmit"
RELEASE_FEEDBACK_CLASS = "course.grading.exchange.PrivateReleaseFeedback"
STUDENT_CONFIG = (
    "# Submissions readable only by their student and the instructors' group.\n"
    f'c.ExchangeFactory.submit = "{SUBMIT_CLASS}"\n'
)
FEEDBACK_MODE = 0o640


def close_to_others(folder: Path) -> None:
    """Remove every "other" permission bit from ``folder`` and everything inside it."""
    for path in [folder, *folder.rglob("*")]:
        path.chmod(stat.S_IMODE(path.lstat().st_mode) & ~0o007)


def give_to_student(page: Path, student: str) -> str | None:
    """Make ``page`` the student's (mode 0640); the reason it stayed as it was, or None."""
    try:
        uid = pwd.getpwnam(student).pw_uid
    except KeyError:
        return f"no OS account named {student!r}"
    if os.geteuid() != 0:
        return "changing a file's owner needs root"
    os.chown(page, uid, -1)
    page.chmod(FEEDBACK_MODE)
    return None


class PrivateSubmit(ExchangeSubmit):
    """``nbgrader submit`` whose submission only its student and the instructors can open."""

    def copy_files(self) -> None:
        super().copy_files()
        close_to_others(Path(self.inbound_path) / self.assignment_filename)


class PrivateReleaseFeedback(ExchangeReleaseFeedback):
    """``nbgrader release_feedback`` that hands each page to its student's OS account."""

    def copy_files(self) -> None:
        super().copy_files()
        kept: list[str] = []
        for html in sorted(glob.glob(os.path.join(self.src_path, "*.html"))):
            page = Path(html)  # feedback/<student>/<assignment>/<notebook>.html
            secret = (page.parent / "submission_secret.txt").read_text()
            released = Path(self.dest_path) / f"{notebook_hash(secret=secret, notebook_id=page.stem)}.html"
            if not released.exists():  # an excluded student
                continue
            why = give_to_student(released, page.parent.parent.name)
            if why:
                kept.append(f"{page.parent.parent.name}: {why}")
        if kept:
            self.log.warning(
                "%d feedback page(s) stay readable by anyone who knows their hashed name "
                "(nbgrader's default): %s", len(kept), "; ".join(kept))
