"""Kernels forked from a grading worker's zygote: each in its own sandbox, nothing shared.

The zygote imports the course's stack once; every kernel it forks must still be what a
bubblewrap kernel was: own namespaces, unprivileged uid, private /tmp and home, read-only
system, one writable folder, resource limits, no inherited socket or secret, fresh
randomness; and grading falls back to bubblewrap when the zygote is unavailable.
Needs bubblewrap and unprivileged user namespaces (CI provides both).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from jupyter_client import BlockingKernelClient
from jupyter_client.connect import write_connection_file
from nbformat.v4 import new_code_cell, new_notebook

from course.grading import execute, sandbox, zygote

pytestmark = pytest.mark.slow

PROBE = r'''
import json, os, random, resource, socket
def _try_write(path):
    try:
        with open(path, "w") as out:
            out.write("x")
        return True
    except OSError:
        return False
def _net():
    try:
        socket.create_connection(("127.0.0.1", 22), timeout=1).close()
        return "connected"
    except OSError as error:
        return type(error).__name__
status = dict(line.split(":\t", 1) for line in open("/proc/self/status").read().splitlines()
              if ":\t" in line)
print(json.dumps({
    "uid": os.getuid(), "host": socket.gethostname(), "cwd": os.getcwd(),
    "work": sorted(os.listdir(".")), "root": sorted(os.listdir("/")),
    "pids": sorted(int(p) for p in os.listdir("/proc") if p.isdigit()),
    "fds": sorted(int(fd) for fd in os.listdir("/proc/self/fd")),
    "cap_eff": status["CapEff"].strip(), "cap_bnd": status["CapBnd"].strip(),
    "no_new_privs": status["NoNewPrivs"].strip(),
    "write_usr": _try_write("/usr/evil"), "write_root": _try_write("/evil"),
    "write_course": _try_write(os.environ["COURSE_DATASETS"] + "/evil"),
    "tmp": sorted(os.listdir("/tmp")), "write_tmp": _try_write("/tmp/mine"),
    "home": os.environ["HOME"], "write_home": _try_write(os.path.expanduser("~/mine")),
    "net": _net(), "data_limit": resource.getrlimit(resource.RLIMIT_DATA)[0],
    "cpu_limit": resource.getrlimit(resource.RLIMIT_CPU)[0],
    "random": random.random(), "env": sorted(os.environ),
    "pandas_loaded": "pandas" in __import__("sys").modules,
}))
'''


class Kernel:
    """A kernel forked by ``zyg`` for its own work and runtime folders, and a client."""

    def __init__(self, zyg: zygote.Zygote, base: Path, name: str) -> None:
        self.work, self.run = base / f"work-{name}", base / f"run-{name}"
        self.work.mkdir()
        self.run.mkdir()
        (self.work / f"{name}.txt").write_text(name)
        self.connection = str(self.run / "kernel.json")
        write_connection_file(self.connection, transport="ipc", ip=str(self.run / "kernel"))
        self.process = zyg.spawn(self.work, self.run, ["-f", self.connection],
                                 sandbox.Limits(memory_bytes=1024**3, cpu_seconds=120))
        self.client = BlockingKernelClient(connection_file=self.connection)
        self.client.load_connection_file()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=60)

    def run_code(self, code: str) -> str:
        chunks: list[str] = []

        def keep(msg: dict) -> None:
            if msg["msg_type"] == "stream":
                chunks.append(msg["content"]["text"])
            elif msg["msg_type"] == "error":
                chunks.append("ERROR " + msg["content"]["ename"])

        self.client.execute_interactive(code, timeout=60, output_hook=keep)
        return "".join(chunks)

    def facts(self) -> dict:
        return json.loads(self.run_code(PROBE))

    def stop(self) -> None:
        self.client.stop_channels()
        self.process.kill()
        self.process.wait(10)


def _tmp_entries(kernel: Kernel) -> list[str]:
    parts = kernel.run.parts
    return [parts[2]] if parts[:2] == ("/", "tmp") else []


@pytest.fixture(scope="module")
def zyg() -> Iterator[zygote.Zygote]:
    ok, why = sandbox.probe()
    assert ok, f"bubblewrap is needed here (CI installs it): {why}"
    started = zygote.Zygote()
    started.start()
    yield started
    started.close()


@pytest.fixture()
def pair(zyg: zygote.Zygote, tmp_path: Path) -> Iterator[tuple[Kernel, Kernel]]:
    first, second = Kernel(zyg, tmp_path, "alice"), Kernel(zyg, tmp_path, "bob")
    yield first, second
    first.stop()
    second.stop()


def test_a_forked_kernel_is_sandboxed_like_a_bubblewrap_kernel(pair: tuple[Kernel, Kernel]):
    facts = pair[0].facts()
    assert facts["pandas_loaded"]  # the point of the zygote: imported before the fork
    assert (facts["uid"], facts["host"], facts["cwd"]) == (65534, "sandbox", sandbox.WORK)
    assert facts["work"] == ["alice.txt"]
    assert facts["pids"] == [1]  # its own PID namespace: no zygote, no other kernel
    assert facts["cap_eff"] == "0000000000000000" and facts["cap_bnd"] == "0000000000000000"
    assert facts["no_new_privs"] == "1"
    assert not facts["write_usr"] and not facts["write_root"] and not facts["write_course"]
    assert facts["write_tmp"] and facts["write_home"] and facts["home"] == sandbox.HOME
    # only the way to its own runtime folder (sockets, connection file), as under bubblewrap
    assert facts["tmp"] == _tmp_entries(pair[0])
    assert facts["net"] == "OSError"  # own network namespace: not even loopback is up
    assert facts["data_limit"] == 1024**3 and facts["cpu_limit"] == 120
    # the sandbox's environment plus what ipykernel sets itself (TERM, PAGER...), nothing of
    # the grader's (pytest sets PYTEST_CURRENT_TEST in this process)
    assert set(sandbox.environment(True)) <= set(facts["env"])
    assert set(facts["env"]) - set(sandbox.environment(True)) <= {
        "TERM", "PAGER", "GIT_PAGER", "CLICOLOR", "CLICOLOR_FORCE", "FORCE_COLOR",
        "PYDEVD_USE_FRAME_EVAL", "JPY_PARENT_PID", "MPLBACKEND"}
    # the root holds the sandbox's own folders and the first part of every read-only mount
    # (a checkout under /check/... brings /check; nothing else of the host)
    mounted = {path.parts[1] for path in sandbox.read_only_paths() if len(path.parts) > 1}
    mounted |= {link.parts[1] for link, _ in sandbox.root_symlinks()}
    assert set(facts["root"]) <= mounted | {"dev", "proc", "tmp", "home", "work"}


def test_two_kernels_share_no_file_randomness_or_descriptor(zyg: zygote.Zygote,
                                                            pair: tuple[Kernel, Kernel]):
    alice, bob = pair
    alice.run_code("open('/tmp/secret', 'w').write('a'); open('/dev/shm/s', 'w').write('a')")
    facts = bob.facts()
    assert facts["tmp"] == _tmp_entries(bob)  # not alice's /tmp/secret
    assert bob.run_code("import os; print(os.listdir('/dev/shm'))").strip() == "[]"
    assert facts["work"] == ["bob.txt"]
    assert alice.facts()["random"] != facts["random"]
    # the zygote's pipes to the worker and the other kernel's files are not inherited
    assert zyg.process is not None and zyg.process.stdin and zyg.process.stdout
    pipes = {f"pipe:[{os.fstat(s.fileno()).st_ino}]" for s in (zyg.process.stdin,
                                                               zyg.process.stdout)}
    fds = bob.run_code("import os\nlinks = []\nfor fd in os.listdir('/proc/self/fd'):\n"
                       "    try:\n        links.append(os.readlink(f'/proc/self/fd/{fd}'))\n"
                       "    except OSError:\n        pass\nprint(links)")
    assert fds.startswith("[") and "pipe:[" in fds  # ipykernel's own output pipes
    assert not any(pipe in fds for pipe in pipes)
    assert "alice" not in fds


def test_what_a_kernel_starts_dies_with_it(zyg: zygote.Zygote, tmp_path: Path):
    kernel = Kernel(zyg, tmp_path, "carol")
    out = kernel.run_code("import subprocess, sys; p = subprocess.Popen([sys.executable, '-c', "
                          "'import time; time.sleep(600)'], start_new_session=True); "
                          "print(p.pid)")
    assert out.strip().isdigit()
    kernel.stop()
    later = Kernel(zyg, tmp_path, "dave")
    try:
        assert later.facts()["pids"] == [1]
    finally:
        later.stop()


def _notebook() -> nbformat.NotebookNode:
    test = new_code_cell("assert answer == 42", metadata={"nbgrader": {
        "grade": True, "grade_id": "t", "points": 1, "solution": False, "locked": True}})
    return new_notebook(cells=[new_code_cell("answer = 6 * 7"), test],
                        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                 "language": "python"}})


def _grade(tmp_path: Path) -> execute.RunResult:
    work, run = tmp_path / "work", tmp_path / "run"
    work.mkdir()
    run.mkdir()
    return execute.run_notebook(_notebook(), work, run, execute.RunLimits(), sandboxed=True)


def test_grading_forks_from_the_zygote_and_scores_exactly(tmp_path: Path):
    result = _grade(tmp_path)
    assert "forked kernel start" in result.seconds
    assert [o.output_type for o in result.nb.cells[1].outputs] == []
    assert result.statuses == [] and not any("zygote" in n for n in result.notes)


def test_grading_falls_back_to_bubblewrap_when_the_zygote_fails(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    def broken(*_args: object) -> zygote.ForkedKernel:
        raise zygote.ZygoteError("zygote start failed: test")

    monkeypatch.setattr(zygote, "launch", broken)
    started = time.monotonic()
    result = _grade(tmp_path)
    assert time.monotonic() - started < 300
    assert "sandbox + kernel start" in result.seconds
    assert [o.output_type for o in result.nb.cells[1].outputs] == []
    assert result.notes == ["zygote unavailable, kernel started by bubblewrap: "
                            "zygote start failed: test"]


def _fork_from_shared(base: str, index: int) -> tuple[int, int]:
    """In a forked pool worker: one kernel from the shared zygote; (zygote PID, kernel PID)."""
    name = f"job{index}"
    shared = zygote.instance()
    kernel = Kernel(shared, Path(base), name)
    try:
        assert kernel.facts()["work"] == [f"{name}.txt"]
        assert shared.process is not None
        return shared.process.pid, kernel.process.pid
    finally:
        kernel.stop()


def test_a_pools_workers_share_one_zygote_and_get_their_own_kernels(tmp_path: Path):
    import multiprocessing

    zygote.share()
    try:
        with multiprocessing.get_context("fork").Pool(2) as pool:
            got = pool.starmap(_fork_from_shared, [(str(tmp_path), i) for i in range(4)])
    finally:
        zygote.unshare()
    assert len({zygote_pid for zygote_pid, _ in got}) == 1
    assert len({kernel_pid for _, kernel_pid in got}) == 4
