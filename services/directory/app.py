"""The directory as a Starlette app: ``POST /graphql``, ``GET /health`` and the feeds
(``GET /feeds/meetings.json``). Wiring only."""

from __future__ import annotations

import logging
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
from services.directory.api import internal
from services.directory.api.endpoint import GraphQLEndpoint
from services.directory.api.feeds import meetings_json
from services.directory.api.schema import schema
from services.directory.domain import timetables

NAME = "directory"

logger = logging.getLogger("saathi.directory")


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
    """The directory subgraph. With ``manage_database`` its lifespan opens and closes the
    directory's database and then sends sessions any timetable still queued; peers made here
    (none given: service-token clients from ``peers_for``) are closed with it."""
    own_peers = peers is None
    peer_clients = peers_for(settings, NAME) if peers is None else peers
    # Each peer supporter's data key, for their lived-experience statement and supervision
    # notes: a file of its own, apart from the database.
    keys = key_store_for(settings, NAME)
    endpoint = GraphQLEndpoint(
        schema.graphql_schema,
        peers=peer_clients,
        verifier=verifier or verifier_for(settings),
        keys=keys,
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if manage_database:
            await open_databases(settings, [NAME])
            report = await timetables.push_pending(peer_clients)
            if report.pushed or report.pending:
                logger.info(
                    "timetables at start: %d pushed, %d pending", report.pushed, report.pending
                )
        try:
            yield
        finally:
            if own_peers:
                await peer_clients.aclose()
            if manage_database:
                await close_databases()
            keys.close()

    app = Starlette(
        routes=[
            Route("/graphql", endpoint.handle, methods=["POST"]),
            Route("/health", health, methods=["GET"]),
            Route("/feeds/meetings.json", meetings_json, methods=["GET"]),
            *internal.routes(trust or trust_for(settings, NAME)),
            *internal.practice_routes(trust or trust_for(settings, NAME)),
        ],
        lifespan=lifespan,
    )
    app.state.keys = keys
    return app
