"""Errors the gateway reports to clients, each with a stable `extensions.code`.

GatewayError                      base; `code`, `message`, optional `status`
├── RequestError                  BAD_USER_INPUT (malformed HTTP/JSON request, status 400)
│   ├── BodyTooLarge              QUERY_TOO_COMPLEX (the body limit, status 413)
│   ├── MethodNotAllowed          BAD_USER_INPUT (a mutation over GET, status 405)
│   ├── UnsupportedMediaType      BAD_USER_INPUT (a POST body not declared JSON, status 415)
│   └── PersistedQueryMismatch    BAD_USER_INPUT (APQ hash is not the query's SHA-256, status 400)
├── PersistedQueryNotFound        PERSISTED_QUERY_NOT_FOUND (APQ hash not registered yet)
├── OperationError                GRAPHQL_VALIDATION_FAILED / GRAPHQL_PARSE_FAILED
├── QueryTooComplex               QUERY_TOO_COMPLEX (a document limit, `gateway.limits`)
├── Unauthenticated               UNAUTHENTICATED (raised by hooks that check credentials)
└── SubgraphUnavailable           SUBGRAPH_UNAVAILABLE (refused connection, timeout)

Every error the gateway makes itself carries one of `GATEWAY_CODES`: the network contract's codes
plus the two standard GraphQL ones, DOWNSTREAM_SERVICE_ERROR (a subgraph error that came
without a code; see `gateway.executor.run`) and QUERY_PLANNING_FAILED (a valid operation the
planner cannot serve over this supergraph). Subgraph errors that carry a code keep it.
"""

from __future__ import annotations

from typing import Any

GATEWAY_CODES = frozenset(
    {
        "UNAUTHENTICATED",
        "FORBIDDEN",
        "NOT_FOUND",
        "BAD_USER_INPUT",
        "QUERY_TOO_COMPLEX",
        "PERSISTED_QUERY_NOT_FOUND",
        "SUBGRAPH_UNAVAILABLE",
        "INTERNAL_SERVER_ERROR",
        "GRAPHQL_PARSE_FAILED",
        "GRAPHQL_VALIDATION_FAILED",
        "DOWNSTREAM_SERVICE_ERROR",
        "QUERY_PLANNING_FAILED",
    }
)


class GatewayError(Exception):
    """An error that goes out to the client as a GraphQL error with `extensions.code`.

    Raised from a hook (`gateway.hooks`), it ends the request (or, in `on_subgraph_request`,
    that one fetch) with this code.
    """

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

    code = "BAD_USER_INPUT"
    status = 400


class BodyTooLarge(RequestError):
    """The request body exceeds `GatewaySettings.max_body_bytes`."""

    code = "QUERY_TOO_COMPLEX"
    status = 413


class MethodNotAllowed(RequestError):
    """A mutation sent over GET."""

    status = 405


class UnsupportedMediaType(RequestError):
    """A POST whose `Content-Type` is not `application/json`.

    Browsers send `text/plain` and form bodies cross-origin without a CORS preflight; refusing
    them keeps a hostile page from running a mutation through its visitor's browser.
    """

    status = 415


class PersistedQueryMismatch(RequestError):
    """An APQ registration whose `sha256Hash` is not the SHA-256 of its query."""


class PersistedQueryNotFound(GatewayError):
    """An APQ hash sent without its query, not known to this gateway: send both once."""

    code = "PERSISTED_QUERY_NOT_FOUND"

    def __init__(self) -> None:
        # Apollo clients look for exactly this message before they retry with the query.
        super().__init__("PersistedQueryNotFound")


class OperationError(GatewayError):
    """The operation cannot be parsed, validated or run (code given per instance)."""

    code = "GRAPHQL_VALIDATION_FAILED"


class QueryTooComplex(GatewayError):
    """The operation exceeds a configured limit (depth, aliases, batch size)."""

    code = "QUERY_TOO_COMPLEX"


class Unauthenticated(GatewayError):
    """Credentials that were sent and are not valid; for hooks that check them at the edge."""

    code = "UNAUTHENTICATED"


class SubgraphUnavailable(GatewayError):
    """A subgraph could not be reached (refused connection, timeout, bad response)."""

    code = "SUBGRAPH_UNAVAILABLE"
