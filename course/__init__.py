"""From Model Building to Model Orchestration: the course's Python package.

Notebooks start with ``from course import setup; setup()``. Heavy libraries
(pandas, altair, ipywidgets) are imported lazily, inside the functions that need them,
so that ``import course`` and the ``course`` command start fast.
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["setup", "__version__"]


def setup(renderer: str | None = None, quiet: bool = False) -> dict[str, object]:
    """Prepare a notebook: chart theme and renderer, display options, dataset location.

    Returns what was chosen: ``{"renderer": ..., "datasets": Path}``.
    """
    from course.notebook_setup import setup as _setup

    return _setup(renderer=renderer, quiet=quiet)
