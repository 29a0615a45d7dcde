"""Errors the ingest raises, each with the HTTP status the edge answers."""

from __future__ import annotations


class IngestError(Exception):
    status = 500

    def __init__(self, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class InvalidBody(IngestError):
    status = 400


class Forbidden(IngestError):
    status = 403


class BodyTooLarge(IngestError):
    status = 413


class RateLimited(IngestError):
    status = 429


class Unavailable(IngestError):
    status = 503
