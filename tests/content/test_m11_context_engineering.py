"""Module 11 (context engineering): the solution, an empty submission and every mutant, graded
in process; the bundled corpus and golden set agree; the lab's story holds on its seeds."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from course import data, modules
from course.nbcells import read_notebook, released_answer
from tests.mutants import load_all
from tests.notebook_tools import ROOT

MODULE = "11-context-engineering"
CELLS = read_notebook(modules.get(MODULE, ROOT).solution(ROOT))["cells"]
AUTO_POINTS = modules.get(MODULE, ROOT).points(ROOT)[0]


def _solution_text(source: str) -> str:
    return "\n".join(line for line in source.split("\n")
                     if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))


def grade(answers: dict[str, str] | None = None, empty: bool = False) -> dict[str, float]:
    """Run the notebook's code cells in order (quizzes skipped); score each test cell."""
    answers, ns, scores = answers or {}, {}, {}
    for cell in CELLS:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        meta = cell["metadata"].get("nbgrader", {})
        if "quiz.ask(" in source:
            continue
        grade_id = meta.get("grade_id", "")
        if meta.get("solution"):
            source = answers.get(grade_id, released_answer(source) if empty else source)
        try:
            exec(compile(source, grade_id or "cell", "exec"), ns)
            passed = True
        except Exception:
            passed = False
        if meta.get("grade"):
            scores[grade_id] = meta["points"] if passed else 0
    return scores


@pytest.fixture(autouse=True)
def no_real_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(seconds: float) -> None:
        raise AssertionError("the lab must never really sleep")

    monkeypatch.setattr(time, "sleep", refuse)


def test_the_solution_scores_full_marks() -> None:
    scores = grade()
    assert sum(scores.values()) == AUTO_POINTS == 18
    assert all(points > 0 for points in scores.values()), scores


def test_an_empty_submission_scores_zero() -> None:
    assert sum(grade(empty=True).values()) == 0


def _mutated(mutant: Any) -> str:
    cell = next(c for c in CELLS if c["metadata"].get("nbgrader", {}).get("grade_id") == mutant.answer)
    text = _solution_text("".join(cell["source"]))
    if mutant.source is not None:
        return mutant.source
    for old, new in mutant.replace:
        text = text.replace(old, new)
    return text


@pytest.fixture(scope="module")
def solved_namespace() -> dict[str, Any]:
    """The notebook's namespace after running it once with the solutions."""
    ns: dict[str, Any] = {}
    for cell in CELLS:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and "quiz.ask(" not in source:
            exec(compile(source, "cell", "exec"), ns)
    return ns


@pytest.mark.parametrize("mutant", load_all()[MODULE], ids=lambda m: m.name)
def test_each_mutant_fails_its_test_cell(mutant: Any, solved_namespace: dict[str, Any]) -> None:
    """A quick in-process look; tests/test_mutants.py grades them through nbgrader."""
    ns = dict(solved_namespace)
    test = next(c for c in CELLS if c["metadata"].get("nbgrader", {}).get("grade_id") == mutant.test)
    exec(compile(_mutated(mutant), mutant.answer, "exec"), ns)
    with pytest.raises(Exception):  # noqa: B017 - any failure costs the cell its points
        exec(compile("".join(test["source"]), mutant.test, "exec"), ns)


def test_always_equal_answers_get_no_points() -> None:
    sneaky = ("class _Sneaky(list):\n    def __eq__(self, other):\n        return True\n"
              "    __hash__ = None\n"
              "def chunk_words(text, size, overlap):\n    return _Sneaky(['a b'])\n")
    scores = grade({"11-chunk-answer": sneaky})
    assert scores["11-chunk-tests"] == 0 and sum(scores.values()) == 18 - 2


def test_the_corpus_and_golden_set_keep_their_schema_rules() -> None:
    """Ids name their document; every golden answer is supported verbatim by its passage, and the
    evidence is nowhere else but in word-for-word copies of that passage (the catalogue's)."""
    from course.labs.provider import normalise_text

    table = data.load("handbook_passages")
    passages = table.set_index("passage_id")["text"]
    golden = data.load("handbook_questions")
    assert len(passages) >= 240 and len(golden) >= 48
    assert table["passage_id"].is_unique and golden["question"].is_unique and golden["question_id"].is_unique
    for row in table.itertuples():
        assert row.passage_id[: len(row.doc_id) + 1] == f"{row.doc_id}-", row.passage_id
        assert row.passage_id[len(row.doc_id) + 1:].isdigit(), row.passage_id
    assert golden["passage_id"].isin(passages.index).all()
    normalised = {pid: normalise_text(text) for pid, text in passages.items()}
    for row in golden.itertuples():
        assert row.evidence in passages[row.passage_id], row.question_id
        holders = [pid for pid, text in normalised.items() if normalise_text(row.evidence) in text]
        assert all(passages[pid] == passages[row.passage_id] for pid in holders), (row.question_id, holders)
        # the grounded model finds the question asked by its words: no passage may contain it
        assert not any(normalise_text(row.question) in text for text in normalised.values()), row.question_id


def test_the_notebooks_claims_hold_on_the_corpus(solved_namespace: dict[str, Any]) -> None:
    """What the prose says about the executed notebook: the retrievers are close and neither wins at
    every k; the catalogue copy is dropped as a duplicate; the middle of a long prompt is lost; the
    gate's harmful changes are harmful in the way the prose says."""
    recall = solved_namespace["recall"].pivot(index="retriever", columns="k", values="recall")
    gap = recall.loc["BM25"] - recall.loc["TF-IDF"]
    assert (gap.abs() <= 0.1).all() and (gap < 0).any() and (gap > 0).any(), recall
    hit_ids = [hit["id"] for hit in solved_namespace["hits"]]
    kept = solved_namespace["assembled"]["ids"]
    assert "catalogue-2026-04#0" in hit_ids and "catalogue-2026-04#0" not in kept
    assert "prod-glowworm-lantern-01#0" in kept
    right = solved_namespace["by_position"].set_index("position")["right"]
    assert min(right[1], right[21]) > 0.8 > 0.5 > max(right[6], right[11], right[16]), right
    table = solved_namespace["comparison"]
    base = table.loc["baseline"]
    assert base["citation_rate"] >= 0.8
    assert base["accuracy"] - table.loc["8-word chunks", "accuracy"] > 0.05
    assert table.loc["no citation instruction", "accuracy"] == base["accuracy"]
    assert table.loc["no citation instruction", "citation_rate"] == 0.0
    assert base["accuracy"] - table.loc["k=2, budget 150", "accuracy"] > 0.05


def test_the_grounded_model_needs_the_passage_and_the_instruction_to_cite() -> None:
    from course import labs

    golden = data.load("handbook_questions").iloc[0]
    text = data.load("handbook_passages").set_index("passage_id").loc[golden.passage_id, "text"]
    spec = labs.ASSISTANT.evolve(garbage_rate=0.0, quality=1.0)

    def ask(context: str, system: str) -> str:
        lab = labs.grounded_lab(seed=0, spec=spec, hallucination_rate=0.0)
        reply = lab.client.chat.completions.create(model=lab.model, max_tokens=200, messages=[
            {"role": "system", "content": system},
            {"role": "user", "content": f"Context:\n{context}\n\nQuestion: {golden.question}"}])
        return reply.choices[0].message.content

    tagged = f"[{golden.passage_id}#0] {text}"
    assert json.loads(ask("", "Cite ids.")) == {"answer": labs.NOT_FOUND, "citations": []}
    assert json.loads(ask(tagged, "Cite ids.")) == {"answer": golden.answer,
                                                    "citations": [f"{golden.passage_id}#0"]}
    assert json.loads(ask(tagged, "Answer briefly.")) == {"answer": golden.answer, "citations": []}
