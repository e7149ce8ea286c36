"""Traffic and data the labs run on: tickets, release logs, feature drift, incidents."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from course.labs.provider import SimulatedProvider
from course.labs.spec import ModelSpec

if TYPE_CHECKING:
    import pandas as pd

_OPENINGS = ("Hi team,", "Hello,", "URGENT:", "Quick question:", "", "Dear support,")
_TOPICS = (
    "I was charged twice for my March invoice",
    "the export button crashes the app on large files",
    "I cannot reset my password from the login page",
    "could you add dark mode to the dashboard",
    "my refund has not arrived after two weeks",
    "the API returns a 500 error when I upload a CSV",
    "please merge my two accounts into one",
    "it would be great to schedule reports weekly",
    "where do I find the terms of service",
    "the mobile app logs me out every hour",
    "can I pay by bank transfer instead of card",
    "search results are empty since yesterday",
)


def tickets(n: int, *, seed: int = 0, repeat_share: float = 0.5) -> list[str]:
    """``n`` support-ticket texts; about ``repeat_share`` repeat an earlier one, with
    different case or spacing (so a cache keyed on the raw text would miss them)."""
    rng = random.Random(seed)
    out: list[str] = []
    for i in range(n):
        if out and rng.random() < repeat_share:
            text = rng.choice(out)
            style = rng.randrange(3)
            text = text.upper() if style == 0 else ("  " + text.replace(" ", "  ") if style == 1
                                                     else text.lower() + " ")
        else:
            text = f"{rng.choice(_OPENINGS)} {rng.choice(_TOPICS)} (order {1000 + i})".strip()
        out.append(text)
    return out


CURRENT = ModelSpec(
    name="ticket-router", version="v1", median_latency_ms=420, p95_latency_ms=1300,
    timeout_rate=0.01, rate_limit_rate=0.01, server_error_rate=0.01, garbage_rate=0.01,
    price_in_per_1k=0.0005, price_out_per_1k=0.0015, quality=0.91,
)
CANDIDATES = {
    "good": CURRENT.evolve(version="v2", median_latency_ms=380, p95_latency_ms=1150,
                           quality=0.92, price_in_per_1k=0.0004, price_out_per_1k=0.0012),
    "bad": CURRENT.evolve(version="v2", median_latency_ms=650, p95_latency_ms=2600,
                          garbage_rate=0.06, quality=0.84, price_in_per_1k=0.0009,
                          price_out_per_1k=0.0030),
}


def release_logs(
    candidate: str = "bad", *, n: int = 4000, seed: int = 6, rps: float = 2.0
) -> pd.DataFrame:
    """A canary's request log: current ``v1`` and candidate ``v2`` share traffic 50/50.

    ``candidate`` is ``"good"`` (ships) or ``"bad"`` (regresses quality, p95 and cost).
    Columns are those of the ``request_logs`` dataset.
    """
    if candidate not in CANDIDATES:
        raise ValueError(f"candidate must be one of {sorted(CANDIDATES)}")
    rng = random.Random(seed)
    current = SimulatedProvider([CURRENT], seed=seed)
    canary = SimulatedProvider([CANDIDATES[candidate]], seed=seed + 1)
    texts = tickets(n, seed=seed, repeat_share=0.2)
    t, arrivals = 0.0, []
    for _ in range(n):
        t += rng.expovariate(rps)
        arrivals.append(t)
    split = [rng.random() < 0.5 for _ in range(n)]
    for provider, side in ((current, False), (canary, True)):
        chosen = [(x, a) for x, a, s in zip(texts, arrivals, split, strict=True) if s is side]
        provider.replay("ticket-router", [x for x, _ in chosen], [a for _, a in chosen])
    import pandas as pd

    logs = pd.concat([current.request_log(), canary.request_log()], ignore_index=True)
    return logs.sort_values("timestamp", kind="stable").reset_index(drop=True)


FEATURES = {
    "ticket_length": ["<50", "50-150", "150-400", ">400"],
    "language": ["en", "de", "es", "other"],
    "channel": ["email", "chat", "web", "api"],
}
_BASE = {
    "ticket_length": [0.20, 0.45, 0.25, 0.10],
    "language": [0.70, 0.12, 0.10, 0.08],
    "channel": [0.40, 0.30, 0.25, 0.05],
}
_TARGET = {  # where the drifting features end up
    "ticket_length": [0.08, 0.27, 0.35, 0.30],
    "language": [0.45, 0.12, 0.28, 0.15],
}


def feature_shares(
    *, weeks: int = 10, drift_from_week: int = 6, seed: int = 7, sample: int = 2000
) -> pd.DataFrame:
    """Weekly share of traffic per bin of three input features, in the columns of the
    ``feature_drift`` dataset (week, week_index, feature, bin, bin_index, count, share).
    ``ticket_length`` and ``language`` drift from ``drift_from_week``; ``channel`` only
    has sampling noise."""
    import pandas as pd

    rng = random.Random(seed)
    monday = pd.Timestamp("2026-01-05")
    rows: list[dict[str, Any]] = []
    for week in range(1, weeks + 1):
        progress = 0.0 if week < drift_from_week else min(1.0, (week - drift_from_week + 1) / 3)
        for feature, bins in FEATURES.items():
            base = _BASE[feature]
            target = _TARGET.get(feature, base)
            probs = [(1 - progress) * b + progress * g for b, g in zip(base, target, strict=True)]
            counts = [0] * len(bins)
            for _ in range(sample):
                counts[_pick(rng, probs)] += 1
            for bin_label, count in zip(bins, counts, strict=True):
                rows.append({"week": monday + pd.Timedelta(weeks=week - 1), "week_index": week,
                             "feature": feature, "bin": bin_label,
                             "bin_index": bins.index(bin_label) + 1, "count": count,
                             "share": round(count / sample, 4)})
    return pd.DataFrame(rows)


def _pick(rng: random.Random, probs: list[float]) -> int:
    u, acc = rng.random(), 0.0
    for i, p in enumerate(probs):
        acc += p
        if u < acc:
            return i
    return len(probs) - 1


def incidents() -> list[dict[str, Any]]:
    """Incident reports for the triage exercise: evidence only, no verdicts.

    Keys: ``id``, ``summary``, ``alerts`` (the lab's alerts firing now: ``error_rate``,
    ``malformed_rate``, ``p95_ms``), ``answered_share`` (requests that still end with a usable
    answer, fallbacks included), ``started_after_release`` (a new model or prompt version went
    live shortly before), ``previous_version_healthy``, ``drift_weeks`` (weeks in a row with an
    input feature's PSI over 0.2), ``quality_drop`` (share of good answers lost on the labelled
    sample), ``provider_status`` (``"ok"`` or ``"degraded"``), ``safety_issue`` (personal data
    or harmful content seen in answers).
    """
    def incident(id_: str, summary: str, **evidence: Any) -> dict[str, Any]:
        base = {"alerts": [], "answered_share": 0.99, "started_after_release": False,
                "previous_version_healthy": True, "drift_weeks": 0, "quality_drop": 0.0,
                "provider_status": "ok", "safety_issue": False}
        base.update(evidence)
        return {"id": id_, "summary": summary, **base}

    return [
        incident("INC-1", "An hour after v2 went live, 24% of answers fail JSON validation; "
                 "v1 had run cleanly for a month; the fallback catches most of them",
                 alerts=["malformed_rate"], answered_share=0.95, started_after_release=True,
                 quality_drop=0.07),
        incident("INC-2", "Accuracy on the weekly labelled sample slid 6 points over three "
                 "weeks while Spanish tickets doubled; no release for a month",
                 drift_weeks=3, quality_drop=0.06),
        incident("INC-3", "Two customers report answers that quote another customer's order "
                 "number; a new prompt went live this morning and the old one never did this",
                 started_after_release=True, quality_drop=0.01, safety_issue=True),
        incident("INC-4", "Quality on the labelled sample fell 9 points this week; no release, "
                 "no input drift, and the provider reports nothing",
                 answered_share=0.98, quality_drop=0.09),
        incident("INC-5", "Timeouts and 503s on 40% of primary calls since 14:10; v2 went live "
                 "at 13:40 after a clean canary; the provider's status page turned red at "
                 "14:05 for all its customers; the secondary answers, slowly",
                 alerts=["error_rate", "p95_ms"], answered_share=0.96,
                 started_after_release=True, provider_status="degraded"),
        incident("INC-6", "v3 shipped yesterday and malformed answers rose to 8%, but v2 showed "
                 "the same spikes last week before anyone looked",
                 alerts=["malformed_rate"], answered_share=0.94, started_after_release=True,
                 previous_version_healthy=False, quality_drop=0.05),
        incident("INC-7", "A marketing campaign brought unusually long tickets: ticket_length "
                 "crossed PSI 0.2 this week, for the first time; quality is unchanged",
                 drift_weeks=1),
        incident("INC-8", "The primary and the secondary both return 503s; four tickets in five "
                 "end at the needs_human default; the provider's status page is red",
                 alerts=["error_rate"], answered_share=0.2, provider_status="degraded"),
    ]
