"""The sessions subgraph's Starlette app: ``/graphql``, ``/health``, the internal endpoints."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from saathi.database import close_databases, open_databases
from saathi.peers import Peers
from saathi.runtime import key_store_for, peers_for, trust_for, verifier_for
from saathi.service_trust import ServiceTrust
from saathi.settings import Settings
from saathi.tokens import TokenVerifier
from services.sessions.api import internal
from services.sessions.api.view import SessionsGraphQL

COMPONENT = "sessions"


async def health(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


def create_app(
    settings: Settings,
    *,
    peers: Peers | None = None,
    manage_database: bool = True,
    verifier: TokenVerifier | None = None,
    trust: ServiceTrust | None = None,
) -> Starlette:
    """The sessions subgraph; with ``manage_database`` its lifespan opens and closes the db.
    ``trust`` (default: the keys dir) decides which components may call its internal
    endpoints; access tokens are checked with ``verifier`` (default: the published JWKS)."""
    own_peers = peers is None
    # Its own calls (consent's authorise-read and notify) carry its service token.
    peers = peers if peers is not None else peers_for(settings, COMPONENT)
    verifier = verifier or verifier_for(settings)
    trust = trust or trust_for(settings, COMPONENT)
    # Each participant's data key for what sessions holds about them (feedback comments,
    # queued notices): a file of its own, apart from the database.
    keys = key_store_for(settings, COMPONENT)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if manage_database:
            await open_databases(settings, [COMPONENT])
        try:
            yield
        finally:
            if own_peers:
                await peers.aclose()
            if manage_database:
                await close_databases()
            keys.close()

    app = Starlette(
        routes=[
            Route("/graphql", SessionsGraphQL(verifier, peers, keys)),
            Route("/health", health, methods=["GET"]),
            *(Route(path, ep, methods=["POST"]) for path, ep in internal.routes(trust, keys)),
        ],
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.peers = peers
    app.state.keys = keys
    return app
