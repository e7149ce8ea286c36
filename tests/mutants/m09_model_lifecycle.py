"""Plausible wrong answers for module 09 (the production model lifecycle)."""

from tests.mutants import Mutant

MODULE = "09-model-lifecycle"
TABLE, TABLE_TESTS = "lifecycle-answer", "lifecycle-tests"
ACTIONS, ACTIONS_TESTS = "actions-answer", "actions-tests"

STAGES = ["train the fraud model", "evaluate at the release gate", "deploy: canary, then all",
          "monitor quality and drift", "retrain or switch", "retire the old version"]


def _table(owners: list[str], exits: list[str], stages: list[str] = STAGES) -> str:
    rows = ",\n".join(f"    ({s!r}, {o!r}, {e!r})" for s, o, e in zip(stages, owners, exits, strict=True))
    return f'lifecycle = pd.DataFrame([\n{rows},\n], columns=["stage", "owner", "exit_criterion"])\n'


GOOD_OWNERS = ["ML engineer", "ML engineer", "platform engineer", "on-call ML engineer",
               "ML engineer", "product owner"]
GOOD_EXITS = ["recall above 0.80 on last quarter", "p99 under 50 ms on a week of shadow traffic",
              "48 hours at 5% of traffic with no alert", "recall under 0.80 for 7 days",
              "beats the current model at the same gate", "no traffic for 30 days"]

MUTANTS = [
    Mutant(test=TABLE_TESTS, answer=TABLE, name="the-team-and-done",
           why='owner "the team" and exit criterion "done" on every row: the anti-pattern '
               "the notebook warns against",
           source=_table(["the team"] * 6, ["done"] * 6)),
    Mutant(test=TABLE_TESTS, answer=TABLE, name="team-owners",
           why="names a team per stage (data team, platform team) instead of one role",
           source=_table(["data science team", "data science team", "platform team",
                          "ops team", "data science team", "product team"], GOOD_EXITS)),
    Mutant(test=TABLE_TESTS, answer=TABLE, name="everyone-retires",
           why='leaves retirement to "everyone", the stage the notebook says gets forgotten',
           source=_table(GOOD_OWNERS[:5] + ["everyone"], GOOD_EXITS)),
    Mutant(test=TABLE_TESTS, answer=TABLE, name="uncheckable-exits",
           why="exit criteria nobody can check (no number, no comparison)",
           source=_table(GOOD_OWNERS, ["model is trained", "looks good", "it is live",
                                       "when it drifts", "new version ready", "when nobody uses it"])),
    Mutant(test=TABLE_TESTS, answer=TABLE, name="monitoring-is-last",
           why="ends the lifecycle at monitoring, with no retirement stage",
           source=_table(GOOD_OWNERS[:5], GOOD_EXITS[:5], STAGES[:5])),
    Mutant(test=TABLE_TESTS, answer=TABLE, name="monitor-before-deploy",
           why="puts monitoring before deployment",
           source=_table(GOOD_OWNERS, GOOD_EXITS,
                         STAGES[:2] + [STAGES[3], STAGES[2]] + STAGES[4:])),
    Mutant(test=ACTIONS_TESTS, answer=ACTIONS, name="drift-means-retrain",
           why="retrains in every situation",
           source='actions = {key: "retrain" for key in ["slow-drift", "better-model", '
                  '"harm-unknown-cause", "fresh-season", "version-deprecated", '
                  '"legal-question"]}\n'),
    Mutant(test=ACTIONS_TESTS, answer=ACTIONS, name="quietly-retrain-harm",
           why="retrains quietly when the cause is unknown or the question is legal",
           replace=[('"harm-unknown-cause": "escalate"', '"harm-unknown-cause": "retrain"'),
                    ('"legal-question": "escalate"', '"legal-question": "retrain"')]),
    Mutant(test=ACTIONS_TESTS, answer=ACTIONS, name="escalate-every-change",
           why="escalates a vendor deprecation and a better model instead of switching",
           replace=[('"better-model": "switch"', '"better-model": "escalate"'),
                    ('"version-deprecated": "switch"', '"version-deprecated": "escalate"')]),
    Mutant(test=ACTIONS_TESTS, answer=ACTIONS, name="roll-back-as-a-move",
           why='answers "roll back" (module 07\'s move), which is not one of the three here',
           replace=[('"harm-unknown-cause": "escalate"', '"harm-unknown-cause": "roll back"')]),
]
