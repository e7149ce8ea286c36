"""``course autograde --cluster`` on a real Dask scheduler and two workers (processes on
127.0.0.1, stopped by PID): the synthetic class, adversarial submissions included, gets exactly
the expected grades and plain nbgrader's; a worker killed mid-batch still leaves every grade
written exactly once."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest

from tests.grading_tools import (
    DaskCluster,
    course_cmd,
    env,
    grade_scores,
    grade_with_nbgrader,
    kind_scores,
    run,
    synthetic,
)
from tests.processes import free_port, still_running

pytestmark = pytest.mark.slow

ASSIGNMENT = "fixture-01"
STALE = "0" * 64
PARITY = ("perfect", "empty", "partial", "edited-tests", "wrong-kernel", "extra-files")


def _log(course: Path) -> list[dict]:
    path = course / "autograded" / "grading-log.jsonl"
    return [json.loads(x) for x in path.read_text().splitlines()] if path.is_file() else []


def _gradebook_totals(course: Path) -> dict[str, float]:
    """Each student's total score in the course's gradebook."""
    totals: dict[str, float] = {}
    for (student, _cell), score in grade_scores(course / "gradebook.db", ASSIGNMENT).items():
        totals[student] = totals.get(student, 0.0) + (score or 0.0)
    return totals


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict:
    base = tmp_path_factory.mktemp("cluster")
    course = base / "class"
    synthetic().main([str(course), "--fixture"])
    with DaskCluster(base / "dask", workers=2) as cluster:
        for tmp in cluster.scratch:  # a bundle an earlier run left in each worker's TMPDIR
            (tmp / "course-bundles" / STALE / "data.txt").parent.mkdir(parents=True)
            (tmp / "course-bundles" / STALE / "data.txt").write_text("old\n")
        done = run(course_cmd("autograde", "--cluster", cluster.address, "--timeout", "5",
                              "--budget", "60", "--course-dir", str(course)), cwd=course)
        bundles = {tmp.name: sorted(p.name for p in (tmp / "course-bundles").iterdir()
                                    if p.is_dir()) for tmp in cluster.scratch}
    assert cluster.stopped and not still_running(cluster.stopped)
    expected = json.loads((course / f"expected-{ASSIGNMENT}.json").read_text())
    return {"course": course, "base": base, "expected": expected, "log": _log(course),
            "stdout": done.stdout, "bundles": bundles}


def test_every_submission_graded_once_with_the_expected_score(graded: dict) -> None:
    students = [x["student"] for x in graded["log"]]
    assert sorted(students) == sorted(graded["expected"])  # each exactly once
    got = {x["student"]: (x["status"], x["score"]) for x in graded["log"]}
    assert got == {s: (w["status"], w["score"]) for s, w in graded["expected"].items()}
    assert f"{len(students)} notebook(s) graded, 0 reused" in graded["stdout"]


def test_the_bundle_reached_the_workers_and_the_sandbox_held(graded: dict) -> None:
    root = graded["course"] / "autograded"
    for student in graded["expected"]:
        folder = root / student / ASSIGNMENT
        assert (folder / "data.txt").read_text() == "the cat sat\n", student
        assert (folder / f"{ASSIGNMENT}.ipynb").is_file(), student
    snoop = (root / "s20-snoop" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text()
    assert "SNOOP RESULT: []" in snoop


def test_the_run_leaves_only_its_own_bundle_on_the_workers(graded: dict) -> None:
    """$TMPDIR/course-bundles stays bounded: the run's end removed the stale bundle."""
    left = {name for names in graded["bundles"].values() for name in names}
    assert len(left) == 1 and STALE not in left, graded["bundles"]


def test_grades_equal_serial_nbgrader(graded: dict) -> None:
    course = graded["course"]
    theirs = grade_with_nbgrader(course, graded["base"] / "by-nbgrader", ASSIGNMENT, PARITY)
    assert len(theirs) == len(PARITY) * 4
    assert kind_scores(course / "gradebook.db", ASSIGNMENT, PARITY) == theirs


def _busy_worker(address: str, students: list[str]) -> tuple[str, str]:
    """(worker name, student) of a grading task running right now."""
    from distributed import Client

    seen = []
    with Client(address, timeout=30, set_as_default=False) as client:
        for _ in range(600):
            names = {a: w["name"] for a, w in client.scheduler_info()["workers"].items()}
            processing = client.processing()
            seen.append(processing)
            for worker, keys in processing.items():
                for key in keys:
                    found = [s for s in students if f"course-grade-{s}-" in str(key)]
                    if found:
                        return names[worker], found[0]
            time.sleep(0.1)
    raise AssertionError(f"no grading task ever ran: {seen[:3]} ... {seen[-3:]}")


def test_a_worker_killed_mid_batch_costs_only_its_jobs(tmp_path: Path) -> None:
    course = tmp_path / "class"
    synthetic().main([str(course), "--fixture", "--kinds", "perfect,partial,empty",
                      "--students", "9"])
    expected = json.loads((course / f"expected-{ASSIGNMENT}.json").read_text())
    with DaskCluster(tmp_path / "dask", workers=2) as cluster:
        command = course_cmd("autograde", "--cluster", cluster.address, "--in-flight", "4",
                             "--timeout", "30", "--quiet", "--course-dir", str(course))
        with subprocess.Popen(command, cwd=course, env=env(), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) as grading:
            deadline = time.monotonic() + 600
            while len(_log(course)) < 2 and time.monotonic() < deadline:
                time.sleep(0.2)
            assert len(_log(course)) < len(expected), "the batch finished before the kill"
            victim, lost = _busy_worker(cluster.address, list(expected))
            killed = cluster.kill(victim)
            out, err = grading.communicate(timeout=900)
        assert grading.returncode == 0, out + err
    assert not still_running(killed + cluster.stopped)
    log = _log(course)
    assert sorted(x["student"] for x in log) == sorted(expected)  # every grade exactly once
    assert {x["student"]: x["score"] for x in log} == {s: w["score"] for s, w in expected.items()}
    assert [x["status"] for x in log if x["student"] == lost] == ["ok"]
    assert _gradebook_totals(course) == {s: w["score"] for s, w in expected.items()}


def test_a_worker_whose_cleanup_fails_gets_a_warning_and_every_grade_stays(
        tmp_path: Path) -> None:
    """Removing old bundles comes after the last grade: w1's fails (its bundles folder holds a
    stale bundle whose lock file is a folder, so prune cannot open it), w2's works. The run
    exits 0 with every grade, and says which worker kept its old bundles."""
    course = tmp_path / "class"
    synthetic().main([str(course), "--fixture", "--kinds", "perfect,partial,empty",
                      "--students", "3"])
    expected = json.loads((course / f"expected-{ASSIGNMENT}.json").read_text())
    with DaskCluster(tmp_path / "dask", workers=2) as cluster:
        bundles = {f"w{n}": tmp / "course-bundles" for n, tmp in enumerate(cluster.scratch, 1)}
        for folder in bundles.values():
            (folder / STALE).mkdir(parents=True)
            (folder / STALE / "data.txt").write_text("old\n")
        (bundles["w1"] / f"{STALE}.lock").mkdir()
        done = run(course_cmd("autograde", "--cluster", cluster.address, "--timeout", "30",
                              "--course-dir", str(course)), cwd=course)
        left = {name: sorted(p.name for p in folder.iterdir() if p.is_dir())
                for name, folder in bundles.items()}
    assert not still_running(cluster.stopped)
    log = _log(course)
    assert sorted(x["student"] for x in log) == sorted(expected)
    assert {x["student"]: (x["status"], x["score"]) for x in log} == {
        s: (w["status"], w["score"]) for s, w in expected.items()}
    assert _gradebook_totals(course) == {s: w["score"] for s, w in expected.items()}
    assert f"{len(expected)} notebook(s) graded, 0 reused" in done.stdout
    warnings = [line for line in done.stderr.splitlines() if "WARNING" in line]
    assert len(warnings) == 1, done.stderr
    assert "Dask worker w1 (tcp://127.0.0.1:" in warnings[0]
    assert "IsADirectoryError" in warnings[0] and "every grade is recorded" in warnings[0]
    assert STALE in left["w1"] and STALE not in left["w2"], left  # w2's cleanup still ran


def test_a_worker_that_does_not_answer_bounds_the_wait(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture) -> None:
    """A worker stuck in a call (here: its event loop asleep for 8 s) makes ``Client.run``
    wait; readiness checks and cleanup give up after their timeout instead of hanging."""
    from distributed import Client

    from course.grading.cluster import prune_bundles, run_on_workers

    with DaskCluster(tmp_path / "dask", workers=1) as cluster, \
            Client(cluster.address, timeout=30, set_as_default=False) as client:
        with pytest.raises(TimeoutError):
            run_on_workers(client, time.sleep, 8, timeout=0.5)
        prune_bundles(client, [], timeout=0.5)  # the worker is still asleep
        answers, failures = run_on_workers(client, sum, [1, 2], timeout=60)
    assert not still_running(cluster.stopped)
    assert "did not finish removing old bundles within 0.5 s" in capsys.readouterr().err
    assert list(answers.values()) == [3] and failures == {}


def test_a_cluster_not_ready_is_a_clear_error_and_its_client_is_closed(tmp_path: Path) -> None:
    """No scheduler at the address, then a scheduler with no worker: each is a ``GradingError``
    naming the address, and the client ``connect`` opened for the second is closed again."""
    from distributed import Client

    from course.grading.cluster import connect
    from course.grading.config import GradingError

    nobody = f"tcp://127.0.0.1:{free_port()}"
    with pytest.raises(GradingError, match=f"cannot reach the Dask scheduler at {nobody}"):
        connect(nobody, allow_unsandboxed=False, timeout=2)
    with DaskCluster(tmp_path / "dask", workers=0) as cluster, \
            Client(cluster.address, timeout=30, set_as_default=False) as watcher:

        def clients() -> list[str]:
            return watcher.run_on_scheduler(lambda dask_scheduler: sorted(dask_scheduler.clients))

        alone = clients()
        with pytest.raises(GradingError, match=f"the Dask cluster at {cluster.address} has no "
                                               "worker ready"):
            connect(cluster.address, allow_unsandboxed=False, timeout=2)
        deadline = time.monotonic() + 30
        while clients() != alone and time.monotonic() < deadline:
            time.sleep(0.2)
        assert clients() == alone  # connect's own client is gone
    assert not still_running(cluster.stopped)


def test_a_worker_without_bubblewrap_is_refused_unless_allowed(tmp_path: Path) -> None:
    """A worker machine without bubblewrap (here: a worker whose PATH has no ``bwrap``) is named
    with the reason and the fix; ``--no-sandbox-ok`` accepts it as unsandboxed."""
    import re
    import sys

    from course.grading.cluster import connect
    from course.grading.config import GradingError

    bare_path = str(Path(sys.executable).parent)  # Python and dask, no system tools
    with DaskCluster(tmp_path / "dask", workers=1, PATH=bare_path) as cluster:
        with pytest.raises(GradingError) as refused:
            connect(cluster.address, allow_unsandboxed=False, timeout=30)
        accepted = connect(cluster.address, allow_unsandboxed=True, timeout=30)
        accepted.close()
    assert not still_running(cluster.stopped)
    assert re.fullmatch(r"Dask workers not ready to grade:\n  tcp://127\.0\.0\.1:\d+: no sandbox "
                        r"\(bubblewrap \(bwrap\) is not installed: apt-get install bubblewrap\)\n"
                        r"Install bubblewrap on the workers, or pass --no-sandbox-ok\.",
                        str(refused.value)), str(refused.value)
    assert (accepted.sandboxed, accepted.threads) == (False, 1)
