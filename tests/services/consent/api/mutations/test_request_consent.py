"""``requestConsent``: staff ask for their own centre; the reason is sealed at rest."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from saathi import demo
from services.consent import models
from services.consent.seed import seed_demo
from tests.conftest import operation
from tests.services.consent.conftest import Consent, staff_token

REQUEST = operation("consent", "RequestConsent")
ME = "{ me { consentRequests(status: PENDING) { id reason requester { id } purpose } } }"
PRIYA = demo.PARTICIPANTS[0]
CENTRE = demo.CENTRES[3].id
REASON = "We run the weekend group you asked about and would like to see your attendance."


@pytest.fixture
async def seeded(consent: Consent) -> Consent:
    await seed_demo(consent.settings, signing_key=consent.key)
    return consent


async def _ask(consent: Consent, token: str | None, **overrides: Any) -> dict[str, Any]:
    given = {
        "participantId": PRIYA.id,
        "categories": ["ATTENDANCE"],
        "purpose": "CARE_CONTINUITY",
        "requestedUntil": (consent.clock.now + timedelta(days=60)).isoformat(),
        "reason": REASON,
    }
    body = await consent.post(REQUEST, {"input": {**given, **overrides}}, token=token)
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["requestConsent"]
    return payload


async def test_staff_ask_for_their_own_centre_and_the_participant_reads_the_reason(
    seeded: Consent,
) -> None:
    payload = await _ask(seeded, staff_token(seeded, CENTRE))

    request_id = payload["request"]["id"]
    assert payload == {"request": {"id": request_id, "status": "PENDING"}, "error": None}
    row = await models.ConsentRequest.get(id=request_id)
    assert row.requester_centre_id == CENTRE
    assert REASON.encode() not in row.reason_sealed
    me = (await seeded.post(ME, token=seeded.token(PRIYA.id)))["data"]["me"]
    assert {"id": request_id, "reason": REASON, "requester": {"id": CENTRE}} | {
        "purpose": "CARE_CONTINUITY"
    } in me["consentRequests"]


async def test_a_participant_may_not_ask(seeded: Consent) -> None:
    payload = await _ask(seeded, seeded.token(PRIYA.id))

    assert payload["error"]["code"] == "FORBIDDEN"


async def test_without_a_token_it_is_unauthenticated(seeded: Consent) -> None:
    payload = await _ask(seeded, None)

    assert payload["error"]["code"] == "UNAUTHENTICATED"


async def test_an_unknown_participant_is_not_found(seeded: Consent) -> None:
    payload = await _ask(
        seeded, staff_token(seeded, CENTRE), participantId="par_01JD3NONENONENONENONENONEN"
    )

    assert payload["error"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize(
    "overrides",
    [{"categories": []}, {"requestedUntil": "2020-01-01T00:00:00+00:00"}, {"reason": "  "}],
)
async def test_bad_input_is_refused(seeded: Consent, overrides: dict[str, Any]) -> None:
    payload = await _ask(seeded, staff_token(seeded, CENTRE), **overrides)

    assert payload["error"]["code"] == "BAD_USER_INPUT"
    assert await models.ConsentRequest.all().count() == 1
