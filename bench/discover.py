"""Find the course's modules and notebooks as they are now (modules land while we run)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from bench.common import ROOT


def modules(root: Path = ROOT, only: Sequence[str] | None = None) -> list[str]:
    """Modules of the manifest (``course/modules.yaml``) with a source notebook, in order.

    ``only`` filters by folder name or number prefix (``"01"`` or ``"01-identity-shift"``).
    """
    from course import modules as registry

    found = [m.slug for m in registry.load(root) if m.solution(root).is_file()]
    if not only:
        return found
    return [m for m in found if any(m == o or m.split("-", 1)[0] == o for o in only)]


def solution_notebooks(root: Path = ROOT, only: Sequence[str] | None = None) -> list[Path]:
    """Every instructor source notebook of the chosen modules, in module order."""
    return [notebook for module in modules(root, only)
            for notebook in sorted((root / "solutions" / module).glob("*.ipynb"))]


def module_of(notebook: Path) -> str:
    """The module folder a notebook belongs to."""
    return notebook.parent.name
