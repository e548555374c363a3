from __future__ import annotations

import logging

import httpx
import pytest

from saathi.settings import Settings
from saathi.tokens import TokenVerifier
from services.sessions.api.schema import sdl
from services.sessions.app import create_app
from tests.services.sessions.conftest import Gql


async def test_health(client: httpx.AsyncClient) -> None:
    response = await client.get("/health")

    assert response.json() == {"status": "ok"}


async def test_service_sdl_is_the_printed_schema(gql: Gql) -> None:
    body = await gql("{ _service { sdl } }")

    assert body["data"]["_service"]["sdl"] == sdl()


def test_sdl_declares_federation_and_the_entities() -> None:
    printed = sdl()

    assert 'url: "https://specs.apollo.dev/federation/v2.5"' in printed
    for line in (
        'type Session @key(fields: "id")',
        'type Booking @key(fields: "id")',
        'type PeerGroup @key(fields: "id")',
        'type Participant @key(fields: "id")',
        "type MutationError @shareable",
        "upcomingSessions(first: Int = 10): [Session!]!",
        "bookings(upcoming: Boolean = false): [Booking!]!",
        "bookSession(sessionId: ID!, idempotencyKey: String!): BookSessionPayload!",
        "cancelBooking(bookingId: ID!): CancelBookingPayload!",
    ):
        assert line in printed


async def test_unexpected_errors_are_masked_with_the_request_id(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    query = '{ _entities(representations: [{__typename: "Session"}]) { ... on Session { id } } }'

    with caplog.at_level(logging.ERROR, logger="saathi.errors"):
        response = await client.post(
            "/graphql", json={"query": query}, headers={"x-request-id": "req-42"}
        )

    (error,) = response.json()["errors"]
    assert error["message"] == "Internal server error"
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-42"}
    assert "req-42" in caplog.text


async def test_validation_errors_keep_a_code(gql: Gql) -> None:
    body = await gql("{ nope }")

    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


QUERY = """
{ _entities(representations: [{__typename: "PeerGroup", id: "grp_1"}]) {
    ... on PeerGroup { nextSession { id } } } }
"""


NEXT_SESSION = """
{ _entities(representations: [{__typename: "PeerGroup", id: "grp_1"}]) {
    ... on PeerGroup { nextSession { id } } } }
"""


async def test_lifespan_opens_and_closes_the_database(verifier: TokenVerifier) -> None:
    app = create_app(Settings(database_urls={"sessions": "sqlite://:memory:"}), verifier=verifier)

    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://sessions.test") as http:
            response = await http.post(
                "/graphql",
                json={"query": NEXT_SESSION},
            )

    assert response.json() == {"data": {"_entities": [{"nextSession": None}]}}
