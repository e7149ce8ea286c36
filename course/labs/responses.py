"""Response objects with the attribute shape of common chat-completion clients."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Message:
    """One message of a response: ``role`` and ``content``."""

    role: str
    content: str


@dataclass(frozen=True)
class Choice:
    """One generated answer; ``finish_reason`` is ``"stop"`` or ``"length"`` (cut off)."""

    index: int
    message: Message
    finish_reason: str = "stop"


@dataclass(frozen=True)
class Usage:
    """Tokens billed for one call."""

    prompt_tokens: int
    completion_tokens: int

    @property
    def total_tokens(self) -> int:
        """Prompt plus completion tokens."""
        return self.prompt_tokens + self.completion_tokens


@dataclass(frozen=True)
class ChatCompletion:
    """A successful response. Its content may still be malformed: validate it."""

    id: str
    model: str
    version: str
    created: float
    choices: list[Choice] = field(default_factory=list)
    usage: Usage = field(default_factory=lambda: Usage(0, 0))
    cost_usd: float = 0.0
