"""Bank validation, the lint command (on temp trees and on the real tree), static HTML."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from course.quiz import lint, static
from course.quiz.bank import BANKS_DIR, BankError, load_bank
from course.quiz.markdown import to_html

GOOD = """\
module: 01-demo
questions:
  - id: pick
    type: single
    prompt: "Which?"
    options: {a: "A", b: "B"}
    answer: a
    feedback: {a: "yes", b: "no"}
    explanation: "A."
  - id: order
    type: ordering
    prompt: "Order them"
    options: {x: "X", y: "Y"}
    answer: [x, y]
    explanation: "X then Y."
"""


def write_tree(root: Path, bank: str = GOOD, cells: list[str] | None = None) -> tuple[Path, Path]:
    """A banks dir with 01-demo.yaml and a solutions dir with one notebook."""
    banks = root / "banks"
    banks.mkdir()
    (banks / "01-demo.yaml").write_text(bank, encoding="utf-8")
    solutions = root / "solutions"
    (solutions / "01-demo").mkdir(parents=True)
    sources = cells if cells is not None else [
        "from course import quiz",
        'quiz.ask("01-demo", "pick", "order")',
    ]
    nb = {"cells": [{"cell_type": "code", "source": s, "metadata": {}, "outputs": [],
                     "execution_count": None} for s in sources]
          + [{"cell_type": "markdown", "source": 'quiz.ask("01-demo", "ghost")',
              "metadata": {}}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (solutions / "01-demo" / "01-demo.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    return banks, solutions


def messages(problems) -> list[str]:
    return [str(p) for p in problems]


def test_clean_tree_has_no_problems(tmp_path):
    banks, solutions = write_tree(tmp_path)
    assert lint.run(banks, solutions) == []  # the markdown cell mentioning "ghost" is ignored


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("id: order", "id: pick", "01-demo.yaml: pick: duplicate id"),
        ("answer: a", "answer: c", "01-demo.yaml: pick: answer 'c' is not among the options"),
        ("answer: [x, y]", "answer: [x, z]", "01-demo.yaml: order: answer ['z'] not among"),
        ('feedback: {a: "yes", b: "no"}', 'feedback: {a: "yes"}',
         "01-demo.yaml: pick: option 'b' has no feedback"),
        ('    explanation: "A."\n', "", "01-demo.yaml: pick: 'explanation' is missing"),
        ("type: single", "type: essay", "01-demo.yaml: pick: 'type' must be one of"),
        ("type: ordering", "type: ordering\n    colour: red",
         "01-demo.yaml: order: unknown field(s) for a ordering question: colour"),
        ("module: 01-demo", "module: 02-other", "'module' is '02-other' but the file is"),
        ("prompt: \"Which?\"", "prompt: [1, 2]", "01-demo.yaml: pick: 'prompt' is missing"),
    ],
)
def test_bank_problems_name_file_and_question(tmp_path, old, new, expected):
    assert old in GOOD
    banks, _ = write_tree(tmp_path, GOOD.replace(old, new))
    _, problems = lint.lint_banks(banks)
    assert any(expected in m for m in messages(problems)), messages(problems)


def test_yaml_syntax_error_is_reported(tmp_path):
    banks, _ = write_tree(tmp_path, GOOD + "  - id: [unclosed\n")
    _, problems = lint.lint_banks(banks)
    assert "cannot read YAML" in messages(problems)[0]


def test_unused_question_and_unknown_id_are_reported(tmp_path):
    banks, solutions = write_tree(tmp_path, cells=[
        "from course import quiz\n%matplotlib inline",
        'quiz.ask("01-demo", "pick", "missing")',
        'quiz.ask("02-nobank", "x")',
    ])
    found = messages(lint.run(banks, solutions))
    assert "01-demo.yaml: order: not asked by any notebook in solutions/" in found
    assert any("cell 2: missing: asks a question that does not exist in 01-demo.yaml" in m
               for m in found)
    assert any("no quiz bank 02-nobank.yaml" in m for m in found)
    assert len(found) == 3


def test_calls_are_found_in_cells_python_cannot_parse():
    calls = lint._calls_in_source("x = (\nquiz.ask('01-demo', 'pick')")
    assert calls == [("01-demo", ("pick",))]


def test_other_ask_functions_are_not_quiz_calls():
    assert lint._calls_in_source('llm.ask("01-demo", "pick")\nquiz.ask("01-demo", "order")') \
        == [("01-demo", ("order",))]


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "course.quiz", "lint", *args],
                          capture_output=True, text=True, cwd=cwd, timeout=60)


def test_cli_exit_codes(tmp_path):
    banks, solutions = write_tree(tmp_path)
    ok = run_cli("--banks", str(banks), "--solutions", str(solutions))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "OK: 1 bank(s), 2 question(s)" in ok.stdout
    (banks / "01-demo.yaml").write_text(GOOD.replace("answer: a", "answer: zz"))
    bad = run_cli("--banks", str(banks), "--solutions", str(solutions))
    assert bad.returncode == 1
    assert "01-demo.yaml: pick: answer 'zz' is not among the options" in bad.stdout


def test_load_bank_refuses_an_invalid_bank(tmp_path):
    banks, _ = write_tree(tmp_path, GOOD.replace("answer: a", "answer: zz"))
    with pytest.raises(BankError, match="pick: answer 'zz'"):
        load_bank("01-demo", banks)


# --- the real tree ------------------------------------------------------------------------


def test_real_banks_are_valid():
    _, problems = lint.lint_banks(BANKS_DIR)
    assert problems == [], "\n".join(messages(problems))


def test_module_01_bank_has_the_ids_the_notebook_uses():
    bank = load_bank("01-identity-shift")
    assert {qid: q.type for qid, q in bank.questions.items()} == {
        "identity-2026": "single", "growing-skills": "multiple",
        "pipeline-order": "ordering", "handoff": "text", "commodity-share": "numeric"}


def test_real_notebooks_and_banks_agree():
    """Fails while a bank has questions no notebook in solutions/ asks (or vice versa)."""
    root = Path(__file__).resolve().parents[1]
    banks, _ = lint.lint_banks(BANKS_DIR)
    problems = lint.lint_usage(banks, root / "solutions")
    assert problems == [], "\n".join(messages(problems))


# --- static HTML fallback --------------------------------------------------------------------


def test_static_html_shows_prompt_and_folds_the_answer():
    bank = load_bank("01-identity-shift")
    page = static.render_group("01-identity-shift",
                               [bank.get("identity-2026"), bank.get("commodity-share")], "x")
    before, _, folded = page.partition("<details><summary>Show answer")
    assert "describes how an ML engineer" in before  # the prompt is visible
    assert "I build AI systems" in before  # options visible too
    assert "commodity" not in before  # the explanation is not
    assert "commodity" in folded.split("</details>")[0]
    assert page.count("<details>") == page.count("</details>")


def test_static_html_escapes_bank_text(tmp_path):
    evil = GOOD.replace('prompt: "Which?"', 'prompt: "<script>alert(1)</script> **bold**"')
    evil = evil.replace('{a: "A", b: "B"}', '{a: "<img src=x onerror=alert(1)>", b: "B"}')
    banks, _ = write_tree(tmp_path, evil)
    page = static.render_group("01-demo", list(load_bank("01-demo", banks).questions.values()),
                               "x")
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;" in page and "<strong>bold</strong>" in page


def test_markdown_prompt_rendering():
    out = to_html(textwrap.dedent("""\
        Intro with `code <b>` and [a link](https://example.org/?a=1&b=2).

        - one
        - two

        ```python
        x = 1 < 2
        ```
        """))
    assert "<code>code &lt;b&gt;</code>" in out
    assert '<a href="https://example.org/?a=1&amp;b=2">a link</a>' in out
    assert "<ul><li>one</li><li>two</li></ul>" in out
    assert '<pre><code class="language-python">x = 1 &lt; 2</code></pre>' in out
    assert "javascript:" not in to_html("[x](javascript:alert(1))").replace(
        "[x](javascript:alert(1))", "")
