from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest

from saathi.tokens import Role
from services.sessions.domain.records import SessionRecord, SessionStatus
from services.sessions.models import BookingEvent
from tests.services.sessions.conftest import Gql, TokenFactory, utc_now

MakeSession = Callable[..., Awaitable[SessionRecord]]

BOOK = """
mutation BookSession($sessionId: ID!, $idempotencyKey: String!) {
  bookSession(sessionId: $sessionId, idempotencyKey: $idempotencyKey) {
    booking { id status waitlistPosition session { id seatsLeft } }
    error { code message }
  }
}
"""


async def book(gql: Gql, token: str | None, session_id: str, key: str = "key-1") -> dict[str, Any]:
    body = await gql(BOOK, {"sessionId": session_id, "idempotencyKey": key}, token=token)
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["bookSession"]
    return payload


async def test_booking_confirms_a_seat_and_records_the_event(
    gql: Gql, make_session: MakeSession, token_for: TokenFactory
) -> None:
    session = await make_session(capacity=5)

    payload = await book(gql, token_for("par_a"), session.id)

    booking = payload["booking"]
    assert payload["error"] is None
    assert booking["status"] == "CONFIRMED"
    assert booking["waitlistPosition"] is None
    assert booking["session"] == {"id": session.id, "seatsLeft": 4}
    events = await BookingEvent.filter(booking_id=booking["id"]).values("session_id", "status")
    assert events == [{"session_id": session.id, "status": "CONFIRMED"}]


async def test_full_session_waitlists_in_order(
    gql: Gql, make_session: MakeSession, token_for: TokenFactory
) -> None:
    session = await make_session(capacity=2)

    results = [await book(gql, token_for(f"par_{n}"), session.id) for n in range(5)]

    assert [(r["booking"]["status"], r["booking"]["waitlistPosition"]) for r in results] == [
        ("CONFIRMED", None),
        ("CONFIRMED", None),
        ("WAITLISTED", 1),
        ("WAITLISTED", 2),
        ("WAITLISTED", 3),
    ]
    assert results[-1]["booking"]["session"]["seatsLeft"] == 0


async def test_same_idempotency_key_returns_the_same_booking(
    gql: Gql, make_session: MakeSession, token_for: TokenFactory
) -> None:
    session = await make_session()
    token = token_for("par_a")

    first = await book(gql, token, session.id, "retry-me")
    again = await book(gql, token, session.id, "retry-me")

    assert again == first
    assert await BookingEvent.filter(session_id=session.id).count() == 1


async def test_concurrent_retries_with_one_key_make_one_booking(
    gql: Gql, make_session: MakeSession, token_for: TokenFactory
) -> None:
    session = await make_session()
    token = token_for("par_a")

    results = await asyncio.gather(*(book(gql, token, session.id, "same") for _ in range(10)))

    assert len({r["booking"]["id"] for r in results}) == 1
    assert {r["error"] for r in results} == {None}


async def test_twenty_concurrent_bookings_never_exceed_capacity(
    gql: Gql, make_session: MakeSession, token_for: TokenFactory
) -> None:
    session = await make_session(capacity=5)

    results = await asyncio.gather(
        *(book(gql, token_for(f"par_{n}"), session.id, f"k{n}") for n in range(20))
    )

    statuses = [r["booking"]["status"] for r in results]
    assert statuses.count("CONFIRMED") == 5
    assert statuses.count("WAITLISTED") == 15
    positions = sorted(
        r["booking"]["waitlistPosition"] for r in results if r["booking"]["waitlistPosition"]
    )
    assert positions == list(range(1, 16))


async def test_key_reused_for_another_session_is_bad_user_input(
    gql: Gql, make_session: MakeSession, token_for: TokenFactory
) -> None:
    token = token_for("par_a")
    await book(gql, token, (await make_session()).id, "k")

    payload = await book(gql, token, (await make_session()).id, "k")

    assert payload["booking"] is None
    assert payload["error"]["code"] == "BAD_USER_INPUT"


async def test_second_live_booking_for_a_session_is_already_booked(
    gql: Gql, make_session: MakeSession, token_for: TokenFactory
) -> None:
    session = await make_session()
    token = token_for("par_a")
    await book(gql, token, session.id, "one")

    payload = await book(gql, token, session.id, "two")

    assert payload == {
        "booking": None,
        "error": {
            "code": "ALREADY_BOOKED",
            "message": "You already hold a booking for this session.",
        },
    }


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"starts_at": utc_now() - timedelta(minutes=5)}, "SESSION_STARTED"),
        ({"status": SessionStatus.CANCELLED}, "SESSION_CANCELLED"),
        (
            {"status": SessionStatus.COMPLETED, "starts_at": utc_now() - timedelta(days=3)},
            "SESSION_STARTED",
        ),
    ],
)
async def test_unbookable_sessions(
    gql: Gql,
    make_session: MakeSession,
    token_for: TokenFactory,
    overrides: dict[str, Any],
    code: str,
) -> None:
    session = await make_session(**overrides)

    payload = await book(gql, token_for("par_a"), session.id)

    assert payload["booking"] is None
    assert payload["error"]["code"] == code


async def test_unknown_session_is_not_found(
    gql: Gql, database: None, token_for: TokenFactory
) -> None:
    payload = await book(gql, token_for("par_a"), "ses_missing")

    assert payload == {
        "booking": None,
        "error": {"code": "NOT_FOUND", "message": "No session has the id 'ses_missing'."},
    }


@pytest.mark.parametrize("key", ["", "x" * 201])
async def test_idempotency_key_length_is_checked(
    gql: Gql, make_session: MakeSession, token_for: TokenFactory, key: str
) -> None:
    session = await make_session()

    payload = await book(gql, token_for("par_a"), session.id, key)

    assert payload["error"] == {
        "code": "BAD_USER_INPUT",
        "message": "idempotencyKey must be 1 to 200 characters long.",
    }


async def test_longest_idempotency_key_is_accepted(
    gql: Gql, make_session: MakeSession, token_for: TokenFactory
) -> None:
    payload = await book(gql, token_for("par_a"), (await make_session()).id, "x" * 200)

    assert payload["booking"]["status"] == "CONFIRMED"


async def test_anonymous_caller_is_unauthenticated(gql: Gql, make_session: MakeSession) -> None:
    payload = await book(gql, None, (await make_session()).id)

    assert payload == {
        "booking": None,
        "error": {
            "code": "UNAUTHENTICATED",
            "message": "Sign in first: this needs an access token.",
        },
    }


async def test_staff_token_is_forbidden(
    gql: Gql, make_session: MakeSession, token_for: TokenFactory
) -> None:
    token = token_for("stf_1", Role.FACILITATOR, "ctr_test")

    payload = await book(gql, token, (await make_session()).id)

    assert payload == {
        "booking": None,
        "error": {"code": "FORBIDDEN", "message": "Only a participant may do this."},
    }


async def test_forged_token_is_unauthenticated(gql: Gql, make_session: MakeSession) -> None:
    payload = await book(gql, "not.a.token", (await make_session()).id)

    assert payload["error"]["code"] == "UNAUTHENTICATED"
