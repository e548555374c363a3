"""The sessions subgraph's Starlette app: ``/graphql``, ``/health``, ``/internal/groups/open``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from saathi.database import close_databases, open_databases
from saathi.peers import Peers
from saathi.runtime import verifier_for
from saathi.settings import Settings
from saathi.tokens import TokenVerifier
from services.sessions.api.internal import open_groups_endpoint
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
) -> Starlette:
    """The sessions subgraph; with ``manage_database`` its lifespan opens and closes the db."""
    own_peers = peers is None
    peers = peers if peers is not None else Peers(settings.service_urls)

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

    app = Starlette(
        routes=[
            Route("/graphql", SessionsGraphQL(verifier or verifier_for(settings))),
            Route("/health", health, methods=["GET"]),
            Route("/internal/groups/open", open_groups_endpoint, methods=["POST"]),
        ],
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.peers = peers
    return app
