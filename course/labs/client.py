"""A client with the call shape of widely used chat-completion SDKs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from course.labs.clock import VirtualClock
from course.labs.provider import SimulatedProvider
from course.labs.responses import ChatCompletion


class _Completions:
    def __init__(self, client: Client) -> None:
        self._client = client

    def create(
        self,
        *,
        model: str,
        messages: Sequence[dict[str, str]],
        timeout: float | None = None,
        max_tokens: int = 256,
        **ignored: Any,
    ) -> ChatCompletion:
        """Ask ``model`` for a completion; raises a typed ``APIError`` subclass on failure.

        Extra keyword arguments (``temperature`` and friends) are accepted and ignored.
        """
        chosen = self._client.timeout if timeout is None else timeout
        return self._client.provider.complete(
            model, list(messages), timeout=chosen, max_tokens=max_tokens
        )


class _Chat:
    def __init__(self, client: Client) -> None:
        self.completions = _Completions(client)


class Client:
    """Call ``client.chat.completions.create(model=..., messages=[...], timeout=...)``."""

    def __init__(self, provider: SimulatedProvider, *, timeout: float = 10.0) -> None:
        self.provider = provider
        self.timeout = timeout
        self.chat = _Chat(self)

    @property
    def clock(self) -> VirtualClock:
        """The provider's virtual clock."""
        return self.provider.clock
