"""Self-checks for module 10 (career paths).

``check_recommend_path`` tests behaviour the exercise states: the answer is one of three
strings, the profile is left alone, a "consider both" reason gives "both", a profile with no
signal never gets "both", a one-sided profile gets its side, and adding a point to the
winning side never changes the answer. It holds no reference implementation and no table of
expected paths; the hidden test in the notebook grades every profile.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable
from typing import Any

from course.checks import CheckFailed, expect_true, passed
from course.interactive.path_explorer import BACKGROUNDS, FLAGS, PATHS, profile

__all__ = ["BACKGROUNDS", "FLAGS", "PATHS", "check_recommend_path", "profile"]

SOFTWARE = ("software engineer", "full-stack", "backend")
NO_SIGNAL = ("student", "other", "data scientist")
ML_FLAGS = ("enjoys_math", "api_not_enough", "cares_about_margins")


def _path(function: Callable[[dict], Any], person: dict[str, Any]) -> str:
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
    return result


def check_recommend_path(function: Callable[[dict], Any]) -> None:
    """``recommend_path(profile)``: the behaviour of the decision tree, rule by rule."""
    expect_true(callable(function), "recommend_path should be a function.")
    for background in BACKGROUNDS:
        for flags in (("small_company",), ("wants_optionality",), ("enjoys_math", "small_company")):
            expect_true(_path(function, profile(background, *flags)) == "both",
                        f"A 'consider both' reason ({flags[-1]}) should give \"both\" whatever "
                        "else the profile says (rule 1).")
    expect_true(_path(function, profile("ml engineer", "wants_to_ship_fast")) == "both",
                'An ML engineer today should get "both" (rule 1).')
    for background in NO_SIGNAL:
        expect_true(_path(function, profile(background)) != "both",
                    f'A {background} with nothing ticked has no signal: "both" would leave them '
                    "in the middle. Follow the advice for their starting point.")
    for background in SOFTWARE:
        expect_true(_path(function, profile(background, "wants_to_ship_fast")) == "AI engineering",
                    "A software background that wants to ship fast, with no ML points, should "
                    "get AI engineering.")
    expect_true(_path(function, profile("other", *ML_FLAGS)) == "ML engineering",
                "Three ML points and no AI point should give ML engineering.")
    for background, bits in itertools.product(("data scientist", "student", "backend"),
                                              itertools.product((False, True), repeat=4)):
        ticked = [flag for flag, on in zip(("wants_to_ship_fast", *ML_FLAGS), bits, strict=True)
                  if on]
        answer = _path(function, profile(background, *ticked))
        more = ("wants_to_ship_fast",) if answer == "AI engineering" else ML_FLAGS
        for flag in more:
            if answer != "both" and flag not in ticked:
                expect_true(_path(function, profile(background, *ticked, flag)) == answer,
                            f"Adding a point to the winning side ({flag}) changed the answer "
                            f"for a {background}: more points for a side cannot lose it.")
    passed("recommend_path follows the tree's rules on every profile the self-check tried.")
