"""``course room serve``: open (or create) a room in the database and serve it with uvicorn."""

from __future__ import annotations

import os
from pathlib import Path

from course.room.store import Store, sqlite_url

DEFAULT_DB = "room.sqlite"


def database_url(db: str | None) -> str:
    """``--db``: a SQLAlchemy URL, or a file name for SQLite (default ``room.sqlite``)."""
    value = db or DEFAULT_DB
    if "://" in value:
        return value
    return sqlite_url(str(Path(value).expanduser().resolve()))


def display_host(host: str) -> str:
    """The host learners type: the machine's name when bound to every interface."""
    if host in ("0.0.0.0", "::"):
        import socket

        return socket.gethostname()
    return host


def prepare(url: str, new_room: bool = False, title: str = "Workshop") -> tuple[str, str]:
    """(join code, instructor token): the latest room unless ``new_room`` or none exists."""
    store = Store.open(url)
    try:
        code = None if new_room else store.latest_room()
        return code or store.create_room(title), store.instructor_token()
    finally:
        store.engine.dispose()


def banner(code: str, token: str, host: str, port: int, k: int, prefix: str = "") -> str:
    """What the instructor reads: the join code, the learners' line, the dashboard link."""
    base = f"http://{display_host(host)}:{port}" + ("/" + prefix.strip("/")).rstrip("/")
    return "\n".join([
        f"Room code: {code}",
        f"Learners run:  from course import room; room.join({code!r}, server={base!r})",
        f"Dashboard (keep this link private, it carries your token): "
        f"{base}/room/{code}?token={token}",
        f"Distributions appear once {k} learners have answered a question.",
    ])


def run(db: str | None, host: str, port: int, k: int, workers: int = 1,
        new_room: bool = False, title: str = "Workshop", prefix: str | None = None) -> int:
    """Print the banner and serve until interrupted. ``prefix`` defaults to
    ``$JUPYTERHUB_SERVICE_PREFIX`` (set when JupyterHub runs the room as a service)."""
    import uvicorn

    url = database_url(db)
    if prefix is None:
        prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "")
    code, token = prepare(url, new_room, title)
    print(banner(code, token, host, port, k, prefix), flush=True)
    os.environ["COURSE_ROOM_DB"] = url
    os.environ["COURSE_ROOM_K"] = str(k)
    os.environ["COURSE_ROOM_PREFIX"] = prefix
    uvicorn.run("course.room.app:app_from_env", factory=True, host=host, port=port,
                workers=workers if workers > 1 else None, log_level="warning",
                timeout_graceful_shutdown=2)
    return 0
