from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from saathi.errors import SaathiError, SessionCancelled, SessionStarted
from services.sessions.domain.bookings import check_bookable, seat_for
from services.sessions.domain.records import BookingStatus, SessionRecord, SessionStatus

NOW = datetime(2025, 3, 4, 12, 0, tzinfo=UTC)


def session(**overrides: object) -> SessionRecord:
    values: dict[str, object] = {
        "id": "ses_1",
        "group_id": "grp_1",
        "centre_id": "ctr_1",
        "starts_at": NOW + timedelta(hours=1),
        "ends_at": NOW + timedelta(hours=2),
        "capacity": 2,
        "status": SessionStatus.SCHEDULED,
    }
    values.update(overrides)
    return SessionRecord(**values)  # type: ignore[arg-type]


def test_seat_while_capacity_remains_then_next_waitlist_place() -> None:
    assert seat_for(session(confirmed=1), last_waitlist_position=0) == (
        BookingStatus.CONFIRMED,
        None,
    )
    assert seat_for(session(confirmed=2), last_waitlist_position=0) == (BookingStatus.WAITLISTED, 1)
    assert seat_for(session(confirmed=2), last_waitlist_position=4) == (BookingStatus.WAITLISTED, 5)


def test_attended_bookings_do_not_hold_seats_for_booking() -> None:
    assert seat_for(session(confirmed=1, attended=5), 0) == (BookingStatus.CONFIRMED, None)


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"status": SessionStatus.CANCELLED}, SessionCancelled),
        ({"status": SessionStatus.COMPLETED}, SessionStarted),
        ({"starts_at": NOW}, SessionStarted),
        ({"starts_at": NOW - timedelta(minutes=1)}, SessionStarted),
    ],
)
def test_unbookable(overrides: dict[str, object], error: type[SaathiError]) -> None:
    with pytest.raises(error):
        check_bookable(session(**overrides), NOW)


def test_bookable_until_it_starts() -> None:
    upcoming = session(starts_at=NOW + timedelta(seconds=1))

    check_bookable(upcoming, NOW)  # a second before the start: no refusal
    with pytest.raises(SessionStarted):
        check_bookable(upcoming, NOW + timedelta(seconds=1))
