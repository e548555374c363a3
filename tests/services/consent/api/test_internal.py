"""Consent's internal endpoints: authorise-read (and its log entry) and notify."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from network.demo import description as demo
from network.demo.consent import seed_demo
from saathi.ids import stable_id
from saathi.service_trust import ServiceKeys, ServiceTokens
from services.consent import models
from tests.services.consent.conftest import Consent, staff_token

PRIYA, RAVI = demo.PARTICIPANTS[0], demo.PARTICIPANTS[1]
GRANTEE = demo.CENTRES[1].id
PRIYAS_CONSENT = stable_id("cns", f"{PRIYA.id}:demo")
AUTHORISE = "/internal/consents/authorise-read"
NOTIFY = "/internal/notify"
PROGRAMME_CHANGE = "/internal/wellbeing/programme-change"


@pytest.fixture
async def seeded(consent: Consent) -> Consent:
    await seed_demo(consent.settings, signing_key=consent.key)
    return consent


async def _call(
    consent: Consent, path: str, body: Any, headers: dict[str, str] | None = None
) -> httpx.Response:
    sent = consent.service_headers() if headers is None else headers
    return await consent.client.post(path, json=body, headers=sent)


def _bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def _read(
    categories: list[str], participant: str = PRIYA.id, purpose: str = "CARE_CONTINUITY"
) -> dict[str, Any]:
    return {
        "participantId": participant,
        "accessorCentreId": GRANTEE,
        "categories": categories,
        "purpose": purpose,
    }


async def test_a_covered_read_is_allowed_and_appends_exactly_one_entry(seeded: Consent) -> None:
    before = await models.DataAccess.filter(participant_id=PRIYA.id).count()

    response = await _call(seeded, AUTHORISE, _read(["WELLBEING", "FEEDBACK", "ATTENDANCE"]))

    consent = await models.Consent.get(id=PRIYAS_CONSENT)
    assert response.status_code == 200
    assert response.json() == {
        "consentId": PRIYAS_CONSENT,
        "categories": ["FEEDBACK", "ATTENDANCE"],
        "purpose": "CARE_CONTINUITY",
        "validUntil": consent.valid_until.isoformat(),
    }
    entries = await models.DataAccess.filter(participant_id=PRIYA.id).order_by("-seq")
    assert len(entries) == before + 1
    newest = entries[0]
    assert (newest.accessor_centre_id, newest.categories, newest.consent_id, newest.at) == (
        GRANTEE,
        ["FEEDBACK", "ATTENDANCE"],
        PRIYAS_CONSENT,
        seeded.clock.now,
    )
    assert newest.prev_hash == entries[1].hash


async def test_no_consent_means_no_categories_and_no_entry(seeded: Consent) -> None:
    before = await models.DataAccess.all().count()

    uncovered = await _call(seeded, AUTHORISE, _read(["WELLBEING"]))
    other_centre = await _call(
        seeded, AUTHORISE, {**_read(["ATTENDANCE"]), "accessorCentreId": demo.CENTRES[5].id}
    )

    assert uncovered.json() == other_centre.json() == {"consentId": None, "categories": []}
    assert await models.DataAccess.all().count() == before


@pytest.mark.parametrize("purpose", ["RESEARCH", "REFERRAL", "PROGRAMME_EVALUATION"])
async def test_a_consent_for_care_continuity_releases_nothing_for_another_purpose(
    seeded: Consent, purpose: str
) -> None:
    before = await models.DataAccess.all().count()

    response = await _call(seeded, AUTHORISE, _read(["ATTENDANCE", "FEEDBACK"], purpose=purpose))

    assert response.status_code == 200
    assert response.json() == {"consentId": None, "categories": []}
    assert await models.DataAccess.all().count() == before


@pytest.mark.parametrize("purpose", [None, "", "care_continuity", 1, ["CARE_CONTINUITY"]])
async def test_a_read_without_a_known_purpose_is_bad_input(seeded: Consent, purpose: Any) -> None:
    body = {**_read(["ATTENDANCE"]), "purpose": purpose}
    if purpose is None:
        del body["purpose"]

    response = await _call(seeded, AUTHORISE, body)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "BAD_USER_INPUT"
    assert response.json()["error"]["message"].startswith("purpose must be one of")


async def test_the_log_entry_records_the_purpose_read_for(seeded: Consent) -> None:
    await _call(seeded, AUTHORISE, _read(["ATTENDANCE"]))

    newest = await models.DataAccess.filter(participant_id=PRIYA.id).order_by("-seq").first()

    assert newest is not None
    assert newest.purpose == "CARE_CONTINUITY"


async def test_a_revocation_refuses_the_very_next_read(seeded: Consent) -> None:
    revoke = "mutation($id: ID!) { revokeConsent(id: $id) { consent { status } } }"
    await _call(seeded, AUTHORISE, _read(["ATTENDANCE"]))
    await seeded.post(revoke, {"id": PRIYAS_CONSENT}, token=seeded.token(PRIYA.id))

    response = await _call(seeded, AUTHORISE, _read(["ATTENDANCE"]))

    assert response.json() == {"consentId": None, "categories": []}


async def test_an_expired_consent_refuses(seeded: Consent) -> None:
    seeded.clock.advance(timedelta(days=181).total_seconds())

    response = await _call(seeded, AUTHORISE, _read(["ATTENDANCE"]))

    assert response.json() == {"consentId": None, "categories": []}


async def test_internal_endpoints_need_a_service_token(seeded: Consent) -> None:
    anonymous = await seeded.client.post(AUTHORISE, json=_read(["ATTENDANCE"]))
    staff = await _call(
        seeded, AUTHORISE, _read(["ATTENDANCE"]), _bearer(staff_token(seeded, GRANTEE))
    )
    participant = await _call(seeded, NOTIFY, {}, _bearer(seeded.token(PRIYA.id)))

    assert (anonymous.status_code, staff.status_code, participant.status_code) == (401, 401, 401)
    assert staff.json()["error"]["code"] == "UNAUTHENTICATED"
    assert await models.DataAccess.filter(participant_id=PRIYA.id).count() == 3


@pytest.mark.parametrize(
    ("caller", "status", "code"),
    # the directory and the gateway call consent (staff notices, token checks), not these endpoints
    [("directory", 403, "FORBIDDEN"), ("gateway", 403, "FORBIDDEN")],
)
@pytest.mark.parametrize("path", [AUTHORISE, NOTIFY, PROGRAMME_CHANGE])
async def test_only_sessions_may_call_consents_internal_endpoints(
    seeded: Consent, caller: str, status: int, code: str, path: str
) -> None:
    # given a valid service token of another component (a compromised host, say)
    headers = seeded.service_headers(caller)

    # when
    response = await _call(seeded, path, _read(["ATTENDANCE"]), headers)

    # then
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert await models.DataAccess.filter(participant_id=PRIYA.id).count() == 3


@pytest.mark.parametrize(
    ("caller", "status"), [("directory", 200), ("sessions", 200), ("gateway", 403)]
)
async def test_only_the_directory_and_sessions_notify_a_centres_staff(
    seeded: Consent, caller: str, status: int
) -> None:
    body = {
        "centreId": GRANTEE,
        "roles": ["supervisor"],
        "kind": "concern_reported",
        "message": "A concern was reported.",
    }

    response = await _call(seeded, "/internal/staff/notify", body, seeded.service_headers(caller))

    assert response.status_code == status


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"roles": ["participant"]}, "roles must be staff roles."),
        ({"roles": []}, "roles must be staff roles."),
        ({"roles": ["supervisor"] * 4}, "roles must be staff roles."),
        ({"centreId": "ctr_x"}, "centreId must be an id starting with ctr_."),
        ({"message": " "}, "message must be a non-empty string of at most 1000 characters."),
    ],
)
async def test_a_staff_notice_that_does_not_fit_its_contract_is_400_saying_why(
    seeded: Consent, change: dict[str, Any], message: str
) -> None:
    body = {
        "centreId": GRANTEE,
        "roles": ["supervisor"],
        "kind": "concern_reported",
        "message": "A concern was reported.",
        **change,
    }

    response = await _call(
        seeded, "/internal/staff/notify", body, seeded.service_headers("sessions")
    )

    assert response.status_code == 400
    assert response.json()["error"] == {"code": "BAD_USER_INPUT", "message": message}
    assert not [line for line in seeded.outbox() if line["kind"] == "concern_reported"]


async def test_a_service_token_for_another_service_is_refused(seeded: Consent) -> None:
    keys = ServiceKeys(seeded.settings.keys_dir)
    for_sessions = ServiceTokens("sessions", keys.own("sessions")).headers("directory")

    response = await _call(seeded, AUTHORISE, _read(["ATTENDANCE"]), for_sessions)

    assert response.status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        [],
        {"participantId": "nobody", "accessorCentreId": GRANTEE, "categories": []},
        {"participantId": PRIYA.id, "accessorCentreId": GRANTEE, "categories": ["SECRETS"]},
    ],
)
async def test_a_bad_body_is_400(seeded: Consent, body: Any) -> None:
    response = await _call(seeded, AUTHORISE, body)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "BAD_USER_INPUT"


async def test_notify_delivers_to_decrypted_contacts_and_counts_the_skipped(
    seeded: Consent,
) -> None:
    body = {
        "participantIds": [PRIYA.id, RAVI.id, PRIYA.id, stable_id("par", "nobody")],
        "kind": "session_cancelled",
        "message": "Tuesday's group is cancelled.",
    }

    response = await _call(seeded, NOTIFY, body)

    assert response.json() == {"delivered": 2, "skipped": 1}
    sent = [line for line in seeded.outbox() if line["kind"] == "session_cancelled"]
    assert sent == [
        {
            "to": person.contact,
            "kind": "session_cancelled",
            "message": "Tuesday's group is cancelled.",
            "at": seeded.clock.now.isoformat(),
        }
        for person in (PRIYA, RAVI)
    ]


def _change(groups: Any) -> dict[str, Any]:
    return {
        "centreId": GRANTEE,
        "start": "2026-01-01T00:00:00+00:00",
        "end": "2026-02-01T00:00:00+00:00",
        "groups": groups,
    }


@pytest.mark.parametrize(
    "body",
    [
        _change("grp_x"),
        _change([{"groupId": "nope", "participantIds": []}]),
        _change([{"groupId": stable_id("grp", "g"), "participantIds": ["nobody"]}]),
        _change([["not an object"]]),
        {**_change([]), "start": "yesterday"},
        {**_change([]), "end": "2026-02-01T00:00:00"},
    ],
)
async def test_a_bad_programme_change_body_is_400(seeded: Consent, body: Any) -> None:
    response = await _call(seeded, PROGRAMME_CHANGE, body)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "BAD_USER_INPUT"


async def test_a_group_of_fewer_than_eleven_consenting_people_is_withheld(seeded: Consent) -> None:
    group = stable_id("grp", "g")
    body = _change([{"groupId": group, "participantIds": [p.id for p in demo.PARTICIPANTS]}])

    response = await _call(seeded, PROGRAMME_CHANGE, body)

    assert response.status_code == 200
    # the demo's evaluation consents are to another centre: nobody here consented to GRANTEE
    assert response.json() == {"groups": [{"groupId": group, "suppressed": True}]}
