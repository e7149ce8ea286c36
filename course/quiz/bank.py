"""Question banks: one YAML file per module in ``course/quiz/banks/<module>.yaml``.

``validate_bank`` turns the raw YAML into :class:`Question` objects plus a list of
problems (used by the lint); ``load_bank`` raises :class:`BankError` when a bank has any.
The format is documented in ``course/quiz/FORMAT.md``. PyYAML is imported lazily.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BANKS_DIR = Path(__file__).resolve().parent / "banks"
TYPES = ("single", "multiple", "numeric", "text", "ordering")
DEFAULT_SHOW_ANSWER_AFTER = 2
ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")

_COMMON = {"id", "type", "prompt", "explanation", "hint", "points", "show_answer_after"}
FIELDS: dict[str, set[str]] = {
    "single": _COMMON | {"options", "answer", "feedback", "shuffle"},
    "multiple": _COMMON | {"options", "answer", "feedback", "shuffle"},
    "ordering": _COMMON | {"options", "answer", "feedback"},
    "numeric": _COMMON | {"answer", "abs_tol", "rel_tol", "unit", "feedback"},
    "text": _COMMON | {"answer", "accept", "feedback"},
}
BANK_FIELDS = {"module", "title", "show_answer_after", "questions"}


class BankError(ValueError):
    """A bank file is missing or invalid; the message names the file and question."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a bank or with how notebooks use it."""

    source: str
    question_id: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.source}: {self.question_id}" if self.question_id else self.source
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Question:
    """One validated question. ``answer`` is an option key (single), a list of keys
    (multiple, ordering: the right order), a number (numeric) or a string (text)."""

    module: str
    id: str
    type: str
    prompt: str
    explanation: str
    answer: Any
    options: dict[str, str] = field(default_factory=dict)
    feedback: dict[str, str] = field(default_factory=dict)
    accept: tuple[str, ...] = ()
    abs_tol: float | None = None
    rel_tol: float | None = None
    unit: str = ""
    hint: str = ""
    points: float = 1.0
    show_answer_after: int = DEFAULT_SHOW_ANSWER_AFTER
    shuffle: bool = True

    @property
    def answers(self) -> list[str]:
        """The right option keys as a list (single, multiple, ordering)."""
        return [self.answer] if isinstance(self.answer, str) else list(self.answer)


@dataclass
class Bank:
    """A module's questions, in file order."""

    module: str
    title: str
    path: Path
    questions: dict[str, Question]

    def get(self, question_id: str) -> Question:
        """The question with this id, or a :class:`BankError` listing the known ids."""
        try:
            return self.questions[question_id]
        except KeyError:
            known = ", ".join(self.questions) or "(none)"
            raise BankError(
                f"{self.path.name}: no question {question_id!r}; known ids: {known}"
            ) from None


def module_names(banks_dir: Path | None = None) -> list[str]:
    """Every module that has a bank, sorted."""
    return sorted(p.stem for p in (banks_dir or BANKS_DIR).glob("*.yaml"))


def bank_path(module: str, banks_dir: Path | None = None) -> Path:
    """The YAML file holding ``module``'s questions."""
    return (banks_dir or BANKS_DIR) / f"{module}.yaml"


def read_yaml(path: Path) -> Any:
    """Parse a YAML file (safe loader)."""
    import yaml

    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_options(q: dict, qtype: str, problems: list[str]) -> dict[str, str]:
    options = q.get("options")
    if not isinstance(options, dict) or len(options) < 2:
        problems.append("'options' must be a mapping of at least two key: text pairs")
        return {}
    clean: dict[str, str] = {}
    for key, text in options.items():
        if not isinstance(key, str) or not ID_RE.match(key):
            problems.append(f"option key {key!r} must be a lowercase string like 'a' or 'model'")
            continue
        if not isinstance(text, str) or not text.strip():
            problems.append(f"option {key!r} needs non-empty text")
            continue
        clean[key] = text.strip()
    answer = q.get("answer")
    if qtype == "single":
        if not isinstance(answer, str):
            problems.append("'answer' must be one option key")
        elif answer not in options:
            problems.append(f"answer {answer!r} is not among the options {list(options)}")
    else:
        if not isinstance(answer, list) or not answer or not all(
            isinstance(a, str) for a in answer
        ):
            problems.append("'answer' must be a list of option keys")
        else:
            missing = [a for a in answer if a not in options]
            if missing:
                problems.append(f"answer {missing} not among the options {list(options)}")
            if len(set(answer)) != len(answer):
                problems.append("'answer' repeats an option key")
            if qtype == "ordering" and set(answer) != set(options):
                problems.append("an ordering 'answer' must list every option key exactly once")
    feedback = q.get("feedback", {})
    if qtype in ("single", "multiple"):
        if not isinstance(feedback, dict):
            problems.append("'feedback' must map each option key to a message")
        else:
            for key in options:
                text = feedback.get(key)
                if not isinstance(text, str) or not text.strip():
                    problems.append(f"option {key!r} has no feedback")
            extra = [k for k in feedback if k not in options]
            if extra:
                problems.append(f"feedback for unknown option(s) {extra}")
    return clean


def _check_feedback_correct_incorrect(q: dict, problems: list[str]) -> None:
    feedback = q.get("feedback", {})
    if not isinstance(feedback, dict) or not set(feedback) <= {"correct", "incorrect"} or not all(
        isinstance(v, str) for v in feedback.values()
    ):
        problems.append("'feedback' here may only have 'correct' and 'incorrect' messages")


def _validate_question(
    raw: Any, module: str, default_after: int
) -> tuple[str | None, Question | None, list[str]]:
    problems: list[str] = []
    if not isinstance(raw, dict):
        return None, None, ["each question must be a mapping"]
    qid = raw.get("id")
    if not isinstance(qid, str) or not ID_RE.match(qid):
        problems.append("'id' must be a lowercase string like 'identity-2026'")
        qid = None
    qtype = raw.get("type")
    if qtype not in TYPES:
        problems.append(f"'type' must be one of {', '.join(TYPES)} (got {qtype!r})")
        return qid, None, problems
    unknown = sorted(set(raw) - FIELDS[qtype])
    if unknown:
        problems.append(f"unknown field(s) for a {qtype} question: {', '.join(unknown)}")
    for name in ("prompt", "explanation"):
        if not isinstance(raw.get(name), str) or not raw[name].strip():
            problems.append(f"'{name}' is missing or empty")
    if "hint" in raw and not isinstance(raw["hint"], str):
        problems.append("'hint' must be text")
    points = raw.get("points", 1)
    if not _is_number(points) or points <= 0:
        problems.append("'points' must be a positive number")
    after = raw.get("show_answer_after", default_after)
    if not isinstance(after, int) or isinstance(after, bool) or after < 1:
        problems.append("'show_answer_after' must be a whole number ≥ 1")
    if "shuffle" in raw and not isinstance(raw["shuffle"], bool):
        problems.append("'shuffle' must be true or false")

    options: dict[str, str] = {}
    answer: Any = raw.get("answer")
    accept: tuple[str, ...] = ()
    if qtype in ("single", "multiple", "ordering"):
        options = _check_options(raw, qtype, problems)
    elif qtype == "numeric":
        if not _is_number(answer):
            problems.append("a numeric 'answer' must be a number")
        for tol in ("abs_tol", "rel_tol"):
            if tol in raw and (not _is_number(raw[tol]) or raw[tol] < 0):
                problems.append(f"'{tol}' must be a number ≥ 0")
        if "unit" in raw and not isinstance(raw["unit"], str):
            problems.append("'unit' must be text")
        _check_feedback_correct_incorrect(raw, problems)
    else:  # text
        if not isinstance(answer, str) or not answer.strip():
            problems.append("a text 'answer' must be a non-empty string")
        extra = raw.get("accept", [])
        if not isinstance(extra, list) or not all(isinstance(a, str) for a in extra):
            problems.append("'accept' must be a list of strings")
        else:
            accept = tuple(extra)
        _check_feedback_correct_incorrect(raw, problems)
    if qtype == "ordering" and "feedback" in raw:
        _check_feedback_correct_incorrect(raw, problems)

    if problems or qid is None:
        return qid, None, problems
    question = Question(
        module=module,
        id=qid,
        type=qtype,
        prompt=raw["prompt"].strip(),
        explanation=raw["explanation"].strip(),
        answer=float(answer) if qtype == "numeric" else answer,
        options=options,
        feedback={str(k): str(v).strip() for k, v in (raw.get("feedback") or {}).items()},
        accept=accept,
        abs_tol=float(raw["abs_tol"]) if "abs_tol" in raw else None,
        rel_tol=float(raw["rel_tol"]) if "rel_tol" in raw else None,
        unit=raw.get("unit", ""),
        hint=(raw.get("hint") or "").strip(),
        points=float(points),
        show_answer_after=after,
        shuffle=raw.get("shuffle", True),
    )
    return qid, question, problems


def validate_bank(data: Any, path: Path) -> tuple[Bank | None, list[Problem]]:
    """Check a parsed bank; return the bank (valid questions only) and every problem."""
    source = path.name
    problems: list[Problem] = []
    if not isinstance(data, dict):
        return None, [Problem(source, None, "a bank must be a mapping with 'questions'")]
    unknown = sorted(set(data) - BANK_FIELDS)
    if unknown:
        problems.append(Problem(source, None, f"unknown bank field(s): {', '.join(unknown)}"))
    module = data.get("module", path.stem)
    if module != path.stem:
        problems.append(
            Problem(source, None, f"'module' is {module!r} but the file is named {path.stem!r}")
        )
    default_after = data.get("show_answer_after", DEFAULT_SHOW_ANSWER_AFTER)
    if not isinstance(default_after, int) or isinstance(default_after, bool) or default_after < 1:
        problems.append(Problem(source, None, "'show_answer_after' must be a whole number ≥ 1"))
        default_after = DEFAULT_SHOW_ANSWER_AFTER
    raw_questions = data.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions:
        problems.append(Problem(source, None, "'questions' must be a non-empty list"))
        raw_questions = []
    questions: dict[str, Question] = {}
    seen: set[str] = set()
    for index, raw in enumerate(raw_questions, start=1):
        qid, question, found = _validate_question(raw, path.stem, default_after)
        label = qid or f"question #{index}"
        if qid is not None:
            if qid in seen:
                found.append("duplicate id (ids must be unique in a bank)")
            seen.add(qid)
        problems.extend(Problem(source, label, msg) for msg in found)
        if question is not None and qid not in questions:
            questions[qid] = question
    title = data.get("title") if isinstance(data.get("title"), str) else path.stem
    return Bank(module=path.stem, title=title, path=path, questions=questions), problems


def check_bank_file(path: Path) -> tuple[Bank | None, list[Problem]]:
    """Read and validate one bank file, reporting YAML errors as problems."""
    try:
        data = read_yaml(path)
    except Exception as exc:  # yaml.YAMLError, OSError, decoding errors
        return None, [Problem(path.name, None, f"cannot read YAML: {exc}")]
    return validate_bank(data, path)


_CACHE: dict[Path, tuple[float, Bank]] = {}


def load_bank(module: str, banks_dir: Path | None = None) -> Bank:
    """Load and validate ``module``'s bank (cached until the file changes)."""
    path = bank_path(module, banks_dir)
    if not path.is_file():
        known = ", ".join(module_names(path.parent)) or "(none)"
        raise BankError(f"no quiz bank for module {module!r} ({path}); banks: {known}")
    mtime = path.stat().st_mtime
    cached = _CACHE.get(path)
    if cached and cached[0] == mtime:
        return cached[1]
    bank, problems = check_bank_file(path)
    if problems or bank is None:
        listing = "\n".join(f"  - {p}" for p in problems)
        raise BankError(f"quiz bank {path.name} has problems:\n{listing}")
    _CACHE[path] = (mtime, bank)
    return bank

