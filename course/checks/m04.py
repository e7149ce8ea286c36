"""Self-checks for module 04 (the skills map)."""

from __future__ import annotations

from typing import Any

from course.checks import CheckFailed, expect_true, expect_type, passed

OWNERS = ("ML engineer", "AI product engineer", "shared")

DEPTH_OPTIONS = (
    "LLMs",
    "NLP",
    "computer vision",
    "recommender systems",
    "tabular ML",
    "speech",
    "time series",
)
ORCHESTRATION_OPTIONS = (
    "integration",
    "evaluation",
    "observability",
    "incident response",
    "deployment automation",
    "system design",
)


SITUATIONS = ("jargon", "latency-budget", "help-search", "drift", "wire-summaries",
              "on-prem-choice", "chat-prototype", "traces")


def check_overlap(overlap: Any) -> None:
    """A dict giving each situation key one of the three owners (the shape, not the owners)."""
    expect_type(overlap, dict, "overlap")
    expect_true(type(overlap) is dict, "`overlap` should be a plain dict.")
    keys = list(overlap)
    expect_true(all(type(k) is str for k in keys), "Every key of `overlap` should be a str.")
    missing = [s for s in SITUATIONS if s not in overlap]
    extra = [k for k in keys if k not in SITUATIONS]
    if missing:
        raise CheckFailed(f"❌ `overlap` has no owner for: {', '.join(missing)}.")
    if extra:
        raise CheckFailed(f"❌ `overlap` has key(s) that are not situations: {', '.join(extra)}.")
    bad = sorted({str(o) for o in overlap.values() if type(o) is not str or o not in OWNERS})
    if bad:
        raise CheckFailed(
            "❌ each owner must be exactly one of: " + ", ".join(OWNERS)
            + f". Unexpected value(s): {', '.join(bad)}."
        )
    expect_true(len(set(overlap.values())) > 1,
                "Everything to one owner? Re-read what is shared, what the ML engineer owns, "
                "and what gets escalated.")
    passed("overlap gives every situation an owner. The hidden tests check each one.")


def _match(value: str, options: tuple[str, ...]) -> bool:
    return value.strip().lower() in {o.lower() for o in options}


def check_pick(pick: Any) -> None:
    """A dict with exactly `depth` and `orchestration_skill`, each one of the listed options."""
    expect_type(pick, dict, "pick")
    expect_true(type(pick) is dict, "`pick` should be a plain dict.")
    keys = set(pick)
    expect_true(keys == {"depth", "orchestration_skill"},
                "`pick` needs exactly two keys: \"depth\" and \"orchestration_skill\".")
    expect_true(all(type(v) is str for v in pick.values()), "Both values should be str.")
    expect_true(_match(pick["depth"], DEPTH_OPTIONS),
                "`depth` should be one of m04.DEPTH_OPTIONS: one domain, not \"everything\".")
    expect_true(_match(pick["orchestration_skill"], ORCHESTRATION_OPTIONS),
                "`orchestration_skill` should be one of m04.ORCHESTRATION_OPTIONS.")
    passed("pick names one area of depth and one orchestration skill.")
