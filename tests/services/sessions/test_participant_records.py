from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from saathi.keystore import KeyStore
from saathi.peers import Peers
from saathi.runtime import key_store_for
from saathi.service_trust import SERVICE_TOKEN_HEADER
from saathi.settings import Settings
from saathi.tokens import Role
from services.sessions.domain.feedback import once_token, open_comment
from services.sessions.domain.records import BookingStatus, SessionRecord
from services.sessions.models import Booking, Feedback
from tests.services.sessions.conftest import (
    Gql,
    ServiceHeaders,
    TokenFactory,
    book,
    utc_now,
)

MakeSession = Callable[..., Awaitable[SessionRecord]]
# SharedParticipantRecord as this subgraph answers it: displayName and the centre's name and
# city come from consent and directory through the gateway.
SHARED = """
query SharedParticipantRecord(
  $participantId: ID!, $categories: [DataCategory!]!, $purpose: ConsentPurpose!
) {
  sharedRecord(participantId: $participantId, categories: $categories, purpose: $purpose) {
    consentId
    redisclosureNotice
    participant { id }
    attendance { sessionId groupName attendedAt centre { id } }
    feedback { sessionId rating at }
    error { code message }
  }
}
"""
# SubmitFeedback of the mobile contract, as the app sends it.
FEEDBACK = """
mutation SubmitFeedback($input: FeedbackInput!) {
  submitFeedback(input: $input) {
    accepted
    error { code message }
  }
}
"""


async def test_feedback_from_an_attendee_is_stored_once_with_the_comment_sealed(
    gql: Gql, make_session: MakeSession, token_for: TokenFactory
) -> None:
    session = await make_session(starts_at=utc_now() - timedelta(hours=2))
    await book(session, "par_1", BookingStatus.ATTENDED)
    given = {"sessionId": session.id, "rating": 5, "comment": "It helped me a lot"}

    first = await gql(FEEDBACK, {"input": given}, token=token_for("par_1"))
    second = await gql(FEEDBACK, {"input": given}, token=token_for("par_1"))

    assert first["data"]["submitFeedback"] == {"accepted": True, "error": None}
    assert second["data"]["submitFeedback"] == {
        "accepted": False,
        "error": {
            "code": "BAD_USER_INPUT",
            "message": "Feedback on this session was already given.",
        },
    }
    (stored,) = await Feedback.all()
    assert stored.rating == 5
    assert stored.anonymous is True
    assert stored.comment is not None
    assert "helped" not in stored.comment


async def test_feedback_refusals(
    gql: Gql, make_session: MakeSession, token_for: TokenFactory
) -> None:
    session = await make_session(starts_at=utc_now() - timedelta(hours=2))
    await book(session, "par_1", BookingStatus.NO_SHOW)
    await book(session, "par_2", BookingStatus.ATTENDED)

    async def error(input_: dict[str, Any], token: str | None) -> Any:
        body = await gql(FEEDBACK, {"input": input_}, token=token)
        return body["data"]["submitFeedback"]["error"]

    # Not attended and not existing answer alike: a session id is no oracle.
    assert await error({"sessionId": session.id, "rating": 4}, token_for("par_1")) == {
        "code": "NOT_FOUND",
        "message": f"You attended no session with the id {session.id!r}.",
    }
    assert await error({"sessionId": "ses_nope", "rating": 4}, token_for("par_1")) == {
        "code": "NOT_FOUND",
        "message": "You attended no session with the id 'ses_nope'.",
    }
    assert (await error({"sessionId": session.id, "rating": 6}, token_for("par_2")))[
        "code"
    ] == "BAD_USER_INPUT"
    assert (
        await error(
            {"sessionId": session.id, "rating": 4, "comment": "x" * 2001}, token_for("par_2")
        )
    )["message"] == "comment may be at most 2000 characters long."
    assert (await error({"sessionId": "ses_nope", "rating": 4}, token_for("par_2")))[
        "code"
    ] == "NOT_FOUND"
    assert (await error({"sessionId": session.id, "rating": 4}, None))["code"] == "UNAUTHENTICATED"


def consent_authorising(
    calls: list[dict[str, Any]],
    grants: dict[str, list[str]],
    purpose: str = "CARE_CONTINUITY",
    answered_purpose: str | None = None,
) -> Starlette:
    """Consent's authorise-read: ``grants`` maps an accessor centre to the categories it holds
    under a consent for ``purpose``; ``answered_purpose`` plays a consent service that answers
    with another purpose than the one asked."""

    async def authorise(request: Request) -> JSONResponse:
        body = json.loads(await request.body())
        calls.append(body)
        granted = [c for c in body["categories"] if c in grants.get(body["accessorCentreId"], [])]
        if not granted or (body["purpose"] != purpose and answered_purpose is None):
            return JSONResponse({"consentId": None, "categories": []})
        return JSONResponse(
            {
                "consentId": "cns_1",
                "categories": granted,
                "purpose": answered_purpose or purpose,
                "validUntil": "2099-01-01T00:00:00+00:00",
            }
        )

    return Starlette(
        routes=[Route("/internal/consents/authorise-read", authorise, methods=["POST"])]
    )


async def records_elsewhere(
    make_session: MakeSession, make_series: Callable[..., Awaitable[Any]]
) -> SessionRecord:
    series = await make_series(centre_id="ctr_a", group_name="Recovery circle")
    held = await make_session(
        centre_id="ctr_a", group_id=series.group_id, starts_at=utc_now() - timedelta(days=3)
    )
    own = await make_session(centre_id="ctr_b", starts_at=utc_now() - timedelta(days=2))
    a = await book(held, "par_1", BookingStatus.ATTENDED)
    b = await book(own, "par_1", BookingStatus.ATTENDED)
    await Feedback.create(
        id="fbk_named",
        booking_id=a.id,
        session_id=held.id,
        participant_id="par_1",
        rating=4,
        anonymous=False,
        at=held.ends_at,
    )
    await Feedback.create(
        id="fbk_anon",
        booking_id=b.id,
        session_id=own.id,
        participant_id="par_1",
        rating=2,
        anonymous=True,
        at=own.ends_at,
    )
    return held


async def test_shared_record_releases_only_granted_categories_held_elsewhere(
    gql: Gql,
    make_session: MakeSession,
    make_series: Callable[..., Awaitable[Any]],
    token_for: TokenFactory,
    peers: Peers,
) -> None:
    held = await records_elsewhere(make_session, make_series)
    calls: list[dict[str, Any]] = []
    peers.attach_app("consent", consent_authorising(calls, {"ctr_b": ["ATTENDANCE"]}))

    body = await gql(
        SHARED,
        {
            "participantId": "par_1",
            "categories": ["ATTENDANCE", "FEEDBACK"],
            "purpose": "CARE_CONTINUITY",
        },
        token=token_for("stf_b", Role.FACILITATOR, "ctr_b"),
    )

    assert calls == [
        {
            "participantId": "par_1",
            "accessorCentreId": "ctr_b",
            "categories": ["ATTENDANCE", "FEEDBACK"],
            "purpose": "CARE_CONTINUITY",
        }
    ]
    shared = body["data"]["sharedRecord"]
    assert shared == {
        "consentId": "cns_1",
        "redisclosureNotice": "These records are shared under the participant's consent, "
        "for the purpose stated in that consent only; they must not be disclosed further.",
        "participant": {"id": "par_1"},
        "attendance": [
            {
                "sessionId": held.id,
                "groupName": "Recovery circle",
                "attendedAt": held.starts_at.isoformat(),
                "centre": {"id": "ctr_a"},
            }
        ],
        "feedback": None,
        "error": None,
    }


async def test_shared_feedback_is_named_ratings_only_and_revocation_counts_next_read(
    gql: Gql,
    make_session: MakeSession,
    make_series: Callable[..., Awaitable[Any]],
    token_for: TokenFactory,
    peers: Peers,
) -> None:
    held = await records_elsewhere(make_session, make_series)
    grants = {"ctr_b": ["FEEDBACK"]}
    peers.attach_app("consent", consent_authorising([], grants, purpose="REFERRAL"))
    token = token_for("stf_b", Role.SUPERVISOR, "ctr_b")
    variables = {"participantId": "par_1", "categories": ["FEEDBACK"], "purpose": "REFERRAL"}

    granted = await gql(SHARED, variables, token=token)
    grants.clear()  # the participant revokes
    revoked = await gql(SHARED, variables, token=token)

    assert granted["data"]["sharedRecord"]["feedback"] == [
        {"sessionId": held.id, "rating": 4, "at": held.ends_at.isoformat()}
    ]
    assert granted["data"]["sharedRecord"]["attendance"] is None
    assert revoked["data"]["sharedRecord"] == {
        "consentId": None,
        "redisclosureNotice": None,
        "participant": None,
        "attendance": None,
        "feedback": None,
        "error": {
            "code": "CONSENT_REQUIRED",
            "message": "No live consent from this participant lets your centre read these "
            "records for this purpose.",
        },
    }


@pytest.mark.parametrize("answered", [None, "RESEARCH"])
async def test_a_consent_for_care_continuity_releases_nothing_for_research(
    gql: Gql,
    make_session: MakeSession,
    make_series: Callable[..., Awaitable[Any]],
    token_for: TokenFactory,
    peers: Peers,
    answered: str | None,
) -> None:
    # Given a consent for CARE_CONTINUITY (and, in the second case, a consent service that
    # wrongly answers a read for another purpose)
    await records_elsewhere(make_session, make_series)
    calls: list[dict[str, Any]] = []
    grants = {"ctr_b": ["ATTENDANCE", "FEEDBACK"]}
    wrong = "CARE_CONTINUITY" if answered else None
    peers.attach_app("consent", consent_authorising(calls, grants, answered_purpose=wrong))

    # When a reader asks for research
    body = await gql(
        SHARED,
        {"participantId": "par_1", "categories": ["ATTENDANCE"], "purpose": "RESEARCH"},
        token=token_for("stf_b", Role.SUPERVISOR, "ctr_b"),
    )

    # Then nothing is released
    assert [call["purpose"] for call in calls] == ["RESEARCH"]
    shared = body["data"]["sharedRecord"]
    assert shared["error"]["code"] == "CONSENT_REQUIRED"
    assert (shared["consentId"], shared["attendance"], shared["feedback"]) == (None, None, None)


async def test_shared_record_is_for_staff_only(
    gql: Gql, database: None, token_for: TokenFactory
) -> None:
    variables = {
        "participantId": "par_1",
        "categories": ["ATTENDANCE"],
        "purpose": "CARE_CONTINUITY",
    }

    participant = await gql(SHARED, variables, token=token_for("par_1"))
    anonymous = await gql(SHARED, variables)

    assert participant["data"]["sharedRecord"]["error"]["code"] == "FORBIDDEN"
    assert anonymous["data"]["sharedRecord"]["error"]["code"] == "UNAUTHENTICATED"


async def internal(
    client: httpx.AsyncClient, path: str, body: Any, headers: dict[str, str] | None
) -> httpx.Response:
    return await client.post(path, json=body, headers=headers or {})


INTERNAL_PATHS = [
    "/internal/groups/free-sessions",
    "/internal/series",
    "/internal/participants/relations",
    "/internal/participants/booked-groups",
    "/internal/participants/erase",
]


async def test_internal_endpoints_need_a_service_token(
    client: httpx.AsyncClient, database: None, token_for: TokenFactory
) -> None:
    staff_token = token_for("stf_a", Role.CENTRE_ADMIN, "ctr_a")

    anonymous = [(await internal(client, p, {}, None)).status_code for p in INTERNAL_PATHS]
    staff = [
        (await internal(client, p, {}, {"authorization": f"Bearer {staff_token}"})).status_code
        for p in INTERNAL_PATHS
    ]
    forged = await internal(client, INTERNAL_PATHS[0], {}, {SERVICE_TOKEN_HEADER: "not-a-token"})

    assert anonymous == [401] * len(INTERNAL_PATHS)
    assert staff == [401] * len(INTERNAL_PATHS)
    assert forged.status_code == 401


async def test_each_internal_endpoint_answers_only_its_own_caller(
    client: httpx.AsyncClient, database: None, service_headers: ServiceHeaders
) -> None:
    # given valid service tokens of consent, the directory and the gateway
    answers: dict[str, list[int]] = {}
    for caller in ("directory", "consent", "gateway"):
        answers[caller] = [
            (await internal(client, p, {}, service_headers(caller))).status_code
            for p in INTERNAL_PATHS
        ]

    # then the directory may not erase anyone, consent may not write timetables (400: the
    # body is empty, so the caller got past the guard)
    assert answers["directory"] == [400, 400, 403, 400, 403]
    assert answers["consent"] == [403, 403, 400, 403, 400]
    assert answers["gateway"] == [403, 403, 403, 403, 403]


async def test_relations_answer_who_booked_at_the_centre(
    client: httpx.AsyncClient, make_session: MakeSession, service_headers: ServiceHeaders
) -> None:
    await book(await make_session(centre_id="ctr_a"), "par_1", BookingStatus.CANCELLED)
    await book(await make_session(centre_id="ctr_b"), "par_2", BookingStatus.CONFIRMED)

    response = await internal(
        client,
        "/internal/participants/relations",
        {"centreId": "ctr_a", "participantIds": ["par_2", "par_1", "par_3"]},
        service_headers("consent"),
    )

    assert response.json() == {"participantIds": ["par_1"]}


async def test_booked_groups_are_those_with_a_confirmed_booking_ahead(
    client: httpx.AsyncClient,
    make_session: MakeSession,
    service_headers: ServiceHeaders,
    sql_statements: Callable[[], Any],
) -> None:
    service_token = service_headers("directory")
    ahead, waitlisted, cancelled, someone_elses = [await make_session() for _ in range(4)]
    ended = await make_session(starts_at=utc_now() - timedelta(hours=3))
    await book(ahead, "par_1", BookingStatus.CONFIRMED)
    await book(waitlisted, "par_1", BookingStatus.WAITLISTED)
    await book(cancelled, "par_1", BookingStatus.CANCELLED)
    await book(ended, "par_1", BookingStatus.CONFIRMED)
    await book(someone_elses, "par_2", BookingStatus.CONFIRMED)
    asked = [s.group_id for s in (ahead, waitlisted, cancelled, ended, someone_elses)]

    with sql_statements() as log:
        response = await internal(
            client,
            "/internal/participants/booked-groups",
            {"participantId": "par_1", "groupIds": [*asked, "g" * 150]},
            service_token,
        )
    refused = await internal(
        client,
        "/internal/participants/booked-groups",
        {"participantId": "par_1", "groupIds": "grp_1"},
        service_token,
    )

    assert response.status_code == 200
    assert response.json() == {"groupIds": [ahead.group_id]}
    assert len(log.statements) == 1
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "BAD_USER_INPUT"


async def test_erase_deletes_bookings_and_feedback_and_promotes_the_waitlist(
    client: httpx.AsyncClient, make_session: MakeSession, service_headers: ServiceHeaders
) -> None:
    ahead = await make_session(capacity=1)
    past = await make_session(starts_at=utc_now() - timedelta(days=1))
    await book(ahead, "par_1", BookingStatus.CONFIRMED)
    waiting = await book(ahead, "par_2", BookingStatus.WAITLISTED)
    attended = await book(past, "par_1", BookingStatus.ATTENDED)
    await Feedback.create(
        id="fbk_1",
        booking_id=attended.id,
        session_id=past.id,
        participant_id="par_1",
        rating=3,
        at=past.ends_at,
    )

    first = await internal(
        client,
        "/internal/participants/erase",
        {"participantId": "par_1"},
        service_headers("consent"),
    )
    again = await internal(
        client,
        "/internal/participants/erase",
        {"participantId": "par_1"},
        service_headers("consent"),
    )

    assert first.json() == {"erased": {"bookings": 2, "feedback": 1}}
    assert again.json() == {"erased": {"bookings": 0, "feedback": 0}}
    assert await Booking.filter(participant_id="par_1").count() == 0
    assert (await Booking.get(id=waiting.id)).status == "CONFIRMED"


async def test_series_creates_and_replaces_a_timetable(
    client: httpx.AsyncClient, database: None, service_headers: ServiceHeaders
) -> None:
    body = {
        "groupId": "grp_new",
        "centreId": "ctr_a",
        "groupName": "Evening circle",
        "rrule": "FREQ=WEEKLY;BYDAY=MO;BYHOUR=18;BYMINUTE=0",
        "timezone": "Asia/Kolkata",
        "startsOn": "2025-01-06",
        "durationMinutes": 90,
        "capacity": 10,
    }
    from services.sessions.models import Series, Session

    directory = service_headers("directory")
    created = await internal(client, "/internal/series", body, directory)
    mondays = await Session.filter(group_id="grp_new").count()
    session = await Session.filter(group_id="grp_new").order_by("starts_at").first()
    assert session is not None
    await Booking.create(
        id="bkg_keep",
        session_id=session.id,
        participant_id="par_1",
        status="CONFIRMED",
        idempotency_key="k",
        created_at=utc_now(),
        updated_at=utc_now(),
    )
    replaced = await internal(
        client,
        "/internal/series",
        {**body, "rrule": "FREQ=WEEKLY;BYDAY=TU;BYHOUR=18;BYMINUTE=0", "capacity": 8},
        directory,
    )
    bad = await internal(client, "/internal/series", {**body, "timezone": "Mars/Base"}, directory)

    assert created.status_code == 200
    assert created.json()["groupId"] == "grp_new"
    assert mondays >= 4
    assert replaced.status_code == 200
    kept = await Session.get(id=session.id)
    assert kept.capacity == 8
    others = (
        await Session.filter(group_id="grp_new")
        .exclude(id=session.id)
        .values_list("starts_at", flat=True)
    )
    starts = cast("list[datetime]", others)
    assert all(s.astimezone().weekday() in (0, 1) for s in starts)
    assert {s.weekday() for s in starts} == {1}  # 18:00 IST Tuesday is 12:30 UTC Tuesday
    assert (await Series.get(group_id="grp_new")).group_name == "Evening circle"
    assert bad.status_code == 400
    assert bad.json() == {
        "error": {"code": "BAD_USER_INPUT", "message": "'Mars/Base' is not an IANA time zone."}
    }


def _keys(tmp_path: Path) -> KeyStore:
    """The sessions key store the ``client`` app uses (its data dir is ``tmp_path``)."""
    return key_store_for(Settings(data_dir=tmp_path), "sessions")


async def test_anonymous_feedback_keeps_no_link_to_its_author_and_is_once_per_session(
    gql: Gql, make_session: MakeSession, token_for: TokenFactory, tmp_path: Path
) -> None:
    # given a participant who attended a session
    session = await make_session(starts_at=utc_now() - timedelta(hours=2))
    await book(session, "par_1", BookingStatus.ATTENDED)
    anonymous = {"sessionId": session.id, "rating": 2, "comment": "I slipped this week"}

    # when they give anonymous feedback, then try again under their name
    first = await gql(FEEDBACK, {"input": anonymous}, token=token_for("par_1"))
    named = await gql(
        FEEDBACK, {"input": {**anonymous, "anonymous": False}}, token=token_for("par_1")
    )

    # then the stored feedback names nobody, and the second is refused
    assert first["data"]["submitFeedback"] == {"accepted": True, "error": None}
    assert named["data"]["submitFeedback"]["error"]["code"] == "BAD_USER_INPUT"
    (stored,) = await Feedback.all()
    assert (stored.participant_id, stored.booking_id, stored.anonymous) == (None, None, True)
    assert (stored.at.hour, stored.at.minute, stored.at.second) == (0, 0, 0)
    key = _keys(tmp_path).get("par_1")
    assert key is not None
    assert stored.once_token == once_token(key, session.id)
    assert stored.comment is not None
    assert open_comment(key, stored.id, stored.comment) == "I slipped this week"


async def test_erase_destroys_the_key_and_drops_anonymous_comments_but_keeps_their_ratings(
    client: httpx.AsyncClient,
    gql: Gql,
    make_session: MakeSession,
    token_for: TokenFactory,
    service_headers: ServiceHeaders,
    tmp_path: Path,
) -> None:
    service_token = service_headers("consent")
    # given two attendees' anonymous feedback on one session, and named feedback on another
    shared = await make_session(starts_at=utc_now() - timedelta(hours=3))
    other = await make_session(starts_at=utc_now() - timedelta(hours=2))
    for participant in ("par_1", "par_2"):
        await book(shared, participant, BookingStatus.ATTENDED)
        given = {"sessionId": shared.id, "rating": 4, "comment": f"note of {participant}"}
        await gql(FEEDBACK, {"input": given}, token=token_for(participant))
    await book(other, "par_1", BookingStatus.ATTENDED)
    named = {"sessionId": other.id, "rating": 5, "comment": "named", "anonymous": False}
    await gql(FEEDBACK, {"input": named}, token=token_for("par_1"))
    keys = _keys(tmp_path)
    second_key = keys.get("par_2")
    assert second_key is not None
    assert keys.get("par_1") is not None

    # when par_1 is erased
    erased = await internal(
        client, "/internal/participants/erase", {"participantId": "par_1"}, service_token
    )

    # then their key is gone, their named feedback too, their anonymous rating stays bare
    assert erased.json() == {"erased": {"bookings": 2, "feedback": 1}}
    assert keys.get("par_1") is None
    rows = await Feedback.all().order_by("id")
    assert sorted(row.rating for row in rows) == [4, 4]
    assert all(row.participant_id is None for row in rows)
    comments = [row for row in rows if row.comment is not None]
    assert [open_comment(second_key, row.id, row.comment or "") for row in comments] == [
        "note of par_2"
    ]
