"""Self-checks for 11-context-engineering: properties on the checks' own inputs, never an answer."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from course import labs
from course.checks import CheckFailed, expect_true, expect_type, passed

SAMPLE = ("Fernhill ships to the United Kingdom Norway and Switzerland in five to eight working "
          "days and duties are collected on delivery by the carrier at the door")


def check_chunk_words(chunk_words: Callable[..., Any]) -> None:
    """Chunks are short enough, overlap as asked, cover every word and end at the last one."""
    words = SAMPLE.split()
    for size, overlap in ((5, 0), (6, 2), (4, 3)):
        chunks = chunk_words(SAMPLE, size, overlap)
        expect_type(chunks, list, "chunk_words(...)")
        expect_true(all(type(c) is str for c in chunks), "each chunk should be a str.")
        expect_true(all(1 <= len(c.split()) <= size for c in chunks),
                    f"size={size}: every chunk should hold 1 to {size} words.")
        expect_true(chunks[0].split()[0] == words[0] and chunks[-1].split()[-1] == words[-1],
                    "the chunks should start at the first word and end at the last.")
        for left, right in zip(chunks, chunks[1:], strict=False):
            shared = left.split()[len(left.split()) - overlap:] if overlap else []
            expect_true(right.split()[:overlap] == shared,
                        f"overlap={overlap}: a chunk should start with the previous one's last "
                        f"{overlap} word(s).")
        expect_true(len(chunks) < 2 or chunks[-2].split()[-1] != words[-1],
                    "stop after the first chunk that reaches the last word.")
    try:
        chunk_words(SAMPLE, 3, 3)
    except ValueError:
        pass
    else:
        raise CheckFailed("❌ an overlap as large as the size should raise ValueError.")
    passed("chunk_words keeps chunks short, overlaps them and stops at the end.")


_CHUNKS = [
    {"id": "a#0", "text": "Stoves must never burn inside a tent or any closed space."},
    {"id": "b#0", "text": "The Emberline stove boils a litre of water in four minutes."},
    {"id": "c#0", "text": "Gift cards are valid for three years."},
    {"id": "d#0", "text": "Express delivery takes one to two working days."},
]


def check_search(search: Callable[..., Any]) -> None:
    """Hits are scored dicts in falling order, at most k, none without a shared word."""
    hits = search("Emberline stove water", _CHUNKS, k=3)
    expect_type(hits, list, "search(...)")
    expect_true(all(type(h) is dict and {"id", "text", "score"} <= set(h) for h in hits),
                "each hit should be a dict with 'id', 'text' and 'score'.")
    expect_true(1 <= len(hits) <= 3, "return at most k hits, and at least one here.")
    expect_true(all(type(h["score"]) is float for h in hits), "scores should be floats.")
    scores = [h["score"] for h in hits]
    expect_true(scores == sorted(scores, reverse=True), "highest score first.")
    expect_true(all(h["score"] > 0 for h in hits), "leave out chunks that share no word.")
    expect_true(search("zebra", _CHUNKS, k=3) == [], "a query that matches nothing gives [].")
    expect_true("score" not in _CHUNKS[0], "return new dicts; the chunks should stay unchanged.")
    passed("search returns scored hits, best first, and nothing for a query with no match.")


def check_assemble_context(assemble_context: Callable[..., Any]) -> None:
    """The context fits the budget, tags each block with its id and holds no duplicate."""
    hits = [{"id": f"h{i}", "text": f"Passage number {i} " + "words " * (3 + 4 * i)} for i in range(5)]
    hits.insert(2, {"id": "copy", "text": hits[0]["text"].upper()})
    for budget in (15, 40, 80, 500):
        out = assemble_context(hits, budget)
        expect_type(out, dict, "assemble_context(...)")
        expect_true(type(out.get("context")) is str and type(out.get("ids")) is list,
                    "return {'context': str, 'ids': list}.")
        blocks = [b for b in out["context"].split("\n\n") if b]
        expect_true(len(blocks) == len(out["ids"]), "one block per included id.")
        expect_true(all(b.startswith(f"[{i}] ") for b, i in zip(blocks, out["ids"], strict=False)),
                    "each block should start with its '[id] '.")
        expect_true(sum(labs.count_tokens(b) for b in blocks) <= budget,
                    f"budget {budget}: the blocks use more tokens than the budget.")
        expect_true("copy" not in out["ids"], "a passage with the same text is a duplicate.")
    passed("assemble_context stays within the budget, tags blocks and drops duplicates.")


def check_parse_answer(parse_answer: Callable[..., Any]) -> None:
    """A good reply is accepted; malformed ones and invented citations give None."""
    good = json.dumps({"answer": "five to eight working days", "citations": ["s#0"]})
    reply = parse_answer(good, ["s#0", "t#0"])
    expect_true(type(reply).__name__ == "GroundedAnswer",
                "a valid reply should come back as a GroundedAnswer.")
    for content in ('{"answer": "five', "It takes five days.", '{"reply": "five days"}',
                    json.dumps({"answer": "five days", "citations": ["zzz#9"]})):
        expect_true(parse_answer(content, ["s#0"]) is None,
                    f"parse_answer({content!r}) should be None.")
    passed("parse_answer accepts valid replies and rejects malformed ones and invented ids.")


def check_ask_structured(ask_structured: Callable[..., Any]) -> None:
    """On the grounded lab every call returns a GroundedAnswer or None, and the list is kept."""
    lab = labs.grounded_lab(seed=5, spec=labs.ASSISTANT.evolve(garbage_rate=0.6))
    messages = [{"role": "system", "content": "Cite the passage ids."},
                {"role": "user", "content": "Context:\n[s#0] Gift cards are valid for three years."
                                            "\n\nQuestion: How long are gift cards valid?"}]
    frozen = [dict(m) for m in messages]
    for _ in range(8):
        reply = ask_structured(lab.client, messages, model=lab.model, allowed_ids=["s#0"])
        expect_true(reply is None or type(reply).__name__ == "GroundedAnswer",
                    "return a GroundedAnswer or None.")
    expect_true(messages == frozen, "do not change the caller's messages.")
    log = lab.provider.log_frame()
    expect_true(len(log) > 8, "with many malformed replies, some questions need a second call.")
    expect_true(len(log) <= 24, "make at most max_attempts=3 calls per question.")
    passed("ask_structured repairs malformed replies and stops after max_attempts.")


def check_evaluate(evaluate: Callable[..., Any]) -> None:
    """The report has three floats, rates between 0 and 1, on a pipeline of the check's own."""
    import pandas as pd

    golden = pd.DataFrame({"question": ["one?", "two?"], "answer": ["a", "b"],
                           "passage_id": ["p", "q"]})
    report = evaluate(golden, lambda q: {"answer": None, "citations": [], "cost_usd": 0.0})
    expect_type(report, dict, "evaluate(...)")
    expect_true(sorted(report) == ["accuracy", "citation_rate", "cost_per_question"],
                "the keys should be accuracy, citation_rate and cost_per_question.")
    expect_true(all(type(v) is float for v in report.values()), "each value should be a float.")
    expect_true(report["accuracy"] == 0.0 and report["citation_rate"] == 0.0,
                "an answer of None, with no citations, is neither right nor cited.")
    perfect = evaluate(golden, lambda q: {"answer": "a b", "citations": ["p#0", "q#0"],
                                          "cost_usd": 0.0})
    expect_true(0.0 <= perfect["accuracy"] <= 1.0 and 0.0 <= perfect["citation_rate"] <= 1.0,
                "rates are shares between 0 and 1.")
    passed("evaluate returns three floats, with shares between 0 and 1.")


def check_quality_gate(quality_gate: Callable[..., Any]) -> None:
    """Same numbers ship; a collapse on every metric holds with three reasons."""
    base = {"accuracy": 0.5, "citation_rate": 1.0, "cost_per_question": 1.0}
    same = quality_gate(dict(base), base)
    expect_true(same == [], "a report equal to the baseline should ship (an empty list).")
    worst = quality_gate({"accuracy": 0.0, "citation_rate": 0.0, "cost_per_question": 100.0}, base)
    expect_true(type(worst) is list and len(worst) == 3 and all(type(r) is str for r in worst),
                "a change that fails every rule should get three reasons (str).")
    passed("quality_gate ships an unchanged pipeline and holds a collapse with its reasons.")
