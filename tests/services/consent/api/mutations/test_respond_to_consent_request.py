"""``respondToConsentRequest``: approve makes the consent asked for, or deny; pending, mine."""

from __future__ import annotations

from typing import Any

import pytest

from network.demo import description as demo
from network.demo.consent import seed_demo
from saathi.ids import stable_id
from services.consent import models
from tests.conftest import operation
from tests.services.consent.conftest import Consent

RESPOND = operation("consent", "RespondToConsentRequest")
PRIYA, RAVI = demo.PARTICIPANTS[0], demo.PARTICIPANTS[1]
REQUEST = stable_id("crq", f"{PRIYA.id}:demo")


@pytest.fixture
async def seeded(consent: Consent) -> Consent:
    await seed_demo(consent.settings, signing_key=consent.key)
    return consent


async def _respond(
    consent: Consent, who: str, approve: bool, request_id: str = REQUEST
) -> dict[str, Any]:
    variables = {"requestId": request_id, "approve": approve}
    body = await consent.post(RESPOND, variables, token=consent.token(who))
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["respondToConsentRequest"]
    return payload


async def test_approving_creates_the_requested_consent(seeded: Consent) -> None:
    payload = await _respond(seeded, PRIYA.id, True)

    assert payload["error"] is None
    assert payload["request"] == {"id": REQUEST, "status": "APPROVED"}
    made = await models.Consent.get(id=payload["consent"]["id"])
    asked = await models.ConsentRequest.get(id=REQUEST)
    assert payload["consent"]["status"] == "ACTIVE"
    assert (made.grantee_centre_id, made.categories, made.purpose) == (
        demo.CENTRES[2].id,
        ["PROFILE", "ATTENDANCE"],
        "REFERRAL",
    )
    assert made.valid_until == asked.requested_until
    assert asked.status == "APPROVED"


async def test_denying_makes_no_consent(seeded: Consent) -> None:
    payload = await _respond(seeded, PRIYA.id, False)

    assert payload == {
        "request": {"id": REQUEST, "status": "DENIED"},
        "consent": None,
        "error": None,
    }
    assert await models.Consent.filter(participant_id=PRIYA.id).count() == 1


async def test_only_a_pending_request_is_answered(seeded: Consent) -> None:
    await _respond(seeded, PRIYA.id, False)

    again = await _respond(seeded, PRIYA.id, True)

    assert again["error"] == {
        "code": "BAD_USER_INPUT",
        "message": "This request is denied; only a pending one is answered.",
    }


async def test_an_expired_request_is_not_answered(seeded: Consent) -> None:
    seeded.clock.advance(91 * 24 * 3600)

    payload = await _respond(seeded, PRIYA.id, True)

    assert payload["error"]["code"] == "BAD_USER_INPUT"
    assert await models.Consent.filter(participant_id=PRIYA.id).count() == 1


async def test_another_participants_request_is_answered_as_a_missing_one(seeded: Consent) -> None:
    # given a request made to Priya, and an id no request has
    missing = "crq_01JD3ZZZZZZZZZZZZZZZZZZZZZ"

    # when Ravi answers each
    theirs = await _respond(seeded, RAVI.id, True)
    nothing = await _respond(seeded, RAVI.id, True, missing)

    # then he cannot tell that Priya's exists: the same code and message, but for the id
    assert theirs["error"]["code"] == nothing["error"]["code"] == "NOT_FOUND"
    assert theirs["error"]["message"].replace(REQUEST, "ID") == nothing["error"]["message"].replace(
        missing, "ID"
    )
    assert (await models.ConsentRequest.get(id=REQUEST)).status == "PENDING"


async def test_an_unknown_request_is_not_found(seeded: Consent) -> None:
    payload = await _respond(seeded, PRIYA.id, True, "crq_01JD3NONENONENONENONENONEN")

    assert payload["error"]["code"] == "NOT_FOUND"


async def test_without_a_token_it_is_unauthenticated(seeded: Consent) -> None:
    body = await seeded.post(RESPOND, {"requestId": REQUEST, "approve": True})

    assert body["data"]["respondToConsentRequest"]["error"]["code"] == "UNAUTHENTICATED"
