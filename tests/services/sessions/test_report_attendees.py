"""Who attended each group in a report's window: the people whose check-ins consent may weigh
(only ATTENDED bookings, only sessions the centre held in the window, each person once)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from services.sessions.domain.records import BookingStatus, SessionRecord, SessionStatus
from services.sessions.repository import reports
from tests.services.sessions.conftest import book, utc_now

MakeSession = Callable[..., Awaitable[SessionRecord]]


async def test_attendees_are_distinct_per_group_and_only_attended_in_the_window(
    make_session: MakeSession,
) -> None:
    now = utc_now()
    first = await make_session(
        centre_id="ctr_a", group_id="grp_a", starts_at=now - timedelta(days=9)
    )
    second = await make_session(
        centre_id="ctr_a", group_id="grp_a", starts_at=now - timedelta(days=2)
    )
    other = await make_session(
        centre_id="ctr_a", group_id="grp_b", starts_at=now - timedelta(days=3)
    )
    cancelled = await make_session(
        centre_id="ctr_a",
        group_id="grp_b",
        starts_at=now - timedelta(days=4),
        status=SessionStatus.CANCELLED,
    )
    before = await make_session(
        centre_id="ctr_a", group_id="grp_a", starts_at=now - timedelta(days=40)
    )
    elsewhere = await make_session(
        centre_id="ctr_x", group_id="grp_x", starts_at=now - timedelta(days=2)
    )
    for session in (first, second):
        await book(session, "par_1", BookingStatus.ATTENDED)
    await book(second, "par_2", BookingStatus.ATTENDED)
    await book(second, "par_absent", BookingStatus.NO_SHOW)
    await book(other, "par_3", BookingStatus.ATTENDED)
    await book(cancelled, "par_4", BookingStatus.ATTENDED)
    await book(before, "par_5", BookingStatus.ATTENDED)
    await book(elsewhere, "par_6", BookingStatus.ATTENDED)

    found = await reports.attendees("ctr_a", now - timedelta(days=30), now)

    assert found == {"grp_a": ["par_1", "par_2"], "grp_b": ["par_3"]}
