"""Time estimates computed from a notebook's content.

reading: Markdown words at 200 words a minute; running: 15 s per code cell; quizzes: 1 minute
per question asked; exercises, weighted by the points the grader gives them (the author's
judgment of how much work each one is, fixed in the notebook's nbgrader cells):

- a code exercise costs 2 minutes per answer cell (read the contract, run the self-check) plus
  2.25 minutes per point of the notebook's autograded test cells, so a 4-point retry loop
  counts 11 minutes and a 1-point pick 4.25;
- a written answer graded by hand costs 2 minutes plus 2.25 per point (a 1-point sentence
  4.25 minutes, a 4-point runbook 11).

The total is rounded up to the next 5 minutes.

Calibration (issue 15 item 7). The flat rate this replaces (5 minutes per coded answer, 6 per
written one) put the labs at 55, 45 and 60 minutes while their instructor notes, written by
working through them, said 75, 60 and 75. Those notes, and the capstone author's "about 2
hours", are the only times in the repository not computed by this module, so they are the
evidence: with 2 minutes per answer cell fixed, the per-point weight that fits them best (least
squares over 05, 06, 07 and 12, where the points are 16, 12, 20 and 26) is 2.26, used as 2.25.
Before rounding up, that gives 05 74, 06 57, 07 84 and 12 115 minutes against 75, 60, 75 and
about 120. The review's 90 to 120 minutes for 05 with newcomers is what the notes' "in a room"
figures cover. `course generate` writes the result into the notebooks, the welcome table and
its total (and the same total in INSTRUCTOR.md), and the self-paced figure of each instructor
note; `course lint` and tests/content/test_agenda.py keep them and the whole-course agenda in
step.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

WORDS_PER_MINUTE = 200
MINUTES_PER_CODE_CELL = 0.25
MINUTES_PER_QUESTION = 1.0
MINUTES_PER_ANSWER_CELL = 2.0
MINUTES_PER_WRITTEN_ANSWER = 2.0
MINUTES_PER_POINT = 2.25


@dataclass(frozen=True)
class Estimate:
    """How long a notebook takes, by part, in minutes."""

    reading: float
    running: float
    quizzes: float
    exercises: float

    @property
    def total(self) -> int:
        """All parts, rounded up to the next 5 minutes."""
        raw = self.reading + self.running + self.quizzes + self.exercises
        return int(math.ceil(raw / 5.0) * 5)


def estimate(notebook: Path) -> Estimate:
    """Estimate one notebook's time from its cells."""
    from course.quiz.calls import ids_asked

    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    words = code_cells = code_answers = 0
    code_points = written_points = 0.0
    written_answers = 0
    for cell in cells:
        text = "".join(cell["source"])
        grading = cell.get("metadata", {}).get("nbgrader", {})
        points = float(grading.get("points", 0) or 0) if grading.get("grade") else 0.0
        if cell["cell_type"] == "markdown":
            words += len(re.findall(r"[A-Za-z0-9][\w'’.-]*", re.sub(r"<!--.*?-->", "", text)))
            if grading.get("solution"):
                written_answers += 1
                written_points += points
        else:
            code_cells += 1
            code_answers += bool(grading.get("solution"))
            code_points += points
    return Estimate(
        reading=words / WORDS_PER_MINUTE,
        running=code_cells * MINUTES_PER_CODE_CELL,
        quizzes=len(ids_asked(notebook)) * MINUTES_PER_QUESTION,
        exercises=(code_answers * MINUTES_PER_ANSWER_CELL + written_answers * MINUTES_PER_WRITTEN_ANSWER
                   + (code_points + written_points) * MINUTES_PER_POINT),
    )


def course_estimates(root: Path) -> dict[str, int]:
    """Module slug → estimated minutes, for every manifest module with a source notebook."""
    from course import modules

    return {m.slug: estimate(m.solution(root)).total for m in modules.load(root)
            if m.solution(root).is_file()}


STATED = re.compile(r"⏱️ About \d+ minutes")
LISTED = re.compile(r"(\(\.\./([\w-]+)/[\w-]+\.ipynb\)[^\n]*\| ~)(\d+)( min)")
TOTAL = re.compile(r"In total about \d+ hours?(?: \d+ minutes)?")
# INSTRUCTOR.md's course total: "about 13 hours 40 minutes of notebook time" (wrapped anywhere)
GUIDE_TOTAL = re.compile(r"about\s+\d+\s+hours?(?:\s+\d+\s+minutes)?(\s+of\s+notebook\s+time)")
# The self-paced figure of an instructor note: "## Suggested timing (75 min; 90 in a room)" or
# "**Suggested timing.** 45 minutes self-paced; ...". The room figure after it is the author's.
NOTED = re.compile(r"(Suggested timing\W{0,4}?\(?)(\d+)( min)")


def about_text(minutes: int) -> str:
    """A duration as the guides say it: "about 9 hours 55 minutes" (INSTRUCTOR.md's total)."""
    hours, rest = divmod(minutes, 60)
    text = f"about {hours} hour{'s' if hours != 1 else ''}"
    return f"{text} {rest} minutes" if rest else text


def total_text(minutes: int) -> str:
    """The welcome notebook's sentence start for the course total: "In total about 9 hours 55 minutes"."""
    return f"In total {about_text(minutes)}"


def notes_path(root: Path, slug: str) -> Path:
    """A module's instructor notes."""
    return root / "instructor" / f"{slug}.md"


def stated_estimates(root: Path) -> dict[Path, str]:
    """Each file whose text differs once it says the current estimates: the source notebook's
    "⏱️ About N minutes" line; in the welcome notebook, each module's "~N min" in the table of
    modules and the course total ("In total about H hours M minutes"); the same total in
    INSTRUCTOR.md ("about H hours M minutes of notebook time"); and the self-paced figure of
    each module's instructor notes ("Suggested timing (N min ..."). Path → the updated text.
    ``course generate`` writes them; ``--check`` reports them."""
    from course import modules

    estimates = course_estimates(root)

    def listed(match: re.Match[str]) -> str:
        minutes = estimates.get(match.group(2))
        return match.group(0) if minutes is None else f"{match.group(1)}{minutes}{match.group(4)}"

    changed: dict[Path, str] = {}
    guide = root / "INSTRUCTOR.md"
    if guide.is_file():
        text = guide.read_text(encoding="utf-8")
        total = about_text(sum(estimates.values()))
        updated = GUIDE_TOTAL.sub(lambda match: total + match.group(1), text)
        if updated != text:
            changed[guide] = updated
    for module, minutes in estimates.items():
        path = modules.get(module, root).solution(root)
        text = path.read_text(encoding="utf-8")
        updated = LISTED.sub(listed, STATED.sub(f"⏱️ About {minutes} minutes", text, count=1))
        updated = TOTAL.sub(total_text(sum(estimates.values())), updated)
        if updated != text:
            changed[path] = updated
        notes = notes_path(root, module)
        if notes.is_file():
            text = notes.read_text(encoding="utf-8")
            updated = NOTED.sub(rf"\g<1>{minutes}\g<3>", text, count=1)
            if updated != text:
                changed[notes] = updated
    return changed


def notes_without_timing(root: Path) -> list[str]:
    """Modules whose instructor notes have no "Suggested timing (N min" line to keep in step."""
    from course import modules

    return [f"instructor/{m.slug}.md has no 'Suggested timing (N min …' line"
            for m in modules.load(root)
            if notes_path(root, m.slug).is_file()
            and not NOTED.search(notes_path(root, m.slug).read_text(encoding="utf-8"))]
