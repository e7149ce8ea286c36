"""``course lab``: the address it prints is the one JupyterLab takes, on 127.0.0.1 only."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from course import lab

ROOT = Path(__file__).resolve().parents[2]


def _listening() -> tuple[socket.socket, int]:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen()
    return server, server.getsockname()[1]


def test_a_free_port_is_kept() -> None:
    server, port = _listening()
    server.close()
    assert lab.first_free_port(port) == port


def test_a_taken_port_moves_to_the_next_free_one() -> None:
    server, port = _listening()
    with server:
        chosen = lab.first_free_port(port)
    assert chosen > port


def test_every_port_taken_names_the_range_and_the_way_out() -> None:
    server, port = _listening()
    with server, pytest.raises(OSError, match=rf"ports {port} to {port} .*--port"):
        lab.first_free_port(port, tries=1)


def test_the_command_binds_loopback_and_never_moves_on_its_own() -> None:
    command = lab.lab_command(ROOT, 8890, token="t", open_browser=False)
    assert "--ip=127.0.0.1" in command and "--port=8890" in command
    # Jupyter would silently take the next port and make the printed address wrong
    assert "--ServerApp.port_retries=0" in command
    assert "--no-browser" in command and "--IdentityProvider.token=t" in command
    assert any(part.endswith("notebooks/00-welcome/00-welcome.ipynb") for part in command)
