"""``course check NOTEBOOK``: a learner's friendly pre-submission check.

Runs a copy of the notebook (the file is not changed) and reports, in plain words:
unanswered exercises, visible tests that fail, self-checks that print ❌, and other errors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nbformat import NotebookNode

from course.nbcells import KERNELSPEC, is_test, strip_ansi

STUBS = ("raise NotImplementedError", "YOUR ANSWER HERE", "YOUR CODE HERE")


@dataclass
class CheckReport:
    """What the learner should fix before submitting."""

    unanswered: list[str] = field(default_factory=list)
    failing_tests: list[str] = field(default_factory=list)
    self_checks: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    tests_passed: int = 0

    @property
    def ready(self) -> bool:
        """Nothing to fix."""
        return not (self.unanswered or self.failing_tests or self.self_checks or self.errors)

    def text(self, name: str) -> str:
        """The report for a terminal."""
        lines = [f"Checking {name}"]
        sections = [("Exercises not answered yet", self.unanswered),
                    ("Visible tests that fail", self.failing_tests),
                    ("Self-checks that say ❌", self.self_checks),
                    ("Other cells that raised an error", self.errors)]
        for title, items in sections:
            if items:
                lines.append(f"\n{title}:")
                lines += [f"  - {item}" for item in items]
        if self.ready:
            lines.append(f"\n✅ Ready to submit: {self.tests_passed} visible test cell(s) pass "
                         "and every exercise has an answer.")
        else:
            lines.append("\n❌ Not ready yet: fix the items above, save, and run the check "
                         "again. (Hidden tests run only when your instructor grades.)")
        return "\n".join(lines)


def _where(index: int, cell: NotebookNode) -> str:
    grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
    first = next((line for line in cell.source.splitlines() if line.strip()), "")[:60]
    return f"cell {index + 1}" + (f" [{grade_id}]" if grade_id else "") + f": {first}"


def _error_text(cell: NotebookNode) -> str | None:
    for output in cell.get("outputs", []):
        if output.output_type == "error":
            return f"{output.ename}: {strip_ansi(output.evalue)}".strip().rstrip(":")
    return None


def check(path: Path, timeout: int = 120) -> CheckReport:
    """Execute a copy of the notebook at ``path`` and collect what needs fixing."""
    from nbclient import NotebookClient
    from nbgrader import utils

    from course.grading.repair import read_notebook

    nb = read_notebook(path)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    # the kernel's own log stays at errors: its TCP-without-encryption warning (a local
    # kernel on 127.0.0.1) means nothing to a learner checking a notebook
    client = NotebookClient(nb, timeout=timeout, allow_errors=True, interrupt_on_timeout=True,
                            kernel_name="python3", extra_arguments=["--IPKernelApp.log_level=ERROR"],
                            resources={"metadata": {"path": str(path.parent.resolve())}})
    client.execute()
    report = CheckReport()
    for index, cell in enumerate(nb.cells):
        meta = cell.metadata.get("nbgrader", {})
        where = _where(index, cell)
        if meta.get("solution"):
            unchanged = meta.get("checksum") and meta["checksum"] == utils.compute_checksum(cell)
            if unchanged or any(stub in cell.source for stub in STUBS):
                report.unanswered.append(where)
                continue
        error = _error_text(cell) if cell.cell_type == "code" else None
        if is_test(cell):
            if error:
                report.failing_tests.append(f"{where} -> {error}")
            else:
                report.tests_passed += 1
            continue
        crosses = [line.strip() for o in cell.get("outputs", [])
                   if o.output_type == "stream" for line in o.text.splitlines() if "❌" in line]
        report.self_checks += [f"{where} -> {line}" for line in crosses]
        if error and not crosses:
            report.errors.append(f"{where} -> {error}")
    return report
