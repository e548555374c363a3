from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest

from saathi.tokens import Role
from services.sessions import repository
from services.sessions.domain.records import (
    BookingRecord,
    BookingStatus,
    SeriesRecord,
    SessionRecord,
    SessionStatus,
)
from tests.services.sessions.conftest import Gql, TokenFactory, utc_now

MakeSession = Callable[..., Awaitable[SessionRecord]]
MakeSeries = Callable[..., Awaitable[SeriesRecord]]

ENTITIES = """
query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Session { id capacity seatsTaken seatsLeft status attendedCount group { id } }
    ... on PeerGroup { id nextSession { id seatsLeft } upcomingSessions(first: 2) { id } }
  }
}
"""


def group_query(group_id: str, selection: str) -> str:
    """An ``_entities`` query for one PeerGroup, selecting ``selection`` on it."""
    representation = f'{{__typename: "PeerGroup", id: "{group_id}"}}'
    fragment = f"... on PeerGroup {{ {selection} }}"
    return f"{{ _entities(representations: [{representation}]) {{ {fragment} }} }}"


async def add_bookings(session: SessionRecord, *statuses: BookingStatus) -> list[BookingRecord]:
    records = [
        BookingRecord(
            id=f"bkg_{session.id}_{n}",
            session_id=session.id,
            participant_id=f"par_{n}",
            status=status,
            waitlist_position=None,
            idempotency_key=f"{session.id}-{n}",
        )
        for n, status in enumerate(statuses)
    ]
    now = utc_now()
    await repository.insert_history(
        [(b, now) for b in records], [(b, b.status, now) for b in records], []
    )
    return records


async def test_session_entities_resolve_in_one_query(
    gql: Gql, make_session: MakeSession, sql_statements: Callable[..., Any]
) -> None:
    sessions = [await make_session(capacity=3) for _ in range(25)]
    await add_bookings(
        sessions[0],
        BookingStatus.CONFIRMED,
        BookingStatus.CONFIRMED,
        BookingStatus.ATTENDED,
        BookingStatus.WAITLISTED,
        BookingStatus.CANCELLED,
    )
    representations = [{"__typename": "Session", "id": s.id} for s in sessions]

    with sql_statements() as log:
        body = await gql(
            ENTITIES,
            {"representations": [*representations, {"__typename": "Session", "id": "ses_nope"}]},
        )

    assert "errors" not in body
    entities = body["data"]["_entities"]
    assert len(log.statements) == 1
    assert entities[0] == {
        "id": sessions[0].id,
        "capacity": 3,
        "seatsTaken": 3,
        "seatsLeft": 1,
        "status": "SCHEDULED",
        "attendedCount": 1,
        "group": {"id": sessions[0].group_id},
    }
    assert [e["seatsLeft"] for e in entities[1:25]] == [3] * 24
    assert entities[25] is None


async def test_seats_left_never_drops_below_zero(gql: Gql, make_session: MakeSession) -> None:
    session = await make_session(capacity=1)
    await add_bookings(session, BookingStatus.CONFIRMED, BookingStatus.CONFIRMED)

    body = await gql(ENTITIES, {"representations": [{"__typename": "Session", "id": session.id}]})

    assert body["data"]["_entities"][0]["seatsLeft"] == 0
    assert body["data"]["_entities"][0]["seatsTaken"] == 2


async def test_peer_group_entities_batch_next_and_upcoming_sessions(
    gql: Gql, make_series: MakeSeries, sql_statements: Callable[..., Any]
) -> None:
    groups = [(await make_series()).group_id for _ in range(20)]
    representations = [{"__typename": "PeerGroup", "id": g} for g in groups]
    await gql(ENTITIES, {"representations": representations})  # materialises the timetables

    with sql_statements() as log:
        body = await gql(ENTITIES, {"representations": representations})

    # For each field, one read of the series (is the timetable far enough ahead?) and one of the
    # sessions: nextSession reads one session a group, upcomingSessions every coming one.
    assert len(log.statements) == 4
    entities = body["data"]["_entities"]
    assert [e["id"] for e in entities] == groups
    first = entities[0]
    assert first["nextSession"]["seatsLeft"] == 12
    assert first["nextSession"]["id"] == first["upcomingSessions"][0]["id"]
    assert len(first["upcomingSessions"]) == 2


async def test_next_session_of_a_page_is_two_statements_of_one_row_a_group(
    gql: Gql, make_series: MakeSeries, sql_statements: Callable[..., Any]
) -> None:
    groups = [(await make_series()).group_id for _ in range(20)]
    representations = [{"__typename": "PeerGroup", "id": g} for g in groups]
    query = (
        "query($r: [_Any!]!) { _entities(representations: $r) "
        "{ ... on PeerGroup { id nextSession { id startsAt } } } }"
    )
    first = await gql(query, {"r": representations})  # materialises the timetables
    with sql_statements() as log:
        body = await gql(query, {"r": representations})
    assert body == first
    assert len(log.statements) == 2
    upcoming = await gql(ENTITIES, {"representations": representations})
    for entity, expected in zip(
        body["data"]["_entities"], upcoming["data"]["_entities"], strict=True
    ):
        assert entity["nextSession"]["id"] == expected["upcomingSessions"][0]["id"]


async def test_upcoming_sessions_only_scheduled_future_sorted(
    gql: Gql, make_session: MakeSession
) -> None:
    now = utc_now()
    later = await make_session(group_id="grp_g", starts_at=now + timedelta(days=3))
    sooner = await make_session(group_id="grp_g", starts_at=now + timedelta(days=1))
    await make_session(
        group_id="grp_g", starts_at=now + timedelta(days=2), status=SessionStatus.CANCELLED
    )
    await make_session(group_id="grp_g", starts_at=now - timedelta(hours=1))
    query = group_query("grp_g", "nextSession { id } upcomingSessions { id startsAt }")

    body = await gql(query)

    group = body["data"]["_entities"][0]
    assert group["nextSession"] == {"id": sooner.id}
    assert group["upcomingSessions"] == [
        {"id": sooner.id, "startsAt": sooner.starts_at.isoformat()},
        {"id": later.id, "startsAt": later.starts_at.isoformat()},
    ]


async def test_group_without_sessions_has_no_next_session(gql: Gql, database: None) -> None:
    query = group_query("grp_none", "id nextSession { id } upcomingSessions { id }")

    body = await gql(query)

    assert body["data"]["_entities"] == [
        {"id": "grp_none", "nextSession": None, "upcomingSessions": []}
    ]


async def test_upcoming_sessions_first_out_of_range_is_bad_user_input(
    gql: Gql, database: None
) -> None:
    query = group_query("grp_x", "upcomingSessions(first: 51) { id }")

    body = await gql(query)

    assert body["data"] == {"_entities": [None]}
    assert [(e["message"], e["extensions"]["code"]) for e in body["errors"]] == [
        ("first must be between 1 and 50, got 51.", "BAD_USER_INPUT")
    ]


PARTICIPANT_BOOKINGS = """
query($id: ID!, $upcoming: Boolean) {
  _entities(representations: [{__typename: "Participant", id: $id}]) {
    ... on Participant {
      id
      bookings(upcoming: $upcoming) { id status session { id } participant { id } }
    }
  }
}
"""


async def test_participant_reads_own_bookings_upcoming_or_all(
    gql: Gql, make_session: MakeSession, token_for: TokenFactory
) -> None:
    past = await make_session(starts_at=utc_now() - timedelta(days=2))
    soon = await make_session()
    later = await make_session(starts_at=utc_now() + timedelta(days=5))
    (attended,) = await add_bookings(past, BookingStatus.ATTENDED)
    (confirmed,) = await add_bookings(soon, BookingStatus.CONFIRMED)
    (cancelled, waitlisted) = await add_bookings(
        later, BookingStatus.CANCELLED, BookingStatus.WAITLISTED
    )
    token = token_for("par_0")

    upcoming = await gql(PARTICIPANT_BOOKINGS, {"id": "par_0", "upcoming": True}, token=token)
    everything = await gql(PARTICIPANT_BOOKINGS, {"id": "par_0"}, token=token)

    assert upcoming["data"]["_entities"][0]["bookings"] == [
        {
            "id": confirmed.id,
            "status": "CONFIRMED",
            "session": {"id": soon.id},
            "participant": {"id": "par_0"},
        }
    ]
    assert [b["id"] for b in everything["data"]["_entities"][0]["bookings"]] == [
        attended.id,
        confirmed.id,
        cancelled.id,
    ]
    assert waitlisted.participant_id == "par_1"


async def test_participant_bookings_are_forbidden_to_others(
    gql: Gql, database: None, token_for: TokenFactory
) -> None:
    other = await gql(PARTICIPANT_BOOKINGS, {"id": "par_0"}, token=token_for("par_1"))
    staff = await gql(
        PARTICIPANT_BOOKINGS,
        {"id": "par_0"},
        token=token_for("stf_1", Role.CENTRE_ADMIN, "ctr_1"),
    )
    anonymous = await gql(PARTICIPANT_BOOKINGS, {"id": "par_0"})

    assert other["data"] == {"_entities": [None]}
    assert [e["extensions"]["code"] for e in other["errors"]] == ["FORBIDDEN"]
    assert [e["extensions"]["code"] for e in staff["errors"]] == ["FORBIDDEN"]
    assert [e["extensions"]["code"] for e in anonymous["errors"]] == ["UNAUTHENTICATED"]
    assert other["errors"][0]["path"] == ["_entities", 0, "bookings"]


async def test_participant_entities_batch_bookings_in_one_query(
    gql: Gql, make_session: MakeSession, token_for: TokenFactory, sql_statements: Callable[..., Any]
) -> None:
    sessions = [await make_session() for _ in range(10)]
    for session in sessions:
        await add_bookings(session, BookingStatus.CONFIRMED)
    query = """
    query($representations: [_Any!]!) {
      _entities(representations: $representations) {
        ... on Participant { bookings(upcoming: true) { id session { id seatsLeft } } }
      }
    }
    """
    representations = [{"__typename": "Participant", "id": "par_0"}] * 3

    with sql_statements() as log:
        body = await gql(query, {"representations": representations}, token=token_for("par_0"))

    assert "errors" not in body
    assert [len(e["bookings"]) for e in body["data"]["_entities"]] == [10, 10, 10]
    assert len(log.statements) == 2  # the bookings, then their sessions


BOOKING_ENTITIES = """
query($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Booking { id status waitlistPosition } }
}
"""


async def test_booking_entities_resolve_in_one_query_a_type(
    gql: Gql,
    make_session: MakeSession,
    sql_statements: Callable[..., Any],
    token_for: TokenFactory,
) -> None:
    session = await make_session(centre_id="ctr_a")
    booked = await add_bookings(session, *[BookingStatus.CONFIRMED] * 5)
    staff = token_for("stf_1", Role.FACILITATOR, session.centre_id)

    with sql_statements() as log:
        body = await gql(
            BOOKING_ENTITIES,
            {"representations": [{"__typename": "Booking", "id": b.id} for b in booked]},
            token=staff,
        )

    assert len(log.statements) == 2  # the bookings, then their one session
    assert body["data"]["_entities"] == [
        {"id": b.id, "status": "CONFIRMED", "waitlistPosition": None} for b in booked
    ]


async def test_a_booking_entity_is_null_for_anyone_but_its_participant_and_the_centres_staff(
    gql: Gql, make_session: MakeSession, token_for: TokenFactory
) -> None:
    session = await make_session(centre_id="ctr_a")
    (booking,) = await add_bookings(session, BookingStatus.CONFIRMED)
    representations = [
        {"__typename": "Booking", "id": booking.id},
        {"__typename": "Booking", "id": "bkg_missing"},
    ]

    async def seen(token: str | None) -> list[Any]:
        body = await gql(BOOKING_ENTITIES, {"representations": representations}, token=token)
        assert "errors" not in body, body
        return list(body["data"]["_entities"])

    shown = [{"id": booking.id, "status": "CONFIRMED", "waitlistPosition": None}, None]
    # another person's booking resolves exactly as a missing one: no oracle on ids
    assert await seen(token_for("par_someone_else")) == [None, None]
    assert await seen(token_for("stf_b", Role.CENTRE_ADMIN, "ctr_b")) == [None, None]
    assert await seen(token_for(booking.participant_id)) == shown
    assert await seen(token_for("stf_a", Role.FACILITATOR, "ctr_a")) == shown


@pytest.mark.parametrize(
    ("caller", "code"),
    [(None, "UNAUTHENTICATED"), (("ptn_9", Role.PARTNER, "ctr_a"), "FORBIDDEN")],
)
async def test_a_booking_entity_needs_a_participant_or_staff(
    gql: Gql,
    make_session: MakeSession,
    token_for: TokenFactory,
    caller: tuple[str, Role, str | None] | None,
    code: str,
) -> None:
    session = await make_session(centre_id="ctr_a")
    (booking,) = await add_bookings(session, BookingStatus.CONFIRMED)
    representations = [{"__typename": "Booking", "id": booking.id}]

    token = None if caller is None else token_for(*caller)
    refused = await gql(BOOKING_ENTITIES, {"representations": representations}, token=token)

    assert [error["extensions"]["code"] for error in refused["errors"]] == [code]
    assert refused["data"]["_entities"] == [None]
