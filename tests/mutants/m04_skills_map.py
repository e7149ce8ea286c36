"""Plausible wrong answers for module 04 (the skills map)."""

from tests.mutants import Mutant

MODULE = "04-skills-map"
_OVERLAP = dict(test="overlap-tests", answer="overlap-answer")
_PICK = dict(test="pick-tests", answer="pick-answer")

MUTANTS = [
    # overlap: who owns each situation now
    Mutant(**_OVERLAP, name="jargon-stays-with-product",
           why="keeps prompting: misses the escalation once prompts cannot fix it",
           replace=[('"jargon": "ML engineer"', '"jargon": "AI product engineer"')]),
    Mutant(**_OVERLAP, name="all-shared", why="everything overlaps, so everything is shared",
           source="overlap = {key: \"shared\" for key in situations}"),
    Mutant(**_OVERLAP, name="drift-is-shared", why="monitoring is shared, so drift is too",
           replace=[('"drift": "ML engineer"', '"drift": "shared"')]),
    Mutant(**_OVERLAP, name="latency-to-ml", why="latency and cost feel like the ML engineer's",
           replace=[('"latency-budget": "shared"', '"latency-budget": "ML engineer"')]),
    Mutant(**_OVERLAP, name="model-choice-to-product",
           why="picking a model sounds like a product call, even when it really matters",
           replace=[('"on-prem-choice": "ML engineer"', '"on-prem-choice": "AI product engineer"')]),
    Mutant(**_OVERLAP, name="capitalised-owner", why='writes "Shared" with a capital',
           replace=[('"traces": "shared"', '"traces": "Shared"')]),
    Mutant(**_OVERLAP, name="situation-texts-as-keys", why="keys by the situation text, not its key",
           source="overlap = {text: \"shared\" for text in situations.values()}"),
    # pick
    Mutant(**_PICK, name="everything", why="refuses to choose a depth",
           replace=[('"depth": "LLMs"', '"depth": "everything"')]),
    Mutant(**_PICK, name="two-depths", why="picks two areas of depth in a list",
           replace=[('"depth": "LLMs"', '"depth": ["LLMs", "NLP"]')]),
    Mutant(**_PICK, name="wrong-key", why='names the key "skill" instead of "orchestration_skill"',
           replace=[('"orchestration_skill": "observability"', '"skill": "observability"')]),
    Mutant(**_PICK, name="depth-as-skill", why="puts an orchestration skill in `depth`",
           replace=[('"depth": "LLMs"', '"depth": "evaluation"')]),
]
