"""The error codes every component speaks, and the kernel's error tree.

    SaathiError                 code
    ├── Unauthenticated         UNAUTHENTICATED
    ├── Forbidden               FORBIDDEN
    ├── NotFound                NOT_FOUND
    ├── BadUserInput            BAD_USER_INPUT
    ├── AlreadyBooked           ALREADY_BOOKED
    ├── SessionStarted          SESSION_STARTED
    ├── SessionCancelled        SESSION_CANCELLED
    ├── ConsentRequired         CONSENT_REQUIRED
    ├── VersionConflict         VERSION_CONFLICT
    └── RateLimited             RATE_LIMITED

Domain code raises these; a subgraph turns them into a mutation payload's ``error`` or into a
GraphQL error with ``extensions.code``. Anything else is unexpected: masked as
``INTERNAL_SERVER_ERROR`` with a request id, and logged.
"""

from __future__ import annotations

import enum
from typing import ClassVar


class ErrorCode(enum.Enum):
    """Stable codes that go out as ``extensions.code`` or ``error.code``."""

    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    ALREADY_BOOKED = "ALREADY_BOOKED"
    SESSION_STARTED = "SESSION_STARTED"
    SESSION_CANCELLED = "SESSION_CANCELLED"
    CONSENT_REQUIRED = "CONSENT_REQUIRED"
    VERSION_CONFLICT = "VERSION_CONFLICT"
    RATE_LIMITED = "RATE_LIMITED"
    QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
    PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
    SUBGRAPH_UNAVAILABLE = "SUBGRAPH_UNAVAILABLE"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


class SaathiError(Exception):
    """An expected failure with a stable code and a message safe to show to the caller."""

    code: ClassVar[ErrorCode] = ErrorCode.INTERNAL_SERVER_ERROR

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def extensions(self) -> dict[str, str]:
        return {"code": self.code.value}


class Unauthenticated(SaathiError):
    """No token where one is needed, or a token that is expired, forged or malformed."""

    code = ErrorCode.UNAUTHENTICATED


class Forbidden(SaathiError):
    """The caller is known but may not do this (another centre's records, a missing role)."""

    code = ErrorCode.FORBIDDEN


class NotFound(SaathiError):
    """No record with this id (or none the caller may know about)."""

    code = ErrorCode.NOT_FOUND


class BadUserInput(SaathiError):
    """An argument out of range or malformed; nothing was changed."""

    code = ErrorCode.BAD_USER_INPUT


class AlreadyBooked(SaathiError):
    """The participant already holds a live booking for this session."""

    code = ErrorCode.ALREADY_BOOKED


class SessionStarted(SaathiError):
    """The session has started or ended; it can no longer be booked or cancelled."""

    code = ErrorCode.SESSION_STARTED


class SessionCancelled(SaathiError):
    """The session was cancelled by its centre."""

    code = ErrorCode.SESSION_CANCELLED


class ConsentRequired(SaathiError):
    """No live consent covers this read of another centre's records."""

    code = ErrorCode.CONSENT_REQUIRED


class VersionConflict(SaathiError):
    """A write carried an older version than the one stored."""

    code = ErrorCode.VERSION_CONFLICT


class RateLimited(SaathiError):
    """Too many attempts; ``retry_after`` seconds until the next one is allowed."""

    code = ErrorCode.RATE_LIMITED

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after

    def extensions(self) -> dict[str, str]:
        return {"code": self.code.value, "retryAfterSeconds": str(self.retry_after)}
