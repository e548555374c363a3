from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from services.sessions.domain.records import SessionRecord
from services.sessions.models import BookingEvent
from tests.services.sessions.api.mutations.test_booking_book import book
from tests.services.sessions.conftest import Gql, TokenFactory

MakeSession = Callable[..., Awaitable[SessionRecord]]

CANCEL = """
mutation CancelBooking($bookingId: ID!) {
  cancelBooking(bookingId: $bookingId) { booking { id status } error { code message } }
}
"""

MY_BOOKINGS = """
query($id: ID!) {
  _entities(representations: [{__typename: "Participant", id: $id}]) {
    ... on Participant { bookings(upcoming: true) { id status waitlistPosition } }
  }
}
"""


async def cancel(gql: Gql, token: str | None, booking_id: str) -> dict[str, Any]:
    body = await gql(CANCEL, {"bookingId": booking_id}, token=token)
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["cancelBooking"]
    return payload


async def my_bookings(gql: Gql, token_for: TokenFactory, participant: str) -> list[dict[str, Any]]:
    body = await gql(MY_BOOKINGS, {"id": participant}, token=token_for(participant))
    bookings: list[dict[str, Any]] = body["data"]["_entities"][0]["bookings"]
    return bookings


async def test_cancel_frees_the_seat_and_promotes_the_waitlist(
    gql: Gql, make_session: MakeSession, token_for: TokenFactory
) -> None:
    session = await make_session(capacity=2)
    booked = [(await book(gql, token_for(f"par_{n}"), session.id))["booking"] for n in range(5)]

    payload = await cancel(gql, token_for("par_0"), booked[0]["id"])

    assert payload == {"booking": {"id": booked[0]["id"], "status": "CANCELLED"}, "error": None}
    assert await my_bookings(gql, token_for, "par_2") == [
        {"id": booked[2]["id"], "status": "CONFIRMED", "waitlistPosition": None}
    ]
    assert await my_bookings(gql, token_for, "par_3") == [
        {"id": booked[3]["id"], "status": "WAITLISTED", "waitlistPosition": 1}
    ]
    assert await my_bookings(gql, token_for, "par_4") == [
        {"id": booked[4]["id"], "status": "WAITLISTED", "waitlistPosition": 2}
    ]
    assert await my_bookings(gql, token_for, "par_0") == []
    events = (
        await BookingEvent.filter(session_id=session.id)
        .order_by("id")
        .values_list("booking_id", "status")
    )
    assert events[-2:] == [(booked[0]["id"], "CANCELLED"), (booked[2]["id"], "CONFIRMED")]


async def test_cancel_from_the_waitlist_closes_the_gap(
    gql: Gql, make_session: MakeSession, token_for: TokenFactory
) -> None:
    session = await make_session(capacity=1)
    booked = [(await book(gql, token_for(f"par_{n}"), session.id))["booking"] for n in range(4)]

    await cancel(gql, token_for("par_2"), booked[2]["id"])

    assert await my_bookings(gql, token_for, "par_1") == [
        {"id": booked[1]["id"], "status": "WAITLISTED", "waitlistPosition": 1}
    ]
    assert await my_bookings(gql, token_for, "par_3") == [
        {"id": booked[3]["id"], "status": "WAITLISTED", "waitlistPosition": 2}
    ]
    assert (await book(gql, token_for("par_9"), session.id))["booking"]["waitlistPosition"] == 3


async def test_cancelling_twice_returns_the_cancelled_booking(
    gql: Gql, make_session: MakeSession, token_for: TokenFactory
) -> None:
    session = await make_session()
    token = token_for("par_a")
    booking = (await book(gql, token, session.id))["booking"]
    await cancel(gql, token, booking["id"])

    payload = await cancel(gql, token, booking["id"])

    assert payload == {"booking": {"id": booking["id"], "status": "CANCELLED"}, "error": None}
    assert await BookingEvent.filter(booking_id=booking["id"]).count() == 2


async def test_after_cancelling_the_participant_may_book_again(
    gql: Gql, make_session: MakeSession, token_for: TokenFactory
) -> None:
    session = await make_session()
    token = token_for("par_a")
    booking = (await book(gql, token, session.id, "first"))["booking"]
    await cancel(gql, token, booking["id"])

    again = await book(gql, token, session.id, "second")

    assert again["booking"]["status"] == "CONFIRMED"
    assert again["booking"]["id"] != booking["id"]


async def test_someone_elses_booking_answers_exactly_as_a_missing_one(
    gql: Gql, make_session: MakeSession, token_for: TokenFactory
) -> None:
    booking = (await book(gql, token_for("par_a"), (await make_session()).id))["booking"]

    theirs = await cancel(gql, token_for("par_b"), booking["id"])
    missing = await cancel(gql, token_for("par_b"), "bkg_missing")

    assert theirs == {
        "booking": None,
        "error": {
            "code": "NOT_FOUND",
            "message": f"You hold no booking with the id {booking['id']!r}.",
        },
    }
    assert missing == {
        "booking": None,
        "error": {"code": "NOT_FOUND", "message": "You hold no booking with the id 'bkg_missing'."},
    }


async def test_cancel_needs_a_participant(gql: Gql, database: None) -> None:
    payload = await cancel(gql, None, "bkg_missing")

    assert payload["error"]["code"] == "UNAUTHENTICATED"
