"""The demo network's memberships and dates: a history that could have happened."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from itertools import combinations

import pytest

from network.demo.description import GROUPS, PARTICIPANTS
from network.demo.members import EPOCH, MEMBERS, MEMBERSHIPS, overlap, schedule_start

CIRCLE = next(g for g in GROUPS if g.rrule == "FREQ=WEEKLY;BYDAY=TU;BYHOUR=18;BYMINUTE=0")


def test_everyone_belongs_at_one_or_two_centres_to_groups_that_never_overlap() -> None:
    for person in PARTICIPANTS:
        groups = MEMBERSHIPS[person.id]
        assert groups, person.display_name
        assert 1 <= len({g.centre_id for g in groups}) <= 2, person.display_name
        assert not any(overlap(a, b) for a, b in combinations(groups, 2)), person.display_name


def test_no_one_is_placed_in_a_womens_circle_and_one_online_group_is_big_enough_to_report() -> None:
    women = [g.id for g in GROUPS if "WOMEN" in g.audience]

    assert all(MEMBERS[g] == () for g in women)
    assert max(len(m) for m in MEMBERS.values()) >= 11


@pytest.mark.parametrize(
    ("rrule", "minutes", "overlaps"),
    [
        ("FREQ=WEEKLY;BYDAY=TU;BYHOUR=19;BYMINUTE=0", 60, True),  # starts inside 18:00-19:30
        ("FREQ=WEEKLY;BYDAY=TU;BYHOUR=19;BYMINUTE=30", 60, False),  # starts as it ends
        ("FREQ=WEEKLY;BYDAY=TU;BYHOUR=17;BYMINUTE=0", 61, True),
        ("FREQ=WEEKLY;BYDAY=TH;BYHOUR=18;BYMINUTE=0", 90, False),
        ("FREQ=MONTHLY;BYDAY=1TU;BYHOUR=18;BYMINUTE=30", 30, True),  # some Tuesday, counted
        ("FREQ=DAILY;BYHOUR=18;BYMINUTE=0", 30, True),
        ("FREQ=WEEKLY;BYDAY=MO;BYHOUR=23;BYMINUTE=0", 20 * 60, True),  # runs into Tuesday
    ],
)
def test_overlap_is_judged_on_every_week(rrule: str, minutes: int, overlaps: bool) -> None:
    other = replace(CIRCLE, rrule=rrule, duration_minutes=minutes)

    assert overlap(CIRCLE, other) is overlaps
    assert overlap(other, CIRCLE) is overlaps


@pytest.mark.parametrize("today", [date(2026, 11, 29), date(2027, 3, 1), date(2025, 1, 6)])
def test_timetables_start_a_little_over_ten_weeks_before_the_day_of_seeding(today: date) -> None:
    start = schedule_start(today)

    assert start.weekday() == 0
    assert timedelta(weeks=10) <= today - start < timedelta(weeks=12)
    assert (start - EPOCH).days % 14 == 0  # fortnightly groups keep their weeks
    assert schedule_start(today + timedelta(days=1)) in (start, start + timedelta(weeks=2))
