"""Bank validation, the lint command (on temp trees and on the real tree), static HTML."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from course.quiz import lint, quality, static
from course.quiz.bank import BANKS_DIR, BankError, load_bank
from course.quiz.markdown import inline, to_html, to_text

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
        ("module: 01-demo", "module: 01-demo\ncolour: red", "01-demo.yaml: unknown bank field(s): colour"),
        ('{a: "A", b: "B"}', '{a: "A", B: "B"}',
         "01-demo.yaml: pick: option key 'B' must be a lowercase string"),
        ('{a: "A", b: "B"}', '{a: "A", b: "  "}', "01-demo.yaml: pick: option 'b' needs non-empty text"),
        ("  - id: order\n", "  - 42\n  - id: order\n",
         "01-demo.yaml: question #2: each question must be a mapping"),
        ("answer: [x, y]", "answer: [x, y, x]", "01-demo.yaml: order: 'answer' repeats an option key"),
        ("answer: [x, y]", "answer: [x]", "order: an ordering 'answer' must list every option key"),
        ("answer: [x, y]", "answer: x", "01-demo.yaml: order: 'answer' must be a list of option keys"),
        ('    explanation: "X then Y."', '    explanation: "X then Y."\n    feedback: {wrong: "no"}',
         "order: 'feedback' here may only have 'correct' and 'incorrect' messages"),
        ("    explanation: \"A.\"\n", "    explanation: \"A.\"\n    points: 0\n",
         "01-demo.yaml: pick: 'points' must be a positive number"),
        ("id: pick", "id: Pick", "01-demo.yaml: question #1: 'id' must be a lowercase string"),
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


def test_run_reports_a_broken_bank_and_nothing_for_a_good_one(tmp_path):
    banks, solutions = write_tree(tmp_path)
    assert lint.run(banks, solutions) == []
    (banks / "01-demo.yaml").write_text(GOOD.replace("answer: a", "answer: zz"))
    found = [str(p) for p in lint.run(banks, solutions)]
    assert any("01-demo.yaml: pick: answer 'zz' is not among the options" in p for p in found)


def test_load_bank_refuses_an_invalid_bank(tmp_path):
    banks, _ = write_tree(tmp_path, GOOD.replace("answer: a", "answer: zz"))
    with pytest.raises(BankError, match="pick: answer 'zz'"):
        load_bank("01-demo", banks)


# --- the real tree ------------------------------------------------------------------------


def test_real_banks_are_valid():
    _, problems = lint.lint_banks(BANKS_DIR)
    assert problems == [], "\n".join(messages(problems))


def test_the_published_schema_is_valid_and_accepts_every_real_bank():
    from jsonschema import Draft202012Validator

    from course.quiz.bank import SCHEMA_PATH, TYPES, module_names, read_yaml

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$defs"]["question"]["properties"]["type"]["enum"] == list(TYPES)
    validator = Draft202012Validator(schema)
    for module in module_names():
        errors = [e.message for e in validator.iter_errors(read_yaml(BANKS_DIR / f"{module}.yaml"))]
        assert errors == [], (module, errors)


def test_module_01_bank_has_the_ids_the_notebook_uses():
    bank = load_bank("01-identity-shift")
    assert {qid: q.type for qid, q in bank.questions.items()} == {
        "identity-2026": "single", "growing-skills": "multiple",
        "pipeline-order": "ordering", "handoff": "text", "commodity-share": "numeric",
        "system-parts": "single", "swap-provider": "multiple"}


def test_real_notebooks_and_banks_agree():
    """Fails while a bank has questions no notebook in solutions/ asks (or vice versa)."""
    root = Path(__file__).resolve().parents[2]
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
    assert "<ul><li>one</li><li>two</li></ul>" in out.replace("\n", "")
    assert '<pre><code class="language-python">x = 1 &lt; 2\n</code></pre>' in out
    assert to_html("[x](javascript:alert(1))") == "<p>x</p>"  # only http(s) links
    assert to_html("![alt](https://example.org/x.png)") == "<p>alt</p>"  # no images
    assert to_html('<img src=x onerror="alert(1)">') == (
        "<p>&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</p>")


def test_markdown_inline_and_plain_text():
    assert inline("**Yes**: a <b> tag") == "<strong>Yes</strong>: a &lt;b&gt; tag"
    assert to_text("**Yes**: `x < 1`, [docs](https://example.org) and *this*") == (
        "Yes: x < 1, docs and this")
    # a number that starts a wrapped line is text, not a numbered list
    assert "<ol>" not in to_html("the candidate\n450. A reviewer says so.")
    assert to_html("**bold across\nlines**") == "<p><strong>bold across\nlines</strong></p>"


# --- quiz-quality rules (course/quiz/quality.py) ---------------------------------------------


def single(qid: str, answer_text: str, others: tuple[str, ...] = ("Cats", "Dogs", "Fish"),
           extra: str = "") -> str:
    """A single-choice question whose right option is ``answer_text``."""
    keys = ["a", "b", "c", "d"][: len(others) + 1]
    texts = [answer_text, *others]
    options = ", ".join(f'{k}: "{t}"' for k, t in zip(keys, texts, strict=True))
    feedback = ", ".join(f'{k}: "Because of {k}."' for k in keys)
    return (f"  - id: {qid}\n    type: single\n    prompt: \"Which pet?\"\n"
            f"    options: {{{options}}}\n    answer: a\n    feedback: {{{feedback}}}\n"
            f"    explanation: \"See the lesson.\"\n{extra}")


def bank(*questions: str, module: str = "01-demo") -> str:
    return f"module: {module}\nquestions:\n" + "".join(questions)


def quality_messages(tmp_path: Path, text: str) -> list[str]:
    banks, _ = write_tree(tmp_path, text)
    _, problems = lint.lint_banks(banks)
    return messages(problems)


def test_balanced_bank_passes_the_quality_rules(tmp_path):
    # Right options of middle length: neither the longest nor the shortest.
    text = bank(single("one", "Mouse", ("Cats", "Dogs", "Hamsters")),
                single("two", "Birds", ("Fish", "Snakes", "Cats")))
    assert quality_messages(tmp_path, text) == []


def test_answer_longest_too_often_in_one_bank(tmp_path):
    # Three questions whose right option is the longest: chance is 3 x 1/4, one extra allowed.
    text = bank(*(single(f"q{i}", "Hamsters") for i in range(3)))
    found = quality_messages(tmp_path, text)
    assert any("01-demo.yaml: 3 of 3 single-choice answers are the longest option "
               "(chance: 0.8; at most 1 allowed)" in m for m in found), found


def test_answer_longest_too_often_over_all_banks(tmp_path):
    # Five banks, each with 1 of 2 answers longest: every bank passes, the course does not.
    banks_dir = tmp_path / "banks"
    banks_dir.mkdir()
    for n in range(5):
        module = f"0{n}-demo"
        text = bank(single("long", "Mouse"), single("mid", "Birds", ("Fish", "Snakes", "Cats")),
                    module=module)
        (banks_dir / f"{module}.yaml").write_text(text, encoding="utf-8")
    _, problems = lint.lint_banks(banks_dir)
    found = messages(problems)
    assert found == ["all banks: 5 of 10 single-choice answers (50%) are the longest option; "
                     "chance is 25%, the limit 35%"], found


def test_right_option_much_longer_than_the_others(tmp_path):
    text = bank(single("pick", "A cat that sleeps all day long"))
    found = quality_messages(tmp_path, text)
    assert any("pick: the right option is" in m and "limit 1.5x" in m for m in found), found


def test_right_options_of_a_multiple_question_much_longer(tmp_path):
    text = bank("""\
  - id: many
    type: multiple
    prompt: "Which?"
    options: {a: "A cat that sleeps all day", b: "A dog that barks at night", c: "Fish", d: "Mice"}
    answer: [a, b]
    feedback: {a: "yes", b: "yes", c: "no", d: "no"}
    explanation: "A and B."
""")
    found = quality_messages(tmp_path, text)
    assert any("many: the right options (mean) is" in m for m in found), found


def test_a_hint_that_names_the_answer(tmp_path):
    text = bank(single("pick", "Mouse", ("Cats", "Dogs", "Fish"),
                       '    hint: "Think of the mouse."\n'))
    found = quality_messages(tmp_path, text)
    assert found == ["01-demo.yaml: pick: the hint contains the text of right option 'a'"], found


def test_wrong_options_feedback_that_gives_the_answer(tmp_path):
    text = bank(single("pick", "Mice", ("Cats", "Dogs", "Fish")).replace(
        'b: "Because of b."', 'b: "No, the answer is mice."'))
    found = quality_messages(tmp_path, text)
    assert found == ["01-demo.yaml: pick: the feedback of wrong option 'b' contains the text "
                     "of right option 'a'"], found


def test_a_prompt_that_contains_a_long_answer(tmp_path):
    answer = "Owning the runbook for the night the model breaks"
    text = bank(single("pick", answer, ("Tuning every hyperparameter of each model",
                                        "Designing a custom network for each task",
                                        "Trying every new assistant that comes out")))
    text = text.replace('prompt: "Which pet?"',
                        'prompt: "Is owning the runbook for the night a duty?"')
    found = quality_messages(tmp_path, text)
    assert "01-demo.yaml: pick: the prompt contains the text of right option 'a'" in found


def test_text_answer_spelled_by_its_hint(tmp_path):
    text = bank("""\
  - id: word
    type: text
    prompt: "Research innovates; engineering ____."
    answer: productionizes
    hint: "The word is built from *production*."
    explanation: "Productionizes."
""")
    found = quality_messages(tmp_path, text)
    assert found == ["01-demo.yaml: word: the hint contains or spells the answer "
                     "'productionizes'"], found


def test_numeric_answer_in_the_incorrect_feedback(tmp_path):
    text = bank("""\
  - id: count
    type: numeric
    prompt: "How many modules from 00 to 10?"
    answer: 11
    feedback: {incorrect: "Count both ends: 00 and 10 make 11."}
    explanation: "Eleven."
""")
    found = quality_messages(tmp_path, text)
    assert found == ["01-demo.yaml: count: the incorrect feedback contains the answer 11"], found


def test_duplicate_options(tmp_path):
    text = bank(single("pick", "Mice", ("Cats", "cats!", "Fish")))
    found = quality_messages(tmp_path, text)
    assert found == ["01-demo.yaml: pick: options 'b' and 'c' have the same text"], found


def test_real_banks_keep_the_longest_answer_share_at_chance():
    banks, _ = lint.lint_banks(BANKS_DIR)
    longest, total, chance = quality.longest_share(banks)
    assert total >= 28
    assert longest / total <= chance / total + quality.OVERALL_MARGIN


def test_answer_shortest_too_often_in_one_bank(tmp_path):
    # Balancing lengths must not move the cue to the other end.
    text = bank(*(single(f"q{i}", "Cat", ("Dogs", "Fish", "Mice")) for i in range(3)))
    found = quality_messages(tmp_path, text)
    assert found == ["01-demo.yaml: 3 of 3 single-choice answers are the shortest option "
                     "(chance: 0.8; at most 1 allowed): balance the option lengths"], found


def test_real_banks_keep_the_shortest_answer_share_at_chance():
    banks, _ = lint.lint_banks(BANKS_DIR)
    shortest, total, chance = quality.longest_share(banks, quality.answer_is_shortest)
    assert shortest / total <= chance / total + quality.OVERALL_MARGIN
