"""The staff, partner and consent operations of the contract, end to end through the gateway.

Each test plays the people involved (a participant, staff of two centres, a partner system) with
real tokens against the one-process network seeded with the demo data.
"""

from __future__ import annotations

import json
import secrets
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from network.demo import description as demo
from saathi.tokens import Role
from tests.saathi.conftest import Network

PUNE_KOTHRUD, PUNE_CAMP, DELHI = demo.CENTRES[0], demo.CENTRES[1], demo.CENTRES[2]
PRIYA = demo.PARTICIPANTS[0]


def _staff(network: Network, centre: demo.DemoCentre, role: Role = Role.CENTRE_ADMIN) -> str:
    return network.token(f"stf_{centre.id[4:]}", role, centre.id)


def _codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


def _iso(moment: datetime) -> str:
    return moment.isoformat()


async def test_staff_see_their_own_timetable_and_who_booked(network: Network) -> None:
    now = datetime.now(UTC)
    admin = _staff(network, PUNE_KOTHRUD, Role.FACILITATOR)
    window = {"from": _iso(now - timedelta(days=14)), "to": _iso(now)}

    own = await network.run("centre", "CentreSchedule", admin, centreId=PUNE_KOTHRUD.id, **window)
    other = await network.run("centre", "CentreSchedule", admin, centreId=DELHI.id, **window)

    assert "errors" not in own, json.dumps(own)[:800]
    sessions = own["data"]["centre"]["sessions"]
    assert sessions
    assert {s["group"]["id"] for s in sessions} <= {
        g.id for g in demo.GROUPS if g.centre_id == PUNE_KOTHRUD.id
    }
    booked = [b for s in sessions for b in s["bookings"]]
    assert booked
    names = {p.display_name for p in demo.PARTICIPANTS}
    assert all(b["participant"]["displayName"] in names for b in booked)
    assert _codes(other) == ["FORBIDDEN"]


async def test_a_new_group_gets_a_timetable_in_sessions(network: Network) -> None:
    admin = _staff(network, PUNE_CAMP)
    facilitator = next(s for s in demo.SUPPORTERS if s.centre_id == PUNE_CAMP.id)
    group_input = {
        "centreId": PUNE_CAMP.id,
        "name": "Evening recovery circle",
        "description": "A second weekly circle for people in recovery.",
        "kind": "SUPPORT_GROUP",
        "focus": ["ADDICTION_RECOVERY"],
        "format": "IN_PERSON",
        "languages": ["mr", "en"],
        "audience": ["EVERYONE"],
        "accessibility": ["WHEELCHAIR"],
        "capacity": 8,
        "schedule": {
            "rrule": "FREQ=WEEKLY;BYDAY=WE;BYHOUR=19;BYMINUTE=0",
            "timezone": "Asia/Kolkata",
            "startsOn": "2026-01-07",
            "durationMinutes": 90,
        },
        "facilitatorId": facilitator.id,
        "address": {"line1": "7 Moledina Road, Camp", "city": "Pune", "postcode": "411001"},
        "location": {"lat": 18.5158, "lng": 73.8776},
    }

    created = await network.run("centre", "CreateGroup", admin, input=group_input)
    group = created["data"]["createGroup"]["group"]
    updated = await network.run(
        "centre", "UpdateGroup", admin, id=group["id"], input={"capacity": 10}
    )
    detail = await network.run("mobile", "GroupDetail", id=group["id"])

    assert created["data"]["createGroup"]["error"] is None
    assert group["schedule"]["summary"] == "Every Wednesday, 7:00 pm to 8:30 pm"
    assert updated["data"]["updateGroup"]["group"]["capacity"] == 10
    sessions = detail["data"]["group"]["upcomingSessions"]
    assert len(sessions) == 5
    assert {s["capacity"] for s in sessions} == {10}


async def test_consent_opens_a_shared_record_and_revocation_closes_it(network: Network) -> None:
    participant = network.token(PRIYA.id, Role.PARTICIPANT)
    reader = _staff(network, DELHI, Role.FACILITATOR)
    categories = ["ATTENDANCE", "FEEDBACK"]

    before = await network.run(
        "centre",
        "SharedParticipantRecord",
        reader,
        participantId=PRIYA.id,
        categories=categories,
        purpose="CARE_CONTINUITY",
    )
    granted = await network.run(
        "consent",
        "GrantConsent",
        participant,
        input={
            "granteeCentreId": DELHI.id,
            "categories": ["ATTENDANCE"],
            "purpose": "CARE_CONTINUITY",
            "validUntil": _iso(datetime.now(UTC) + timedelta(days=30)),
        },
    )
    shared = await network.run(
        "centre",
        "SharedParticipantRecord",
        reader,
        participantId=PRIYA.id,
        categories=categories,
        purpose="CARE_CONTINUITY",
    )
    log = await network.run("consent", "MyDataAccessLog", participant, first=5)
    consent = granted["data"]["grantConsent"]["consent"]
    await network.run("consent", "RevokeConsent", participant, id=consent["id"])
    after = await network.run(
        "centre",
        "SharedParticipantRecord",
        reader,
        participantId=PRIYA.id,
        categories=categories,
        purpose="CARE_CONTINUITY",
    )

    assert before["data"]["sharedRecord"]["error"]["code"] == "CONSENT_REQUIRED"
    record = shared["data"]["sharedRecord"]
    assert record["error"] is None, record
    assert record["consentId"] == consent["id"]
    assert record["redisclosureNotice"]
    assert record["attendance"]
    assert all(entry["centre"]["id"] != DELHI.id for entry in record["attendance"])
    assert record["feedback"] in (None, [])
    newest = log["data"]["me"]["dataAccessLog"]["edges"][0]["node"]
    assert (newest["consentId"], newest["accessor"]["id"]) == (consent["id"], DELHI.id)
    assert newest["categories"] == ["ATTENDANCE"]
    assert newest["purpose"] == "CARE_CONTINUITY"
    assert after["data"]["sharedRecord"]["error"]["code"] == "CONSENT_REQUIRED"
    claims = jwt.decode(
        consent["receipt"],
        jwt.PyJWKSet.from_dict((await network.client.get("/.well-known/jwks.json")).json())[
            jwt.get_unverified_header(consent["receipt"])["kid"]
        ].key,
        algorithms=["EdDSA"],
        options={"verify_aud": False},
    )
    assert claims["exp"] > claims["iat"]


async def test_a_consent_for_one_purpose_does_not_release_records_for_another(
    network: Network,
) -> None:
    participant = network.token(PRIYA.id, Role.PARTICIPANT)
    reader = _staff(network, DELHI, Role.FACILITATOR)
    granted = await network.run(
        "consent",
        "GrantConsent",
        participant,
        input={
            "granteeCentreId": DELHI.id,
            "categories": ["ATTENDANCE"],
            "purpose": "CARE_CONTINUITY",
            "validUntil": _iso(datetime.now(UTC) + timedelta(days=30)),
        },
    )
    consent_id = granted["data"]["grantConsent"]["consent"]["id"]

    async def read(purpose: str) -> dict[str, Any]:
        body = await network.run(
            "centre",
            "SharedParticipantRecord",
            reader,
            participantId=PRIYA.id,
            categories=["ATTENDANCE"],
            purpose=purpose,
        )
        record: dict[str, Any] = body["data"]["sharedRecord"]
        return record

    async def log() -> list[dict[str, Any]]:
        body = await network.run("consent", "MyDataAccessLog", participant, first=50)
        return [edge["node"] for edge in body["data"]["me"]["dataAccessLog"]["edges"]]

    before = await log()
    research = await read("RESEARCH")
    evaluation = await read("PROGRAMME_EVALUATION")
    after_refusals = await log()
    care = await read("CARE_CONTINUITY")
    after_release = await log()

    for refused in (research, evaluation):
        assert refused["error"]["code"] == "CONSENT_REQUIRED"
        assert (refused["consentId"], refused["attendance"]) == (None, None)
    assert after_refusals == before
    assert care["error"] is None
    assert care["consentId"] == consent_id
    assert care["attendance"]
    assert after_release[1:] == before
    assert (after_release[0]["consentId"], after_release[0]["purpose"]) == (
        consent_id,
        "CARE_CONTINUITY",
    )


async def test_a_consent_request_answered_by_the_participant(network: Network) -> None:
    # Staff may ask only a participant who booked at their centre: one books a Delhi group.
    signed_in = await network.sign_in("moving@example.org")
    participant = signed_in["accessToken"]
    group = next(g for g in demo.GROUPS if g.centre_id == DELHI.id)
    detail = await network.run("mobile", "GroupDetail", id=group.id)
    session = detail["data"]["group"]["upcomingSessions"][0]
    await network.run(
        "mobile", "BookSession", participant, sessionId=session["id"], idempotencyKey="m-1"
    )
    staff = _staff(network, DELHI, Role.FACILITATOR)

    asked = await network.run(
        "centre",
        "RequestConsent",
        staff,
        input={
            "participantId": signed_in["participant"]["id"],
            "categories": ["ATTENDANCE"],
            "purpose": "REFERRAL",
            "requestedUntil": _iso(datetime.now(UTC) + timedelta(days=60)),
            "reason": "To continue your care after your move to Delhi.",
        },
    )
    request_id = asked["data"]["requestConsent"]["request"]["id"]
    me = await network.run("mobile", "Me", participant)
    answered = await network.run(
        "consent", "RespondToConsentRequest", participant, requestId=request_id, approve=True
    )

    pending = {r["id"]: r for r in me["data"]["me"]["consentRequests"]}
    assert pending[request_id]["requester"]["city"] == "Delhi"
    assert pending[request_id]["reason"] == "To continue your care after your move to Delhi."
    payload = answered["data"]["respondToConsentRequest"]
    assert payload["request"] == {"id": request_id, "status": "APPROVED"}
    assert payload["consent"]["status"] == "ACTIVE"


async def test_programme_report_withholds_small_numbers(network: Network) -> None:
    now = datetime.now(UTC)
    admin = _staff(network, PUNE_KOTHRUD)

    body = await network.run(
        "centre",
        "ProgrammeReport",
        admin,
        centreId=PUNE_KOTHRUD.id,
        **{"from": _iso(now - timedelta(days=60)), "to": _iso(now)},
    )
    other = await network.run(
        "centre",
        "ProgrammeReport",
        admin,
        centreId=DELHI.id,
        **{"from": _iso(now - timedelta(days=60)), "to": _iso(now)},
    )

    report = body["data"]["programmeReport"]
    assert report["sessionsHeld"] > 0
    for row in [report, *report["groups"]]:
        if row["suppressed"]:
            assert (row["uniqueParticipants"], row["attendanceRate"], row["averageRating"]) == (
                None,
                None,
                None,
            )
        else:
            assert row["uniqueParticipants"] >= 11
    assert _codes(other) == ["FORBIDDEN"]


async def test_a_partner_syncs_availability_and_reads_booking_changes(network: Network) -> None:
    from services.consent.domain.accounts import add_partner

    private = Ed25519PrivateKey.generate()
    pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    client_id = await add_partner(PUNE_CAMP.id, pem)
    assertion = jwt.encode(
        {
            "iss": client_id,
            "sub": client_id,
            "aud": f"{network.settings.public_url}/oauth/token",  # docs/partners.md
            "iat": int(time.time()),
            "exp": int(time.time()) + 120,
            "jti": secrets.token_hex(16),
        },
        private,
        algorithm="EdDSA",
    )
    answer = await network.client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": assertion,
        },
    )
    assert answer.status_code == 200, answer.text
    token = answer.json()["access_token"]
    group = next(g for g in demo.GROUPS if g.centre_id == PUNE_CAMP.id)
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    batch = {
        "centreId": PUNE_CAMP.id,
        "batchId": "batch-1",
        "sessions": [
            {
                "externalId": "ext-1",
                "groupId": group.id,
                "startsAt": _iso(starts),
                "endsAt": _iso(starts + timedelta(hours=1)),
                "capacity": 6,
                "seatsTaken": 2,
                "status": "SCHEDULED",
                "version": 1,
            }
        ],
    }

    synced = await network.run("centre", "SyncAvailability", token, input=batch)
    changes = await network.run(
        "centre",
        "PartnerBookingChanges",
        token,
        centreId=PUNE_CAMP.id,
        since=_iso(datetime.now(UTC) - timedelta(days=7)),
    )
    elsewhere = await network.run(
        "centre", "PartnerBookingChanges", token, centreId=DELHI.id, since=_iso(datetime.now(UTC))
    )

    assert synced["data"]["syncAvailability"] == {"accepted": 1, "rejected": []}
    assert isinstance(changes["data"]["centre"]["bookingChanges"], list)
    assert _codes(elsewhere) == ["FORBIDDEN"]


async def test_cancelling_a_session_tells_everyone_booked(network: Network) -> None:
    signed_in = await network.sign_in("+919812345678")
    group = demo.GROUPS[0]
    detail = await network.run("mobile", "GroupDetail", id=group.id)
    session = detail["data"]["group"]["upcomingSessions"][2]
    await network.run(
        "mobile",
        "BookSession",
        signed_in["accessToken"],
        sessionId=session["id"],
        idempotencyKey="c-1",
    )
    admin = _staff(network, next(c for c in demo.CENTRES if c.id == group.centre_id))

    cancelled = await network.run(
        "centre", "CancelSession", admin, sessionId=session["id"], reason="The hall is flooded."
    )

    assert cancelled["data"]["cancelSession"]["session"] == {
        "id": session["id"],
        "status": "CANCELLED",
    }
    lines = [json.loads(line) for line in network.settings.outbox_path.read_text().splitlines()]
    told = [line for line in lines if line["kind"] == "session_cancelled"]
    assert any(line["to"] == "+919812345678" for line in told)


async def test_deleting_an_account_erases_the_participant_everywhere(network: Network) -> None:
    signed_in = await network.sign_in("leaving@example.org")
    token = signed_in["accessToken"]
    session = (await network.run("mobile", "GroupDetail", id=demo.GROUPS[1].id))["data"]["group"][
        "upcomingSessions"
    ][0]
    await network.run("mobile", "BookSession", token, sessionId=session["id"], idempotencyKey="d-1")

    deleted = await network.run("consent", "DeleteMyAccount", token)
    me = await network.run("mobile", "Me", token)
    after = await network.run("mobile", "GroupDetail", id=demo.GROUPS[1].id)

    assert deleted["data"]["deleteMyAccount"] == {"deleted": True, "error": None}
    assert _codes(me) == ["UNAUTHENTICATED"]
    seats = {s["id"]: s["seatsLeft"] for s in after["data"]["group"]["upcomingSessions"]}
    assert seats[session["id"]] == session["seatsLeft"]


async def test_a_caller_cannot_choose_the_token_endpoints_audience_with_a_forwarded_header(
    network: Network,
) -> None:
    # given a partner's assertion made for another host's token endpoint
    from services.consent.domain.accounts import add_partner

    private = Ed25519PrivateKey.generate()
    pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    client_id = await add_partner(PUNE_CAMP.id, pem)
    claims = {"iss": client_id, "sub": client_id, "exp": int(time.time()) + 120}
    elsewhere = "https://evil.example/oauth/token"
    assertion = jwt.encode(
        {**claims, "aud": elsewhere, "jti": secrets.token_hex(16)}, private, algorithm="EdDSA"
    )
    forwarded = {"x-forwarded-host": "evil.example", "x-forwarded-proto": "https"}

    # when it is replayed to this network claiming to have come through that host
    answer = await network.client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": assertion,
        },
        headers=forwarded,
    )

    # then the forwarded headers count for nothing: the peer is not a trusted proxy
    assert answer.status_code in (400, 401), answer.text
    assert "access_token" not in answer.json()
