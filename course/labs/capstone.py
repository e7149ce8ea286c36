"""The capstone's service parts: a seeded ticket set, two classifiers behind one interface,
a release candidate and a week of traffic with an incident in it (module 12).

Everything is generated from a seed, offline, and runs on a :class:`VirtualClock`.

Data dictionary of :func:`ticket_set` (one row per support ticket):

=============  =======  ==================================================================
column         type     meaning
=============  =======  ==================================================================
ticket_id      str      ``T-`` and six digits; unique in a clean set
text           str      what the customer wrote (English, 10 to a few hundred characters)
channel        str      where it came in: ``email``, ``chat``, ``web`` or ``api``
tier           str      the customer's plan: ``free``, ``pro`` or ``enterprise``
category       str      the label a support lead gave it: one of :data:`LABELS`
=============  =======  ==================================================================

The raw set has data problems on purpose (``problems=True``): blank texts, repeated
tickets, labels typed by hand ("Billing ", "refund") and texts too short to route.
:data:`RAW_PROBLEMS` says how many of each were planted.

Licence: the templates, phrases and generator were written for this course and are released
with it under CC BY 4.0, like the course's other synthetic data. No real customer wrote any
of it; every ``ref`` number is random.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from course.labs.client import Client
from course.labs.clock import VirtualClock
from course.labs.provider import LABELS, SimulatedProvider, true_label
from course.labs.spec import ModelSpec

if TYPE_CHECKING:
    import pandas as pd

CHANNELS = ("email", "chat", "web", "api")
TIERS = ("free", "pro", "enterprise")
RAW_PROBLEMS = {"blank_text": 6, "repeated_ticket": 8, "unknown_label": 5, "too_short": 4}
"""How many rows of each problem ``ticket_set(problems=True)`` plants."""

_PHRASES = {
    "account": ("I cannot log in since I changed my email address",
                "please add a second admin to our workspace",
                "my two-factor codes are rejected every time",
                "how do I delete my profile and all my data",
                "the invite link for my colleague has expired",
                "I am locked out after too many password attempts"),
    "billing": ("I was charged twice for this month's invoice",
                "the VAT number on my receipt is wrong",
                "my refund for the cancelled plan never arrived",
                "can I switch from monthly to yearly payment",
                "the card payment fails although the card is valid",
                "why did my subscription price go up"),
    "bug": ("the export button crashes the app on large files",
            "the dashboard shows yesterday's numbers after refresh",
            "uploading a CSV gives an internal server error",
            "the mobile app freezes when I open a report",
            "search returns nothing for names with accents",
            "charts are blank in the Firefox browser"),
    "feature_request": ("it would help to schedule reports every Monday",
                        "please add a dark mode to the editor",
                        "could the API return results in pages",
                        "we would love a Slack notification for new leads",
                        "allow custom fields on the contact form",
                        "an undo button for bulk edits would save us hours"),
    "other": ("where can I find your terms of service",
              "do you have an office in Berlin",
              "I would like to give feedback about your webinar",
              "is there a student discount programme",
              "who should I contact for a press enquiry",
              "thanks for the quick help last week"),
}
_OPENINGS = ("", "Hi,", "Hello team,", "Good morning,", "Dear support,", "Quick question:")
_CLOSINGS = ("", "Thanks.", "Regards, Sam", "Cheers", "Thank you in advance!")
_BULK = ("automated report from integration {n}: ", "sync job {n} failed, payload follows: ")


@dataclass(frozen=True)
class Prediction:
    """What a classifier says about one ticket: a label, its confidence and who said it."""

    label: str
    confidence: float
    model: str


class MalformedAnswer(ValueError):
    """A model answered, but the answer is not a valid label with a confidence."""


def _text(rng: random.Random, category: str, *, bulk: bool = False) -> str:
    """One ticket text of ``category``; about one in five borrows another category's words."""
    source = category
    if rng.random() < 0.2:
        source = rng.choice([c for c in LABELS if c != category])
    body = rng.choice(_PHRASES[source])
    if rng.random() < 0.5:
        body += ", " + rng.choice(_PHRASES[category])
    prefix = rng.choice(_BULK).format(n=rng.randrange(100, 999)) if bulk else ""
    parts = [rng.choice(_OPENINGS), prefix + body + ".", rng.choice(_CLOSINGS)]
    text = " ".join(p for p in parts if p)
    return _agreeing(text, category, rng)


def _agreeing(text: str, category: str, rng: random.Random) -> str:
    """Append a reference number chosen so that the simulated provider's truth is ``category``."""
    while True:
        candidate = f"{text} (ref {rng.randrange(10000, 99999)})"
        if true_label(candidate) == category:
            return candidate


def ticket_set(n: int = 900, *, seed: int = 12, problems: bool = True) -> pd.DataFrame:
    """``n`` labelled tickets (see the module's data dictionary), shuffled, with the data
    problems of :data:`RAW_PROBLEMS` planted when ``problems`` is true."""
    import pandas as pd

    rng = random.Random(seed)
    weights = (0.22, 0.26, 0.24, 0.14, 0.14)
    rows: list[dict[str, Any]] = []
    for i in range(n):
        category = rng.choices(LABELS, weights)[0]
        rows.append({"ticket_id": f"T-{100000 + i:06d}", "text": _text(rng, category),
                     "channel": rng.choices(CHANNELS, (0.45, 0.3, 0.2, 0.05))[0],
                     "tier": rng.choices(TIERS, (0.5, 0.35, 0.15))[0], "category": category})
    if problems:
        picks = rng.sample(range(n), sum(v for k, v in RAW_PROBLEMS.items()
                                         if k != "repeated_ticket"))
        blank, unknown, short = (picks[:6], picks[6:11], picks[11:15])
        for i, value in zip(blank, ("", "   ", "", "\n", "", " "), strict=True):
            rows[i]["text"] = value
        for i, value in zip(unknown, ("Billing ", "refund", "BUG", "feature", "misc"),
                            strict=True):
            rows[i]["category"] = value
        for i, value in zip(short, ("help", "urgent!!", "  hi  ", "??"), strict=True):
            rows[i]["text"] = value
        clean = [i for i in range(n) if i not in picks]
        rows += [dict(rows[i]) for i in rng.sample(clean, RAW_PROBLEMS["repeated_ticket"])]
    frame = pd.DataFrame(rows)
    return frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)


# ---------------------------------------------------------------------------- classifiers
class BaselineClassifier:
    """A trained TF-IDF + logistic-regression model behind the ``predict(text)`` interface.

    Each prediction advances ``clock`` by ``latency_s`` (a simulated 6 ms: the lab's clock
    is virtual, so the week's metrics need a figure; it is not a measurement).
    """

    name = "baseline"

    def __init__(self, pipeline: Any, clock: VirtualClock | None = None,
                 latency_s: float = 0.006) -> None:
        self.pipeline = pipeline
        self.clock = clock if clock is not None else VirtualClock()
        self.latency_s = latency_s

    @classmethod
    def train(cls, texts: Sequence[str], labels: Sequence[str], *, max_features: int | None = None,
              clock: VirtualClock | None = None, seed: int = 0) -> BaselineClassifier:
        """Fit word and word-pair TF-IDF features and a logistic regression (seeded)."""
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline

        pipeline = make_pipeline(
            TfidfVectorizer(ngram_range=(1, 2), min_df=2, max_features=max_features,
                            sublinear_tf=True),
            LogisticRegression(C=4.0, max_iter=1000, random_state=seed),
        )
        pipeline.fit(list(texts), list(labels))
        return cls(pipeline, clock)

    def predict(self, text: str) -> Prediction:
        """The most probable label and its probability."""
        probabilities = self.pipeline.predict_proba([text])[0]
        best = int(probabilities.argmax())
        self.clock.advance(self.latency_s)
        return Prediction(str(self.pipeline.classes_[best]), round(float(probabilities[best]), 3),
                          self.name)


class ProviderClassifier:
    """A hosted model (the simulated provider) behind the same ``predict(text)`` interface.

    Raises the provider's typed errors (``labs.RETRYABLE`` and bad requests) unchanged, and
    :class:`MalformedAnswer` when the reply is not ``{"label": ..., "confidence": ...}``.
    """

    def __init__(self, client: Client, model: str, *, timeout: float = 3.0) -> None:
        self.client = client
        self.model = model
        self.name = model
        self.timeout = timeout

    @property
    def clock(self) -> VirtualClock:
        """The provider's virtual clock."""
        return self.client.clock

    def predict(self, text: str) -> Prediction:
        """Ask the hosted model; validate its JSON answer."""
        reply = self.client.chat.completions.create(
            model=self.model, messages=[{"role": "user", "content": text}],
            timeout=self.timeout, max_tokens=64)
        content = reply.choices[0].message.content
        try:
            data = json.loads(content)
        except ValueError:
            raise MalformedAnswer(f"not JSON: {content[:40]!r}") from None
        label = data.get("label") if isinstance(data, dict) else None
        confidence = data.get("confidence") if isinstance(data, dict) else None
        if label not in LABELS or type(confidence) is not float or not 0 <= confidence <= 1:
            raise MalformedAnswer(f"not a label with a confidence: {content[:40]!r}")
        return Prediction(label, confidence, self.name)


# ---------------------------------------------------------------------- the hosted model
HOSTED = ModelSpec(
    name="router-llm", version="v1", median_latency_ms=450, p95_latency_ms=1300,
    timeout_rate=0.01, rate_limit_rate=0.01, server_error_rate=0.01, garbage_rate=0.02,
    price_in_per_1k=0.0005, price_out_per_1k=0.0015, quality=0.95,
)
VERSIONS = {
    "v1": HOSTED,
    "v2-fast": HOSTED.evolve(version="v2-fast", median_latency_ms=260, p95_latency_ms=700,
                             price_in_per_1k=0.0003, price_out_per_1k=0.0009, quality=0.86),
}
"""The hosted model's versions: the one in production and a faster, cheaper candidate."""
DAY_S = 86_400.0
INCIDENT_DAY = 6
INCIDENT_HOURS = (9.0, 15.0)
DRIFT_FROM_DAY = 5


def hosted(*, version: str = "v1", seed: int = 12, clock: VirtualClock | None = None,
           incident: bool = False) -> tuple[SimulatedProvider, Client]:
    """A provider serving ``version`` of ``router-llm`` (see :data:`VERSIONS`) and its client.
    With ``incident``, the model is down on day :data:`INCIDENT_DAY` between
    :data:`INCIDENT_HOURS` (every call a 503)."""
    if version not in VERSIONS:
        raise ValueError(f"unknown version {version!r}; choose one of {', '.join(VERSIONS)}")
    provider = SimulatedProvider([VERSIONS[version]], clock=clock, seed=seed)
    if incident:
        start = (INCIDENT_DAY - 1) * DAY_S
        provider.add_outage(HOSTED.name, start + INCIDENT_HOURS[0] * 3600,
                            start + INCIDENT_HOURS[1] * 3600)
    return provider, Client(provider, timeout=3.0)


def week_of_traffic(per_day: int = 100, *, seed: int = 21) -> pd.DataFrame:
    """Seven days of incoming tickets (ticket_id, text, channel, tier, day, at).

    ``at`` is the arrival in virtual seconds from Monday 00:00; arrivals cluster in office
    hours. From day :data:`DRIFT_FROM_DAY` a new integration sends long automated tickets
    through the ``api`` channel, so the input mix drifts.
    """
    import pandas as pd

    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    for day in range(1, 8):
        drifted = day >= DRIFT_FROM_DAY
        channel_weights = (0.3, 0.2, 0.15, 0.35) if drifted else (0.45, 0.3, 0.2, 0.05)
        times = sorted(min(DAY_S - 1, max(0.0, rng.gauss(13.0, 3.0) * 3600))
                       for _ in range(per_day))
        for k, second in enumerate(times):
            category = rng.choices(LABELS, (0.22, 0.26, 0.24, 0.14, 0.14))[0]
            channel = rng.choices(CHANNELS, channel_weights)[0]
            bulk = drifted and channel == "api"
            rows.append({"ticket_id": f"T-{700000 + day * 1000 + k:06d}",
                         "text": _text(rng, category, bulk=bulk), "channel": channel,
                         "tier": rng.choices(TIERS, (0.5, 0.35, 0.15))[0], "day": day,
                         "at": round((day - 1) * DAY_S + second, 3)})
    return pd.DataFrame(rows)


def length_bin(text: str) -> str:
    """A ticket's length band, the binned feature the drift check watches."""
    size = len(text)
    return "<80" if size < 80 else "80-140" if size < 140 else ">=140"


LENGTH_BINS = ("<80", "80-140", ">=140")


def shares(values: Sequence[str], bins: Sequence[str]) -> list[float]:
    """The share of ``values`` in each of ``bins`` (in that order)."""
    total = len(values)
    if total == 0:
        return [0.0 for _ in bins]
    return [sum(v == b for v in values) / total for b in bins]


def percentile(values: Sequence[float], q: float) -> float:
    """The nearest-rank ``q`` percentile (0 < q <= 100) of ``values``."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    return float(ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)])
