"""Time estimates computed from a notebook's content.

reading: Markdown words at 200 words a minute; running: 15 s per code cell; quizzes: 1 minute
per question asked; exercises: 5 minutes per autograded answer cell, 6 per written answer.
The total is rounded up to the next 5 minutes.
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
MINUTES_PER_CODE_EXERCISE = 5.0
MINUTES_PER_WRITTEN_ANSWER = 6.0


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
    words = code_cells = code_answers = written_answers = 0
    for cell in cells:
        text = "".join(cell["source"])
        grading = cell.get("metadata", {}).get("nbgrader", {})
        if cell["cell_type"] == "markdown":
            words += len(re.findall(r"[A-Za-z0-9][\w'’.-]*", re.sub(r"<!--.*?-->", "", text)))
            written_answers += bool(grading.get("solution"))
        else:
            code_cells += 1
            code_answers += bool(grading.get("solution"))
    return Estimate(
        reading=words / WORDS_PER_MINUTE,
        running=code_cells * MINUTES_PER_CODE_CELL,
        quizzes=len(ids_asked(notebook)) * MINUTES_PER_QUESTION,
        exercises=code_answers * MINUTES_PER_CODE_EXERCISE + written_answers * MINUTES_PER_WRITTEN_ANSWER,
    )


def course_estimates(root: Path) -> dict[str, int]:
    """Module slug → estimated minutes, for every manifest module with a source notebook."""
    from course import modules

    return {m.slug: estimate(m.solution(root)).total for m in modules.load(root)
            if m.solution(root).is_file()}


STATED = re.compile(r"⏱️ About \d+ minutes")
LISTED = re.compile(r"(\(\.\./([\w-]+)/[\w-]+\.ipynb\)[^\n]*\| ~)(\d+)( min)")


def stated_estimates(root: Path) -> dict[Path, str]:
    """Each source notebook whose text differs once its "⏱️ About N minutes" line (and, in
    the welcome notebook, each module's "~N min" in the table of modules) says the estimate:
    path → the updated text. ``course generate`` writes them; ``--check`` reports them."""
    estimates = course_estimates(root)

    def listed(match: re.Match[str]) -> str:
        minutes = estimates.get(match.group(2))
        return match.group(0) if minutes is None else f"{match.group(1)}{minutes}{match.group(4)}"

    changed: dict[Path, str] = {}
    for module, minutes in estimates.items():
        from course import modules

        path = modules.get(module, root).solution(root)
        text = path.read_text(encoding="utf-8")
        updated = LISTED.sub(listed, STATED.sub(f"⏱️ About {minutes} minutes", text, count=1))
        if updated != text:
            changed[path] = updated
    return changed
