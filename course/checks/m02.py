"""Self-checks for module 02 (AI engineering vs ML engineering).

They check the shape of an answer (the right tools, the right labels, a one-line reason)
and never whether a tool is on the right bench: that is what the hidden tests grade, and
nothing in this package says which bench is which.
"""

from __future__ import annotations

from typing import Any

from course.checks import CheckFailed, expect_true, expect_type, passed

WORKBENCHES = ("AI engineering", "ML engineering")

# The tools the sorting exercise asks about, in the (mixed) order the notebook lists them.
TOOLS = (
    "XGBoost",
    "Chroma",
    "Kubeflow",
    "LlamaIndex",
    "TensorFlow",
    "Pinecone",
    "MLflow",
    "LangChain",
    "scikit-learn",
    "Weaviate",
    "PyTorch",
)

# The tools on the border between the benches (exercise 2).
BORDER_TOOLS = ("Hugging Face Transformers", "vLLM", "Ragas")


def _keys(answer: dict, expected: tuple[str, ...], name: str) -> None:
    keys = list(answer)
    expect_true(all(type(k) is str for k in keys), f"every key of `{name}` should be a str.")
    missing = [t for t in expected if t not in answer]
    extra = [k for k in keys if k not in expected]
    if missing:
        raise CheckFailed(f"❌ `{name}` has no entry for: {', '.join(missing)}.")
    if extra:
        raise CheckFailed(
            f"❌ `{name}` has key(s) that are not in the list: {', '.join(extra)} "
            "(check the spelling and capitals)."
        )


def _bench_ok(value: Any) -> bool:
    return type(value) is str and value in WORKBENCHES


def check_workbench(workbench: Any) -> None:
    """`workbench` maps every tool in TOOLS to "AI engineering" or "ML engineering"."""
    expect_type(workbench, dict, "workbench")
    expect_true(type(workbench) is dict, "`workbench` should be a plain dict.")
    _keys(workbench, TOOLS, "workbench")
    wrong_values = [t for t in TOOLS if not _bench_ok(workbench[t])]
    if wrong_values:
        raise CheckFailed(
            f"❌ every value must be exactly \"AI engineering\" or \"ML engineering\"; "
            f"look at: {', '.join(wrong_values)}."
        )
    benches = {workbench[t] for t in TOOLS}
    expect_true(len(benches) == 2, "All eleven tools on one bench? Ask of each: does it help "
                                   "you build on top of a model, or build and run the model?")
    passed("workbench has every tool and a bench for each. The hidden tests check each "
           "placement.")


def check_border(border: Any) -> None:
    """`border` maps each border tool to a (bench, one-line reason) tuple."""
    expect_type(border, dict, "border")
    expect_true(type(border) is dict, "`border` should be a plain dict.")
    _keys(border, BORDER_TOOLS, "border")
    reasons = []
    for tool in BORDER_TOOLS:
        value = border[tool]
        expect_true(type(value) is tuple and len(value) == 2,
                    f"`border[{tool!r}]` should be a tuple (bench, reason).")
        bench, reason = value
        expect_true(_bench_ok(bench),
                    f"The bench for {tool} must be \"AI engineering\" or \"ML engineering\".")
        expect_true(type(reason) is str and "\n" not in reason.strip(),
                    f"The reason for {tool} should be one line of text.")
        words = [w for w in reason.split() if any(ch.isalpha() for ch in w)]
        expect_true(6 <= len(words) <= 40,
                    f"The reason for {tool} has {len(words)} word(s); write 6 to 40.")
        reasons.append(" ".join(words).lower())
    expect_true(len(set(reasons)) == len(reasons), "Each tool needs its own reason.")
    passed("border gives each tool a bench and a reason. Your instructor reads the reasons.")
