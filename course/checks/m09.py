"""Self-checks for module 09 (the production model lifecycle).

``check_lifecycle`` checks a table against the rules the exercise states: each stage is
matched to one of six lifecycle steps by its wording, the steps run from training or
selection to retirement, every owner is one role (not a group such as "the team") and every
exit criterion can be checked (a number or a comparison). ``check_actions`` checks only the
shape of the answers; this file holds no reference answer (the hidden test does).
"""

from __future__ import annotations

import re
from typing import Any

from course.checks import expect_columns, expect_true, passed

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
# An owner is one role: not a word for a group, and not something that ends in "team".
GROUP_WORDS = {"everyone", "everybody", "we", "us", "all", "anyone", "anybody", "whoever"}
GROUP_ENDINGS = ("team", "teams")
# A checkable exit criterion holds a number or one of these comparisons.
COMPARISONS = ("<", ">", "=", "≤", "≥")
COMPARISON_WORDS = ("under", "over", "below", "above", "at least", "at most", "less than",
                    "more than", "fewer than", "within", "beats", "exceeds")


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


def is_one_role(owner: str) -> bool:
    """True for an owner that names one role ("ML engineer", "team lead"), not a group."""
    words = re.findall(r"[a-z]+", owner.lower())
    return bool(words) and words[-1] not in GROUP_ENDINGS and not GROUP_WORDS & set(words)


def is_checkable(criterion: str) -> bool:
    """True for an exit criterion that holds a number or a comparison."""
    text = criterion.lower()
    return (re.search(r"\d", text) is not None or any(c in text for c in COMPARISONS)
            or any(re.search(rf"\b{word}\b", text) for word in COMPARISON_WORDS))


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
    positions = [order.index(step) for step in steps if step is not None]  # all known by now
    expect_true(positions == sorted(positions),
                "The stages are out of order: list them in the order a model lives through them.")
    expect_true(steps[0] == "train or select", "Start with training or selecting the model.")
    expect_true(steps[-1] == "retire", "End with retirement.")
    groups = [owner for owner in lifecycle["owner"] if not is_one_role(owner)]
    expect_true(not groups, f"Name one role per stage, not a group: {', '.join(groups)}.")
    vague = [c for c in lifecycle["exit_criterion"] if not is_checkable(c)]
    expect_true(not vague, "These exit criteria cannot be checked; give a number or a "
                f"comparison: {'; '.join(vague)}.")
    passed(f"lifecycle has {rows} stages in order, each with one owner and a checkable exit "
           "criterion.")


ACTIONS = ("retrain", "switch", "escalate")
SCENARIO_IDS = ("slow-drift", "better-model", "harm-unknown-cause", "fresh-season",
                "version-deprecated", "legal-question")


def _normalise(action: str) -> str:
    return re.sub(r"\s+", " ", action).strip().lower()


def check_actions(actions: Any) -> None:
    """A dict mapping every scenario id to "retrain", "switch" or "escalate" (shape only)."""
    expect_true(type(actions) is dict,
                f"`actions` should be a plain dict, not {type(actions).__name__}.")
    missing = [key for key in SCENARIO_IDS if key not in actions]
    expect_true(not missing, f"`actions` has no answer for: {', '.join(missing)}.")
    extra = [key for key in actions if key not in SCENARIO_IDS]
    expect_true(not extra, f"`actions` has unknown scenario id(s): {', '.join(map(str, extra))}.")
    bad = [key for key, value in actions.items()
           if type(value) is not str or _normalise(value) not in ACTIONS]
    expect_true(not bad, f'Each answer should be one of "retrain", "switch" or "escalate"; look '
                f"at: {', '.join(bad)}.")
    passed(f"actions answers all {len(SCENARIO_IDS)} scenarios with one of the three moves. "
           "Which move fits each one is graded by the hidden test: ask whether the data is "
           "the problem (retrain), a better or supported model is the answer (switch), or it "
           "is beyond your remit (escalate).")
