"""The whole network in one process (``saathi up``) and its parts for ``saathi serve``.

One process: the three subgraph apps share one tortoise context (each app on its own database
connection), call each other through their ASGI apps, and the gateway reaches them in process
through ``AsgiTransport``. The supergraph is composed at start from each subgraph's
``_service { sdl }``, exactly as ``saathi compose`` writes it to ``schema/``.

In one process as over HTTP, every subgraph sits behind its ``ServiceDoor`` and every call
carries the caller's own service token (docs/service-trust.md): the same code path either way.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

import httpx
from starlette.applications import Starlette
from starlette.routing import Mount

from gateway import (
    AsgiTransport,
    GatewaySettings,
    SubgraphSpec,
    Transport,
    compose,
    create_gateway_app,
)
from network.edge import Edge, GatewayCredentials, crisis_fallbacks
from network.revocation import RevocationCheck
from saathi.database import close_databases, open_databases
from saathi.files import replace_private
from saathi.keys import SigningKey
from saathi.keystore import KeyStore
from saathi.peers import Peers
from saathi.runtime import (
    key_store_for,
    peers_for,
    service_tokens,
    signing_key_for,
    trust_for,
    verifier_for,
)
from saathi.service.clock import system_clock
from saathi.service.outbox import Backoff, retry_forever
from saathi.service_trust import GATEWAY, ServiceDoor, ServiceTokens
from saathi.settings import COMPONENTS, Settings

logger = logging.getLogger("network.assembly")

DEMO_MARKER = "demo-seeded"
SDL_QUERY = {"query": "{ _service { sdl } }"}


def subgraph_url(settings: Settings, component: str) -> str:
    """Where the gateway reaches ``component`` in the distributed topology."""
    return settings.service_url(component) + "/graphql"


def peer_urls(settings: Settings) -> dict[str, str]:
    """Where each subgraph listens in the distributed topology (its base URL)."""
    return {name: settings.service_url(name) for name in COMPONENTS}


def gateway_settings(settings: Settings) -> GatewaySettings:
    """Development mode turns on introspection and GraphiQL; production turns both off."""
    return GatewaySettings(
        introspection=settings.development,
        development=settings.development,
        trusted_proxies=settings.trusted_proxies,
    )


def build_gateway(
    supergraph: str,
    transport: Transport,
    settings: Settings,
    tokens: ServiceTokens,
    *,
    peers: Peers,
    key: SigningKey | None = None,
) -> Starlette:
    """The network's gateway app: its service token on every subgraph request, crisis lines
    that never fail. Access tokens are the subgraphs' to check: a bad one makes the caller
    anonymous for public fields and UNAUTHENTICATED where a field needs to know who it is.
    A participant token whose sign-in has ended (signed out, refresh token reused, account
    erased) is dropped at the edge after asking consent through ``peers``.

    ``key`` is the network's signing key where this process has it (``saathi up``); without it
    tokens are checked against the published JWKS."""
    return create_gateway_app(
        supergraph,
        transport,
        settings=gateway_settings(settings),
        hooks=(GatewayCredentials(tokens), RevocationCheck(verifier_for(settings, key), peers)),
        fallbacks=crisis_fallbacks(),
    )


def build_subgraph(
    component: str,
    settings: Settings,
    *,
    peers: Peers,
    manage_database: bool,
    key: SigningKey | None = None,
) -> ServiceDoor:
    """The ASGI app of one subgraph, behind its door (only the gateway and named peers pass).

    ``key`` is the network's token-signing key where this process holds it (``saathi up``);
    without it the directory and sessions verify access tokens with the published JWKS and
    never read the private key, and consent loads it from the data dir (it alone holds it).
    """
    verifier = verifier_for(settings, key)
    trust = trust_for(settings, component)
    app: Starlette
    if component == "directory":
        from services.directory.app import create_app as create_directory

        app = create_directory(
            settings, peers=peers, manage_database=manage_database, verifier=verifier
        )
    elif component == "sessions":
        from services.sessions.app import create_app as create_sessions

        app = create_sessions(
            settings, peers=peers, manage_database=manage_database, verifier=verifier, trust=trust
        )
    elif component == "consent":
        from services.consent.app import create_app as create_consent

        signing_key = key or signing_key_for(settings)
        app = create_consent(
            settings,
            peers=peers,
            manage_database=manage_database,
            verifier=verifier_for(settings, signing_key),
            signing_key=signing_key,
            trust=trust,
        )
    else:
        raise ValueError(f"unknown component {component!r}; choose one of {', '.join(COMPONENTS)}")
    return ServiceDoor(app, trust)


async def fetch_sdl(
    client: httpx.AsyncClient, url: str, headers: Mapping[str, str] | None = None
) -> str:
    """A subgraph's SDL as its ``_service`` field prints it (to the gateway's credential)."""
    response = await client.post(url, json=SDL_QUERY, headers=dict(headers or {}))
    response.raise_for_status()
    body = response.json()
    if body.get("errors"):
        raise RuntimeError(f"{url} refused _service: {body['errors']}")
    return str(body["data"]["_service"]["sdl"])


async def compose_from_apps(
    apps: Mapping[str, Any], settings: Settings, tokens: ServiceTokens
) -> tuple[str, dict[str, str]]:
    """Compose the supergraph from in-process apps, asking each with the gateway's ``tokens``;
    also returns each subgraph's SDL."""
    sdls: dict[str, str] = {}
    for name, app in apps.items():
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://sdl"
        ) as client:
            sdls[name] = await fetch_sdl(client, "/graphql", tokens.headers(name))
    specs = [SubgraphSpec(name, subgraph_url(settings, name), sdls[name]) for name in sorted(sdls)]
    return compose(specs), sdls


async def seed_demo_network(
    settings: Settings, key: SigningKey, sessions_keys: KeyStore | None = None
) -> None:
    """Write every service's part of the demo network (idempotent)."""
    from network.demo.consent import seed_demo as seed_consent
    from network.demo.directory import seed_demo as seed_directory
    from network.demo.sessions import seed_demo as seed_sessions
    from network.demo.sessions_practice import seed_demo as seed_sessions_practice

    now = datetime.now(UTC)  # one day for both timetables: the directory's and sessions'
    await seed_directory(now)
    await seed_consent(settings, signing_key=key)
    keys = sessions_keys or key_store_for(settings, "sessions")
    await seed_sessions(now, keys=keys)
    await seed_sessions_practice(keys, now)


async def push_pending_work(peers: Mapping[str, Peers], sessions_keys: KeyStore) -> bool:
    """Deliver what a service queued for another while it was down: the directory's timetables
    for sessions, sessions' notices for participants (through consent, opened with the
    recipients' data keys), each as its sender; and the notices to staff: concerns for the
    holding centre's supervisors, and (once a week per centre) supporters needing attention
    for its admins. True when nothing is left queued."""
    from services.directory.domain.attention_notices import tell_admins
    from services.directory.domain.timetables import series_outbox
    from services.sessions.domain.concerns import supervisor_notices
    from services.sessions.domain.notifications import notices
    from services.sessions.domain.seats import push_seats
    from services.sessions.domain.timetable import extend_horizons

    now = system_clock()
    timetables = await series_outbox(peers["directory"]).drain()
    await extend_horizons(now)
    seats = await push_seats(peers["sessions"])
    told = await notices(peers["sessions"], sessions_keys, now).drain()
    concerns = await supervisor_notices(peers["sessions"], now).drain()
    attention = await tell_admins(peers["directory"], now)
    logger.info(
        "pending work: timetables %s; seats %s; notices %s; concerns %s; supporters needing "
        "attention (centres' admins) %s",
        timetables,
        seats,
        told,
        concerns,
        attention,
    )
    return not (
        timetables.stopped
        or seats.pending
        or told.stopped
        or concerns.stopped
        or attention.drain.stopped
    )


async def retry_pending_work(
    peers: Mapping[str, Peers], sessions_keys: KeyStore, every_seconds: float
) -> None:
    """Keep delivering queued work until cancelled (``saathi.service.outbox.retry_forever``):
    every ``every_seconds`` while rounds clear the queues, backing off up to an hour while a
    peer stays down; a failed round is logged and retried."""

    async def round_() -> bool:
        return await push_pending_work(peers, sessions_keys)

    await retry_forever(round_, Backoff(every=every_seconds, cap=max(every_seconds, 3600.0)))


@dataclass
class EmbeddedNetwork:
    """Everything ``saathi up`` runs: the subgraph apps, the gateway, their shared lifespan."""

    settings: Settings
    demo: bool = True
    on_ready: Callable[[], None] | None = None
    retry_seconds: float = 60.0
    gateway: Starlette | None = field(default=None, init=False, repr=False)  # set at start-up
    # Each component's clients for the others, carrying its own service token; set by build().
    peers: dict[str, Peers] = field(default_factory=dict, init=False, repr=False)
    sessions_keys: KeyStore | None = field(default=None, init=False, repr=False)  # by build()

    def build(self) -> Starlette:
        key = signing_key_for(self.settings)
        peers = self.peers = {
            name: peers_for(self.settings, name) for name in (*COMPONENTS, GATEWAY)
        }
        apps = {
            name: build_subgraph(
                name, self.settings, peers=peers[name], manage_database=False, key=key
            )
            for name in COMPONENTS
        }
        for clients in peers.values():
            for name, app in apps.items():
                clients.attach_app(name, app)
        gateway_tokens = service_tokens(self.settings, GATEWAY)
        sessions_door = apps["sessions"]
        assert isinstance(sessions_door, ServiceDoor)
        sessions_keys: KeyStore = cast(Starlette, sessions_door.app).state.keys
        self.sessions_keys = sessions_keys
        holder: dict[str, Starlette] = {}
        transport = AsgiTransport(apps)

        @contextlib.asynccontextmanager
        async def lifespan(_: Starlette) -> AsyncIterator[None]:
            await open_databases(self.settings, COMPONENTS)
            try:
                marker = self.settings.data_dir / DEMO_MARKER
                if self.demo and not marker.exists():
                    logger.info("seeding the demo network into %s", self.settings.data_dir)
                    await seed_demo_network(self.settings, key, sessions_keys)
                    replace_private(marker, b"seeded\n")
                supergraph, _sdls = await compose_from_apps(apps, self.settings, gateway_tokens)
                self.gateway = holder["gateway"] = build_gateway(
                    supergraph,
                    transport,
                    self.settings,
                    gateway_tokens,
                    peers=peers[GATEWAY],
                    key=key,
                )
                await push_pending_work(peers, sessions_keys)
                retries = asyncio.create_task(
                    retry_pending_work(peers, sessions_keys, self.retry_seconds)
                )
                if self.on_ready is not None:
                    self.on_ready()
                try:
                    yield
                finally:
                    retries.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await retries
            finally:
                await transport.aclose()
                for clients in peers.values():
                    await clients.aclose()
                await close_databases()

        edge = Edge(
            lambda: holder["gateway"], peers[GATEWAY], COMPONENTS, self.settings.trusted_proxies
        )
        return Starlette(routes=[Mount("/", app=edge.app())], lifespan=lifespan)
