"""Feedback without hidden tests: an nbconvert preprocessor plus the nbgrader commands.

``HideHiddenTests`` runs inside nbgrader's ``generate_feedback`` (added to
``GenerateFeedback.preprocessors``). In every test cell it replaces the hidden-tests block
with a placeholder, removes hidden lines from tracebacks and printed output, and adds a
one-line verdict (passed/failed and points). Scores still come from the gradebook.
"""

from __future__ import annotations

import re
from pathlib import Path

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

from course.grading.config import Course, GradingError, shown_url
from course.grading.reference import hidden_lines

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
PLACEHOLDER = "# 🔒 hidden tests run here (not shown)"
PREPROCESSORS = ("nbgrader.preprocessors.GetGrades",
                 "course.grading.feedback.HideHiddenTests",
                 "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor")


def strip_hidden(source: str) -> str:
    """The cell source with its hidden-tests block replaced by a placeholder line."""
    out, inside = [], False
    for line in source.splitlines():
        marker = line.strip()
        if marker == "### BEGIN HIDDEN TESTS":
            inside = True
            out.append(line[: len(line) - len(line.lstrip())] + PLACEHOLDER)
        elif marker == "### END HIDDEN TESTS":
            inside = False
        elif not inside:
            out.append(line)
    return "\n".join(out)


def _leaks(text: str, secrets: list[str]) -> bool:
    plain = ANSI.sub("", text)
    squashed = " ".join(plain.split())
    return any(s in plain or " ".join(s.split()) in squashed for s in secrets)


class HideHiddenTests(Preprocessor):
    """Remove hidden tests from test cells; keep pass/fail and points visible."""

    enabled = Bool(True, help="on by default (nbconvert preprocessors are off by default)"
                   ).tag(config=True)

    def preprocess_cell(self, cell, resources, index):  # type: ignore[no-untyped-def]
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or not meta.get("grade") or meta.get("solution"):
            return cell, resources
        secrets = hidden_lines([cell.source])
        cell.source = strip_hidden(cell.source)
        failed = False
        kept = []
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                failed = True
                text = " ".join([output.get("evalue", "")] + output.get("traceback", []))
                if _leaks(text, secrets):
                    output.evalue = "a hidden test failed"
                    output.traceback = [f"{output.ename}: a hidden test failed "
                                        "(its code is not shown)"]
            elif output.output_type == "stream":
                failed = failed or output.name == "stderr"
                output.text = "".join(line for line in output.text.splitlines(True)
                                      if not _leaks(line, secrets))
                if not output.text:
                    continue
            kept.append(output)
        points = float(meta.get("points", 0))
        verdict = (f"❌ test failed: 0 / {points:g} points" if failed
                   else f"✅ test passed: {points:g} / {points:g} points")
        from nbformat.v4 import new_output

        kept.append(new_output("stream", name="stdout", text=verdict + "\n"))
        cell.outputs = kept
        return cell, resources


def _api(course: Course, exchange: Path | None = None):  # type: ignore[no-untyped-def]
    """nbgrader's in-process API for the course, with our feedback preprocessors."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    from course.grading.config import nbgrader_config
    from course.grading.gradebook import check_schema

    check_schema(course)
    config = nbgrader_config(course.root)
    config.CourseDirectory.db_url = course.db_url
    config.GenerateFeedback.preprocessors = list(PREPROCESSORS)
    if exchange is not None:
        from course.grading.exchange import RELEASE_FEEDBACK_CLASS

        config.Exchange.root = str(exchange)
        config.ExchangeFactory.release_feedback = RELEASE_FEEDBACK_CLASS
    api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
    if api.coursedir.db_url != course.db_url:  # nbgrader#1661: never a silent SQLite fallback
        raise GradingError(f"nbgrader would read grades from {shown_url(api.coursedir.db_url)}, "
                           f"not {shown_url(course.db_url)}")
    return api


def _ok(result: dict, what: str) -> None:
    if not result.get("success"):
        raise GradingError(f"{what} failed:\n{result.get('error') or result.get('log')}")


def generate(course: Course, assignment: str, students: list[str] | None = None) -> list[Path]:
    """``nbgrader generate_feedback`` with hidden tests removed; the HTML files written."""
    api = _api(course)
    for student in students or [None]:
        _ok(api.generate_feedback(assignment, student_id=student, force=True),
            f"generate_feedback {assignment} {student or ''}")
    found = sorted(course.dir("feedback").glob(f"*/{assignment}/*.html"))
    return [p for p in found if not students or p.parts[-3] in students]


def release(course: Course, assignment: str, exchange: Path,
            students: list[str] | None = None) -> None:
    """``nbgrader release_feedback`` into the exchange at ``exchange``."""
    api = _api(course, exchange)
    for student in students or [None]:
        _ok(api.release_feedback(assignment, student_id=student),
            f"release_feedback {assignment} {student or ''}")
