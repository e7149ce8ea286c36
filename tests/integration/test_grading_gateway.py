"""``course autograde --cluster NAME`` on a real dask-gateway: a ``dask-gateway-server`` process
on 127.0.0.1 (the local-process backend, a password login), a cluster of two workers made
through the gateway client, the synthetic class graded on it with exactly ``--jobs 1``'s
scores; wrong names, logins and addresses get errors that name them. The server, its proxy
and the cluster's scheduler and workers are stopped by PID, and none is left running.

Kubernetes is not involved: this checks our client path against the real gateway server,
the same code a DaskHub deployment runs with another backend."""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from course.grading.gateway import close_cluster, close_gateway
from tests.grading_tools import PYTHON, course_cmd, grade_scores, run, synthetic
from tests.processes import (
    free_port,
    kill_stragglers,
    still_running,
    stop_by_pid,
    wait_until_answering,
)

pytestmark = pytest.mark.slow

ASSIGNMENT = "fixture-01"
PASSWORD = "grading-secret"
BIN = Path(PYTHON).parent


def _config(folder: Path, api: int, proxy: int, tmp: Path) -> Path:
    """A gateway whose clusters run as local processes of this user, with this venv's Dask
    (so workers have the ``course`` package), one thread per worker, a short TMPDIR (the
    kernels' ZMQ sockets live under it) and one password for everyone."""
    path = folder / "dask_gateway_config.py"
    path.write_text(f"""
c.Gateway.address = "127.0.0.1:{api}"
c.Proxy.address = "127.0.0.1:{proxy}"
c.Gateway.backend_class = "dask_gateway_server.backends.local.UnsafeLocalBackend"
c.Gateway.authenticator_class = "dask_gateway_server.auth.SimpleAuthenticator"
c.SimpleAuthenticator.password = {PASSWORD!r}
c.LocalBackend.clusters_directory = {str(folder / "clusters")!r}
c.ClusterConfig.scheduler_cmd = [{str(BIN / "dask")!r}, "scheduler"]
c.ClusterConfig.worker_cmd = [{str(BIN / "dask")!r}, "worker", "--no-nanny"]
c.ClusterConfig.worker_cores = 1
c.ClusterConfig.worker_threads = 1
c.ClusterConfig.environment = {{"TMPDIR": {str(tmp)!r}}}
""")
    return path


class Gateway:
    """A ``dask-gateway-server`` process on 127.0.0.1, stopped by PID with all it started."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.tmp = Path(__import__("tempfile").mkdtemp(prefix="dgw-", dir="/tmp"))
        self.proxy = free_port()
        self.address = f"http://127.0.0.1:{self.proxy}"
        self.log = folder / "gateway.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.stopped: list[int] = []

    def env(self, password: str = PASSWORD) -> dict[str, str]:
        """How a client finds and logs in to this gateway (Dask config, from the environment)."""
        return {"DASK_GATEWAY__ADDRESS": self.address, "DASK_GATEWAY__AUTH__TYPE": "basic",
                "DASK_GATEWAY__AUTH__KWARGS__USERNAME": "instructor",
                "DASK_GATEWAY__AUTH__KWARGS__PASSWORD": password}

    def start(self) -> None:
        config = _config(self.folder, free_port(), self.proxy, self.tmp)
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [str(BIN / "dask-gateway-server"), "-f", str(config)], cwd=self.folder,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        wait_until_answering(
            self.process, lambda: urllib.request.urlopen(f"{self.address}/api/health",
                                                         timeout=5).read(),
            name="dask-gateway-server", log_tail=lambda: self.log.read_text()[-3000:],
            timeout=120)

    def family(self) -> list[psutil.Process]:
        """The server and everything it started (proxy, schedulers, workers, kernels)."""
        if self.process is None:
            return []
        try:
            parent = psutil.Process(self.process.pid)
            return [parent, *parent.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def stop(self) -> None:
        """SIGTERM the server (it stops its clusters and proxy), then kill what is left."""
        family = self.family()
        self.stopped = [p.pid for p in family]
        if self.process is not None:
            stop_by_pid(self.process, timeout=60)
        kill_stragglers(family, timeout=30)
        shutil.rmtree(self.tmp, ignore_errors=True)


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Gateway, str]]:
    """A running gateway with one cluster of two workers, made by the gateway client."""
    from dask_gateway import BasicAuth
    from dask_gateway import Gateway as Client

    server = Gateway(tmp_path_factory.mktemp("gateway"))
    try:
        server.start()
        client = Client(server.address, auth=BasicAuth("instructor", PASSWORD))
        try:
            cluster = client.new_cluster(shutdown_on_close=False)
            cluster.scale(2)
            with cluster.get_client(set_as_default=False) as dask:
                dask.wait_for_workers(2, timeout=120)
            name = cluster.name
            close_cluster(cluster)
            yield server, name
            client.stop_cluster(name)
        finally:
            close_gateway(client)
    finally:
        server.stop()
    assert server.stopped and not still_running(server.stopped), server.stopped


@pytest.fixture(scope="module")
def graded(gateway: tuple[Gateway, str], tmp_path_factory: pytest.TempPathFactory) -> dict:
    server, name = gateway
    base = tmp_path_factory.mktemp("gateway-class")
    course = base / "class"
    synthetic().main([str(course), "--fixture", "--kinds", "perfect,partial,empty",
                      "--students", "4"])
    serial = base / "serial"
    shutil.copytree(course, serial)
    done = run(course_cmd("autograde", "--cluster", name, "--timeout", "30",
                          "--course-dir", str(course)), cwd=course, **server.env())
    run(course_cmd("autograde", "--jobs", "1", "--timeout", "30", "--quiet",
                   "--course-dir", str(serial)), cwd=serial)
    log = [json.loads(x) for x in
           (course / "autograded" / "grading-log.jsonl").read_text().splitlines()]
    return {"course": course, "serial": serial, "stdout": done.stdout, "stderr": done.stderr,
            "log": log,
            "expected": json.loads((course / f"expected-{ASSIGNMENT}.json").read_text())}


def test_a_gateway_cluster_grades_like_one_local_process(graded: dict) -> None:
    ours = grade_scores(graded["course"] / "gradebook.db", ASSIGNMENT)
    serial = grade_scores(graded["serial"] / "gradebook.db", ASSIGNMENT)
    assert ours == serial and len(ours) == len(graded["expected"]) * 4  # 4 graded cells each
    got = {x["student"]: (x["status"], x["score"]) for x in graded["log"]}
    assert got == {s: (w["status"], w["score"]) for s, w in graded["expected"].items()}
    assert f"{len(graded['expected'])} notebook(s) graded, 0 reused" in graded["stdout"]
    # closing the gateway client and its cluster object leaves nothing for __del__ to raise
    assert "Exception ignored" not in graded["stderr"], graded["stderr"]
    assert "WARNING" not in graded["stderr"], graded["stderr"]  # the cleanup worked too


def test_the_work_ran_on_the_gateway_workers(graded: dict, gateway: tuple[Gateway, str]) -> None:
    """The workers (children of the gateway server) ran kernels: the autograded notebooks came
    back from their bundle, which only a worker unpacks under its TMPDIR."""
    server, _ = gateway
    for student in graded["expected"]:
        folder = graded["course"] / "autograded" / student / ASSIGNMENT
        assert (folder / "data.txt").read_text() == "the cat sat\n", student
    assert any((server.tmp / "course-bundles").iterdir())


@pytest.fixture(scope="module")
def one_student(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A class of one, shared by the error cases (each asserts nothing was graded)."""
    course = tmp_path_factory.mktemp("gateway-errors") / "class"
    synthetic().main([str(course), "--fixture", "--kinds", "perfect", "--students", "1"])
    return course


@pytest.mark.parametrize("case", ["unknown cluster", "wrong password", "no gateway there",
                                  "no gateway configured"])
def test_a_bad_gateway_setting_is_a_clear_error(case: str, gateway: tuple[Gateway, str],
                                                one_student: Path) -> None:
    server, name = gateway
    course = one_student
    settings = server.env()
    cluster, expected = name, ""
    if case == "unknown cluster":
        cluster = "no-such-cluster"
        expected = (f"no dask-gateway cluster 'no-such-cluster' at {server.address}; "
                    f"your active clusters there: {name} (running)")
    elif case == "wrong password":
        settings = server.env(password="wrong")
        expected = "the gateway refused the login (HTTP 401)"
    elif case == "no gateway there":
        settings["DASK_GATEWAY__ADDRESS"] = f"http://127.0.0.1:{free_port()}"
        expected = f"at {settings['DASK_GATEWAY__ADDRESS']}: cannot reach the gateway"
    else:
        del settings["DASK_GATEWAY__ADDRESS"]
        expected = "no gateway address is configured: set DASK_GATEWAY__ADDRESS"
    done = run(course_cmd("autograde", "--cluster", cluster, "--course-dir", str(course)),
               cwd=course, check=False, **settings)
    assert done.returncode != 0
    assert expected in done.stderr + done.stdout
    assert f"'{cluster}'" in done.stderr + done.stdout or case == "no gateway configured"
    assert not (course / "autograded" / "grading-log.jsonl").exists()
