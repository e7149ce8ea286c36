"""The grounded-answer mode of the simulated provider (module 11): deterministic, and it
answers only from what the prompt holds, worse from the middle of a long prompt."""

from __future__ import annotations

import json

import pytest

from course import labs

FACTS = [labs.Fact("How long is the return window?", "30 days", "r-1", "within 30 days of delivery"),
         labs.Fact("What does express cost?", "12 euros", "s-2", "costs 12 euros")]
PASSAGE = "[r-1#0] You can return an unused item within 30 days of delivery for a refund."
FILLER = "[x#0] " + "Nothing to see in this filler passage about tents and stoves. " * 6


def _ask(lab: labs.GroundedLab, blocks: list[str], question: str = FACTS[0].question,
         instruction: str = "Cite the passage ids.") -> dict:
    reply = lab.client.chat.completions.create(model=lab.model, max_tokens=200, messages=[
        {"role": "system", "content": instruction},
        {"role": "user", "content": "Context:\n" + "\n\n".join(blocks) + f"\n\nQuestion: {question}"}])
    return json.loads(reply.choices[0].message.content)


def _lab(seed: int = 0, **options: object) -> labs.GroundedLab:
    spec = options.pop("spec", labs.ASSISTANT.evolve(garbage_rate=0.0))
    return labs.grounded_lab(seed=seed, facts=FACTS, spec=spec, **options)


def test_answers_only_with_the_evidence_and_cites_only_when_asked() -> None:
    lab = _lab(hallucination_rate=0.0)
    assert _ask(lab, []) == {"answer": labs.NOT_FOUND, "citations": []}
    assert _ask(lab, [PASSAGE]) == {"answer": "30 days", "citations": ["r-1#0"]}
    assert _ask(lab, [PASSAGE], instruction="Be brief.") == {"answer": "30 days", "citations": []}
    assert _ask(lab, [PASSAGE], question="Unknown?")["answer"] == labs.NOT_FOUND


def test_without_evidence_it_may_hallucinate_another_answer() -> None:
    lab = _lab(hallucination_rate=1.0)
    assert _ask(lab, [FILLER]) == {"answer": "12 euros", "citations": []}


def test_evidence_in_the_middle_of_a_long_prompt_is_often_missed() -> None:
    def share(slot: int) -> float:
        lab = _lab(seed=4, hallucination_rate=0.0)
        blocks = [FILLER] * 12
        blocks.insert(slot, PASSAGE)
        return sum(_ask(lab, blocks)["answer"] == "30 days" for _ in range(200)) / 200

    start, middle, end = share(0), share(6), share(12)
    assert start > 0.9 and end > 0.9 and middle < 0.5


def test_a_prompt_over_the_window_is_refused() -> None:
    with pytest.raises(labs.ContextLengthError):
        _ask(_lab(), [PASSAGE] + [FILLER] * 200)


def test_malformed_replies_at_the_configured_rate_and_deterministic() -> None:
    def contents(seed: int) -> list[str]:
        lab = _lab(seed=seed, spec=labs.ASSISTANT.evolve(garbage_rate=0.3))
        return [lab.client.chat.completions.create(model=lab.model, max_tokens=200, messages=[
            {"role": "user", "content": f"{PASSAGE}\n\nQuestion: {FACTS[0].question}"}]
        ).choices[0].message.content for _ in range(400)]

    first = contents(7)
    assert first == contents(7) and first != contents(8)
    broken = 0
    for content in first:
        try:
            ok = set(json.loads(content)) == {"answer", "citations"} and \
                type(json.loads(content)["citations"]) is list
        except ValueError:
            ok = False
        broken += not ok
    assert 0.2 < broken / 400 < 0.4
