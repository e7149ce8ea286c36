"""Closing a dask-gateway client leaves nothing behind for garbage collection to raise.

``course.grading.gateway.close_gateway`` works around dask-gateway's ``Gateway.__del__``
closing an already closed gateway (its docstring says which version and why). These tests
need no gateway server: making a ``Gateway`` only starts its event loop."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator

import pytest
from dask_gateway import Gateway

from course.grading.gateway import close_gateway

NOWHERE = "http://127.0.0.1:9"  # never contacted: nothing here sends a request


@pytest.fixture()
def unraisable(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The exceptions Python could not raise (those in ``__del__``), as the user would see
    them printed: ``TypeName: message``."""
    seen: list[str] = []
    monkeypatch.setattr(sys, "unraisablehook",
                        lambda u: seen.append(f"{type(u.exc_value).__name__}: {u.exc_value}"))
    yield seen


def test_a_gateway_closed_by_close_gateway_is_collected_quietly(
        unraisable: list[str]) -> None:
    gateway = Gateway(NOWHERE)
    close_gateway(gateway)
    del gateway  # the last reference: __del__ runs now
    gc.collect()
    assert unraisable == []


def test_dask_gateway_still_raises_when_a_closed_gateway_is_collected(
        unraisable: list[str]) -> None:
    """Why the workaround exists. When this fails, dask-gateway has fixed ``Gateway.close()``
    or ``__del__``: remove the ``_loop_runner`` lines from close_gateway and close_cluster."""
    gateway = Gateway(NOWHERE)
    gateway.close()
    del gateway  # the last reference: __del__ runs now
    gc.collect()
    assert unraisable == ["RuntimeError: Accessing the loop property while the loop is not "
                          "running is not supported"]


def test_the_context_manager_does_not_avoid_it(unraisable: list[str]) -> None:
    """``with Gateway(...)`` is no public way around it: ``__exit__`` closes, ``__del__`` too."""
    with Gateway(NOWHERE) as gateway:
        pass
    del gateway  # the last reference: __del__ runs now
    gc.collect()
    assert len(unraisable) == 1 and unraisable[0].startswith("RuntimeError: Accessing the loop")
