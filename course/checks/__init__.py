"""Strict self-check helpers shared by every module's exercises.

They print a short ✅ line when a check passes and raise :class:`CheckFailed` with a
helpful message (never the answer) when it does not. They are strict on purpose:
an object whose ``__eq__`` always returns True, or a value of the wrong type, fails.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any


class CheckFailed(AssertionError):
    """A self-check or hidden test did not pass; the message says what to look at."""


PLAIN_NUMBERS = (int, float)


def passed(message: str) -> None:
    """Tell the learner a check passed."""
    print(f"✅ {message}")


def expect_true(condition: bool, message: str) -> None:
    """Fail with ``message`` unless ``condition`` is exactly True."""
    if condition is not True:
        raise CheckFailed(f"❌ {message}")


def expect_type(value: Any, expected: type | tuple[type, ...], name: str) -> None:
    """Fail unless ``value`` is an instance of ``expected`` (bool never counts as a number)."""
    types = expected if isinstance(expected, tuple) else (expected,)
    is_bool_posing = isinstance(value, bool) and bool not in types
    if is_bool_posing or not isinstance(value, types):
        wanted = " or ".join(t.__name__ for t in types)
        raise CheckFailed(f"❌ `{name}` should be a {wanted}, but it is a {type(value).__name__}.")


def _plain(value: Any) -> bool:
    """True for built-in values (and containers of them) whose equality can be trusted."""
    if value is None or type(value) in (bool, int, float, str):
        return True
    if type(value) in (list, tuple, set, frozenset):
        return all(_plain(item) for item in value)
    if type(value) is dict:
        return all(_plain(k) and _plain(v) for k, v in value.items())
    return False


def expect_equal(actual: Any, expected: Any, name: str, hint: str = "") -> None:
    """Fail unless ``actual`` equals ``expected`` with the same built-in type.

    Equality is asked of the trusted ``expected`` side, after checking that ``actual``
    is a plain built-in value, so look-alike objects cannot pass.
    """
    if not _plain(actual) or type(actual) is not type(expected):
        raise CheckFailed(
            f"❌ `{name}` should be a plain {type(expected).__name__}, "
            f"but it is a {type(actual).__name__}."
        )
    if not (expected == actual):
        raise CheckFailed(f"❌ `{name}` is not right yet. {hint}".rstrip())


def expect_close(
    actual: Any, expected: float, name: str, rel: float = 1e-6, abs_tol: float = 1e-9, hint: str = ""
) -> None:
    """Fail unless ``actual`` is a real number within tolerance of ``expected``."""
    if type(actual) not in PLAIN_NUMBERS and type(actual).__module__ != "numpy":
        raise CheckFailed(f"❌ `{name}` should be a number, but it is a {type(actual).__name__}.")
    value = float(actual)
    if math.isnan(value) or not math.isclose(value, expected, rel_tol=rel, abs_tol=abs_tol):
        raise CheckFailed(f"❌ `{name}` is not right yet. {hint}".rstrip())


def expect_columns(frame: Any, columns: Iterable[str], name: str) -> None:
    """Fail unless ``frame`` is a pandas DataFrame holding every column in ``columns``."""
    import pandas as pd

    if type(frame) is not pd.DataFrame:
        raise CheckFailed(f"❌ `{name}` should be a pandas DataFrame, not {type(frame).__name__}.")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise CheckFailed(f"❌ `{name}` is missing the column(s): {', '.join(missing)}.")


class Outcome:
    """Whether a check passed. True or false like a bool, but a notebook shows nothing for it,
    so a self-check cell displays only the check's own message."""

    def __init__(self, ok: bool) -> None:
        self.ok = ok

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        return "passed" if self.ok else "not passed"

    def _ipython_display_(self) -> None:
        """Display nothing: the ✅/❌ line was already printed."""


def run(check: Any, *args: Any, **kwargs: Any) -> Outcome:
    """Run one check for a learner: print its ✅/❌ message instead of a traceback."""
    try:
        check(*args, **kwargs)
    except CheckFailed as failure:
        print(str(failure))
        return Outcome(False)
    except NameError as missing:
        print(f"❌ {missing}: run the cell where you define it first.")
        return Outcome(False)
    except NotImplementedError:
        print("❌ This exercise is not answered yet: replace `raise NotImplementedError()`.")
        return Outcome(False)
    return Outcome(True)


def __getattr__(name: str) -> Any:
    """Load a module's checks on first use: ``checks.m01`` imports ``course.checks.m01``."""
    import importlib
    import re

    if re.fullmatch(r"m\d\d", name):
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
