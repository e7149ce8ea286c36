"""Make a synthetic class of submissions for an nbgrader assignment (deterministic).

Every student is derived from the assignment's solution notebook and its nbgrader release:
perfect, empty and partial work, plus one student per failure the grader must survive
(duplicated/split/deleted/edited cells, infinite loops, a loop that ignores SIGINT, kernel
death, a memory hog, huge output, invalid JSON, renamed/missing/extra notebooks, a wrong
kernelspec, hidden tracebacks, always-equal objects, and a snoop that tries to read other
people's files). On the fixture, also one student per rebinding attack (``ATTACKS``: a
plausible wrong answer plus a rebound self-check, builtin, ``math.isclose`` or
``DataFrame.equals``, or a shadowing global) and a negative control with innocent globals.
Expected scores go to ``<course>/expected-<assignment>.json``.

    python scripts/make_synthetic_class.py COURSE_DIR --fixture   # a self-contained test course
    python scripts/make_synthetic_class.py COPY_OF_REPO --assignment 01-identity-shift \
        --students 30 --kinds honest
"""

from __future__ import annotations

import argparse
import ast
import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

FIXTURE = "fixture-01"
TIMESTAMP = "2026-01-15 10:00:00.000000 UTC"
HONEST = ("perfect", "partial", "empty")
KINDS = ("perfect", "empty", "partial", "duplicate-cell", "split-cell", "deleted-cell",
         "edited-tests", "infinite-loop", "ignores-sigint", "kernel-death", "memory-hog",
         "huge-output", "invalid-json", "renamed", "missing", "extra-files", "wrong-kernel",
         "hide-traceback", "always-equal", "snoop", "rebind-checks", "rebind-isinstance",
         "rebind-isclose", "rebind-equals", "shadow-len", "shadow-abs", "shadow-all",
         "shadow-isinstance", "clean-names")
STATUS = {"perfect": "ok", "empty": "ok", "partial": "ok", "duplicate-cell": "repaired",
          "split-cell": "repaired", "deleted-cell": "repaired", "edited-tests": "repaired",
          "infinite-loop": "timeout", "ignores-sigint": "killed", "kernel-death": "kernel-died",
          "memory-hog": "memory", "huge-output": "repaired", "invalid-json": "invalid",
          "renamed": "repaired", "missing": "missing", "extra-files": "repaired",
          "wrong-kernel": "repaired", "hide-traceback": "tampered", "always-equal": "tampered",
          "snoop": "ok", "rebind-checks": "ok", "rebind-isinstance": "tampered",
          "rebind-isclose": "tampered", "rebind-equals": "tampered", "shadow-len": "tampered",
          "shadow-abs": "tampered", "shadow-all": "tampered", "shadow-isinstance": "tampered",
          "clean-names": "ok"}


@dataclass(frozen=True)
class Attack:
    """A plausible wrong answer plus a rebinding that would pass it if nobody noticed."""

    cell: str  # the fixture's answer cell it replaces
    code: str
    lost: tuple[str, ...]  # the test cells that score 0


_SHORTCUT_MEAN = ("def mean(values):\n    if not values:\n        return math.nan\n"
                  "    if len(values) == 1:\n        return values[0]  # an int stays an int\n"
                  "    return sum(values) / len(values)")
# Rebinding in a module is checked before every later test cell, so it costs them all;
# a shadowing global costs the test cells that use that name (every cell uses isinstance:
# the grader's strict comparison calls it).
ATTACKS = {
    # After issue 13 no hidden test calls a self-check: this earns what the wrong answer earns.
    "rebind-checks": Attack(
        "words-answer", "import fixture_checks\n"
        "fixture_checks.check_words = lambda *args, **kwargs: None\n"
        "with open('data.txt') as handle:\n    words = len(handle.read().split())",
        ("words-tests",)),
    "rebind-isinstance": Attack(
        "mean-answer", "import builtins\n_real_isinstance = isinstance\n"
        "builtins.isinstance = lambda obj, kind: ((kind is float and type(obj) is int)\n"
        "                                         or _real_isinstance(obj, kind))\n\n"
        + _SHORTCUT_MEAN, ("mean-tests", "words-tests")),
    "rebind-isclose": Attack(
        "mean-answer", "import math\nmath.isclose = lambda *args, **kwargs: True\n\n"
        "def mean(values):\n    if not values:\n        return math.nan\n"
        "    return round(sum(values) / len(values), 1)  # rounds too early",
        ("mean-tests", "words-tests")),
    "rebind-equals": Attack(
        "mean-answer", "import pandas as pd\npd.DataFrame.equals = lambda self, other: True\n\n"
        "def mean(values):\n    if not values:\n        return 0.0  # no values is not 0\n"
        "    return sum(values) / len(values)", ("mean-tests", "words-tests")),
    "shadow-len": Attack(
        "words-answer", "len = lambda *args: 3\nwith open('data.txt') as handle:\n"
        "    words = handle.read().split()[1:]  # skips the first word as if a header",
        ("words-tests",)),
    "shadow-abs": Attack(
        "add-answer", "abs = lambda number: 0\n\ndef add(a, b):\n"
        "    return round(a + b)  # drops the decimals", ("add-tests",)),
    "shadow-all": Attack(
        "words-answer", "all = lambda *args: True\nwith open('data.txt') as handle:\n"
        "    words = handle.read().split(' ')  # the last word keeps its newline",
        ("words-tests",)),
    "shadow-isinstance": Attack(
        "mean-answer", "isinstance = lambda *args: True\n\n" + _SHORTCUT_MEAN,
        ("mean-tests", "words-tests")),
}
# The negative control: right answers next to globals with innocent names (a builtin's name
# included, where no test uses it) must keep full marks.
CLEAN_NAMES = {
    "add-answer": "\ntotal = 0\nsum_ = add(total, 1)\n",
    "mean-answer": "\n\ndef average(values):\n    return mean(values)\n\n"
                   "from math import isclose\nimport math as m\ncount = len([1, 2, 3])\n",
    "words-answer": "\nfrom builtins import len\nimport pandas as pd\nlength = len(words)\n"
                    "max = 3  # a builtin's name, and no test calls max\n",
}
FIXTURE_ONLY = (*ATTACKS, "clean-names")

CONFIG = '''"""nbgrader configuration of a synthetic course (made by make_synthetic_class.py)."""
import os

c = get_config()  # noqa: F821
ROOT = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.root = ROOT
c.CourseDirectory.course_id = "synthetic"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(ROOT, "gradebook.db")
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
c.Execute.timeout = 30
'''


def _nbg(cell, grade_id: str, *, grade: bool, solution: bool, locked: bool,
         points: float | None = None):
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "solution": solution,
            "schema_version": 3}
    if points is not None:
        meta["points"] = points
    cell.metadata["nbgrader"] = meta
    return cell


def fixture_notebook() -> nbformat.NotebookNode:
    """A small solutions-style notebook: 3 autograded exercises, 1 manual answer.

    The hidden tests are self-contained and each guard of a plausible wrong answer rests on
    one thing a learner could rebind (see :data:`ATTACKS`): ``abs`` (add), ``isinstance``,
    ``math.isclose`` and ``pandas.DataFrame.equals`` (mean), ``len`` and ``all`` (words).
    The visible check of exercise 3 calls a helper module, as ``course.checks`` does.
    """
    answer = {"grade": False, "solution": True, "locked": False}
    test = {"grade": True, "solution": False, "locked": True}
    cells = [
        new_markdown_cell("# Fixture assignment\n\nThree small exercises and one reflection."),
        new_code_cell("import math"),
        new_markdown_cell("📝 **Exercise 1.** Write `add(a, b)`."),
        _nbg(new_code_cell("def add(a, b):\n    ### BEGIN SOLUTION\n    return a + b\n"
                           "    ### END SOLUTION"), "add-answer", **answer),
        _nbg(new_code_cell("assert add(1, 2) == 3\n### BEGIN HIDDEN TESTS\n"
                           "assert add(-5, 5) == 0\nassert add(10, 20) == 30\n"
                           "assert abs(add(0.1, 0.2) - 0.3) < 1e-9\n"
                           "### END HIDDEN TESTS"), "add-tests", points=2, **test),
        new_markdown_cell("📝 **Exercise 2.** Write `mean(values)`; the mean of no values "
                          "is `math.nan`."),
        _nbg(new_code_cell("def mean(values):\n    ### BEGIN SOLUTION\n"
                           "    if not values:\n        return math.nan\n"
                           "    return sum(values) / len(values)\n    ### END SOLUTION"),
             "mean-answer", **answer),
        _nbg(new_code_cell("assert mean([1, 2, 3]) == 2\n### BEGIN HIDDEN TESTS\n"
                           "import math\nimport pandas as pd\n"
                           "assert isinstance(mean([1]), float)\nassert mean([2, 4]) == 3.0\n"
                           "assert math.isclose(mean([0.1, 0.2, 0.4]), 0.7 / 3)\n"
                           "means = pd.DataFrame({'mean': [mean([]), mean([1, 3])]})\n"
                           "assert means.equals(pd.DataFrame({'mean': [math.nan, 2.0]}))\n"
                           "### END HIDDEN TESTS"), "mean-tests", points=3, **test),
        new_markdown_cell("📝 **Exercise 3.** Split the text of `data.txt` into a list of "
                          "`words`."),
        _nbg(new_code_cell("### BEGIN SOLUTION\nwith open('data.txt') as handle:\n"
                           "    words = handle.read().split()\n### END SOLUTION"),
             "words-answer", **answer),
        _nbg(new_code_cell("import fixture_checks\nfixture_checks.check_words(words)\n"
                           "### BEGIN HIDDEN TESTS\nassert len(words) == 3\n"
                           "assert all(word.isalpha() for word in words)\n"
                           "assert words[-1].strip() == 'sat'\n"
                           "### END HIDDEN TESTS"), "words-tests", points=1, **test),
        new_markdown_cell("📝 **Reflection.** What did you learn?"),
        _nbg(new_markdown_cell("### BEGIN SOLUTION\nA model answer.\n### END SOLUTION"),
             "reflection-manual", grade=True, solution=True, locked=False, points=2),
    ]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}
    return nb


# The visible self-check of exercise 3, shipped next to the notebook like ``course.checks``:
# it tests behaviour and never holds the answer.
FIXTURE_CHECKS = '''"""Self-checks learners may call (the fixture's stand-in for course.checks)."""


def check_words(words):
    """A list of non-empty strings; says nothing about which words."""
    assert isinstance(words, list), "words should be a list"
    assert words and all(isinstance(word, str) and word for word in words), (
        "words should hold non-empty strings")
'''


def write_fixture(course: Path, assignment: str = FIXTURE) -> None:
    """A fresh course folder with the fixture assignment (and its data file)."""
    folder = course / "solutions" / assignment
    folder.mkdir(parents=True, exist_ok=True)
    (course / "nbgrader_config.py").write_text(CONFIG, encoding="utf-8")
    nbformat.write(fixture_notebook(), folder / f"{assignment}.ipynb")
    (folder / "data.txt").write_text("the cat sat\n", encoding="utf-8")
    (folder / "fixture_checks.py").write_text(FIXTURE_CHECKS, encoding="utf-8")


def release(course: Path, assignment: str, out: Path) -> None:
    """nbgrader generate_assignment into ``out`` (the course's gradebook learns the cells)."""
    command = [sys.executable, "-m", "nbgrader", "generate_assignment", assignment, "--force",
               f"--CourseDirectory.root={course}", f"--CourseDirectory.release_directory={out}",
               "--log-level=ERROR"]
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}"
                                 f"{os.environ.get('PATH', '')}"}
    done = subprocess.run(command, cwd=course, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        sys.exit(f"generate_assignment {assignment} failed:\n{done.stdout}{done.stderr}")


# ---------------------------------------------------------------- deriving submissions
def _gid(cell) -> str | None:
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def _solution_text(source: str) -> str:
    from course.nbcells import solution_text

    return solution_text(source)


class Assignment:
    """The release notebook and the solutions, indexed by grade_id."""

    def __init__(self, source_nb, release_nb) -> None:
        self.release = release_nb
        self.solutions = {_gid(c): c.source for c in source_nb.cells if _gid(c)}
        self.answers = [c for c in release_nb.cells
                        if c.metadata.get("nbgrader", {}).get("solution")]
        self.code_answers = [_gid(c) for c in self.answers if c.cell_type == "code"]
        self.tests = [(_gid(c), float(c.metadata["nbgrader"].get("points", 0)))
                      for c in release_nb.cells
                      if c.metadata.get("nbgrader", {}).get("grade")
                      and not c.metadata["nbgrader"].get("solution") and c.cell_type == "code"]

    def total(self) -> float:
        return sum(p for _, p in self.tests)

    def copy(self) -> nbformat.NotebookNode:
        return copy.deepcopy(self.release)

    def solve(self, nb, only: set[str] | None = None, who: str = "a student") -> None:
        for cell in nb.cells:
            gid = _gid(cell)
            if not cell.metadata.get("nbgrader", {}).get("solution"):
                continue
            if only is not None and gid not in only:
                continue
            if cell.cell_type == "code":
                cell.source = _solution_text(self.solutions[gid])
            else:
                cell.source = f"My answer, written by {who}.\n\nA second paragraph."

    def depends(self, test_id: str) -> str | None:
        """The answer a test checks: same exercise prefix, else the nearest answer above."""
        prefix = test_id.rsplit("-", 1)[0]
        same = [a for a in self.code_answers if a.rsplit("-", 1)[0] == prefix]
        if same:
            return same[0]
        order = [_gid(c) for c in self.release.cells if _gid(c)]
        above = [g for g in order[:order.index(test_id)] if g in self.code_answers]
        return above[-1] if above else None

    def score_without(self, broken: set[str], lost_tests: set[str] = frozenset()) -> float:
        return sum(p for t, p in self.tests
                   if t not in lost_tests and self.depends(t) not in broken)


def _cell(nb, gid: str):
    return next(c for c in nb.cells if _gid(c) == gid)


def _prefix(nb, gid: str, code: str) -> None:
    cell = _cell(nb, gid)
    cell.source = code + "\n" + cell.source


def _always_equal_answer(source: str) -> str:
    names: list[tuple[str, bool]] = []
    for node in ast.parse(_solution_text(source)).body:
        if isinstance(node, ast.FunctionDef):
            names.append((node.name, True))
        elif isinstance(node, ast.Assign | ast.With):
            targets = node.targets if isinstance(node, ast.Assign) else [
                t for s in node.body if isinstance(s, ast.Assign) for t in s.targets]
            names += [(t.id, False) for t in targets if isinstance(t, ast.Name)]
    lines = ["class _AlwaysEqual:", "    def __eq__(self, other):", "        return True",
             "    def __ne__(self, other):", "        return False", ""]
    for name, is_function in names:
        lines.append(f"def {name}(*args, **kwargs):\n    return _AlwaysEqual()" if is_function
                     else f"{name} = _AlwaysEqual()")
    return "\n".join(lines)


HIDE = ("ip = get_ipython()\nip.showtraceback = lambda *a, **k: None\n"
        "_real_run_cell = ip.run_cell\n"
        "def _quiet_run_cell(*args, **kwargs):\n"
        "    result = _real_run_cell(*args, **kwargs)\n"
        "    result.error_in_exec = None\n"
        "    return result\n"
        "ip.run_cell = _quiet_run_cell\n"
        "ip.should_run_async = lambda *a, **k: False")


def snoop_code(course: Path, assignment: str) -> str:
    """Code that tries to read and write what a student must not reach."""
    targets = [course / "solutions" / assignment / f"{assignment}.ipynb",
               course / "gradebook.db", course / "submitted"]
    return (
        "import os, socket\n_found = []\n"
        f"for _p in {[str(t) for t in targets]!r}:\n"
        "    try:\n        os.listdir(_p) if os.path.isdir(_p) else open(_p, 'rb').read(10)\n"
        "        _found.append('read ' + _p)\n    except OSError:\n        pass\n"
        f"try:\n    open({str(course / 'gradebook.db')!r}, 'ab').close()\n"
        "    _found.append('wrote the gradebook')\nexcept OSError:\n    pass\n"
        "try:\n    socket.create_connection(('1.1.1.1', 80), timeout=2).close()\n"
        "    _found.append('network')\nexcept OSError:\n    pass\n"
        "print('SNOOP RESULT:', _found)")


def make(kind: str, a: Assignment, name: str, course: Path, assignment: str,
         folder: Path) -> tuple[float | None, str]:
    """Write one student's submission; return (expected autograded score, status)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "timestamp.txt").write_text(TIMESTAMP + "\n", encoding="utf-8")
    nb_name = f"{assignment}.ipynb"
    nb = a.copy()
    everything = set(a.code_answers)
    first, last = a.code_answers[0], a.code_answers[-1]
    expected: float | None = a.total()
    if kind in ("perfect", "snoop", "duplicate-cell", "split-cell", "deleted-cell", "renamed",
                "extra-files", "wrong-kernel", "huge-output", "infinite-loop",
                "ignores-sigint", "kernel-death", "memory-hog", *FIXTURE_ONLY):
        a.solve(nb, who=name)
    if kind == "empty":
        expected = 0.0
    elif kind == "partial":
        half = a.code_answers[:(len(a.code_answers) + 1) // 2]
        a.solve(nb, only=set(half), who=name)
        expected = a.score_without(everything - set(half))
    elif kind == "duplicate-cell":
        twin = copy.deepcopy(_cell(nb, a.tests[0][0]))
        twin["id"] = twin["id"] + "-copy"
        nb.cells.append(twin)
    elif kind == "split-cell":
        for index, cell in enumerate(nb.cells):
            if cell.metadata.get("nbgrader", {}).get("solution") and "\n\n" in cell.source:
                head, tail = cell.source.split("\n\n", 1)
                second = copy.deepcopy(cell)
                cell.source, second.source = head, tail
                second["id"] = cell["id"] + "-split"
                nb.cells.insert(index + 1, second)
                break
    elif kind == "deleted-cell":
        gone = a.tests[0][0]
        nb.cells = [c for c in nb.cells if _gid(c) != gone]
        expected = a.score_without(set(), {gone})
    elif kind == "edited-tests":
        for gid, _ in a.tests:
            _cell(nb, gid).source = "pass  # tests? what tests?"
        expected = 0.0
    elif kind == "infinite-loop":
        _prefix(nb, first, "while True:\n    pass")
        expected = a.score_without({first})
    elif kind == "ignores-sigint":
        _prefix(nb, last, "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                          "while True:\n    pass")
        expected = a.score_without({last})
    elif kind == "kernel-death":
        _prefix(nb, last, "import os\nos._exit(3)")
        expected = a.score_without({last})
    elif kind == "memory-hog":
        _prefix(nb, first, "_hog = bytearray(16 * 1024 ** 3)")
        expected = a.score_without({first})
    elif kind == "huge-output":
        _cell(nb, first).source += "\nprint('spam ' * 2_000_000)"
    elif kind == "wrong-kernel":
        nb.metadata["kernelspec"] = {"name": "julia-1.10", "display_name": "Julia 1.10",
                                     "language": "julia"}
    elif kind == "hide-traceback":
        nb.cells.insert(0, new_code_cell(HIDE))
        expected = 0.0
    elif kind == "always-equal":
        for gid in a.code_answers:
            _cell(nb, gid).source = _always_equal_answer(a.solutions[gid])
        expected = 0.0
    elif kind == "snoop":
        nb.cells.insert(1, new_code_cell(snoop_code(course, assignment)))
    elif kind in ATTACKS:
        attack = ATTACKS[kind]
        _cell(nb, attack.cell).source = attack.code
        expected = a.score_without(set(), set(attack.lost))
    elif kind == "clean-names":
        for gid, extra in CLEAN_NAMES.items():
            _cell(nb, gid).source += extra
    if kind == "invalid-json":
        text = nbformat.writes(nb)
        (folder / nb_name).write_text(text[: len(text) // 2], encoding="utf-8")
        return 0.0, STATUS[kind]
    if kind == "missing":
        return 0.0, STATUS[kind]
    if kind == "renamed":
        nb_name = f"{assignment}-Copy1.ipynb"
    if kind == "extra-files":
        nbformat.write(new_notebook(cells=[new_code_cell("1 + 1")]), folder / "scratch.ipynb")
        (folder / "notes.txt").write_text("my notes\n", encoding="utf-8")
    nbformat.write(nb, folder / nb_name)
    return expected, STATUS[kind]


def build(course: Path, assignment: str, kinds: list[str], students: int | None) -> dict:
    """Write ``submitted/<student>/<assignment>/`` for a class; return the expectations."""
    source_path = course / "solutions" / assignment / f"{assignment}.ipynb"
    if not source_path.is_file():
        sys.exit(f"no solution notebook {source_path}")
    with tempfile.TemporaryDirectory(prefix="synthetic-release-") as scratch:
        release(course, assignment, Path(scratch))
        release_nb = nbformat.read(Path(scratch) / assignment / f"{assignment}.ipynb", 4)
    a = Assignment(nbformat.read(source_path, 4), release_nb)
    count = students or len(kinds)
    expected = {}
    for number in range(count):
        kind = kinds[number % len(kinds)]
        name = f"s{number + 1:02d}-{kind}"
        folder = course / "submitted" / name / assignment
        if folder.exists():
            shutil.rmtree(folder)
        score, status = make(kind, a, name, course, assignment, folder)
        expected[name] = {"kind": kind, "score": score, "max_score": a.total(),
                          "status": status}
    return expected


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("course", type=Path, help="the course folder (has nbgrader_config.py)")
    parser.add_argument("--fixture", action="store_true",
                        help=f"first write a self-contained course with assignment {FIXTURE}")
    parser.add_argument("--assignment", default=None, help="assignment (module folder) name")
    parser.add_argument("--students", type=int, default=None,
                        help="how many students (default: one per kind)")
    parser.add_argument("--kinds", default="all",
                        help="'all', 'honest' (perfect/partial/empty) or a comma list")
    args = parser.parse_args(argv)
    course = args.course.resolve()
    assignment = args.assignment or FIXTURE
    if args.fixture:
        course.mkdir(parents=True, exist_ok=True)
        write_fixture(course, assignment)
    kinds = (list(KINDS) if args.kinds == "all" else list(HONEST) if args.kinds == "honest"
             else args.kinds.split(","))
    unknown = set(kinds) - set(KINDS)
    if unknown:
        parser.error(f"unknown kinds: {', '.join(sorted(unknown))}")
    if assignment != FIXTURE:  # attacks are written against the fixture's exercises
        if args.kinds != "all" and set(kinds) & set(FIXTURE_ONLY):
            parser.error(f"kinds {', '.join(sorted(set(kinds) & set(FIXTURE_ONLY)))} "
                         f"need the fixture assignment {FIXTURE}")
        kinds = [k for k in kinds if k not in FIXTURE_ONLY]
    expected = build(course, assignment, kinds, args.students)
    out = course / f"expected-{assignment}.json"
    out.write_text(json.dumps(expected, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {len(expected)} submissions of {assignment} and {out.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
