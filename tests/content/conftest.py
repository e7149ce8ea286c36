"""Fixtures of the content tests."""

from __future__ import annotations

import time

import pytest


@pytest.fixture
def no_real_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    """The labs run on a virtual clock: a real ``time.sleep`` fails the test."""

    def refuse(seconds: float) -> None:
        raise AssertionError("the labs must never really sleep")

    monkeypatch.setattr(time, "sleep", refuse)
