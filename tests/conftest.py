"""Shared fixtures: the checkout's root, and headless chart rendering for every kernel."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Kernels started by the tests see what nbgrader's and nbconvert's kernels see: no live
# front end, so charts become embedded SVG images and quizzes static HTML.
for _name in ("COURSE_RENDERER", "COURSE_WIDGETS", "COURSE_QUIZ_STATIC", "JPY_SESSION_NAME"):
    os.environ.pop(_name, None)


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
