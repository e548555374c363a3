"""``revokeConsent``: only one's own, idempotent, NOT_FOUND for an unknown id."""

from __future__ import annotations

from typing import Any

import pytest

from network.demo import description as demo
from network.demo.consent import seed_demo
from saathi.ids import stable_id
from tests.conftest import operation
from tests.services.consent.conftest import Consent

REVOKE = operation("consent", "RevokeConsent")
PRIYA, RAVI = demo.PARTICIPANTS[0], demo.PARTICIPANTS[1]
PRIYAS_CONSENT = stable_id("cns", f"{PRIYA.id}:demo")


@pytest.fixture
async def seeded(consent: Consent) -> Consent:
    await seed_demo(consent.settings, signing_key=consent.key)
    return consent


async def _revoke(consent: Consent, who: str, consent_id: str) -> dict[str, Any]:
    body = await consent.post(REVOKE, {"id": consent_id}, token=consent.token(who))
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["revokeConsent"]
    return payload


async def test_revoking_sets_revoked_and_a_second_time_keeps_the_first_time(
    seeded: Consent,
) -> None:
    revoked_at = seeded.clock.now
    first = await _revoke(seeded, PRIYA.id, PRIYAS_CONSENT)
    seeded.clock.advance(60)
    second = await _revoke(seeded, PRIYA.id, PRIYAS_CONSENT)

    assert first["error"] is None
    assert first["consent"]["status"] == "REVOKED"
    assert first["consent"]["revokedAt"] == revoked_at.isoformat()
    assert second["consent"] == first["consent"]


async def test_another_participants_consent_is_answered_as_a_missing_one(seeded: Consent) -> None:
    missing = "cns_01JD3ZZZZZZZZZZZZZZZZZZZZZ"

    theirs = await _revoke(seeded, RAVI.id, PRIYAS_CONSENT)
    nothing = await _revoke(seeded, RAVI.id, missing)

    assert theirs == {
        "consent": None,
        "error": {
            "code": "NOT_FOUND",
            "message": f"You have no consent with the id {PRIYAS_CONSENT!r}.",
        },
    }
    assert nothing["error"] == {
        "code": "NOT_FOUND",
        "message": f"You have no consent with the id {missing!r}.",
    }


async def test_an_unknown_consent_is_not_found(seeded: Consent) -> None:
    payload = await _revoke(seeded, PRIYA.id, "cns_01JD3NONENONENONENONENONEN")

    assert payload["error"]["code"] == "NOT_FOUND"


async def test_without_a_token_it_is_unauthenticated(seeded: Consent) -> None:
    body = await seeded.post(REVOKE, {"id": PRIYAS_CONSENT})

    assert body["data"]["revokeConsent"]["error"]["code"] == "UNAUTHENTICATED"
