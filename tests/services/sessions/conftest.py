"""Fixtures for the sessions service: a real database, real tokens, the ASGI app, factories."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from saathi.database import close_databases, open_databases
from saathi.ids import new_id
from saathi.keys import SigningKey, generate_signing_key
from saathi.peers import Peers
from saathi.service_trust import ServiceKeys, ServiceTokens
from saathi.settings import Settings
from saathi.tokens import Role, TokenVerifier, mint_access_token
from services.sessions import repository
from services.sessions.app import create_app
from services.sessions.domain.records import (
    BookingRecord,
    BookingStatus,
    SeriesRecord,
    SessionRecord,
    SessionStatus,
)
from services.sessions.models import (
    Booking,
    BookingEvent,
    Feedback,
    Notification,
    SeatPush,
    Series,
    Session,
    SyncBatch,
)

ISSUER = "saathi"
AUDIENCE = "saathi-network"


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
async def database() -> AsyncIterator[None]:
    url = os.environ.get("SAATHI_TEST_DATABASE_URL", "sqlite://:memory:")
    await open_databases(Settings(database_urls={"sessions": url}), ["sessions"])
    for model in (Feedback, BookingEvent, Booking, Session, Series, Notification, SyncBatch):
        await model.all().delete()
    await SeatPush.all().delete()  # after the rows whose triggers fill it
    yield
    await close_databases()


@pytest.fixture
def signing_key() -> SigningKey:
    return generate_signing_key()


@pytest.fixture
def verifier(signing_key: SigningKey) -> TokenVerifier:
    return TokenVerifier(issuer=ISSUER, audience=AUDIENCE, jwks=signing_key.jwks())


TokenFactory = Callable[..., str]


@pytest.fixture
def token_for(signing_key: SigningKey) -> TokenFactory:
    """``token_for(subject, role=Role.PARTICIPANT, centre_id=None)``: a real signed token."""

    def make(subject: str, role: Role = Role.PARTICIPANT, centre_id: str | None = None) -> str:
        return mint_access_token(
            signing_key,
            subject=subject,
            role=role,
            issuer=ISSUER,
            audience=AUDIENCE,
            ttl_seconds=600,
            centre_id=centre_id,
        )

    return make


ServiceHeaders = Callable[[str], dict[str, str]]


@pytest.fixture
def service_headers(tmp_path: Path) -> ServiceHeaders:
    """``service_headers(caller)``: what ``caller``'s internal calls to sessions carry, a real
    service token signed with its own key in the keys dir sessions reads."""
    keys = ServiceKeys(tmp_path / "keys")
    return lambda caller: ServiceTokens(caller, keys.own(caller)).headers("sessions")


@pytest.fixture
def peers(tmp_path: Path) -> Peers:
    """Sessions' clients for the other services; tests attach stand-in apps to it."""
    keys = ServiceKeys(tmp_path / "keys")
    return Peers(credentials=ServiceTokens("sessions", keys.own("sessions")))


@pytest.fixture
async def client(
    database: None, verifier: TokenVerifier, peers: Peers, tmp_path: Path
) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(data_dir=tmp_path)
    app = create_app(settings, peers=peers, manage_database=False, verifier=verifier)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sessions.test") as http:
        yield http


Gql = Callable[..., Awaitable[dict[str, Any]]]


@pytest.fixture
def gql(client: httpx.AsyncClient) -> Gql:
    """POST a GraphQL operation (with a bearer token when given) and return the JSON body."""

    async def post(
        query: str, variables: dict[str, Any] | None = None, *, token: str | None = None
    ) -> dict[str, Any]:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        response = await client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    return post


@pytest.fixture
def make_series(database: None) -> Callable[..., Awaitable[SeriesRecord]]:
    """A stored series; weekly on Tuesdays at 18:00 in Kolkata unless overridden."""

    async def make(**overrides: Any) -> SeriesRecord:
        group_id = overrides.pop("group_id", new_id("grp"))
        series = SeriesRecord(
            id=new_id("srs"),
            group_id=group_id,
            centre_id="ctr_test",
            rrule="FREQ=WEEKLY;BYDAY=TU;BYHOUR=18;BYMINUTE=0",
            timezone="Asia/Kolkata",
            starts_on=date(2025, 1, 6),
            duration_minutes=90,
            capacity=12,
        )
        series = replace(series, **overrides)
        await repository.insert_series([series])
        return series

    return make


@pytest.fixture
def make_session(database: None) -> Callable[..., Awaitable[SessionRecord]]:
    """A stored scheduled session a day from now, one hour long, five seats, unless overridden."""

    async def make(**overrides: Any) -> SessionRecord:
        starts_at = overrides.pop("starts_at", utc_now() + timedelta(days=1))
        session = SessionRecord(
            id=new_id("ses"),
            group_id=new_id("grp"),
            centre_id="ctr_test",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=1),
            capacity=5,
            status=SessionStatus.SCHEDULED,
        )
        session = replace(session, **overrides)
        await repository.insert_sessions([session])
        return session

    return make


class StatementLog(logging.Handler):
    """The SQL statements tortoise sent while it was installed."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.lstrip().upper().startswith(("SELECT", "WITH", "INSERT", "UPDATE", "DELETE")):
            self.statements.append(message)


@pytest.fixture
def sql_statements() -> Callable[[], Any]:
    """``with sql_statements() as log:`` collects the statements sent inside the block."""

    @contextmanager
    def capture() -> Iterator[StatementLog]:
        logger = logging.getLogger("tortoise.db_client")
        handler = StatementLog()
        previous = logger.level
        logger.setLevel(logging.DEBUG)
        logger.addHandler(handler)
        try:
            yield handler
        finally:
            logger.removeHandler(handler)
            logger.setLevel(previous)

    return capture


async def book(
    session: SessionRecord, participant_id: str, status: BookingStatus, at: datetime | None = None
) -> BookingRecord:
    """A stored booking of ``participant_id`` with ``status`` and its event."""
    booking = BookingRecord(
        id=new_id("bkg"),
        session_id=session.id,
        participant_id=participant_id,
        status=status,
        waitlist_position=1 if status is BookingStatus.WAITLISTED else None,
        idempotency_key=new_id("key"),
    )
    at = at or utc_now()
    await repository.insert_history([(booking, at)], [(booking, status, at)], [])
    return booking
