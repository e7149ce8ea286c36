"""Measure the memory of one idle learner: a Jupyter server plus one kernel with the course
imported, the way a learner's pod holds them between two cells.

    .venv/bin/python deploy/measure_memory.py --runs 3

Each run starts ``jupyter lab`` (the server a learner's pod runs, without the hub's login
layer) on a free port on 127.0.0.1, starts a kernel through the server's REST API, runs the
first cell of every lesson (``from course import setup; setup()``) plus the libraries the
lessons use (pandas, altair, ipywidgets), waits, then reads the resident (RSS) and
proportional (PSS) memory of the server and every process under it from
``/proc/PID/smaps_rollup``. It then executes module 03 (the largest executed notebook) in the
same kernel and measures again (counting cells that failed). The server is stopped by PID.
Figures are MiB, median of runs; ``--out deploy/memory.json`` keeps them for deploy/README.md
and tests/unit/test_deploy.py.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SETUP = "from course import setup; setup()\nimport pandas, altair, ipywidgets\n"
WORKING_MODULE = "03-market-numbers"


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def tree(pid: int) -> list[int]:
    """``pid`` and every process below it."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        todo.extend(children.get(current, []))
    return out


def memory_kib(pid: int) -> dict[str, int]:
    """Rss and Pss of one process in KiB."""
    values = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("Rss", "Pss"):
            values[key] = int(rest.split()[0])
    return values


def measure(server_pid: int) -> dict[str, float]:
    """RSS and PSS (MiB) of the server and of the rest of its process tree (the kernel)."""
    pids = tree(server_pid)
    server = memory_kib(server_pid)
    rest = [memory_kib(p) for p in pids if p != server_pid]
    return {"server_rss": server["Rss"] / 1024, "server_pss": server["Pss"] / 1024,
            "kernel_rss": sum(x["Rss"] for x in rest) / 1024,
            "kernel_pss": sum(x["Pss"] for x in rest) / 1024,
            "total_pss": (server["Pss"] + sum(x["Pss"] for x in rest)) / 1024,
            "total_rss": (server["Rss"] + sum(x["Rss"] for x in rest)) / 1024,
            "processes": len(pids)}


def wait_for(url: str, token: str, timeout: float = 120) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/api/status", headers={"Authorization": f"token {token}"},
                         timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"jupyter server at {url} did not answer in {timeout:g} s")


def code_cells(module: str) -> list[str]:
    import nbformat

    folder = REPO / "solutions" / module
    notebook = sorted(folder.glob("*.ipynb"))[0]
    nb = nbformat.read(notebook, as_version=4)
    return [c.source for c in nb.cells if c.cell_type == "code"]


def one_run(work: Path) -> dict[str, dict[str, float]]:
    import httpx
    from jupyter_client import BlockingKernelClient

    port, token = free_port(), secrets.token_hex(16)
    runtime = work / "runtime"
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(runtime), "COURSE_PROGRESS":
           str(work / "progress.json")}
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1",
         f"--port={port}", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={REPO}",
         "--ServerApp.open_browser=False", *(["--allow-root"] if os.geteuid() == 0 else [])],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(url, token)
        headers = {"Authorization": f"token {token}"}
        kernel = httpx.post(f"{url}/api/kernels", json={"name": "python3"}, headers=headers,
                            timeout=60).json()
        client = BlockingKernelClient()
        client.load_connection_file(str(runtime / f"kernel-{kernel['id']}.json"))
        client.start_channels()
        for attempt in range(3):  # a loaded machine can miss a heartbeat: ask again
            try:
                client.wait_for_ready(timeout=120)
                break
            except RuntimeError:
                if attempt == 2:
                    raise
                time.sleep(2)
        reply = client.execute_interactive(SETUP, timeout=120, output_hook=lambda _m: None)
        assert reply["content"]["status"] == "ok", reply["content"]
        time.sleep(5)
        idle = measure(server.pid)
        errors = 0
        for source in code_cells(WORKING_MODULE):
            reply = client.execute_interactive(source, timeout=120,
                                               output_hook=lambda _m: None)
            errors += reply["content"]["status"] != "ok"
        time.sleep(5)
        working = {**measure(server.pid), "cell_errors": errors}
        client.stop_channels()
        return {"idle": idle, "after_module": working}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None, help="also write the JSON here")
    args = parser.parse_args(argv)
    load_before = Path("/proc/loadavg").read_text().split()[:3]
    runs = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="course-mem-") as work:
            runs.append(one_run(Path(work)))
    summary = {state: {key: round(statistics.median(r[state][key] for r in runs), 1)
                       for key in runs[0][state]} for state in runs[0]}
    import platform

    import jupyterlab

    report = json.dumps({"runs": args.runs, "median_mib": summary, "per_run": runs,
                         "module_run": WORKING_MODULE, "python": platform.python_version(),
                         "jupyterlab": jupyterlab.__version__,
                         "date_utc": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
                         "loadavg_before": load_before,
                         "loadavg_after": Path("/proc/loadavg").read_text().split()[:3]},
                        indent=1)
    print(report)
    if args.out:
        args.out.write_text(report + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
