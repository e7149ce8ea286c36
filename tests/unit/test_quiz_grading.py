"""Pure scoring rules of course.quiz.grading: no widgets, no files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from course.quiz import grading
from course.quiz.bank import validate_bank
from course.quiz.grading import AnswerFormatError


def make_q(**fields):
    """A validated question built from YAML-like fields."""
    base = {"id": "q", "prompt": "Prompt?", "explanation": "Because."}
    base.update(fields)
    bank, problems = validate_bank({"module": "m", "questions": [base]}, Path("m.yaml"))
    assert problems == [], problems
    return bank.questions["q"]


SINGLE = dict(type="single", options={"a": "A", "b": "B", "c": "C"}, answer="b",
              feedback={"a": "no a", "b": "yes b", "c": "no c"})
MULTI = dict(type="multiple", points=3, options={"a": "A", "b": "B", "c": "C", "d": "D"},
             answer=["a", "b", "c"], feedback={k: f"fb {k}" for k in "abcd"})
ORDER = dict(type="ordering", points=3, options={"p": "P", "m": "M", "o": "O", "s": "S"},
             answer=["p", "m", "o", "s"])


def test_importing_grading_does_not_import_widgets_or_pandas():
    code = ("import sys, course.quiz.grading, course.quiz.bank, course.quiz.lint; "
            "print(sorted(m for m in ('ipywidgets', 'pandas', 'altair', 'yaml') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"


class TestSingle:
    def test_right_option_scores_full_points(self):
        result = grading.grade(make_q(**SINGLE), "b")
        assert result.correct and result.score == 1
        assert result.message.startswith("✅ Correct")
        assert result.option_feedback == ["yes b"]

    def test_wrong_option_scores_nothing_and_gives_its_feedback(self):
        result = grading.grade(make_q(**SINGLE), "c")
        assert not result.correct and result.score == 0
        assert result.message.startswith("❌ Not yet")
        assert result.option_feedback == ["no c"]

    def test_no_choice_is_a_format_error_not_an_attempt(self):
        with pytest.raises(AnswerFormatError, match="Pick one"):
            grading.grade(make_q(**SINGLE), None)


class TestMultiple:
    @pytest.mark.parametrize(
        ("picks", "score", "head"),
        [
            (["a", "b", "c"], 3.0, "✅ Correct"),
            (["a", "b"], 2.0, "◑ Partly right"),
            (["a", "b", "d"], 1.0, "◑ Partly right"),  # 2 right − 1 wrong = 1 of 3
            (["a", "d"], 0.0, "❌ Not yet"),  # 1 − 1 = 0
            (["d"], 0.0, "❌ Not yet"),  # floored at 0, never negative
            (["a", "b", "c", "d"], 2.0, "◑ Partly right"),  # 3 − 1 = 2 of 3
        ],
    )
    def test_net_correct_rule(self, picks, score, head):
        result = grading.grade(make_q(**MULTI), picks)
        assert result.score == pytest.approx(score)
        assert result.message.startswith(head)

    def test_partial_message_counts_right_and_wrong_picks(self):
        result = grading.grade(make_q(**MULTI), ["a", "b", "d"])
        assert "2 of 3 right options picked, 1 wrong pick" in result.message
        assert result.partial and not result.correct

    def test_feedback_for_each_ticked_option(self):
        result = grading.grade(make_q(**MULTI), ["d", "a"])
        assert result.option_feedback == ["fb a", "fb d"]


class TestNumeric:
    @pytest.mark.parametrize(
        ("text", "value"),
        [
            ("30", 30), (" 30 ", 30), ("-2.5", -2.5), ("1e6", 1e6), (".5", 0.5),
            ("1,300,000", 1_300_000), ("1 300 000", 1_300_000), ("1_300_000", 1_300_000),
            ("1,300,000.25", 1_300_000.25), ("3/4", 0.75), ("12.5%", 12.5), ("30 %", 30),
            ("1.3M", 1_300_000), ("2k", 2000), ("1.5 billion", 1.5e9), ("$120,000", 120_000),
            ("\u22124", -4),
        ],
    )
    def test_parses_what_learners_type(self, text, value):
        assert grading.parse_number(text) == pytest.approx(value)

    @pytest.mark.parametrize("text", ["thirty", "", "12..5", "1,30,0", "abc%", "3/x"])
    def test_text_that_is_not_a_number_gets_a_clear_message(self, text):
        with pytest.raises(AnswerFormatError, match="number"):
            grading.parse_number(text)

    def test_decimal_comma_is_explained(self):
        with pytest.raises(AnswerFormatError, match="dot for decimals"):
            grading.parse_number("12,5")

    def test_division_by_zero_is_explained(self):
        with pytest.raises(AnswerFormatError, match="0 below the line"):
            grading.parse_number("3/0")

    @pytest.mark.parametrize(
        ("text", "correct"),
        [("30", True), ("30.5", True), ("29.5", True), ("30.51", False), ("29.49", False),
         ("30%", True), ("0.3", False)],
    )
    def test_absolute_tolerance_edges_are_inclusive(self, text, correct):
        q = make_q(type="numeric", answer=30, abs_tol=0.5, unit="%")
        assert grading.grade(q, text).correct is correct

    @pytest.mark.parametrize(("text", "correct"),
                             [("1,300,000", True), ("1.365M", True), ("1.2349M", False)])
    def test_relative_tolerance(self, text, correct):
        q = make_q(type="numeric", answer=1_300_000, rel_tol=0.05)
        assert grading.grade(q, text).correct is correct

    def test_either_tolerance_is_enough(self):
        q = make_q(type="numeric", answer=100, abs_tol=1, rel_tol=0.1)
        assert grading.grade(q, "109").correct  # outside abs_tol, inside rel_tol

    def test_without_tolerance_the_answer_must_be_exact(self):
        q = make_q(type="numeric", answer=0.75)
        assert grading.grade(q, "3/4").correct
        assert not grading.grade(q, "0.751").correct

    def test_feedback_messages(self):
        q = make_q(type="numeric", answer=30, abs_tol=0.5,
                   feedback={"correct": "nice", "incorrect": "divide"})
        assert grading.grade(q, "40").option_feedback == ["divide"]
        assert grading.grade(q, "30").option_feedback == ["nice"]


class TestText:
    Q = dict(type="text", answer="productionizes", accept=["productionises", "Productionize"])

    @pytest.mark.parametrize("text", ["productionizes", "  PRODUCTIONISES ", "productionize.",
                                      '"Productionizes"', "productionize!"])
    def test_accepted_alternatives_any_case_and_spacing(self, text):
        assert grading.grade(make_q(**self.Q), text).correct

    def test_inner_whitespace_is_collapsed(self):
        q = make_q(type="text", answer="course check")
        assert grading.grade(q, "Course    check").correct

    @pytest.mark.parametrize("text", ["innovates", "production izes", "productionizer"])
    def test_other_words_are_wrong(self, text):
        result = grading.grade(make_q(**self.Q), text)
        assert not result.correct and result.message.startswith("❌ Not yet")

    def test_empty_answer_is_a_format_error(self):
        with pytest.raises(AnswerFormatError):
            grading.grade(make_q(**self.Q), "   ")


class TestOrdering:
    def test_right_order(self):
        result = grading.grade(make_q(**ORDER), ["p", "m", "o", "s"])
        assert result.correct and result.score == 3

    def test_adjacent_pairs_rule_gives_partial_credit(self):
        result = grading.grade(make_q(**ORDER), ["p", "m", "s", "o"])  # only p-m right
        assert result.score == pytest.approx(1.0)
        assert "1 of 3 neighbouring pairs" in result.message
        assert result.message.startswith("◑ Partly right")

    def test_reversed_order_scores_nothing(self):
        result = grading.grade(make_q(**ORDER), ["s", "o", "m", "p"])
        assert result.score == 0 and result.message.startswith("❌ Not yet")

    def test_a_shifted_block_keeps_credit_for_its_inner_pairs(self):
        result = grading.grade(make_q(**ORDER), ["s", "p", "m", "o"])
        assert result.score == pytest.approx(2.0)

    def test_items_must_each_be_used_once(self):
        with pytest.raises(AnswerFormatError):
            grading.grade(make_q(**ORDER), ["p", "p", "o", "s"])

    def test_start_order_is_never_already_solved(self):
        q = make_q(**ORDER)
        for learner in (f"learner-{i}" for i in range(50)):
            assert grading.ordering_start(learner, q) != q.answers


class TestShuffle:
    KEYS = [f"k{i}" for i in range(8)]

    def test_same_learner_same_order_every_time(self):
        first = grading.stable_order("alice", "q1", self.KEYS)
        assert grading.stable_order("alice", "q1", list(self.KEYS)) == first
        assert sorted(first) == self.KEYS

    def test_different_learners_get_different_orders(self):
        assert grading.stable_order("alice", "q1", self.KEYS) != grading.stable_order(
            "bob", "q1", self.KEYS)

    def test_questions_are_shuffled_independently(self):
        assert grading.stable_order("alice", "q1", self.KEYS) != grading.stable_order(
            "alice", "q2", self.KEYS)


def test_answer_text_for_show_answer():
    assert grading.answer_text(make_q(**SINGLE)) == "B"
    assert grading.answer_text(make_q(**ORDER)) == "P → M → O → S"
    assert "30 %" in grading.answer_text(make_q(type="numeric", answer=30, abs_tol=0.5,
                                                unit="%"))
