"""What every server a test starts shares: a free port on 127.0.0.1, waiting until the server
answers (failing early, with its log, if it exits), and stopping it by its PID."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.error
from collections.abc import Callable


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_answering(process: subprocess.Popen[bytes], probe: Callable[[], object], *,
                         name: str, log_tail: Callable[[], str], timeout: float,
                         interval: float = 0.1) -> None:
    """Call ``probe`` until it stops raising a connection error. Raise RuntimeError if the
    process exits first and TimeoutError after ``timeout`` seconds, each with the log's tail."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited ({process.returncode}):\n{log_tail()}")
        try:
            probe()
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(interval)  # polling interval of a real condition, not a fixed wait
    raise TimeoutError(f"{name} did not answer within {timeout:.0f}s:\n{log_tail()}")


def stop_by_pid(process: subprocess.Popen[bytes], timeout: float) -> None:
    """Terminate, wait up to ``timeout`` seconds, then kill."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)


def still_running(pids: list[int]) -> list[int]:
    """The PIDs still running (a zombie waiting for its reaper is not)."""
    import psutil

    alive = []
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                alive.append(pid)
        except psutil.NoSuchProcess:
            pass
    return alive


def kill_stragglers(family: list, timeout: float) -> None:
    """Wait up to ``timeout`` seconds for already-signalled ``psutil`` processes to exit,
    then SIGKILL the ones left and reap them."""
    import psutil

    _, alive = psutil.wait_procs(family, timeout=timeout)
    for member in alive:
        try:
            member.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(alive, timeout=15)
