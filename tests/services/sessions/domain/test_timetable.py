from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta

import pytest

from saathi.errors import BadUserInput
from saathi.ids import stable_id
from services.sessions import repository
from services.sessions.domain.records import SeriesRecord
from services.sessions.domain.timetable import (
    AHEAD,
    check_page,
    ensure_materialised,
    extend_horizons,
    materialise,
    occurrences,
    session_id,
    upcoming,
)


def series(**overrides: object) -> SeriesRecord:
    values: dict[str, object] = {
        "id": "srs_1",
        "group_id": "grp_1",
        "centre_id": "ctr_1",
        "rrule": "FREQ=WEEKLY;BYDAY=TU;BYHOUR=18;BYMINUTE=0",
        "timezone": "Asia/Kolkata",
        "starts_on": date(2025, 1, 6),
        "duration_minutes": 90,
        "capacity": 12,
    }
    values.update(overrides)
    return SeriesRecord(**values)  # type: ignore[arg-type]


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_kolkata_wall_clock_is_converted_to_utc() -> None:
    starts = occurrences(series(), utc(2025, 1, 6), utc(2025, 1, 22))

    assert starts == [utc(2025, 1, 7, 12, 30), utc(2025, 1, 14, 12, 30), utc(2025, 1, 21, 12, 30)]


def test_london_keeps_the_local_hour_across_the_october_change() -> None:
    london = series(timezone="Europe/London", rrule="FREQ=WEEKLY;BYDAY=TU;BYHOUR=18")

    starts = occurrences(london, utc(2025, 10, 20), utc(2025, 11, 5))

    # BST (UTC+1) until Sunday 26 October 2025, GMT after: 18:00 local both weeks.
    assert starts == [utc(2025, 10, 21, 17), utc(2025, 10, 28, 18), utc(2025, 11, 4, 18)]


def test_london_spring_change_moves_utc_back_an_hour() -> None:
    london = series(timezone="Europe/London", rrule="FREQ=WEEKLY;BYDAY=SA;BYHOUR=10;BYMINUTE=30")

    starts = occurrences(london, utc(2025, 3, 27), utc(2025, 4, 6))

    # Clocks go forward on Sunday 30 March 2025.
    assert starts == [utc(2025, 3, 29, 10, 30), utc(2025, 4, 5, 9, 30)]


def test_window_is_half_open_and_starts_on_is_respected() -> None:
    later = series(starts_on=date(2025, 1, 13))

    starts = occurrences(later, utc(2025, 1, 1), utc(2025, 1, 21, 12, 30))

    assert starts == [utc(2025, 1, 14, 12, 30)]


def test_materialise_gives_stable_ids_and_duration() -> None:
    sessions = materialise(series(), utc(2025, 1, 7), utc(2025, 1, 8))

    assert [(s.id, s.starts_at, s.ends_at, s.capacity) for s in sessions] == [
        (
            stable_id("ses", "grp_1@2025-01-07T12:30:00+00:00"),
            utc(2025, 1, 7, 12, 30),
            utc(2025, 1, 7, 14, 0),
            12,
        )
    ]
    assert session_id("grp_1", utc(2025, 1, 7, 12, 30)) == sessions[0].id


def test_every_other_week_rule() -> None:
    fortnightly = series(rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=SU;BYHOUR=16;BYMINUTE=0")

    starts = occurrences(fortnightly, utc(2025, 1, 1), utc(2025, 2, 1))

    assert starts == [utc(2025, 1, 12, 10, 30), utc(2025, 1, 26, 10, 30)]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"rrule": "EVERY TUESDAY"}, "'EVERY TUESDAY' is not an RFC 5545 RRULE."),
        ({"timezone": "Mars/Olympus"}, "'Mars/Olympus' is not an IANA time zone."),
    ],
)
def test_bad_rule_or_zone_is_bad_user_input(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(BadUserInput) as raised:
        occurrences(series(**overrides), utc(2025, 1, 1), utc(2025, 2, 1))

    assert raised.value.message == message


@pytest.mark.parametrize(("first", "page"), [(None, 10), (1, 1), (50, 50)])
def test_check_page_accepts_1_to_50(first: int | None, page: int) -> None:
    assert check_page(first) == page


@pytest.mark.parametrize("first", [0, -1, 51])
def test_check_page_refuses_out_of_range(first: int) -> None:
    with pytest.raises(BadUserInput):
        check_page(first)


async def test_ensure_materialised_inserts_once_and_records_the_horizon(
    make_series: Callable[..., Awaitable[SeriesRecord]],
) -> None:
    stored = await make_series()
    now = utc(2025, 3, 3, 6)

    await ensure_materialised([stored.group_id], now)
    await ensure_materialised([stored.group_id], now)

    sessions = await repository.upcoming_sessions([stored.group_id], now)
    assert [s.starts_at for s in sessions] == [
        utc(2025, 3, 4, 12, 30) + timedelta(weeks=w) for w in range(5)
    ]
    (after,) = await repository.series_for_groups([stored.group_id])
    assert after.materialised_until == now + AHEAD


async def test_extend_horizons_materialises_every_short_series_without_a_read(
    make_series: Callable[..., Awaitable[SeriesRecord]],
) -> None:
    groups = [(await make_series()).group_id for _ in range(3)]
    now = utc(2025, 3, 3, 6)

    extended = await extend_horizons(now, batch=2)
    again = await extend_horizons(now)
    a_week_on = await extend_horizons(now + timedelta(weeks=1, hours=1))

    assert (extended, again, a_week_on) == (3, 0, 3)
    for series in await repository.series_for_groups(groups):
        assert series.materialised_until == now + timedelta(weeks=1, hours=1) + AHEAD
    sessions = await repository.upcoming_sessions(groups, now)
    assert len(sessions) == 3 * 6


async def test_upcoming_groups_sessions_and_materialises_a_page_in_one_insert(
    make_series: Callable[..., Awaitable[SeriesRecord]],
    sql_statements: Callable[..., object],
) -> None:
    groups = [(await make_series()).group_id for _ in range(20)]
    now = utc(2025, 3, 3, 6)

    with sql_statements() as log:  # type: ignore[attr-defined]
        by_group = await upcoming([*groups, "grp_unknown"], now)

    assert [len(by_group[g]) for g in groups] == [5] * 20
    assert by_group["grp_unknown"] == []
    inserts = [s for s in log.statements if s.startswith("INSERT")]
    assert len(inserts) == 1
    assert len(log.statements) == 4  # read series, insert sessions, mark series, read sessions
