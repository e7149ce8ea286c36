"""The course's charts: one function per chart, one theme, static export.

Every chart function returns an Altair chart. Called with no arguments it draws the
bundled dataset; pass your own DataFrame to draw yours. Altair is imported only when a
chart is made, so ``import course.charts`` stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_WHERE = {
    "salary_ranges": "market",
    "growth_figures": "market",
    "tool_adoption": "market",
    "job_share": "market",
    "hiring_facts": "hiring",
    "latency_distribution": "evaluation",
    "cost_per_1k": "evaluation",
    "drift_scores": "drift",
    "lifecycle_timeline": "roles",
    "role_audit": "roles",
    "save_static": "static",
}
CHARTS = tuple(name for name in _WHERE if name != "save_static")
__all__ = [*_WHERE, "CHARTS"]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(f"course.charts.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'course.charts' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
