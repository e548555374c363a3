"""Internal endpoints between services: the guard, the JSON body, the error answer.

Every internal endpoint is ``internal_endpoint(trust, callers, handler)``: a service token
signed by one of ``callers`` for this service is required (401 without a valid one, 403 from a
component not among ``callers``), the body must be a JSON object (400 otherwise), and a
``SaathiError`` the handler raises becomes ``{"error": {"code", "message"}}`` with a matching
status. Field readers raise ``BadUserInput``
naming the camelCase key.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from saathi.errors import BadUserInput, ErrorCode, Forbidden, SaathiError
from saathi.ids import is_id
from saathi.service_trust import SERVICE_TOKEN_HEADER, ServiceTrust

Body = Mapping[str, Any]
Handler = Callable[[Body], Awaitable[Mapping[str, Any]]]

STATUS = {
    ErrorCode.UNAUTHENTICATED: 401,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.BAD_USER_INPUT: 400,
    ErrorCode.SUBGRAPH_UNAVAILABLE: 503,
}


def error_response(error: SaathiError) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": error.code.value, "message": error.message}},
        status_code=STATUS.get(error.code, 409),
    )


def internal_endpoint(
    trust: ServiceTrust, callers: Iterable[str], handler: Handler
) -> Callable[[Request], Awaitable[JSONResponse]]:
    """A Starlette endpoint that guards, decodes and answers around ``handler``.

    Only ``callers`` (component names) pass: one compromised component cannot reach an
    endpoint meant for another (sessions' erase is consent's alone).
    """
    allowed = frozenset(callers)

    async def endpoint(request: Request) -> JSONResponse:
        try:
            caller = trust.caller(request.headers.get(SERVICE_TOKEN_HEADER))
            if caller not in allowed:
                raise Forbidden(f"The {caller} service may not call this endpoint.")
            try:
                body = await request.json()
            except ValueError:
                raise BadUserInput("Send a JSON body.") from None
            if not isinstance(body, dict):
                raise BadUserInput("Send a JSON object.")
            return JSONResponse(dict(await handler(body)))
        except SaathiError as error:
            return error_response(error)

    return endpoint


def text(body: Body, key: str, *, max_length: int = 2000) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value.strip() or len(value) > max_length:
        raise BadUserInput(f"{key} must be a non-empty string of at most {max_length} characters.")
    return value


def an_id(body: Body, key: str, prefix: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not is_id(value, prefix):
        raise BadUserInput(f"{key} must be an id starting with {prefix}_.")
    return value


def ids(body: Body, key: str, prefix: str, *, max_items: int = 1000) -> list[str]:
    values = body.get(key)
    if (
        not isinstance(values, list)
        or len(values) > max_items
        or not all(isinstance(value, str) and is_id(value, prefix) for value in values)
    ):
        raise BadUserInput(f"{key} must be a list of at most {max_items} ids starting {prefix}_.")
    return list(values)


def strings(body: Body, key: str, *, max_items: int = 100) -> list[str]:
    values = body.get(key)
    if (
        not isinstance(values, list)
        or len(values) > max_items
        or not all(isinstance(value, str) for value in values)
    ):
        raise BadUserInput(f"{key} must be a list of strings.")
    return list(values)
