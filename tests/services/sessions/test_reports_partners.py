from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from saathi.ids import new_id
from saathi.tokens import Role
from services.sessions.domain.records import BookingStatus, SeriesRecord, SessionRecord
from services.sessions.models import Feedback
from tests.conftest import operation
from tests.services.sessions.conftest import Gql, TokenFactory, book, utc_now

MakeSession = Callable[..., Awaitable[SessionRecord]]
MakeSeries = Callable[..., Awaitable[SeriesRecord]]
SYNC = operation("centre", "SyncAvailability")
REPORT = """
query ProgrammeReport($centreId: ID!, $from: DateTime!, $to: DateTime!) {
  programmeReport(centreId: $centreId, from: $from, to: $to) {
    sessionsHeld uniqueParticipants attendanceRate averageRating suppressed
    groups { group { id } sessionsHeld uniqueParticipants attendanceRate averageRating suppressed }
  }
}
"""
CHANGES = """
query($reps: [_Any!]!, $since: DateTime!) {
  _entities(representations: $reps) {
    ... on Centre {
      id
      bookingChanges(since: $since) {
        bookingId sessionId externalSessionId status changedAt
      }
    }
  }
}
"""


async def attended_by(make_session: MakeSession, people: int, group_id: str) -> None:
    """One past session of ``group_id`` at ctr_a, attended and rated 4 by ``people`` people."""
    session = await make_session(
        centre_id="ctr_a", group_id=group_id, starts_at=utc_now() - timedelta(days=2)
    )
    for n in range(people):
        booking = await book(session, f"par_{n}", BookingStatus.ATTENDED)
        await Feedback.create(
            id=f"fbk_{group_id}_{n}",
            booking_id=booking.id,
            session_id=session.id,
            participant_id=f"par_{n}",
            rating=4,
            at=session.ends_at,
        )
    await book(session, "par_absent", BookingStatus.NO_SHOW)


async def rated_anonymously(make_session: MakeSession, people: int, group_id: str) -> None:
    """One past session of ``group_id`` at ctr_a rated 3 by ``people`` anonymous attendees."""
    session = await make_session(
        centre_id="ctr_a", group_id=group_id, starts_at=utc_now() - timedelta(days=3)
    )
    for n in range(people):
        await book(session, f"par_{n}", BookingStatus.ATTENDED)
        await Feedback.create(
            id=new_id("fbk"),
            session_id=session.id,
            once_token=f"{session.id}-{n}",
            rating=3,
            at=session.ends_at,
        )


async def test_anonymous_raters_count_no_more_than_the_most_on_one_session(
    gql: Gql, make_session: MakeSession, token_for: TokenFactory
) -> None:
    # given a group whose two sessions were each rated by ten anonymous attendees (perhaps the
    # same ten), and a group with eleven on one session
    await rated_anonymously(make_session, 10, "grp_twice")
    await rated_anonymously(make_session, 10, "grp_twice")
    await rated_anonymously(make_session, 11, "grp_eleven")

    body = await gql(REPORT, window(), token=token_for("stf_a", Role.SUPERVISOR, "ctr_a"))

    # then twenty anonymous ratings do not pass for twenty people: that row is withheld
    groups = {g["group"]["id"]: g for g in body["data"]["programmeReport"]["groups"]}
    assert (groups["grp_twice"]["suppressed"], groups["grp_twice"]["averageRating"]) == (True, None)
    assert (groups["grp_eleven"]["suppressed"], groups["grp_eleven"]["averageRating"]) == (
        False,
        3.0,
    )


def window() -> dict[str, Any]:
    now = utc_now()
    return {
        "centreId": "ctr_a",
        "from": (now - timedelta(days=30)).isoformat(),
        "to": now.isoformat(),
    }


async def test_report_withholds_figures_about_ten_people_and_shows_eleven(
    gql: Gql, make_session: MakeSession, token_for: TokenFactory
) -> None:
    await attended_by(make_session, 10, "grp_ten")
    await attended_by(make_session, 11, "grp_eleven")
    await make_session(
        centre_id="ctr_a", group_id="grp_ten", starts_at=utc_now() + timedelta(days=1)
    )

    body = await gql(REPORT, window(), token=token_for("stf_a", Role.SUPERVISOR, "ctr_a"))

    assert body["data"]["programmeReport"] == {
        "sessionsHeld": 2,
        "uniqueParticipants": 11,
        "attendanceRate": round(21 / 23, 4),
        "averageRating": 4.0,
        "suppressed": False,
        "groups": [
            {
                "group": {"id": "grp_eleven"},
                "sessionsHeld": 1,
                "uniqueParticipants": 11,
                "attendanceRate": round(11 / 12, 4),
                "averageRating": 4.0,
                "suppressed": False,
            },
            {
                "group": {"id": "grp_ten"},
                "sessionsHeld": 1,
                "uniqueParticipants": None,
                "attendanceRate": None,
                "averageRating": None,
                "suppressed": True,
            },
        ],
    }


async def test_report_is_for_admins_and_supervisors_of_that_centre(
    gql: Gql, database: None, token_for: TokenFactory
) -> None:
    other = await gql(REPORT, window(), token=token_for("stf_b", Role.CENTRE_ADMIN, "ctr_b"))
    facilitator = await gql(REPORT, window(), token=token_for("stf_f", Role.FACILITATOR, "ctr_a"))

    assert other["data"] is None
    assert [e["extensions"]["code"] for e in other["errors"]] == ["FORBIDDEN"]
    assert [e["extensions"]["code"] for e in facilitator["errors"]] == ["FORBIDDEN"]


def pushed(external_id: str, version: int, **overrides: Any) -> dict[str, Any]:
    starts = utc_now() + timedelta(days=2)
    return {
        "externalId": external_id,
        "groupId": "grp_p",
        "startsAt": starts.isoformat(),
        "endsAt": (starts + timedelta(hours=1)).isoformat(),
        "capacity": 10,
        "seatsTaken": 4,
        "status": "SCHEDULED",
        "version": version,
        **overrides,
    }


async def test_sync_is_idempotent_per_batch_and_the_last_version_wins(
    gql: Gql, make_series: MakeSeries, token_for: TokenFactory
) -> None:
    await make_series(group_id="grp_p", centre_id="ctr_p")
    await make_series(group_id="grp_other", centre_id="ctr_x")
    partner = token_for("prt_1", Role.PARTNER, "ctr_p")
    first_batch = {
        "centreId": "ctr_p",
        "batchId": "b1",
        "sessions": [
            pushed("e1", 2),
            pushed("e2", 1, groupId="grp_other"),
            pushed("e3", 1, seatsTaken=11),
        ],
    }

    first = await gql(SYNC, {"input": first_batch}, token=partner)
    replay = await gql(SYNC, {"input": {**first_batch, "sessions": []}}, token=partner)
    older = await gql(
        SYNC,
        {"input": {"centreId": "ctr_p", "batchId": "b2", "sessions": [pushed("e1", 1)]}},
        token=partner,
    )
    newer = await gql(
        SYNC,
        {
            "input": {
                "centreId": "ctr_p",
                "batchId": "b3",
                "sessions": [pushed("e1", 3, capacity=6)],
            }
        },
        token=partner,
    )
    seats = await gql(
        """
        { _entities(representations: [{__typename: "PeerGroup", id: "grp_p"}]) {
            ... on PeerGroup { upcomingSessions { capacity seatsTaken seatsLeft } } } }
        """
    )

    assert first["data"]["syncAvailability"] == {
        "accepted": 1,
        "rejected": [
            {
                "externalId": "e2",
                "code": "NOT_FOUND",
                "message": "Your centre holds no group with the id 'grp_other'.",
            },
            {
                "externalId": "e3",
                "code": "BAD_USER_INPUT",
                "message": "capacity >= seatsTaken >= 0 must hold.",
            },
        ],
    }
    assert replay["data"] == first["data"]
    assert older["data"]["syncAvailability"]["rejected"] == [
        {
            "externalId": "e1",
            "code": "VERSION_CONFLICT",
            "message": "Version 1 is not newer than the stored version 2.",
        }
    ]
    assert newer["data"]["syncAvailability"] == {"accepted": 1, "rejected": []}
    pushed_session = [
        s for s in seats["data"]["_entities"][0]["upcomingSessions"] if s["capacity"] == 6
    ]
    assert pushed_session == [{"capacity": 6, "seatsTaken": 4, "seatsLeft": 2}]


async def test_sync_for_another_centre_is_forbidden(
    gql: Gql, database: None, token_for: TokenFactory
) -> None:
    body = await gql(
        SYNC,
        {"input": {"centreId": "ctr_a", "batchId": "b1", "sessions": []}},
        token=token_for("prt_1", Role.PARTNER, "ctr_p"),
    )
    staff = await gql(
        SYNC,
        {"input": {"centreId": "ctr_a", "batchId": "b1", "sessions": []}},
        token=token_for("stf_1", Role.CENTRE_ADMIN, "ctr_a"),
    )

    assert body["data"] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
    assert [e["extensions"]["code"] for e in staff["errors"]] == ["FORBIDDEN"]


async def test_booking_changes_since_for_the_centres_partner_only(
    gql: Gql, make_session: MakeSession, token_for: TokenFactory
) -> None:
    session = await make_session(centre_id="ctr_p")
    now = utc_now()
    await book(session, "par_1", BookingStatus.CONFIRMED, at=now - timedelta(hours=2))
    recent = await book(session, "par_2", BookingStatus.CONFIRMED, at=now - timedelta(minutes=5))
    await book(await make_session(centre_id="ctr_q"), "par_3", BookingStatus.CONFIRMED, at=now)
    variables = {
        "reps": [{"__typename": "Centre", "id": "ctr_p"}],
        "since": (now - timedelta(hours=1)).isoformat(),
    }

    mine = await gql(CHANGES, variables, token=token_for("prt_1", Role.PARTNER, "ctr_p"))
    theirs = await gql(CHANGES, variables, token=token_for("prt_2", Role.PARTNER, "ctr_q"))

    assert mine["data"]["_entities"][0]["bookingChanges"] == [
        {
            "bookingId": recent.id,
            "sessionId": session.id,
            "externalSessionId": None,
            "status": "CONFIRMED",
            "changedAt": (now - timedelta(minutes=5)).isoformat(),
        }
    ]
    assert [e["extensions"]["code"] for e in theirs["errors"]] == ["FORBIDDEN"]
