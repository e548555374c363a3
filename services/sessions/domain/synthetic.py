"""Timetables of the synthetic directory (``saathi seed --synthetic``), written in bulk.

A synthetic group is a real group: its series and its sessions up to the materialisation
horizon exist, so ``nextSession`` and the availability filters answer for it as for any other.
The bodies are those the directory pushes to ``POST /internal/series``; a hundred thousand of
them are written in chunks, each a bulk insert of series and one of sessions, with each distinct
rule's occurrences worked out once (synthetic groups share a few dozen rules).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta

from saathi.ids import stable_id
from saathi.service.internal.contracts import GroupSeats, SeatsOfSession
from services.sessions import repository
from services.sessions.domain.records import SeriesRecord, SessionRecord, SessionStatus
from services.sessions.domain.timetable import AHEAD, check_series, occurrences, session_id


def series_from_body(body: Mapping[str, object]) -> SeriesRecord:
    """The series a directory timetable body describes (bodies from our own seed, trusted)."""
    return SeriesRecord(
        id=stable_id("srs", str(body["groupId"])),
        group_id=str(body["groupId"]),
        centre_id=str(body["centreId"]),
        rrule=str(body["rrule"]),
        timezone=str(body["timezone"]),
        starts_on=date.fromisoformat(str(body["startsOn"])),
        duration_minutes=int(str(body["durationMinutes"])),
        capacity=int(str(body["capacity"])),
        group_name=str(body.get("groupName", "")),
    )


@functools.lru_cache(maxsize=1024)
def _rule_starts(
    rrule: str, timezone: str, starts_on: date, now: datetime, until: datetime
) -> tuple[datetime, ...]:
    probe = SeriesRecord("", "", "", rrule, timezone, starts_on, 60, 1)
    check_series(probe)
    return tuple(occurrences(probe, now, until))


def _starts(record: SeriesRecord, now: datetime, until: datetime) -> tuple[datetime, ...]:
    """The series' starts in [now, until): worked out once per distinct rule for a whole seed
    (each chunk of a seed calls with the same ``now``), not once per chunk. The rule and zone
    are checked then; the bodies come from our own seed."""
    return _rule_starts(record.rrule, record.timezone, record.starts_on, now, until)


async def materialise_timetables(
    bodies: Sequence[Mapping[str, object]], now: datetime
) -> list[GroupSeats]:
    """Store the series (existing ones are kept) and their sessions from ``now`` to the
    horizon (existing ones are kept); returns each group's seats (every seat free) as the
    directory's availability summary takes them (``POST /internal/groups/availability``)."""
    until = now + AHEAD
    series: list[SeriesRecord] = []
    sessions: list[SessionRecord] = []
    for body in bodies:
        record = series_from_body(body)
        starts = _starts(record, now, until)
        length = timedelta(minutes=record.duration_minutes)
        series.append(replace(record, materialised_until=until))
        sessions += [
            SessionRecord(
                id=session_id(record.group_id, at),
                group_id=record.group_id,
                centre_id=record.centre_id,
                starts_at=at,
                ends_at=at + length,
                capacity=record.capacity,
                status=SessionStatus.SCHEDULED,
            )
            for at in starts
        ]
    await repository.insert_timetables(series, sessions)
    seats: dict[str, list[SeatsOfSession]] = {s.group_id: [] for s in series}
    for session in sessions:
        if session.starts_at >= now:
            seats[session.group_id].append(
                SeatsOfSession(session.id, session.starts_at, session.seats_left)
            )
    return [GroupSeats(group_id, 1, found) for group_id, found in seats.items()]
