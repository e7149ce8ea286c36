"""What a simulated model is: latency, failure rates, prices, limits and answer quality."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, replace
from typing import Any

Z95 = 1.6448536269514722  # standard normal 95th percentile


@dataclass(frozen=True)
class ModelSpec:
    """One version of one simulated model.

    Latency is lognormal, given by its median and 95th percentile (milliseconds).
    Each ``*_rate`` is the chance that one call ends that way; ``garbage_rate`` is the
    chance of a *successful* response whose content is malformed. Prices are US dollars
    per 1,000 tokens. ``quality`` is the chance a well-formed answer is correct.
    ``requests_per_minute`` and ``tokens_per_minute`` are sliding one-minute limits
    (None = unlimited) on the provider's virtual clock.
    """

    name: str
    version: str = "v1"
    median_latency_ms: float = 400.0
    p95_latency_ms: float = 1200.0
    timeout_rate: float = 0.0
    rate_limit_rate: float = 0.0
    server_error_rate: float = 0.0
    garbage_rate: float = 0.0
    retry_after_s: float = 2.0
    price_in_per_1k: float = 0.0005
    price_out_per_1k: float = 0.0015
    context_limit: int = 8192
    quality: float = 0.9
    requests_per_minute: int | None = None
    tokens_per_minute: int | None = None

    def __post_init__(self) -> None:
        if not self.name:
            raise ValueError("a model needs a name")
        if not 0 < self.median_latency_ms < self.p95_latency_ms:
            raise ValueError("need 0 < median_latency_ms < p95_latency_ms")
        rates = (self.timeout_rate, self.rate_limit_rate, self.server_error_rate)
        if any(r < 0 for r in rates) or sum(rates) > 1:
            raise ValueError("error rates must be >= 0 and sum to at most 1")
        for label, value in (("garbage_rate", self.garbage_rate), ("quality", self.quality)):
            if not 0 <= value <= 1:
                raise ValueError(f"{label} must be between 0 and 1")
        if self.context_limit <= 0:
            raise ValueError("context_limit must be positive")

    @property
    def sigma(self) -> float:
        """Spread of log-latency implied by the median and the 95th percentile."""
        return math.log(self.p95_latency_ms / self.median_latency_ms) / Z95

    def sample_latency_ms(self, rng: random.Random) -> float:
        """Draw one latency in milliseconds."""
        return rng.lognormvariate(math.log(self.median_latency_ms), self.sigma)

    def latency_quantile_ms(self, q: float) -> float:
        """The configured latency quantile ``q`` (0 < q < 1) in milliseconds."""
        from statistics import NormalDist

        return self.median_latency_ms * math.exp(self.sigma * NormalDist().inv_cdf(q))

    def cost_usd(self, prompt_tokens: int, completion_tokens: int) -> float:
        """Price of one successful call."""
        spent = prompt_tokens * self.price_in_per_1k + completion_tokens * self.price_out_per_1k
        return spent / 1000

    def evolve(self, **changes: Any) -> ModelSpec:
        """A copy with some fields changed (e.g. a new version)."""
        return replace(self, **changes)
