"""``python -m course.quiz lint``: check the banks and how the notebooks use them.

Bank checks (:func:`lint_banks`): YAML errors, duplicate ids, answers not among the
options, options without feedback, questions without explanation, unknown types or fields,
and the quiz-quality rules of :mod:`course.quiz.quality` (the right option is not the
longest more often than chance, no length outliers, no answer leaked by a prompt, hint or
another option's feedback, no duplicate options).
Usage checks (:func:`lint_usage`): every bank question is asked by some notebook in
``solutions/``, and every ``quiz.ask("module", "id", ...)`` in a notebook names a question
that exists.
"""

from __future__ import annotations

import ast
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from course.quiz.bank import BANKS_DIR, Bank, Problem, check_bank_file
from course.quiz.quality import quality_problems


@dataclass(frozen=True)
class QuizCall:
    """One ``quiz.ask(...)`` found in a notebook code cell."""

    notebook: Path
    cell: int
    module: str
    ids: tuple[str, ...]


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


_MAGIC = re.compile(r"^\s*[%!]")
_CALL_RE = re.compile(r"""\bask\(\s*((?:['"][^'"]*['"]\s*,?\s*)+)\)""")


def _calls_in_source(source: str) -> list[tuple[str, tuple[str, ...]]]:
    """``(module, ids)`` for each ``quiz.ask``/``ask`` call with string-literal arguments."""
    code = "\n".join("" if _MAGIC.match(line) else line for line in source.splitlines())
    try:
        tree = ast.parse(code)
    except SyntaxError:  # fall back to a regex for cells Python cannot parse
        found = []
        for match in _CALL_RE.finditer(code):
            args = re.findall(r"""['"]([^'"]*)['"]""", match.group(1))
            if args:
                found.append((args[0], tuple(args[1:])))
        return found
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name != "ask" or not node.args:
            continue
        if isinstance(func, ast.Attribute) and not (
            isinstance(func.value, ast.Name) and func.value.id == "quiz"
        ):
            continue
        args = [a.value for a in node.args
                if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        if len(args) == len(node.args):
            found.append((args[0], tuple(args[1:])))
    return found


def find_quiz_calls(solutions_dir: Path) -> list[QuizCall]:
    """Every quiz call in the code cells of ``solutions_dir/*/*.ipynb``."""
    calls: list[QuizCall] = []
    for nb_path in sorted(solutions_dir.glob("*/*.ipynb")):
        if ".ipynb_checkpoints" in nb_path.parts:
            continue
        try:
            nb = json.loads(nb_path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
        for index, cell in enumerate(nb.get("cells", []), start=1):
            if cell.get("cell_type") != "code":
                continue
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else source
            for module, ids in _calls_in_source(source):
                calls.append(QuizCall(nb_path, index, module, ids))
    return calls


def lint_usage(banks: dict[str, Bank], solutions_dir: Path) -> list[Problem]:
    """Problems between banks and notebooks: unknown ids asked, bank questions never asked."""
    problems: list[Problem] = []
    used: set[tuple[str, str]] = set()
    for call in find_quiz_calls(solutions_dir):
        where = f"{call.notebook.relative_to(solutions_dir.parent)} cell {call.cell}"
        if not call.ids:
            problems.append(Problem(where, None,
                                    f"quiz.ask({call.module!r}) names no question id"))
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


def main(argv: list[str] | None = None) -> int:
    """Command line: print problems and return 1, or a summary and 0."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m course.quiz",
                                     description="Check the quiz banks.")
    sub = parser.add_subparsers(dest="command", required=True)
    lint = sub.add_parser("lint", help="check banks and their use in solutions/")
    lint.add_argument("--banks", type=Path, default=BANKS_DIR, help="folder of bank files")
    lint.add_argument("--solutions", type=Path, default=None,
                      help="folder of source notebooks (default: the checkout's solutions/)")
    lint.add_argument("--no-usage", action="store_true",
                      help="check the bank files only, not the notebooks")
    args = parser.parse_args(argv)

    solutions = args.solutions
    if solutions is None and not args.no_usage:
        from course.paths import repo_root

        root = repo_root()
        solutions = root / "solutions" if root is not None else None
        if solutions is None:
            print("note: not in a checkout, so notebook usage is not checked")
    if args.no_usage:
        solutions = None
    banks, problems = lint_banks(args.banks)
    if solutions is not None:
        problems += lint_usage(banks, solutions)
    if problems:
        for problem in problems:
            print(problem)
        print(f"\n{len(problems)} problem(s) found.", file=sys.stderr)
        return 1
    counts = {}
    for bank in banks.values():
        for q in bank.questions.values():
            counts[q.type] = counts.get(q.type, 0) + 1
    total = sum(counts.values())
    kinds = ", ".join(f"{n} {t}" for t, n in sorted(counts.items()))
    print(f"OK: {len(banks)} bank(s), {total} question(s) ({kinds}); "
          f"usage {'checked' if solutions is not None else 'not checked'}.")
    return 0
