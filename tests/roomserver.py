"""Start and stop a real room server (``course room serve``) for tests and benchmarks.

The server binds 127.0.0.1 on a free port, writes its log to a file, and is stopped by its
PID (terminate, wait, kill). ``restart()`` stops it and starts it again on the same port and
database, so learners' outboxes reach it again.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.processes import free_port, stop_by_pid, wait_until_answering

REPO = Path(__file__).resolve().parents[1]
START_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0


@dataclass
class RoomServer:
    """A running ``course room serve``: its address, join code, token and process."""

    db: str
    port: int
    log: Path
    k: int = 5
    workers: int = 1
    process: subprocess.Popen[bytes] | None = None
    code: str = ""
    token: str = ""
    extra: list[str] = field(default_factory=list)

    prefix: str = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.prefix}"

    @property
    def dashboard(self) -> str:
        return f"{self.url}/room/{self.code}?token={self.token}"

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def command(self) -> list[str]:
        return [sys.executable, "-m", "course", "room", "serve", "--db", self.db,
                "--host", "127.0.0.1", "--port", str(self.port), "--k", str(self.k),
                "--workers", str(self.workers), "--prefix", self.prefix, *self.extra]

    def start(self) -> RoomServer:
        """Start the process and wait until ``/api/health`` answers."""
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(self.command(), cwd=REPO, stdout=out,
                                            stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL)
        try:
            wait_until_answering(
                self.process, lambda: urllib.request.urlopen(f"{self.url}/api/health", timeout=2).close(),
                name="room server", log_tail=self.log_tail, timeout=START_TIMEOUT)
        except TimeoutError:
            self.stop()
            raise
        text = self.log.read_text(errors="replace")
        self.code = re.findall(r"Room code: (\w+)", text)[-1]
        self.token = re.findall(r"\?token=([\w-]+)", text)[-1]
        return self

    def stop(self, kill: bool = False) -> None:
        """Stop the process by PID: SIGKILL if ``kill``, else terminate, wait, kill."""
        process = self.process
        if process is None or process.poll() is not None:
            return
        if kill:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=STOP_TIMEOUT)
        else:
            stop_by_pid(process, STOP_TIMEOUT)

    def restart(self, kill: bool = True) -> None:
        """Stop (by default SIGKILL: a crash) and start again on the same port and db."""
        self.stop(kill=kill)
        self.start()

    def log_tail(self, lines: int = 30) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def __enter__(self) -> RoomServer:
        return self.start()

    def __exit__(self, *_exc: Any) -> None:
        self.stop()


def sqlite_server(folder: Path, k: int = 5, workers: int = 1) -> RoomServer:
    """A room server on a SQLite file in ``folder`` (not started)."""
    folder.mkdir(parents=True, exist_ok=True)
    return RoomServer(db=str(folder / "room.sqlite"), port=free_port(),
                      log=folder / "room-server.log", k=k, workers=workers)


BACKENDS = ("sqlite", "postgresql")


@contextmanager
def room_server(backend: str, folder: Path, k: int = 5,
                workers: int = 1) -> Iterator[RoomServer]:
    """A started room server on ``backend``: a SQLite file, or a real PostgreSQL server
    (``tests/pgserver.py``: initdb in a temp folder, free port, stopped by PID) that lives
    exactly as long as the room server."""
    if backend == "sqlite":
        with sqlite_server(folder, k=k, workers=workers) as server:
            yield server
        return
    from tests.pgserver import postgres_server

    folder.mkdir(parents=True, exist_ok=True)
    with postgres_server(folder / "pg") as pg:
        url = pg.create_database("room")
        with RoomServer(db=url, port=free_port(), log=folder / "room-server.log", k=k,
                        workers=workers) as server:
            yield server
