"""The app around the schema: health, public keys, transport, error masking."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import httpx
import jwt
from starlette.requests import Request

from saathi.keys import generate_signing_key
from saathi.settings import Settings
from services.consent.api.schema import sdl
from services.consent.app import client_address, create_app
from tests.services.consent.conftest import REQUEST_CODE, Consent, MakeConsent


async def test_health_answers_ok(consent: Consent) -> None:
    response = await consent.client.get("/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_jwks_publishes_the_public_key_that_verifies_tokens(consent: Consent) -> None:
    token = consent.token("par_01JD3TESTTESTTESTTESTTESTT")

    response = await consent.client.get("/.well-known/jwks.json")

    (entry,) = response.json()["keys"]
    assert entry["kid"] == consent.key.kid
    assert "d" not in entry
    claims = jwt.decode(
        token, jwt.PyJWK(entry).key, algorithms=["EdDSA"], audience="saathi-network"
    )
    assert claims["sub"] == "par_01JD3TESTTESTTESTTESTTESTT"


async def test_service_sdl_is_what_sdl_prints(consent: Consent) -> None:
    body = await consent.post("{ _service { sdl } }")

    assert body["data"]["_service"]["sdl"] == sdl()


async def test_queries_may_use_get_and_graphiql_is_off(consent: Consent) -> None:
    answered = await consent.client.get("/graphql", params={"query": "{ __typename }"})
    page = await consent.client.get("/graphql", headers={"accept": "text/html"})

    assert answered.json() == {"data": {"__typename": "Query"}}
    assert "graphiql" not in page.text.lower()


class BrokenDelivery:
    async def send_login_code(self, *, to: str, normalised: str, code: str, at: datetime) -> None:
        raise RuntimeError("gateway down: secret internals")


async def test_an_unexpected_fault_is_masked_with_the_request_id(make_consent: MakeConsent) -> None:
    consent = await make_consent(delivery=BrokenDelivery())

    body = await consent.post(
        REQUEST_CODE, {"contact": "+919876543210"}, headers={"x-request-id": "req-42"}
    )

    assert body["data"] is None
    assert body["errors"] == [
        {
            "message": "Internal server error",
            "locations": [{"line": 3, "column": 3}],
            "path": ["requestLoginCode"],
            "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-42"},
        }
    ]


def _request(headers: dict[str, str], client: tuple[str, int] | None) -> Request:
    return Request(
        {
            "type": "http",
            "headers": [(k.encode(), v.encode()) for k, v in headers.items()],
            "client": client,
        }
    )


def test_client_address_is_the_first_forwarded_hop_else_the_peer() -> None:
    forwarded = _request({"x-forwarded-for": "198.51.100.1, 10.0.0.1"}, ("10.0.0.2", 1))
    direct = _request({}, ("192.0.2.9", 1))
    unknown = _request({}, None)

    assert client_address(forwarded) == "198.51.100.1"
    assert client_address(direct) == "192.0.2.9"
    assert client_address(unknown) is None


async def test_the_lifespan_opens_and_closes_its_own_database(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    app = create_app(settings, signing_key=generate_signing_key())

    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://consent") as client:
            body = (await client.post("/graphql", json={"query": "{ me { id } }"})).json()

    assert body["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}
    assert (tmp_path / "consent.sqlite3").exists()
    assert (tmp_path / "signing-key.pem").exists() is False
