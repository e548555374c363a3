"""Consent service fixtures: a real database, a real key, an injected clock, the ASGI app."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from network.demo import description as demo
from saathi.crypto import MasterKey
from saathi.database import close_databases, open_databases
from saathi.errors import SaathiError
from saathi.keys import SigningKey, generate_signing_key
from saathi.keystore import SqliteKeyStore
from saathi.peers import Peers
from saathi.runtime import key_store_for, master_key_for, peers_for
from saathi.service.clock import FixedClock
from saathi.service_trust import SERVICE_TOKEN_HEADER, ServiceKeys, ServiceTokens, ServiceTrust
from saathi.settings import Settings
from saathi.tokens import Role, mint_access_token
from services.consent import models
from services.consent.app import create_app
from services.consent.domain.delivery import Delivery

CLIENT_ADDRESS = "203.0.113.7"

REQUEST_CODE = """
mutation RequestCode($contact: String!) {
  requestLoginCode(contact: $contact) { sent retryAfterSeconds error { code message } }
}
"""

VERIFY_CODE = """
mutation Verify($contact: String!, $code: String!) {
  verifyLoginCode(contact: $contact, code: $code) {
    accessToken refreshToken expiresIn participant { id displayName } error { code message }
  }
}
"""

REFRESH = """
mutation Refresh($refreshToken: String!) {
  refreshSession(refreshToken: $refreshToken) {
    accessToken refreshToken expiresIn error { code message }
  }
}
"""


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    url = os.environ.get("SAATHI_TEST_DATABASE_URL", "sqlite://:memory:")
    return Settings(data_dir=tmp_path, database_urls={"consent": url})


@pytest.fixture
async def database(settings: Settings) -> AsyncIterator[None]:
    await open_databases(settings, ["consent"])
    # A shared PostgreSQL keeps rows between tests; every test starts from empty tables.
    for model in (
        models.Participant,
        models.Staff,
        models.LoginCode,
        models.RefreshToken,
        models.RateEvent,
        models.LoginLock,
        models.Consent,
        models.ConsentRequest,
        models.DataAccess,
        models.DataAccessHead,
        models.Erasure,
        models.Partner,
        models.SeenAssertion,
    ):
        await model.all().delete()
    yield
    await close_databases()


@pytest.fixture
def key() -> SigningKey:
    return generate_signing_key()


@pytest.fixture
def master(settings: Settings) -> MasterKey:
    return master_key_for(settings)


@pytest.fixture
def keys(settings: Settings) -> SqliteKeyStore:
    """The consent service's key store (the same file its app uses)."""
    return key_store_for(settings, "consent")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@dataclass
class Consent:
    """The consent subgraph in a test: its client, settings, key and clock."""

    client: httpx.AsyncClient
    settings: Settings
    key: SigningKey
    clock: FixedClock

    async def post(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        sent = dict(headers or {})
        if token:
            sent["authorization"] = f"Bearer {token}"
        response = await self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=sent
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def service_headers(self, caller: str = "sessions") -> dict[str, str]:
        """What ``caller``'s internal calls to consent carry: its own signed service token."""
        keys = ServiceKeys(self.settings.keys_dir)
        return ServiceTokens(caller, keys.own(caller)).headers("consent")

    def outbox(self) -> list[dict[str, Any]]:
        path = self.settings.outbox_path
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines()]

    def last_code(self, contact: str) -> str:
        return str([line for line in self.outbox() if line["to"] == contact][-1]["code"])

    async def request_code(self, contact: str, **headers: str) -> dict[str, Any]:
        body = await self.post(REQUEST_CODE, {"contact": contact}, headers=headers)
        payload: dict[str, Any] = body["data"]["requestLoginCode"]
        return payload

    async def verify(self, contact: str, code: str) -> dict[str, Any]:
        body = await self.post(VERIFY_CODE, {"contact": contact, "code": code})
        assert "errors" not in body, body
        payload: dict[str, Any] = body["data"]["verifyLoginCode"]
        return payload

    async def sign_in(self, contact: str) -> dict[str, Any]:
        """Ask for a code, read it from the outbox, verify it; the verify payload."""
        sent = await self.request_code(contact)
        assert sent["sent"] is True, sent
        return await self.verify(contact, self.last_code(contact))

    async def refresh(self, refresh_token: str) -> dict[str, Any]:
        body = await self.post(REFRESH, {"refreshToken": refresh_token})
        payload: dict[str, Any] = body["data"]["refreshSession"]
        return payload

    def token(
        self,
        subject: str,
        role: Role = Role.PARTICIPANT,
        *,
        centre_id: str | None = None,
        key: SigningKey | None = None,
        ttl_seconds: int = 600,
        now: float | None = None,
    ) -> str:
        return mint_access_token(
            key or self.key,
            subject=subject,
            role=role,
            centre_id=centre_id,
            issuer=self.settings.issuer,
            audience=self.settings.audience,
            ttl_seconds=ttl_seconds,
            now=now,
        )


MakeConsent = Callable[..., Awaitable[Consent]]


@dataclass
class FakeSessions:
    """A tiny real Starlette app standing in for sessions' internal endpoints.

    ``related`` maps a centre to the participants booked there; ``down`` answers 503; every
    call is kept in ``calls`` as (path, body) after the service token is checked.
    """

    key: SigningKey
    settings: Settings
    related: dict[str, set[str]] = field(default_factory=dict)
    erased: dict[str, int] = field(default_factory=lambda: {"bookings": 3, "feedback": 1})
    down: bool = False
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def app(self) -> Starlette:
        trust = ServiceTrust("sessions", ServiceKeys(self.settings.keys_dir), {"consent"})

        async def relations(request: Request) -> JSONResponse:
            body = await self._checked(request)
            known = self.related.get(body["centreId"], set())
            return JSONResponse(
                {"participantIds": [p for p in body["participantIds"] if p in known]}
            )

        async def erase(request: Request) -> JSONResponse:
            await self._checked(request)
            return JSONResponse({"erased": self.erased})

        async def guard(request: Request, call_next: Any) -> Any:
            return _refusal(self.down, trust, request) or await call_next(request)

        app = Starlette(
            routes=[
                Route("/internal/participants/relations", relations, methods=["POST"]),
                Route("/internal/participants/erase", erase, methods=["POST"]),
            ]
        )
        app.add_middleware(BaseHTTPMiddleware, dispatch=guard)
        return app

    async def _checked(self, request: Request) -> dict[str, Any]:
        body: dict[str, Any] = await request.json()
        self.calls.append((request.url.path, body))
        return body


def _refusal(down: bool, trust: ServiceTrust, request: Request) -> JSONResponse | None:
    """What a stand-in service answers instead of serving: 503 when down, 401 for a caller
    without a service token it trusts; ``None`` to serve."""
    if down:
        return JSONResponse({"error": "down"}, status_code=503)
    try:
        trust.caller(request.headers.get(SERVICE_TOKEN_HEADER))
    except SaathiError as refused:
        return JSONResponse({"error": refused.message}, status_code=401)
    return None


@dataclass
class FakeDirectory:
    """A tiny real Starlette app standing in for the directory's internal endpoint: it knows
    ``centres`` (the demo network's by default)."""

    key: SigningKey
    settings: Settings
    centres: set[str] = field(default_factory=lambda: {centre.id for centre in demo.CENTRES})
    down: bool = False
    calls: list[dict[str, Any]] = field(default_factory=list)

    def app(self) -> Starlette:
        trust = ServiceTrust("directory", ServiceKeys(self.settings.keys_dir), {"consent"})

        async def known(request: Request) -> JSONResponse:
            refusal = _refusal(self.down, trust, request)
            if refusal is not None:
                return refusal
            body: dict[str, Any] = await request.json()
            self.calls.append(body)
            return JSONResponse({"centreIds": [c for c in body["centreIds"] if c in self.centres]})

        return Starlette(routes=[Route("/internal/centres/known", known, methods=["POST"])])


@pytest.fixture
async def make_consent(
    database: None, settings: Settings, key: SigningKey, clock: FixedClock
) -> AsyncIterator[MakeConsent]:
    """Builds the app (``delivery``, ``address`` overridable) with a client on it."""
    clients: list[httpx.AsyncClient] = []
    all_peers: list[Peers] = []

    async def make(
        *,
        delivery: Delivery | None = None,
        address: str = CLIENT_ADDRESS,
        sessions: FakeSessions | None = None,
        settings: Settings = settings,
        directory: FakeDirectory | None = None,
    ) -> Consent:
        peers = peers_for(settings, "consent")
        all_peers.append(peers)
        if sessions is not None:
            peers.attach_app("sessions", sessions.app())
        peers.attach_app("directory", (directory or FakeDirectory(key, settings)).app())
        app = create_app(
            settings,
            manage_database=False,
            signing_key=key,
            delivery=delivery,
            clock=clock,
            peers=peers,
        )
        transport = httpx.ASGITransport(app=app, client=(address, 40000))
        client = httpx.AsyncClient(transport=transport, base_url="http://consent.internal")
        clients.append(client)
        return Consent(client, settings, key, clock)

    yield make
    for client in clients:
        await client.aclose()
    for peers in all_peers:
        await peers.aclose()


@pytest.fixture
async def consent(make_consent: MakeConsent) -> Consent:
    return await make_consent()


@pytest.fixture
def sql() -> Iterator[list[str]]:
    """Every SQL statement the service sends while the test runs."""
    statements: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            statements.append(record.getMessage())

    logger = logging.getLogger("tortoise.db_client")
    handler = Collect(level=logging.DEBUG)
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield statements
    logger.removeHandler(handler)
    logger.setLevel(previous)


def selects_from(statements: list[str], table: str) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith("SELECT") and f'"{table}"' in s]


@pytest.fixture
def sessions(settings: Settings, key: SigningKey) -> FakeSessions:
    return FakeSessions(key=key, settings=settings)


def staff_token(consent: Consent, centre_id: str, role: Role = Role.FACILITATOR) -> str:
    return consent.token("stf_01JD3TESTTESTTESTTESTTESTT", role, centre_id=centre_id)
