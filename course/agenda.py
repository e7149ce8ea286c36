"""Workshop agendas: a plan in ``instructor/agendas.yaml`` rendered as timed tables.

``course generate`` writes the Markdown tables into INSTRUCTOR.md between the
``<!-- agenda:start -->`` and ``<!-- agenda:end -->`` markers; ``course lint`` reports an
agenda that does not add up, names a module the manifest does not know, or gives a module of
the manifest less time than its notebook's estimate in the full-day plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

START, END = "<!-- agenda:start -->", "<!-- agenda:end -->"


@dataclass(frozen=True)
class Block:
    """One row of an agenda: a module (or part of one), a break, or a wrap-up."""

    title: str
    minutes: int
    module: str | None
    note: str


@dataclass(frozen=True)
class Agenda:
    """A named plan with a start time and a promised length."""

    key: str
    title: str
    start: str
    total_minutes: int
    blocks: tuple[Block, ...]

    def rows(self) -> list[tuple[str, str, Block]]:
        """(start, end, block) for every block, the clock running from ``start``."""
        clock = datetime.strptime(self.start, "%H:%M")
        out = []
        for block in self.blocks:
            end = clock + timedelta(minutes=block.minutes)
            out.append((clock.strftime("%H:%M"), end.strftime("%H:%M"), block))
            clock = end
        return out

    def minutes_by_module(self) -> dict[str, int]:
        """Minutes the agenda gives each module."""
        given: dict[str, int] = {}
        for block in self.blocks:
            if block.module:
                given[block.module] = given.get(block.module, 0) + block.minutes
        return given


def load(path: Path) -> list[Agenda]:
    """Read every agenda in the YAML plan."""
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    agendas = []
    for key, spec in data.items():
        blocks = tuple(Block(str(b["title"]), int(b["minutes"]), b.get("module"), str(b.get("note", "")))
                       for b in spec["blocks"])
        agendas.append(Agenda(key, spec["title"], str(spec["start"]), int(spec["total_minutes"]), blocks))
    return agendas


def render(agendas: list[Agenda]) -> str:
    """Markdown tables, one per agenda."""
    parts = []
    for agenda in agendas:
        parts.append(f"### {agenda.title} ({agenda.total_minutes} minutes)\n")
        parts.append("| time | minutes | block | notes |\n|---|---:|---|---|")
        for start, end, block in agenda.rows():
            name = block.title
            if block.module:
                name = f"[{block.title}](solutions/{block.module}/{block.module}.ipynb)"
            parts.append(f"| {start}–{end} | {block.minutes} | {name} | {block.note} |")
        parts.append("")
    return "\n".join(parts)


def splice(document: str, rendered: str) -> str:
    """Replace the agenda section of a document with ``rendered``."""
    head, rest = document.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{rendered}\n{END}{tail}"


def plan(root: Path) -> Path:
    """The agenda plan of a checkout."""
    return root / "instructor" / "agendas.yaml"


def problems(root: Path, full_day: str = "full_day") -> list[str]:
    """Agendas that do not add up, unknown modules, and full-day blocks shorter than the
    estimate of the module's notebook (every manifest module must appear in the full day)."""
    from course import modules, timing

    known = set(modules.slugs(root))
    estimates = timing.course_estimates(root)
    found: list[str] = []
    for agenda in load(plan(root)):
        given = sum(block.minutes for block in agenda.blocks)
        if given != agenda.total_minutes:
            found.append(f"agenda {agenda.key}: blocks add up to {given} minutes, it promises "
                         f"{agenda.total_minutes}")
        found += [f"agenda {agenda.key}: module {m!r} is not in course/modules.yaml"
                  for m in agenda.minutes_by_module() if m not in known]
        if agenda.key == full_day:
            given_by = agenda.minutes_by_module()
            found += [f"agenda {agenda.key}: {m} gets {given_by.get(m, 0)} minutes, its notebook "
                      f"is estimated at {need}" for m, need in estimates.items()
                      if given_by.get(m, 0) < need]
    return found


def rendered_guide(root: Path) -> tuple[Path, str]:
    """INSTRUCTOR.md and its text with the current agenda tables spliced in."""
    target = root / "INSTRUCTOR.md"
    return target, splice(target.read_text(encoding="utf-8"), render(load(plan(root))))
