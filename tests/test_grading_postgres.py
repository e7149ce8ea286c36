"""The gradebook on a real PostgreSQL server the test starts (initdb in a temp folder, a free
port on 127.0.0.1, stopped by PID)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.pgserver import postgres_server

pytestmark = pytest.mark.slow


def _processes_mentioning(text: str) -> list[int]:
    """PIDs whose command line names ``text``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if text in cmdline:
                found.append(int(entry.name))
    return found


def test_the_server_runs_and_leaves_nothing_behind(tmp_path: Path) -> None:
    import psycopg

    with postgres_server(tmp_path) as pg:
        url = pg.create_database("gradebook")
        assert url == f"postgresql+psycopg://{pg.user}@127.0.0.1:{pg.port}/gradebook"
        with psycopg.connect(pg.dsn("gradebook")) as conn:
            assert conn.execute("SELECT current_database()").fetchone() == ("gradebook",)
        folder, pid = str(pg.folder), pg.pid
        assert pid in _processes_mentioning(folder)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert _processes_mentioning(folder) == []
