"""The consent service as a Starlette app: GraphQL, health, public keys, the OAuth token
endpoint and the internal endpoints. No logic here."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.websockets import WebSocket

from saathi.auth import Viewer
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
from saathi.service.app import service_lifespan, standard_routes
from saathi.service.clock import Clock, system_clock
from saathi.service.strawberry import ServiceGraphQL
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
from services.consent.domain.deps import Deps

COMPONENT = "consent"


def client_address(request: Request | WebSocket) -> str | None:
    """The first hop of ``X-Forwarded-For`` (set by the gateway), else the socket's peer."""
    forwarded = request.headers.get("x-forwarded-for", "").split(",")[0].strip()
    if forwarded:
        return forwarded
    return request.client.host if request.client else None


class GraphQLView(ServiceGraphQL[Context]):
    """Consent's ``/graphql``: the toolkit's view, with a context whose viewer is refused
    when its sign-in has ended."""

    def __init__(self, deps: Deps, verifier: TokenVerifier) -> None:
        super().__init__(schema)
        self.deps = deps
        self.verifier = verifier

    async def context_for(self, request: Request | WebSocket, request_id: str) -> Context:
        return Context(
            viewer=await live_viewer(Viewer(request.headers.get("authorization"), self.verifier)),
            request_id=request_id,
            client_address=client_address(request),
            loaders=make_loaders(self.deps),
            deps=self.deps,
        )


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

    async def jwks(request: Request) -> JSONResponse:
        return JSONResponse(key.jwks(), headers={"cache-control": "public, max-age=300"})

    async def close_peers() -> None:
        if own_peers:
            await app_peers.aclose()

    app = Starlette(
        routes=[
            *standard_routes(view),
            Route("/.well-known/jwks.json", jwks, methods=["GET"]),
            Route("/oauth/token", token_endpoint(deps), methods=["POST"]),
            *internal.routes(deps, trust or trust_for(settings, COMPONENT)),
            *staff_notify.routes(deps, trust or trust_for(settings, COMPONENT)),
        ],
        lifespan=service_lifespan(
            settings, COMPONENT, manage_database=manage_database, on_stop=[keys.close, close_peers]
        ),
    )
    app.state.deps = deps
    app.state.peers = app_peers
    return app
