"""The demo's bookings, as seeded: a person is never in two sessions at once, and goes to one
or two centres."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

import pytest

from network.demo.sessions import seed_demo
from services.sessions.models import Booking, Series


@pytest.mark.parametrize(
    "now", [datetime.now(UTC), datetime(2025, 3, 5, 9, 0, tzinfo=UTC)], ids=["today", "2025"]
)
async def test_no_participant_is_booked_into_two_sessions_at_once_or_at_three_centres(
    database: None, now: datetime
) -> None:
    await seed_demo(now)

    rows = await Booking.all().values(
        "participant_id", "session__starts_at", "session__ends_at", "session__centre_id"
    )
    times: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
    centres: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        times[row["participant_id"]].append((row["session__starts_at"], row["session__ends_at"]))
        centres[row["participant_id"]].add(row["session__centre_id"])

    assert len(rows) > 300
    assert len(times) >= 25  # nearly every demo participant has a history
    for participant, spans in times.items():
        spans.sort()
        clashes = [(a, b) for a, b in pairwise(spans) if b[0] < a[1]]
        assert clashes == [], participant
        assert 1 <= len(centres[participant]) <= 2, participant


async def test_timetables_start_relative_to_the_day_of_seeding(database: None) -> None:
    now = datetime.now(UTC)

    await seed_demo(now)

    starts = {series.starts_on for series in await Series.all()}
    assert len(starts) == 1
    start: date = starts.pop()
    assert timedelta(weeks=10) <= now.date() - start < timedelta(weeks=12)
