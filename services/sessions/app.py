"""The sessions subgraph's Starlette app: ``/graphql``, ``/health``, the internal endpoints."""

from __future__ import annotations

from starlette.applications import Starlette

from saathi.peers import Peers
from saathi.runtime import key_store_for, peers_for, trust_for, verifier_for
from saathi.service.app import service_lifespan, standard_routes
from saathi.service.clock import Clock, system_clock
from saathi.service_trust import ServiceTrust
from saathi.settings import Settings
from saathi.tokens import TokenVerifier
from services.sessions.api import internal
from services.sessions.api.view import SessionsGraphQL
from services.sessions.domain.seats import SeatPusher

COMPONENT = "sessions"


def create_app(
    settings: Settings,
    *,
    peers: Peers | None = None,
    manage_database: bool = True,
    verifier: TokenVerifier | None = None,
    trust: ServiceTrust | None = None,
    clock: Clock = system_clock,
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

    async def close_peers() -> None:
        if own_peers:
            await peers.aclose()

    # Tells the directory of every change of seats (docs/nearby-search.md).
    pusher = SeatPusher(peers)
    app = Starlette(
        routes=[
            *standard_routes(SessionsGraphQL(verifier, peers, keys, clock, pusher)),
            *internal.routes(trust, keys, clock, pusher),
        ],
        lifespan=service_lifespan(
            settings,
            COMPONENT,
            manage_database=manage_database,
            on_stop=[pusher.settled, close_peers, keys.close],
        ),
    )
    app.state.settings = settings
    app.state.peers = peers
    app.state.keys = keys
    app.state.seats = pusher
    return app
