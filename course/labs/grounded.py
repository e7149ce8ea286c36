"""Grounded-answer mode of the simulated provider (module 11, context engineering).

A grounded model answers questions about a knowledge base only from the context it is given,
the way a retrieval-augmented assistant should. It is the same :class:`SimulatedProvider`
(virtual clock, seeded outcomes, call log, prices, context limit), with different answers:

- It recognises a question it knows (one of ``facts``) anywhere in the user's messages.
- It answers **right** only when the fact's evidence phrase appears in the prompt it received.
  The prompt must fit the model's context limit (``ContextLengthError`` otherwise, as ever),
  so evidence that the caller left out, or crowded out of the budget, cannot help.
- **Lost in the middle**: in a long prompt (more than ``long_context_tokens``) evidence that
  sits in the middle half is used only with probability ``middle_recall``.
- When it does not use the evidence it says it cannot find the answer, or, with probability
  ``hallucination_rate``, confidently gives the answer to another question.
- It cites the passage whose ``[id]`` marker precedes the evidence, but only when the prompt
  asks it to cite (the word "cite").
- It replies in JSON, ``{"answer": "...", "citations": ["id", ...]}``; at the model's
  ``garbage_rate`` the reply is malformed instead (cut off, prose, wrong keys, wrong types).

Tokens are estimated as one per four characters (:func:`course.labs.count_tokens`): no
tokenizer is downloaded, and the estimate is close enough for budgets in English prose.
Everything is seeded: the same calls in the same order give the same replies.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from course.labs.client import Client
from course.labs.clock import VirtualClock
from course.labs.provider import SimulatedProvider, _Attempt, count_tokens, normalise_text
from course.labs.spec import ModelSpec

NOT_FOUND = "I cannot find that in the documents provided."
MARKER = re.compile(r"\[([A-Za-z0-9_.:#-]+)\]")

ASSISTANT = ModelSpec(
    name="handbook-assistant", version="v1", median_latency_ms=700, p95_latency_ms=1800,
    garbage_rate=0.08, price_in_per_1k=0.0008, price_out_per_1k=0.0024, context_limit=3000,
    quality=0.97,
)
"""The lab's grounded model: a 3,000-token window, 8% malformed replies."""


@dataclass(frozen=True)
class Fact:
    """One question the grounded model knows, its answer and the evidence it needs to see."""

    question: str
    answer: str
    passage_id: str
    evidence: str


class GroundedProvider(SimulatedProvider):
    """A simulated provider whose models answer questions only from the context given."""

    def __init__(
        self, facts: Iterable[Fact], specs: Iterable[ModelSpec] = (ASSISTANT,), *,
        clock: VirtualClock | None = None, seed: int = 0, long_context_tokens: int = 900,
        middle_recall: float = 0.35, hallucination_rate: float = 0.5,
    ) -> None:
        super().__init__(specs, clock=clock, seed=seed)
        self.facts = list(facts)
        self.long_context_tokens = long_context_tokens
        self.middle_recall = middle_recall
        self.hallucination_rate = hallucination_rate

    def _attempt(
        self, spec: ModelSpec, text: str, prompt_tokens: int, max_tokens: int,
        timeout: float, at: float,
    ) -> _Attempt:
        attempt = super()._attempt(spec, text, prompt_tokens, max_tokens, timeout, at)
        u_use, u_quality, u_wrong, kind = (self.rng.random(), self.rng.random(),
                                           self.rng.random(), self.rng.randrange(4))
        if attempt.outcome not in ("ok", "garbage"):
            return attempt
        answer, citations, good = self.answer(text, prompt_tokens, spec.quality,
                                              (u_use, u_quality, u_wrong))
        if attempt.outcome == "garbage":
            content, quality = _malformed(answer, citations, kind), "bad"
        else:
            content = json.dumps({"answer": answer, "citations": citations})
            quality = "good" if good else "bad"
        tokens, finish, outcome = count_tokens(content), "stop", attempt.outcome
        if tokens > max_tokens:
            content, tokens, finish = content[: max_tokens * 4], max_tokens, "length"
            outcome, quality = "garbage", "bad"
        return _Attempt(outcome, attempt.elapsed_s, tokens, content, finish, quality)

    def _read_request(
        self, model: str, messages: Any, timeout: Any, max_tokens: Any
    ) -> tuple[int, str]:
        """As the base provider, but the model reads system messages too (instructions)."""
        prompt_tokens, _ = super()._read_request(model, messages, timeout, max_tokens)
        return prompt_tokens, "\n".join(m["content"] for m in messages if m["role"] != "assistant")

    def answer(
        self, text: str, prompt_tokens: int, quality: float, draws: tuple[float, float, float],
    ) -> tuple[str, list[str], bool]:
        """(answer, citations, right?) for a prompt, given the call's three random draws."""
        u_use, u_quality, u_wrong = draws
        prompt = normalise_text(text)
        fact = self.find_fact(prompt)
        if fact is None:
            return NOT_FOUND, [], False
        where = prompt.find(normalise_text(fact.evidence))
        usable = where >= 0 and u_quality < quality
        if usable and prompt_tokens > self.long_context_tokens:
            position = where / max(1, len(prompt))
            if 0.25 < position < 0.75:
                usable = u_use < self.middle_recall
        if usable:
            cites = "cite" in prompt
            markers = MARKER.findall(text[: self._raw_position(text, fact.evidence)])
            return fact.answer, ([markers[-1]] if cites and markers else []), True
        if u_wrong < self.hallucination_rate and len(self.facts) > 1:
            other = self.facts[(self.facts.index(fact) + 1) % len(self.facts)]
            return other.answer, [], False
        return NOT_FOUND, [], False

    def find_fact(self, prompt: str) -> Fact | None:
        """The known question asked in a normalised prompt (the last one named), if any."""
        found = [(prompt.rfind(normalise_text(f.question)), f) for f in self.facts]
        found = [(at, f) for at, f in found if at >= 0]
        return max(found, key=lambda item: item[0])[1] if found else None

    @staticmethod
    def _raw_position(text: str, evidence: str) -> int:
        """Where the evidence starts in the raw prompt (whitespace and case forgiven)."""
        pattern = r"\s+".join(re.escape(word) for word in evidence.split())
        match = re.search(pattern, text, flags=re.IGNORECASE)
        return match.start() if match else 0


def _malformed(answer: str, citations: Sequence[str], kind: int) -> str:
    """Four ways a structured reply goes wrong."""
    forms = (
        json.dumps({"answer": answer, "citations": list(citations)})[:-9],  # cut off
        f"Sure! The answer is {answer}.",  # prose, no JSON
        json.dumps({"response": answer, "sources": list(citations)}),  # wrong keys
        json.dumps({"answer": answer, "citations": ", ".join(citations) or None}),  # wrong type
    )
    return forms[kind % len(forms)]


@dataclass
class GroundedLab:
    """The grounded provider, its client and clock, and the model's name."""

    provider: GroundedProvider
    client: Client
    model: str = ASSISTANT.name

    @property
    def clock(self) -> VirtualClock:
        """The lab's virtual clock."""
        return self.provider.clock

    def spent_usd(self, since: int = 0) -> float:
        """Dollars billed for the calls logged from index ``since`` on."""
        return sum(record.cost_usd for record in self.provider.log[since:])


def handbook_facts() -> list[Fact]:
    """The golden questions of the bundled ``handbook_questions`` dataset, as facts."""
    from course import data

    table = data.load("handbook_questions")
    return [Fact(row.question, row.answer, row.passage_id, row.evidence)
            for row in table.itertuples(index=False)]


def grounded_lab(*, seed: int = 0, facts: Iterable[Fact] | None = None,
                 **options: Any) -> GroundedLab:
    """A fresh grounded provider over the handbook's golden questions (or ``facts``).

    ``options`` go to :class:`GroundedProvider` (``long_context_tokens``, ``middle_recall``,
    ``hallucination_rate``) or, as ``spec=``, replace the assistant's :class:`ModelSpec`.
    """
    spec = options.pop("spec", ASSISTANT)
    provider = GroundedProvider(handbook_facts() if facts is None else facts, [spec],
                                clock=VirtualClock(), seed=seed, **options)
    return GroundedLab(provider, Client(provider), spec.name)
