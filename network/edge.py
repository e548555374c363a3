"""The network's public HTTP surface beside ``/graphql``, in front of the gateway.

``/health`` and ``/graphql`` belong to the gateway; this module adds the rest of the contract's
HTTP surface: readiness, the JWKS, the partner token endpoint, the feeds and the OpenAPI
description. Paths owned by a service are passed through to it (in process or over HTTP, through
``Peers``); a group's iCalendar feed is built from a GraphQL query through the gateway itself, so
it sees exactly what a client would.

Two gateway extensions live here too: ``GatewayCredentials`` (a hook putting the gateway's
service token on every subgraph request) and ``crisis_fallbacks`` (crisis lines answered by the
gateway itself when the directory cannot answer). The gateway does not refuse a bad access
token itself: crisis lines and the directory answer whatever the token, and the subgraphs
answer UNAUTHENTICATED where a field needs to know who is calling.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable, Sequence
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway import GatewayHooks
from gateway.app import client_address
from saathi.peers import Peers, PeerUnavailable
from saathi.response_cache import AnonymousGetCache
from saathi.service_trust import SERVICE_TOKEN_HEADER, ServiceTokens
from services.directory.domain.calendar import group_calendar
from services.directory.domain.crisis import CRISIS_LINES

PASSED_THROUGH = {
    "/.well-known/jwks.json": ("consent", ("GET",)),
    "/oauth/token": ("consent", ("POST",)),
    "/feeds/meetings.json": ("directory", ("GET",)),
}
_HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}
# Set by the edge itself (from a trusted proxy's, or the peer's, own word), never by a caller.
_SET_BY_EDGE = {"x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "forwarded"}

GROUP_CALENDAR_QUERY = """
query GroupCalendar($id: ID!) {
  group(id: $id) {
    id name description format
    address { line1 city postcode }
    centre { name city }
    upcomingSessions(first: 50) { id startsAt endsAt status }
  }
}
"""


class GatewayCredentials(GatewayHooks):
    """Puts the gateway's service token for the target subgraph on every subgraph request.

    Subgraphs answer nobody else (``saathi.service_trust.ServiceDoor``); the token is minted
    with the gateway's own key, lives a minute and is reused for half of that.
    """

    def __init__(self, tokens: ServiceTokens) -> None:
        self._tokens = tokens

    async def on_subgraph_request(
        self, service: str, body: dict[str, Any], headers: dict[str, str]
    ) -> None:
        headers[SERVICE_TOKEN_HEADER] = self._tokens(service)


def crisis_fallbacks() -> dict[str, Callable[[dict[str, Any]], Any]]:
    """Gateway fallbacks for ``crisisResources``: answered even when every subgraph is down.

    The national lines always, then any for the ``city`` argument (compared without case).
    """

    def crisis_resources(arguments: dict[str, Any]) -> list[dict[str, Any]]:
        wanted = str(arguments.get("city") or "").strip().casefold()
        national = [r for r in CRISIS_LINES if r.city is None]
        local = [r for r in CRISIS_LINES if wanted and (r.city or "").casefold() == wanted]
        return [
            {
                "name": r.name,
                "phone": r.phone,
                "hours": r.hours,
                "languages": list(r.languages),
                "description": r.description,
            }
            for r in national + local
        ]

    return {"crisisResources": crisis_resources}


def _pass_through(
    peers: Peers, service: str, trusted_proxies: frozenset[str]
) -> Callable[[Request], Any]:
    async def endpoint(request: Request) -> Response:
        peer = request.client.host if request.client else None
        dropped = _HOP_HEADERS | {SERVICE_TOKEN_HEADER}
        if peer not in trusted_proxies:
            dropped |= _SET_BY_EDGE
        headers = {k: v for k, v in request.headers.items() if k.lower() not in dropped}
        headers["x-forwarded-for"] = client_address(request, trusted_proxies)
        headers.update(peers.credential_headers(service))
        try:
            answer = await peers.client(service).request(
                request.method,
                request.url.path,
                params=request.query_params,
                content=await request.body(),
                headers=headers,
            )
        except (httpx.HTTPError, PeerUnavailable):
            return _unavailable(service)
        kept = {k: v for k, v in answer.headers.items() if k.lower() not in _HOP_HEADERS}
        return Response(answer.content, status_code=answer.status_code, headers=kept)

    return endpoint


def _unavailable(service: str) -> JSONResponse:
    return JSONResponse(
        {
            "error": {
                "code": "SUBGRAPH_UNAVAILABLE",
                "message": f"The {service} service is unavailable.",
            }
        },
        status_code=503,
        headers={"retry-after": "5"},
    )


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


class Edge:
    """The routes around one gateway app; ``gateway()`` returns it once it is built."""

    def __init__(
        self,
        gateway: Callable[[], ASGIApp],
        peers: Peers,
        services: Sequence[str],
        trusted_proxies: frozenset[str] = frozenset(),
    ) -> None:
        self._gateway = gateway
        self._peers = peers
        self._services = tuple(services)
        self._trusted_proxies = trusted_proxies

    async def _graphql(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        transport = httpx.ASGITransport(app=self._gateway())
        async with httpx.AsyncClient(transport=transport, base_url="http://edge") as client:
            answer = await client.post("/graphql", json={"query": query, "variables": variables})
        body: dict[str, Any] = answer.json()
        return body

    async def group_calendar(self, request: Request) -> Response:
        group_id = request.path_params["group_id"]
        body = await self._graphql(GROUP_CALENDAR_QUERY, {"id": group_id})
        group = (body.get("data") or {}).get("group")
        if group is None:
            codes = {e.get("extensions", {}).get("code") for e in body.get("errors", [])}
            status = 404 if "NOT_FOUND" in codes or not codes else 503
            return JSONResponse({"errors": body.get("errors", [])}, status_code=status)
        if group.get("upcomingSessions") is None:
            return _unavailable("sessions")
        content = group_calendar(group).encode()
        etag = _etag(content)
        headers = {"etag": etag, "cache-control": "public, max-age=300"}
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers=headers)
        return Response(content, media_type="text/calendar; charset=utf-8", headers=headers)

    async def ready(self, _: Request) -> JSONResponse:
        """Ready when every subgraph answers its health check."""

        async def check(name: str) -> tuple[str, bool]:
            try:
                answer = await self._peers.client(name).get("/health", timeout=2.0)
            except Exception:  # an unreachable peer is exactly what this reports
                return name, False
            return name, answer.status_code == 200

        results = dict(await asyncio.gather(*(check(name) for name in self._services)))
        ready = all(results.values())
        return JSONResponse(
            {"status": "ready" if ready else "unavailable", "subgraphs": results},
            status_code=200 if ready else 503,
        )

    async def openapi(self, _: Request) -> JSONResponse:
        return JSONResponse(OPENAPI)

    def app(self) -> Starlette:
        routes: list[Route | Mount] = [
            Route(
                path,
                _pass_through(self._peers, service, self._trusted_proxies),
                methods=list(methods),
            )
            for path, (service, methods) in PASSED_THROUGH.items()
        ]
        routes += [
            Route("/feeds/groups/{group_id}.ics", self.group_calendar, methods=["GET"]),
            Route("/ready", self.ready, methods=["GET"]),
            Route("/openapi.json", self.openapi, methods=["GET"]),
            Mount("/", app=AnonymousGetCache(_Lazy(self._gateway))),
        ]
        return _EdgeApp(self._gateway, routes=routes)


class _EdgeApp(Starlette):
    """The edge's routes, with `POST /graphql` (nearly every request, never cached) handed
    straight to the gateway: no router, mount or GET cache to pass through first."""

    def __init__(self, gateway: Callable[[], ASGIApp], routes: list[Route | Mount]) -> None:
        super().__init__(routes=routes)
        self._gateway = gateway

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and scope["path"] == "/graphql":
            await self._gateway()(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


class _Lazy:
    """An ASGI app that forwards to one built later (the gateway is composed at start-up)."""

    def __init__(self, target: Callable[[], ASGIApp]) -> None:
        self._target = target

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._target()(scope, receive, send)


def _op(summary: str, responses: dict[str, str], **extra: Any) -> dict[str, Any]:
    return {
        "summary": summary,
        "responses": {code: {"description": text} for code, text in responses.items()},
        **extra,
    }


OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "Saathi network",
        "version": "1",
        "description": "The HTTP surface of the Saathi peer-support network beside GraphQL.",
    },
    "paths": {
        "/graphql": {
            "post": _op(
                "GraphQL over HTTP", {"200": "A GraphQL response", "413": "Body too large"}
            ),
            "get": _op("GraphQL queries over GET (cacheable)", {"200": "A GraphQL response"}),
        },
        "/health": {"get": _op("Liveness", {"200": "The gateway runs"})},
        "/ready": {"get": _op("Readiness", {"200": "Every subgraph answers", "503": "Not ready"})},
        "/.well-known/jwks.json": {
            "get": _op("Public keys for access tokens and consent receipts", {"200": "A JWKS"})
        },
        "/oauth/token": {
            "post": _op(
                "Partner token (client_credentials with a private_key_jwt assertion, RFC 7523)",
                {
                    "200": "An access token",
                    "400": "invalid_request or invalid_grant",
                    "401": "invalid_client",
                },
            )
        },
        "/feeds/meetings.json": {
            "get": _op(
                "The directory as a Meeting Guide (TSML) feed",
                {"200": "TSML", "304": "Not modified"},
            )
        },
        "/feeds/groups/{group_id}.ics": {
            "get": _op(
                "A group's upcoming sessions as iCalendar",
                {"200": "text/calendar", "304": "Not modified", "404": "No such group"},
                parameters=[
                    {
                        "name": "group_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    }
                ],
            )
        },
        "/openapi.json": {"get": _op("This description", {"200": "OpenAPI 3.1"})},
    },
}
