"""The live room on a real JupyterHub: the hub (pip ``jupyterhub``), its proxy
(``configurable-http-proxy`` from npm, installed by scripts/ensure_system_packages.sh), the
dummy authenticator and the local-process spawner, everything on 127.0.0.1.

The room runs as a hub-managed service (``python -m course.room.hub``). The instructor logs in
to the hub and reaches the dashboard through the hub's OAuth; a learner's server spawned by
the hub joins the room from a kernel with its own hub token (``JUPYTERHUB_API_TOKEN``) and
answers a question; the instructor sees it, without the learner's hub name. Requests without a
hub identity, and learners on instructor endpoints, are refused. The hub is stopped by PID and
takes its proxy, service and learner server with it.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.pgserver import free_port

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
CHP = REPO / ".npm" / "node_modules" / ".bin" / "configurable-http-proxy"
BIN = Path(sys.executable).parent
PASSWORD = "room-test-" + secrets.token_hex(4)
ADMIN_TOKEN = secrets.token_hex(24)
START_TIMEOUT = 180.0

CONFIG = """
c = get_config()  # noqa: F821
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api_port}"
c.ConfigurableHTTPProxy.command = [{chp!r}]
c.JupyterHub.db_url = "sqlite:///{folder}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{folder}/cookie_secret"
c.JupyterHub.pid_file = "{folder}/jupyterhub.pid"
c.JupyterHub.redirect_to_server = False
c.JupyterHub.cleanup_servers = True
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = {password!r}
c.Authenticator.allowed_users = {{"instructor", "learner1"}}
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = "{folder}/home/{{username}}"
c.Spawner.cmd = [{singleuser!r}]
c.Spawner.args = ["--allow-root"]
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.JupyterHub.services = [
    {{"name": "room", "url": "http://127.0.0.1:{room_port}", "oauth_no_confirm": True,
      "command": [{python!r}, "-m", "course.room.hub", "--host", "127.0.0.1",
                  "--port", "{room_port}"],
      "environment": {{"COURSE_ROOM_DB": "{folder}/room.sqlite",
                       "COURSE_ROOM_INSTRUCTORS": "instructor", "COURSE_ROOM_K": "1"}}}},
    {{"name": "test-admin", "api_token": {admin_token!r}}},
]
c.JupyterHub.load_roles = [
    {{"name": "server",
      "scopes": ["users:activity!user", "access:servers!server",
                 "access:services!service=room"]}},
    {{"name": "user", "scopes": ["self", "access:services!service=room"]}},
    {{"name": "test-admin", "services": ["test-admin"],
      "scopes": ["admin:users", "admin:servers", "tokens", "read:users"]}},
]
"""

KERNEL_CODE = """
from course import room
from course.room.client import send
room.join({code!r}, server={server!r})
send("01-identity-shift", "identity-2026", "single", "systems", True, 1)
print("DELIVERED", room.flush(60), room.sent()[0]["event"]["pseudonym"])
"""


def _processes_under(folder: Path) -> list[str]:
    """Command lines of processes that name ``folder`` or run inside it."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            cwd = os.readlink(entry / "cwd")
        except OSError:
            continue
        if str(folder) in cmdline or cwd.startswith(str(folder)):
            found.append(f"{entry.name}: {cmdline}")
    return found


class Hub:
    """A running JupyterHub: its public URL, log and process."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port, self.room_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = folder / "hub.log"
        config = CONFIG.format(port=self.port, hub_port=free_port(),
                               proxy_api_port=free_port(), chp=str(CHP), folder=folder,
                               password=PASSWORD, singleuser=str(BIN / "jupyterhub-singleuser"),
                               room_port=self.room_port, python=sys.executable,
                               admin_token=ADMIN_TOKEN)
        (folder / "jupyterhub_config.py").write_text(config, encoding="utf-8")
        with self.log.open("wb") as out:
            env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
            self.process = subprocess.Popen(
                [str(BIN / "jupyterhub"), "-f", str(folder / "jupyterhub_config.py")],
                cwd=folder, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                env=env, start_new_session=True)

    def wait_ready(self) -> str:
        """Wait for the hub and the room service; return the room's join code."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"jupyterhub exited:\n{self.tail()}"
            codes = re.findall(r"Room code: (\w+)", self.log.read_text(errors="replace"))
            try:
                hub = httpx.get(f"{self.url}/hub/api/", timeout=2)
                room = httpx.get(f"{self.url}/services/room/api/health", timeout=2)
                if hub.status_code == 200 and room.status_code == 401 and codes:
                    return codes[-1]
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise AssertionError(f"hub or room service not ready:\n{self.tail()}")

    def api(self, method: str, path: str, **kwargs: object) -> httpx.Response:
        return httpx.request(method, f"{self.url}/hub/api{path}", timeout=30,
                             headers={"Authorization": f"token {ADMIN_TOKEN}"}, **kwargs)

    def tail(self, lines: int = 60) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        """SIGTERM by PID (the hub stops its proxy, services and servers), then wait."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Hub, str]]:
    assert CHP.is_file(), (f"{CHP} is missing: run `bash scripts/ensure_system_packages.sh` "
                           "(npm install configurable-http-proxy@5)")
    folder = tmp_path_factory.mktemp("hub")
    running = Hub(folder)
    try:
        yield running, running.wait_ready()
    finally:
        running.stop()
        leftovers = _processes_under(folder)
        assert not leftovers, "processes left behind:\n" + "\n".join(leftovers)


def _login(hub: Hub, name: str) -> httpx.Client:
    """A browser-like client logged in to the hub (dummy authenticator)."""
    client = httpx.Client(base_url=hub.url, timeout=60)
    page = client.get("/hub/login")
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page.text)
    data = {"username": name, "password": PASSWORD, **({"_xsrf": xsrf.group(1)} if xsrf else {})}
    done = client.post("/hub/login", data=data)
    assert done.status_code == 302, (done.status_code, done.text[:500])
    return client


def _run_in_kernel(hub: Hub, user: str, token: str, code: str) -> str:
    """Start a kernel in ``user``'s server (through the proxy), run ``code``, return stdout."""
    import websocket

    headers = {"Authorization": f"token {token}"}
    base = f"{hub.url}/user/{user}"
    kernel = httpx.post(f"{base}/api/kernels", json={"name": "python3"}, headers=headers,
                        timeout=60)
    assert kernel.status_code == 201, kernel.text
    kernel_id = kernel.json()["id"]
    ws = websocket.create_connection(
        f"ws://127.0.0.1:{hub.port}/user/{user}/api/kernels/{kernel_id}/channels",
        header=[f"Authorization: token {token}"], timeout=120)
    msg_id = uuid.uuid4().hex
    ws.send(json.dumps({
        "header": {"msg_id": msg_id, "username": user, "session": uuid.uuid4().hex,
                   "msg_type": "execute_request", "version": "5.3", "date": ""},
        "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
        "content": {"code": code, "silent": False, "store_history": False,
                    "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}}))
    out, error = [], None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        message = json.loads(ws.recv())
        if message.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind = message["msg_type"]
        if kind == "stream":
            out.append(message["content"]["text"])
        elif kind == "error":
            error = "\n".join(message["content"]["traceback"])
        elif kind == "status" and message["content"]["execution_state"] == "idle":
            break
    ws.close()
    httpx.delete(f"{base}/api/kernels/{kernel_id}", headers=headers, timeout=30)
    assert error is None, error
    return "".join(out)


def test_no_hub_identity_no_room(hub: tuple[Hub, str]) -> None:
    running, code = hub
    api = httpx.get(f"{running.url}/services/room/api/rooms/{code}", timeout=10)
    assert api.status_code == 401 and "log in through the hub" in api.json()["detail"]
    forged = httpx.get(f"{running.url}/services/room/api/rooms/{code}/summary",
                       headers={"Authorization": "token not-a-hub-token"}, timeout=10)
    assert forged.status_code == 401
    page = httpx.get(f"{running.url}/services/room/room/{code}",
                     headers={"Accept": "text/html"}, timeout=10)
    assert page.status_code == 302
    assert page.headers["location"].startswith("/hub/api/oauth2/authorize?")


def test_learner_joins_with_hub_identity_and_instructor_sees_it(hub: tuple[Hub, str]) -> None:
    running, code = hub
    started = running.api("POST", "/users/learner1/server")
    assert started.status_code in (201, 202), started.text
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        server = running.api("GET", "/users/learner1").json()["servers"].get("", {})
        if server.get("ready"):
            break
        time.sleep(1)
    else:
        raise AssertionError(f"learner1's server did not start:\n{running.tail()}")
    token = running.api("POST", "/users/learner1/tokens", json={"note": "test"}).json()["token"]

    printed = _run_in_kernel(running, "learner1", token, KERNEL_CODE.format(
        code=code, server=f"{running.url}/services/room"))
    delivered = re.search(r"DELIVERED (\w+) (\S+)", printed)
    assert delivered and delivered.group(1) == "True", printed
    pseudonym = delivered.group(2)

    learner = {"Authorization": f"token {token}"}  # a learner on an instructor endpoint
    for path in (f"/api/rooms/{code}/summary", f"/api/rooms/{code}/events",
                 f"/api/rooms/{code}/summary?token=guess"):
        refused = httpx.get(f"{running.url}/services/room{path}", headers=learner, timeout=10)
        assert refused.status_code in (401, 403), (path, refused.status_code, refused.text)

    instructor = _login(running, "instructor")
    dashboard = instructor.get(f"/services/room/room/{code}", headers={"Accept": "text/html"},
                               follow_redirects=True)
    assert dashboard.status_code == 200, dashboard.text[:500]
    assert str(dashboard.url).endswith(f"/services/room/room/{code}")
    assert "<script" in dashboard.text
    summary = instructor.get(f"/services/room/api/rooms/{code}/summary")
    assert summary.status_code == 200, summary.text
    data = summary.json()
    assert (data["joined"], data["events"]) == (1, 1)
    (row,) = data["questions"]
    assert row["histogram"] == {"systems": 1}
    events = instructor.get(f"/services/room/api/rooms/{code}/events").json()
    assert [e["pseudonym"] for e in events] == [pseudonym]
    assert "learner1" not in json.dumps(events)  # the hub name never reaches the room

    other = _login(running, "learner1")  # a learner's browser: logged in, still no rights
    page = other.get(f"/services/room/api/rooms/{code}/summary", follow_redirects=True)
    assert page.status_code in (401, 403)
