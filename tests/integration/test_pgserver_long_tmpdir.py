"""The test PostgreSQL server (tests/pgserver.py) starts under a long TMPDIR: tests reach it
over TCP on 127.0.0.1, so it opens no Unix socket, whose path would be limited to 107 bytes."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from tests.pgserver import postgres_server


def test_postgres_starts_when_its_folder_path_is_long(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import psycopg

    base = Path(tempfile.mkdtemp(prefix="course-long-", dir="/tmp"))
    try:
        deep = base / ("a-rather-long-temporary-folder-name-" * 3)
        deep.mkdir()
        for folder in (base, deep):
            folder.chmod(0o755)  # under root the server runs as another account
        monkeypatch.setattr(tempfile, "tempdir", str(deep))
        where = tmp_path / ("a-rather-long-test-folder-name-" * 3)
        where.mkdir()
        with postgres_server(where) as pg, psycopg.connect(pg.dsn()) as conn:
            assert len(str(pg.folder / ".s.PGSQL.65535")) > 107
            assert conn.execute("SELECT 6 * 7").fetchone() == (42,)
    finally:
        shutil.rmtree(base, ignore_errors=True)
