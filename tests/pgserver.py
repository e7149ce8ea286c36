"""A throw-away PostgreSQL server for tests: Debian's binaries, a temp folder, 127.0.0.1 only.

    with postgres_server(tmp_path) as pg:
        pg.create_database("gradebook")
        url = pg.url("gradebook")      # postgresql+psycopg://course@127.0.0.1:PORT/gradebook

``initdb`` builds a cluster in a fresh folder (trust authentication: only this machine's
loopback can reach it, and only while the test runs); ``postgres`` listens on a free port on
127.0.0.1 (TCP only: no Unix socket, whose path a long TMPDIR would make too long).
PostgreSQL refuses to run as root, so under root both run as the unprivileged ``postgres``
user (or ``nobody``) through ``setpriv``, in a folder of their own under the system temp dir
(pytest's folders are private to root). On exit the server gets SIGINT (fast shutdown) by PID
and is waited for; nothing is left running.

A missing PostgreSQL is an error, not a skip: ``scripts/ensure_system_packages.sh`` installs it.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.processes import free_port

SUPERUSER = "course"
START_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0


class PostgresUnavailable(RuntimeError):
    """PostgreSQL is not installed, or the server would not start (the log is in the message)."""


def bin_dir() -> Path:
    """The newest ``/usr/lib/postgresql/<version>/bin`` holding ``initdb`` and ``postgres``."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise PostgresUnavailable("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb):"
                              " run `bash scripts/ensure_system_packages.sh` as root, or "
                              "`apt-get install postgresql`")


def _run_as() -> pwd.struct_passwd | None:
    """The account the server runs under when we are root (None: run as ourselves)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise PostgresUnavailable("running as root and neither a 'postgres' nor a 'nobody' account "
                              "exists to run PostgreSQL as (it refuses to run as root)")


def _prefix(account: pwd.struct_passwd | None) -> list[str]:
    if account is None:
        return []
    return ["setpriv", f"--reuid={account.pw_uid}", f"--regid={account.pw_gid}",
            "--clear-groups", "--"]


@dataclass
class PostgresServer:
    """A running server: where it listens and how to reach it."""

    port: int
    folder: Path
    process: subprocess.Popen
    user: str = SUPERUSER
    host: str = "127.0.0.1"

    @property
    def pid(self) -> int:
        """The postmaster's process id."""
        return self.process.pid

    @property
    def log(self) -> Path:
        """The server's log file."""
        return self.folder / "postgres.log"

    def url(self, dbname: str = "postgres") -> str:
        """The SQLAlchemy URL of one database on this server (psycopg 3 driver)."""
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{dbname}"

    def dsn(self, dbname: str = "postgres") -> str:
        """The libpq connection string of one database (for ``psycopg.connect``)."""
        return f"host={self.host} port={self.port} user={self.user} dbname={dbname}"

    def create_database(self, name: str) -> str:
        """Create an empty database; return its SQLAlchemy URL."""
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url(name)

    def alive(self) -> bool:
        """True while the postmaster runs."""
        return self.process.poll() is None


def _initdb(bindir: Path, data: Path, account: pwd.struct_passwd | None) -> None:
    command = [*_prefix(account), str(bindir / "initdb"), "-D", str(data), "-U", SUPERUSER,
               "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120,
                          cwd=data.parent, env={**os.environ, "LC_ALL": "C"})
    if done.returncode != 0:
        raise PostgresUnavailable(f"initdb failed ({done.returncode}):\n{done.stdout}\n"
                                  f"{done.stderr}")


def _start(bindir: Path, folder: Path, port: int,
           account: pwd.struct_passwd | None) -> subprocess.Popen:
    log = (folder / "postgres.log").open("ab")
    command = [*_prefix(account), str(bindir / "postgres"), "-D", str(folder / "data"),
               "-p", str(port), "-c", "listen_addresses=127.0.0.1",
               # no Unix socket: tests connect over TCP, and a socket's path (107 bytes at
               # most) would not fit under a long TMPDIR
               "-c", "unix_socket_directories=",
               # A test cluster: durability off, small footprint.
               "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
               "-c", "shared_buffers=32MB", "-c", "max_connections=100"]
    try:
        return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, cwd=folder, start_new_session=True,
                                env={**os.environ, "LC_ALL": "C"})
    finally:
        log.close()


def _wait_ready(server: PostgresServer) -> None:
    import psycopg

    deadline = time.monotonic() + START_TIMEOUT
    last: Exception | None = None
    while time.monotonic() < deadline:
        if not server.alive():
            raise PostgresUnavailable(f"postgres exited ({server.process.returncode}):\n"
                                      f"{server.log.read_text(errors='replace')}")
        try:
            with psycopg.connect(server.dsn(), connect_timeout=2) as conn:
                conn.execute("SELECT 1")
            return
        except psycopg.OperationalError as error:
            last = error
            time.sleep(0.1)
    raise PostgresUnavailable(f"postgres not ready after {START_TIMEOUT:g} s ({last}):\n"
                              f"{server.log.read_text(errors='replace')}")


def stop(process: subprocess.Popen) -> None:
    """Fast shutdown by PID (SIGINT), waited for; SIGQUIT then SIGKILL if it hangs."""
    for sig, wait in ((signal.SIGINT, STOP_TIMEOUT), (signal.SIGQUIT, 5.0),
                      (signal.SIGKILL, 5.0)):
        if process.poll() is not None:
            return
        os.kill(process.pid, sig)
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


@contextmanager
def postgres_server(tmp_path: Path) -> Iterator[PostgresServer]:
    """Run a fresh PostgreSQL cluster for the duration of the ``with`` block."""
    bindir = bin_dir()
    account = _run_as()
    if account is None:
        folder = Path(tempfile.mkdtemp(prefix="pg-", dir=tmp_path))
    else:  # the server's account must reach the folder: not under root's private pytest dirs
        folder = Path(tempfile.mkdtemp(prefix="course-pg-"))
        os.chown(folder, account.pw_uid, account.pw_gid)
    data = folder / "data"
    process: subprocess.Popen | None = None
    try:
        _initdb(bindir, data, account)
        for attempt in range(3):  # another process may take the free port before we bind it
            port = free_port()
            process = _start(bindir, folder, port, account)
            server = PostgresServer(port=port, folder=folder, process=process)
            try:
                _wait_ready(server)
                break
            except PostgresUnavailable:
                stop(process)
                if attempt == 2 or "could not bind" not in server.log.read_text(errors="replace"):
                    raise
        yield server
    finally:
        if process is not None:
            stop(process)
        if account is not None:
            shutil.rmtree(folder, ignore_errors=True)
