"""Where the course's files live, whether run from a checkout or an installed wheel."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def repo_root() -> Path | None:
    """The checkout holding this package (it has ``pyproject.toml``), or None when installed."""
    candidate = PACKAGE_DIR.parent
    if (candidate / "pyproject.toml").is_file() and (candidate / "solutions").is_dir():
        return candidate
    return None


def datasets_dir() -> Path:
    """The folder of bundled datasets.

    Order: ``$COURSE_DATASETS``; the copy shipped inside a wheel (``course/_datasets``);
    the checkout's ``datasets/``.
    """
    override = os.environ.get("COURSE_DATASETS")
    if override:
        return Path(override).expanduser().resolve()
    bundled = PACKAGE_DIR / "_datasets"
    if bundled.is_dir():
        return bundled
    root = repo_root()
    if root is not None and (root / "datasets").is_dir():
        return root / "datasets"
    raise FileNotFoundError(
        "cannot find the course datasets: set COURSE_DATASETS or reinstall the package"
    )


def require_repo_root() -> Path:
    """The checkout's root, or a clear error for commands that only work in a checkout."""
    root = repo_root()
    if root is None:
        raise FileNotFoundError(
            "this command works in a checkout of the course (a folder with pyproject.toml "
            "and solutions/); run it from there"
        )
    return root
