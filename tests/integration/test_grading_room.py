"""A room, end to end, through a temporary nbgrader exchange.

The instructor releases; five students fetch, work (scripted), submit; the instructor
collects, autogrades in parallel, generates and releases feedback; the students fetch it.
As root (CI) the students are real OS users (created here, removed after) and we check that
none can read another's submission or feedback, even knowing its exact path.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from course.grading import sandbox
from course.grading.exchange import STUDENT_CONFIG
from tests.grading_tools import PYTHON, course_cmd, grade_scores, nbgrader_cmd, run, synthetic

pytestmark = pytest.mark.slow

ASSIGNMENT = "fixture-01"
COURSE_ID = "synthetic"
WORK = (("perfect", 6.0), ("empty", 0.0), ("partial", 5.0), ("kernel-death", 5.0),
        ("always-equal", 0.0))
HIDDEN = ("add(-5, 5)", "add(10, 20)", "mean([2, 4])", "len(words) == 3")


def _other_users_can_run_python() -> tuple[bool, str]:
    if os.geteuid() != 0:
        return False, "not running as root: cannot create OS users"
    if not shutil.which("useradd") or not shutil.which("setpriv"):
        return False, "useradd/setpriv not available"
    done = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                           PYTHON, "-c", "import nbgrader"], capture_output=True)
    if done.returncode != 0:
        return False, (f"{PYTHON} is not usable by other users (a parent folder is private), "
                       "so students run as root with their own USER instead")
    return True, ""


class Student:
    """One learner: a home folder and (as root in CI) a real OS account."""

    def __init__(self, name: str, base: Path, real: bool) -> None:
        self.name, self.home, self.real = name, base / "home" / name, real
        self.home.mkdir(parents=True)
        if real:
            subprocess.run(["useradd", "-M", "-d", str(self.home), "-s", "/bin/sh", name],
                           check=True)
            entry = pwd.getpwnam(name)
            os.chown(self.home, entry.pw_uid, entry.pw_gid)
            self.home.chmod(0o700)
        self.write_config()

    def write_config(self) -> None:
        """The students' nbgrader configuration the README gives (private submissions)."""
        config = self.home / ".jupyter" / "nbgrader_config.py"
        config.parent.mkdir()
        config.write_text(STUDENT_CONFIG)
        if self.real:
            for path in (config.parent, config):
                shutil.chown(path, self.name, self.name)

    def run(self, *args: str) -> subprocess.CompletedProcess:
        prefix: list[str] = []
        if self.real:
            prefix = ["setpriv", f"--reuid={self.name}", f"--regid={self.name}",
                      "--init-groups"]
        return run([*prefix, *args], cwd=self.home, HOME=str(self.home), USER=self.name,
                   LOGNAME=self.name)

    def nbgrader(self, *args: str) -> subprocess.CompletedProcess:
        return self.run(*nbgrader_cmd(*args, f"--CourseDirectory.course_id={COURSE_ID}",
                                      f"--Exchange.root={self.exchange}"))

    def succeeds(self, *command: str) -> bool:
        """Whether ``command`` run as this student's OS account exits 0."""
        done = subprocess.run(["setpriv", f"--reuid={self.name}", f"--regid={self.name}",
                               "--init-groups", *command], capture_output=True)
        return done.returncode == 0

    def can_read(self, path: Path) -> bool:
        return self.succeeds("cat", str(path))

    def can_list(self, path: Path) -> bool:
        return self.succeeds("ls", str(path))

    def can_write_into(self, folder: Path) -> bool:
        return self.succeeds("touch", str(folder / "planted.txt"))

    def remove(self) -> None:
        if self.real:
            subprocess.run(["userdel", self.name], capture_output=True)


@pytest.fixture(scope="module")
def room():  # type: ignore[no-untyped-def]
    ok, why = sandbox.probe()
    if not ok:
        pytest.skip(f"no sandbox here: {why}")
    real, reason = _other_users_can_run_python()
    base = Path(tempfile.mkdtemp(prefix="course-room-"))
    base.chmod(0o755)
    course, exchange = base / "course", base / "exchange"
    exchange.mkdir()
    exchange.chmod(0o755)
    make = synthetic()
    make.write_fixture(course)
    course.chmod(0o700)  # the instructor's own folder, as on a shared server
    tag = f"{os.getpid() % 100000:05d}"
    students: list[Student] = []
    try:
        for index in range(len(WORK)):
            student = Student(f"crs{tag}s{index}", base, real)
            student.exchange = exchange  # type: ignore[attr-defined]
            students.append(student)
        instructor = [f"--CourseDirectory.root={course}", f"--Exchange.root={exchange}"]
        run(nbgrader_cmd("generate_assignment", ASSIGNMENT, "--force", *instructor), cwd=course)
        run(nbgrader_cmd("release_assignment", ASSIGNMENT, *instructor), cwd=course)
        source = nbformat.read(course / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)

        def learn(student: Student, kind: str) -> None:
            student.nbgrader("fetch_assignment", ASSIGNMENT)
            fetched = student.home / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
            work = Path(tempfile.mkdtemp(dir=base))
            make.make(kind, make.Assignment(source, nbformat.read(fetched, 4)), student.name,
                      course, ASSIGNMENT, work)
            shutil.copyfile(work / f"{ASSIGNMENT}.ipynb", fetched)  # keeps the owner
            student.nbgrader("submit", ASSIGNMENT)

        with ThreadPoolExecutor(max_workers=len(students)) as pool:  # a room works at once
            list(pool.map(learn, students, [kind for kind, _ in WORK]))
        run(nbgrader_cmd("collect", ASSIGNMENT, *instructor), cwd=course)
        run(course_cmd("autograde", "--jobs", "2", "--timeout", "10", "--course-dir",
                       str(course)), cwd=course)
        run(course_cmd("feedback", "--course-dir", str(course), "--exchange", str(exchange)),
            cwd=course)
        with ThreadPoolExecutor(max_workers=len(students)) as pool:
            list(pool.map(lambda s: s.nbgrader("fetch_feedback", ASSIGNMENT), students))
        yield {"course": course, "exchange": exchange, "students": students, "real": real,
               "reason": reason}
    finally:
        for student in students:
            student.remove()
        shutil.rmtree(base, ignore_errors=True)


def test_room_scores_are_exact(room: dict) -> None:
    scores = grade_scores(room["course"] / "gradebook.db", ASSIGNMENT, COURSE_ID)
    got = {s.name: sum(v or 0 for (who, _), v in scores.items() if who == s.name)
           for s in room["students"]}
    assert got == {s.name: want for s, (_, want) in zip(room["students"], WORK, strict=True)}


def test_students_fetched_feedback_without_hidden_tests(room: dict) -> None:
    for student in room["students"]:
        pages = list((student.home / ASSIGNMENT / "feedback").rglob("*.html"))
        assert len(pages) == 1, student.name
        text = pages[0].read_text()
        assert not [h for h in HIDDEN if h in text], student.name
        assert "points" in text


def _owned_by(paths: list[Path], student: Student) -> list[Path]:
    uid = pwd.getpwnam(student.name).pw_uid
    return [p for p in paths if p.stat().st_uid == uid]


def test_students_cannot_read_each_other(room: dict) -> None:
    """Each student can open their own submission and feedback page in the exchange and
    nothing of anyone else's, even by exact path; nor list the exchange's folders, plant a
    file in another's submission, or look into another's home."""
    if not room["real"]:
        pytest.skip(room["reason"])
    exchange = room["exchange"] / COURSE_ID
    students = room["students"]
    submissions = [p for p in (exchange / "inbound").iterdir() if p.is_dir()]
    pages = [p for p in (exchange / "feedback").iterdir() if p.is_file()]
    assert len(submissions) == len(pages) == len(students)
    for me in students:
        (my_folder,) = _owned_by(submissions, me)
        my_notebook = my_folder / f"{ASSIGNMENT}.ipynb"
        (my_page,) = _owned_by(pages, me)
        assert me.can_read(my_notebook) and me.can_read(my_page), me.name
        assert not me.can_list(exchange / "inbound"), me.name
        assert not me.can_list(exchange / "feedback"), me.name
        for other in students:
            if other is me:
                continue
            (folder,) = _owned_by(submissions, other)
            (page,) = _owned_by(pages, other)
            home_copy = other.home / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
            fetched = next((other.home / ASSIGNMENT / "feedback").rglob("*.html"))
            pair = (me.name, other.name)
            assert not me.can_read(folder / f"{ASSIGNMENT}.ipynb"), pair
            assert not me.can_read(folder / "submission_secret.txt"), pair
            assert not me.can_write_into(folder), pair
            assert not me.can_read(page), pair
            assert not me.can_list(other.home), pair
            assert not me.can_read(home_copy) and not me.can_read(fetched), pair
