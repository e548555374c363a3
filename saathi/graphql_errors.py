"""How every subgraph formats GraphQL errors: expected ones keep their code, the rest are masked.

A ``SaathiError`` raised in a resolver goes out with its message and ``extensions.code``. Any
other exception is logged with its traceback and the request id, and the caller sees only
``Internal server error`` with ``INTERNAL_SERVER_ERROR`` and that request id: never a trace.
"""

from __future__ import annotations

import logging
from typing import Any

from graphql import GraphQLError

from saathi.errors import ErrorCode, SaathiError

logger = logging.getLogger("saathi.errors")

REQUEST_ID_HEADER = "x-request-id"


def format_error(error: GraphQLError, request_id: str) -> dict[str, Any]:
    """The JSON form of ``error`` as it may be sent to a client."""
    original = error.original_error
    formatted: dict[str, Any] = {"message": error.message}
    if error.locations:
        formatted["locations"] = [
            {"line": loc.line, "column": loc.column} for loc in error.locations
        ]
    if error.path is not None:
        formatted["path"] = list(error.path)
    if isinstance(original, SaathiError):
        formatted["message"] = original.message
        formatted["extensions"] = original.extensions()
    elif original is not None and not isinstance(original, GraphQLError):
        logger.error(
            "unexpected error (request %s) at %s",
            request_id,
            error.path,
            exc_info=(type(original), original, original.__traceback__),
        )
        formatted["message"] = "Internal server error"
        formatted["extensions"] = {
            "code": ErrorCode.INTERNAL_SERVER_ERROR.value,
            "requestId": request_id,
        }
    else:
        code = (error.extensions or {}).get("code") or _code_for_request_error(error.message)
        formatted["extensions"] = {**(error.extensions or {}), "code": code}
    return formatted


def _code_for_request_error(message: str) -> str:
    """A variable value that does not fit its type is bad input; the rest failed validation."""
    if message.startswith("Variable '$") and "got invalid value" in message:
        return ErrorCode.BAD_USER_INPUT.value
    return "GRAPHQL_VALIDATION_FAILED"
