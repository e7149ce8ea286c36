"""Simulated model provider for the orchestration labs (modules 05–07).

Offline, in process and deterministic: a seeded random generator decides every outcome
and a :class:`VirtualClock` stands in for time, so retries and rate limits cost no real
seconds. Start from a preset::

    from course import labs
    sc = labs.scenario("flaky-primary")
    reply = sc.client.chat.completions.create(
        model=sc.primary, messages=[{"role": "user", "content": "I was charged twice"}],
        timeout=5, max_tokens=64)
    reply.choices[0].message.content
"""

from __future__ import annotations

from course.labs.client import Client
from course.labs.clock import VirtualClock
from course.labs.errors import (
    RETRYABLE,
    APIError,
    APITimeoutError,
    BadRequestError,
    ContextLengthError,
    InternalServerError,
    NotFoundError,
    RateLimitError,
)
from course.labs.grounded import (
    ASSISTANT,
    NOT_FOUND,
    Fact,
    GroundedLab,
    GroundedProvider,
    grounded_lab,
    handbook_facts,
)
from course.labs.provider import (
    EPOCH,
    LABELS,
    REQUEST_LOG_COLUMNS,
    CallRecord,
    SimulatedProvider,
    count_tokens,
    log_to_frame,
    to_request_log,
    true_label,
)
from course.labs.responses import ChatCompletion, Choice, Message, Usage
from course.labs.scenarios import PRESETS, PRIMARY, SECONDARY, Scenario, scenario
from course.labs.spec import ModelSpec
from course.labs.traffic import feature_shares, incidents, release_logs, tickets

__all__ = [
    "ASSISTANT", "APIError", "APITimeoutError", "Fact", "GroundedLab", "GroundedProvider",
    "NOT_FOUND", "grounded_lab", "handbook_facts",
    "BadRequestError", "CallRecord", "ChatCompletion", "Choice",
    "Client", "ContextLengthError", "EPOCH", "InternalServerError", "LABELS", "Message",
    "ModelSpec", "NotFoundError", "PRESETS", "PRIMARY", "REQUEST_LOG_COLUMNS", "RETRYABLE",
    "RateLimitError", "SECONDARY", "Scenario", "SimulatedProvider", "Usage", "VirtualClock",
    "count_tokens", "feature_shares", "incidents", "log_to_frame", "release_logs", "scenario",
    "tickets", "to_request_log", "true_label",
]
