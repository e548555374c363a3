from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from network.demo import description as demo
from network.demo.sessions import seed_demo
from services.sessions.models import Booking, BookingEvent, Feedback, Series, Session

NOW = datetime(2025, 3, 5, 9, 0, tzinfo=UTC)


async def counts() -> list[int]:
    return [await m.all().count() for m in (Series, Session, Booking, BookingEvent, Feedback)]


@pytest.mark.timing
async def test_seed_takes_under_two_seconds(database: None) -> None:
    started = time.perf_counter()
    await seed_demo(NOW)
    elapsed = time.perf_counter() - started

    assert elapsed < 2


async def test_seed_writes_timetables_history_and_open_seats(database: None) -> None:
    await seed_demo(NOW)

    assert await Series.all().count() == len(demo.GROUPS)
    past = await Session.filter(starts_at__lt=NOW).values_list("status", flat=True)
    assert set(map(str, past)) == {"COMPLETED"}
    assert await Session.filter(starts_at__gte=NOW, status="SCHEDULED").count() > 0
    assert await Session.filter(starts_at__lt=NOW - timedelta(weeks=8)).count() == 0
    outcomes = await Booking.filter(session__starts_at__lt=NOW).values_list("status", flat=True)
    assert set(map(str, outcomes)) == {"ATTENDED", "NO_SHOW"}
    ratings = await Feedback.all().values_list("rating", flat=True)
    assert {r for r in ratings} <= {3, 4, 5}
    anonymous = await Feedback.all().values_list("anonymous", flat=True)
    assert set(map(bool, anonymous)) == {True}
    participants = {p.id for p in demo.PARTICIPANTS}
    assert set(await Booking.all().values_list("participant_id", flat=True)) <= participants


async def test_upcoming_sessions_keep_open_seats(database: None) -> None:
    await seed_demo(NOW)

    upcoming = await Session.filter(starts_at__gte=NOW).prefetch_related("bookings")
    assert all(
        len([b for b in s.bookings if b.status == "CONFIRMED"]) < s.capacity for s in upcoming
    )


async def test_seeding_twice_changes_nothing(database: None) -> None:
    await seed_demo(NOW)
    first = await counts()

    await seed_demo(NOW)

    assert await counts() == first
    assert first[2] > 500
