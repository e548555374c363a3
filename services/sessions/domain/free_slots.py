"""The earliest session with a seat left of each group, within a window: what mentor matching
(the directory's ``suggestMentors``) ranks by and offers to book."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from saathi.errors import BadUserInput
from services.sessions import repository
from services.sessions.domain.timetable import HORIZON, ensure_materialised

MAX_GROUP_IDS = 500


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


async def free_sessions(body: Any, now: datetime) -> dict[str, Any]:
    """``POST /internal/groups/free-sessions``: ``{groupIds, withinHours}`` →
    ``{sessions: [{groupId, sessionId, startsAt}]}`` (the directory asks)."""
    if not isinstance(body, dict):
        raise BadUserInput("Send a JSON object.")
    group_ids = body.get("groupIds")
    if (
        not isinstance(group_ids, list)
        or len(group_ids) > MAX_GROUP_IDS
        or not all(isinstance(g, str) and 1 <= len(g) <= 40 for g in group_ids)
    ):
        raise BadUserInput(f"groupIds must be a list of at most {MAX_GROUP_IDS} group ids.")
    hours = body.get("withinHours")
    if isinstance(hours, bool) or not isinstance(hours, int) or not 1 <= hours <= 24 * 28:
        raise BadUserInput("withinHours must be a whole number of hours, 1 to 672.")
    found = await earliest_free(tuple(dict.fromkeys(group_ids)), timedelta(hours=hours), now)
    return {
        "sessions": [
            {"groupId": group_id, "sessionId": session_id, "startsAt": starts_at.isoformat()}
            for group_id, (session_id, starts_at) in found.items()
        ]
    }
