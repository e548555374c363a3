"""The earliest session with a seat left of each group, within a window: what mentor matching
(the directory's ``suggestMentors``) ranks by and offers to book."""

from __future__ import annotations

from datetime import datetime, timedelta

from services.sessions import repository
from services.sessions.domain.timetable import HORIZON, ensure_materialised


async def earliest_free(
    group_ids: tuple[str, ...], within: timedelta, now: datetime
) -> dict[str, tuple[str, datetime]]:
    """``{group id: (session id, starts at)}`` of the first scheduled session not yet started,
    with a seat left, of each group that has one within ``within`` (at most the horizon)."""
    if not group_ids:
        return {}
    await ensure_materialised(group_ids, now)
    sessions = await repository.scheduled_between(group_ids, now, now + min(within, HORIZON))
    found: dict[str, tuple[str, datetime]] = {}
    for session in sorted(sessions, key=lambda s: (s.starts_at, s.id)):
        if session.seats_left > 0 and session.group_id not in found:
            found[session.group_id] = (session.id, session.starts_at)
    return found
