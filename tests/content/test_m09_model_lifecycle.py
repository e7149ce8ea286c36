"""Module 09: ``course.checks.m09`` accepts the solutions and rejects wrong tables and
malformed answers without revealing one; the hidden tests are self-contained, accept the
solution notebook's answers and reject wrong ones (more in tests/mutants/m09_model_lifecycle.py).
The notebook's quizzes and grade ids, and its release, are checked in
tests/content/test_shared.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest

from course.checks import CheckFailed, m09
from tests.content.solved import hidden_tests_grade, hidden_tests_self_contained, solution_of
from tests.lookalikes import AlwaysEqual, EqualStr
from tests.notebook_tools import ROOT

lifecycle = solution_of("09-model-lifecycle", "lifecycle", "lifecycle")
actions = solution_of("09-model-lifecycle", "actions", "actions")


# --- m09 ----------------------------------------------------------------------------------------


def test_m09_accepts_the_solutions() -> None:
    m09.check_lifecycle(lifecycle())
    m09.check_actions(actions())
    renamed = lifecycle().assign(stage=["Model selection", "Release gate review",
                                        "Shadow then full rollout", "Observe in production",
                                        "Re-train on fresh data", "Decommission"])
    m09.check_lifecycle(renamed)


def test_m09_step_matching_is_word_aware() -> None:
    assert m09.step_of("observe the model") == "monitor"
    assert m09.step_of("serving") == "deploy"
    assert m09.step_of("re-train") == "retrain or switch"
    assert m09.step_of("retrain") == "retrain or switch"
    assert m09.step_of("coffee break") is None


@pytest.mark.parametrize("owner, one_role", [
    ("ML engineer", True), ("team lead", True), ("on-call SRE", True), ("product owner", True),
    ("the team", False), ("Team", False), ("data science team", False), ("everyone", False),
    ("we", False), ("All", False), ("all of us", False), ("anyone on call", False),
])
def test_m09_owner_is_one_role(owner: str, one_role: bool) -> None:
    assert m09.is_one_role(owner) is one_role


@pytest.mark.parametrize("criterion, checkable", [
    ("no traffic for 30 days", True), ("p99 under the budget", True),
    ("beats the current model at the same gate", True), ("error rate < budget", True),
    ("done", False), ("Done.", False), ("when it looks good", False), ("approved", False),
    ("thunder-free", False),
])
def test_m09_exit_criterion_is_checkable(criterion: str, checkable: bool) -> None:
    assert m09.is_checkable(criterion) is checkable


def _swap(frame: pd.DataFrame, i: int, j: int) -> pd.DataFrame:
    order = list(range(len(frame)))
    order[i], order[j] = order[j], order[i]
    return frame.iloc[order].reset_index(drop=True)


class LooseFrame(pd.DataFrame):
    def __eq__(self, other: object) -> bool:
        return True


WRONG_TABLES = [
    lambda f: None,
    lambda f: f.to_dict(),
    lambda f: AlwaysEqual(),
    lambda f: LooseFrame(f),
    lambda f: f.drop(columns=["owner"]),
    lambda f: f.iloc[:4],
    lambda f: _swap(f, 2, 3),                        # monitor before deploy
    lambda f: _swap(f, 0, 5),                        # retire first
    lambda f: f.iloc[:-1],                           # no retirement
    lambda f: f.assign(owner=["ML engineer", "", "x", "y", "z", "w"]),
    lambda f: f.assign(owner=["TBD"] * 6),
    lambda f: f.assign(exit_criterion=[1, 2, 3, 4, 5, 6]),
    lambda f: f.assign(owner=[EqualStr("a")] * 6),
    lambda f: f.assign(stage=["step one", "b", "c", "d", "e", "f"]),
    lambda f: pd.concat([f.iloc[:1], f]).reset_index(drop=True),   # duplicate stage
    lambda f: f.assign(owner=["the team"] * 6, exit_criterion=["done"] * 6),  # review defect 7
    lambda f: f.assign(owner=["the team"] * 6),
    lambda f: f.assign(exit_criterion=["done"] * 6),
    lambda f: f.assign(owner=[*f["owner"][:5], "everyone"]),
]


@pytest.mark.parametrize("make", WRONG_TABLES)
def test_m09_lifecycle_rejects_wrong_tables(make: Callable[[pd.DataFrame], Any]) -> None:
    with pytest.raises(CheckFailed):
        m09.check_lifecycle(make(lifecycle()))


@pytest.mark.parametrize("make", [
    lambda a: None,
    lambda a: list(a.values()),
    lambda a: AlwaysEqual(),
    lambda a: {k: AlwaysEqual() for k in a},
    lambda a: {k: EqualStr("retrain") for k in a},
    lambda a: type("LooseDict", (dict,), {"__eq__": lambda s, o: True})(a),
    lambda a: {k: v for k, v in a.items() if k != "legal-question"},
    lambda a: {**a, "extra": "switch"},
    lambda a: {**a, "slow-drift": "roll back"},
])
def test_m09_actions_rejects_malformed_answers(make: Callable[[dict], Any]) -> None:
    with pytest.raises(CheckFailed):
        m09.check_actions(make(actions()))


def test_m09_actions_check_holds_noanswer_namespace() -> None:
    """Any well-formed answer passes the self-check; only the hidden test knows the moves."""
    m09.check_actions({key: "retrain" for key in actions()})
    text = (ROOT / "course" / "checks" / "m09.py").read_text("utf-8")
    assert "digest" not in text and "harm-unknown-cause\": \"escalate" not in text


# --- the hidden tests in the notebook -----------------------------------------------------


HIDDEN = [
    ("09-model-lifecycle", "lifecycle", "lifecycle", lifecycle,
     [lambda: lifecycle().to_dict(), AlwaysEqual, lambda: LooseFrame(lifecycle()),
      *[(lambda make=make: make(lifecycle())) for make in WRONG_TABLES[4:]]]),
    ("09-model-lifecycle", "actions", "actions", actions,
     [lambda: list(actions()), AlwaysEqual, lambda: {k: EqualStr("x") for k in actions()},
      lambda: {k: "escalate" for k in actions()},
      lambda: {EqualStr(k): v for k, v in actions().items()},
      lambda: {**actions(), "slow-drift": "switch", "fresh-season": "switch"}]),
]

test_hidden_tests_accept_the_solution_and_reject_wrong_answers = hidden_tests_grade(HIDDEN)
test_hidden_tests_are_self_contained = hidden_tests_self_contained(HIDDEN)
