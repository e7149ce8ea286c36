"""The learner's outbox: answer events wait on disk until the room server has them.

Each event is one JSON file in ``outbox/`` (named by time and idempotency key, written
atomically). A daemon thread posts them oldest first; a 2xx (stored, or already stored
under the same key) moves the event to ``sent.jsonl``; a 4xx other than 429 moves it to
``rejected/`` with the server's reason; anything else (server down, 5xx, 429) waits with
exponential backoff and tries again. Nothing here ever raises into a quiz.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from pathlib import Path
from typing import Any

BACKOFF_START = 0.25
BACKOFF_MAX = 5.0
IDLE_RESCAN = 5.0
TIMEOUT = 5.0


class Outbox:
    """The queue in ``folder`` and the thread that empties it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.pending_dir = folder / "outbox"
        self.rejected_dir = folder / "rejected"
        self.sent_log = folder / "sent.jsonl"
        self.pending_dir.mkdir(parents=True, exist_ok=True)
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._client: Any = None
        self.last_error: str | None = None

    # -- queue ---------------------------------------------------------------------------

    def put(self, server: str, code: str, event: dict[str, Any]) -> Path:
        """Write the event to disk and wake the sender; returns the file."""
        name = f"{time.time_ns():020d}-{event['key']}.json"
        path = self.pending_dir / name
        tmp = self.pending_dir / f".{name}.tmp"
        tmp.write_text(json.dumps({"server": server, "code": code, "event": event}),
                       encoding="utf-8")
        os.replace(tmp, path)
        self.start()
        self._wake.set()
        return path

    def pending(self) -> list[dict[str, Any]]:
        """Events still waiting, oldest first."""
        found = []
        for path in sorted(self.pending_dir.glob("*.json")):
            with contextlib.suppress(OSError, json.JSONDecodeError):
                found.append(json.loads(path.read_text(encoding="utf-8")))
        return found

    def sent(self) -> list[dict[str, Any]]:
        """Every delivered event, exactly as sent, with when and the server's reply."""
        try:
            lines = self.sent_log.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        return [json.loads(line) for line in lines if line.strip()]

    def rejected(self) -> list[dict[str, Any]]:
        return [json.loads(p.read_text(encoding="utf-8"))
                for p in sorted(self.rejected_dir.glob("*.json"))]

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until the outbox is empty (True) or ``timeout`` passes (False)."""
        self.start()
        self._wake.set()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not any(self.pending_dir.glob("*.json")):
                return True
            time.sleep(0.02)
        return not any(self.pending_dir.glob("*.json"))

    def drop_pending(self) -> int:
        """Forget every queued event (used by ``leave(discard=True)``)."""
        count = 0
        for path in self.pending_dir.glob("*.json"):
            path.unlink(missing_ok=True)
            count += 1
        return count

    # -- sender --------------------------------------------------------------------------

    def start(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="course-room-outbox",
                                                daemon=True)
                self._thread.start()

    def _run(self) -> None:
        backoff = BACKOFF_START
        while True:
            self._wake.clear()
            try:
                delivered_all = self._send_all()
            except Exception as exc:  # never let the thread die on a surprise
                self.last_error = f"{type(exc).__name__}: {exc}"
                delivered_all = False
            if delivered_all:
                backoff = BACKOFF_START
                self._wake.wait(IDLE_RESCAN)
            else:
                self._wake.wait(backoff)
                backoff = min(BACKOFF_MAX, backoff * 2)

    def _http(self) -> Any:
        if self._client is None:
            import httpx

            self._client = httpx.Client(timeout=TIMEOUT)
        return self._client

    def _send_all(self) -> bool:
        """Post every queued event; False as soon as one must be retried later."""
        for path in sorted(self.pending_dir.glob("*.json")):
            try:
                item = json.loads(path.read_text(encoding="utf-8"))
            except FileNotFoundError:
                continue  # another kernel of this learner delivered it
            except (OSError, json.JSONDecodeError) as exc:
                self._reject(path, {"raw": path.name}, f"unreadable outbox file: {exc}")
                continue
            if not self._send_one(path, item):
                return False
        return True

    def _send_one(self, path: Path, item: dict[str, Any]) -> bool:
        import httpx

        from course.room.hub import auth_headers

        url = f"{item['server']}/api/rooms/{item['code']}/events"
        try:
            response = self._http().post(url, json=item["event"],
                                         headers=auth_headers(item["server"]))
        except httpx.HTTPError as exc:
            self.last_error = f"{url}: {type(exc).__name__}: {exc}"
            return False
        if response.status_code in (200, 201):
            reply = response.json()
            record = {**item, "delivered": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                      "stored": bool(reply.get("stored"))}
            with self.sent_log.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(record) + "\n")
            path.unlink(missing_ok=True)
            self.last_error = None
            return True
        if 400 <= response.status_code < 500 and response.status_code != 429:
            self._reject(path, item, f"{response.status_code}: {response.text[:300]}")
            return True
        self.last_error = f"{url}: HTTP {response.status_code}"
        return False

    def _reject(self, path: Path, item: dict[str, Any], reason: str) -> None:
        self.rejected_dir.mkdir(exist_ok=True)
        target = self.rejected_dir / path.name
        target.write_text(json.dumps({**item, "reason": reason}), encoding="utf-8")
        path.unlink(missing_ok=True)
        self.last_error = reason
