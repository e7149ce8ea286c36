"""Fixtures of the content tests."""

from __future__ import annotations

import time

import pytest

from tests.content.solved import Graded, refuse_real_sleep, solution_run


@pytest.fixture
def no_real_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    """The labs run on a virtual clock: a real ``time.sleep`` fails the test."""
    monkeypatch.setattr(time, "sleep", refuse_real_sleep)


@pytest.fixture(scope="module")
def solved(request: pytest.FixtureRequest) -> Graded:
    """The lab of the test file (its ``MODULE``) run with its own solutions, once per process
    (tests/content/test_shared.py scores that same run)."""
    return solution_run(request.module.MODULE)
