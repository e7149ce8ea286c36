"""Every live widget a learner meets has a text alternative: each control an accessible name
(ipywidgets turns ``description`` into a label and ``tooltip`` into a title), and every chart
drawn inside a widget an ``aria-label``."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import ipywidgets as widgets
import pytest

CONTROLS = (widgets.Button, widgets.Checkbox, widgets.Dropdown, widgets.ToggleButtons,
            widgets.RadioButtons, widgets.Text, widgets.Select, widgets.FloatSlider,
            widgets.FloatLogSlider, widgets.IntSlider)


def _walk(widget: Any) -> Iterator[Any]:
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def _toggle() -> Any:
    from course.toggle import identity_toggle

    return identity_toggle()


def _explorer() -> Any:
    from course.interactive.path_explorer import explorer

    return explorer(lambda person: "both")


def _reveal() -> Any:
    from course.model_answers import reveal_model_answer

    box = reveal_model_answer("action-plan-manual")
    box.children[0].click()  # open, so the revealed text is checked too
    return box


def _quiz() -> Any:
    from course import quiz

    group = quiz.ask("01-identity-shift", "identity-2026", "growing-skills", "pipeline-order",
                     "handoff", "commodity-share")
    return group.box


def _calculator() -> Any:
    from course.interactive.cost_calculator import Scenario, calculator

    def monthly_cost(tps, tokens_per_request, price_per_1k_tokens):
        return tps * 30 * 24 * 3600 * tokens_per_request / 1000 * price_per_1k_tokens

    def decide(situation):
        return "in-house model", ["the API is too slow for the budget"]

    return calculator(Scenario(), cost_fn=monthly_cost, decide_fn=decide)


WIDGETS: dict[str, Callable[[], Any]] = {
    "identity toggle (01)": _toggle, "path explorer (10)": _explorer, "cost calculator (08)": _calculator,
    "model answer reveal": _reveal, "quiz": _quiz,
}


@pytest.fixture(autouse=True)
def _live(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_WIDGETS", "live")
    monkeypatch.setenv("COURSE_PROGRESS", str(tmp_path / "progress.json"))
    monkeypatch.delenv("COURSE_MODEL_ANSWERS", raising=False)


@pytest.mark.parametrize("name", sorted(WIDGETS))
def test_every_control_has_an_accessible_name(name):
    controls = [w for w in _walk(WIDGETS[name]()) if isinstance(w, CONTROLS)]
    assert controls, f"{name}: no controls found"
    def named(control: Any) -> bool:
        return bool(str(getattr(control, "description", "") or "").strip()
                    or str(getattr(control, "tooltip", "") or "").strip())

    nameless = [type(w).__name__ for w in controls if not named(w)]
    assert nameless == [], f"{name}: controls without a description or tooltip: {nameless}"


@pytest.mark.parametrize("name", sorted(WIDGETS))
def test_charts_inside_widgets_are_labelled(name):
    html = " ".join(w.value for w in _walk(WIDGETS[name]()) if isinstance(w, widgets.HTML))
    if name == "cost calculator (08)":
        assert "<svg" in html, "the calculator draws its chart"
    for svg in re.findall(r"<svg\b[^>]*>", html):
        assert 'role="img"' in svg and re.search(r'aria-label="[^"]{20,}"', svg), (name, svg[:200])
