"""Self-checks for module 09 (the production model lifecycle).

``check_lifecycle`` grades a table on structure and order: each stage is matched to one
of six lifecycle steps by its wording, and the steps must run from training or selection
to retirement. ``check_actions`` compares answers with salted digests, so neither the
messages nor this file spell out the expected actions.
"""

from __future__ import annotations

import re
from typing import Any

from course.checks import CheckFailed, expect_columns, expect_true, passed, salted_digest

COLUMNS = ("stage", "owner", "exit_criterion")
# Lifecycle steps in order, with the words that identify each one in a stage name.
STEPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("train or select", ("train", "select", "choos", "build", "fine-tun", "develop")),
    ("evaluate", ("evaluat", "validat", "test", "gate", "review", "approv")),
    ("deploy", ("deploy", "release", "ship", "rollout", "roll out", "launch", "serv")),
    ("monitor", ("monitor", "observ", "operat", "watch")),
    ("retrain or switch", ("retrain", "re-train", "updat", "refresh", "switch", "swap",
                           "replac", "iterat")),
    ("retire", ("retir", "decommission", "sunset", "archiv", "shut")),
)
REQUIRED = ("train or select", "deploy", "monitor", "retire")
PLACEHOLDERS = {"", "?", "tbd", "todo", "n/a", "na", "none", "nobody", "unknown", "-"}


# Specific steps are tried first, so "re-train" is not read as "train".
MATCH_ORDER = ("retrain or switch", "retire", "monitor", "evaluate", "deploy", "train or select")


def step_of(stage: str) -> str | None:
    """The lifecycle step a stage name refers to, or None.

    Each word is matched at the start of a word ("serv" matches "serving", not "observe").
    """
    text = stage.lower()
    words_of = dict(STEPS)
    for step in MATCH_ORDER:
        if any(re.search(r"\b" + re.escape(word), text) for word in words_of[step]):
            return step
    return None


def check_lifecycle(lifecycle: Any) -> None:
    """A DataFrame (stage, owner, exit_criterion), one row per stage, training → retirement."""
    expect_columns(lifecycle, COLUMNS, "lifecycle")
    rows = len(lifecycle)
    expect_true(5 <= rows <= 10, f"Use 5 to 10 stages (you have {rows}).")
    for column in COLUMNS:
        values = list(lifecycle[column])
        expect_true(all(type(v) is str for v in values),
                    f"Every `{column}` should be a str (text).")
        empty = [i for i, v in enumerate(values) if v.strip().lower() in PLACEHOLDERS]
        expect_true(not empty, f"Fill in `{column}` for every row (look at row(s) "
                    f"{', '.join(map(str, empty))}).")
    stages = [s.strip() for s in lifecycle["stage"]]
    expect_true(len({s.lower() for s in stages}) == rows, "Each stage should appear once.")
    steps = [step_of(s) for s in stages]
    unknown = [s for s, step in zip(stages, steps, strict=True) if step is None]
    expect_true(not unknown, f"These stage names don't say which lifecycle step they are: "
                f"{', '.join(unknown)}. Use words like train, select, evaluate, deploy, monitor, "
                "retrain or retire.")
    missing = [step for step in REQUIRED if step not in steps]
    expect_true(not missing, f"The table has no stage for: {', '.join(missing)}.")
    order = [name for name, _ in STEPS]
    positions = [order.index(step) for step in steps]  # type: ignore[arg-type]
    expect_true(positions == sorted(positions),
                "The stages are out of order: list them in the order a model lives through them.")
    expect_true(steps[0] == "train or select", "Start with training or selecting the model.")
    expect_true(steps[-1] == "retire", "End with retirement.")
    passed(f"lifecycle has {rows} stages in order, each with an owner and an exit criterion.")


ACTIONS = ("retrain", "switch", "escalate")
_SALT = "m09-actions-v1"
_DIGESTS = {
    "slow-drift": "5855e806b80e2996",
    "better-model": "8508712e554339bd",
    "harm-unknown-cause": "24ff1ea7463f3fd5",
    "fresh-season": "281084c5a09bf4ad",
    "version-deprecated": "9d6f70126d296674",
    "legal-question": "39f890eaa7a736fb",
}


def _normalise(action: str) -> str:
    return re.sub(r"\s+", " ", action).strip().lower()


def check_actions(actions: Any, allowed_misses: int = 1) -> None:
    """A dict mapping every scenario id to "retrain", "switch" or "escalate"."""
    expect_true(type(actions) is dict,
                f"`actions` should be a plain dict, not {type(actions).__name__}.")
    missing = [key for key in _DIGESTS if key not in actions]
    expect_true(not missing, f"`actions` has no answer for: {', '.join(missing)}.")
    extra = [key for key in actions if key not in _DIGESTS]
    expect_true(not extra, f"`actions` has unknown scenario id(s): {', '.join(map(str, extra))}.")
    bad = [key for key, value in actions.items()
           if type(value) is not str or _normalise(value) not in ACTIONS]
    expect_true(not bad, f'Each answer should be one of "retrain", "switch" or "escalate"; look '
                f"at: {', '.join(bad)}.")
    misses = sum(salted_digest(_SALT, key, _normalise(actions[key])) != digest
                 for key, digest in _DIGESTS.items())
    if misses > allowed_misses:
        raise CheckFailed(f"❌ {misses} of {len(_DIGESTS)} answers differ from the reference. "
                          "Ask for each: is the data the problem (retrain), is a better or "
                          "supported model the answer (switch), or is it beyond your remit "
                          "(escalate)?")
    passed(f"actions agrees with the reference on at least {len(_DIGESTS) - allowed_misses} of "
           f"{len(_DIGESTS)} scenarios.")
