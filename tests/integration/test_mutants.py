"""The mutation suite: every plausible wrong answer in tests/mutants/ loses points.

Per module, one temporary nbgrader class: a ``solution`` student and one student per mutant
(the solution everywhere except the mutated answer cell) and an ``untouched`` student (the
release as handed out), graded in ONE ``course autograde --jobs 2`` run through the real
sandboxed pipeline. The solution must score full marks on every autograded cell, the untouched
release 0 on every one, and each mutant strictly less than its test cell's points. The fast
tests check that every autograded test cell has its mutants.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import nbformat
import pytest

from course.grading import sandbox
from tests.grading_tools import course_cmd, grade_scores, run, synthetic
from tests.mutants import (
    ROOT,
    Mutant,
    graded_tests,
    load_all,
    mutated,
    problems,
    solution_notebook,
    solved,
    student_id,
)

MINIMUM = 3  # plausible wrong answers per autograded test cell
COURSE_ID = "model-orchestration"  # from nbgrader_config.py
MUTANTS = load_all()


def graded_modules() -> list[str]:
    """Every module of the manifest whose solution notebook has an autograded test cell."""
    from course import modules

    return [m.slug for m in modules.load(ROOT)
            if graded_tests(nbformat.read(m.solution(ROOT), 4))]


# ------------------------------------------------------------------ fast: the suite's shape
def coverage_gaps(module: str, mutants: list[Mutant], nb) -> list[str]:
    """Test cells of ``nb`` with fewer than MINIMUM mutants (``module/cell: n``)."""
    counts = {cell: 0 for cell in graded_tests(nb)}
    for mutant in mutants:
        if mutant.test in counts:
            counts[mutant.test] += 1
    return [f"{module}/{cell}: {n} mutant(s), {MINIMUM} needed"
            for cell, n in counts.items() if n < MINIMUM]


def test_every_autograded_cell_has_its_mutants() -> None:
    gaps = []
    for module in graded_modules():
        nb = nbformat.read(solution_notebook(module), 4)
        gaps += coverage_gaps(module, MUTANTS.get(module, []), nb)
    assert not gaps, "autograded cells without enough wrong answers:\n" + "\n".join(gaps)


def test_every_mutant_names_real_cells_and_applies() -> None:
    found = []
    for module, mutants in MUTANTS.items():
        path = solution_notebook(module)
        if not path.is_file():
            found.append(f"{module}: no solution notebook {path}")
            continue
        found += problems(module, mutants, nbformat.read(path, 4))
    assert not found, "\n".join(found)


def test_the_coverage_check_sees_a_cell_without_mutants() -> None:
    nb = nbformat.read(solution_notebook("00-welcome"), 4)
    (cell,) = graded_tests(nb)
    two = [Mutant(test=cell, answer="weekly-minutes-answer", name=f"m{i}", why="x",
                  source=f"weekly_minutes = {i}") for i in range(2)]
    assert coverage_gaps("00-welcome", two, nb) == [f"00-welcome/{cell}: 2 mutant(s), 3 needed"]
    # a module without a mutant file counts as zero mutants for every cell
    assert coverage_gaps("00-welcome", [], nb) == [f"00-welcome/{cell}: 0 mutant(s), 3 needed"]


def test_a_stale_mutant_is_reported_with_its_text() -> None:
    nb = nbformat.read(solution_notebook("00-welcome"), 4)
    stale = Mutant(test="weekly-minutes-tests", answer="weekly-minutes-answer", name="stale",
                   why="x", replace=(("weekly_minutes = 12345", "weekly_minutes = 1"),))
    wrong_cell = Mutant(test="no-such-tests", answer="no-such-answer", name="ghost", why="x",
                        source="x = 1")
    found = problems("00-welcome", [stale, wrong_cell], nb)
    assert any("'weekly_minutes = 12345' does not occur" in p and "stale" in p for p in found)
    assert any("no autograded test cell 'no-such-tests'" in p for p in found)
    assert any("no answer cell 'no-such-answer'" in p for p in found)


# ------------------------------------------------------------------ slow: grade every mutant
UNTOUCHED = "untouched"  # the release handed in as it was given out


def build_class(course: Path, module: str, mutants: list[Mutant]) -> dict[str, Mutant | None]:
    """A course folder with the module released and one submission per student: the solution,
    the untouched release, and one per mutant."""
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "solutions" / module, course / "solutions" / module)
    with tempfile.TemporaryDirectory(prefix="mutants-release-") as scratch:
        synthetic().release(course, module, Path(scratch))
        release_nb = nbformat.read(Path(scratch) / module / f"{module}.ipynb", 4)
    source_nb = nbformat.read(solution_notebook(module), 4)
    students: dict[str, Mutant | None] = {"solution": None, UNTOUCHED: None}
    students.update({student_id(m): m for m in mutants})
    for student, mutant in students.items():
        nb = (release_nb if student == UNTOUCHED
              else solved(release_nb, source_nb) if mutant is None
              else mutated(module, mutant, release_nb, source_nb))
        folder = course / "submitted" / student / module
        folder.mkdir(parents=True)
        (folder / "timestamp.txt").write_text(synthetic().TIMESTAMP + "\n", encoding="utf-8")
        nbformat.write(nb, folder / f"{module}.ipynb")
    return students


def graded_ids() -> list[str]:
    return [m for m in graded_modules() if MUTANTS.get(m)]


@pytest.mark.slow
@pytest.mark.parametrize("module", graded_ids())
def test_every_mutant_loses_points(module: str, tmp_path: Path) -> None:
    ok, why = sandbox.probe()
    assert ok, f"the mutation suite needs the grading sandbox (bubblewrap): {why}"
    mutants = MUTANTS[module]
    students = build_class(tmp_path, module, mutants)
    run(course_cmd("autograde", "--jobs", "2", "--quiet", "--course-dir", str(tmp_path),
                   "--assignment", module), cwd=tmp_path)
    log = {x["student"]: x for x in map(json.loads, (tmp_path / "autograded" /
                                                     "grading-log.jsonl").read_text().splitlines())}
    scores = grade_scores(tmp_path / "gradebook.db", module, COURSE_ID)
    points = graded_tests(nbformat.read(solution_notebook(module), 4))
    short = {cell: scores.get(("solution", cell)) for cell, p in points.items()
             if scores.get(("solution", cell)) != p}
    assert not short, f"{module}: the solution misses points {short}; log: {log.get('solution')}"
    given = {cell: scores.get((UNTOUCHED, cell)) for cell in points
             if scores.get((UNTOUCHED, cell)) != 0}
    assert not given, f"{module}: the untouched release earns points {given}"
    survivors = []
    for student, mutant in students.items():
        if mutant is None:
            continue
        score = scores.get((student, mutant.test))
        if score is None or score >= points[mutant.test]:
            survivors.append(f"  {mutant.name} ({mutant.answer} -> {mutant.test} scored "
                             f"{score}/{points[mutant.test]:g}): {mutant.why}")
    caught = len(mutants) - len(survivors)
    print(f"\n{module}: caught {caught}/{len(mutants)}")
    assert not survivors, (f"{module}: caught {caught}/{len(mutants)}; survivors:\n"
                           + "\n".join(survivors))
