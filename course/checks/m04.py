"""Self-checks for module 04 (the skills map)."""

from __future__ import annotations

from typing import Any

from course.checks import CheckFailed, expect_columns, expect_true, expect_type, passed

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


def overlap_skills() -> Any:
    """The overlap-map rows of the skills dataset (skill and owner)."""
    from course import data

    skills = data.load("skills")
    return skills.loc[skills["category"] == "overlap map", ["skill", "owner"]].reset_index(
        drop=True)


def check_overlap(overlap: Any) -> None:
    """A DataFrame with columns skill and owner; one row per overlap-map skill, owners valid."""
    expect_columns(overlap, ["skill", "owner"], "overlap")
    skills = [s for s in overlap["skill"]]
    owners = [o for o in overlap["owner"]]
    expect_true(all(type(s) is str for s in skills), "Every `skill` should be a str.")
    expect_true(len(skills) == len(set(skills)), "Each skill should appear once.")
    bad = sorted({str(o) for o in owners if type(o) is not str or o not in OWNERS})
    if bad:
        raise CheckFailed(
            "❌ `owner` must be exactly one of: " + ", ".join(OWNERS)
            + f". Unexpected value(s): {', '.join(bad)}."
        )
    reference = overlap_skills()
    given = dict(zip(skills, owners, strict=True))
    missing = [s for s in reference["skill"] if s not in given]
    if missing:
        raise CheckFailed(f"❌ {len(missing)} skill(s) from `overlap_skills` are missing "
                          "(copy the skill text exactly).")
    wrong = sum(given[s] != o for s, o in zip(reference["skill"], reference["owner"], strict=True))
    if wrong:
        raise CheckFailed(
            f"❌ {wrong} skill(s) have an owner that differs from the source page's map. "
            "Re-read: what do both roles care about, and what gets escalated?"
        )
    passed(f"overlap maps all {len(reference)} skills to an owner.")


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
