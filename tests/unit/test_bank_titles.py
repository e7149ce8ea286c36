"""A quiz bank's ``title`` says what the manifest (course/modules.yaml) says: `course lint`
names the bank and both titles when they disagree."""

from __future__ import annotations

from pathlib import Path

import yaml

from course import modules

ROOT = Path(__file__).resolve().parents[2]


def test_every_bank_title_is_the_manifest_title():
    differ = {}
    for module in modules.load():
        title = (yaml.safe_load(module.bank.read_text(encoding="utf-8")) or {}).get("title")
        if title is not None and title != module.title:
            differ[module.slug] = (title, module.title)
    assert differ == {}


def test_lint_names_a_bank_whose_title_differs(tmp_path: Path):
    (tmp_path / "course" / "quiz" / "banks").mkdir(parents=True)
    (tmp_path / "course" / "modules.yaml").write_text(
        'modules:\n  - {slug: 01-a, title: "The right title"}\n  - {slug: 02-b, title: "Agreed"}\n')
    banks = tmp_path / "course" / "quiz" / "banks"
    (banks / "01-a.yaml").write_text('module: 01-a\ntitle: "An old title"\nquestions: []\n')
    (banks / "02-b.yaml").write_text('module: 02-b\ntitle: "Agreed"\nquestions: []\n')
    found = [p for p in modules.problems(tmp_path) if "title" in p]
    assert found == ["01-a: course/quiz/banks/01-a.yaml has title 'An old title', "
                     "the manifest says 'The right title'"]
