"""Module 08's cost and latency calculator: a hosted model API or a model you run yourself?

Every default below is an **illustrative assumption** chosen for teaching, not a measured
fact or any provider's price. The sources only give the scenario (a payment processor
scoring 10,000 transactions a second with a latency budget under 50 ms), that a gradient-
boosted tree answers in single-digit milliseconds, and that an LLM call costs "orders of
magnitude" more per call (BirJob, "AI Engineer vs ML Engineer"). Move the sliders and
see which conclusion survives your own numbers.

The arithmetic lives in pure functions (tested without a browser); :func:`calculator`
wraps them in ipywidgets and an Altair chart.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from typing import Any

SECONDS_PER_MONTH = 30 * 24 * 60 * 60  # a 30-day month: 2,592,000 seconds (an assumption)
API = "API"
IN_HOUSE = "in-house model"
NEITHER = "neither fits the budget"
OPTIONS = (API, IN_HOUSE)


@dataclass(frozen=True)
class Scenario:
    """One set of assumptions. The defaults are illustrative, not facts."""

    tps: float = 10_000.0                 # from the article's fraud example
    latency_budget_ms: float = 50.0       # from the article's fraud example
    tokens_per_request: float = 500.0     # assumption: a transaction as text plus a short answer
    price_per_1k_tokens: float = 0.002    # assumption: an illustrative price in USD
    api_latency_ms: float = 300.0         # assumption: one round trip to a hosted LLM
    inhouse_latency_ms: float = 5.0       # "single-digit milliseconds" for a boosted tree
    inhouse_monthly_cost: float = 30_000.0  # assumption: servers, storage, a share of on-call

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if type(value) not in (int, float) or not math.isfinite(value) or value < 0:
                raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
        if self.tps <= 0:
            raise ValueError("tps must be greater than 0")


@dataclass(frozen=True)
class Verdict:
    """The calculator's recommendation and the reasons behind it, one sentence each."""

    choice: str
    reasons: tuple[str, ...]

    def html(self) -> str:
        """The verdict as a short HTML block for the widget."""
        items = "".join(f"<li>{reason}</li>" for reason in self.reasons)
        return (f"<p><strong>Verdict: {self.choice}</strong> "
                f"<em>(under these illustrative assumptions)</em></p><ul>{items}</ul>")


def monthly_requests(tps: float) -> float:
    """Requests in a 30-day month at a steady ``tps`` (transactions per second)."""
    return float(tps) * SECONDS_PER_MONTH


def api_cost_per_request(tokens_per_request: float, price_per_1k_tokens: float) -> float:
    """USD for one API call that uses ``tokens_per_request`` tokens."""
    return tokens_per_request / 1000 * price_per_1k_tokens


def api_monthly_cost(tps: float, tokens_per_request: float, price_per_1k_tokens: float) -> float:
    """USD per 30-day month for sending every transaction to a per-token priced API."""
    return monthly_requests(tps) * api_cost_per_request(tokens_per_request, price_per_1k_tokens)


def cost_per_1k_requests(monthly_cost: float, tps: float) -> float:
    """USD per thousand requests, for a monthly bill at a steady ``tps``."""
    return monthly_cost / monthly_requests(tps) * 1000


def break_even_tps(tokens_per_request: float, price_per_1k_tokens: float,
                   inhouse_monthly_cost: float) -> float:
    """The steady load (TPS) above which the API's monthly bill exceeds the in-house cost."""
    per_second = SECONDS_PER_MONTH * api_cost_per_request(tokens_per_request, price_per_1k_tokens)
    return math.inf if per_second == 0 else inhouse_monthly_cost / per_second


def monthly_costs(scenario: Scenario) -> dict[str, float]:
    """Monthly USD of each option: the API bill grows with traffic, hosting is flat."""
    return {
        API: api_monthly_cost(scenario.tps, scenario.tokens_per_request,
                              scenario.price_per_1k_tokens),
        IN_HOUSE: float(scenario.inhouse_monthly_cost),
    }


def options_table(scenario: Scenario) -> Any:
    """A DataFrame with one row per option.

    Columns: ``option``, ``monthly_cost_usd``, ``cost_per_1k_usd``, ``latency_ms``,
    ``latency_budget_ms``, ``within_budget``.
    """
    import pandas as pd

    costs = monthly_costs(scenario)
    latency = {API: scenario.api_latency_ms, IN_HOUSE: scenario.inhouse_latency_ms}
    rows = [{
        "option": option,
        "monthly_cost_usd": costs[option],
        "cost_per_1k_usd": cost_per_1k_requests(costs[option], scenario.tps),
        "latency_ms": float(latency[option]),
        "latency_budget_ms": float(scenario.latency_budget_ms),
        "within_budget": bool(latency[option] <= scenario.latency_budget_ms),
    } for option in OPTIONS]
    return pd.DataFrame(rows)


def cost_curve(scenario: Scenario, points: int = 41) -> Any:
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
        for option, cost in monthly_costs(replace(scenario, tps=tps)).items():
            rows.append({"tps": tps, "option": option, "monthly_cost_usd": cost})
    return pd.DataFrame(rows)


def _money(value: float) -> str:
    if value >= 1_000_000:
        return f"${value / 1_000_000:,.1f}M"
    if value >= 10_000:
        return f"${value / 1_000:,.0f}K"
    return f"${value:,.0f}"


def verdict(scenario: Scenario) -> Verdict:
    """Which option to run, and why: latency first (a hard limit), then monthly cost."""
    costs = monthly_costs(scenario)
    budget = scenario.latency_budget_ms
    fits = {API: scenario.api_latency_ms <= budget, IN_HOUSE: scenario.inhouse_latency_ms <= budget}
    latency = {API: scenario.api_latency_ms, IN_HOUSE: scenario.inhouse_latency_ms}
    reasons = [
        f"The {option} answers in about {latency[option]:g} ms: "
        f"{'inside' if fits[option] else 'outside'} the {budget:g} ms budget."
        for option in OPTIONS
    ]
    cheaper, dearer = (API, IN_HOUSE) if costs[API] <= costs[IN_HOUSE] else (IN_HOUSE, API)
    ratio = costs[dearer] / costs[cheaper] if costs[cheaper] > 0 else math.inf
    reasons.append(f"The {cheaper} costs {_money(costs[cheaper])} a month against "
                   f"{_money(costs[dearer])} for the {dearer}"
                   + (f" ({ratio:,.0f}× less)." if math.isfinite(ratio) and ratio >= 2 else "."))
    if fits[API] and fits[IN_HOUSE]:
        choice = cheaper
        reasons.append("Both meet the latency budget, so cost decides"
                       + (" (a tie goes to the API: no model to operate)."
                          if costs[API] == costs[IN_HOUSE] else "."))
    elif fits[API] or fits[IN_HOUSE]:
        choice = API if fits[API] else IN_HOUSE
        reasons.append("Only one option meets the latency budget; a budget is a hard limit.")
    else:
        choice = NEITHER
        reasons.append("Neither option meets the budget: revisit the budget or the design.")
    breakeven = break_even_tps(scenario.tokens_per_request, scenario.price_per_1k_tokens,
                               scenario.inhouse_monthly_cost)
    if math.isfinite(breakeven):
        reasons.append(f"Break-even load: about {breakeven:,.1f} transactions a second; above "
                       "it the API's bill is larger than the in-house cost.")
    return Verdict(choice, tuple(reasons))


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


def chart(scenario: Scenario) -> Any:
    """Two panels: monthly cost against load (log scales) and latency against the budget."""
    import altair as alt

    _theme()
    note = "illustrative assumptions, not prices"
    curve = cost_curve(scenario)
    lines = alt.Chart(curve).mark_line().encode(
        x=alt.X("tps:Q", scale=alt.Scale(type="log"), title="transactions per second"),
        y=alt.Y("monthly_cost_usd:Q", scale=alt.Scale(type="log"), title="USD per month"),
        color=alt.Color("option:N", title="option", scale=alt.Scale(domain=list(OPTIONS))),
        tooltip=[alt.Tooltip("option:N"), alt.Tooltip("tps:Q", format=",.1f"),
                 alt.Tooltip("monthly_cost_usd:Q", format="$,.0f")],
    )
    here = alt.Chart(alt.Data(values=[{"tps": scenario.tps}])).mark_rule(
        strokeDash=[4, 3]).encode(x="tps:Q")
    cost_panel = (lines + here).properties(
        width=300, height=220, title=f"Cost per month vs load ({note})")

    table = options_table(scenario)
    bars = alt.Chart(table).mark_bar().encode(
        x=alt.X("latency_ms:Q", title="latency per call (ms)"),
        y=alt.Y("option:N", title=None, sort=list(OPTIONS)),
        color=alt.Color("option:N", title="option", scale=alt.Scale(domain=list(OPTIONS))),
        tooltip=["option:N", "latency_ms:Q", "within_budget:N"],
    )
    budget = alt.Chart(alt.Data(values=[{"budget": scenario.latency_budget_ms}])).mark_rule(
        color="firebrick", strokeWidth=2).encode(x="budget:Q")
    latency_panel = (bars + budget).properties(
        width=220, height=220, title=f"Latency vs the {scenario.latency_budget_ms:g} ms budget")
    return alt.hconcat(cost_panel, latency_panel)


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
}


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
    return widgets.IntSlider(value=int(value), min=spec["min"], max=spec["max"],
                             step=spec["step"], description=spec["description"],
                             continuous_update=False, style=style, layout=layout)


def chart_svg(scenario: Scenario) -> str:
    """The chart as an SVG string, drawn offline by vl-convert (no browser, no network)."""
    import vl_convert as vlc

    return vlc.vegalite_to_svg(chart(scenario).to_json())


def calculator(scenario: Scenario | None = None) -> Any:
    """The widget: sliders → chart and verdict. Works headless (it simply displays).

    The chart is drawn to SVG inside an HTML widget rather than through an Output widget:
    it then looks the same live and headless, and needs no renderer or network.
    """
    from course.render import widgets_live

    start = scenario or Scenario()
    if not widgets_live():  # nobody can move a slider: show the starting point as HTML
        from IPython.display import HTML

        return HTML(verdict(start).html() + chart_svg(start))
    import ipywidgets as widgets

    sliders = {name: _slider(name, getattr(start, name)) for name in SLIDERS}
    verdict_box = widgets.HTML()
    chart_box = widgets.HTML()

    def current() -> Scenario:
        values = {name: float(slider.value) for name, slider in sliders.items()}
        return replace(start, **values)

    def refresh(_change: Any = None) -> None:
        chosen = current()
        verdict_box.value = verdict(chosen).html()
        chart_box.value = chart_svg(chosen)

    for slider in sliders.values():
        slider.observe(refresh, names="value")
    refresh()
    caption = widgets.HTML("<em>All defaults are illustrative assumptions; "
                           "the in-house latency stays at "
                           f"{start.inhouse_latency_ms:g} ms.</em>")
    controls = widgets.VBox([*sliders.values(), caption])
    return widgets.VBox([widgets.HBox([controls, verdict_box]), chart_box])
