"""The concept coverage map: which notebook section teaches each concept, and what checks it.

One YAML file per module (``course/coverage/<module>.yaml``)::

    module: 01-identity-shift
    concepts:
      C1.1: {section: "heading text", quiz: [question ids], exercises: [exercise ids]}

An exercise id names nbgrader cells: ``role-audit`` matches grade ids ``role-audit-*``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from course.quiz.calls import ids_asked

COVERAGE_DIR = Path(__file__).resolve().parent


def required_concepts(root: Path | None = None) -> list[str]:
    """Every concept id the course must teach and check, in module order, as the module
    manifest (``course/modules.yaml``) lists them."""
    from course import modules

    return [concept for module in modules.load(root) for concept in module.concepts]


@dataclass(frozen=True)
class Entry:
    """Where one concept is taught and checked."""

    concept: str
    module: str
    section: str
    quiz: tuple[str, ...]
    exercises: tuple[str, ...]


def load(root: Path | None = None) -> dict[str, Entry]:
    """Every concept's entry, from each manifest module's coverage file."""
    import yaml

    from course import modules

    entries: dict[str, Entry] = {}
    for path in (m.coverage for m in modules.load(root) if m.coverage.is_file()):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        module = data.get("module") or path.stem
        for concept, spec in (data.get("concepts") or {}).items():
            entries[concept] = Entry(concept, module, str(spec.get("section", "")),
                                     tuple(spec.get("quiz") or ()), tuple(spec.get("exercises") or ()))
    return entries


def _cells(notebook: Path) -> list[dict]:
    return json.loads(notebook.read_text(encoding="utf-8"))["cells"]


def taught_concepts(notebook: Path) -> dict[str, str]:
    """Concept id → heading text for every ``## Heading <!-- Cx.y -->`` in a notebook."""
    found: dict[str, str] = {}
    pattern = re.compile(r"^#+\s*(.+?)\s*<!--\s*((?:C\d+\.\d+[\s,]*)+)-->", re.MULTILINE)
    for cell in _cells(notebook):
        if cell["cell_type"] != "markdown":
            continue
        for heading, ids in pattern.findall("".join(cell["source"])):
            for concept in re.findall(r"C\d+\.\d+", ids):
                found[concept] = heading.strip()
    return found


def grade_ids(notebook: Path) -> set[str]:
    """Every nbgrader grade id in a notebook."""
    return {cell["metadata"]["nbgrader"]["grade_id"] for cell in _cells(notebook)
            if "nbgrader" in cell.get("metadata", {}) and "grade_id" in cell["metadata"]["nbgrader"]}


def problems(root: Path, entries: dict[str, Entry] | None = None) -> list[str]:
    """Every way the map falls short: a concept untaught, unchecked, or pointing at nothing."""
    entries = load(root) if entries is None else entries
    found: list[str] = []
    for concept in required_concepts(root):
        entry = entries.get(concept)
        if entry is None:
            found.append(f"{concept}: not in the coverage map")
            continue
        notebook = root / "solutions" / entry.module / f"{entry.module}.ipynb"
        if not notebook.is_file():
            found.append(f"{concept}: notebook {notebook.relative_to(root)} does not exist")
            continue
        taught = taught_concepts(notebook)
        if concept not in taught:
            found.append(f"{concept}: no section heading tagged <!-- {concept} --> in {notebook.name}")
        elif entry.section and entry.section != taught[concept]:
            found.append(f"{concept}: map says section {entry.section!r}, notebook has {taught[concept]!r}")
        if not entry.quiz and not entry.exercises:
            found.append(f"{concept}: no quiz question or exercise checks it")
        asked = ids_asked(notebook)
        found += [f"{concept}: quiz id {q!r} is not asked in {notebook.name}"
                  for q in entry.quiz if q not in asked]
        cells = grade_ids(notebook)
        found += [f"{concept}: exercise {e!r} has no nbgrader cell in {notebook.name}"
                  for e in entry.exercises if not any(g == e or g.startswith(e + "-") for g in cells)]
    return found
