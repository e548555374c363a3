"""Serving an internal endpoint: the guard, the typed body, the error answer.

``route(trust, ENDPOINT, handler)`` is a Starlette route for one endpoint of ``contracts``: a
service token signed by one of the endpoint's callers for this service is required (401 without
a valid one, 403 from a component not among the callers), the body is decoded into the request
model (400 saying which field is wrong), and a ``SaathiError`` the handler raises becomes
``{"error": {"code", "message"}}`` with a matching status.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from saathi.errors import ErrorCode, SaathiError
from saathi.service.internal.contracts import Endpoint, Req, Resp
from saathi.service.internal.wire import decode, encode
from saathi.service.permissions import service_caller
from saathi.service_trust import SERVICE_TOKEN_HEADER, ServiceTrust

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


def route(
    trust: ServiceTrust, endpoint: Endpoint[Req, Resp], handler: Callable[[Req], Awaitable[Resp]]
) -> Route:
    """``POST endpoint.path``, guarded and decoded around ``handler``."""

    async def serve(request: Request) -> Response:
        try:
            service_caller(trust, request.headers.get(SERVICE_TOKEN_HEADER), endpoint.callers)
            answer = await handler(decode(await request.body(), endpoint.request))
        except SaathiError as error:
            return error_response(error)
        return Response(encode(answer), media_type="application/json")

    return Route(endpoint.path, serve, methods=["POST"])
