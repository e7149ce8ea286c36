"""Question banks: one YAML file per module in ``course/quiz/banks/<module>.yaml``.

``validate_bank`` turns the raw YAML into :class:`Question` objects plus a list of
problems (used by the lint); ``load_bank`` raises :class:`BankError` when a bank has any.
The format is documented in ``course/quiz/FORMAT.md``; its shape is the JSON Schema
``bank.schema.json`` (checked with ``jsonschema``), and only the rules a schema cannot say
(answer among the options, one feedback per option, unique ids, module = file name) are
checked here. PyYAML and jsonschema are imported lazily.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BANKS_DIR = Path(__file__).resolve().parent / "banks"
SCHEMA_PATH = Path(__file__).resolve().parent / "bank.schema.json"
TYPES = ("single", "multiple", "numeric", "text", "ordering")
DEFAULT_SHOW_ANSWER_AFTER = 2
ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")

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


def _schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _fields() -> dict[str, set[str]]:
    defs = _schema()["$defs"]
    common = set(defs["common"]["properties"])
    kinds = {"text": "text_question"}
    return {t: common | set(defs[kinds.get(t, t)]["properties"]) for t in TYPES}


FIELDS: dict[str, set[str]] = _fields()


@functools.cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(_schema())


def _schema_message(error: Any) -> str:
    """A schema error in the words of the format: which field, what it must be."""
    instance = error.instance
    if error.validator == "required":
        missing = [f for f in error.validator_value if f not in instance]
        return "; ".join(f"'{f}' is missing" for f in missing)
    if error.validator == "unevaluatedProperties":
        unknown = sorted(set(instance) - FIELDS[instance["type"]])
        return f"unknown field(s) for a {instance['type']} question: {', '.join(unknown)}"
    if error.validator == "additionalProperties" and not error.path:
        unknown = sorted(set(instance) - set(error.schema["properties"]))
        return f"unknown bank field(s): {', '.join(unknown)}"
    field = next((str(p) for p in reversed(error.path) if isinstance(p, str)), "")
    template = error.schema.get("x-message") if isinstance(error.schema, dict) else None
    if template:
        return template.format(field=field, value=repr(instance))
    return f"'{field}': {error.message}" if field else error.message


def _schema_problems(data: Any) -> tuple[list[str], dict[int, list[str]]]:
    """Schema errors for the bank itself, and for each question by its index."""
    bank: list[str] = []
    questions: dict[int, list[str]] = {}
    for error in sorted(_validator().iter_errors(data), key=lambda e: list(map(str, e.path))):
        path = list(error.path)
        message = _schema_message(error)
        if len(path) >= 2 and path[0] == "questions":
            found = questions.setdefault(path[1], [])
            if message not in found:
                found.append(message)
        elif message not in bank:
            bank.append(message)
    return bank, questions


def _cross_field_problems(q: dict[str, Any]) -> list[str]:
    """What the schema cannot say: answers among the options, one feedback per option."""
    if q["type"] not in ("single", "multiple", "ordering"):
        return []
    problems: list[str] = []
    options, answer = list(q["options"]), q["answer"]
    if q["type"] == "single":
        if answer not in options:
            problems.append(f"answer {answer!r} is not among the options {options}")
    else:
        missing = [a for a in answer if a not in options]
        if missing:
            problems.append(f"answer {missing} not among the options {options}")
        if len(set(answer)) != len(answer):
            problems.append("'answer' repeats an option key")
        if q["type"] == "ordering" and set(answer) != set(options):
            problems.append("an ordering 'answer' must list every option key exactly once")
    if q["type"] in ("single", "multiple"):
        feedback = q["feedback"]
        problems += [f"option {key!r} has no feedback" for key in options
                     if not str(feedback.get(key) or "").strip()]
        extra = [k for k in feedback if k not in options]
        if extra:
            problems.append(f"feedback for unknown option(s) {extra}")
    return problems


def _question(raw: dict[str, Any], module: str, default_after: int) -> Question:
    """A question that passed every check."""
    numeric = raw["type"] == "numeric"
    return Question(
        module=module,
        id=raw["id"],
        type=raw["type"],
        prompt=raw["prompt"].strip(),
        explanation=raw["explanation"].strip(),
        answer=float(raw["answer"]) if numeric else raw["answer"],
        options={k: v.strip() for k, v in (raw.get("options") or {}).items()},
        feedback={str(k): str(v).strip() for k, v in (raw.get("feedback") or {}).items()},
        accept=tuple(raw.get("accept", ())),
        abs_tol=float(raw["abs_tol"]) if "abs_tol" in raw else None,
        rel_tol=float(raw["rel_tol"]) if "rel_tol" in raw else None,
        unit=raw.get("unit", ""),
        hint=(raw.get("hint") or "").strip(),
        points=float(raw.get("points", 1)),
        show_answer_after=raw.get("show_answer_after", default_after),
        shuffle=raw.get("shuffle", True),
    )


def validate_bank(data: Any, path: Path) -> tuple[Bank | None, list[Problem]]:
    """Check a parsed bank against ``bank.schema.json`` and the cross-field rules; return
    the bank (valid questions only) and every problem, each naming the file and question."""
    source = path.name
    bank_errors, question_errors = _schema_problems(data)
    problems = [Problem(source, None, message) for message in bank_errors]
    if not isinstance(data, dict):
        return None, problems
    module = data.get("module", path.stem)
    if module != path.stem:
        problems.append(
            Problem(source, None, f"'module' is {module!r} but the file is named {path.stem!r}")
        )
    default_after = data.get("show_answer_after", DEFAULT_SHOW_ANSWER_AFTER)
    if not isinstance(default_after, int) or isinstance(default_after, bool):
        default_after = DEFAULT_SHOW_ANSWER_AFTER  # already reported by the schema
    raw_questions: list[Any] = data["questions"] if isinstance(data.get("questions"), list) else []
    questions: dict[str, Question] = {}
    seen: set[str] = set()
    for index, raw in enumerate(raw_questions):
        qid = raw.get("id") if isinstance(raw, dict) else None
        qid = qid if isinstance(qid, str) and ID_RE.match(qid) else None
        found = list(question_errors.get(index, []))
        if not found:
            found = _cross_field_problems(raw)
        if qid is not None:
            if qid in seen:
                found.append("duplicate id (ids must be unique in a bank)")
            seen.add(qid)
        problems.extend(Problem(source, qid or f"question #{index + 1}", m) for m in found)
        if not found and qid is not None and qid not in questions:
            questions[qid] = _question(raw, path.stem, default_after)
    title: str = data["title"] if isinstance(data.get("title"), str) else path.stem
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

