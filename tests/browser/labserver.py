"""Start and stop a private JupyterLab server for the browser tests.

The server serves a temp copy of the course's notebooks, binds 127.0.0.1 on a free port with
a random token, keeps its settings, workspaces, runtime files and the learner's progress file
in a temp folder, and is stopped by its PID.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from course import lab
from tests.processes import free_port, stop_by_pid, wait_until_answering

REPO = Path(__file__).resolve().parents[2]

# User settings (JupyterLab's "user-settings" layout): no news pop-up, no update check, every
# cell kept in the DOM (no windowing), and no "kernel died" style surprises from autosave.
USER_SETTINGS: dict[str, dict[str, object]] = {
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false",
                                                    "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
}
START_TIMEOUT = 90.0
STOP_TIMEOUT = 15.0


@dataclass
class LabServer:
    """A running JupyterLab: where it serves from, how to reach it, and its process."""

    root: Path
    port: int
    token: str
    process: subprocess.Popen[bytes]
    log: Path
    progress_file: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str, workspace: str) -> str:
        """The address that opens ``path`` (relative to the root) in a fresh workspace."""
        return (f"{self.base_url}/lab/workspaces/{workspace}/tree/{path}"
                f"?reset&token={self.token}")

    def api(self, path: str, method: str = "GET") -> object:
        """Call the server's REST API and return the decoded JSON (None when empty)."""
        request = urllib.request.Request(f"{self.base_url}{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def log_tail(self, lines: int = 40) -> str:
        """The end of the server's log, for error messages."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def copy_course(repo: Path, target: Path) -> Path:
    """Copy ``notebooks/`` and ``solutions/`` into ``target`` (the server's root)."""
    target.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__")
    for name in ("notebooks", "solutions"):
        if (repo / name).is_dir():
            shutil.copytree(repo / name, target / name, ignore=ignore)
    return target


def write_user_settings(settings_dir: Path) -> None:
    """Write :data:`USER_SETTINGS` as JupyterLab user-settings files."""
    for plugin, values in USER_SETTINGS.items():
        path = settings_dir / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values, indent=2) + "\n")


def server_env(state: Path) -> dict[str, str]:
    """The environment for the server and its kernels: private dirs, live charts."""
    env = dict(os.environ)
    # The rest of the test suite forces PNG charts; in the browser charts must be live.
    for name in ("COURSE_RENDERER", "JPY_SESSION_NAME", "NBGRADER_EXECUTION"):
        env.pop(name, None)
    env.update({
        "JUPYTERLAB_SETTINGS_DIR": str(state / "user-settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(state / "workspaces"),
        "JUPYTER_RUNTIME_DIR": str(state / "runtime"),
        "JUPYTER_CONFIG_DIR": str(state / "config"),
        "JUPYTER_DATA_DIR": str(state / "data"),
        "COURSE_PROGRESS": str(state / "progress" / "progress.json"),
        "COURSE_LEARNER": "browser-test",
        "PYTHONDONTWRITEBYTECODE": "1",
    })
    return env


def wait_until_ready(server: LabServer, timeout: float = START_TIMEOUT) -> None:
    """Poll ``/api/status`` until the server answers; fail early if it exits."""
    wait_until_answering(server.process, lambda: server.api("/api/status"), name="jupyter lab",
                         log_tail=server.log_tail, timeout=timeout, interval=0.25)


def start(repo: Path, state: Path) -> LabServer:
    """Copy the course into ``state/root`` and start JupyterLab on it."""
    root = copy_course(repo, state / "root")
    write_user_settings(state / "user-settings")
    env = server_env(state)
    Path(env["COURSE_PROGRESS"]).parent.mkdir(parents=True, exist_ok=True)
    port, token = free_port(), secrets.token_hex(24)
    command = lab.lab_command(root, port, token=token, open_browser=False)
    log = state / "jupyter-lab.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=root, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    server = LabServer(root, port, token, process, log, Path(env["COURSE_PROGRESS"]))
    try:
        wait_until_ready(server)
    except BaseException:
        stop(server)
        raise
    return server


def stop(server: LabServer) -> None:
    """Shut the kernels down, then stop the server by its PID: terminate, wait, kill."""
    process = server.process
    if process.poll() is None:
        try:
            for kernel in server.api("/api/kernels") or []:  # type: ignore[union-attr]
                server.api(f"/api/kernels/{kernel['id']}", method="DELETE")
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        stop_by_pid(process, STOP_TIMEOUT)
