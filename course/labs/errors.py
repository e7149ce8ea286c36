"""Typed errors of the simulated provider, shaped like common chat-completion clients."""

from __future__ import annotations


class APIError(Exception):
    """Base class of every error the simulated provider raises."""

    status_code: int | None = None

    def __init__(self, message: str, *, model: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.model = model


class BadRequestError(APIError):
    """The request itself is wrong (HTTP 400): retrying it cannot help."""

    status_code = 400


class ContextLengthError(BadRequestError):
    """Prompt plus ``max_tokens`` exceed the model's context limit."""


class NotFoundError(APIError):
    """The model name is unknown (HTTP 404)."""

    status_code = 404


class RateLimitError(APIError):
    """Too many requests or tokens this minute (HTTP 429); wait ``retry_after`` seconds."""

    status_code = 429

    def __init__(self, message: str, *, retry_after: float, model: str | None = None) -> None:
        super().__init__(message, model=model)
        self.retry_after = float(retry_after)


class APITimeoutError(APIError):
    """No answer within the client's ``timeout``."""

    status_code = 408


class InternalServerError(APIError):
    """The provider failed (HTTP 500/503): often worth a retry or a fallback."""

    status_code = 500


RETRYABLE = (RateLimitError, APITimeoutError, InternalServerError)
"""Errors that a retry may cure; bad requests are not among them."""
