"""Shared fixtures: the checkout's root, and headless chart rendering for every kernel."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Kernels started by the tests inherit this: charts become PNG images, never live widgets.
os.environ.setdefault("COURSE_RENDERER", "png")
os.environ.pop("JPY_SESSION_NAME", None)


@pytest.fixture(scope="session")
def root() -> Path:
    """The repository root."""
    return ROOT


@pytest.fixture(autouse=True)
def _private_progress(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Quizzes answered during tests never touch the real learner's progress file."""
    folder = tmp_path_factory.mktemp("progress")
    monkeypatch.setenv("COURSE_PROGRESS", str(folder / "progress.json"))
    monkeypatch.setenv("COURSE_LEARNER", "test-learner")
