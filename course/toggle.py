"""The 2020 / 2026 identity toggle of module 01."""

from __future__ import annotations

from typing import Any

YEARS: dict[str, dict[str, Any]] = {
    "2020 · I train models": {
        "headline": "The model is the deliverable.",
        "week": [
            "design or adapt a network architecture",
            "run training jobs and tune hyperparameters by hand",
            "hand a trained artifact to another team to deploy",
        ],
        "measured_by": "offline accuracy on a held-out set",
    },
    "2026 · I build AI systems": {
        "headline": "The system around the model is the deliverable.",
        "week": [
            "choose between a hosted API, open weights and a fine-tuned model",
            "build the pipeline: preprocess → model → post-process → serve",
            "watch latency, cost and reliability; respond to drift and incidents",
        ],
        "measured_by": "latency, cost per request, uptime and quality in production",
    },
}


def describe(year: str) -> str:
    """The HTML card shown for one side of the toggle."""
    card = YEARS[year]
    items = "".join(f"<li>{task}</li>" for task in card["week"])
    return (f"<h4>{year}</h4><p><strong>{card['headline']}</strong></p>"
            f"<p>A typical week:</p><ul>{items}</ul>"
            f"<p>Success is measured by: {card['measured_by']}.</p>")


def identity_toggle() -> Any:
    """A ToggleButtons switch between the 2020 and 2026 job, with a description card.

    Where nobody can click (headless runs), both cards are shown side by side as HTML.
    """
    from course.render import widgets_live

    if not widgets_live():
        from IPython.display import HTML

        cards = "".join(f'<div style="flex:1">{describe(year)}</div>' for year in YEARS)
        return HTML(f'<div style="display:flex;gap:2em">{cards}</div>')
    import ipywidgets as widgets

    options = list(YEARS)
    switch = widgets.ToggleButtons(options=options, value=options[0],
                                   description="Year:", tooltips=["The 2020 job", "The 2026 job"])
    card = widgets.HTML(describe(options[0]))

    def show(change: dict[str, Any]) -> None:
        card.value = describe(change["new"])

    switch.observe(show, names="value")
    return widgets.VBox([switch, card])
