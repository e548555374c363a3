"""``deleteMyAccount``: sessions first, then crypto-shredding and deletion, a tombstone left."""

from __future__ import annotations

from typing import Any

import pytest

from network.demo import description as demo
from network.demo.consent import seed_demo
from saathi.keystore import SqliteKeyStore
from services.consent import models
from tests.conftest import operation
from tests.services.consent.conftest import Consent, FakeSessions, MakeConsent

DELETE = operation("consent", "DeleteMyAccount")
PRIYA = demo.PARTICIPANTS[0]


@pytest.fixture
async def seeded(make_consent: MakeConsent, sessions: FakeSessions) -> Consent:
    consent = await make_consent(sessions=sessions)
    await seed_demo(consent.settings, signing_key=consent.key)
    return consent


async def _delete(consent: Consent, token: str | None) -> dict[str, Any]:
    body = await consent.post(DELETE, token=token)
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["deleteMyAccount"]
    return payload


async def _rows_about(participant_id: str) -> list[int]:
    return [
        await models.Participant.filter(id=participant_id).count(),
        await models.RefreshToken.filter(participant_id=participant_id).count(),
        await models.Consent.filter(participant_id=participant_id).count(),
        await models.ConsentRequest.filter(participant_id=participant_id).count(),
        await models.DataAccess.filter(participant_id=participant_id).count(),
        await models.DataAccessHead.filter(participant_id=participant_id).count(),
    ]


async def test_erasure_calls_sessions_then_deletes_everything_and_leaves_a_tombstone(
    seeded: Consent, sessions: FakeSessions, keys: SqliteKeyStore
) -> None:
    signed_in = await seeded.sign_in(PRIYA.contact)
    before = await models.Participant.get(id=PRIYA.id)
    assert await _rows_about(PRIYA.id) == [1, 1, 1, 1, 3, 1]
    assert keys.get(PRIYA.id) is not None

    payload = await _delete(seeded, signed_in["accessToken"])

    assert payload == {"deleted": True, "error": None}
    assert sessions.calls == [("/internal/participants/erase", {"participantId": PRIYA.id})]
    assert await _rows_about(PRIYA.id) == [0, 0, 0, 0, 0, 0]
    assert await models.LoginCode.filter(contact_index=before.contact_index).count() == 0
    (tombstone,) = await models.Erasure.all()
    assert (tombstone.bookings, tombstone.feedback, tombstone.consents, tombstone.log_entries) == (
        3,
        1,
        1,
        3,
    )
    assert tombstone.at == seeded.clock.now
    # The data key, kept in the key store apart from the database, is destroyed.
    assert keys.get(PRIYA.id) is None


async def test_after_erasure_the_old_tokens_no_longer_work(seeded: Consent) -> None:
    signed_in = await seeded.sign_in(PRIYA.contact)
    await _delete(seeded, signed_in["accessToken"])

    me = await seeded.post("{ me { id } }", token=signed_in["accessToken"])
    refreshed = await seeded.refresh(signed_in["refreshToken"])

    assert me["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}
    assert refreshed["error"]["code"] == "UNAUTHENTICATED"


async def test_when_sessions_is_down_nothing_changes(
    seeded: Consent, sessions: FakeSessions
) -> None:
    sessions.down = True

    payload = await _delete(seeded, seeded.token(PRIYA.id))

    assert payload["deleted"] is False
    assert payload["error"]["code"] == "SUBGRAPH_UNAVAILABLE"
    assert await _rows_about(PRIYA.id) == [1, 0, 1, 1, 3, 1]
    assert await models.Erasure.all().count() == 0


async def test_without_a_token_it_is_unauthenticated(seeded: Consent) -> None:
    payload = await _delete(seeded, None)

    assert payload == {
        "deleted": False,
        "error": {
            "code": "UNAUTHENTICATED",
            "message": "Sign in first: this needs an access token.",
        },
    }
