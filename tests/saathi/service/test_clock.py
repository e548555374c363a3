"""The clock a service carries in its context."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from saathi.service.clock import FixedClock, system_clock


def test_the_system_clock_is_aware_and_in_utc() -> None:
    now = system_clock()

    assert now.tzinfo is UTC
    assert abs(datetime.now(UTC) - now) < timedelta(seconds=5)


def test_a_fixed_clock_stands_still_until_moved() -> None:
    start = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    clock = FixedClock(start)

    assert clock() == clock() == start
    clock.advance(90)
    assert clock() == start + timedelta(seconds=90)
    clock.set(start)
    assert clock() == start
