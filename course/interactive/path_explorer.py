"""Module 10's decision-tree explorer: tick a profile, see what **your** ``recommend_path`` says.

The criteria paraphrase the career decision tree in Ismat's BirJob article "AI Engineer vs
ML Engineer" (an opinion built from job postings and career guides, not a validated test).
The explorer holds no rule of its own: the path it shows is the answer of the learner's
``recommend_path(profile)`` (module 10, exercise 1), so the widget and the graded function
always agree. What it adds is the profile built from the ticks, the article's next step for
the suggested path, and the warning about the middle when the answer is "both".

:func:`profile` and :func:`suggest` are pure and unit-tested; :func:`explorer` builds the
ipywidgets UI (and plain HTML where nobody can tick a box).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

AI_PATH = "AI engineering"
ML_PATH = "ML engineering"
BOTH = "both"
PATHS = (AI_PATH, ML_PATH, BOTH)

BACKGROUNDS = ("software engineer", "full-stack", "backend", "data scientist", "ml engineer",
               "student", "other")
FLAGS: dict[str, str] = {
    "enjoys_math": "I enjoy mathematics itself, not just tolerate it.",
    "wants_to_ship_fast": "Shipping something this month beats tuning a loss for half a year.",
    "api_not_enough": "I want problems where an API call is not good enough.",
    "cares_about_margins": "Squeezing out another 2% of accuracy matters to me.",
    "small_company": "My company is small: one person covers both jobs.",
    "wants_optionality": "I want to keep as many career doors open as possible.",
}

MIDDLE_WARNING = (
    "\"Both\" means real depth on one side plus working knowledge of the other. Vague "
    "familiarity with both is the riskiest place to be: the market rewards depth."
)
NEXT_STEP: dict[str, str] = {
    AI_PATH: "Build and deploy one LLM-backed feature (a RAG pipeline, say) end to end, in public.",
    ML_PATH: "Train, evaluate and serve one model on tabular or interaction data; write up the "
             "trade-offs you measured.",
    BOTH: "Keep your depth on one side and add the other side's stack through one shipped project.",
}

RecommendFn = Callable[[dict[str, Any]], Any]


def profile(background: str, *flags: str) -> dict[str, Any]:
    """A complete profile: ``background`` plus every flag, True only for those named."""
    if background not in BACKGROUNDS:
        raise ValueError(f"unknown background {background!r}; use one of {', '.join(BACKGROUNDS)}")
    unknown = [flag for flag in flags if flag not in FLAGS]
    if unknown:
        raise ValueError(f"unknown flag(s): {', '.join(unknown)}")
    return {"background": background, **{flag: flag in flags for flag in FLAGS}}


@dataclass(frozen=True)
class Suggestion:
    """What the learner's function said for one profile."""

    path: str
    person: dict[str, Any]

    def html(self) -> str:
        """The suggestion as a short HTML block."""
        ticked = [label for flag, label in FLAGS.items() if self.person[flag]]
        items = "".join(f"<li>{label}</li>" for label in ticked) or "<li>(nothing ticked)</li>"
        warning = f"<p><em>{MIDDLE_WARNING}</em></p>" if self.path == BOTH else ""
        return (f"<p><strong>Suggested path: {self.path}</strong> (from your "
                f"<code>recommend_path</code>)</p><p>Background: {self.person['background']}"
                f"</p><ul>{items}</ul>{warning}<p>Next step: {NEXT_STEP[self.path]}</p>")


def suggest(recommend_fn: RecommendFn, person: dict[str, Any]) -> Suggestion:
    """Ask the learner's ``recommend_fn`` about ``person`` (a copy, so it cannot change it)."""
    if not callable(recommend_fn):
        raise TypeError("the explorer needs your `recommend_path` function, got "
                        f"{type(recommend_fn).__name__}")
    try:
        path = recommend_fn(dict(person))
    except NotImplementedError:
        raise NotImplementedError("your `recommend_path` is not written yet") from None
    if type(path) is not str or path not in PATHS:
        raise ValueError(f"recommend_path returned {path!r}; it should return one of "
                         f"{', '.join(map(repr, PATHS))}")
    return Suggestion(path, dict(person))


def suggestion_html(recommend_fn: RecommendFn, person: dict[str, Any]) -> str:
    """The suggestion block, or a clear message when the function is missing or misbehaves."""
    try:
        return suggest(recommend_fn, person).html()
    except NotImplementedError:
        return ("<p>❌ Your <code>recommend_path</code> is not written yet: the explorer shows "
                "what your function answers.</p>")
    except Exception as error:  # show the learner's error instead of a dead widget
        return (f"<p>❌ The explorer could not use your recommend_path: "
                f"{type(error).__name__}: {error}</p>")


def explorer(recommend_fn: RecommendFn, person: dict[str, Any] | None = None) -> Any:
    """A background menu and a checkbox per flag, with ``recommend_fn``'s live answer.

    Works headless: where nobody can tick a box it shows the starting profile as HTML.
    """
    from course.render import widgets_live

    start = dict(person) if person is not None else profile("student")
    profile(start["background"], *(flag for flag in FLAGS if start.get(flag)))  # fail early
    if not widgets_live():
        from IPython.display import HTML

        return HTML(suggestion_html(recommend_fn, start))
    import ipywidgets as widgets

    background = widgets.Dropdown(options=list(BACKGROUNDS), value=start["background"],
                                  description="Background", style={"description_width": "90px"})
    boxes = {flag: widgets.Checkbox(value=bool(start.get(flag)), description=label,
                                    indent=False, layout=widgets.Layout(width="auto"))
             for flag, label in FLAGS.items()}
    result = widgets.HTML()

    def refresh(_change: Any = None) -> None:
        ticked = (flag for flag, box in boxes.items() if box.value)
        result.value = suggestion_html(recommend_fn, profile(background.value, *ticked))

    for control in (background, *boxes.values()):
        control.observe(refresh, names="value")
    refresh()
    return widgets.VBox([background, *boxes.values(), result])
