from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from saathi.peers import Peers
from saathi.service_trust import SERVICE_TOKEN_HEADER
from saathi.tokens import Role
from services.sessions.domain.records import BookingStatus, SessionRecord
from services.sessions.models import BookingEvent, Notification
from tests.conftest import operation
from tests.services.sessions.conftest import Gql, TokenFactory, book, utc_now

MakeSession = Callable[..., Awaitable[SessionRecord]]

CENTRE_SESSIONS = """
query($reps: [_Any!]!, $from: DateTime!, $to: DateTime!) {
  _entities(representations: $reps) {
    ... on Centre {
      id
      sessions(from: $from, to: $to) {
        id status seatsTaken group { id }
        bookings { id status participant { id } }
      }
    }
  }
}
"""


def window(days: int = 7) -> dict[str, Any]:
    now = utc_now()
    return {
        "from": (now - timedelta(days=1)).isoformat(),
        "to": (now + timedelta(days=days)).isoformat(),
    }


def centre(centre_id: str, extra: dict[str, Any]) -> dict[str, Any]:
    return {"reps": [{"__typename": "Centre", "id": centre_id}], **extra}


async def test_staff_read_their_centre_sessions_with_bookings_in_three_statements(
    gql: Gql, make_session: MakeSession, token_for: TokenFactory, sql_statements: Callable[..., Any]
) -> None:
    sessions = [await make_session(centre_id="ctr_a") for _ in range(10)]
    for session in sessions:
        await book(session, "par_1", BookingStatus.CONFIRMED)
        await book(session, "par_2", BookingStatus.WAITLISTED)
    await make_session(centre_id="ctr_b")
    token = token_for("stf_a", Role.FACILITATOR, "ctr_a")

    with sql_statements() as log:
        body = await gql(CENTRE_SESSIONS, centre("ctr_a", window()), token=token)

    assert "errors" not in body
    listed = body["data"]["_entities"][0]["sessions"]
    assert [s["id"] for s in listed] == [
        s.id for s in sorted(sessions, key=lambda s: (s.starts_at, s.id))
    ]
    assert sorted((b["status"], b["participant"]["id"]) for b in listed[0]["bookings"]) == [
        ("CONFIRMED", "par_1"),
        ("WAITLISTED", "par_2"),
    ]
    assert [len(s["bookings"]) for s in listed] == [2] * 10
    # the centre's series (none to materialise), its sessions with counts, all their bookings
    assert len(log.statements) == 3


async def test_another_centres_sessions_are_forbidden_never_empty(
    gql: Gql, make_session: MakeSession, token_for: TokenFactory
) -> None:
    await make_session(centre_id="ctr_a")

    other = await gql(
        CENTRE_SESSIONS,
        centre("ctr_a", window()),
        token=token_for("stf_b", Role.CENTRE_ADMIN, "ctr_b"),
    )
    participant = await gql(CENTRE_SESSIONS, centre("ctr_a", window()), token=token_for("par_1"))
    anonymous = await gql(CENTRE_SESSIONS, centre("ctr_a", window()))

    assert other["data"] == {"_entities": [None]}
    assert [e["extensions"]["code"] for e in other["errors"]] == ["FORBIDDEN"]
    assert [e["extensions"]["code"] for e in participant["errors"]] == ["FORBIDDEN"]
    assert [e["extensions"]["code"] for e in anonymous["errors"]] == ["UNAUTHENTICATED"]


async def test_session_bookings_only_for_staff_of_the_holding_centre(
    gql: Gql, make_session: MakeSession, token_for: TokenFactory
) -> None:
    session = await make_session(centre_id="ctr_a")
    await book(session, "par_1", BookingStatus.CONFIRMED)
    representation = f'{{__typename: "Session", id: "{session.id}"}}'
    fragment = "... on Session { bookings { id } }"
    query = f"{{ _entities(representations: [{representation}]) {{ {fragment} }} }}"

    own = await gql(query, token=token_for("stf_a", Role.SUPERVISOR, "ctr_a"))
    other = await gql(query, token=token_for("stf_b", Role.SUPERVISOR, "ctr_b"))

    assert len(own["data"]["_entities"][0]["bookings"]) == 1
    assert [e["extensions"]["code"] for e in other["errors"]] == ["FORBIDDEN"]


async def test_window_longer_than_93_days_or_reversed_is_bad_user_input(
    gql: Gql, database: None, token_for: TokenFactory
) -> None:
    token = token_for("stf_a", Role.FACILITATOR, "ctr_a")
    now = utc_now()
    long = {"from": now.isoformat(), "to": (now + timedelta(days=94)).isoformat()}
    reversed_ = {"from": now.isoformat(), "to": (now - timedelta(days=1)).isoformat()}

    too_long = await gql(CENTRE_SESSIONS, centre("ctr_a", long), token=token)
    backwards = await gql(CENTRE_SESSIONS, centre("ctr_a", reversed_), token=token)

    assert [(e["message"], e["extensions"]["code"]) for e in too_long["errors"]] == [
        ("The window may span at most 93 days.", "BAD_USER_INPUT")
    ]
    assert backwards["errors"][0]["message"] == "from must be before to."


async def test_record_attendance_marks_confirmed_bookings_with_events(
    gql: Gql, make_session: MakeSession, token_for: TokenFactory
) -> None:
    session = await make_session(centre_id="ctr_a", starts_at=utc_now() - timedelta(minutes=30))
    came = await book(session, "par_1", BookingStatus.CONFIRMED)
    absent = await book(session, "par_2", BookingStatus.CONFIRMED)
    marks = [{"bookingId": came.id, "attended": True}, {"bookingId": absent.id, "attended": False}]

    body = await gql(
        operation("centre", "RecordAttendance"),
        {"sessionId": session.id, "attendance": marks},
        token=token_for("stf_a", Role.FACILITATOR, "ctr_a"),
    )

    assert body["data"]["recordAttendance"] == {
        "session": {"id": session.id, "attendedCount": 1},
        "error": None,
    }
    events = (
        await BookingEvent.filter(session_id=session.id)
        .order_by("id")
        .values_list("booking_id", "status")
    )
    assert events[-2:] == [(came.id, "ATTENDED"), (absent.id, "NO_SHOW")]


async def test_record_attendance_refusals(
    gql: Gql, make_session: MakeSession, token_for: TokenFactory
) -> None:
    started = await make_session(centre_id="ctr_a", starts_at=utc_now() - timedelta(minutes=5))
    ahead = await make_session(centre_id="ctr_a")
    stranger = await book(ahead, "par_9", BookingStatus.CONFIRMED)
    mine = await book(ahead, "par_1", BookingStatus.CONFIRMED)
    admin_a = token_for("stf_a", Role.CENTRE_ADMIN, "ctr_a")

    async def attempt(session_id: str, booking_id: str, token: str) -> Any:
        body = await gql(
            operation("centre", "RecordAttendance"),
            {"sessionId": session_id, "attendance": [{"bookingId": booking_id, "attended": True}]},
            token=token,
        )
        return body["data"]["recordAttendance"]["error"]

    assert await attempt(ahead.id, mine.id, admin_a) == {
        "code": "BAD_USER_INPUT",
        "message": "Attendance can be recorded once the session has started.",
    }
    assert (await attempt(started.id, stranger.id, admin_a))["code"] == "BAD_USER_INPUT"
    # Another centre's session answers exactly as a missing one.
    assert await attempt(
        started.id, stranger.id, token_for("stf_b", Role.CENTRE_ADMIN, "ctr_b")
    ) == {
        "code": "NOT_FOUND",
        "message": f"Your centre holds no session with the id {started.id!r}.",
    }
    assert (await attempt(started.id, stranger.id, token_for("stf_s", Role.SUPERVISOR, "ctr_a")))[
        "code"
    ] == "FORBIDDEN"
    assert (await attempt("ses_nope", stranger.id, admin_a))["code"] == "NOT_FOUND"


def consent_stand_in(
    received: list[dict[str, Any]], state: dict[str, bool] | None = None
) -> Starlette:
    """Consent's ``/internal/notify``; answers 503 while ``state["up"]`` is false."""

    async def notify(request: Request) -> JSONResponse:
        if state is not None and not state["up"]:
            return JSONResponse({"error": "down"}, status_code=503)
        body = json.loads(await request.body())
        received.append({"auth": SERVICE_TOKEN_HEADER in request.headers, **body})
        return JSONResponse({"delivered": len(body["participantIds"]), "skipped": 0})

    return Starlette(routes=[Route("/internal/notify", notify, methods=["POST"])])


async def test_cancel_session_cancels_bookings_and_tells_each_participant(
    gql: Gql,
    make_session: MakeSession,
    make_series: Callable[..., Awaitable[Any]],
    token_for: TokenFactory,
    peers: Peers,
) -> None:
    series = await make_series(centre_id="ctr_a", group_name="Hope circle")
    # 10:30 UTC is 4:00 pm in Kolkata, the group's zone
    starts_at = (utc_now() + timedelta(days=2)).replace(hour=10, minute=30, second=0, microsecond=0)
    session = await make_session(centre_id="ctr_a", group_id=series.group_id, starts_at=starts_at)
    one = await book(session, "par_1", BookingStatus.CONFIRMED)
    two = await book(session, "par_2", BookingStatus.WAITLISTED)
    gone = await book(session, "par_3", BookingStatus.CANCELLED)
    received: list[dict[str, Any]] = []
    peers.attach_app("consent", consent_stand_in(received))
    admin = token_for("stf_a", Role.CENTRE_ADMIN, "ctr_a")
    variables = {"sessionId": session.id, "reason": "Facilitator unwell"}

    first = await gql(operation("centre", "CancelSession"), variables, token=admin)
    again = await gql(operation("centre", "CancelSession"), variables, token=admin)

    assert first["data"]["cancelSession"] == {
        "session": {"id": session.id, "status": "CANCELLED"},
        "error": None,
    }
    assert again["data"] == first["data"]
    year = "" if starts_at.year == utc_now().year else f" {starts_at.year}"
    when = f"4:00 pm, {starts_at:%a} {starts_at.day} {starts_at:%b}{year}"
    assert received == [
        {
            "auth": True,
            "participantIds": ["par_1", "par_2"],
            "kind": "session_cancelled",
            "message": f"Your session of Hope circle at {when} was cancelled by the centre. "
            "Reason: Facilitator unwell",
        }
    ]
    statuses = dict(
        await BookingEvent.filter(status="CANCELLED").values_list("booking_id", "status")
    )
    assert set(statuses) == {one.id, two.id, gone.id}
    assert await Notification.filter(delivered_at=None).count() == 0


async def test_cancel_session_keeps_the_message_in_the_outbox_while_consent_is_down(
    gql: Gql, make_session: MakeSession, token_for: TokenFactory, peers: Peers
) -> None:
    session = await make_session(centre_id="ctr_a")
    later = await make_session(centre_id="ctr_a")
    await book(session, "par_1", BookingStatus.CONFIRMED)
    await book(later, "par_2", BookingStatus.CONFIRMED)
    received: list[dict[str, Any]] = []
    state = {"up": False}
    peers.attach_app("consent", consent_stand_in(received, state))
    admin = token_for("stf_a", Role.CENTRE_ADMIN, "ctr_a")

    body = await gql(
        operation("centre", "CancelSession"),
        {"sessionId": session.id, "reason": "Flood"},
        token=admin,
    )
    pending = await Notification.filter(delivered_at=None).values("participant_ids", "attempts")
    state["up"] = True
    await gql(
        operation("centre", "CancelSession"),
        {"sessionId": later.id, "reason": "Flood"},
        token=admin,
    )

    assert body["data"]["cancelSession"]["session"]["status"] == "CANCELLED"
    assert pending == [{"participant_ids": ["par_1"], "attempts": 1}]
    assert [r["participantIds"] for r in received] == [["par_1"], ["par_2"]]
    assert await Notification.filter(delivered_at=None).count() == 0


async def test_cancel_session_is_for_the_admin_of_the_centre_before_it_starts(
    gql: Gql, make_session: MakeSession, token_for: TokenFactory
) -> None:
    session = await make_session(centre_id="ctr_a")
    started = await make_session(centre_id="ctr_a", starts_at=utc_now() - timedelta(minutes=1))

    async def code(session_id: str, token: str) -> str:
        body = await gql(
            operation("centre", "CancelSession"),
            {"sessionId": session_id, "reason": "x"},
            token=token,
        )
        return str(body["data"]["cancelSession"]["error"]["code"])

    assert await code(session.id, token_for("stf_b", Role.CENTRE_ADMIN, "ctr_b")) == "NOT_FOUND"
    assert await code("ses_nope", token_for("stf_b", Role.CENTRE_ADMIN, "ctr_b")) == "NOT_FOUND"
    assert await code(session.id, token_for("stf_f", Role.FACILITATOR, "ctr_a")) == "FORBIDDEN"
    assert (
        await code(started.id, token_for("stf_a", Role.CENTRE_ADMIN, "ctr_a")) == "SESSION_STARTED"
    )
