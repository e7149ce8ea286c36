"""The simulated model provider: in process, offline, deterministic, on a virtual clock."""

from __future__ import annotations

import json
import math
import random
import zlib
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from course.labs.clock import VirtualClock
from course.labs.errors import (
    APIError,
    APITimeoutError,
    BadRequestError,
    ContextLengthError,
    InternalServerError,
    NotFoundError,
    RateLimitError,
)
from course.labs.responses import ChatCompletion, Choice, Message, Usage
from course.labs.spec import ModelSpec

if TYPE_CHECKING:
    import pandas as pd

LABELS = ("account", "billing", "bug", "feature_request", "other")
"""The ticket categories the simulated models answer with."""

WINDOW_S = 60.0
EPOCH = "2026-03-02T09:00:00Z"
"""Wall-clock time that virtual second 0 maps to in log tables."""

STATUS = {
    "ok": "ok",
    "garbage": "ok",
    "timeout": "timeout",
    "rate_limited": "rate_limited",
    "server_error": "server_error",
    "bad_request": "bad_request",
}


def count_tokens(text: str) -> int:
    """A deterministic token estimate: one token per four characters, at least one."""
    return max(1, math.ceil(len(text) / 4))


def normalise_text(text: str) -> str:
    """Lower case with runs of whitespace collapsed: how the simulator reads a prompt."""
    return " ".join(text.split()).lower()


def true_label(text: str) -> str:
    """The correct category of a ticket text, stable across runs and processes."""
    return LABELS[zlib.crc32(normalise_text(text).encode()) % len(LABELS)]


@dataclass(frozen=True)
class CallRecord:
    """One row of the call log: what happened to one request."""

    request_id: str
    timestamp: float
    model: str
    version: str
    outcome: str
    latency_ms: float
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float
    quality: str | None
    error: str
    retry_after: float | None


@dataclass
class _Attempt:
    outcome: str
    elapsed_s: float
    completion_tokens: int = 0
    content: str = ""
    finish_reason: str = "stop"
    quality: str | None = None
    error: APIError | None = None


def _garbage(label: str, kind: int, confidence: float) -> str:
    """Five ways a model answer can be malformed."""
    forms = (
        '{"label": "' + label + '", "confid',  # cut-off JSON
        f"Sure! I think this ticket is about {label}.",  # prose instead of JSON
        json.dumps({"category": label, "score": confidence}),  # wrong schema
        json.dumps({"label": label, "confidence": round(confidence * 100)}),  # out of range
        json.dumps({"label": "banana", "confidence": confidence}),  # unknown label
    )
    return forms[kind % len(forms)]


class SimulatedProvider:
    """Hosts simulated models, enforces their limits and records every call.

    Same seed and same sequence of calls give the same call log. Time only moves on
    ``clock`` (a :class:`VirtualClock`): nothing here really sleeps.
    """

    def __init__(
        self, specs: Iterable[ModelSpec] = (), *, clock: VirtualClock | None = None, seed: int = 0
    ) -> None:
        self.clock = clock if clock is not None else VirtualClock()
        self.seed = seed
        self.rng = random.Random(seed)
        self.log: list[CallRecord] = []
        self._versions: dict[str, list[tuple[float, ModelSpec]]] = {}
        self._outages: dict[str, list[tuple[float, float]]] = {}
        self._windows: dict[str, deque[tuple[float, int]]] = {}
        for spec in specs:
            self.add_model(spec)

    # -- configuration -------------------------------------------------------------
    def add_model(self, spec: ModelSpec, *, at: float | None = None) -> None:
        """Serve ``spec`` under its name from time ``at`` (default: now). Later wins."""
        start = self.clock.now() if at is None else float(at)
        versions = self._versions.setdefault(spec.name, [])
        versions.append((start, spec))
        versions.sort(key=lambda item: item[0])

    def rollback(self, name: str, version: str) -> ModelSpec:
        """Serve an earlier ``version`` of ``name`` again from now on; return it."""
        for _, spec in self._versions.get(name, []):
            if spec.version == version:
                self.add_model(spec)
                return spec
        raise NotFoundError(f"model {name!r} has no version {version!r}", model=name)

    def add_outage(self, name: str, start: float, end: float = math.inf) -> None:
        """Make every call to ``name`` fail with a server error between ``start`` and ``end``."""
        self._outages.setdefault(name, []).append((float(start), float(end)))

    def models(self) -> list[str]:
        """Names of the models served."""
        return sorted(self._versions)

    def spec(self, name: str, at: float | None = None) -> ModelSpec:
        """The version of ``name`` live at time ``at`` (default: now)."""
        when = self.clock.now() if at is None else at
        live = [spec for start, spec in self._versions.get(name, []) if start <= when]
        if not live:
            raise NotFoundError(f"unknown model {name!r}", model=name)
        return live[-1]

    # -- calls -----------------------------------------------------------------------
    def complete(
        self,
        model: str,
        messages: Sequence[dict[str, str]],
        *,
        timeout: float = 10.0,
        max_tokens: int = 256,
    ) -> ChatCompletion:
        """Serve one chat completion, advancing the clock by its latency; raise on failure."""
        start = self.clock.now()
        try:
            spec = self.spec(model)
            prompt_tokens, text = self._read_request(model, messages, timeout, max_tokens)
        except APIError as error:
            self._record(start, model, "", _Attempt("bad_request", 0.0, error=error), 0)
            raise
        attempt = self._attempt(spec, text, prompt_tokens, max_tokens, float(timeout), start)
        self.clock.advance(attempt.elapsed_s)
        record = self._record(start, spec.name, spec.version, attempt, prompt_tokens, spec)
        if attempt.error is not None:
            raise attempt.error
        return ChatCompletion(
            id=record.request_id,
            model=spec.name,
            version=spec.version,
            created=start,
            choices=[Choice(0, Message("assistant", attempt.content), attempt.finish_reason)],
            usage=Usage(prompt_tokens, attempt.completion_tokens),
            cost_usd=record.cost_usd,
        )

    def replay(
        self,
        model: str,
        texts: Sequence[str],
        arrivals: Sequence[float],
        *,
        timeout: float = 5.0,
        max_tokens: int = 64,
    ) -> None:
        """Log many concurrent requests arriving at ``arrivals`` without moving the clock."""
        for text, at in zip(texts, arrivals, strict=True):
            spec = self.spec(model, at)
            messages = [{"role": "user", "content": text}]
            prompt_tokens, joined = self._read_request(model, messages, timeout, max_tokens)
            attempt = self._attempt(spec, joined, prompt_tokens, max_tokens, timeout, at)
            self._record(at, spec.name, spec.version, attempt, prompt_tokens, spec)

    # -- internals -------------------------------------------------------------------
    def _read_request(
        self, model: str, messages: Any, timeout: Any, max_tokens: Any
    ) -> tuple[int, str]:
        if not isinstance(messages, list | tuple) or not messages:
            raise BadRequestError("messages must be a non-empty list of dicts", model=model)
        for message in messages:
            if not (
                isinstance(message, dict)
                and isinstance(message.get("role"), str)
                and isinstance(message.get("content"), str)
            ):
                raise BadRequestError(
                    "each message needs a 'role' and a 'content' string", model=model
                )
        if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
            raise BadRequestError("timeout must be a positive number of seconds", model=model)
        if isinstance(max_tokens, bool) or not isinstance(max_tokens, int) or max_tokens <= 0:
            raise BadRequestError("max_tokens must be a positive integer", model=model)
        prompt_tokens = sum(count_tokens(m["content"]) + 4 for m in messages)
        text = "\n".join(m["content"] for m in messages if m["role"] == "user")
        return prompt_tokens, text

    def _attempt(
        self, spec: ModelSpec, text: str, prompt_tokens: int, max_tokens: int,
        timeout: float, at: float,
    ) -> _Attempt:
        rng = self.rng
        # Always draw the same numbers in the same order, whatever the outcome.
        u = rng.random()
        latency_s = spec.sample_latency_ms(rng) / 1000
        u_quality, u_garbage = rng.random(), rng.random()
        confidence = round(rng.uniform(0.55, 0.99), 2)
        kind, shift = rng.randrange(5), rng.randrange(1, len(LABELS))
        name = spec.name
        if prompt_tokens + max_tokens > spec.context_limit:
            error = ContextLengthError(
                f"{prompt_tokens} prompt tokens + max_tokens {max_tokens} exceed the "
                f"context limit of {spec.context_limit}", model=name)
            return _Attempt("bad_request", 0.002, error=error)
        if any(start <= at < end for start, end in self._outages.get(name, [])):
            return _Attempt("server_error", 0.05,
                            error=InternalServerError("503 service unavailable", model=name))
        wait = self._window_wait(spec, prompt_tokens + max_tokens, at)
        if wait > 0:
            return _Attempt("rate_limited", 0.005, error=RateLimitError(
                "rate limit reached for this minute", retry_after=wait, model=name))
        self._windows.setdefault(name, deque()).append((at, prompt_tokens + max_tokens))
        if u < spec.timeout_rate or latency_s > timeout:
            return _Attempt("timeout", timeout, error=APITimeoutError(
                f"no response within {timeout:g} s", model=name))
        if u < spec.timeout_rate + spec.rate_limit_rate:
            return _Attempt("rate_limited", 0.005, error=RateLimitError(
                "provider is overloaded", retry_after=spec.retry_after_s, model=name))
        if u < spec.timeout_rate + spec.rate_limit_rate + spec.server_error_rate:
            return _Attempt("server_error", latency_s * 0.3,
                            error=InternalServerError("500 internal error", model=name))
        truth = true_label(text)
        good = u_quality < spec.quality
        label = truth if good else LABELS[(LABELS.index(truth) + shift) % len(LABELS)]
        if u_garbage < spec.garbage_rate:
            content, outcome, quality = _garbage(label, kind, confidence), "garbage", "bad"
        else:
            content = json.dumps({"label": label, "confidence": confidence})
            outcome, quality = "ok", ("good" if good else "bad")
        tokens, finish = count_tokens(content), "stop"
        if tokens > max_tokens:
            content, tokens, finish = content[: max_tokens * 4], max_tokens, "length"
            outcome, quality = "garbage", "bad"
        return _Attempt(outcome, latency_s, tokens, content, finish, quality)

    def _window_wait(self, spec: ModelSpec, tokens: int, at: float) -> float:
        """Seconds until a request of ``tokens`` fits the per-minute limits (0 if it fits)."""
        window = self._windows.setdefault(spec.name, deque())
        while window and window[0][0] <= at - WINDOW_S:
            window.popleft()
        waits = [0.0]
        if spec.requests_per_minute is not None and len(window) >= spec.requests_per_minute:
            oldest = window[len(window) - spec.requests_per_minute][0]
            waits.append(oldest + WINDOW_S - at)
        if spec.tokens_per_minute is not None:
            used = sum(t for _, t in window)
            excess = used + tokens - spec.tokens_per_minute
            for start, spent in window:
                if excess <= 0:
                    break
                excess -= spent
                waits.append(start + WINDOW_S - at)
        wait = max(waits)
        return math.ceil(wait * 1000 + 1e-6) / 1000 if wait > 0 else 0.0

    def _record(
        self, start: float, model: str, version: str, attempt: _Attempt, prompt_tokens: int,
        spec: ModelSpec | None = None,
    ) -> CallRecord:
        delivered = attempt.outcome in ("ok", "garbage")
        cost = 0.0
        if delivered and spec is not None:
            cost = spec.cost_usd(prompt_tokens, attempt.completion_tokens)
        elif attempt.outcome == "timeout" and spec is not None:
            cost = spec.cost_usd(prompt_tokens, 0)  # the provider worked: input is billed
        error = attempt.error
        record = CallRecord(
            request_id=f"req-{self.seed:03d}-{len(self.log) + 1:06d}",
            timestamp=round(start, 6),
            model=model,
            version=version,
            outcome=attempt.outcome,
            latency_ms=round(attempt.elapsed_s * 1000, 3),
            prompt_tokens=prompt_tokens,
            completion_tokens=attempt.completion_tokens,
            cost_usd=round(cost, 8),
            quality=attempt.quality,
            error=type(error).__name__ if error is not None else "",
            retry_after=error.retry_after if isinstance(error, RateLimitError) else None,
        )
        self.log.append(record)
        return record

    # -- logs ------------------------------------------------------------------------
    def log_frame(self) -> pd.DataFrame:
        """The call log as a DataFrame, one row per call, in call order."""
        return log_to_frame(self.log)

    def request_log(self) -> pd.DataFrame:
        """The call log in the ``request_logs`` dataset's columns."""
        return to_request_log(self.log_frame())


LOG_COLUMNS = [
    "request_id", "timestamp", "time", "model", "version", "outcome", "status", "latency_ms",
    "prompt_tokens", "completion_tokens", "total_tokens", "cost_usd", "quality", "error",
    "retry_after",
]
REQUEST_LOG_COLUMNS = [
    "request_id", "timestamp", "model_version", "latency_ms", "input_tokens", "output_tokens",
    "cost_usd", "status", "quality",
]


def log_to_frame(records: Iterable[CallRecord]) -> pd.DataFrame:
    """Turn call records into a DataFrame with ``time`` as UTC datetimes."""
    import pandas as pd

    frame = pd.DataFrame([vars(r) for r in records], columns=[
        c for c in LOG_COLUMNS if c not in ("time", "status", "total_tokens")])
    frame["status"] = frame["outcome"].map(STATUS)
    frame["total_tokens"] = frame["prompt_tokens"] + frame["completion_tokens"]
    frame["time"] = pd.Timestamp(EPOCH) + pd.to_timedelta(frame["timestamp"], unit="s")
    return frame[LOG_COLUMNS].sort_values("timestamp", kind="stable").reset_index(drop=True)


def to_request_log(frame: pd.DataFrame) -> pd.DataFrame:
    """Reshape a call-log frame into the ``request_logs`` columns.

    ``model_version`` is ``"<model>-<version>"``; ``quality`` is set only for answered calls.
    """
    out = frame.rename(columns={"prompt_tokens": "input_tokens",
                                "completion_tokens": "output_tokens",
                                "version": "model_version"})
    out = out.assign(timestamp=frame["time"],
                     model_version=frame["model"] + "-" + frame["version"])
    return out[REQUEST_LOG_COLUMNS].reset_index(drop=True)
