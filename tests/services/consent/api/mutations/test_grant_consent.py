"""``grantConsent``: a signed receipt, and every refusal in the payload."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import jwt
import pytest

from network.demo import description as demo
from network.demo.consent import seed_demo
from saathi.keys import SigningKey
from saathi.settings import Settings
from saathi.tokens import Role
from services.consent import models
from tests.conftest import operation
from tests.services.consent.conftest import Consent, FakeDirectory, MakeConsent, staff_token

# What the gateway sends consent for the contract's GrantConsent (Centre's name is directory's).
GRANT = operation("consent", "GrantConsent").replace("grantee { id name }", "grantee { id }")
PRIYA = demo.PARTICIPANTS[0]
CENTRE = demo.CENTRES[4].id


@pytest.fixture
async def seeded(consent: Consent) -> Consent:
    await seed_demo(consent.settings, signing_key=consent.key)
    return consent


def _input(consent: Consent, **overrides: Any) -> dict[str, Any]:
    given = {
        "granteeCentreId": CENTRE,
        "categories": ["ATTENDANCE", "PROFILE"],
        "purpose": "REFERRAL",
        "validUntil": (consent.clock.now + timedelta(days=30)).isoformat(),
    }
    return {**given, **overrides}


async def _grant(consent: Consent, token: str | None, **overrides: Any) -> dict[str, Any]:
    body = await consent.post(GRANT, {"input": _input(consent, **overrides)}, token=token)
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["grantConsent"]
    return payload


async def test_a_grant_makes_an_active_consent_with_a_receipt_that_verifies(
    seeded: Consent,
) -> None:
    payload = await _grant(seeded, seeded.token(PRIYA.id))

    consent = payload["consent"]
    assert payload["error"] is None
    assert consent["id"].startswith("cns_")
    assert (consent["status"], consent["categories"], consent["purpose"]) == (
        "ACTIVE",
        ["ATTENDANCE", "PROFILE"],
        "REFERRAL",
    )
    assert consent["grantee"] == {"id": CENTRE}
    jwks = (await seeded.client.get("/.well-known/jwks.json")).json()
    key = jwt.PyJWKSet.from_dict(jwks)[jwt.get_unverified_header(consent["receipt"])["kid"]]
    claims = jwt.decode(consent["receipt"], key.key, algorithms=["EdDSA"])
    assert (claims["jti"], claims["consent"], claims["participant"], claims["grantee"]) == (
        consent["id"],
        consent["id"],
        PRIYA.id,
        CENTRE,
    )
    assert (claims["categories"], claims["purpose"]) == (["ATTENDANCE", "PROFILE"], "REFERRAL")
    assert claims["iat"] == int(seeded.clock.now.timestamp())
    assert claims["exp"] == int((seeded.clock.now + timedelta(days=30)).timestamp())
    assert await models.Consent.filter(participant_id=PRIYA.id).count() == 2


async def test_without_a_token_the_payload_says_unauthenticated(seeded: Consent) -> None:
    payload = await _grant(seeded, None)

    assert payload["consent"] is None
    assert payload["error"]["code"] == "UNAUTHENTICATED"


async def test_staff_may_not_grant(seeded: Consent) -> None:
    payload = await _grant(seeded, staff_token(seeded, CENTRE, Role.CENTRE_ADMIN))

    assert payload["error"]["code"] == "FORBIDDEN"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"categories": []}, "Choose at least one category of records."),
        ({"validUntil": "2020-01-01T00:00:00+00:00"}, "validUntil must be in the future."),
        ({"granteeCentreId": "grp_01JD3TESTTESTTESTTESTTESTT"}, None),
    ],
)
async def test_bad_input_is_refused_and_nothing_is_stored(
    seeded: Consent, overrides: dict[str, Any], message: str | None
) -> None:
    payload = await _grant(seeded, seeded.token(PRIYA.id), **overrides)

    assert payload["consent"] is None
    assert payload["error"]["code"] == "BAD_USER_INPUT"
    if message is not None:
        assert payload["error"]["message"] == message
    assert await models.Consent.filter(participant_id=PRIYA.id).count() == 1


async def test_a_period_beyond_two_years_is_refused(seeded: Consent) -> None:
    until = (seeded.clock.now + timedelta(days=731)).isoformat()

    payload = await _grant(seeded, seeded.token(PRIYA.id), validUntil=until)

    assert payload["error"] == {
        "code": "BAD_USER_INPUT",
        "message": "validUntil may be at most 730 days from now.",
    }


async def test_a_token_of_an_erased_account_is_unauthenticated(consent: Consent) -> None:
    payload = await _grant(consent, consent.token("par_01JD3NONENONENONENONENONEN"))

    assert payload["error"]["code"] == "UNAUTHENTICATED"


async def test_a_centre_the_directory_does_not_know_is_not_found_and_nothing_is_stored(
    seeded: Consent,
) -> None:
    ghost = "ctr_01JD3ZZZZZZZZZZZZZZZZZZZZZ"

    payload = await _grant(seeded, seeded.token(PRIYA.id), granteeCentreId=ghost)

    assert payload == {
        "consent": None,
        "error": {"code": "NOT_FOUND", "message": f"No centre has the id {ghost!r}."},
    }
    assert await models.Consent.filter(participant_id=PRIYA.id).count() == 1


async def test_when_the_directory_cannot_be_asked_no_consent_is_made(
    make_consent: MakeConsent, settings: Settings, key: SigningKey
) -> None:
    # given a directory that is down
    down = FakeDirectory(key, settings, down=True)
    consent = await make_consent(directory=down)
    await seed_demo(consent.settings, signing_key=consent.key)

    # when a participant grants a consent
    payload = await _grant(consent, consent.token(PRIYA.id))

    # then it is refused as unavailable, not let through unchecked
    assert payload["consent"] is None
    assert payload["error"]["code"] == "SUBGRAPH_UNAVAILABLE"
    assert await models.Consent.filter(participant_id=PRIYA.id).count() == 1
