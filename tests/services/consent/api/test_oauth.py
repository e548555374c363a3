"""``POST /oauth/token``: client credentials with a private_key_jwt assertion (RFC 7523)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from network.demo import description as demo
from saathi.ids import new_id
from saathi.settings import Settings
from services.consent.domain.accounts import add_partner
from tests.services.consent.conftest import Consent, MakeConsent

# The public URL of the default settings (SAATHI_PUBLIC_URL), where partners reach the network.
TOKEN_URL = "http://127.0.0.1:4000/oauth/token"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
CENTRE = demo.CENTRES[2].id


@dataclass
class Partner:
    client_id: str
    key: Ed25519PrivateKey


@pytest.fixture
async def partner(consent: Consent) -> Partner:
    key = Ed25519PrivateKey.generate()
    pem = key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    return Partner(await add_partner(CENTRE, pem), key)


def _assertion(consent: Consent, partner: Partner, **overrides: Any) -> str:
    now = int(consent.clock.now.timestamp())
    claims = {
        "iss": partner.client_id,
        "sub": partner.client_id,
        "aud": TOKEN_URL,
        "iat": now,
        "exp": now + 120,
        "jti": new_id("jti"),
        **overrides,
    }
    return jwt.encode(claims, partner.key, algorithm="EdDSA")


async def _token(
    consent: Consent, assertion: str, headers: dict[str, str] | None = None, **form: str
) -> httpx.Response:
    data = {
        "grant_type": "client_credentials",
        "client_assertion_type": ASSERTION_TYPE,
        "client_assertion": assertion,
        **form,
    }
    return await consent.client.post("/oauth/token", data=data, headers=headers)


async def test_a_valid_assertion_gets_a_partner_token_bound_to_its_centre(
    consent: Consent, partner: Partner
) -> None:
    response = await _token(consent, _assertion(consent, partner))

    body = response.json()
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert (body["token_type"], body["expires_in"]) == ("Bearer", 900)
    claims = jwt.decode(
        body["access_token"],
        consent.key.public_key,
        algorithms=["EdDSA"],
        audience="saathi-network",
    )
    assert (claims["sub"], claims["role"], claims["centre"]) == (
        partner.client_id,
        "partner",
        CENTRE,
    )


async def test_the_issuer_is_an_accepted_audience(consent: Consent, partner: Partner) -> None:
    response = await _token(consent, _assertion(consent, partner, aud="saathi"))

    assert response.status_code == 200


async def test_a_replayed_jti_is_refused(consent: Consent, partner: Partner) -> None:
    assertion = _assertion(consent, partner)
    await _token(consent, assertion)

    replay = await _token(consent, assertion)

    assert replay.status_code == 400
    assert replay.json() == {
        "error": "invalid_grant",
        "error_description": "This assertion was already used (jti replayed).",
    }


async def test_a_wrong_key_is_an_invalid_client(consent: Consent, partner: Partner) -> None:
    forged = jwt.encode(
        {
            "iss": partner.client_id,
            "sub": partner.client_id,
            "aud": TOKEN_URL,
            "exp": 2**31,
            "jti": "x",
        },
        Ed25519PrivateKey.generate(),
        algorithm="EdDSA",
    )

    response = await _token(consent, forged)

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_client"'


async def test_an_unknown_client_is_an_invalid_client(consent: Consent, partner: Partner) -> None:
    stranger = Partner(new_id("prt"), partner.key)

    response = await _token(consent, _assertion(consent, stranger))

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


@pytest.mark.parametrize(
    ("offset", "message"),
    [
        (-120, "The assertion has expired."),
        (600, "The assertion's exp may be at most five minutes ahead."),
    ],
)
async def test_an_expired_or_too_long_assertion_is_an_invalid_grant(
    consent: Consent, partner: Partner, offset: int, message: str
) -> None:
    exp = int(consent.clock.now.timestamp()) + offset

    response = await _token(consent, _assertion(consent, partner, exp=exp, iat=exp - offset))

    assert response.status_code == 400
    assert response.json() == {"error": "invalid_grant", "error_description": message}


async def test_another_audience_is_an_invalid_grant(consent: Consent, partner: Partner) -> None:
    response = await _token(consent, _assertion(consent, partner, aud="https://elsewhere/token"))

    assert (response.status_code, response.json()["error"]) == (400, "invalid_grant")


async def test_a_wrong_grant_type_is_unsupported(consent: Consent, partner: Partner) -> None:
    response = await _token(consent, _assertion(consent, partner), grant_type="password")

    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


async def test_a_json_body_is_an_invalid_request(consent: Consent) -> None:
    response = await consent.client.post("/oauth/token", json={"grant_type": "client_credentials"})

    assert (response.status_code, response.json()["error"]) == (400, "invalid_request")


async def test_an_audience_from_a_forged_forwarded_host_is_refused(
    consent: Consent, partner: Partner
) -> None:
    # given an assertion for a host the attacker names in X-Forwarded-Host
    assertion = _assertion(consent, partner, aud="https://evil.example/oauth/token")

    # when it is presented with that header
    response = await _token(
        consent,
        assertion,
        headers={"x-forwarded-host": "evil.example", "x-forwarded-proto": "https"},
    )

    # then the audience is not this network's public token URL
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_grant",
        "error_description": "The assertion's aud is not this token endpoint.",
    }


async def test_the_request_url_of_the_consent_host_is_not_an_audience(
    consent: Consent, partner: Partner
) -> None:
    response = await _token(
        consent, _assertion(consent, partner, aud="http://consent.internal/oauth/token")
    )

    assert (response.status_code, response.json()["error"]) == (400, "invalid_grant")


async def test_the_configured_public_url_is_the_audience(
    make_consent: MakeConsent, settings: Settings, partner: Partner
) -> None:
    # given a network whose public URL is https://saathi.example.in
    public = await make_consent(settings=replace(settings, public_url="https://saathi.example.in"))

    # when a partner signs for that URL's token endpoint
    response = await _token(
        public, _assertion(public, partner, aud="https://saathi.example.in/oauth/token")
    )

    # then it gets a token
    assert response.status_code == 200, response.text
