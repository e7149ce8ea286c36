"""Module 10's decision-tree explorer: AI engineering, ML engineering, or both?

The criteria paraphrase the career decision tree in Ismat's BirJob article "AI Engineer vs
ML Engineer" (an opinion built from job postings and career guides, not a validated test).
The rule used here is the course's reading of it:

1. if any "consider both" criterion holds → **both**;
2. otherwise count the ticked AI and ML criteria; the larger count wins;
3. a tie (with at least one tick) → **both**; nothing ticked → **undecided**.

:func:`recommend` is pure and unit-tested; :func:`explorer` builds the ipywidgets UI.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

AI_PATH = "AI engineering"
ML_PATH = "ML engineering"
BOTH = "both"
UNDECIDED = "undecided"

AI_CRITERIA: dict[str, str] = {
    "ai_background": "My background is software, backend or full-stack engineering.",
    "ai_products": "I want to build products fast on top of models that already exist.",
    "ai_systems": "APIs, system design and deployment feel like home to me.",
    "ai_ship": "Shipping something this month beats tuning a loss for half a year.",
    "ai_no_degree": "I have no graduate degree in maths or CS, and don't plan one.",
}
ML_CRITERIA: dict[str, str] = {
    "ml_math": "I enjoy mathematics itself, not just tolerate it.",
    "ml_beyond_api": "I want problems where an API call is not good enough.",
    "ml_margins": "Squeezing out another 2% of accuracy matters to me.",
    "ml_domains": "Fraud, recommendations, self-driving or drug discovery draw me in.",
    "ml_long_cycles": "Long iteration cycles and deep specialisation suit me.",
}
BOTH_CRITERIA: dict[str, str] = {
    "both_ml_engineer": "I'm already an ML engineer and want to stay relevant.",
    "both_small_company": "My company is small: one person covers both jobs.",
    "both_optionality": "I want to keep as many career doors open as possible.",
}
GROUPS: dict[str, dict[str, str]] = {
    "Points towards AI engineering": AI_CRITERIA,
    "Points towards ML engineering": ML_CRITERIA,
    "Reasons to consider both": BOTH_CRITERIA,
}
ALL_CRITERIA: dict[str, str] = {**AI_CRITERIA, **ML_CRITERIA, **BOTH_CRITERIA}

MIDDLE_WARNING = (
    "\"Both\" means real depth on one side plus working knowledge of the other. Vague "
    "familiarity with both is the riskiest place to be: the market rewards depth."
)
NEXT_STEP: dict[str, str] = {
    AI_PATH: "Build and deploy one LLM-backed feature (a RAG pipeline, say) end to end, in public.",
    ML_PATH: "Train, evaluate and serve one model on tabular or interaction data; write up the "
             "trade-offs you measured.",
    BOTH: "Keep your depth on one side and add the other side's stack through one shipped project.",
    UNDECIDED: "Tick the statements that are true for you.",
}


@dataclass(frozen=True)
class Recommendation:
    """The explorer's answer: the path, the scores and the reasons in plain sentences."""

    path: str
    ai_score: int
    ml_score: int
    reasons: tuple[str, ...]

    def html(self) -> str:
        """The recommendation as a short HTML block."""
        items = "".join(f"<li>{reason}</li>" for reason in self.reasons)
        return (f"<p><strong>Suggested path: {self.path}</strong> "
                f"(AI points {self.ai_score}, ML points {self.ml_score})</p><ul>{items}</ul>"
                f"<p>Next step: {NEXT_STEP[self.path]}</p>")


def recommend(selected: Iterable[str]) -> Recommendation:
    """Apply the decision tree to the ids of the criteria that hold (see the module doc)."""
    chosen = set(selected)
    unknown = sorted(chosen - set(ALL_CRITERIA))
    if unknown:
        raise ValueError(f"unknown criteria: {', '.join(unknown)}")
    ai = [key for key in AI_CRITERIA if key in chosen]
    ml = [key for key in ML_CRITERIA if key in chosen]
    both = [key for key in BOTH_CRITERIA if key in chosen]
    if both:
        reasons = [f"You said: {BOTH_CRITERIA[key]}" for key in both]
        reasons.append("Any one 'consider both' reason is enough for the tree to suggest both.")
        return Recommendation(BOTH, len(ai), len(ml), (*reasons, MIDDLE_WARNING))
    if not ai and not ml:
        return Recommendation(UNDECIDED, 0, 0, ("Nothing ticked yet.",))
    if len(ai) == len(ml):
        return Recommendation(BOTH, len(ai), len(ml), (
            f"AI and ML points are level ({len(ai)} each): the tree cannot split them.",
            MIDDLE_WARNING))
    path, keys, table = (AI_PATH, ai, AI_CRITERIA) if len(ai) > len(ml) else (ML_PATH, ml,
                                                                               ML_CRITERIA)
    reasons = [f"You said: {table[key]}" for key in keys]
    reasons.append(f"{len(ai)} AI point(s) against {len(ml)} ML point(s).")
    return Recommendation(path, len(ai), len(ml), tuple(reasons))


def explorer(selected: Iterable[str] = ()) -> Any:
    """Checkboxes for every criterion and a live recommendation. Works headless."""
    from course.render import widgets_live

    start = set(selected)
    first = recommend(start)  # fail early on unknown ids
    if not widgets_live():  # nobody can tick a box: list the criteria and the result as HTML
        from IPython.display import HTML

        lists = "".join(
            f"<p><strong>{title}</strong></p><ul>"
            + "".join(f"<li>{'☑' if key in start else '☐'} {label}</li>" for key, label in criteria.items())
            + "</ul>" for title, criteria in GROUPS.items())
        return HTML(lists + first.html())
    import ipywidgets as widgets

    boxes: dict[str, Any] = {}
    columns = []
    for title, criteria in GROUPS.items():
        group = []
        for key, label in criteria.items():
            box = widgets.Checkbox(value=key in start, description=label, indent=False,
                                   layout=widgets.Layout(width="auto"))
            boxes[key] = box
            group.append(box)
        columns.append(widgets.VBox([widgets.HTML(f"<strong>{title}</strong>"), *group]))
    result = widgets.HTML()

    def refresh(_change: Any = None) -> None:
        result.value = recommend(key for key, box in boxes.items() if box.value).html()

    for box in boxes.values():
        box.observe(refresh, names="value")
    refresh()
    return widgets.VBox([*columns, result])
