"""Module 08's cost and latency calculator: a hosted model API or a model you run yourself?

Every default below is an **illustrative assumption** chosen for teaching, not a measured
fact or any provider's price. The sources only give the scenario (a payment processor
scoring 10,000 transactions a second with a latency budget under 50 ms), that a gradient-
boosted tree answers in single-digit milliseconds, and that an LLM call costs "orders of
magnitude" more per call (BirJob, "AI Engineer vs ML Engineer"). Move the sliders and
see which conclusion survives your own numbers.

The calculator holds no answer of module 08: it runs **the learner's** functions, the
``monthly_cost(tps, tokens_per_request, price_per_1k_tokens)`` of exercise 1 (``cost_fn``)
and the ``decide(situation)`` of exercise 5 (``decide_fn``). Every cost it shows, the number
of requests included, comes from ``cost_fn``; the verdict is ``decide_fn``'s. What it adds is
plain comparison of the inputs (each option's latency against the budget, quality against
the bar) and the charts. :func:`calculator` wraps it in ipywidgets and an Altair chart.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from typing import Any

API = "API"
IN_HOUSE = "in-house model"
OPTIONS = (API, IN_HOUSE)
CHOICES = (API, IN_HOUSE, "hybrid", "neither")

CostFn = Callable[[float, float, float], Any]
DecideFn = Callable[[dict[str, Any]], Any]


@dataclass(frozen=True)
class Scenario:
    """One set of assumptions. The defaults are illustrative, not facts."""

    tps: float = 10_000.0                 # from the article's fraud example
    latency_budget_ms: float = 50.0       # from the article's fraud example
    tokens_per_request: float = 500.0     # assumption: a transaction as text plus a short answer
    price_per_1k_tokens: float = 0.002    # assumption: an illustrative price in USD
    api_latency_ms: float = 300.0         # assumption: one round trip to a hosted LLM
    inhouse_latency_ms: float = 5.0       # "single-digit milliseconds" for a boosted tree
    inhouse_monthly_cost: float = 30_000.0  # assumption: servers, storage, people and on-call
    api_quality: float = 0.85             # assumption: recall on your own labelled cases
    inhouse_quality: float = 0.90         # assumption: the same measure for the tree
    quality_bar: float = 0.80             # assumption: the lowest recall the product accepts
    api_data_approved: bool = True        # assumption: governance approved the provider

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if name == "api_data_approved":
                if type(value) is not bool:
                    raise ValueError(f"{name} must be True or False, got {value!r}")
                continue
            if type(value) not in (int, float) or not math.isfinite(value) or value < 0:
                raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
        if self.tps <= 0:
            raise ValueError("tps must be greater than 0")
        for name in ("api_quality", "inhouse_quality", "quality_bar"):
            if getattr(self, name) > 1:
                raise ValueError(f"{name} is a score from 0 to 1, got {getattr(self, name)!r}")


@dataclass(frozen=True)
class Verdict:
    """The learner's decision, their reasons, and what the calculator sees in the inputs."""

    choice: str
    reasons: tuple[str, ...]
    facts: tuple[str, ...]

    def html(self) -> str:
        """The verdict as a short HTML block for the widget."""
        reasons = "".join(f"<li>{reason}</li>" for reason in self.reasons)
        facts = "".join(f"<li>{fact}</li>" for fact in self.facts)
        return (f"<p><strong>Verdict: {self.choice}</strong> <em>(your <code>decide</code>, "
                f"under these illustrative assumptions)</em></p><ul>{reasons}</ul>"
                f"<p>What the calculator sees:</p><ul>{facts}</ul>")


def _call(function: Callable[..., Any], name: str, *args: Any) -> Any:
    """Run a learner's function; an unanswered one raises ``NotImplementedError`` naming it
    (so a notebook cell that uses it fails as calling the function itself would)."""
    if not callable(function):
        raise TypeError(f"the calculator needs your `{name}` function, got "
                        f"{type(function).__name__}")
    try:
        return function(*args)
    except NotImplementedError:
        raise NotImplementedError(f"your `{name}` is not written yet") from None


def _number(value: Any, call: str) -> float:
    if type(value) not in (int, float) or not math.isfinite(value):
        raise ValueError(f"{call} returned {value!r}; the calculator needs a plain number")
    return float(value)


def api_bill(scenario: Scenario, cost_fn: CostFn, tps: float | None = None) -> float:
    """The API's monthly bill at ``tps`` (the scenario's load by default), from ``cost_fn``."""
    load = scenario.tps if tps is None else tps
    args = (load, scenario.tokens_per_request, scenario.price_per_1k_tokens)
    return _number(_call(cost_fn, "monthly_cost", *args), f"monthly_cost{args}")


def requests_per_month(tps: float, cost_fn: CostFn) -> float:
    """Calls in a month at ``tps``: a 1,000-token call at $1 per 1,000 tokens costs $1, so
    ``cost_fn`` priced that way counts the calls."""
    return _number(_call(cost_fn, "monthly_cost", tps, 1000, 1.0),
                   f"monthly_cost({tps}, 1000, 1.0)")


def monthly_costs(scenario: Scenario, cost_fn: CostFn) -> dict[str, float]:
    """Monthly USD of each option: the API bill grows with traffic, hosting is flat."""
    return {API: api_bill(scenario, cost_fn), IN_HOUSE: float(scenario.inhouse_monthly_cost)}


def cost_per_1k_requests(monthly_cost: float, requests: float) -> float:
    """USD per thousand requests, for a monthly bill over ``requests`` calls."""
    return monthly_cost / requests * 1000 if requests > 0 else math.inf


def break_even_tps(scenario: Scenario, cost_fn: CostFn) -> float:
    """The steady load (TPS) above which the API's bill exceeds the in-house cost
    (the bill of 1 TPS scaled, since a per-call price makes the bill grow with the load)."""
    per_tps = api_bill(scenario, cost_fn, tps=1.0)
    return math.inf if per_tps <= 0 else scenario.inhouse_monthly_cost / per_tps


def situation(scenario: Scenario, cost_fn: CostFn) -> dict[str, Any]:
    """The ``situation`` dict that exercise 5's ``decide`` takes, for this scenario."""
    costs = monthly_costs(scenario, cost_fn)
    return {
        "latency_budget_ms": scenario.latency_budget_ms,
        "api_latency_ms": scenario.api_latency_ms,
        "inhouse_latency_ms": scenario.inhouse_latency_ms,
        "api_quality": scenario.api_quality,
        "inhouse_quality": scenario.inhouse_quality,
        "quality_bar": scenario.quality_bar,
        "api_data_approved": scenario.api_data_approved,
        "api_monthly_cost": costs[API],
        "inhouse_monthly_cost": costs[IN_HOUSE],
    }


def options_table(scenario: Scenario, cost_fn: CostFn) -> Any:
    """A DataFrame with one row per option, costs from ``cost_fn``.

    Columns: ``option``, ``monthly_cost_usd``, ``cost_per_1k_usd``, ``latency_ms``,
    ``latency_budget_ms``, ``within_budget``, ``quality``, ``meets_bar``.
    """
    import pandas as pd

    costs = monthly_costs(scenario, cost_fn)
    requests = requests_per_month(scenario.tps, cost_fn)
    latency = {API: scenario.api_latency_ms, IN_HOUSE: scenario.inhouse_latency_ms}
    quality = {API: scenario.api_quality, IN_HOUSE: scenario.inhouse_quality}
    rows = [{
        "option": option,
        "monthly_cost_usd": costs[option],
        "cost_per_1k_usd": cost_per_1k_requests(costs[option], requests),
        "latency_ms": float(latency[option]),
        "latency_budget_ms": float(scenario.latency_budget_ms),
        "within_budget": bool(latency[option] <= scenario.latency_budget_ms),
        "quality": float(quality[option]),
        "meets_bar": bool(quality[option] >= scenario.quality_bar),
    } for option in OPTIONS]
    return pd.DataFrame(rows)


def cost_curve(scenario: Scenario, cost_fn: CostFn, points: int = 41) -> Any:
    """Monthly cost of both options over a log-spaced range of loads around ``scenario.tps``.

    Columns: ``tps``, ``option``, ``monthly_cost_usd``.
    """
    import pandas as pd

    low = min(1.0, scenario.tps)
    high = max(100_000.0, scenario.tps)
    step = (math.log10(high) - math.log10(low)) / (points - 1)
    rows = []
    for i in range(points):
        tps = 10 ** (math.log10(low) + i * step)
        for option, cost in monthly_costs(replace(scenario, tps=tps), cost_fn).items():
            rows.append({"tps": tps, "option": option, "monthly_cost_usd": cost})
    return pd.DataFrame(rows)


def _money(value: float) -> str:
    if value >= 1_000_000:
        return f"${value / 1_000_000:,.1f}M"
    if value >= 10_000:
        return f"${value / 1_000:,.0f}K"
    return f"${value:,.0f}"


def facts(scenario: Scenario, cost_fn: CostFn) -> tuple[str, ...]:
    """What the inputs say, option by option (comparisons of the inputs, not a decision)."""
    costs = monthly_costs(scenario, cost_fn)
    budget, bar = scenario.latency_budget_ms, scenario.quality_bar
    latency = {API: scenario.api_latency_ms, IN_HOUSE: scenario.inhouse_latency_ms}
    quality = {API: scenario.api_quality, IN_HOUSE: scenario.inhouse_quality}
    lines = [
        f"The {option} answers in about {latency[option]:g} ms: "
        f"{'inside' if latency[option] <= budget else 'outside'} the {budget:g} ms budget; "
        f"it scores {quality[option]:.2f} against a bar of {bar:.2f}."
        for option in OPTIONS
    ]
    lines.append("Governance " + ("has approved" if scenario.api_data_approved
                                   else "has not approved") + " sending this data to the API.")
    lines.append(f"Per month: the API {_money(costs[API])}, the in-house model "
                 f"{_money(costs[IN_HOUSE])} (from your monthly_cost).")
    breakeven = break_even_tps(scenario, cost_fn)
    if math.isfinite(breakeven):
        lines.append(f"Break-even load: about {breakeven:,.1f} transactions a second; above "
                     "it the API's bill is larger than the in-house cost.")
    return tuple(lines)


def verdict(scenario: Scenario, cost_fn: CostFn, decide_fn: DecideFn) -> Verdict:
    """The learner's ``decide`` applied to this scenario, with the calculator's facts."""
    result = _call(decide_fn, "decide", situation(scenario, cost_fn))
    if not (type(result) is tuple and len(result) == 2):
        raise ValueError("decide should return a tuple (choice, reasons), not "
                         f"{type(result).__name__}")
    choice, reasons = result
    if type(choice) is not str or choice not in CHOICES:
        raise ValueError(f"decide's choice should be one of {', '.join(CHOICES)}; "
                         f"it returned {choice!r}")
    if type(reasons) is not list or not all(type(r) is str for r in reasons):
        raise ValueError("decide's reasons should be a list of sentences (str)")
    return Verdict(choice, tuple(reasons), facts(scenario, cost_fn))


def verdict_html(scenario: Scenario, cost_fn: CostFn, decide_fn: DecideFn) -> str:
    """The verdict block, or a clear message when a function is missing or misbehaves."""
    try:
        return verdict(scenario, cost_fn, decide_fn).html()
    except NotImplementedError as missing:
        name = str(missing).split("`")[1] if str(missing).count("`") == 2 else "function"
        return (f"<p>❌ Your <code>{name}</code> is not written yet: the calculator runs "
                "your <code>monthly_cost</code> (exercise 1) and <code>decide</code> "
                "(exercise 5).</p>")
    except Exception as error:  # show the learner's error instead of a dead widget
        return f"<p>❌ The calculator could not use your functions: {type(error).__name__}: " \
               f"{error}</p>"


def _theme() -> None:
    import altair as alt

    from course.charts import theme

    if alt.theme.active != theme.THEME_NAME:
        theme.register()


def load_chart(stream: Any) -> Any:
    """Transactions per second over time, with the average and the peak marked.

    ``stream`` needs ``timestamp`` and ``transactions`` columns (the ``request_stream``
    dataset has them).
    """
    import altair as alt
    import pandas as pd

    _theme()
    missing = {"timestamp", "transactions"} - set(stream.columns)
    if missing:
        raise ValueError(f"load_chart() needs the column(s) {', '.join(sorted(missing))}")
    marks = pd.DataFrame({
        "level": ["average", "peak"],
        "tps": [float(stream["transactions"].mean()), float(stream["transactions"].max())],
    })
    line = alt.Chart(stream).mark_line(strokeWidth=1).encode(
        x=alt.X("timestamp:T", title="time (UTC)"),
        y=alt.Y("transactions:Q", title="transactions per second",
                scale=alt.Scale(zero=False)),
    )
    rules = alt.Chart(marks).mark_rule(strokeDash=[5, 3], strokeWidth=2).encode(
        y="tps:Q", color=alt.Color("level:N", title="level"),
        tooltip=["level:N", alt.Tooltip("tps:Q", format=",.0f")],
    )
    return (line + rules).properties(
        width=560, height=220,
        title=alt.TitleParams(
            "Load on a fraud-scoring service (synthetic)",
            subtitle="The bill follows the average; the servers follow the peak."),
        description="Line chart of transactions per second over one synthetic hour, with "
                    f"dashed lines at the average ({marks.tps[0]:,.0f}) and the peak "
                    f"({marks.tps[1]:,.0f}).",
    )


def chart(scenario: Scenario, cost_fn: CostFn) -> Any:
    """Two panels: monthly cost against load (log scales) and latency against the budget."""
    import altair as alt

    _theme()
    note = "illustrative assumptions, not prices"
    curve = cost_curve(scenario, cost_fn)
    positive = bool((curve["monthly_cost_usd"] > 0).all())
    scale = alt.Scale(type="log") if positive else alt.Scale()
    lines = alt.Chart(curve).mark_line().encode(
        x=alt.X("tps:Q", scale=alt.Scale(type="log"), title="transactions per second"),
        y=alt.Y("monthly_cost_usd:Q", scale=scale, title="USD per month"),
        color=alt.Color("option:N", title="option", scale=alt.Scale(domain=list(OPTIONS))),
        tooltip=[alt.Tooltip("option:N"), alt.Tooltip("tps:Q", format=",.1f"),
                 alt.Tooltip("monthly_cost_usd:Q", format="$,.0f")],
    )
    here = alt.Chart(alt.Data(values=[{"tps": scenario.tps}])).mark_rule(
        strokeDash=[4, 3]).encode(x="tps:Q")
    cost_panel = (lines + here).properties(
        width=300, height=220, title=f"Cost per month vs load ({note})")

    table = options_table(scenario, cost_fn)
    bars = alt.Chart(table).mark_bar().encode(
        x=alt.X("latency_ms:Q", title="latency per call (ms)"),
        y=alt.Y("option:N", title=None, sort=list(OPTIONS)),
        color=alt.Color("option:N", title="option", scale=alt.Scale(domain=list(OPTIONS))),
        tooltip=["option:N", "latency_ms:Q", "within_budget:N", "quality:Q", "meets_bar:N"],
    )
    budget = alt.Chart(alt.Data(values=[{"budget": scenario.latency_budget_ms}])).mark_rule(
        color="firebrick", strokeWidth=2).encode(x="budget:Q")
    latency_panel = (bars + budget).properties(
        width=220, height=220, title=f"Latency vs the {scenario.latency_budget_ms:g} ms budget")
    return alt.hconcat(cost_panel, latency_panel).properties(description=(
        "Two panels. Left: monthly cost in USD of each option against load in transactions per "
        f"second (log scales), a dashed line at the current {scenario.tps:,.0f} TPS. Right: latency "
        f"per call of each option against the {scenario.latency_budget_ms:g} ms budget (red line). "
        "The verdict beside the chart gives the same figures in words."))


SLIDERS: dict[str, dict[str, Any]] = {
    "tps": {"kind": "log", "min": 0, "max": 5, "description": "TPS"},
    "latency_budget_ms": {"kind": "int", "min": 5, "max": 2000, "step": 5,
                          "description": "budget (ms)"},
    "tokens_per_request": {"kind": "int", "min": 50, "max": 4000, "step": 50,
                           "description": "tokens/req"},
    "price_per_1k_tokens": {"kind": "log", "min": -5, "max": -1, "description": "$ / 1k tok"},
    "api_latency_ms": {"kind": "int", "min": 10, "max": 3000, "step": 10,
                       "description": "API ms"},
    "inhouse_monthly_cost": {"kind": "log", "min": 3, "max": 6, "description": "hosting $/mo"},
    "api_quality": {"kind": "score", "description": "API quality"},
    "inhouse_quality": {"kind": "score", "description": "in-house quality"},
    "quality_bar": {"kind": "score", "description": "quality bar"},
}
APPROVAL_LABEL = "Governance approved the API for this data"


def _slider(name: str, value: float) -> Any:
    import ipywidgets as widgets

    spec = SLIDERS[name]
    style = {"description_width": "110px"}
    layout = widgets.Layout(width="420px")
    if spec["kind"] == "log":
        return widgets.FloatLogSlider(value=value, base=10, min=spec["min"], max=spec["max"],
                                      step=0.05, description=spec["description"],
                                      continuous_update=False, style=style, layout=layout,
                                      readout_format=".3g")
    if spec["kind"] == "score":
        return widgets.FloatSlider(value=value, min=0.0, max=1.0, step=0.01,
                                   description=spec["description"], continuous_update=False,
                                   style=style, layout=layout, readout_format=".2f")
    return widgets.IntSlider(value=int(value), min=spec["min"], max=spec["max"],
                             step=spec["step"], description=spec["description"],
                             continuous_update=False, style=style, layout=layout)


def chart_svg(scenario: Scenario, cost_fn: CostFn) -> str:
    """The chart as an SVG string, drawn offline by vl-convert (no browser, no network)."""
    import vl_convert as vlc

    from course.charts import accessible

    spec = chart(scenario, cost_fn).to_dict()
    return accessible.label_svg(vlc.vegalite_to_svg(spec), accessible.describe(spec))


def _chart_or_nothing(scenario: Scenario, cost_fn: CostFn) -> str:
    """The chart, or nothing while ``cost_fn`` cannot draw it (the verdict says why)."""
    try:
        return chart_svg(scenario, cost_fn)
    except Exception:  # the verdict block already names the learner's error
        return ""


def calculator(scenario: Scenario | None = None, *, cost_fn: CostFn,
               decide_fn: DecideFn) -> Any:
    """The widget: sliders → chart and verdict, computed by the learner's ``cost_fn``
    (exercise 1's ``monthly_cost``) and ``decide_fn`` (exercise 5's ``decide``).
    Works headless (it simply displays).

    The chart is drawn to SVG inside an HTML widget rather than through an Output widget:
    it then looks the same live and headless, and needs no renderer or network.
    """
    from course.render import widgets_live

    start = scenario or Scenario()
    if not widgets_live():  # nobody can move a slider: show the starting point as HTML
        from IPython.display import HTML

        return HTML(verdict_html(start, cost_fn, decide_fn) + _chart_or_nothing(start, cost_fn))
    import ipywidgets as widgets

    sliders = {name: _slider(name, getattr(start, name)) for name in SLIDERS}
    approved = widgets.Checkbox(value=start.api_data_approved, description=APPROVAL_LABEL,
                                indent=False, layout=widgets.Layout(width="420px"))
    verdict_box = widgets.HTML()
    chart_box = widgets.HTML()

    def current() -> Scenario:
        values = {name: float(slider.value) for name, slider in sliders.items()}
        return replace(start, **values, api_data_approved=bool(approved.value))

    def refresh(_change: Any = None) -> None:
        chosen = current()
        verdict_box.value = verdict_html(chosen, cost_fn, decide_fn)
        chart_box.value = _chart_or_nothing(chosen, cost_fn)

    for control in (*sliders.values(), approved):
        control.observe(refresh, names="value")
    refresh()
    caption = widgets.HTML("<em>All defaults are illustrative assumptions; "
                           "the in-house latency stays at "
                           f"{start.inhouse_latency_ms:g} ms.</em>")
    controls = widgets.VBox([*sliders.values(), approved, caption])
    return widgets.VBox([widgets.HBox([controls, verdict_box]), chart_box])
