"""The consent service as a Starlette app: GraphQL, health, public keys, the OAuth token
endpoint and the internal endpoints. No logic here."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from saathi.auth import Viewer
from saathi.database import close_databases, open_databases
from saathi.document_limits import GuardedGraphQL
from saathi.graphql_errors import REQUEST_ID_HEADER, format_error
from saathi.ids import new_id
from saathi.keys import SigningKey
from saathi.peers import Peers
from saathi.runtime import (
    key_store_for,
    master_key_for,
    peers_for,
    signing_key_for,
    trust_for,
    verifier_for,
)
from saathi.service_trust import ServiceTrust
from saathi.settings import Settings
from saathi.tokens import TokenVerifier
from services.consent.api import internal, staff_notify
from services.consent.api.context import Context, live_viewer
from services.consent.api.loaders import make_loaders
from services.consent.api.oauth import token_endpoint
from services.consent.api.schema import schema
from services.consent.domain.anchor import AuditTrail
from services.consent.domain.delivery import Delivery, OutboxDelivery
from services.consent.domain.deps import Clock, Deps, system_clock

COMPONENT = "consent"
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,100}")


def client_address(request: Request | WebSocket) -> str | None:
    """The first hop of ``X-Forwarded-For`` (set by the gateway), else the socket's peer."""
    forwarded = request.headers.get("x-forwarded-for", "").split(",")[0].strip()
    if forwarded:
        return forwarded
    return request.client.host if request.client else None


class GraphQLView(GuardedGraphQL, GraphQL[Context, None]):
    """Strawberry's ASGI view with our context and our error format; JSON POSTs only,
    documents within ``saathi.document_limits`` before strawberry parses them."""

    def __init__(self, deps: Deps, verifier: TokenVerifier) -> None:
        super().__init__(schema, graphql_ide=None)
        self.deps = deps
        self.verifier = verifier

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        given = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = given if _REQUEST_ID.fullmatch(given) else new_id("req")
        request.state.request_id = request_id
        return Context(
            viewer=await live_viewer(Viewer(request.headers.get("authorization"), self.verifier)),
            request_id=request_id,
            client_address=client_address(request),
            loaders=make_loaders(self.deps),
            deps=self.deps,
        )

    async def process_result(
        self, request: Request | WebSocket, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        request_id = getattr(request.state, "request_id", None) or new_id("req")
        response: GraphQLHTTPResponse = {"data": result.data}
        if result.errors:
            response["errors"] = [format_error(error, request_id) for error in result.errors]
        if result.extensions:
            response["extensions"] = result.extensions
        return response


def create_app(
    settings: Settings,
    *,
    peers: Peers | None = None,
    manage_database: bool = True,
    verifier: TokenVerifier | None = None,
    signing_key: SigningKey | None = None,
    delivery: Delivery | None = None,
    clock: Clock | None = None,
    audit: AuditTrail | None = None,
    trust: ServiceTrust | None = None,
) -> Starlette:
    """The consent subgraph. ``signing_key`` defaults to the data dir's key (made on first
    start), ``delivery`` to the outbox file, ``clock`` to the system clock (tests inject one),
    ``audit`` to the data dir's audit key and anchor file."""
    key = signing_key or signing_key_for(settings)
    keys = key_store_for(settings, COMPONENT)
    own_peers = peers is None
    app_peers = peers or peers_for(settings, COMPONENT)
    deps = Deps(
        settings=settings,
        signing_key=key,
        master_key=master_key_for(settings),
        delivery=delivery or OutboxDelivery(settings.outbox_path),
        audit=audit or AuditTrail.for_data_dir(settings.data_dir),
        keys=keys,
        clock=clock or system_clock,
        peers=app_peers,
    )
    token_verifier = verifier or verifier_for(settings, key)
    view = GraphQLView(deps, token_verifier)

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def jwks(request: Request) -> JSONResponse:
        return JSONResponse(key.jwks(), headers={"cache-control": "public, max-age=300"})

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if manage_database:
            await open_databases(settings, [COMPONENT])
        try:
            yield
        finally:
            if manage_database:
                await close_databases()
            keys.close()
            if own_peers:
                await app_peers.aclose()

    app = Starlette(
        routes=[
            Route("/graphql", view, methods=["GET", "POST"]),
            Route("/health", health, methods=["GET"]),
            Route("/.well-known/jwks.json", jwks, methods=["GET"]),
            Route("/oauth/token", token_endpoint(deps), methods=["POST"]),
            *internal.routes(deps, trust or trust_for(settings, COMPONENT)),
            *staff_notify.routes(deps, trust or trust_for(settings, COMPONENT)),
        ],
        lifespan=lifespan,
    )
    app.state.deps = deps
    app.state.peers = app_peers
    return app
