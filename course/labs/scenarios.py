"""Ready-made situations for the labs: ``scenario("flaky-primary")`` and friends."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from course.labs.client import Client
from course.labs.clock import VirtualClock
from course.labs.provider import SimulatedProvider
from course.labs.spec import ModelSpec

if TYPE_CHECKING:
    import pandas as pd

PRIMARY = ModelSpec(
    name="ticket-primary", version="v1", median_latency_ms=400, p95_latency_ms=1200,
    garbage_rate=0.02, price_in_per_1k=0.0005, price_out_per_1k=0.0015,
    context_limit=8192, quality=0.92,
)
SECONDARY = ModelSpec(
    name="ticket-secondary", version="v1", median_latency_ms=900, p95_latency_ms=2500,
    timeout_rate=0.005, server_error_rate=0.005, garbage_rate=0.005,
    price_in_per_1k=0.003, price_out_per_1k=0.006, context_limit=32768, quality=0.95,
)


@dataclass
class Scenario:
    """A configured provider with its clock and client, plus notes for the learner."""

    name: str
    description: str
    provider: SimulatedProvider
    client: Client
    primary: str = PRIMARY.name
    secondary: str = SECONDARY.name
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def clock(self) -> VirtualClock:
        """The scenario's virtual clock."""
        return self.provider.clock

    def log(self) -> pd.DataFrame:
        """The call log so far as a DataFrame."""
        return self.provider.log_frame()


def _healthy(provider: SimulatedProvider) -> str:
    return "Both models behave: rare malformed answers, no outages."


def _flaky_primary(provider: SimulatedProvider) -> str:
    provider.add_model(PRIMARY.evolve(timeout_rate=0.05, rate_limit_rate=0.05,
                                      server_error_rate=0.15, garbage_rate=0.05), at=0.0)
    provider.add_outage(PRIMARY.name, 120.0, 300.0)
    return ("The primary times out 5%, is overloaded 5% (retry after 2 s), fails 15% and "
            "returns malformed output 5% of the time; it is fully down from t=120 s to 300 s.")


def _rate_limited_burst(provider: SimulatedProvider) -> str:
    provider.add_model(PRIMARY.evolve(requests_per_minute=20, tokens_per_minute=6000), at=0.0)
    return ("The primary accepts 20 requests and 6,000 tokens per sliding minute; a burst "
            "beyond that gets RateLimitError with retry_after set.")


def _bad_release_v2(provider: SimulatedProvider) -> str:
    provider.add_model(PRIMARY.evolve(version="v2", median_latency_ms=300, p95_latency_ms=900,
                                      garbage_rate=0.25, quality=0.80), at=3600.0)
    return ("The primary is v1 until t=3600 s, then v2 goes live: faster, but a quarter of its "
            "answers are malformed. v1 can be restored with provider.rollback(name, 'v1').")


def _drifting_inputs(provider: SimulatedProvider) -> str:
    return ("The models are healthy but the input mix drifts from week 6: see "
            "extras['feature_shares'] (week, feature, bin, share).")


def _all_down(provider: SimulatedProvider) -> str:
    provider.add_outage(PRIMARY.name, 0.0)
    provider.add_outage(SECONDARY.name, 0.0)
    return "Every model answers 503 for the whole run."


PRESETS = {
    "healthy": _healthy,
    "flaky-primary": _flaky_primary,
    "rate-limited-burst": _rate_limited_burst,
    "bad-release-v2": _bad_release_v2,
    "drifting-inputs": _drifting_inputs,
    "all-down": _all_down,
}


def scenario(name: str, *, seed: int = 0) -> Scenario:
    """Build a fresh preset: ``healthy``, ``flaky-primary``, ``rate-limited-burst``,
    ``bad-release-v2``, ``drifting-inputs`` or ``all-down``."""
    if name not in PRESETS:
        raise ValueError(f"unknown scenario {name!r}; choose one of {', '.join(PRESETS)}")
    clock = VirtualClock()
    provider = SimulatedProvider([PRIMARY, SECONDARY], clock=clock, seed=seed)
    description = PRESETS[name](provider)
    extras: dict[str, Any] = {}
    if name == "drifting-inputs":
        from course.labs.traffic import feature_shares

        extras["feature_shares"] = feature_shares(seed=seed + 7)
    return Scenario(name, description, provider, Client(provider), extras=extras)
