"""Self-checks for module 01 (identity shift)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from course.checks import CheckFailed, expect_true, expect_type, passed

OPENINGS = ("i'm the person who", "i am the person who")


def check_identity_statement(statement: Any) -> None:
    """A str that opens with "I'm the person who" and adds at least five words."""
    expect_type(statement, str, "identity_statement")
    normalised = re.sub(r"\s+", " ", statement.replace("’", "'")).strip().lower()
    opening = next((o for o in OPENINGS if normalised.startswith(o)), "")
    expect_true(opening != "", "Start the statement with \"I'm the person who\".")
    rest = normalised[len(opening):].split()
    expect_true(len(rest) >= 5, f"Add more: {len(rest)} word(s) after the opening, 5 needed.")
    expect_true(len(normalised.split()) <= 80, "Keep it to one or two sentences (80 words at most).")
    passed("identity_statement has the right shape. Whether it rings true is for you (and your "
           "instructor) to judge.")


def _is_share(value: Any) -> bool:
    return type(value) in (int, float) and math.isfinite(value) and 0 <= value <= 100


def check_role_audit(audit: Any) -> None:
    """A dict of at least three activities → percent, with "model building", summing to 100."""
    expect_type(audit, dict, "role_audit")
    expect_true(len(audit) >= 3, f"List at least three activities (you have {len(audit)}).")
    expect_true(all(type(key) is str for key in audit), "Name each activity with a str.")
    expect_true("model building" in audit, 'Include an activity called "model building".')
    bad = [key for key, value in audit.items() if not _is_share(value)]
    expect_true(not bad, f"Each share must be a number from 0 to 100; look at: {', '.join(bad)}.")
    total = sum(audit.values())
    expect_true(abs(total - 100) <= 0.5, f"The shares add up to {total:g}, not 100.")
    passed("role_audit is a complete week: every share is a percent and they add up to 100.")


def check_orchestration_share(function: Callable[[dict], Any]) -> None:
    """Try ``orchestration_share`` on a small audit whose answer is easy to verify by hand."""
    expect_true(callable(function), "orchestration_share should be a function.")
    result = function({"model building": 40, "serving": 35, "monitoring": 25})
    expect_type(result, float, "orchestration_share(...)")
    expect_true(math.isclose(result, 60.0),
                "For 40% model building, the other activities should add up to 60%.")
    try:
        function({"model building": 10, "serving": 20})
    except ValueError:
        pass
    else:
        raise CheckFailed("❌ Shares adding up to 30 should raise ValueError.")
    passed("orchestration_share returns the non-building percent and rejects incomplete weeks.")
