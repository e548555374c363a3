from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.sessions.domain.records import BookingStatus, SessionRecord, SessionStatus

AT = datetime(2025, 3, 4, 12, 30, tzinfo=UTC)


def session(capacity: int, confirmed: int, attended: int = 0) -> SessionRecord:
    return SessionRecord(
        "ses_1", "grp_1", "ctr_1", AT, AT, capacity, SessionStatus.SCHEDULED, confirmed, attended
    )


@pytest.mark.parametrize(
    ("capacity", "confirmed", "attended", "left", "taken"),
    [(5, 0, 0, 5, 0), (5, 3, 1, 2, 4), (5, 5, 0, 0, 5), (2, 4, 0, 0, 4), (12, 0, 9, 12, 9)],
)
def test_seats_left_and_taken(
    capacity: int, confirmed: int, attended: int, left: int, taken: int
) -> None:
    record = session(capacity, confirmed, attended)

    assert (record.seats_left, record.seats_taken) == (left, taken)


def test_live_statuses() -> None:
    assert [s for s in BookingStatus if s.is_live] == [
        BookingStatus.CONFIRMED,
        BookingStatus.WAITLISTED,
    ]
