"""The grading records, typed: how a run went (:class:`Status`), what one grading job is
(:class:`Job`, with its :class:`RunLimits`), and one line of the grading log (:class:`LogLine`).

Reasons and detail are kept apart: a *reason* is one line an instructor or a student reads
("the notebook's time budget of 600 s was used up"); *detail* is what a maintainer needs to
debug the grader (a traceback). Reading and writing the log is :mod:`course.grading.log`.

This module imports nothing heavy, so the command line can read the defaults from it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from course.grading.sandbox import Limits


class Status(StrEnum):
    """How the grading of one notebook went, from the least to the most serious.

    The values are the strings of the grading log. Comparisons order by severity
    (``Status.OK < Status.TIMEOUT < Status.ERROR``), and a plain string compares as its status.
    """

    OK = "ok"
    REPAIRED = "repaired"          # the submission was fixed up (cells restored, output capped)
    TAMPERED = "tampered"          # something the tests rely on was rebound: that cell scored 0
    MEMORY = "memory"              # the kernel hit its memory limit
    TIMEOUT = "timeout"            # a cell ran out of time and was interrupted
    KILLED = "killed"              # a kernel that ignored the interrupt, or the budget ran out
    KERNEL_DIED = "kernel-died"    # the kernel exited on its own (os._exit, CPU limit)
    MISSING = "missing"            # the notebook was not submitted
    INVALID = "invalid"            # the file is not a notebook
    ERROR = "error"                # the grader failed: no grade is recorded

    @property
    def severity(self) -> int:
        """0 for ``ok``, higher for worse."""
        return _SEVERITY[self]

    @property
    def ran(self) -> bool:
        """Whether a kernel ran the notebook (not for missing, invalid or failed gradings)."""
        return self not in (Status.MISSING, Status.INVALID, Status.ERROR)

    @classmethod
    def worst(cls, statuses: Iterable[str]) -> Status:
        """The most serious of ``statuses`` (``ok`` when there are none)."""
        return max((cls(s) for s in statuses), key=_SEVERITY.__getitem__, default=cls.OK)

    def _rank(self, other: object) -> tuple[int, int] | None:
        if not isinstance(other, str):
            return None
        return self.severity, Status(other).severity

    def __lt__(self, other: object) -> bool:
        ranks = self._rank(other)
        return NotImplemented if ranks is None else ranks[0] < ranks[1]

    def __le__(self, other: object) -> bool:
        ranks = self._rank(other)
        return NotImplemented if ranks is None else ranks[0] <= ranks[1]

    def __gt__(self, other: object) -> bool:
        ranks = self._rank(other)
        return NotImplemented if ranks is None else ranks[0] > ranks[1]

    def __ge__(self, other: object) -> bool:
        ranks = self._rank(other)
        return NotImplemented if ranks is None else ranks[0] >= ranks[1]


_SEVERITY = {status: rank for rank, status in enumerate(Status)}

# One default per limit, read by the code and by ``course autograde --help``. The budget is
# 600 s: what the command line and README have always promised (so grades cached by earlier
# command-line runs keep their hash), ten cell timeouts, and the kernel's CPU limit
# (``sandbox.Limits.cpu_seconds``) on the wall clock. Every solution notebook runs in 8-11 s.
CELL_TIMEOUT = 60.0
NOTEBOOK_BUDGET = 600.0


@dataclass(frozen=True)
class RunLimits:
    """Time and output limits of one notebook run."""

    cell_timeout: float = CELL_TIMEOUT
    budget: float = NOTEBOOK_BUDGET
    grace: float = 5.0
    output_chars: int = 200_000
    kernel: Limits = field(default_factory=Limits)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunLimits:
        """The inverse of :func:`dataclasses.asdict`."""
        return cls(**{**data, "kernel": Limits(**data["kernel"])})


@dataclass
class Job:
    """One student's submission of one assignment, to grade.

    Paths are strings so a job pickles the same to a local worker process and to a Dask
    worker. ``refs`` are the trusted cells (:class:`~.reference.RefNotebook` as dicts);
    ``hash`` is what produced the grade (:func:`~.cache.job_hash`)."""

    student: str
    assignment: str
    submitted: str
    autograded: str
    source: str
    refs: list[dict]
    limits: RunLimits = field(default_factory=RunLimits)
    sandboxed: bool = True
    hash: str = ""

    @property
    def key(self) -> tuple[str, str]:
        """``(student, assignment)``: a submission is recorded once per key."""
        return self.student, self.assignment


def error_record(job: Job, reason: str, detail: str | None = None) -> dict:
    """A result for a job whose grading failed: every notebook ``error`` with ``reason``."""
    entry: dict[str, Any] = {"status": Status.ERROR, "reasons": [reason]}
    if detail:
        entry["detail"] = detail
    return {"student": job.student, "assignment": job.assignment, "seconds": None,
            "notebooks": [{"notebook": r["name"], **entry} for r in job.refs]}


def split_reasons(reasons: Iterable[str], detail: str | None = None) -> tuple[list[str], str | None]:
    """One-line reasons, and the rest as detail. A reason with a line break keeps its first
    line as the reason and gives the rest to the detail; a traceback goes to the detail whole
    (logs written before the two were kept apart had tracebacks among the reasons)."""
    lines: list[str] = []
    extra = [detail] if detail else []
    for reason in reasons:
        text = str(reason).strip()
        first, _, rest = text.partition("\n")
        if first.startswith("Traceback ("):
            extra.append(text)
            continue
        if first:
            lines.append(first)
        if rest.strip():
            extra.append(rest.strip())
    return lines, "\n".join(extra) or None


@dataclass
class LogLine:
    """One notebook's outcome, as one line of ``autograded/grading-log.jsonl``."""

    time: str
    student: str
    assignment: str
    notebook: str
    status: Status
    reasons: list[str] = field(default_factory=list)
    score: float | None = None
    max_score: float | None = None
    needs_manual_grade: bool | None = None
    seconds: float | None = None
    reused: bool = False
    hash: str | None = None
    detail: str | None = None

    def __post_init__(self) -> None:
        self.status = Status(self.status)
        self.reasons, self.detail = split_reasons(self.reasons, self.detail)

    @property
    def key(self) -> tuple[str, str, str]:
        """``(student, assignment, notebook)``: a later line replaces an earlier one."""
        return self.student, self.assignment, self.notebook

    def score_text(self) -> str:
        """``4/6``, ``4/6 +manual`` or ``-`` (no grade)."""
        if self.score is None or self.max_score is None:
            return "-"
        manual = " +manual" if self.needs_manual_grade else ""
        return f"{self.score:g}/{self.max_score:g}{manual}"

    def to_json(self) -> dict[str, Any]:
        """The JSON object of the log (``status`` as its string; ``detail`` only when set)."""
        data = asdict(self)
        data["status"] = str(self.status)
        if data["detail"] is None:
            del data["detail"]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LogLine:
        """A line read back; fields added after it was written take their defaults, and
        fields this version does not know are ignored."""
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        known.setdefault("time", "")
        known["reasons"] = list(known.get("reasons") or [])
        return cls(**known)
