"""Workshop agendas: a plan in ``instructor/agendas.yaml`` rendered as timed tables.

``course generate`` writes the Markdown tables into INSTRUCTOR.md between the
``<!-- agenda:start -->`` and ``<!-- agenda:end -->`` markers; ``course lint`` reports an
agenda that does not add up, names a module the manifest does not know, or gives a module of
the manifest less time than its notebook's estimate in the whole-course plan (``two_day``),
or shortens a module in another plan without saying what is left for later (``later:``).

An agenda is one day (``start`` and ``blocks``) or several (``days``, each with its own
``start`` and ``blocks``); the clock restarts every morning.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

START, END = "<!-- agenda:start -->", "<!-- agenda:end -->"
WHOLE_COURSE = "two_day"  # the plan that must give every module of the manifest its estimate


@dataclass(frozen=True)
class Block:
    """One row of an agenda: a module (or part of one), a break, or a wrap-up."""

    title: str
    minutes: int
    module: str | None
    note: str
    later: str = ""  # in a plan that shortens a module: what the room leaves for later


@dataclass(frozen=True)
class Day:
    """One day of a plan: a start time and the blocks that follow it."""

    start: str
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


@dataclass(frozen=True)
class Agenda:
    """A named plan of one or more days with a promised length (teaching minutes, all days)."""

    key: str
    title: str
    total_minutes: int
    days: tuple[Day, ...]

    @property
    def blocks(self) -> tuple[Block, ...]:
        """Every block of every day, in order."""
        return tuple(block for day in self.days for block in day.blocks)

    def rows(self) -> list[tuple[str, str, Block]]:
        """(start, end, block) for every block of every day."""
        return [row for day in self.days for row in day.rows()]

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
        try:
            days = tuple(_day(day) for day in spec.get("days", [spec]))
            agendas.append(Agenda(key, str(spec["title"]), int(spec["total_minutes"]), days))
        except (KeyError, TypeError, ValueError) as err:
            raise ValueError(f"{path}: agenda {key!r}: {type(err).__name__}: {err} "
                             "(each day needs start and blocks; each block title and minutes)") from err
    return agendas


def _day(spec: dict) -> Day:
    blocks = tuple(Block(str(b["title"]), int(b["minutes"]), b.get("module"), str(b.get("note", "")),
                         str(b.get("later", ""))) for b in spec["blocks"])
    return Day(str(spec["start"]), blocks)


def render(agendas: list[Agenda]) -> str:
    """Markdown tables, one per agenda."""
    parts = []
    for agenda in agendas:
        parts.append(f"### {agenda.title} ({agenda.total_minutes} minutes)\n")
        for number, day in enumerate(agenda.days, 1):
            if len(agenda.days) > 1:
                parts.append(f"**Day {number}** ({sum(b.minutes for b in day.blocks)} minutes)\n")
            parts.append("| time | minutes | block | notes |\n|---|---:|---|---|")
            for start, end, block in day.rows():
                name = block.title
                if block.module:
                    name = f"[{block.title}](solutions/{block.module}/{block.module}.ipynb)"
                note = block.note + (f" *Later, on your own:* {block.later}" if block.later else "")
                parts.append(f"| {start}–{end} | {block.minutes} | {name} | {note.strip()} |")
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


def problems(root: Path, whole_course: str = WHOLE_COURSE) -> list[str]:
    """Agendas that do not add up, unknown modules, and whole-course blocks shorter than the
    estimate of the module's notebook (every manifest module must appear in that plan)."""
    from course import modules, timing

    known = set(modules.slugs(root))
    estimates = timing.course_estimates(root)
    found: list[str] = list(timing.notes_without_timing(root))
    agendas = load(plan(root))
    if whole_course not in {agenda.key for agenda in agendas}:
        found.append(f"{plan(root)}: no agenda {whole_course!r}, the plan that covers every module")
    for agenda in agendas:
        given = sum(block.minutes for block in agenda.blocks)
        if given != agenda.total_minutes:
            found.append(f"agenda {agenda.key}: blocks add up to {given} minutes, it promises "
                         f"{agenda.total_minutes}")
        found += [f"agenda {agenda.key}: module {m!r} is not in course/modules.yaml"
                  for m in agenda.minutes_by_module() if m not in known]
        given_by = agenda.minutes_by_module()
        if agenda.key == whole_course:
            found += [f"agenda {agenda.key}: {m} gets {given_by.get(m, 0)} minutes, its notebook "
                      f"is estimated at {need}" for m, need in estimates.items()
                      if given_by.get(m, 0) < need]
        else:  # a shorter plan may cut a module, but must say what the room leaves for later
            said = {block.module for block in agenda.blocks if block.module and block.later.strip()}
            found += [f"agenda {agenda.key}: {m} gets {given_by[m]} of its {estimates[m]} minutes "
                      "and no block says what is left for later (add `later:`)"
                      for m in given_by if m in estimates and given_by[m] < estimates[m]
                      and m not in said]
    return found


def rendered_guide(root: Path) -> tuple[Path, str]:
    """INSTRUCTOR.md and its text with the current agenda tables spliced in."""
    target = root / "INSTRUCTOR.md"
    return target, splice(target.read_text(encoding="utf-8"), render(load(plan(root))))
