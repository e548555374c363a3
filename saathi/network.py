"""The whole network in one process (``saathi up``) and its parts for ``saathi serve``.

One process: the three subgraph apps share one tortoise context (each app on its own database
connection), call each other through their ASGI apps, and the gateway reaches them in process
through ``AsgiTransport``. The supergraph is composed at start from each subgraph's
``_service { sdl }``, exactly as ``saathi compose`` writes it to ``schema/``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

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
from saathi.database import close_databases, open_databases
from saathi.edge import Edge, EdgeAuthentication, crisis_fallbacks
from saathi.files import replace_private
from saathi.keys import SigningKey
from saathi.keystore import KeyStore
from saathi.peers import Peers
from saathi.revocation import RevocationCheck
from saathi.runtime import key_store_for, peers_for, signing_key_for, verifier_for
from saathi.settings import COMPONENTS, Settings

logger = logging.getLogger("saathi.network")

DEFAULT_PORTS = {"gateway": 4000, "directory": 4001, "sessions": 4002, "consent": 4003}
DEMO_MARKER = "demo-seeded"
SDL_QUERY = {"query": "{ _service { sdl } }"}


def subgraph_url(settings: Settings, component: str) -> str:
    """Where the gateway reaches ``component`` in the distributed topology."""
    base = settings.service_urls.get(component, f"http://127.0.0.1:{DEFAULT_PORTS[component]}")
    return base.rstrip("/") + "/graphql"


def peer_urls(settings: Settings) -> dict[str, str]:
    """Where each subgraph listens in the distributed topology (its base URL)."""
    return {
        name: settings.service_urls.get(name, f"http://127.0.0.1:{DEFAULT_PORTS[name]}")
        for name in COMPONENTS
    }


def gateway_settings(settings: Settings) -> GatewaySettings:
    """Development mode turns on introspection and GraphiQL; production turns both off."""
    return GatewaySettings(introspection=settings.development, development=settings.development)


def build_gateway(
    supergraph: str,
    transport: Transport,
    settings: Settings,
    key: SigningKey | None = None,
    *,
    peers: Peers,
) -> Starlette:
    """The network's gateway app: tokens checked at the edge (signature, then whether their
    sign-in is still live, asked of consent through ``peers``), crisis lines that never fail.

    ``key`` is the network's signing key where this process has it (``saathi up``); without it
    tokens are checked against ``SAATHI_JWKS_URL`` (or the data dir's key).
    """
    verifier = verifier_for(settings, key)
    return create_gateway_app(
        supergraph,
        transport,
        settings=gateway_settings(settings),
        hooks=(EdgeAuthentication(verifier), RevocationCheck(verifier, peers)),
        fallbacks=crisis_fallbacks(),
    )


def build_subgraph(
    component: str,
    settings: Settings,
    *,
    peers: Peers,
    manage_database: bool,
    key: SigningKey | None = None,
) -> Starlette:
    """The ASGI app of one subgraph."""
    verifier = verifier_for(settings, key)
    if component == "directory":
        from services.directory.app import create_app as create_directory

        return create_directory(
            settings, peers=peers, manage_database=manage_database, verifier=verifier
        )
    if component == "sessions":
        from services.sessions.app import create_app as create_sessions

        return create_sessions(
            settings, peers=peers, manage_database=manage_database, verifier=verifier
        )
    if component == "consent":
        from services.consent.app import create_app as create_consent

        return create_consent(
            settings,
            peers=peers,
            manage_database=manage_database,
            verifier=verifier,
            signing_key=key or signing_key_for(settings),
        )
    raise ValueError(f"unknown component {component!r}; choose one of {', '.join(COMPONENTS)}")


async def fetch_sdl(client: httpx.AsyncClient, url: str) -> str:
    """A subgraph's SDL as its ``_service`` field prints it."""
    response = await client.post(url, json=SDL_QUERY)
    response.raise_for_status()
    body = response.json()
    if body.get("errors"):
        raise RuntimeError(f"{url} refused _service: {body['errors']}")
    return str(body["data"]["_service"]["sdl"])


async def compose_from_apps(
    apps: Mapping[str, Any], settings: Settings
) -> tuple[str, dict[str, str]]:
    """Compose the supergraph from in-process apps; also returns each subgraph's SDL."""
    sdls: dict[str, str] = {}
    for name, app in apps.items():
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://sdl"
        ) as client:
            sdls[name] = await fetch_sdl(client, "/graphql")
    specs = [SubgraphSpec(name, subgraph_url(settings, name), sdls[name]) for name in sorted(sdls)]
    return compose(specs), sdls


async def seed_demo_network(
    settings: Settings, key: SigningKey, sessions_keys: KeyStore | None = None
) -> None:
    """Write every service's part of the demo network (idempotent)."""
    from services.consent.seed import seed_demo as seed_consent
    from services.directory.seed import seed_demo as seed_directory
    from services.sessions.seed import seed_demo as seed_sessions

    await seed_directory()
    await seed_consent(settings, signing_key=key)
    await seed_sessions(keys=sessions_keys or key_store_for(settings, "sessions"))


async def push_pending_work(peers: Peers, sessions_keys: KeyStore) -> None:
    """Deliver what a service queued for another while it was down: timetables for sessions,
    notices for participants (through consent, opened with the recipients' data keys)."""
    from services.directory.timetables import push_pending
    from services.sessions.domain.notifications import flush

    report = await push_pending(peers)
    notices = await flush(peers, sessions_keys, datetime.now(UTC))
    logger.info("pending work: timetables %s; notices delivered %d", report, notices)


async def retry_pending_work(peers: Peers, sessions_keys: KeyStore, every_seconds: float) -> None:
    """Keep delivering queued work until cancelled; a failed round is logged and retried."""
    while True:
        await asyncio.sleep(every_seconds)
        try:
            await push_pending_work(peers, sessions_keys)
        except Exception:  # one bad round must not stop the retries that come after it
            logger.exception("retrying pending work failed; trying again in %ss", every_seconds)


@dataclass
class EmbeddedNetwork:
    """Everything ``saathi up`` runs: the subgraph apps, the gateway, their shared lifespan."""

    settings: Settings
    demo: bool = True
    on_ready: Callable[[], None] | None = None
    retry_seconds: float = 60.0
    gateway: Starlette | None = field(default=None, init=False, repr=False)  # set at start-up
    peers: Peers | None = field(default=None, init=False, repr=False)  # set by build()
    sessions_keys: KeyStore | None = field(default=None, init=False, repr=False)  # by build()

    def build(self) -> Starlette:
        key = signing_key_for(self.settings)
        peers = self.peers = peers_for(self.settings, key)
        apps = {
            name: build_subgraph(name, self.settings, peers=peers, manage_database=False, key=key)
            for name in COMPONENTS
        }
        for name, app in apps.items():
            peers.attach_app(name, app)
        sessions_keys: KeyStore = apps["sessions"].state.keys
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
                supergraph, _sdls = await compose_from_apps(apps, self.settings)
                self.gateway = holder["gateway"] = build_gateway(
                    supergraph, transport, self.settings, key, peers=peers
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
                await peers.aclose()
                await close_databases()

        edge = Edge(lambda: holder["gateway"], peers, COMPONENTS)
        return Starlette(routes=[Mount("/", app=edge.app())], lifespan=lifespan)
