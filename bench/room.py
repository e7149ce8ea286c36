"""Benchmark 6: the live room under a classroom's load.

Simulated learners post answer events over HTTP to one ``course room serve`` process on this
machine (SQLite file, 127.0.0.1), as the learner outbox does: one request per answer, a
fresh idempotency key per answer, retries with backoff and the same key when the server is
unreachable. Three shapes of load, each on one process and on two uvicorn workers:

- paced: every question is answered by every learner at a random moment within a
  ``WINDOW``-second window (a room answering together, 100 answers/s for 200 learners);
- burst: every learner posts at the same instant, question after question (the worst case:
  everyone clicks Check at once);
- crash: paced, with the server killed (SIGKILL) once half the answers are in and started
  again; learners keep answering and retrying.

After each run the stored events are read back: every key sent must be stored exactly once.
The load generator (asyncio + httpx) runs on the same cores as the server.
"""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import Table, median, runs_label

WINDOW = 2.0
FULL = {"learners": 200, "answers": 20}
QUICK = {"learners": 20, "answers": 5}
RETRY_START, RETRY_MAX = 0.1, 2.0


def _roomserver() -> Any:
    """``tests/roomserver.py``: the same start/stop-by-PID helper the tests use."""
    from tests import roomserver

    return roomserver


def questions(count: int) -> list[tuple[str, str, list[str], str]]:
    """``count`` single-choice bank questions: (module, id, option keys, right key)."""
    from course.quiz.bank import BANKS_DIR, load_bank

    found = []
    for path in sorted(BANKS_DIR.glob("*.yaml")):
        for q in load_bank(path.stem).questions.values():
            if q.type == "single":
                found.append((q.module, q.id, list(q.options), q.answer))
    return [found[i % len(found)] for i in range(count)]


@dataclass
class Outcome:
    """What one run measured."""

    latencies: list[float] = field(default_factory=list)  # seconds, successful posts
    keys: list[str] = field(default_factory=list)  # every answer's key (once each)
    retries: int = 0
    seconds: float = 0.0
    stored: int = 0
    distinct: int = 0
    downtime: float = 0.0
    summaries: int = 0  # live updates the open dashboard received
    server_cpu: float = 0.0  # CPU seconds the server process(es) used during the run

    def percentile(self, p: float) -> float:
        values = sorted(self.latencies)
        if not values:
            return float("nan")
        return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


async def _post(http: Any, url: str, event: dict[str, Any], out: Outcome) -> None:
    """Post until the server has the event (same key every time), as the outbox does."""
    import httpx

    delay = RETRY_START
    while True:
        start = time.perf_counter()
        try:
            response = await http.post(url, json=event)
        except httpx.TransportError:
            response = None
        if response is not None and response.status_code in (200, 201):
            out.latencies.append(time.perf_counter() - start)
            return
        if response is not None and response.status_code < 500 and response.status_code != 429:
            raise RuntimeError(f"server refused an event: {response.status_code} "
                               f"{response.text[:200]}")
        out.retries += 1
        await asyncio.sleep(delay)
        delay = min(RETRY_MAX, delay * 2)


def _event(learner: int, question: tuple[str, str, list[str], str],
           rng: random.Random) -> dict[str, Any]:
    module, qid, options, right = question
    choice = right if rng.random() < 0.6 else rng.choice(options)
    return {"key": uuid.uuid4().hex, "pseudonym": f"p-bench{learner:05d}", "module": module,
            "question_id": qid, "answer": choice, "correct": choice == right, "attempt": 1,
            "time": "2026-12-01T10:00:00.000Z"}


async def _load(server: Any, shape: str, learners: int, answers: int, seed: int) -> Outcome:
    import httpx

    out = Outcome()
    rng = random.Random(seed)
    asked = questions(answers)
    url = f"{server.url}/api/rooms/{server.code}/events"
    total = learners * answers
    # one client (one keep-alive connection) per learner, as every learner's outbox has:
    # a single shared pool of hundreds of connections costs the load generator more CPU
    # per request than the server spends on it
    clients = [httpx.AsyncClient(timeout=30) for _ in range(learners)]
    async with httpx.AsyncClient(timeout=30) as http:
        begin = time.perf_counter()

        async def answer(learner: int, q: int, at: float) -> None:
            await asyncio.sleep(max(0.0, begin + at - time.perf_counter()))
            event = _event(learner, asked[q], rng)
            out.keys.append(event["key"])
            await _post(clients[learner], url, event, out)

        async def crash() -> None:
            while len(out.latencies) < total // 2:
                await asyncio.sleep(0.01)
            down = time.perf_counter()
            await asyncio.to_thread(server.restart, True)
            out.downtime = time.perf_counter() - down

        dashboard = asyncio.create_task(_watch(server, out))
        if shape == "burst":
            for q in range(answers):
                await asyncio.gather(*(answer(i, q, 0.0) for i in range(learners)))
        else:
            jobs = [answer(i, q, q * WINDOW + rng.uniform(0, WINDOW))
                    for q in range(answers) for i in range(learners)]
            if shape == "crash":
                jobs.append(crash())
            await asyncio.gather(*jobs)
        out.seconds = time.perf_counter() - begin
        dashboard.cancel()
        for client in clients:
            await client.aclose()
        rows = (await http.get(f"{server.url}/api/rooms/{server.code}/events",
                               headers=server.auth)).json()
    stored = [r["key"] for r in rows]
    out.stored = len(stored)
    out.distinct = len(set(stored) & set(out.keys))
    return out


def server_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process and its children (uvicorn workers)."""
    import psutil

    try:
        root = psutil.Process(pid)
        total = 0.0
        for proc in [root, *root.children(recursive=True)]:
            times = proc.cpu_times()
            total += times.user + times.system
        return total
    except psutil.Error:
        return 0.0


async def _watch(server: Any, out: Outcome) -> None:
    """The instructor's dashboard, open during the run: read its live-update stream
    (reconnecting after a crash) and count the summaries it receives."""
    import httpx

    async with httpx.AsyncClient(timeout=None) as http:
        while True:
            try:
                async with http.stream("GET", f"{server.url}/api/rooms/{server.code}/stream",
                                       headers=server.auth) as response:
                    async for line in response.aiter_lines():
                        if line.startswith("event: summary"):
                            out.summaries += 1
            except httpx.TransportError:
                await asyncio.sleep(0.5)


def measure_one(shape: str, workers: int, backend: str, learners: int, answers: int,
                seed: int) -> Outcome:
    """One run on a fresh server and database (``sqlite`` file or a throw-away
    ``postgresql`` server started for the run, see ``tests/pgserver.py``)."""
    roomserver = _roomserver()
    with tempfile.TemporaryDirectory(prefix="course-room-bench-") as scratch:
        with roomserver.room_server(backend, Path(scratch), k=5, workers=workers) as server:
            before = server_cpu_seconds(server.process.pid)
            outcome = asyncio.run(_load(server, shape, learners, answers, seed))
            if not outcome.downtime:  # a restarted server's CPU clock starts again
                outcome.server_cpu = server_cpu_seconds(server.process.pid) - before
            return outcome


Case = tuple[str, int, str]
CASES: tuple[Case, ...] = (
    ("paced", 1, "sqlite"), ("paced", 2, "sqlite"), ("burst", 1, "sqlite"),
    ("burst", 2, "sqlite"), ("crash", 1, "sqlite"), ("paced", 1, "postgresql"),
    ("burst", 2, "postgresql"),
)
QUICK_CASES: tuple[Case, ...] = (("paced", 1, "sqlite"), ("burst", 1, "sqlite"),
                                 ("crash", 1, "sqlite"))


def run(quick: bool, runs: int, log: Any = print, size: dict[str, int] | None = None,
        cases: tuple[Case, ...] | None = None) -> Table:
    """Every case ``runs`` times (cases alternate within a run); the table of medians.
    ``size`` (learners, answers) and ``cases`` override the mode's defaults."""
    size = size or (QUICK if quick else FULL)
    cases = cases or (QUICK_CASES if quick else CASES)
    results: dict[Case, list[Outcome]] = {case: [] for case in cases}
    for number in range(runs):
        for shape, workers, backend in cases:
            log(f"  room: {shape}, {workers} process(es), {backend}, run {number + 1}/{runs}")
            results[(shape, workers, backend)].append(
                measure_one(shape, workers, backend, size["learners"], size["answers"],
                            seed=number))
    return table(results, size, runs, quick)


def table(results: dict[Case, list[Outcome]], size: dict[str, int], runs: int,
          quick: bool) -> Table:
    expected = size["learners"] * size["answers"]
    out = Table(
        f"Live room: {size['learners']} learners × {size['answers']} answers"
        + (" (quick)" if quick else ""),
        ["load", "server", "answers/s", "p50 ms", "p99 ms", "max ms", "server CPU ms/answer",
         "retries", "stored exactly once", "runs"],
        how=(f"{size['learners']} simulated learners post {size['answers']} answer events each "
             "(asyncio + httpx in the benchmark process, one client with one keep-alive "
             "connection per learner) to `course room serve` on 127.0.0.1 with a fresh "
             "SQLite file per run (or "
             "a PostgreSQL 15 server started for the run: initdb in a temp folder, default "
             "settings); "
             f"paced: each question answered by everyone at a random moment of a {WINDOW:g} s "
             "window; burst: everyone posts at the same instant, question after question; "
             "crash: paced, server SIGKILLed once half the answers are acknowledged and "
             "restarted, learners retrying with the same idempotency key (backoff "
             f"{RETRY_START:g}–{RETRY_MAX:g} s). Latency: request to response of the post that "
             "succeeded, client side; answers/s: all answers ÷ wall time of the run; server CPU: "
             "user + system seconds of the room server process and its workers (psutil; "
             "PostgreSQL's own processes not included) during the "
             "run ÷ answers, the load-independent cost of one answer; during every run one "
             "instructor dashboard is connected to the live-update stream (a summary of the "
             "whole room at most every second while answers arrive), as in a real session; "
             "medians over runs. Exactly once: keys read back from the server = keys sent, no "
             "duplicates, no loss."),
    )
    for (shape, workers, backend), outcomes in results.items():
        ok = all(o.stored == expected and o.distinct == expected and len(o.keys) == expected
                 for o in outcomes)
        stored = f"{median([o.stored for o in outcomes]):.0f}/{expected}"
        process = "1 process" if workers == 1 else f"{workers} workers"
        out.add(shape, f"{process}, {'SQLite' if backend == 'sqlite' else 'PostgreSQL'}",
                median([expected / o.seconds for o in outcomes]),
                median([o.percentile(50) * 1000 for o in outcomes]),
                median([o.percentile(99) * 1000 for o in outcomes]),
                median([max(o.latencies) * 1000 for o in outcomes]),
                median([o.server_cpu * 1000 / expected for o in outcomes if o.server_cpu])
                if any(o.server_cpu for o in outcomes) else "—",
                int(median([o.retries for o in outcomes])),
                f"{stored} {'✅' if ok else '❌'}", runs_label(len(outcomes), quick))
        out.notes.append(f"{shape}, {out.rows[-1][1]}: the open dashboard received a median "
                         f"{median([o.summaries for o in outcomes]):.0f} live updates per run.")
        crashes = [o for o in outcomes if o.downtime]
        if crashes:
            out.notes.append(f"crash: the server was down (kill + restart until it answered) "
                             f"for a median {median([o.downtime for o in crashes]):.2f} s; "
                             "answers posted meanwhile were retried and stored once.")
    return out
