"""docs/glossary.md parses into terms with definitions, has no duplicates, and points each term
at a module that exists (and, for "Taught in", a module whose notebook really uses the term)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pytest

from course import modules
from tests.notebook_tools import ROOT

GLOSSARY = ROOT / "docs" / "glossary.md"
MODULE_LINE = re.compile(
    r"^\*\*(?P<kind>Taught in|Nearest module):\*\* "
    r"\[module (?P<number>\d\d)\]\(\.\./notebooks/(?P<slug>[\w-]+)/(?P=slug)\.ipynb\)$")
REQUIRED = ["p50", "p95", "p99", "SLO", "error budget", "canary", "shadow traffic", "TTL", "jitter",
            "Retry-After", "idempotency key", "circuit breaker", "PSI", "data drift",
            "prediction drift", "concept drift", "RAG", "context engineering", "context window",
            "token", "AutoML", "foundation model", "exit criterion", "release gate", "runbook",
            "fallback chain", "structured output",
            # the context-engineering lab (11) and the build-or-buy measurements (08)
            "BM25", "chunking", "token budget", "lost in the middle", "precision", "recall",
            "tail latency", "population stability index"]


@dataclass(frozen=True)
class Entry:
    names: tuple[str, ...]
    definition: str
    kind: str
    number: str
    slug: str


def parse(text: str) -> list[Entry]:
    """Each "### name, alias" section → an Entry; a section that breaks the format raises
    ValueError naming the term."""
    entries = []
    for section in re.split(r"^### ", text, flags=re.M)[1:]:
        heading, _, body = section.partition("\n")
        lines = [line.strip() for line in body.strip().splitlines()]
        module_lines = [m for m in map(MODULE_LINE.match, lines) if m]
        definition = " ".join(line for line in lines if line and not MODULE_LINE.match(line))
        if len(module_lines) != 1 or not lines or not MODULE_LINE.match(lines[-1]):
            raise ValueError(f"glossary term {heading!r}: end with exactly one "
                             "'**Taught in:** [module NN](...)' or '**Nearest module:**' line")
        if not definition:
            raise ValueError(f"glossary term {heading!r}: no definition")
        match = module_lines[0]
        entries.append(Entry(tuple(n.strip() for n in heading.split(",")), definition,
                             match["kind"], match["number"], match["slug"]))
    return entries


ENTRIES = parse(GLOSSARY.read_text(encoding="utf-8"))
MANIFEST = {m.slug: m for m in modules.load(ROOT)}


def markdown_text(slug: str) -> str:
    cells = json.loads(MANIFEST[slug].solution(ROOT).read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown").lower()


def test_every_required_term_is_defined():
    names = {n.lower() for e in ENTRIES for n in e.names}
    assert [t for t in REQUIRED if t.lower() not in names] == []


def test_no_term_is_defined_twice_and_terms_are_alphabetical():
    names = [n.lower() for e in ENTRIES for n in e.names]
    assert sorted({n for n in names if names.count(n) > 1}) == []
    headings = [e.names[0].lower() for e in ENTRIES]
    assert headings == sorted(headings)


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.names[0])
def test_each_term_names_an_existing_module(entry):
    assert entry.slug in MANIFEST, f"{entry.names[0]}: no module {entry.slug}"
    assert MANIFEST[entry.slug].number == int(entry.number), entry.names[0]
    assert (GLOSSARY.parent / f"../notebooks/{entry.slug}/{entry.slug}.ipynb").resolve().is_file()
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", entry.definition) if s]
    assert 1 <= len(sentences) <= 3, f"{entry.names[0]}: keep it to one or two sentences (+ a pointer)"


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.names[0])
def test_taught_in_means_the_module_uses_the_term(entry):
    if entry.kind == "Taught in":
        text = markdown_text(entry.slug)
        assert any(n.lower() in text for n in entry.names), \
            f"{entry.names[0]}: module {entry.slug} never mentions it; say 'Nearest module'"
    else:
        assert "not taught" in entry.definition.lower(), \
            f"{entry.names[0]}: say that no notebook teaches it"


def test_parser_rejects_a_term_without_a_module_and_an_unknown_module_is_caught():
    with pytest.raises(ValueError, match="'jitter'"):
        parse("### jitter\n\nRandom wait.\n")
    bad = parse("### jitter\n\nRandom wait.\n**Taught in:** "
                "[module 42](../notebooks/42-nowhere/42-nowhere.ipynb)\n")
    assert bad[0].slug not in MANIFEST


def test_learners_can_find_the_glossary():
    assert "docs/glossary.md" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert "../../docs/glossary.md" in markdown_text("00-welcome")
