"""Workshop agendas: a plan in ``instructor/agendas.yaml`` rendered as timed tables.

``python -m course.agenda`` prints the Markdown that INSTRUCTOR.md carries between the
``<!-- agenda:start -->`` and ``<!-- agenda:end -->`` markers; ``--write`` replaces it there.
"""

from __future__ import annotations

import argparse
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


def main(argv: list[str] | None = None) -> int:
    """Print the agenda tables, or write them into INSTRUCTOR.md."""
    from course import paths

    parser = argparse.ArgumentParser(prog="python -m course.agenda")
    parser.add_argument("--write", action="store_true", help="update INSTRUCTOR.md in place")
    args = parser.parse_args(argv)
    root = paths.require_repo_root()
    rendered = render(load(root / "instructor" / "agendas.yaml"))
    if args.write:
        target = root / "INSTRUCTOR.md"
        target.write_text(splice(target.read_text(encoding="utf-8"), rendered), encoding="utf-8")
    else:
        print(rendered)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
