"""The mutation suite: plausible wrong answers that the hidden tests must catch.

One file per module, ``tests/mutants/m<NN>_<slug with _>.py``, defines ``MODULE`` (the slug)
and ``MUTANTS`` (a list of :class:`Mutant`). A mutant is the module's solution with ONE
answer cell changed into a mistake a learner really makes; ``tests/test_mutants.py`` grades
every mutant of a module as one class through ``course autograde`` and asserts each one loses
points on its test cell. Format agreed in ``MUTANTS.md`` (shared by the module authors).
"""

from __future__ import annotations

import ast
import copy
import importlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from course import nbcells

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


class MutantError(ValueError):
    """A mutant that cannot be applied (its text is gone from the solution, or it is malformed)."""


@dataclass(frozen=True)
class Mutant:
    """One wrong answer: the solution of cell ``answer`` changed, to be caught by cell ``test``.

    Give either ``replace`` (``(old, new)`` pairs applied to the solution text of the answer
    cell; each ``old`` must occur exactly once) or ``source`` (the whole answer cell text).
    """

    test: str
    answer: str
    name: str
    why: str
    replace: tuple[tuple[str, str], ...] = ()
    source: str | None = None

    def __post_init__(self) -> None:
        pairs = tuple(tuple(pair) for pair in self.replace)
        object.__setattr__(self, "replace", pairs)
        if bool(pairs) == (self.source is not None):
            raise MutantError(f"mutant {self.name!r}: give exactly one of replace= or source=")
        for pair in pairs:
            if len(pair) != 2 or not all(isinstance(text, str) for text in pair):
                raise MutantError(f"mutant {self.name!r}: replace holds (old, new) str pairs")
        if not self.why.strip():
            raise MutantError(f"mutant {self.name!r}: say in `why` which mistake it stands for")


def module_file(module: str) -> str:
    """``06-evaluation-lab`` -> ``m06_evaluation_lab`` (the mutant file's import name)."""
    return "m" + module.replace("-", "_")


def load_all() -> dict[str, list[Mutant]]:
    """Module slug -> its mutants, from every ``tests/mutants/m*.py``."""
    found: dict[str, list[Mutant]] = {}
    for path in sorted(HERE.glob("m[0-9][0-9]_*.py")):
        module = importlib.import_module(f"{__name__}.{path.stem}")
        slug = getattr(module, "MODULE", None)
        mutants = getattr(module, "MUTANTS", None)
        if not isinstance(slug, str) or module_file(slug) != path.stem:
            raise MutantError(f"{path.name}: MODULE must be the slug its name comes from "
                              f"(got {slug!r})")
        if not isinstance(mutants, list) or not all(isinstance(m, Mutant) for m in mutants):
            raise MutantError(f"{path.name}: MUTANTS must be a list of Mutant")
        names = [m.name for m in mutants]
        twins = sorted({n for n in names if names.count(n) > 1})
        if twins:
            raise MutantError(f"{path.name}: mutant names used twice: {', '.join(twins)}")
        found[slug] = mutants
    return found


def solution_notebook(module: str, root: Path = ROOT) -> Path:
    """``solutions/<module>/<module>.ipynb``."""
    return root / "solutions" / module / f"{module}.ipynb"


def grade_id(cell: Any) -> str | None:
    """A cell's nbgrader grade_id, or None."""
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def solution_text(source: str) -> str:
    """An answer cell's source with the BEGIN/END SOLUTION marker lines removed."""
    return nbcells.solution_text(source)


def answer_cells(nb: Any) -> dict[str, str]:
    """grade_id -> source of every autograded answer (code cell with ``solution: true``)."""
    return {grade_id(c): c.source for c in nb.cells if c.cell_type == "code"
            and c.metadata.get("nbgrader", {}).get("solution")}


def graded_tests(nb: Any) -> dict[str, float]:
    """grade_id -> points of every autograded test cell (code, ``grade: true``, not solution)."""
    cells = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            cells[meta["grade_id"]] = float(meta.get("points", 0))
    return cells


def mutated_source(module: str, mutant: Mutant, answer_source: str) -> str:
    """The answer cell's text with the mistake in it (markers removed, like a learner's cell)."""
    text = solution_text(answer_source)
    if mutant.source is not None:
        result = mutant.source
    else:
        result = text
        for old, new in mutant.replace:
            count = result.count(old)
            if count != 1:
                where = "does not occur" if count == 0 else f"occurs {count} times"
                raise MutantError(f"{module} mutant {mutant.name!r}: the text {old!r} {where} "
                                  f"in the solution of {mutant.answer!r}; update the mutant")
            result = result.replace(old, new)
    if result.strip() == text.strip():
        raise MutantError(f"{module} mutant {mutant.name!r}: it leaves {mutant.answer!r} "
                          "unchanged")
    try:
        ast.parse(result)
    except SyntaxError as error:
        raise MutantError(f"{module} mutant {mutant.name!r}: the mutated {mutant.answer!r} is "
                          f"not valid Python ({error.msg}, line {error.lineno}); a learner's "
                          "mistake should run") from error
    return result


def problems(module: str, mutants: list[Mutant], nb: Any) -> list[str]:
    """What is wrong with a module's mutants against its solution notebook (empty when fine)."""
    answers, tests = answer_cells(nb), graded_tests(nb)
    found = []
    for mutant in mutants:
        if mutant.test not in tests:
            found.append(f"{module} mutant {mutant.name!r}: no autograded test cell "
                         f"{mutant.test!r}")
        if mutant.answer not in answers:
            found.append(f"{module} mutant {mutant.name!r}: no answer cell {mutant.answer!r}")
            continue
        try:
            mutated_source(module, mutant, answers[mutant.answer])
        except MutantError as error:
            found.append(str(error))
    return found


def student_id(mutant: Mutant) -> str:
    """The nbgrader student id of a mutant's submission."""
    return "mutant-" + re.sub(r"[^a-z0-9-]+", "-", mutant.name.lower())


def solved(release_nb: Any, source_nb: Any) -> Any:
    """The release notebook with every code answer cell holding its solution (a copy)."""
    answers = answer_cells(source_nb)
    nb = copy.deepcopy(release_nb)
    for cell in nb.cells:
        gid = grade_id(cell)
        if cell.cell_type == "code" and gid in answers:
            cell.source = solution_text(answers[gid])
    return nb


def mutated(module: str, mutant: Mutant, release_nb: Any, source_nb: Any) -> Any:
    """A submission: the solution everywhere except the mutant's answer cell."""
    nb = solved(release_nb, source_nb)
    answers = answer_cells(source_nb)
    for cell in nb.cells:
        if grade_id(cell) == mutant.answer:
            cell.source = mutated_source(module, mutant, answers[mutant.answer])
            return nb
    raise MutantError(f"{module} mutant {mutant.name!r}: the release has no cell "
                      f"{mutant.answer!r}")
