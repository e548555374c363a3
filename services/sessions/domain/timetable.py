"""Materialising a group's RRULE into sessions, in the group's own time zone.

The rule is read in wall-clock time (``BYHOUR=18`` means 18:00 in ``Europe/London`` whether it is
GMT or BST that week) and each occurrence is converted to UTC, so daylight-saving changes move
the UTC instant, never the local time. A session's id is derived from its group and UTC start,
so materialising the same window again yields the same ids and inserts nothing new.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rrule, rrulestr

from saathi.errors import BadUserInput
from saathi.ids import stable_id
from saathi.service.connections import page_size
from services.sessions import repository
from services.sessions.domain.records import SeriesRecord, SessionRecord, SessionStatus

HORIZON = timedelta(weeks=4)
"""Sessions are bookable this far ahead."""

AHEAD = HORIZON + timedelta(weeks=1)
"""How far one materialisation reaches, so that reads inside the week after need no write."""


def session_id(group_id: str, starts_at: datetime) -> str:
    """The stable id of ``group_id``'s session starting at ``starts_at`` (any zone)."""
    return stable_id("ses", f"{group_id}@{starts_at.astimezone(UTC).isoformat()}")


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadUserInput(f"{name!r} is not an IANA time zone.") from None


def parse_rule(rule: str, starts_on: date) -> rrule:
    """The recurrence of ``rule`` from local midnight of ``starts_on``; ``BadUserInput`` if bad."""
    try:
        parsed = rrulestr(rule, dtstart=datetime.combine(starts_on, time()))
    except (ValueError, TypeError):
        raise BadUserInput(f"{rule!r} is not an RFC 5545 RRULE.") from None
    if not isinstance(parsed, rrule):
        raise BadUserInput("Give a single RRULE, not a set of rules.")
    return parsed


def occurrences(series: SeriesRecord, start: datetime, end: datetime) -> list[datetime]:
    """UTC starts of ``series``'s sessions with ``start <= starts_at < end`` (both aware)."""
    tz = zone(series.timezone)
    rule = parse_rule(series.rrule, series.starts_on)
    # Search in naive wall time with a day's margin either side, then filter in UTC, so that
    # offsets (and a DST change inside the window) cannot drop an occurrence at the edges.
    local_start = start.astimezone(tz).replace(tzinfo=None) - timedelta(days=1)
    local_end = end.astimezone(tz).replace(tzinfo=None) + timedelta(days=1)
    starts = []
    for local in rule.between(local_start, local_end, inc=True):
        instant = local.replace(tzinfo=tz).astimezone(UTC)
        if start <= instant < end:
            starts.append(instant)
    return starts


def materialise(
    series: SeriesRecord,
    start: datetime,
    end: datetime,
    *,
    status: SessionStatus = SessionStatus.SCHEDULED,
) -> list[SessionRecord]:
    """The sessions of ``series`` starting in ``[start, end)``, with stable ids."""
    length = timedelta(minutes=series.duration_minutes)
    return [
        SessionRecord(
            id=session_id(series.group_id, starts_at),
            group_id=series.group_id,
            centre_id=series.centre_id,
            starts_at=starts_at,
            ends_at=starts_at + length,
            capacity=series.capacity,
            status=status,
        )
        for starts_at in occurrences(series, start, end)
    ]


async def ensure_materialised(group_ids: Sequence[str], now: datetime) -> None:
    """Make sure every given group's sessions exist for the coming four weeks.

    One read of the series; when some fall short, one bulk insert (existing sessions are kept
    as they are) and one update of their ``materialised_until``.
    """
    if not group_ids:
        return
    await _extend(await repository.series_short_of(group_ids, now + HORIZON), now)


async def extend_horizons(now: datetime, batch: int = 1000) -> int:
    """Materialise every series that falls short of the horizon, not only those someone reads
    (the worker's rounds): the seats the directory keeps for nearby search then hold the whole
    four-week window of every group. Returns how many series were extended."""
    extended = 0
    while short := await repository.series_short_anywhere(now + HORIZON, batch):
        await _extend(short, now)
        extended += len(short)
    return extended


async def _extend(short: Sequence[SeriesRecord], now: datetime) -> None:
    if not short:
        return
    until = now + AHEAD
    sessions: list[SessionRecord] = []
    for series in short:
        start = max(series.materialised_until or now, now)
        sessions.extend(materialise(series, start, until))
    await repository.insert_sessions(sessions)
    await repository.mark_materialised([s.id for s in short], until)


async def upcoming(group_ids: Sequence[str], now: datetime) -> dict[str, list[SessionRecord]]:
    """Each group's scheduled sessions starting after ``now``, soonest first.

    Groups whose timetable falls short of the horizon are materialised first, all together.
    """
    await ensure_materialised(group_ids, now)
    by_group: dict[str, list[SessionRecord]] = {group_id: [] for group_id in group_ids}
    for session in await repository.upcoming_sessions(group_ids, now):
        by_group[session.group_id].append(session)
    return by_group


async def next_sessions(group_ids: Sequence[str], now: datetime) -> dict[str, SessionRecord]:
    """Each group's first scheduled session starting after ``now``, for those that have one
    (``nextSession``: reads one session a group however many are planned)."""
    await ensure_materialised(group_ids, now)
    return await repository.next_sessions(group_ids, now)


async def sessions(session_ids: Sequence[str]) -> dict[str, SessionRecord]:
    """The sessions with these ids (unknown ids are left out)."""
    return await repository.sessions_by_ids(session_ids)


MAX_PAGE = 50


DEFAULT_PAGE = 10


def check_page(first: int | None) -> int:
    """``first`` for a list of upcoming sessions: 1 to 50 (null means the default, 10). The
    contract keeps this list bare (no cursor): a group has few sessions ahead."""
    return page_size(first, default=DEFAULT_PAGE, maximum=MAX_PAGE)


async def replace_series(series: SeriesRecord, now: datetime) -> SeriesRecord:
    """Create or replace a group's timetable, then re-materialise its future.

    Future sessions nobody booked are dropped and made again from the new rule; sessions with
    bookings keep their time (people planned around it), and every future session takes the new
    capacity. Sessions a partner pushed are the partner's and are left alone.
    """
    check_series(series)
    until = now + AHEAD
    stored = await repository.save_series(replace(series, materialised_until=until))
    await repository.drop_unbooked_sessions(stored.group_id, now)
    await repository.set_future_capacity(stored.group_id, now, stored.capacity)
    await repository.insert_sessions(materialise(stored, now, until))
    return stored


MAX_DURATION = 24 * 60
MAX_CAPACITY = 10_000


def check_series(series: SeriesRecord) -> None:
    """``BadUserInput`` unless the rule, the zone, the length and the capacity make sense."""
    zone(series.timezone)
    parse_rule(series.rrule, series.starts_on)
    if not 1 <= series.duration_minutes <= MAX_DURATION:
        raise BadUserInput(f"durationMinutes must be between 1 and {MAX_DURATION}.")
    if not 1 <= series.capacity <= MAX_CAPACITY:
        raise BadUserInput(f"capacity must be between 1 and {MAX_CAPACITY}.")
