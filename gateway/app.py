"""The gateway's Starlette app: `/graphql` (POST, GET, GraphiQL), `/health`, `/ready`, `/metrics`.

GET answers are cacheable: an error-free answer to a caller without an `Authorization` header is
`public, max-age=<get_cache_seconds>` (and varies by `Authorization`); any other answer, and
every POST answer (mutations included), is `no-store`. With automatic persisted queries a GET URL
stays short: `?extensions={"persistedQuery":{"version":1,"sha256Hash":...}}&variables=...`.
Answers made with a root-field fallback (`extensions.fallback`) are degraded, so not cached.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from gateway.errors import (
    BodyTooLarge,
    GatewayError,
    QueryTooComplex,
    RequestError,
    UnsupportedMediaType,
)
from gateway.executor.transport import Transport
from gateway.graphiql import ASSET_PATH, ASSETS, CONTENT_SECURITY_POLICY, GRAPHIQL_HTML, asset_bytes
from gateway.hooks import GatewayHooks
from gateway.metrics import CONTENT_TYPE as METRICS_CONTENT_TYPE
from gateway.metrics import GatewayMetrics
from gateway.observability import Observer
from gateway.otel import OtelExport
from gateway.pipeline import Gateway, RootFallback
from gateway.probes import Readiness, health
from gateway.settings import GatewaySettings
from gateway.tracing import active, note_errors

logger = logging.getLogger("gateway")


def client_address(request: Request, trusted_proxies: frozenset[str]) -> str:
    """The real client's address, the one subgraphs should see.

    The peer, unless it is a trusted proxy: then the nearest address in its `X-Forwarded-For`
    that is not itself a trusted proxy (a proxy appends the address it saw, so the entries to
    the left of that are the client's own word and count for nothing).
    """
    peer = request.client.host if request.client else "unknown"
    forwarded = request.headers.get("x-forwarded-for")
    if not forwarded or peer not in trusted_proxies:
        return peer
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if hop not in trusted_proxies:
            return hop
    return hops[0] if hops else peer


class _GraphQLEndpoint:
    def __init__(self, gateway: Gateway, observer: Observer) -> None:
        self.gateway = gateway
        self.settings = gateway.settings
        self.observer = observer

    async def handle(self, request: Request) -> Response:
        trace = self.observer.start(request)
        with active(trace):
            response = await self._respond(request, trace.request_id)
            self.observer.finish(request, response, trace)
        return response

    async def _respond(self, request: Request, request_id: str) -> Response:
        settings = self.settings
        headers = {settings.request_id_header: request_id}
        for name in settings.forwarded_headers:
            value = request.headers.get(name)
            if value is not None:
                headers[name] = value
        headers["x-forwarded-for"] = client_address(request, settings.trusted_proxies)
        try:
            for hook in self.gateway.request_hooks:
                await hook.on_request(request)
            if request.method == "GET":
                params = request.query_params
                if "query" not in params and "extensions" not in params and _wants_html(request):
                    if settings.development:
                        return HTMLResponse(GRAPHIQL_HTML, headers=_GRAPHIQL_HEADERS)
                    raise RequestError("GraphiQL is only served in development mode.")
                body: Any = self._get_payload(request)
            else:
                body = await self._post_payload(request)
            if isinstance(body, list):
                if len(body) > settings.max_batch:
                    raise QueryTooComplex(
                        f"Batch of {len(body)} operations exceeds the limit of "
                        f"{settings.max_batch}."
                    )
                results: Any = [
                    await self._run_one(item, request.method, headers, request_id) for item in body
                ]
            else:
                results = await self.gateway.run(
                    body, method=request.method, headers=headers, request_id=request_id
                )
            note_errors(results)
            return _JSONResponse(
                results,
                headers={
                    settings.request_id_header: request_id,
                    **self._caching(request, results),
                },
            )
        except GatewayError as error:
            note_errors({"errors": [error.to_dict()]})
            return JSONResponse(
                {"errors": [error.to_dict()]},
                status_code=error.status,
                headers={settings.request_id_header: request_id, "cache-control": "no-store"},
            )
        except Exception:
            logger.exception("Unexpected error handling request %s", request_id)
            note_errors({"errors": [{"extensions": {"code": "INTERNAL_SERVER_ERROR"}}]})
            return _internal_error(request_id)

    async def _run_one(
        self, payload: Any, method: str, headers: dict[str, str], request_id: str
    ) -> dict[str, Any]:
        try:
            return await self.gateway.run(
                payload, method=method, headers=headers, request_id=request_id
            )
        except GatewayError as error:
            return {"errors": [error.to_dict()]}

    def _caching(self, request: Request, results: Any) -> dict[str, str]:
        if (
            request.method == "GET"
            and isinstance(results, dict)
            and "errors" not in results
            and "fallback" not in results.get("extensions", {})
        ):
            if "authorization" in request.headers:
                return {"cache-control": "private, no-store"}
            return {
                "cache-control": f"public, max-age={self.settings.get_cache_seconds}",
                "vary": "authorization",
            }
        return {"cache-control": "no-store"}

    def _get_payload(self, request: Request) -> dict[str, Any]:
        params = request.query_params
        payload: dict[str, Any] = {
            "query": params.get("query"),
            "operationName": params.get("operationName"),
        }
        for name in ("variables", "extensions"):
            raw = params.get(name)
            if raw:
                try:
                    payload[name] = json.loads(raw)
                except ValueError as error:
                    raise RequestError(f'"{name}" is not valid JSON.') from error
        return payload

    async def _post_payload(self, request: Request) -> Any:
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type != "application/json":
            raise UnsupportedMediaType("POST /graphql takes Content-Type: application/json.")
        limit = self.settings.max_body_bytes
        length = request.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            raise BodyTooLarge(f"Request body exceeds {limit} bytes.")
        raw = bytearray()
        async for chunk in request.stream():
            raw.extend(chunk)
            if len(raw) > limit:
                raise BodyTooLarge(f"Request body exceeds {limit} bytes.")
        try:
            return orjson.loads(raw)
        except ValueError as error:
            raise RequestError("Request body is not valid JSON.") from error


class _GatewayApp(Starlette):
    """The gateway's Starlette app, with `POST /graphql` (nearly every request) answered
    straight by its endpoint: no router, no exception middlewares in between (the endpoint
    answers every exception itself). Everything else goes through the routes as usual."""

    endpoint: _GraphQLEndpoint

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and scope["path"] == "/graphql":
            scope["app"] = self
            response = await self.endpoint.handle(Request(scope, receive))
            await response(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


_GRAPHIQL_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}


def _graphiql_asset(development: bool) -> Callable[[Request], Awaitable[Response]]:
    """GraphiQL's pinned assets, served from the package (development mode only, like the page)."""

    async def endpoint(request: Request) -> Response:
        asset = ASSETS.get(request.path_params["name"])
        if not development or asset is None:
            return Response(status_code=404)
        return Response(
            asset_bytes(asset.name),
            media_type=asset.media_type,
            headers={
                "content-security-policy": CONTENT_SECURITY_POLICY,
                "x-content-type-options": "nosniff",
                "cache-control": "public, max-age=3600",
            },
        )

    return endpoint


class _JSONResponse(JSONResponse):
    """Answers encoded with orjson: several times faster than the standard library on the
    answers the gateway sends, which are most of its CPU after the subgraph calls."""

    def render(self, content: Any) -> bytes:
        try:
            return orjson.dumps(content)
        except TypeError:  # an integer beyond 64 bits, which only the standard library writes
            return super().render(content)


def _wants_html(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "")


def _internal_error(request_id: str) -> JSONResponse:
    return JSONResponse(
        {
            "errors": [
                {
                    "message": "Internal server error",
                    "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
                }
            ]
        },
        status_code=500,
        headers={"x-request-id": request_id},
    )


def create_gateway_app(
    supergraph_sdl: str,
    transport: Transport,
    *,
    settings: GatewaySettings | None = None,
    hooks: Sequence[GatewayHooks] = (),
    fallbacks: Mapping[str, RootFallback] | None = None,
    otel: OtelExport | None = None,
    owns_transport: bool = False,
) -> Starlette:
    """Build the gateway's ASGI app over a supergraph and a transport to its subgraphs.

    `fallbacks` maps root Query field names to functions of the field's arguments: when the
    fetch serving such a field fails, the field is answered from its fallback instead, without
    an error, and the response lists it under `extensions.fallback`. Fallback values should hold
    every field clients select (no subgraph is asked for more).

    `otel` receives every request's spans (an OpenTelemetry span processor wrapped in
    `OtelExport`); without it, `settings.otel_endpoint` makes one exporting over OTLP/HTTP.
    With `owns_transport`, the app closes the transport (its pooled connections) when it shuts
    down; leave it off when the transport is shared or closed by its maker.
    """
    settings = settings or GatewaySettings()
    gateway = Gateway(supergraph_sdl, transport, settings, hooks, fallbacks)
    metrics = GatewayMetrics(
        {"plan": gateway.cache.prepared.counts, "document": gateway.cache.documents.counts}
    )
    if otel is None and settings.otel_endpoint:
        otel = OtelExport.to_endpoint(settings.otel_endpoint, settings.otel_service_name)
    readiness = Readiness(gateway)

    async def serve_metrics(_: Request) -> Response:
        return Response(metrics.exposition(), media_type=METRICS_CONTENT_TYPE)

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        yield
        if otel is not None:  # flush the spans still batched
            otel.shutdown()
        close = getattr(transport, "aclose", None)
        if owns_transport and close is not None:
            await close()

    endpoint = _GraphQLEndpoint(gateway, Observer(settings, metrics, otel))
    app = _GatewayApp(
        routes=[
            Route("/graphql", endpoint.handle, methods=["GET", "POST"]),
            Route("/health", health, methods=["GET"]),
            Route("/ready", readiness.endpoint, methods=["GET"]),
            Route("/metrics", serve_metrics, methods=["GET"]),
            Route(
                ASSET_PATH + "{name}",
                _graphiql_asset(gateway.settings.development),
                methods=["GET"],
            ),
        ],
        lifespan=lifespan,
    )
    app.endpoint = endpoint
    app.state.gateway = gateway
    app.state.metrics = metrics
    app.state.readiness = readiness
    app.state.otel = otel
    return app
