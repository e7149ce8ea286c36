"""Self-checks for module 02 (AI engineering vs ML engineering).

The right workbench for each tool is stored only as a salted hash, so reading this file
does not hand out the answer; the checks say *how many* tools are misplaced, never which.
"""

from __future__ import annotations

from typing import Any

from course.checks import CheckFailed, expect_true, expect_type, passed, salted_digest

WORKBENCHES = ("AI engineering", "ML engineering")

# The tools the exercise asks about, in the order the notebook lists them.
TOOLS = (
    "LangChain",
    "LlamaIndex",
    "Pinecone",
    "Weaviate",
    "Chroma",
    "scikit-learn",
    "XGBoost",
    "PyTorch",
    "TensorFlow",
    "MLflow",
    "Kubeflow",
)

_SALT = "m02-workbench"
_EXPECTED = {
    "LangChain": "16f9af32389d60a6",
    "LlamaIndex": "c05cdc88d8fca9f5",
    "Pinecone": "f9d059a203667eac",
    "Weaviate": "79a60ae18977bb17",
    "Chroma": "e4d33078d58776f9",
    "scikit-learn": "9034dce825d2c2e9",
    "XGBoost": "53351949767788ed",
    "PyTorch": "f1ff168709d4add7",
    "TensorFlow": "81fcb66ed7a091ba",
    "MLflow": "de8f2793c44f8a4d",
    "Kubeflow": "66a567d23eef9712",
}


def _misplaced(workbench: dict[str, str]) -> int:
    return sum(salted_digest(_SALT, tool, workbench[tool]) != _EXPECTED[tool] for tool in TOOLS)


def check_workbench(workbench: Any) -> None:
    """`workbench` maps every tool in TOOLS to "AI engineering" or "ML engineering"."""
    expect_type(workbench, dict, "workbench")
    expect_true(type(workbench) is dict, "`workbench` should be a plain dict.")
    keys = list(workbench)
    expect_true(all(type(k) is str for k in keys), "every key of `workbench` should be a str.")
    missing = [t for t in TOOLS if t not in workbench]
    extra = [k for k in keys if k not in TOOLS]
    if missing:
        raise CheckFailed(f"❌ `workbench` has no entry for: {', '.join(missing)}.")
    if extra:
        raise CheckFailed(
            f"❌ `workbench` has key(s) that are not in the list: {', '.join(extra)} "
            "(check the spelling and capitals)."
        )
    wrong_values = [t for t in TOOLS if type(workbench[t]) is not str
                    or workbench[t] not in WORKBENCHES]
    if wrong_values:
        raise CheckFailed(
            f"❌ every value must be exactly \"AI engineering\" or \"ML engineering\"; "
            f"look at: {', '.join(wrong_values)}."
        )
    wrong = _misplaced(workbench)
    if wrong:
        tools = "tool is" if wrong == 1 else "tools are"
        raise CheckFailed(
            f"❌ {wrong} {tools} on the wrong workbench. Ask of each: does it help you build "
            "on top of a model, or build and run the model itself?"
        )
    passed("every tool is on its workbench.")
