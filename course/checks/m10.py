"""Self-checks for module 10 (career paths).

``check_recommend_path`` runs the learner's function on a few profiles and compares the
answers with salted digests, so neither this file nor its messages spell out the answers.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable
from typing import Any

from course.checks import CheckFailed, expect_true, passed

PATHS = ("AI engineering", "ML engineering", "both")
BACKGROUNDS = ("software engineer", "full-stack", "backend", "data scientist", "ml engineer",
               "student", "other")
FLAGS = ("enjoys_math", "wants_to_ship_fast", "api_not_enough", "cares_about_margins",
         "small_company", "wants_optionality")
_SALT = "m10-paths-v1"


def profile(background: str, *flags: str) -> dict[str, Any]:
    """A complete profile: ``background`` plus every flag, True only for those named."""
    if background not in BACKGROUNDS:
        raise ValueError(f"unknown background {background!r}")
    unknown = [flag for flag in flags if flag not in FLAGS]
    if unknown:
        raise ValueError(f"unknown flag(s): {', '.join(unknown)}")
    return {"background": background, **{flag: flag in flags for flag in FLAGS}}


SAMPLE_PROFILES: tuple[dict[str, Any], ...] = (
    profile("software engineer", "wants_to_ship_fast"),
    profile("data scientist", "enjoys_math", "api_not_enough"),
    profile("ml engineer", "enjoys_math", "cares_about_margins"),
    profile("student"),
    profile("full-stack", "enjoys_math", "cares_about_margins", "wants_to_ship_fast"),
    profile("backend", "small_company"),
    profile("software engineer", "enjoys_math", "api_not_enough", "cares_about_margins"),
)
_DIGESTS = (
    "e34c209589b3842d",
    "d6a9c82aae0811dc",
    "55e94a48b2efb457",
    "2e88a6bf4a2bea68",
    "5edb73143723810d",
    "e4df7a439f65156b",
    "6f9f6ec919b757e3",
)


def _key(person: dict[str, Any]) -> str:
    return "|".join([person["background"], *(f"{f}={person[f]}" for f in FLAGS)])


def _digest(person: dict[str, Any], answer: str) -> str:
    return hashlib.sha256(f"{_SALT}|{_key(person)}|{answer}".encode()).hexdigest()[:16]


def check_recommend_path(function: Callable[[dict], Any]) -> None:
    """``recommend_path(profile)`` returns one of the three path strings, following the tree."""
    expect_true(callable(function), "recommend_path should be a function.")
    misses = 0
    for person in SAMPLE_PROFILES:
        given = copy.deepcopy(person)
        try:
            result = function(given)
        except NotImplementedError:
            raise
        except Exception as error:
            raise CheckFailed(f"❌ recommend_path raised {type(error).__name__}: {error} "
                              f"for the profile {person}.") from None
        expect_true(type(result) is str and result in PATHS,
                    'recommend_path should return the str "AI engineering", "ML engineering" '
                    f"or \"both\"; it returned {type(result).__name__} {result!r}.")
        expect_true(given == person, "recommend_path should not change the profile it is given.")
        misses += _digest(person, result) != _DIGESTS[SAMPLE_PROFILES.index(person)]
    if misses:
        raise CheckFailed(f"❌ {misses} of {len(SAMPLE_PROFILES)} sample profiles get a different "
                          "path than the decision tree gives. Check the order of the rules: the "
                          "'consider both' reasons come first, then the count, then ties.")
    passed(f"recommend_path follows the decision tree on all {len(SAMPLE_PROFILES)} sample "
           "profiles.")
