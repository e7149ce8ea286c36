"""Feedback without hidden tests: an nbconvert preprocessor plus the nbgrader commands.

``HideHiddenTests`` runs inside nbgrader's ``generate_feedback`` (added to
``GenerateFeedback.preprocessors``). In every test cell it replaces the hidden-tests block
with a placeholder, removes hidden lines from tracebacks and printed output, and adds a
one-line verdict (passed/failed and points). Scores still come from the gradebook.
``feedback_charts.RenderChartSpecs`` draws the charts grading kept as Vega-Lite specs.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from traitlets import Bool

from course.grading import instrument
from course.grading.config import Course, GradingError, shown_url
from course.nbcells import (
    Markers,
    hidden_lines,
    is_test,
    markers,
    strip_ansi,
    strip_hidden,
    stripped_line_numbers,
)

PREPROCESSORS = ("nbgrader.preprocessors.GetGrades",
                 "course.grading.feedback.HideHiddenTests",
                 "course.grading.feedback_charts.RenderChartSpecs",
                 "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor")


_CODE_LINE = re.compile(r"^\s*(?:-+>\s*)?\d+\s?(.*)$")
_FRAME = re.compile(r"^Cell In\[(\d+)\], line (\d+)(.*)$")
_NUMBERED = re.compile(r"^\s*(-+>)?\s*(\d+)\s?(.*)$")
CONTEXT = 2  # lines shown before and after the failing one, as IPython does
_HELPER_LINES = {line.strip() for line in ast.unparse(ast.parse(instrument.HELPER)).splitlines()
                 if line.strip()}


class _PlainAsserts(ast.NodeTransformer):
    """``__course_strict_eq__(a, b)`` back to ``a == b`` (``negate=True``: ``a != b``)."""

    def visit_Call(self, node: ast.Call) -> ast.AST:  # noqa: N802 - ast API
        self.generic_visit(node)
        if not (isinstance(node.func, ast.Name) and node.func.id == instrument._EQ
                and len(node.args) == 2):
            return node
        negate = any(k.arg == "negate" for k in node.keywords)
        op: ast.cmpop = ast.NotEq() if negate else ast.Eq()
        return ast.Compare(left=node.args[0], ops=[op], comparators=[node.args[1]])


def _unrewritten(line: str) -> str:
    plain = strip_ansi(line)
    code = _CODE_LINE.match(plain)
    if not code:
        return line
    try:
        tree = _PlainAsserts().visit(ast.parse(code.group(1).strip()))
    except SyntaxError:
        return line
    return plain[: code.start(1)] + ast.unparse(tree)


class _CellLines:
    """Where a line of the code the grader sent is in the test cell the feedback shows."""

    def __init__(self, source: str, marks: Markers) -> None:
        self.sent, self.to_source = instrument.source_lines(source)
        self.shown = strip_hidden(source, marks).split("\n")
        self.to_shown = stripped_line_numbers(source, marks)

    def _offset(self, numbered: list[tuple[int, str, bool]]) -> int | None:
        """How many lines the grader put before the instrumented cell (a tamper probe's),
        found by matching the frame's failing line, then its context lines, against the
        instrumented cell (context lines from the probe match nothing and are outvoted)."""
        def fits(number: int, text: str) -> set[int]:
            return {number - i for i, line in enumerate(self.sent, 1) if line.strip() == text.strip()}

        failing = [fits(n, text) for n, text, arrow in numbered if arrow]
        if not failing or not failing[0]:
            return None
        votes = {offset: sum(offset in fits(n, text) for n, text, _ in numbered
                             if "course-pass-" not in text)  # the token differs per run
                 for offset in failing[0]}
        return max(sorted(votes), key=lambda offset: votes[offset])

    def frame(self, entry: str, cell: str) -> str | None:
        """The frame ``entry`` of the test cell (``Cell In[cell]``) renumbered and showing the
        cell's own lines; None when it is another frame or its lines cannot be placed."""
        head, *body = strip_ansi(entry).split("\n")
        found = _FRAME.match(head)
        if not found or found.group(1) != cell:
            return None
        numbered = [(int(m.group(2)), m.group(3), bool(m.group(1)))
                    for line in body if (m := _NUMBERED.match(line))]
        offset = self._offset(numbered)
        failing = next((n for n, _, arrow in numbered if arrow), int(found.group(2)))
        if offset is None or failing - offset not in self.to_source:
            return None
        at = self.to_shown[self.to_source[failing - offset] - 1]
        width = len(str(min(len(self.shown), at + CONTEXT)))
        lines = [f"{'---> ' if n == at else '     '}{n:>{width}} {self.shown[n - 1]}"
                 for n in range(max(1, at - CONTEXT), min(len(self.shown), at + CONTEXT) + 1)]
        return "\n".join([f"Cell In[{cell}], line {at}{found.group(3)}", *lines])


def scrub_traceback(entries: list[str], source: str | None = None,
                    marks: Markers | None = None) -> list[str]:
    """A test's traceback as the learner wrote the test: without the grader's instrumentation
    (the completion-token print, the strict-comparison helper's lines and frames). Given the
    test cell's ``source``, the cell's frames show its own lines, numbered as the feedback
    shows the cell (hidden tests replaced by one placeholder line)."""
    cell_lines = _CellLines(source, marks or markers()) if source is not None else None
    cell = next((found.group(1) for entry in entries
                 if (found := _FRAME.match(strip_ansi(entry).split("\n")[0]))), None)
    kept = []
    for entry in entries:
        if f"in {instrument._EQ}" in strip_ansi(entry):
            continue  # the helper's own frame (the always-equal rejection)
        renumbered = cell_lines.frame(entry, cell) if cell_lines and cell else None
        if renumbered is not None:
            kept.append(renumbered)
            continue
        lines = []
        for line in entry.split("\n"):
            code = _CODE_LINE.match(strip_ansi(line))
            text = code.group(1).strip() if code else ""
            if "course-pass-" in line or text in _HELPER_LINES:
                continue
            lines.append(_unrewritten(line) if instrument._EQ in line else line)
        kept.append("\n".join(lines))
    return kept


def _leaks(text: str, secrets: list[str]) -> bool:
    plain = strip_ansi(text)
    squashed = " ".join(plain.split())
    return any(s in plain or " ".join(s.split()) in squashed for s in secrets)


class HideHiddenTests(Preprocessor):
    """Remove hidden tests from test cells; keep pass/fail and points visible."""

    enabled = Bool(True, help="on by default (nbconvert preprocessors are off by default)"
                   ).tag(config=True)

    def preprocess_cell(self, cell: NotebookNode, resources: dict, index: int
                        ) -> tuple[NotebookNode, dict]:
        meta = cell.metadata.get("nbgrader", {})
        if not is_test(cell):
            return cell, resources
        marks = markers(self.config)
        secrets = hidden_lines([cell.source], marks)
        source = cell.source
        cell.source = strip_hidden(source, marks)
        failed = False
        kept = []
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                failed = True
                output.traceback = scrub_traceback(output.get("traceback", []), source, marks)
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


def _api(course: Course, exchange: Path | None = None) -> Any:
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
    everyone: list[str | None] = [None]  # nbgrader's student_id=None: every student
    for student in students or everyone:
        _ok(api.generate_feedback(assignment, student_id=student, force=True),
            f"generate_feedback {assignment} {student or ''}")
    found = sorted(course.dir("feedback").glob(f"*/{assignment}/*.html"))
    return [p for p in found if not students or p.parts[-3] in students]


def release(course: Course, assignment: str, exchange: Path,
            students: list[str] | None = None) -> None:
    """``nbgrader release_feedback`` into the exchange at ``exchange``."""
    api = _api(course, exchange)
    everyone: list[str | None] = [None]  # nbgrader's student_id=None: every student
    for student in students or everyone:
        _ok(api.release_feedback(assignment, student_id=student),
            f"release_feedback {assignment} {student or ''}")
