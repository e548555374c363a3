"""Times for people: the group's zone, 12-hour clock, weekday day month (saathi/times.py)."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from saathi.times import clock, moment
from services.sessions.domain.records import GroupLabel, SessionRecord, SessionStatus
from services.sessions.domain.staff import cancellation_message

NOW = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("wall", "expected"),
    [
        (time(0, 0), "12:00 am"),
        (time(0, 30), "12:30 am"),
        (time(9, 5), "9:05 am"),
        (time(11, 59), "11:59 am"),
        (time(12, 0), "12:00 pm"),
        (time(16, 0), "4:00 pm"),
        (time(23, 45), "11:45 pm"),
    ],
)
def test_clock_is_twelve_hour_with_lower_case_am_pm(wall: time, expected: str) -> None:
    assert clock(wall) == expected


def test_a_moment_is_told_in_the_groups_zone_without_naming_india() -> None:
    instant = datetime(2026, 12, 1, 10, 30, tzinfo=UTC)  # 4:00 pm in Kolkata

    assert moment(instant, "Asia/Kolkata", NOW) == "4:00 pm, Tue 1 Dec"


def test_the_local_date_is_the_groups_not_utcs() -> None:
    instant = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)  # 1:30 am the next day in Kolkata

    assert moment(instant, "Asia/Kolkata", NOW) == "1:30 am, Wed 2 Dec"


def test_the_year_is_said_only_when_it_is_not_this_one() -> None:
    next_year = datetime(2027, 1, 8, 12, 30, tzinfo=UTC)

    assert moment(next_year, "Asia/Kolkata", NOW) == "6:00 pm, Fri 8 Jan 2027"
    assert moment(next_year, "Asia/Kolkata") == "6:00 pm, Fri 8 Jan 2027"


def test_another_zone_is_named_and_follows_its_daylight_saving() -> None:
    summer = datetime(2026, 7, 7, 17, 0, tzinfo=UTC)
    winter = datetime(2026, 12, 8, 17, 0, tzinfo=UTC)

    assert moment(summer, "Europe/London", NOW) == "6:00 pm BST, Tue 7 Jul"
    assert moment(winter, "Europe/London", NOW) == "5:00 pm GMT, Tue 8 Dec"


def test_an_unknown_zone_falls_back_to_indias() -> None:
    instant = datetime(2026, 12, 1, 10, 30, tzinfo=UTC)

    assert moment(instant, "Mars/Olympus", NOW) == "4:00 pm, Tue 1 Dec"
    assert moment(instant, None, NOW) == "4:00 pm, Tue 1 Dec"


def test_a_cancellation_notice_says_the_groups_local_time() -> None:
    session = SessionRecord(
        id="ses_1",
        group_id="grp_1",
        centre_id="ctr_1",
        starts_at=datetime(2026, 12, 3, 10, 30, tzinfo=UTC),
        ends_at=datetime(2026, 12, 3, 12, 0, tzinfo=UTC),
        capacity=10,
        status=SessionStatus.SCHEDULED,
    )

    told = cancellation_message(GroupLabel("Hope circle", "Asia/Kolkata"), session, "Rain.", NOW)

    assert told == (
        "Your session of Hope circle at 4:00 pm, Thu 3 Dec was cancelled by the centre. "
        "Reason: Rain."
    )
    assert "UTC" not in told
    assert cancellation_message(None, session, "Rain.", NOW).startswith(
        "Your session at 4:00 pm, Thu 3 Dec was"
    )
