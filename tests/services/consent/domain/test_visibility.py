"""Staff see a participant's display name only where they booked or under a PROFILE consent."""

from __future__ import annotations

from typing import Any

import pytest

from network.demo import description as demo
from network.demo.consent import seed_demo
from saathi.tokens import Role
from tests.services.consent.conftest import Consent, FakeSessions, MakeConsent, staff_token

ENTITIES = """
query($r: [_Any!]!) { _entities(representations: $r) { ... on Participant { id displayName } } }
"""
PRIYA, RAVI, THIRD = demo.PARTICIPANTS[0], demo.PARTICIPANTS[1], demo.PARTICIPANTS[2]
CENTRE = demo.CENTRES[0].id  # Ravi consented PROFILE to this centre in the demo


@pytest.fixture
async def seeded(make_consent: MakeConsent, sessions: FakeSessions) -> Consent:
    consent = await make_consent(sessions=sessions)
    await seed_demo(consent.settings, signing_key=consent.key)
    return consent


async def _names(consent: Consent, token: str, *people: Any) -> dict[str, Any]:
    representations = [{"__typename": "Participant", "id": p.id} for p in people]
    return await consent.post(ENTITIES, {"r": representations}, token=token)


async def test_booked_or_consented_are_visible_in_one_relations_call(
    seeded: Consent, sessions: FakeSessions
) -> None:
    sessions.related[CENTRE] = {PRIYA.id}

    body = await _names(seeded, staff_token(seeded, CENTRE), PRIYA, RAVI, THIRD)

    assert body["data"]["_entities"] == [
        {"id": PRIYA.id, "displayName": PRIYA.display_name},
        {"id": RAVI.id, "displayName": RAVI.display_name},
        None,
    ]
    assert [(e["path"], e["extensions"]["code"]) for e in body["errors"]] == [
        (["_entities", 2, "displayName"], "FORBIDDEN")
    ]
    assert sessions.calls == [
        (
            "/internal/participants/relations",
            {"centreId": CENTRE, "participantIds": [PRIYA.id, THIRD.id]},
        )
    ]


async def test_staff_of_another_centre_see_nothing(seeded: Consent, sessions: FakeSessions) -> None:
    sessions.related[CENTRE] = {PRIYA.id}

    body = await _names(seeded, staff_token(seeded, demo.CENTRES[5].id), PRIYA)

    assert body["data"]["_entities"] == [None]
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]


async def test_a_consent_alone_needs_no_call_to_sessions(
    seeded: Consent, sessions: FakeSessions
) -> None:
    body = await _names(seeded, staff_token(seeded, CENTRE, Role.SUPERVISOR), RAVI)

    assert body["data"]["_entities"] == [{"id": RAVI.id, "displayName": RAVI.display_name}]
    assert sessions.calls == []


async def test_partners_and_anonymous_callers_do_not_see_names(seeded: Consent) -> None:
    partner = seeded.token("prt_01JD3TESTTESTTESTTESTTESTT", Role.PARTNER, centre_id=CENTRE)

    as_partner = await _names(seeded, partner, RAVI)
    anonymous = await seeded.post(ENTITIES, {"r": [{"__typename": "Participant", "id": RAVI.id}]})

    assert [e["extensions"]["code"] for e in as_partner["errors"]] == ["FORBIDDEN"]
    assert [e["extensions"]["code"] for e in anonymous["errors"]] == ["UNAUTHENTICATED"]


async def test_other_fields_stay_private_from_staff(seeded: Consent) -> None:
    query = """query($r: [_Any!]!) { _entities(representations: $r) {
      ... on Participant { homeCity } } }"""

    body = await seeded.post(
        query,
        {"r": [{"__typename": "Participant", "id": RAVI.id}]},
        token=staff_token(seeded, CENTRE),
    )

    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]


async def test_when_sessions_is_down_the_name_is_unavailable(
    seeded: Consent, sessions: FakeSessions
) -> None:
    sessions.down = True

    body = await _names(seeded, staff_token(seeded, CENTRE), PRIYA)

    assert [e["extensions"]["code"] for e in body["errors"]] == ["SUBGRAPH_UNAVAILABLE"]
