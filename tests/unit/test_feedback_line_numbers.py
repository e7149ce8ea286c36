"""Feedback tracebacks point at the line of the test cell the learner sees.

The grader sends an instrumented cell (a strict-comparison helper first, the code rewritten
by ``ast.unparse``, sometimes a tamper probe before it all), so the kernel's traceback counts
lines the learner never wrote. Here the traceback comes from a real IPython shell running
the instrumented code, and the feedback preprocessor must show the cell's own numbers and
lines, with each hidden block counted as its one placeholder line.
"""

from __future__ import annotations

from nbformat.v4 import new_code_cell, new_notebook, new_output

from course.grading.feedback import HideHiddenTests
from course.grading.instrument import instrument
from course.nbcells import PLACEHOLDER, strip_ansi

PROBE = "__probe__ = 1\n__probe__ += 1\ndel __probe__\n"  # stands in for the tamper guard's lines


def kernel_traceback(source: str, prefix: str = "") -> tuple[str, list[str]]:
    """Run the instrumented ``source`` as the grader sends it; the error's (evalue, traceback)."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shown: list[tuple[str, list[str]]] = []
    shell._showtraceback = lambda kind, value, entries: shown.append((str(value), entries))
    shell.run_cell(prefix + instrument(source)[0], store_history=True)
    assert len(shown) == 1, "the test cell should fail once"
    return shown[0]


def feedback_traceback(source: str, prefix: str = "") -> str:
    evalue, traceback = kernel_traceback(source, prefix)
    cell = new_code_cell(source, metadata={"nbgrader": {
        "grade": True, "solution": False, "locked": True, "points": 2, "grade_id": "t",
        "schema_version": 3}})
    cell.outputs = [new_output("error", ename="AssertionError", evalue=evalue, traceback=traceback)]
    nb = new_notebook(cells=[cell])
    HideHiddenTests().preprocess(nb, {})
    return strip_ansi("\n".join(nb.cells[0].outputs[0].traceback))


VISIBLE_FAILS = ('x = 3  # three\ny = [1,\n     2]\nassert len(y) == 2\n'
                 'assert x == 2, "x should be 2"\n'
                 '### BEGIN HIDDEN TESTS\nassert x > 0\n### END HIDDEN TESTS')


def test_a_visible_failure_names_its_own_line_and_text():
    for prefix in ("", PROBE):
        text = feedback_traceback(VISIBLE_FAILS, prefix)
        assert ", line 5" in text and ", line 1" not in text.split("\n", 3)[2]
        assert '---> 5 assert x == 2, "x should be 2"' in text
        assert "     3      2]" in text  # the learner's own layout, comment lines kept
        assert f"     6 {PLACEHOLDER}" in text
        assert "x > 0" not in text and "hidden test failed" not in text
        assert "__course_strict_eq__" not in text and "course-pass-" not in text


HIDDEN_BEFORE = ('x = {x}\n### BEGIN HIDDEN TESTS\nassert x > 5\nassert x < 9\n'
                 '### END HIDDEN TESTS\nassert x == 4, "x should be 4"')


def test_lines_after_a_hidden_block_count_it_as_one_line():
    text = feedback_traceback(HIDDEN_BEFORE.format(x=7))
    assert '---> 3 assert x == 4, "x should be 4"' in text
    assert "x < 9" not in text


def test_a_hidden_failure_points_at_the_placeholder_without_its_code():
    text = feedback_traceback(HIDDEN_BEFORE.format(x=3))
    assert f"---> 2 {PLACEHOLDER}" in text
    assert "x > 5" not in text and "x < 9" not in text


def test_a_failure_on_the_first_line_is_placed_despite_the_probe_above_it():
    text = feedback_traceback('assert 1 + 1 == 3, "arithmetic"\nx = 1', PROBE)
    assert '---> 1 assert 1 + 1 == 3, "arithmetic"' in text and "     2 x = 1" in text
    assert "__probe__" not in text
