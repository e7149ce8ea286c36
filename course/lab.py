"""Open JupyterLab on the course: ``course lab`` (what ``make workshop`` runs).

Binds to 127.0.0.1, opens on the welcome notebook (or the first one released), keeps the
news pop-up away, and adds ``--allow-root`` when run as root.
"""

from __future__ import annotations

import errno
import json
import os
import socket
import sys
from pathlib import Path

SETTINGS_OVERRIDES = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
}


def first_notebook(root: Path) -> Path:
    """The welcome notebook if released, else the first notebook in ``notebooks/``."""
    welcome = root / "notebooks" / "00-welcome" / "00-welcome.ipynb"
    if welcome.is_file():
        return welcome
    found = sorted((root / "notebooks").glob("*/*.ipynb"))
    if not found:
        raise FileNotFoundError(f"no notebooks in {root / 'notebooks'}: run `make release`")
    return found[0]


def write_settings_overrides(prefix: Path = Path(sys.prefix)) -> Path:
    """Write JupyterLab settings overrides (no news pop-up) into this environment."""
    target = prefix / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    current = json.loads(target.read_text()) if target.is_file() else {}
    current.update(SETTINGS_OVERRIDES)
    target.write_text(json.dumps(current, indent=2) + "\n")
    return target


def first_free_port(port: int, tries: int = 50) -> int:
    """``port`` if nothing listens on 127.0.0.1 there, else the next free one (as Jupyter would
    pick), so the address ``course lab`` prints is the one the server takes."""
    for candidate in range(port, port + tries):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", candidate))
            except OSError as error:
                if error.errno != errno.EADDRINUSE:
                    raise
                continue
            return candidate
    raise OSError(errno.EADDRINUSE, f"ports {port} to {port + tries - 1} on 127.0.0.1 are all "
                  "taken: stop another server or pass --port")


def lab_command(root: Path, port: int, token: str | None = None, open_browser: bool = True) -> list[str]:
    """The ``jupyter lab`` command line for this checkout."""
    start = first_notebook(root).relative_to(root).as_posix()
    command = [sys.executable, "-m", "jupyter", "lab", "--ip=127.0.0.1", f"--port={port}",
               "--ServerApp.port_retries=0",
               f"--ServerApp.root_dir={root}", f"--LabApp.default_url=/lab/tree/{start}"]
    if token is not None:
        command.append(f"--IdentityProvider.token={token}")
    if not open_browser:
        command.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    return command


def start(root: Path, port: int, open_browser: bool = True) -> int:
    """Start JupyterLab in the foreground (this process becomes it)."""
    write_settings_overrides()
    free = first_free_port(port)
    if free != port:
        print(f"Port {port} is taken on 127.0.0.1; using {free}.", flush=True)
    command = lab_command(root, free, open_browser=open_browser)
    print(f"Starting JupyterLab on http://127.0.0.1:{free} (Ctrl+C to stop; open the address "
          "with the token printed below)", flush=True)
    os.execv(command[0], command)
    return 0  # not reached
