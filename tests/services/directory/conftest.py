"""Fixtures for the directory: a real database, the ASGI app, factories, a sessions double and
a statement counter."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from saathi.database import close_databases, open_databases
from saathi.ids import new_id
from saathi.keys import SigningKey, generate_signing_key
from saathi.peers import Peers
from saathi.settings import Settings
from saathi.tokens import Role, TokenVerifier, mint_access_token
from services.directory import repository
from services.directory.app import create_app
from services.directory.domain import geometry
from services.directory.domain.records import (
    REQUIRED_TO_FACILITATE,
    Address,
    Centre,
    Group,
    Point,
    Schedule,
    Supporter,
)
from services.directory.models import Centre as CentreRow
from services.directory.models import PeerGroup as GroupRow
from services.directory.models import PeerSupporter as SupporterRow
from services.directory.models import SeatsVersion, SessionSeats, TrainingCompletion
from services.directory.models import SeriesPush as PushRow
from services.directory.repository import practice as practice_repository


def database_settings() -> Settings:
    url = os.environ.get("SAATHI_TEST_DATABASE_URL", "sqlite://:memory:")
    return Settings(database_urls={"directory": url})


@pytest.fixture
async def database() -> AsyncIterator[None]:
    """The directory's database, empty (PostgreSQL keeps tables between tests, so clear them)."""
    await open_databases(database_settings(), ["directory"])
    for model in (PushRow, GroupRow, SupporterRow, CentreRow, SessionSeats, SeatsVersion):
        await model.all().delete()
    yield
    await close_databases()


@pytest.fixture
def signing_key() -> SigningKey:
    return generate_signing_key()


@pytest.fixture
def verifier(signing_key: SigningKey) -> TokenVerifier:
    return TokenVerifier(issuer="saathi", audience="saathi-network", jwks=signing_key.jwks())


Bearer = Callable[..., str]


@pytest.fixture
def bearer(signing_key: SigningKey) -> Bearer:
    """An ``Authorization`` header value with a real token: ``bearer(Role.CENTRE_ADMIN, id)``."""

    def make(role: Role, centre_id: str | None = None, subject: str = "stf_test") -> str:
        token = mint_access_token(
            signing_key,
            subject=subject,
            role=role,
            issuer="saathi",
            audience="saathi-network",
            ttl_seconds=600,
            centre_id=centre_id,
        )
        return f"Bearer {token}"

    return make


# --- the sessions service, as a test double -----------------------------------------------------


@dataclass
class SessionsDouble:
    """Answers the internal endpoints the directory calls, as the sessions service would;
    ``calls`` holds the path of every request it was sent."""

    calls: list[str] = field(default_factory=list)
    series: list[dict[str, Any]] = field(default_factory=list)
    booked: dict[str, set[str]] = field(default_factory=dict)
    booked_calls: list[dict[str, Any]] = field(default_factory=list)
    fail: bool = False

    def app(self) -> ASGIApp:
        async def put_series(request: Request) -> JSONResponse:
            body = await request.json()
            if self.fail:
                return JSONResponse({"error": "down"}, status_code=503)
            self.series.append(body)
            return JSONResponse({"groupId": body["groupId"], "materialisedUntil": None})

        async def booked_groups(request: Request) -> JSONResponse:
            body = await request.json()
            self.booked_calls.append(body)
            if self.fail:
                return JSONResponse({"error": "down"}, status_code=503)
            mine = self.booked.get(body["participantId"], set())
            return JSONResponse({"groupIds": [g for g in body["groupIds"] if g in mine]})

        inner = Starlette(
            routes=[
                Route("/internal/participants/booked-groups", booked_groups, methods=["POST"]),
                Route("/internal/series", put_series, methods=["POST"]),
            ]
        )

        async def recorded(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] == "http":
                self.calls.append(scope["path"])
            await inner(scope, receive, send)

        return recorded


@pytest.fixture
def sessions() -> SessionsDouble:
    return SessionsDouble()


@pytest.fixture
async def peers(sessions: SessionsDouble) -> AsyncIterator[Peers]:
    peers = Peers()
    peers.attach_app("sessions", sessions.app())
    yield peers
    await peers.aclose()


# --- the app ------------------------------------------------------------------------------------

Gql = Callable[..., Awaitable[dict[str, Any]]]


@pytest.fixture
async def client(peers: Peers, verifier: TokenVerifier) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(database_settings(), peers=peers, manage_database=False, verifier=verifier)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://directory") as client:
        yield client


@pytest.fixture
def gql(client: httpx.AsyncClient) -> Gql:
    """Runs one operation and returns the JSON body (asserting a 200)."""

    async def run(query: str, authorization: str | None = None, **variables: Any) -> dict[str, Any]:
        headers = {"authorization": authorization} if authorization else {}
        response = await client.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    return run


# --- factories ----------------------------------------------------------------------------------

MakeCentre = Callable[..., Awaitable[Centre]]
MakeSupporter = Callable[..., Awaitable[Supporter]]
MakeGroup = Callable[..., Awaitable[Group]]


@pytest.fixture
def make_centre(database: None) -> MakeCentre:
    async def make(**overrides: Any) -> Centre:
        centre = Centre(
            id=new_id("ctr"),
            name="Saathi Test",
            city="Pune",
            address=Address("1 Test Road", "Pune", "411001"),
            location=Point(18.52, 73.85),
            phone="+91 20 0000 0000",
            website="https://saathi.example.org/centres/test",
            languages=("mr", "en"),
            is_partner=False,
        )
        centre = replace(centre, **overrides)
        await repository.save_centre(centre)
        return centre

    return make


async def certify(supporter: Supporter) -> None:
    """Train and certify ``supporter`` (from long ago to long ahead), so they may facilitate;
    their listed ``trainedIn`` stays as given."""
    long_ago = date(2020, 1, 1)
    for module in REQUIRED_TO_FACILITATE:
        await TrainingCompletion.create(
            supporter_id=supporter.id, module=module.value, completed_on=long_ago
        )
    await practice_repository.save_profile(
        supporter.id, supporter.centre_id, certified=(long_ago, date(2099, 12, 31))
    )


@pytest.fixture
def make_supporter(make_centre: MakeCentre) -> MakeSupporter:
    async def make(centre: Centre | None = None, **overrides: Any) -> Supporter:
        centre = centre or await make_centre()
        supporter = Supporter(new_id("sup"), centre.id, "Asha (Pune)", ("active listening",))
        supporter = replace(supporter, **overrides)
        await repository.save_supporter(supporter)
        await certify(supporter)
        return supporter

    return make


@pytest.fixture
def make_group(make_centre: MakeCentre) -> MakeGroup:
    """A group (at its centre's location unless ``location`` is given); any field overridden."""

    async def make(centre: Centre | None = None, **overrides: Any) -> Group:
        centre = centre or await make_centre()
        location = overrides.pop("location", centre.location)
        group = Group(
            id=new_id("grp"),
            centre_id=centre.id,
            facilitator_id=None,
            name="Recovery Circle",
            description="A weekly circle for people in recovery.",
            kind="SUPPORT_GROUP",
            format="IN_PERSON",
            focus=("ADDICTION_RECOVERY",),
            languages=("mr", "en"),
            audience=("EVERYONE",),
            accessibility=("WHEELCHAIR",),
            capacity=12,
            schedule=Schedule(
                "FREQ=WEEKLY;BYDAY=TU;BYHOUR=18;BYMINUTE=0", "Asia/Kolkata", 90, date(2025, 1, 7)
            ),
            online_join_url=None,
            address=centre.address if location else None,
            location=location,
            anchor=geometry.anchor(location, centre),
        )
        group = replace(group, **overrides)
        await repository.save_group(group)
        return group

    return make


# --- counting statements ------------------------------------------------------------------------


class StatementLog(logging.Handler):
    """Every SQL statement the tortoise clients send (they log each one at DEBUG)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg == "%s: %s" and isinstance(record.args, tuple):
            self.statements.append(str(record.args[0]))

    def clear(self) -> None:
        self.statements.clear()


@pytest.fixture
def sql() -> Iterator[StatementLog]:
    logger = logging.getLogger("tortoise.db_client")
    handler, level = StatementLog(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(level)
