"""nbgrader's cell conventions (course.nbcells): markers as nbgrader reads them, cell kinds,
hidden-line helpers, and the two places a hidden test must never leak (release, feedback)."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output
from traitlets.config import Config

from course import nbcells
from course.grading.feedback import HideHiddenTests, scrub_traceback
from course.grading.instrument import instrument
from course.release import find_leaks

VARIANT = "### BEGIN HIDDEN TESTS  (edge cases)"
SECRET = "assert clamp(-5) == 0  # secret edge case"
TEST_CELL = f"assert clamp(3) == 3\n{VARIANT}\n{SECRET}\n### END HIDDEN TESTS  (edge cases)"
ANSWER_CELL = ("def clamp(x):\n    ### BEGIN SOLUTION  (model answer)\n"
               "    return max(0, min(10, x))\n    ### END SOLUTION")


def _cell(source: str, **meta: object) -> nbformat.NotebookNode:
    cell = new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade_id": "g", "points": 2, "locked": True, **meta}
    return cell


def test_markers_are_nbgraders_defaults_and_follow_its_config() -> None:
    assert nbcells.markers() == nbcells.Markers("BEGIN SOLUTION", "END SOLUTION",
                                                "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
    config = Config()
    config.ClearHiddenTests.begin_test_delimeter = "BEGIN SECRET"
    config.ClearHiddenTests.end_test_delimeter = "END SECRET"
    marks = nbcells.markers(config)
    source = "a = 1\n# BEGIN SECRET\nassert a == 1\n# END SECRET"
    assert nbcells.without_hidden(source, marks) == "a = 1"
    assert nbcells.hidden_lines([source], marks) == ["assert a == 1"]


def test_course_markers_read_the_course_config(tmp_path: Path) -> None:
    (tmp_path / "nbgrader_config.py").write_text(
        "c = get_config()\nc.ClearSolutions.begin_solution_delimeter = 'BEGIN ANSWER'\n",
        encoding="utf-8")
    assert nbcells.course_markers(tmp_path).begin_solution == "BEGIN ANSWER"
    assert nbcells.course_markers(tmp_path / "nowhere") == nbcells.markers()


def test_hidden_lines_match_like_nbgrader() -> None:
    assert nbcells.hidden_lines([TEST_CELL]) == [SECRET]


def test_without_hidden_removes_the_variant_block() -> None:
    assert nbcells.without_hidden(TEST_CELL) == "assert clamp(3) == 3"


def test_strip_hidden_leaves_an_indented_placeholder() -> None:
    indented = "if True:\n" + "\n".join("    " + line for line in TEST_CELL.splitlines())
    assert nbcells.strip_hidden(indented) == (
        f"if True:\n    assert clamp(3) == 3\n    {nbcells.PLACEHOLDER}")


def test_solution_text_and_released_answer() -> None:
    assert nbcells.solution_text(ANSWER_CELL) == "def clamp(x):\n    return max(0, min(10, x))"
    assert nbcells.released_answer(ANSWER_CELL) == (
        "def clamp(x):\n    raise NotImplementedError()")


def test_instructor_lines_cover_solutions_and_hidden_tests() -> None:
    lines = nbcells.instructor_lines(ANSWER_CELL + "\n" + TEST_CELL)
    assert lines == ["return max(0, min(10, x))", SECRET]


def test_cell_kinds_through_nbgrader_utils() -> None:
    test = _cell("assert True", grade=True, solution=False)
    answer = _cell("x = 1", grade=False, solution=True)
    manual = _cell("x = 1", grade=True, solution=True)
    plain = new_code_cell("x = 1")
    assert [nbcells.is_test(c) for c in (test, answer, manual, plain)] == [
        True, False, False, False]
    assert [nbcells.is_answer(c) for c in (test, answer, manual, plain)] == [
        False, True, True, False]
    assert nbcells.is_grade(manual) and not nbcells.is_grade(plain)
    assert nbcells.is_test(json.loads(json.dumps(test)))  # raw JSON cells too


def test_read_notebook_and_solution_notebooks(tmp_path: Path) -> None:
    folder = tmp_path / "solutions" / "01-x"
    folder.mkdir(parents=True)
    nbformat.write(new_notebook(cells=[new_code_cell("1")]), folder / "01-x.ipynb")
    assert nbcells.solution_notebooks(tmp_path) == [folder / "01-x.ipynb"]
    assert nbcells.read_notebook(folder / "01-x.ipynb").cells[0].source == "1"
    (folder / "broken.ipynb").write_text("{", encoding="utf-8")
    try:
        nbcells.read_notebook(folder / "broken.ipynb")
    except ValueError as error:
        assert "broken.ipynb" in str(error)
    else:
        raise AssertionError("a broken notebook was read")


def test_kernelspec_is_python3() -> None:
    assert nbcells.KERNELSPEC == {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                  "language": "python"}


def test_strip_ansi() -> None:
    assert nbcells.strip_ansi("\x1b[31mAssertionError\x1b[39m: x") == "AssertionError: x"


def _source_and_release(tmp_path: Path, released_cells: list[str]) -> tuple[Path, Path]:
    source = tmp_path / "source.ipynb"
    released = tmp_path / "released.ipynb"
    nbformat.write(new_notebook(cells=[_cell(ANSWER_CELL, solution=True),
                                       _cell(TEST_CELL, grade=True)]), source)
    nbformat.write(new_notebook(cells=[new_code_cell(s) for s in released_cells]), released)
    return source, released


def test_release_leak_check_sees_the_variant_marker(tmp_path: Path) -> None:
    source, released = _source_and_release(tmp_path, ["assert clamp(3) == 3\n" + SECRET])
    assert {leak.text for leak in find_leaks(released, source)} == {SECRET}
    source, released = _source_and_release(tmp_path, [VARIANT])
    assert {leak.text for leak in find_leaks(released, source)} == {"BEGIN HIDDEN TESTS"}


def test_nbgraders_release_of_the_variant_passes_the_leak_check(tmp_path: Path) -> None:
    from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions

    source, released = _source_and_release(tmp_path, [])
    nb = nbformat.read(source, as_version=4)
    nb, _ = ClearSolutions().preprocess(nb, {})
    nb, _ = ClearHiddenTests().preprocess(nb, {})
    nbformat.write(nb, released)
    assert find_leaks(released, source) == []
    assert SECRET not in released.read_text(encoding="utf-8")


def test_feedback_hides_the_variant_hidden_block_and_its_traceback() -> None:
    cell = _cell(TEST_CELL, grade=True, solution=False)
    cell.outputs = [
        new_output("stream", name="stdout", text=f"checking {SECRET}\n"),
        new_output("error", ename="AssertionError", evalue="",
                   traceback=[f"\x1b[32m----> 3\x1b[39m {SECRET}"])]
    nb = new_notebook(cells=[cell])
    HideHiddenTests().preprocess(nb, {})
    text = json.dumps(nb)
    assert "clamp(-5)" not in text and "edge cases" not in text
    assert nb.cells[0].source == f"assert clamp(3) == 3\n{nbcells.PLACEHOLDER}"
    assert "test failed: 0 / 2 points" in text


def test_feedback_hides_the_graders_instrumentation() -> None:
    """A failing visible assert: the learner sees their line, not the grader's rewrite."""
    code, token = instrument("x = 3\nassert x == 2, 'x should be 2'")
    numbered = [f"\x1b[32m{'---> ' if 'assert' in line else '     '}{n}\x1b[39m {line}"
                for n, line in enumerate(code.splitlines(), 1)]
    traceback = ["\x1b[31mAssertionError\x1b[39m    Traceback (most recent call last)",
                 "Cell In[1], line 12\n" + "\n".join(numbered),
                 "Cell In[1], line 9, in __course_strict_eq__(a, b, negate)\n"
                 "----> 9 raise AssertionError('course-grader: ...')",
                 "\x1b[31mAssertionError\x1b[39m: x should be 2"]
    scrubbed = "\n".join(scrub_traceback(traceback))
    assert token and token not in scrubbed and "course-pass-" not in scrubbed
    assert "__course_strict_eq__" not in scrubbed and "negate" not in scrubbed
    assert "assert x == 2, 'x should be 2'" in scrubbed and "x = 3" in scrubbed
    assert "x should be 2" in scrubbed.splitlines()[-1]

    cell = _cell("assert x == 2", grade=True, solution=False)
    cell.outputs = [new_output("error", ename="AssertionError", evalue="x should be 2",
                               traceback=traceback)]
    nb = new_notebook(cells=[cell])
    HideHiddenTests().preprocess(nb, {})
    assert "course-pass-" not in json.dumps(nb) and "__course_strict_eq__" not in json.dumps(nb)
