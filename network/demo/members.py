"""Who goes where in the demo network, and since when: a history that could have happened.

Each demo participant belongs to a few groups at one or two centres, never to two groups whose
times could overlap, so no one is ever booked into two sessions at once (or in two cities at
the same moment). The groups are those of their home centre (in their home city), and for most
people one online group run by another centre:

- everyone: their home centre's recovery circle;
- some: its one-to-one mentoring (every fourth person) or its families programme (every fifth);
- two in three: the online group of the network's first centre (of its second, for people whose
  home that first centre is); the rest: their home centre's own online group.

No one is placed in a women's circle: the demo records no one's gender. The first centre's
online group gathers people from every city, which is also what makes its programme report big
enough to show figures (reports withhold those about fewer than 11 people).

Dates are relative to the day the demo is seeded: every timetable starts on a Monday at least
ten weeks earlier (the history is eight weeks long), an even number of weeks after a fixed
Monday, so a fortnightly group meets on the same weeks whichever day it was seeded.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from network.demo.description import CENTRES, GROUPS, PARTICIPANTS, DemoGroup, DemoParticipant

EPOCH = date(2024, 1, 1)  # a Monday: the phase of fortnightly groups, not a date anyone sees
LEAD = timedelta(weeks=10)
_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_MINUTES_A_DAY = 24 * 60


def schedule_start(today: date) -> date:
    """The Monday the demo timetables start from, for a demo seeded on ``today``."""
    fortnights = (today - LEAD - EPOCH).days // 14
    return EPOCH + timedelta(weeks=2 * fortnights)


def weekly_slots(group: DemoGroup) -> set[tuple[int, int, int]]:
    """Every (weekday, start minute, end minute) the group could meet in a week, in its zone.

    Generous on purpose: a monthly rule counts on every week of its weekday, a rule without a
    weekday (daily, by month day, yearly) on every day, so "slots do not overlap" is a promise
    about every week, whatever the date.
    """
    rule = dict(part.split("=", 1) for part in group.rrule.upper().split(";") if "=" in part)
    named = [day[-2:] for day in rule["BYDAY"].split(",")] if "BYDAY" in rule else []
    days = [_DAYS.index(day) for day in named] if named else list(range(7))
    start = int(rule.get("BYHOUR", "0").split(",")[0]) * 60 + int(
        rule.get("BYMINUTE", "0").split(",")[0]
    )
    end = start + group.duration_minutes
    slots: set[tuple[int, int, int]] = set()
    for day in days:
        slots.add((day, start, min(end, _MINUTES_A_DAY)))
        if end > _MINUTES_A_DAY:  # past midnight: the rest falls on the next day
            slots.add(((day + 1) % 7, 0, end - _MINUTES_A_DAY))
    return slots


def overlap(one: DemoGroup, other: DemoGroup) -> bool:
    """Could a session of ``one`` and one of ``other`` ever be under way at the same moment?"""
    if one.timezone != other.timezone:
        return True  # not compared across zones: the demo keeps one zone
    return any(
        day == other_day and start < other_end and other_start < end
        for day, start, end in weekly_slots(one)
        for other_day, other_start, other_end in weekly_slots(other)
    )


def _home_centre(person: DemoParticipant, index: int) -> str:
    """The centre in the person's city; where there are several, the one whose first language
    is theirs, else one by turns."""
    local = [centre for centre in CENTRES if centre.city == person.home_city]
    speaking = [centre for centre in local if centre.languages[0] == person.preferred_language]
    return (speaking or local)[0 if speaking else index % len(local)].id


def _of(centre_id: str) -> dict[str, DemoGroup]:
    """A centre's groups by what they are (the demo gives every centre the same five)."""
    found: dict[str, DemoGroup] = {}
    for group in GROUPS:
        if group.centre_id != centre_id:
            continue
        if "WOMEN" in group.audience:
            found["women"] = group
        elif group.format == "ONLINE":
            found["online"] = group
        elif group.kind == "MENTORING":
            found["mentoring"] = group
        elif "FAMILIES" in group.audience:
            found["families"] = group
        else:
            found["circle"] = group
    return found


def _without_overlaps(wanted: Iterable[DemoGroup]) -> tuple[DemoGroup, ...]:
    kept: list[DemoGroup] = []
    for group in wanted:
        if not any(overlap(group, other) for other in kept):
            kept.append(group)
    return tuple(kept)


def _memberships() -> dict[str, tuple[DemoGroup, ...]]:
    hub, second = CENTRES[0].id, CENTRES[1].id
    members: dict[str, tuple[DemoGroup, ...]] = {}
    for index, person in enumerate(PARTICIPANTS):
        home = _home_centre(person, index)
        local = _of(home)
        wanted = [local["circle"]]
        if index % 4 == 0:
            wanted.append(local["mentoring"])
        if index % 5 == 2:
            wanted.append(local["families"])
        if index % 3:
            wanted.append(_of(second if home == hub else hub)["online"])
        else:
            wanted.append(local["online"])
        members[person.id] = _without_overlaps(wanted)
    return members


MEMBERSHIPS = _memberships()
"""Each participant's groups, by participant id."""

MEMBERS: dict[str, tuple[DemoParticipant, ...]] = {
    group.id: tuple(p for p in PARTICIPANTS if group in MEMBERSHIPS[p.id]) for group in GROUPS
}
"""Each group's members, by group id (empty for a group no demo participant belongs to)."""
