"""``requestConsent``: staff ask for their own centre; the reason is sealed at rest."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from network.demo import description as demo
from network.demo.consent import seed_demo
from saathi.keystore import SqliteKeyStore
from services.consent import models
from services.consent.domain.accounts import add_participants
from services.consent.domain.grants import NO_SUCH_PARTICIPANT
from tests.conftest import operation
from tests.services.consent.conftest import Consent, FakeSessions, MakeConsent, staff_token

REQUEST = operation("consent", "RequestConsent")
ME = "{ me { consentRequests(status: PENDING) { id reason requester { id } purpose } } }"
PRIYA = demo.PARTICIPANTS[0]
CENTRE = demo.CENTRES[3].id
REASON = "We run the weekend group you asked about and would like to see your attendance."


@pytest.fixture
async def seeded(make_consent: MakeConsent, sessions: FakeSessions) -> Consent:
    # Priya booked at CENTRE (sessions says so); nobody else booked anywhere.
    sessions.related = {CENTRE: {PRIYA.id}}
    consent = await make_consent(sessions=sessions)
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


@pytest.mark.parametrize(
    "participant_id",
    [
        "par_01JD3ZZZZZZZZZZZZZZZZZZZZZ",  # nobody
        demo.PARTICIPANTS[1].id,  # exists, never booked at CENTRE
    ],
)
async def test_a_participant_the_centre_may_not_reach_is_not_found_whether_or_not_they_exist(
    seeded: Consent, participant_id: str
) -> None:
    payload = await _ask(seeded, staff_token(seeded, CENTRE), participantId=participant_id)

    assert payload == {
        "request": None,
        "error": {
            "code": "NOT_FOUND",
            "message": NO_SUCH_PARTICIPANT.format(id=participant_id),
        },
    }
    assert await models.ConsentRequest.filter(participant_id=participant_id).count() == 0


async def test_a_centre_holding_a_live_consent_may_ask_without_a_booking(seeded: Consent) -> None:
    # given Priya's seeded consent to another centre, where she never booked
    granted = await models.Consent.filter(participant_id=PRIYA.id).first()
    assert granted is not None
    assert granted.grantee_centre_id != CENTRE

    payload = await _ask(seeded, staff_token(seeded, granted.grantee_centre_id))

    assert payload["error"] is None


async def test_a_centre_asks_a_participant_once_a_week(seeded: Consent) -> None:
    staff = staff_token(seeded, CENTRE)
    await _ask(seeded, staff)
    seeded.clock.advance(6 * 24 * 3600)

    again = await _ask(seeded, staff)
    seeded.clock.advance(24 * 3600)
    after_a_week = await _ask(seeded, staff)

    assert again["error"] == {
        "code": "RATE_LIMITED",
        "message": "Your centre asked this participant recently. Try again in 86400 seconds.",
    }
    assert after_a_week["error"] is None


async def test_a_participant_gets_at_most_three_requests_a_day_from_all_centres(
    seeded: Consent, sessions: FakeSessions
) -> None:
    # given Priya already has the demo request of today
    assert await models.ConsentRequest.filter(participant_id=PRIYA.id).count() == 1
    centres = [c.id for c in demo.CENTRES[3:6]]
    sessions.related = {centre: {PRIYA.id} for centre in centres}

    # when three more centres ask her
    answers = [await _ask(seeded, staff_token(seeded, centre)) for centre in centres]

    # then the third is refused until a day has passed
    assert [a["error"] for a in answers[:2]] == [None, None]
    assert answers[2]["error"]["code"] == "RATE_LIMITED"
    assert await models.ConsentRequest.filter(participant_id=PRIYA.id).count() == 3
    seeded.clock.advance(24 * 3600 + 1)
    assert (await _ask(seeded, staff_token(seeded, centres[2])))["error"] is None


async def test_a_centre_sends_at_most_thirty_requests_a_day(
    seeded: Consent, sessions: FakeSessions, keys: SqliteKeyStore
) -> None:
    people = [p.id for p in demo.PARTICIPANTS] + await add_participants(["Extra"], keys)
    assert len(people) == 31
    sessions.related = {CENTRE: set(people)}
    staff = staff_token(seeded, CENTRE)

    answers = [await _ask(seeded, staff, participantId=person) for person in people]

    assert [a["error"] for a in answers[:30]] == [None] * 30
    assert answers[30]["error"]["code"] == "RATE_LIMITED"


@pytest.mark.parametrize(
    "overrides",
    [{"categories": []}, {"requestedUntil": "2020-01-01T00:00:00+00:00"}, {"reason": "  "}],
)
async def test_bad_input_is_refused(seeded: Consent, overrides: dict[str, Any]) -> None:
    payload = await _ask(seeded, staff_token(seeded, CENTRE), **overrides)

    assert payload["error"]["code"] == "BAD_USER_INPUT"
    assert await models.ConsentRequest.all().count() == 1
