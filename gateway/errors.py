"""Errors the gateway reports to clients, each with a stable `extensions.code`.

GatewayError                      base; `code`, `message`, optional `status`
├── RequestError                  BAD_REQUEST (malformed HTTP/JSON request, status 400)
│   └── BodyTooLarge              PAYLOAD_TOO_LARGE (status 413)
├── OperationError                GRAPHQL_VALIDATION_FAILED / GRAPHQL_PARSE_FAILED / ...
├── QueryTooComplex               QUERY_TOO_COMPLEX (a configured limit was exceeded)
└── SubgraphUnavailable           SUBGRAPH_UNAVAILABLE (refused connection, timeout)
"""

from __future__ import annotations

from typing import Any


class GatewayError(Exception):
    """An error that goes out to the client as a GraphQL error with `extensions.code`."""

    code = "INTERNAL_SERVER_ERROR"
    status = 200

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def to_dict(self) -> dict[str, Any]:
        return {"message": self.message, "extensions": {"code": self.code}}


class RequestError(GatewayError):
    """The HTTP request itself is malformed (unparseable JSON, no query)."""

    code = "BAD_REQUEST"
    status = 400


class BodyTooLarge(RequestError):
    """The request body exceeds `GatewaySettings.max_body_bytes`."""

    code = "PAYLOAD_TOO_LARGE"
    status = 413


class OperationError(GatewayError):
    """The operation cannot be parsed, validated or run (code given per instance)."""

    code = "GRAPHQL_VALIDATION_FAILED"


class QueryTooComplex(GatewayError):
    """The operation exceeds a configured limit (depth, aliases, batch size)."""

    code = "QUERY_TOO_COMPLEX"


class SubgraphUnavailable(GatewayError):
    """A subgraph could not be reached (refused connection, timeout, bad response)."""

    code = "SUBGRAPH_UNAVAILABLE"
