"""Interactive widgets for modules 08 and 10.

Each widget keeps its arithmetic and rules in pure functions (unit-tested without a
frontend) and builds its ipywidgets UI in one function that works headless too:

- :mod:`course.interactive.cost_calculator`: API vs in-house model, cost and latency (module 08);
- :mod:`course.interactive.path_explorer`: the AI / ML engineering decision tree (module 10).
"""

from __future__ import annotations

__all__ = ["cost_calculator", "path_explorer"]
