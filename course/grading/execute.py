"""Execute one repaired notebook in a (sandboxed) kernel, with limits.

- cell timeout, then interrupt; a kernel that ignores the interrupt is killed;
- a time budget for the whole notebook;
- kernel death (``os._exit``, CPU limit) ends the run: unreached test cells get an error
  output, so nbgrader's scoring gives them 0 and the notebook still has a result;
- each cell's output is capped (characters) while it streams in;
- test cells are judged on three signals: the reply status, error outputs, and a token the
  instrumented cell prints at its very end (see :mod:`course.grading.instrument`);
- before any cell runs, what the tests rely on is fingerprinted, and a probe opening every test
  cell reports what was rebound or shadowed since: that cell scores 0, status ``tampered``
  (see :mod:`course.grading.tamper`).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.v4 import new_code_cell, new_output

from course.grading import sandbox, tamper, zygote
from course.grading.instrument import MARKER, instrument
from course.grading.records import RunLimits
from course.grading.repair import SKIP


@dataclass
class RunResult:
    """The executed notebook and what happened."""

    nb: nbformat.NotebookNode
    statuses: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # wall seconds per phase (kernel start, setup cell, student code, chart cells, test
    # cells...), read by ``bench/breakdown.py``
    seconds: dict[str, float] = field(default_factory=dict)

    def timed(self, phase: str, since: float) -> float:
        """Add the time since ``since`` to ``phase``; return now."""
        now = time.monotonic()
        self.seconds[phase] = self.seconds.get(phase, 0.0) + now - since
        return now


class _KernelManager(AsyncKernelManager):
    """A kernel manager whose command is wrapped by :func:`sandbox.wrap`, or whose kernel is
    forked by this worker's zygote (:mod:`course.grading.zygote`) when ``course_fork`` is set."""

    course_wrap: Callable[[list[str]], list[str]]  # set by _run before the kernel starts
    course_fork: Callable[[list[str]], Any] | None = None
    course_note: str | None = None  # why the zygote was not used, when it failed

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        command = super().format_kernel_cmd(extra_arguments)
        return command if self.course_fork else self.course_wrap(command)

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        from course.grading.zygote import ZygoteError

        if self.course_fork is not None and self.provisioner is not None:
            try:
                forked = self.course_fork(kernel_cmd)
            except ZygoteError as error:  # fall back to a bubblewrap kernel
                self.course_note = f"zygote unavailable, kernel started by bubblewrap: {error}"
            else:
                provisioner: Any = self.provisioner
                provisioner.process, provisioner.pid, provisioner.pgid = forked, forked.pid, None
                self._reconcile_connection_info(provisioner.connection_info)
                return
            self.course_fork = None
            kernel_cmd = self.course_wrap(kernel_cmd)
        await super()._async_launch_kernel(kernel_cmd, **kw)


class _Client(NotebookClient):
    """nbclient with a per-cell output cap and the execute replies kept."""

    def __init__(self, *args: Any, cap: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cap = cap
        self.used: dict[int, int] = {}
        self.capped: set[int] = set()
        self.replies: dict[int, dict] = {}
        self.token: str | None = None
        self.probe: str | None = None
        self.on_cell_executed = self._keep_reply

    def _keep_reply(self, cell: object, cell_index: int, execute_reply: dict) -> None:
        self.replies[cell_index] = execute_reply

    def output(self, outs: list, msg: dict, display_id: str | None, cell_index: int) -> Any:
        content = msg.get("content", {})
        text = str(content.get("text", ""))
        if (self.token and self.token in text) or (self.probe and self.probe in text):
            return _joined(outs, super().output(outs, msg, display_id, cell_index))
        size = len(json.dumps(content, default=str))
        used = self.used.get(cell_index, 0)
        self.used[cell_index] = used + size
        if used + size <= self.cap:
            return _joined(outs, super().output(outs, msg, display_id, cell_index))
        if cell_index not in self.capped:
            self.capped.add(cell_index)
            outs.append(new_output("stream", name="stdout",
                                   text=f"\n[output truncated by the grader: more than "
                                        f"{self.cap} characters]\n"))
        return None


def _joined(outs: list, out: Any) -> Any:
    """Append a stream message to the stream output just before it, as Jupyter front ends show
    them. Where the kernel cuts its printed text into messages depends on timing (a ``print``
    writes the text and its newline separately), so without this the same notebook graded
    twice could get different outputs: a test cell's token line then leaves a stray newline."""
    if (out is None or len(outs) < 2 or outs[-1] is not out or out.output_type != "stream"
            or outs[-2].get("output_type") != "stream" or outs[-2].get("name") != out.name):
        return out
    outs.pop()
    outs[-1].text += out.text
    return outs[-1]


def _error(ename: str, evalue: str) -> nbformat.NotebookNode:
    return new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


def _is_test(cell: nbformat.NotebookNode) -> bool:
    from course.nbcells import is_test

    return is_test(cell)


def _label(index: int, cell: nbformat.NotebookNode) -> str:
    grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
    return f"cell {index}" + (f" ({grade_id})" if grade_id else "")


def _judge_test(client: _Client, index: int, cell: nbformat.NotebookNode, token: str | None,
                result: RunResult, guard: tamper.Guard | None = None) -> None:
    """Decide pass/fail from reply + outputs + token + rebinding probe; make failures
    visible as errors."""
    reply = client.replies.get(index, {}).get("content", {})
    for reason in _rebinding(guard, index, cell) if token else []:
        cell.outputs.append(_error("Tampered", f"this test cell scores 0: {reason}"))
        result.statuses.append("tampered")
        result.notes.append(reason)
    errors = [o for o in cell.outputs if o.output_type == "error"]
    seen = False
    for output in cell.outputs:
        if token and output.output_type == "stream" and token in output.text:
            seen = True  # the token and its newline go; text printed before it stays
            output.text = output.text.replace(token + "\n", "").replace(token, "")
    cell.outputs = [o for o in cell.outputs if not (o.output_type == "stream" and not o.text)]
    if any(MARKER in str(o.get("evalue", "")) for o in errors):
        result.statuses.append("tampered")
        result.notes.append(f"{_label(index, cell)}: always-equal object rejected")
    if errors:
        return
    failed = reply.get("status") == "error" or (token is not None and not seen)
    if failed:
        why = reply.get("ename") or "no completion token"
        cell.outputs.append(_error("TestFailed", f"the test did not complete ({why}) but no "
                                   "error was shown: tracebacks were hidden"))
        result.statuses.append("tampered")
        result.notes.append(f"{_label(index, cell)}: failed with its error hidden "
                            "(showtraceback tampering?)")


def _rebinding(guard: tamper.Guard | None, index: int, cell: nbformat.NotebookNode) -> list[str]:
    """The probe's findings for a test cell; its report lines leave the outputs."""
    if guard is None or index not in guard.pending:
        return []
    streams = [o for o in cell.outputs if o.output_type == "stream"]
    kept, reports = guard.take_report([o.text for o in streams])
    for output, text in zip(streams, kept, strict=True):
        output.text = text
    cell.outputs = [o for o in cell.outputs if not (o.output_type == "stream" and not o.text)]
    name = cell.metadata.get("nbgrader", {}).get("grade_id") or f"cell {index}"
    return guard.findings(index, reports, name)


async def _start_guard(client: _Client, nb: nbformat.NotebookNode, timeout: float,
                       result: RunResult) -> tamper.Guard | None:
    """Before any cell of the notebook: stash and fingerprint what the tests rely on."""
    tests = [instrument(c.source)[0] for c in nb.cells
             if _is_test(c) and SKIP not in c.metadata]
    trusted = [c.source for c in nb.cells if c.cell_type == "code" and not _is_test(c)
               and c.metadata.get("nbgrader", {}).get("locked")]
    guard = tamper.Guard(tamper.plan(tests, trusted))
    index = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"), None)
    if index is None:
        return None
    kept = nb.cells[index]
    capture = new_code_cell(guard.capture_code())
    client.timeout = int(max(1, timeout))
    client.probe = guard.marker
    try:
        await client.async_execute_cell(capture, index, store_history=False)
        text = "".join(o.get("text", "") for o in capture.outputs if o.output_type == "stream")
        guard.read_capture(text)
    except (CellTimeoutError, DeadKernelError, RuntimeError, ValueError) as error:
        failed = [o.get("evalue", "") for o in capture.outputs if o.output_type == "error"]
        result.notes.append(f"rebinding check unavailable: {'; '.join(failed) or error}")
        return None
    finally:
        nb.cells[index] = kept
        client.replies.pop(index, None)
        client.used.pop(index, None)
        client.capped.discard(index)
    return guard


TIMEOUT_ENAME = "CellTimeoutError"
SOCKET_PATH_MAX = 107  # bytes of an AF_UNIX socket path (sun_path is 108, with its NUL)


def _timed_out(client: _Client, index: int) -> bool:
    reply = client.replies.get(index, {}).get("content", {})
    return reply.get("status") == "error" and reply.get("ename") == TIMEOUT_ENAME


async def _responsive(client: _Client, index: int, grace: float) -> bool:
    """After an interrupt: does the kernel answer a trivial cell within ``grace``?"""
    probe = new_code_cell("pass")
    client.timeout = int(max(1, grace))
    client.replies.pop(index, None)
    cell = client.nb.cells[index]
    try:
        await client.async_execute_cell(probe, index)
    except (CellTimeoutError, DeadKernelError, RuntimeError):
        return False
    finally:
        client.nb.cells[index] = cell  # nbclient stores the executed (probe) cell there
    return not _timed_out(client, index)


def socket_path(rundir: Path) -> Path:
    """The longest path of the kernel's ZMQ ipc sockets in ``rundir`` (``kernel-<port>``)."""
    return rundir / "kernel-65535"


async def _run(nb: nbformat.NotebookNode, workdir: Path, rundir: Path, limits: RunLimits,
               sandboxed: bool) -> RunResult:
    result = RunResult(nb)
    if len(os.fsencode(socket_path(rundir))) > SOCKET_PATH_MAX:
        raise ValueError(f"the kernel's socket path {socket_path(rundir)} is longer than the "
                         f"{SOCKET_PATH_MAX} bytes a Unix socket allows: use a shorter TMPDIR")
    km = _KernelManager(kernel_name="python3", transport="ipc", ip=str(rundir / "kernel"),
                        connection_file=str(rundir / "kernel.json"))
    km.course_wrap = lambda cmd: sandbox.wrap(cmd, workdir, rundir, limits.kernel, sandboxed)
    if sandboxed and zygote.enabled():
        km.course_fork = lambda cmd: zygote.launch(cmd, workdir, rundir, limits.kernel)
    client = _Client(nb, km=km, cap=limits.output_chars, timeout=int(limits.cell_timeout),
                     allow_errors=True, interrupt_on_timeout=True,
                     error_on_timeout={"ename": TIMEOUT_ENAME, "evalue": "time limit",
                                       "traceback": []},
                     raise_on_iopub_timeout=False, iopub_timeout=5, record_timing=False,
                     startup_timeout=60, shutdown_kernel="immediate",
                     extra_arguments=["--HistoryManager.hist_file=:memory:"],
                     resources={"metadata": {"path": str(workdir)}})
    started = time.monotonic()
    stopped: str | None = None
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    # cleanup_kc: nbclient shuts down only kernels whose manager it made itself, and we pass
    # our own (sandboxed) manager; without it every graded notebook left a kernel running.
    first_code = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"), None)
    async with client.async_setup_kernel(cleanup_kc=True, env=sandbox.environment(sandboxed),
                                         **quiet):
        clock = result.timed("forked kernel start" if km.course_fork else "sandbox + kernel start",
                             started)
        if km.course_fork:
            spent = zygote.instance().take_start_seconds()
            if spent:
                result.seconds["zygote start (once per run)"] = spent
                result.seconds["forked kernel start"] -= spent
        if km.course_note:
            result.notes.append(km.course_note)
        guard = await _start_guard(client, nb, max(limits.cell_timeout, 60.0), result)
        clock = result.timed("rebinding capture", clock)
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            is_test = _is_test(cell)
            if SKIP in cell.metadata:
                cell.outputs = [_error("NotRun", cell.metadata[SKIP])] if is_test else []
                continue
            if stopped:
                if is_test:
                    cell.outputs = [_error("NotRun", f"not run: {stopped}")]
                continue
            remaining = limits.budget - (time.monotonic() - started)
            if remaining < 1:
                stopped = f"the notebook's time budget of {limits.budget:g} s was used up"
                result.statuses.append("killed")
                result.notes.append(f"{_label(index, cell)}: {stopped}")
                if is_test:
                    cell.outputs = [_error("NotRun", f"not run: {stopped}")]
                continue
            timeout = min(limits.cell_timeout, remaining)
            client.timeout = int(max(1, timeout))
            original, token = cell.source, None
            if is_test:
                code, token = instrument(original)
                if guard is not None and token is not None:
                    code = guard.prefix(index, code)
                cell.source = code
            client.token = token
            try:
                await client.async_execute_cell(cell, index)
                if _timed_out(client, index):
                    timed_out = client.replies.pop(index)
                    cell.outputs.append(_error(TIMEOUT_ENAME,
                                               f"stopped after {timeout:g} s (time limit)"))
                    if await _responsive(client, index, limits.grace):
                        result.statuses.append("timeout")
                        result.notes.append(f"{_label(index, cell)}: timed out after "
                                            f"{timeout:g} s; interrupted")
                    else:
                        stopped = f"{_label(index, cell)} did not stop when interrupted"
                        result.statuses.append("killed")
                        result.notes.append(f"{stopped}; kernel killed after {timeout:g} s")
                        await km.shutdown_kernel(now=True)
                    client.replies[index] = timed_out
            except CellTimeoutError as error:
                stopped = f"{_label(index, cell)}: no output from the kernel ({error})"
                cell.outputs.append(_error(TIMEOUT_ENAME, stopped))
                result.statuses.append("killed")
                result.notes.append(stopped)
                await km.shutdown_kernel(now=True)
            except DeadKernelError:
                stopped = f"the kernel died while running {_label(index, cell)}"
                cell.outputs.append(_error("DeadKernelError", stopped))
                result.statuses.append("kernel-died")
                result.notes.append(stopped)
            finally:
                cell.source = original
                client.token = None
            _nbgrader_reply_error(client, index, cell)
            if is_test:
                _judge_test(client, index, cell, token if not stopped else None, result, guard)
            if any(o.output_type == "error" and o.get("ename") == "MemoryError"
                   for o in cell.outputs):
                result.statuses.append("memory")
                mib = limits.kernel.memory_bytes // 1024**2
                result.notes.append(f"{_label(index, cell)}: memory limit ({mib} MiB) reached")
            if index in client.capped:
                result.statuses.append("repaired")
                result.notes.append(f"{_label(index, cell)}: output capped at "
                                    f"{limits.output_chars} characters")
            clock = result.timed(_phase(cell, index == first_code, is_test), clock)
        clock = time.monotonic()
    result.timed("kernel stop", clock)
    return result


CHART_TYPES = ("image/svg+xml", "image/png", "application/vnd.vegalite")


def _phase(cell: nbformat.NotebookNode, first: bool, is_test: bool) -> str:
    """Which phase of the breakdown a cell's time belongs to."""
    if is_test:
        return "test cells"
    if first:
        return "setup cell (imports)"
    shown = [key for o in cell.outputs for key in o.get("data", {})]
    if any(key.startswith(CHART_TYPES) for key in shown):
        return "cells showing a chart"
    return "student code"


def _nbgrader_reply_error(client: _Client, index: int, cell: nbformat.NotebookNode) -> None:
    """Like nbgrader's Execute: an error reply with no matching error output adds one."""
    reply = client.replies.get(index, {}).get("content", {})
    if reply.get("status") != "error" or _is_test(cell) or reply.get("ename") == TIMEOUT_ENAME:
        return
    if not any(o.output_type == "error" and o.get("ename") == reply.get("ename")
               for o in cell.outputs):
        cell.outputs.append(new_output("error", ename=reply.get("ename", "Error"),
                                       evalue=reply.get("evalue", ""),
                                       traceback=reply.get("traceback") or [
                                           "ERROR: An error occurred while showtraceback "
                                           "was disabled"]))


def run_notebook(nb: nbformat.NotebookNode, workdir: Path, rundir: Path, limits: RunLimits,
                 sandboxed: bool) -> RunResult:
    """Execute ``nb`` in place; never raises for anything the student's code does."""
    from nbgrader.preprocessors import LimitOutput

    result = asyncio.run(_run(nb, workdir, rundir, limits, sandboxed))
    LimitOutput().preprocess(result.nb, {})
    for cell in result.nb.cells:
        cell.metadata.pop(SKIP, None)
    return result
