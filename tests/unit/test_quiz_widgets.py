"""Drive the quiz widgets from Python as a learner would: set values, click, read feedback."""

from __future__ import annotations

import html
import json
import os
import re
import textwrap

import pytest

ipywidgets = pytest.importorskip("ipywidgets")

from course import progress, quiz  # noqa: E402
from course.quiz.bank import BankError  # noqa: E402

MODULE = "01-identity-shift"


@pytest.fixture(autouse=True)
def learner(tmp_path, monkeypatch):
    """Every test gets its own progress file and a fixed learner id."""
    monkeypatch.setenv("COURSE_PROGRESS", str(tmp_path / "progress.json"))
    monkeypatch.setenv("COURSE_LEARNER", "tester")
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.delenv("COURSE_QUIZ_STATIC", raising=False)
    monkeypatch.setenv("COURSE_WIDGETS", "live")  # as in JupyterLab: a person can click
    return "tester"


def text_of(widget) -> str:
    """The visible text of an HTML widget."""
    return html.unescape(re.sub(r"<[^>]+>", " ", widget.value))


def answer(question, value) -> str:
    """Type or pick ``value`` in a question's control, click Check, return the feedback."""
    question.control.value = value
    question.check_button.click()
    return text_of(question.feedback)


def visible(widget) -> bool:
    return widget.layout.display != "none"


def ask_one(qid: str):
    group = quiz.ask(MODULE, qid)
    return group, group[0]


def test_single_wrong_then_right_with_feedback_and_explanation():
    group, q = ask_one("identity-2026")
    assert q.control.description  # labelled control
    assert "❌ Not yet" in answer(q, "reverse")
    assert "backwards" in text_of(q.feedback)  # the option's own feedback
    assert q.explanation.value == ""  # explanation waits for a right answer
    assert "✅ Correct" in answer(q, "systems")
    assert "(attempt 2)" in text_of(q.feedback)
    assert "commodity" in text_of(q.explanation)
    assert "Score: 1/1 points" in text_of(group.score_line)


def test_no_choice_is_explained_and_not_counted():
    _, q = ask_one("identity-2026")
    q.check_button.click()
    assert "Pick one option" in text_of(q.feedback)
    assert q.attempts == 0
    assert progress.attempts() == []


def test_multiple_partial_credit_message_and_rule():
    group, q = ask_one("growing-skills")
    q.boxes["integration"].value = True
    q.boxes["evaluation"].value = True
    q.boxes["tuning"].value = True
    q.check_button.click()
    feedback = text_of(q.feedback)
    assert "◑ Partly right" in feedback
    assert "2 of 4 right options picked, 1 wrong pick" in feedback
    assert "0.5/2 points" in feedback
    assert "right picks minus wrong picks" in text_of(q.rule)  # rule stated in the widget
    assert "Score: 0.5/2 points" in text_of(group.score_line)
    assert all(box.description for box in q.boxes.values())


def test_multiple_all_right():
    _, q = ask_one("growing-skills")
    for key in ("integration", "evaluation", "observability", "incidents"):
        q.boxes[key].value = True
    q.check_button.click()
    assert "✅ Correct: 2/2 points" in text_of(q.feedback)


def test_numeric_invalid_text_then_formats_and_tolerance():
    _, q = ask_one("commodity-share")
    assert "is not a number" in answer(q, "thirty")
    assert q.attempts == 0
    assert "❌ Not yet" in answer(q, "31")
    assert "Divide" in text_of(q.feedback)
    assert "✅ Correct" in answer(q, "30.5%")
    assert "%" in q.control.description


def test_text_alternatives_case_and_spaces():
    _, q = ask_one("handoff")
    assert "❌ Not yet" in answer(q, "innovates")
    assert "✅ Correct" in answer(q, "  ai PRODUCT Engineers ")


def test_ordering_with_move_buttons_partial_then_right():
    group, q = ask_one("pipeline-order")
    target = ["preprocess", "model", "postprocess", "serve"]
    assert q.get_answer() != target
    assert q.up_button.description == "Move up" and q.listbox.description
    # Put "serve" last, giving 1 of 3 pairs (postprocess→serve) at most if others are off.
    q.listbox.value = "serve"
    for _ in range(4):
        q.down_button.click()
    assert q.get_answer()[-1] == "serve"
    assert q.listbox.value == "serve"  # the moved item stays selected
    # Sort the rest with the up button: bubble each target item to its place.
    for position, key in enumerate(target):
        q.listbox.value = key
        while q.get_answer().index(key) > position:
            q.up_button.click()
    assert q.get_answer() == target
    assert [label.split(". ", 1)[0] for label, _ in q.listbox.options] == ["1", "2", "3", "4"]
    q.check_button.click()
    assert "✅ Correct: 2/2 points" in text_of(q.feedback)


def test_ordering_partial_credit_in_widget():
    _, q = ask_one("pipeline-order")
    q.set_answer(["preprocess", "model", "serve", "postprocess"])
    q.check_button.click()
    assert "◑ Partly right" in text_of(q.feedback)
    assert "1 of 3 neighbouring pairs" in text_of(q.feedback)


def test_show_answer_appears_after_two_attempts_and_then_earns_nothing():
    group, q = ask_one("identity-2026")
    assert not visible(q.answer_button)
    answer(q, "same")
    assert not visible(q.answer_button)
    q.check_button.click()
    assert visible(q.answer_button)
    q.answer_button.click()
    assert "I build AI systems" in text_of(q.answer_box)
    assert "commodity" in text_of(q.explanation)
    assert "earns no points" in answer(q, "systems")
    assert "Score: 0/1 points" in text_of(group.score_line)
    assert progress.attempts()[-1]["score"] == 0


def test_hint_button_toggles_and_is_hidden_without_hint():
    _, q = ask_one("identity-2026")
    assert visible(q.hint_button) and not visible(q.hint)
    q.hint_button.click()
    assert visible(q.hint) and "AutoML" in text_of(q.hint)
    q.hint_button.click()
    assert not visible(q.hint)
    _, ordering = ask_one("pipeline-order")  # this one has no hint
    assert not visible(ordering.hint_button)


def test_option_order_is_stable_per_learner_and_differs_between_learners(monkeypatch):
    def order():
        return list(ask_one("growing-skills")[1].boxes)

    first = order()
    assert order() == first
    orders = set()
    for name in ("ana", "ben", "chen", "dara"):
        monkeypatch.setenv("COURSE_LEARNER", name)
        orders.add(tuple(order()))
    assert len(orders) > 1
    monkeypatch.setenv("COURSE_LEARNER", "tester")
    assert order() == first


def test_random_learner_id_is_created_once_and_kept(monkeypatch, tmp_path):
    monkeypatch.delenv("COURSE_LEARNER")
    single = [k for _, k in ask_one("identity-2026")[1].control.options]
    stored = json.loads((tmp_path / "progress.json").read_text())["learner_id"]
    assert stored and stored.startswith("learner-")
    assert [k for _, k in ask_one("identity-2026")[1].control.options] == single
    assert progress.learner_id() == stored


def test_reopening_shows_answered_before_and_last_answer():
    _, q = ask_one("identity-2026")
    answer(q, "reverse")
    answer(q, "systems")
    group, again = ask_one("identity-2026")
    shown = text_of(again.previous)
    assert "Answered before: ✅ correct on attempt 2" in shown
    assert "I build AI systems" in shown
    assert again.control.value == "systems"
    assert "Score: 1/1 points" in text_of(group.score_line)


def test_attempts_are_saved_with_the_contracted_fields():
    _, q = ask_one("commodity-share")
    answer(q, "1,300,000")
    (record,) = progress.attempts(MODULE, "commodity-share")
    assert record["answer"] == "1,300,000"
    assert record["correct"] is False and record["score"] == 0 and record["points"] == 1
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", record["timestamp"])


def test_group_score_line_over_several_questions():
    group = quiz.ask(MODULE, "identity-2026", "handoff", "commodity-share")
    assert "Score: 0/3 points" in text_of(group.score_line)
    answer(group[0], "systems")
    answer(group[1], "AI product engineer")
    assert "Score: 2/3 points" in text_of(group.score_line)


def test_unknown_question_or_module_is_a_clear_error():
    with pytest.raises(BankError, match="no question 'nope'.*identity-2026"):
        quiz.ask(MODULE, "nope")
    with pytest.raises(BankError, match="no quiz bank"):
        quiz.ask("99-missing", "x")
    with pytest.raises(BankError, match="at least one question id"):
        quiz.ask(MODULE)


def test_mimebundle_has_widget_view_and_static_html():
    group = quiz.ask(MODULE, "identity-2026")
    bundle = group._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == group.box.model_id
    assert "course-quiz" in bundle["text/html"]
    assert "identity-2026" in bundle["text/plain"]


def test_unwritable_progress_does_not_break_the_quiz(monkeypatch):
    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(progress, "record", boom)
    _, q = ask_one("handoff")
    assert "✅ Correct" in answer(q, "AI product engineer")
    assert "could not be saved" in text_of(q.feedback)


@pytest.mark.parametrize("env", [{"NBGRADER_EXECUTION": "autograde"}, {"COURSE_QUIZ_STATIC": "1"}])
def test_headless_runs_get_static_html_only(monkeypatch, env):
    monkeypatch.delenv("COURSE_WIDGETS")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    bundle = quiz.ask(MODULE, "identity-2026")._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" not in bundle
    assert "Show answer and explanation" in bundle["text/html"]


def test_widgets_record_in_the_store_they_are_given(tmp_path):
    store = progress.MemoryStore("ana")
    q = quiz.ask(MODULE, "identity-2026", store=store)[0]
    answer(q, "reverse")
    answer(q, "systems")
    assert [(a["answer"], a["correct"], a["attempt"]) for a in store.attempts()] == [
        ("reverse", False, 1), ("systems", True, 2)]
    assert not (tmp_path / "progress.json").exists()  # the learner's file was not touched
    again = quiz.ask(MODULE, "identity-2026", store=store)[0]
    assert "Answered before: ✅ correct on attempt 2" in text_of(again.previous)
    assert quiz.ask(MODULE, "identity-2026")[0].previous.value == ""  # the file store is empty


def test_options_are_shuffled_by_the_stores_learner():
    def order(name: str) -> list[str]:
        store = progress.MemoryStore(name)
        return [k for _, k in quiz.ask(MODULE, "identity-2026", store=store)[0].control.options]

    assert order("ana") == order("ana")
    assert len({tuple(order(n)) for n in ("ana", "ben", "chen", "dara")}) > 1


def test_listeners_hear_each_checked_answer_and_cannot_break_the_quiz():
    from course.quiz import events

    heard = []

    def listen(question, answer, correct, attempt):
        heard.append((question.id, answer, correct, attempt))

    def broken(*args):
        raise RuntimeError("listener down")

    events.subscribe(broken)
    events.subscribe(listen)
    try:
        q = quiz.ask(MODULE, "handoff", store=progress.MemoryStore())[0]
        answer(q, "AI product engineer")
    finally:
        events.unsubscribe(broken)
        events.unsubscribe(listen)
    assert heard == [("handoff", "AI product engineer", True, 1)]
    assert "✅ Correct" in text_of(q.feedback)


def test_setup_alone_lets_a_joined_room_hear_answers(tmp_path):
    """A learner who joined a room earlier restarts the kernel and runs only setup(): the
    room still hears the next answer (quiz itself does not import the room)."""
    import subprocess
    import sys

    script = textwrap.dedent(f"""
        import sys
        from course import setup, quiz
        setup(quiet=True)
        assert "course.room" in sys.modules, "setup() did not load the room listener"
        from course.room import client
        heard = []
        client.send = lambda *args: heard.append(args)
        q = quiz.ask({MODULE!r}, "handoff")[0]
        q.control.value = "AI product engineer"
        q.check_button.click()
        print(heard)
    """)
    env = {**os.environ, "COURSE_PROGRESS": str(tmp_path / "progress.json"),
           "COURSE_LEARNER": "tester", "COURSE_WIDGETS": "live", "COURSE_RENDERER": "svg"}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "('01-identity-shift', 'handoff', 'text', 'AI product engineer', True, 1)" \
        in out.stdout
