"""A kernel "zygote": import the course's stack once, fork a fresh sandboxed kernel per notebook.

A graded kernel used to spend most of its CPU importing pandas, Altair and ipywidgets before
running a line of the student's notebook. Each grading worker now starts one zygote process
that imports that stack (nothing student-specific: no submission, no kernel key, no socket),
then, per notebook, forks:

- the zygote itself only holds a user and mount namespace of its own (so that its children
  may build their sandbox without privileges); it talks to its worker over stdin/stdout;
- a first child unshares mount, PID, network, IPC and UTS namespaces and forks the kernel,
  which is PID 1 of its namespace (when it exits every process it started dies with it);
- the kernel process builds its own root like bubblewrap does: a fresh tmpfs holding the
  read-only system, Python and course folders (:func:`course.grading.sandbox.read_only_paths`),
  its own ``/proc``, a minimal ``/dev``, a private ``/tmp`` and home, one writable work folder
  and its runtime folder (the ZMQ ``ipc`` sockets and the connection file the grader wrote
  for this notebook only); ``pivot_root`` leaves the host's file system behind; the root is
  read-only; then resource limits (as ``prlimit`` sets them), every file descriptor it
  inherited closed, every capability dropped, ``no_new_privs``, a clean environment,
  ``random`` and NumPy reseeded from the OS;
- only then does it read its connection file and start ``ipykernel``; the grader talks to it
  exactly as to a kernel started by bubblewrap.

The kernel's PID is reported to the worker, which interrupts and kills it directly (pidfd).
If the zygote cannot start or stops answering, :func:`course.grading.execute` falls back to a
bubblewrap kernel per notebook: slower, the same guarantees.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
import types
from dataclasses import asdict
from pathlib import Path
from typing import Any

from course.grading import sandbox

# What a notebook imports before its first answer (``setup()`` and the kernel itself; a
# kernel's start imports the debugger, i.e. debugpy, which alone took seconds per kernel).
PRELOAD = ("ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "IPython",
           "ipykernel.debugger", "sqlite3", "pdb", "faulthandler", "tornado.ioloop", "numpy",
           "pandas", "altair", "ipywidgets", "course", "course.notebook_setup", "course.render",
           "course.room", "course.charts.theme", "course.paths", "course.data")
# BLAS thread pools must not exist when the zygote forks (a forked child has one thread).
SINGLE_THREADED = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
READY = "zygote-ready"

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
MNT_DETACH = 2
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_CAPBSET_DROP = 1, 4, 24
PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 38, 47, 4
SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41}
SYS_CAPSET = {"x86_64": 126, "aarch64": 91}
LINUX_CAPABILITY_VERSION_3 = 0x20080522
# Where the new root is assembled (a tmpfs hides that folder in the kernel's namespace only).
BASES = ("/mnt", "/media", "/srv", "/opt", "/run", "/tmp")
DEVICES = ("null", "zero", "full", "random", "urandom", "tty")


class ZygoteError(RuntimeError):
    """The zygote could not start or fork a kernel."""


# ----------------------------------------------------------------------------- kernel side

def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def _mount(libc: ctypes.CDLL, source: str | None, target: str, fstype: str | None, flags: int,
           data: str | None = None) -> None:
    _check(libc.mount(source.encode() if source else None, target.encode(),
                      fstype.encode() if fstype else None, ctypes.c_ulong(flags),
                      data.encode() if data else None), f"mount {target}")


def _locked_flags(path: str) -> int:
    """nosuid/nodev/noexec of the mount holding ``path`` (a read-only remount must keep them)."""
    flags = os.statvfs(path).f_flag
    return ((MS_NOSUID if flags & os.ST_NOSUID else 0) | (MS_NODEV if flags & os.ST_NODEV else 0)
            | (MS_NOEXEC if flags & os.ST_NOEXEC else 0))


def _bind(libc: ctypes.CDLL, source: str, target: str, read_only: bool) -> None:
    if os.path.isdir(source):
        os.makedirs(target, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        Path(target).touch()
    _mount(libc, source, target, None, MS_BIND | MS_REC)
    if read_only:
        _mount(libc, None, target, None,
               MS_BIND | MS_REMOUNT | MS_RDONLY | _locked_flags(target))


def _build_root(libc: ctypes.CDLL, job: dict) -> None:
    """Mount the sandbox's file system and ``pivot_root`` into it (mount namespace is private)."""
    _mount(libc, None, "/", None, MS_REC | MS_PRIVATE)
    sources = [*job["read_only"], job["workdir"], job["rundir"]]
    base = next(d for d in BASES if os.path.isdir(d)
                and not any(s == d or s.startswith(d + "/") for s in sources))
    _mount(libc, "tmpfs", base, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755")
    root = f"{base}/root"
    os.mkdir(root)
    _mount(libc, "tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755")
    for link, target in job["symlinks"]:
        os.symlink(target, root + link)
    for path in job["read_only"]:
        if os.path.exists(path):
            _bind(libc, path, root + path, read_only=True)
    dev = f"{root}/dev"
    os.mkdir(dev)
    _mount(libc, "tmpfs", dev, "tmpfs", MS_NOSUID, "mode=0755")
    for name in DEVICES:
        if os.path.exists(f"/dev/{name}"):
            _bind(libc, f"/dev/{name}", f"{dev}/{name}", read_only=False)
    for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
                         ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")):
        os.symlink(target, f"{dev}/{name}")
    os.mkdir(f"{dev}/shm")
    _mount(libc, "tmpfs", f"{dev}/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777")
    os.mkdir(f"{root}/proc")
    _mount(libc, "proc", f"{root}/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    for sub in ("sys", "sysrq-trigger", "irq", "bus"):
        if os.path.exists(f"{root}/proc/{sub}"):
            _bind(libc, f"{root}/proc/{sub}", f"{root}/proc/{sub}", read_only=True)
    os.mkdir(f"{root}/tmp")
    _mount(libc, "tmpfs", f"{root}/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777")
    os.mkdir(f"{root}/home")
    _mount(libc, "tmpfs", f"{root}/home", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755")
    os.makedirs(root + sandbox.WORK)
    _bind(libc, job["workdir"], root + sandbox.WORK, read_only=False)
    _bind(libc, job["rundir"], root + job["rundir"], read_only=False)
    machine = os.uname().machine
    os.chdir(root)
    _check(libc.syscall(SYS_PIVOT_ROOT[machine], b".", b"."), "pivot_root")
    _check(libc.umount2(b".", MNT_DETACH), "umount old root")
    os.chdir("/")
    _mount(libc, None, "/", None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
    _mount(libc, None, "/dev", None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID)
    _check(libc.sethostname(b"sandbox", 7), "sethostname")


def _drop_privileges(libc: ctypes.CDLL) -> None:
    """No capability left (bounding, ambient, effective, permitted, inheritable); no_new_privs."""
    cap = 0
    while libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0:
        cap += 1
    libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    header = (ctypes.c_uint32 * 2)(LINUX_CAPABILITY_VERSION_3, 0)
    data = (ctypes.c_uint32 * 6)()
    _check(libc.syscall(SYS_CAPSET[os.uname().machine], header, data), "capset")
    _check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")


def _limit(limits: dict) -> None:
    import resource

    for which, value in ((resource.RLIMIT_DATA, limits["memory_bytes"]),
                         (resource.RLIMIT_CPU, limits["cpu_seconds"]),
                         (resource.RLIMIT_FSIZE, limits["file_bytes"]),
                         (resource.RLIMIT_NOFILE, limits["open_files"])):
        resource.setrlimit(which, (value, value))


def _reseed() -> None:
    """Fresh randomness per kernel: a forked child would replay the zygote's state."""
    import random

    random.seed()
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed(int.from_bytes(os.urandom(4), "little"))


def _become_kernel(job: dict, status: int) -> None:
    """In the kernel process (PID 1 of its namespace): sandbox, then run ipykernel."""
    libc = _libc()
    os.setsid()
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    libc.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)
    _build_root(libc, job)
    null = os.open("/dev/null", os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.closerange(3, status)
    os.closerange(status + 1, 65536)
    _limit(job["limits"])
    os.environ.clear()
    os.environ.update(job["env"])
    os.chdir(sandbox.WORK)
    sys.path[0] = sandbox.WORK
    sys.argv = ["ipykernel_launcher", *job["argv"]]
    _reseed()
    _drop_privileges(libc)
    os.write(status, b"ready\n")
    os.close(status)
    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance()
    app.initialize(job["argv"])
    app.start()


def _report_error(pipe: int, error: BaseException) -> None:
    """Tell the zygote, over the kernel-start pipe, why a forked child failed (an ``error``
    line); if the zygote has gone, the child has no one to tell and exits all the same."""
    try:
        os.write(pipe, f"error {error!r}\n".encode())
    except OSError:
        pass


def _fork_kernel(job: dict) -> dict:
    """Zygote side: fork the namespace parent, which forks the kernel; report the kernel's PID."""
    read_end, write_end = os.pipe()
    parent = os.fork()
    if parent == 0:
        code = 1
        try:
            os.close(read_end)
            libc = _libc()
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
            _check(libc.unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC
                                | CLONE_NEWUTS), "unshare")
            kernel = os.fork()
            if kernel == 0:
                try:
                    _become_kernel(job, write_end)
                    code = 0
                except BaseException as error:  # noqa: BLE001 - reported to the grader
                    _report_error(write_end, error)
                os._exit(code)
            os.write(write_end, f"pid {kernel}\n".encode())
            os.close(write_end)
            _, status = os.waitpid(kernel, 0)
            code = os.waitstatus_to_exitcode(status) & 0xFF
        except BaseException as error:  # noqa: BLE001 - reported to the grader
            _report_error(write_end, error)
        os._exit(code)
    os.close(write_end)
    chunks = []
    while chunk := os.read(read_end, 4096):
        chunks.append(chunk)
    os.close(read_end)
    lines = b"".join(chunks).decode(errors="replace").splitlines()
    pid = next((int(line.split()[1]) for line in lines if line.startswith("pid ")), None)
    errors = [line[6:] for line in lines if line.startswith("error ")]
    if pid is None or errors or "ready" not in lines:
        return {"error": "; ".join(errors) or f"the kernel did not start ({lines})"}
    return {"pid": pid, "parent": parent}


def _reap(block: bool = False) -> None:
    """Collect finished namespace parents (all of them when ``block``)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, 0 if block else os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _unshare_user() -> None:
    """The zygote's own user + mount namespace: root of it, so its children can mount."""
    uid, gid = os.getuid(), os.getgid()
    libc = _libc()
    _check(libc.unshare(CLONE_NEWUSER | CLONE_NEWNS), "unshare user namespace")
    Path("/proc/self/setgroups").write_text("deny")
    Path("/proc/self/uid_map").write_text(f"65534 {uid} 1")
    Path("/proc/self/gid_map").write_text(f"65534 {gid} 1")


def _threads() -> int:
    return len(os.listdir("/proc/self/task"))


def main() -> None:
    """The zygote process: ``python -m course.grading.zygote`` (started by :class:`Zygote`)."""
    libc = _libc()
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    out = os.fdopen(os.dup(1), "w", buffering=1)
    null = os.open("/dev/null", os.O_RDWR)
    os.dup2(null, 1)
    try:
        _unshare_user()
        os.environ.update(SINGLE_THREADED)
        import importlib

        for name in PRELOAD:
            importlib.import_module(name)
        libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
        if threading.active_count() != 1 or _threads() != 1:
            raise ZygoteError(f"{_threads()} threads after the imports; forking needs one")
    except Exception as error:  # noqa: BLE001 - reported to the worker, which falls back
        out.write(json.dumps({"error": f"zygote start failed: {error!r}"}) + "\n")
        return
    out.write(json.dumps({"ready": READY, "pid": os.getpid()}) + "\n")
    children: list[int] = []
    for line in sys.stdin:
        _reap()
        try:
            reply = _fork_kernel(json.loads(line))
            children = [*children[-8:], reply.get("parent", 0)]
        except Exception as error:  # noqa: BLE001 - one bad request never stops the zygote
            reply = {"error": repr(error)}
        out.write(json.dumps(reply) + "\n")
    for parent in children:  # the worker is done: no kernel outlives it
        try:
            os.kill(parent, signal.SIGKILL)
        except ProcessLookupError:
            pass
    _reap(block=True)


# ----------------------------------------------------------------------------- grader side

class ForkedKernel:
    """A :class:`subprocess.Popen` look-alike for a kernel the zygote forked (jupyter_client's
    provisioner polls, signals and kills it through this)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._fd: int | None = os.pidfd_open(pid)

    def poll(self) -> int | None:
        if self.returncode is None and self._fd is not None:
            ready, _, _ = select.select([self._fd], [], [], 0)
            if ready:
                self.returncode = -signal.SIGKILL
                os.close(self._fd)
                self._fd = None
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
            time.sleep(0.02)
        return self.returncode if self.returncode is not None else -signal.SIGKILL

    def send_signal(self, signum: int) -> None:
        if self.poll() is None and self._fd is not None:
            try:
                signal.pidfd_send_signal(self._fd, signum)
            except ProcessLookupError:
                pass

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class Zygote:
    """A zygote process: start it, ask it for kernels. One per ``course autograde`` run, shared
    by its worker processes (:func:`share`: a lock orders their requests), or one per worker
    process (Dask workers, or when the shared one failed). Talks over raw pipe descriptors, so
    a forked worker uses the same pipes as the process that started it."""

    def __init__(self, start_timeout: float = 120.0, fork_timeout: float = 30.0) -> None:
        self.start_timeout = start_timeout
        self.fork_timeout = fork_timeout
        self.process: subprocess.Popen[bytes] | None = None
        self.owner = os.getpid()
        self.lock: Any = None  # a multiprocessing lock when shared by forked workers
        # has some process read the "ready" line (a multiprocessing value when shared)?
        self.ready: Any = types.SimpleNamespace(value=0)
        self.broken = False
        self.began = 0.0
        self.start_seconds = 0.0  # of the last start, until taken (the breakdown bench)
        self._pidfd: int | None = None

    def take_start_seconds(self) -> float:
        """Seconds the last start took, once (0 when it was already counted)."""
        seconds, self.start_seconds = self.start_seconds, 0.0
        return seconds

    def alive(self) -> bool:
        """Is the zygote process running (asked through a pidfd: works in forked workers)?"""
        if self.process is None or self._pidfd is None:
            return False
        return not select.select([self._pidfd], [], [], 0)[0]

    def _read(self, timeout: float) -> dict:
        assert self.process is not None and self.process.stdout is not None
        fd, data = self.process.stdout.fileno(), b""
        deadline = time.monotonic() + timeout
        while not data.endswith(b"\n"):
            ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
            chunk = os.read(fd, 65536) if ready else b""
            if not chunk:
                self.fail()
                raise ZygoteError("the zygote did not answer" if not ready
                                  else "the zygote exited")
            data += chunk
        reply: dict = json.loads(data)
        return reply

    def begin(self) -> None:
        """Start the zygote process; it imports the stack while the caller goes on."""
        self.began = time.monotonic()
        env = {**sandbox.environment(True), **SINGLE_THREADED}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "course.grading.zygote"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, bufsize=0, env=env, cwd="/",
            close_fds=True)
        self._pidfd = os.pidfd_open(self.process.pid)
        self.owner = os.getpid()
        self.ready.value = 0

    def start(self) -> None:
        """Start the zygote and wait until it has imported the stack."""
        self.begin()
        self._await_ready()

    def _await_ready(self) -> None:
        if self.ready.value:
            return
        reply = self._read(self.start_timeout)
        if "error" in reply:
            self.fail()
            raise ZygoteError(reply["error"])
        self.start_seconds += time.monotonic() - self.began
        self.ready.value = 1

    def spawn(self, workdir: Path, rundir: Path, argv: list[str],
              limits: sandbox.Limits) -> ForkedKernel:
        """A new sandboxed kernel for one notebook (raises :class:`ZygoteError`)."""
        job = {"workdir": str(workdir), "rundir": str(rundir), "argv": argv,
               "limits": asdict(limits), "env": sandbox.environment(True),
               "read_only": [str(p) for p in sandbox.read_only_paths()],
               "symlinks": [[str(a), str(b)] for a, b in sandbox.root_symlinks()]}
        with self.lock if self.lock is not None else contextlib.nullcontext():
            if not self.alive():
                if self.lock is not None:
                    self.broken = True
                    raise ZygoteError("the shared zygote is gone")
                self.begin()
            self._await_ready()
            assert self.process is not None and self.process.stdin is not None
            try:
                os.write(self.process.stdin.fileno(), (json.dumps(job) + "\n").encode())
            except OSError as error:
                self.fail()
                raise ZygoteError(f"the zygote is gone: {error}") from error
            reply = self._read(self.fork_timeout)
        if "error" in reply:
            raise ZygoteError(reply["error"])
        return ForkedKernel(int(reply["pid"]))

    def fail(self) -> None:
        """After an error: a shared zygote is left to its owner; a private one is stopped."""
        if self.lock is not None and os.getpid() != self.owner:
            self.broken = True
        else:
            self.close()

    def close(self) -> None:
        """Stop the zygote (it kills and reaps the kernels it forked); kill it if it hangs."""
        if self.process is None or os.getpid() != self.owner:
            return
        if self.process.stdin is not None:
            try:
                self.process.stdin.close()
            except OSError:
                pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        if self._pidfd is not None:
            os.close(self._pidfd)
        self.process, self._pidfd = None, None


_INSTANCE: dict[int, Zygote] = {}
_SHARED: list[Zygote] = []


def share() -> None:
    """Start one zygote for the worker processes this process is about to fork (the pool of
    ``course autograde``): one import of the stack per run instead of one per worker."""
    import multiprocessing

    if _SHARED and _SHARED[0].alive():
        return
    context = multiprocessing.get_context("fork")
    shared = Zygote()
    shared.lock, shared.ready = context.Lock(), context.Value("b", 0, lock=False)
    shared.begin()
    _SHARED[:] = [shared]


def unshare() -> None:
    """Stop the shared zygote (the pool is done)."""
    while _SHARED:
        _SHARED.pop().close()


def instance() -> Zygote:
    """The zygote this process uses: the shared one while it works, else its own (started on
    first use; one per Dask worker process)."""
    if _SHARED and not _SHARED[0].broken and _SHARED[0].alive():
        return _SHARED[0]
    pid = os.getpid()
    if pid not in _INSTANCE:
        from multiprocessing.util import Finalize

        _INSTANCE.clear()  # a forked worker never uses its parent's private zygote
        _INSTANCE[pid] = Zygote()
        # pool workers leave through multiprocessing's exit hook, which runs finalizers
        Finalize(_INSTANCE[pid], _INSTANCE[pid].close, exitpriority=10)
    return _INSTANCE[pid]


def enabled() -> bool:
    """Grading uses a zygote unless ``COURSE_ZYGOTE=0`` (the benchmark's old path)."""
    return os.environ.get("COURSE_ZYGOTE", "1").strip().lower() not in {"0", "no", "false"}


def _spawn_args(kernel_cmd: list[str]) -> list[str]:
    """The kernel's own arguments (after ``-m ipykernel_launcher``)."""
    if "ipykernel_launcher" in kernel_cmd:
        return kernel_cmd[kernel_cmd.index("ipykernel_launcher") + 1:]
    return kernel_cmd[1:]


def launch(kernel_cmd: list[str], workdir: Path, rundir: Path,
           limits: sandbox.Limits) -> ForkedKernel:
    """Fork a kernel for ``kernel_cmd`` (jupyter's python3 command) from this worker's zygote."""
    return instance().spawn(workdir, rundir, _spawn_args(kernel_cmd), limits)


if __name__ == "__main__":
    main()
