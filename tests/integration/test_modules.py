"""The module manifest (course/modules.yaml) is the one place that says which modules exist.

The slow test adds a throwaway module to a copy of the repository (its manifest entry, its
notebook, bank, coverage map and notes) and shows that `course lint`, `course generate`
(time estimates, release) and the agenda check all pick it up with no other edit.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from course import agenda, coverage, modules, release, timing
from tests.notebook_tools import ROOT

SLUG = "99-scratch-module"


def test_the_manifest_lists_every_module_and_their_files_exist():
    assert modules.slugs() == sorted(p.parent.name for p in ROOT.glob("solutions/*/*.ipynb"))
    assert modules.problems(ROOT) == []
    assert release.modules(ROOT) == modules.slugs()


def test_a_module_is_named_by_slug_or_number_and_its_files_follow():
    module = modules.get("03")
    assert module is modules.get("03-market-numbers") or module == modules.get("03-market-numbers")
    assert (module.number, module.checks_module) == (3, "course.checks.m03")
    assert module.bank.name == "03-market-numbers.yaml" and module.bank.is_file()
    assert module.mutants(ROOT).name == "m03_market_numbers.py" and module.mutants(ROOT).is_file()
    with pytest.raises(modules.ManifestError, match="no module '99'.*known: 00-welcome"):
        modules.get("99")


def test_points_come_from_the_notebook():
    auto, manual = modules.get("07").points(ROOT)
    cells = json.loads(modules.get("07").solution(ROOT).read_text())["cells"]
    graded = [c["metadata"]["nbgrader"] for c in cells if c["metadata"].get("nbgrader", {}).get("grade")]
    assert auto + manual == sum(g["points"] for g in graded) and manual > 0 and auto > 0


def test_concepts_come_from_the_manifest():
    assert coverage.required_concepts() == [c for m in modules.load() for c in m.concepts]


def test_a_malformed_manifest_names_the_entry(tmp_path: Path):
    (tmp_path / "course").mkdir()
    manifest = tmp_path / "course" / "modules.yaml"
    manifest.write_text("modules:\n  - {slug: 01-a, title: A, colour: red}\n")
    with pytest.raises(modules.ManifestError, match=r"entry 1 \(01-a\): unknown field"):
        modules.load(tmp_path)
    manifest.write_text("modules:\n  - {slug: a, title: A}\n")
    with pytest.raises(modules.ManifestError, match="slug 'a' is not NN-name"):
        modules.load(tmp_path)


# --- a throwaway module in a copy of the repository ---------------------------------------

BANK = """module: 99-scratch-module
title: "A scratch module"
questions:
  - id: scratch-pick
    type: single
    prompt: "Which file lists the modules?"
    options: {manifest: "course/modules.yaml", readme: "the README.md"}
    answer: manifest
    feedback: {manifest: "Yes.", readme: "No: the README links to modules."}
    explanation: "Every tool reads course/modules.yaml."
"""

COVERAGE = """module: 99-scratch-module
concepts:
  C99.1: {section: "Where modules live", quiz: [scratch-pick], exercises: [scratch-double]}
"""


def _cell(kind: str, source: str, **grading: object) -> dict:
    cell: dict = {"cell_type": kind, "id": f"scratch-{abs(hash(source)) % 10**8}", "metadata": {},
                  "source": source}
    if kind == "code":
        cell.update(outputs=[], execution_count=None)
    if grading:
        cell["metadata"]["nbgrader"] = {"schema_version": 3, **grading}
    return cell


def _notebook() -> dict:
    cells = [
        _cell("markdown", "# 99 · A scratch module\n\n⏱️ About 99 minutes."),
        _cell("code", "from course import setup\nsetup()"),
        _cell("markdown", "## Where modules live <!-- C99.1 -->\n\nOne manifest lists them."),
        _cell("code", 'from course import quiz\nquiz.ask("99-scratch-module", "scratch-pick")'),
        _cell("code", "def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION",
              grade_id="scratch-double-answer", solution=True, grade=False, locked=False),
        _cell("code", "assert double(2) == 4\n### BEGIN HIDDEN TESTS\nassert double(21) == 42\n"
                      "### END HIDDEN TESTS",
              grade_id="scratch-double-tests", solution=False, grade=True, locked=True, points=2),
    ]
    kernel = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    return {"cells": cells, "metadata": {"kernelspec": kernel}, "nbformat": 4, "nbformat_minor": 5}


def _copy_repository(target: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "_datasets")
    for folder in ("course", "solutions", "notebooks", "instructor", "datasets", "scripts"):
        shutil.copytree(ROOT / folder, target / folder, ignore=ignore)
    for name in ("pyproject.toml", "nbgrader_config.py", "INSTRUCTOR.md"):
        shutil.copy2(ROOT / name, target / name)
    return target


def _course(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m course ARGS` run on the copy's own package (so its manifest is read)."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([sys.executable, "-m", "course", *args], cwd=root, env=env,
                          capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_a_new_module_is_one_entry_plus_its_files(tmp_path: Path):
    root = _copy_repository(tmp_path / "repo")
    notebook = root / "solutions" / SLUG / f"{SLUG}.ipynb"
    notebook.parent.mkdir()
    notebook.write_text(json.dumps(_notebook(), indent=1, ensure_ascii=False) + "\n")
    (root / "course" / "quiz" / "banks" / f"{SLUG}.yaml").write_text(BANK)
    (root / "course" / "coverage" / f"{SLUG}.yaml").write_text(COVERAGE)
    notes = root / "instructor" / f"{SLUG}.md"
    notes.write_text("# 99 · A scratch module: notes\n\n## Suggested timing (5 min alone; 10 in a room)\n")

    # without its manifest entry the files are strays, and lint says where to list them
    lint = _course(root, "lint")
    assert lint.returncode == 1
    assert f"solutions/{SLUG}/{SLUG}.ipynb: module '{SLUG}' is not in course/modules.yaml" \
        in lint.stderr

    with (root / "course" / "modules.yaml").open("a") as manifest:
        manifest.write(f'  - slug: {SLUG}\n    title: "A scratch module"\n    concepts: [C99.1]\n')

    # lint: the quiz usage, coverage and manifest checks pass; the agenda check names the
    # module the two-day plan does not give time to yet
    assert coverage.required_concepts(root)[-1] == "C99.1"
    assert coverage.problems(root) == []
    minutes = timing.course_estimates(root)[SLUG]
    lint = _course(root, "lint")
    assert lint.returncode == 1, lint.stdout
    assert lint.stderr.splitlines()[0] == (f"agenda: agenda two_day: {SLUG} gets 0 minutes, its "
                                           f"notebook is estimated at {minutes}")
    assert "1 problem(s) found." in lint.stderr

    # generate: the stated estimate follows the notebook, the release holds no solution
    stale = _course(root, "generate", "--check")
    assert stale.returncode == 1 and f"solutions/{SLUG}/{SLUG}.ipynb" in stale.stderr
    assert f"notebooks/{SLUG}/{SLUG}.ipynb" in stale.stderr
    done = _course(root, "generate")
    assert done.returncode == 0, done.stderr
    assert f"⏱️ About {minutes} minutes" in notebook.read_text()
    assert f"Suggested timing ({minutes} min alone; 10 in a room)" in notes.read_text()
    released = (root / "notebooks" / SLUG / f"{SLUG}.ipynb").read_text()
    assert "return 2 * x" not in released and "double(21)" not in released
    assert "assert double(2) == 4" in released

    # the agenda: give the module its time on day 2, and INSTRUCTOR.md shows it
    plan = agenda.plan(root)
    day = next(a for a in agenda.load(plan) if a.key == "two_day").total_minutes
    text = plan.read_text().replace(f"total_minutes: {day}", f"total_minutes: {day + minutes}")
    text = text.replace('        - {title: "Wrap-up and feedback"',
                        f'        - {{title: "99 · Scratch", module: {SLUG}, minutes: {minutes}}}\n'
                        '        - {title: "Wrap-up and feedback"')
    plan.write_text(text)
    assert agenda.problems(root) == []
    assert _course(root, "lint").returncode == 0
    assert _course(root, "generate").returncode == 0
    assert f"[99 · Scratch](solutions/{SLUG}/{SLUG}.ipynb)" in (root / "INSTRUCTOR.md").read_text()
    check = _course(root, "generate", "--check")
    assert check.returncode == 0, check.stderr
