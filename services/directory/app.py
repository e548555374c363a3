"""The directory as a Starlette app: ``/graphql`` (GET and POST), ``GET /health``, the feeds
(``GET /feeds/meetings.json``) and the internal endpoints. Wiring only."""

from __future__ import annotations

import logging

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import Route

from saathi.auth import Viewer
from saathi.peers import Peers
from saathi.runtime import key_store_for, peers_for, trust_for, verifier_for
from saathi.service.app import service_lifespan, standard_routes
from saathi.service.clock import Clock, system_clock
from saathi.service.graphene import GrapheneGraphQL
from saathi.service_trust import ServiceTrust
from saathi.settings import Settings
from saathi.tokens import TokenVerifier
from services.directory.api import internal
from services.directory.api.context import Context
from services.directory.api.feeds import meetings_json
from services.directory.api.schema import schema
from services.directory.domain import timetables

NAME = "directory"

logger = logging.getLogger("saathi.directory")


def create_app(
    settings: Settings,
    *,
    peers: Peers | None = None,
    manage_database: bool = True,
    verifier: TokenVerifier | None = None,
    trust: ServiceTrust | None = None,
    clock: Clock = system_clock,
) -> Starlette:
    """The directory subgraph. With ``manage_database`` its lifespan opens and closes the
    directory's database and then sends sessions any timetable still queued; peers made here
    (none given: service-token clients from ``peers_for``) are closed with it."""
    own_peers = peers is None
    peer_clients = peers_for(settings, NAME) if peers is None else peers
    token_verifier = verifier or verifier_for(settings)
    # Each peer supporter's data key, for their lived-experience statement and supervision
    # notes: a file of its own, apart from the database.
    keys = key_store_for(settings, NAME)

    def context_for(request: Request, request_id: str) -> Context:
        viewer = Viewer(request.headers.get("authorization"), token_verifier)
        return Context(
            viewer=viewer, request_id=request_id, peers=peer_clients, keys=keys, clock=clock
        )

    endpoint = GrapheneGraphQL(schema.graphql_schema, context_for)

    async def push_timetables() -> None:
        report = await timetables.push_pending(peer_clients)
        if report.pushed or report.pending:
            logger.info("timetables at start: %d pushed, %d pending", report.pushed, report.pending)

    async def release() -> None:
        if own_peers:
            await peer_clients.aclose()
        keys.close()

    app = Starlette(
        routes=[
            *standard_routes(endpoint.handle),
            Route("/feeds/meetings.json", meetings_json, methods=["GET"]),
            *internal.routes(trust or trust_for(settings, NAME)),
        ],
        lifespan=service_lifespan(
            settings,
            NAME,
            manage_database=manage_database,
            on_start=[push_timetables],
            on_stop=[release],
        ),
    )
    app.state.keys = keys
    return app
