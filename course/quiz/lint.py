"""Check the banks and how the notebooks use them (``course lint`` runs it).

Bank checks (:func:`lint_banks`): YAML errors, duplicate ids, answers not among the
options, options without feedback, questions without explanation, unknown types or fields,
and the quiz-quality rules of :mod:`course.quiz.quality` (the right option is not the
longest more often than chance, no length outliers, no answer leaked by a prompt, hint or
another option's feedback, no duplicate options).
Usage checks (:func:`lint_usage`): every bank question is asked by some notebook in
``solutions/``, and every ``quiz.ask("module", "id", ...)`` in a notebook names a question
that exists with string literals (calls are read by :mod:`course.quiz.calls`).
"""

from __future__ import annotations

import json
from pathlib import Path

from course.quiz.bank import BANKS_DIR, Bank, Problem, check_bank_file
from course.quiz.calls import calls_in_notebook
from course.quiz.quality import quality_problems


def lint_banks(banks_dir: Path = BANKS_DIR) -> tuple[dict[str, Bank], list[Problem]]:
    """Validate every ``*.yaml`` in ``banks_dir``; return the banks and all problems."""
    banks: dict[str, Bank] = {}
    problems: list[Problem] = []
    for path in sorted(banks_dir.glob("*.yaml")):
        bank, found = check_bank_file(path)
        problems.extend(found)
        if bank is not None:
            banks[bank.module] = bank
    if not banks and not problems:
        problems.append(Problem(str(banks_dir), None, "no bank files (*.yaml) found"))
    problems += quality_problems(banks)
    return banks, problems


def _notebooks(solutions_dir: Path) -> list[Path]:
    return [p for p in sorted(solutions_dir.glob("*/*.ipynb"))
            if ".ipynb_checkpoints" not in p.parts]


def lint_usage(banks: dict[str, Bank], solutions_dir: Path) -> list[Problem]:
    """Problems between banks and notebooks: unknown ids asked, bank questions never asked."""
    problems: list[Problem] = []
    used: set[tuple[str, str]] = set()
    for path in _notebooks(solutions_dir):
        try:
            calls = calls_in_notebook(path)
        except (OSError, json.JSONDecodeError) as exc:
            problems.append(Problem(str(path.relative_to(solutions_dir.parent)), None,
                                    f"cannot read the notebook: {exc}"))
            continue
        for call in calls:
            where = f"{path.relative_to(solutions_dir.parent)} cell {call.cell}"
            if call.problem:
                problems.append(Problem(where, None, call.problem))
            elif not call.ids:
                problems.append(Problem(where, None,
                                        f"quiz.ask({call.module!r}) names no question id"))
            if call.module is None:
                continue
            bank = banks.get(call.module)
            for qid in call.ids:
                used.add((call.module, qid))
                if bank is None:
                    problems.append(Problem(where, qid, f"no quiz bank {call.module}.yaml"))
                elif qid not in bank.questions:
                    problems.append(Problem(
                        where, qid, f"asks a question that does not exist in {bank.path.name}"))
    for module, bank in sorted(banks.items()):
        for qid in bank.questions:
            if (module, qid) not in used:
                problems.append(Problem(bank.path.name, qid,
                                        "not asked by any notebook in solutions/"))
    return problems


def run(banks_dir: Path = BANKS_DIR, solutions_dir: Path | None = None) -> list[Problem]:
    """Every problem (banks, then usage when ``solutions_dir`` is given)."""
    banks, problems = lint_banks(banks_dir)
    if solutions_dir is not None:
        problems += lint_usage(banks, solutions_dir)
    return problems
