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
    """Module folder → estimated minutes, for every notebook in ``solutions/``."""
    return {p.parent.name: estimate(p).total for p in sorted((root / "solutions").glob("*/*.ipynb"))}


STATED = re.compile(r"⏱️ About \d+ minutes")


def write_estimates(root: Path) -> list[Path]:
    """Rewrite each solution notebook's "⏱️ About N minutes" line to its computed estimate."""
    changed = []
    for path in sorted((root / "solutions").glob("*/*.ipynb")):
        text = path.read_text(encoding="utf-8")
        minutes = estimate(path).total
        updated = STATED.sub(f"⏱️ About {minutes} minutes", text, count=1)
        if updated != text:
            path.write_text(updated, encoding="utf-8")
            changed.append(path)
    return changed


if __name__ == "__main__":
    import sys

    from course import paths

    root_dir = paths.require_repo_root()
    if "--write" in sys.argv[1:]:
        for changed_path in write_estimates(root_dir):
            print(f"updated {changed_path.relative_to(root_dir)}")
    for module, minutes in course_estimates(root_dir).items():
        print(f"{module}: {minutes} min")
