"""Module 10: the path explorer runs the learner's ``recommend_path`` (no rule of its own);
``course.checks.m10`` holds no reference and rejects wrong answers; the hidden test is
self-contained, accepts the solution notebook's answer and rejects wrong ones (more in
tests/mutants/m10_career_paths.py). The notebook's quizzes and grade ids, and its release, are
checked in tests/content/test_shared.py."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from course.checks import CheckFailed, m10
from course.interactive import path_explorer as pe
from tests.content.solved import hidden_tests_grade, hidden_tests_self_contained, solution_of
from tests.lookalikes import AlwaysEqual, EqualStr
from tests.notebook_tools import ROOT

recommend_path = solution_of("10-career-paths", "recommend-path", "recommend_path")


# --- the notebook -------------------------------------------------------------------------


# --- path explorer -----------------------------------------------------------------------------


def test_do_this_next_sends_the_learner_on_to_11_and_12() -> None:
    """The course's last numbered module ends by pointing at the lab and the capstone that came
    after it, with links that open from notebooks/ in JupyterLab."""
    module = "10-career-paths"
    nb = json.loads((ROOT / "notebooks" / module / f"{module}.ipynb").read_text("utf-8"))
    markdown = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    next_steps = markdown.split("## Do this next", 1)[1].split("## Further reading", 1)[0]
    links = re.findall(r"\]\(\.\./([\w-]+)/([\w-]+)\.ipynb\)", next_steps)
    assert [slug for slug, _ in links] == ["11-context-engineering", "12-capstone"]
    for slug, name in links:
        assert name == slug and (ROOT / "notebooks" / slug / f"{slug}.ipynb").is_file()


def _broken(*args: Any) -> Any:
    raise NotImplementedError()


def test_explorer_holds_no_rule_of_its_own() -> None:
    assert not hasattr(pe, "recommend") and not hasattr(pe, "AI_CRITERIA")
    person = pe.profile("student", "enjoys_math")
    assert pe.suggest(lambda p: "both", person).path == "both"
    assert pe.suggest(lambda p: "ML engineering", person).path == "ML engineering"


def test_explorer_and_graded_function_agree_on_every_profile() -> None:
    solve = recommend_path()
    for background in pe.BACKGROUNDS:
        for flags in ((), ("enjoys_math",), ("wants_to_ship_fast", "api_not_enough"),
                      ("small_company",)):
            person = pe.profile(background, *flags)
            assert pe.suggest(solve, person).path == solve(dict(person))


def test_student_with_no_signal_gets_the_articles_student_advice() -> None:
    assert pe.suggest(recommend_path(), pe.profile("student")).path == pe.AI_PATH


def test_suggestion_explains_and_warns() -> None:
    result = pe.suggest(recommend_path(), pe.profile("backend", "small_company"))
    html = result.html()
    assert result.path == pe.BOTH and pe.MIDDLE_WARNING in html
    assert pe.FLAGS["small_company"] in html and pe.NEXT_STEP[pe.BOTH] in html


def test_suggest_rejects_bad_answers_and_profiles() -> None:
    with pytest.raises(ValueError, match="unknown"):
        pe.profile("astronaut")
    with pytest.raises(ValueError, match="unknown"):
        pe.profile("student", "likes_cats")
    with pytest.raises(ValueError, match="one of"):
        pe.suggest(lambda p: "Both", pe.profile("student"))
    with pytest.raises(NotImplementedError, match="recommend_path"):
        pe.suggest(_broken, pe.profile("student"))
    assert "not written yet" in pe.suggestion_html(_broken, pe.profile("student"))


def test_suggest_passes_a_copy() -> None:
    person = pe.profile("student")

    def meddle(p: dict) -> str:
        p["background"] = "backend"
        return "both"

    pe.suggest(meddle, person)
    assert person["background"] == "student"


def test_explorer_widget_is_headless_and_reacts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COURSE_WIDGETS", "live")
    widget = pe.explorer(recommend_path(), pe.profile("other", "enjoys_math"))
    result = widget.children[-1]
    assert "Suggested path: ML engineering" in result.value
    boxes = {c.description: c for c in widget.children if c.description in pe.FLAGS.values()}
    assert len(boxes) == len(pe.FLAGS)
    boxes[pe.FLAGS["small_company"]].value = True
    assert "Suggested path: both" in result.value
    boxes[pe.FLAGS["small_company"]].value = False
    boxes[pe.FLAGS["enjoys_math"]].value = False
    widget.children[0].value = "student"
    assert "Suggested path: AI engineering" in result.value


def test_where_nobody_can_click_the_explorer_is_plain_html(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COURSE_WIDGETS", "static")
    explorer_html = pe.explorer(recommend_path(), pe.profile("other", "enjoys_math"))._repr_html_()
    assert pe.FLAGS["enjoys_math"] in explorer_html and pe.ML_PATH in explorer_html


# --- m10 ----------------------------------------------------------------------------------------


def test_m10_accepts_the_solution() -> None:
    m10.check_recommend_path(recommend_path())


def test_m10_checks_hold_no_reference() -> None:
    text = (ROOT / "course" / "checks" / "m10.py").read_text("utf-8")
    assert "digest" not in text and "sha256" not in text


def _wrong_path(kind: str) -> Callable[[dict], Any]:
    good = recommend_path()

    def wrapped(person: dict) -> Any:
        answer = good(person)
        if kind == "always-equal":
            return AlwaysEqual()
        if kind == "equal-str":
            return EqualStr(answer)
        if kind == "lowercase":
            return answer.lower()
        if kind == "list":
            return [answer]
        if kind == "always-both":
            return "both"
        if kind == "mutates":
            person["background"] = "student"
            return answer
        if kind == "no-signal-both":
            signal = any(person[f] for f in m10.FLAGS) or person["background"] in m10.SOFTWARE
            return answer if signal else "both"
        if kind == "counts-first":
            return "AI engineering" if person["small_company"] else answer
        raise AssertionError(kind)

    return wrapped


@pytest.mark.parametrize("kind", ["always-equal", "equal-str", "lowercase", "list",
                                  "always-both", "mutates", "no-signal-both", "counts-first"])
def test_m10_rejects_wrong_answers(kind: str) -> None:
    with pytest.raises(CheckFailed):
        m10.check_recommend_path(_wrong_path(kind))


# --- the hidden tests in the notebook -----------------------------------------------------


HIDDEN = [
    ("10-career-paths", "recommend-path", "recommend_path", recommend_path,
     [lambda: _wrong_path("always-equal"), lambda: _wrong_path("equal-str"),
      lambda: _wrong_path("always-both"), lambda: _wrong_path("no-signal-both"),
      lambda: _wrong_path("mutates"), lambda: _wrong_path("list")]),
]

test_hidden_tests_accept_the_solution_and_reject_wrong_answers = hidden_tests_grade(HIDDEN)
test_hidden_tests_are_self_contained = hidden_tests_self_contained(HIDDEN)
