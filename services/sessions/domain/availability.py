"""Which groups have a session coming up (with a seat left): the directory's filter asks this."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from saathi.errors import BadUserInput
from services.sessions import repository
from services.sessions.domain.timetable import HORIZON, ensure_materialised

MAX_GROUP_IDS = 5000


@dataclass(frozen=True)
class OpenGroupsQuery:
    """The question: which of ``group_ids`` have a scheduled session soon enough (and open)?"""

    group_ids: tuple[str, ...]
    within_hours: int | None
    open_seats_only: bool

    @classmethod
    def from_json(cls, body: Any) -> OpenGroupsQuery:
        """Validate the internal endpoint's JSON body; ``BadUserInput`` says what is wrong."""
        if not isinstance(body, dict):
            raise BadUserInput("Send a JSON object.")
        group_ids = body.get("groupIds")
        if not isinstance(group_ids, list) or not all(isinstance(g, str) for g in group_ids):
            raise BadUserInput("groupIds must be a list of group ids.")
        if len(group_ids) > MAX_GROUP_IDS:
            raise BadUserInput(f"Send at most {MAX_GROUP_IDS} groupIds at a time.")
        within = body.get("withinHours")
        if within is not None and (
            isinstance(within, bool) or not isinstance(within, int) or within < 1
        ):
            raise BadUserInput("withinHours must be a positive whole number of hours, or null.")
        open_only = body.get("openSeatsOnly", False)
        if not isinstance(open_only, bool):
            raise BadUserInput("openSeatsOnly must be true or false.")
        return cls(tuple(dict.fromkeys(group_ids)), within, open_only)

    def window_end(self, now: datetime) -> datetime:
        """Sessions are materialised a horizon ahead; asking further looks no further."""
        if self.within_hours is None:
            return now + HORIZON
        return now + min(timedelta(hours=self.within_hours), HORIZON)


async def open_groups(query: OpenGroupsQuery, now: datetime) -> list[str]:
    """The subset of ``query.group_ids`` that qualifies, in the order they were given."""
    if not query.group_ids:
        return []
    await ensure_materialised(query.group_ids, now)
    sessions = await repository.scheduled_between(query.group_ids, now, query.window_end(now))
    matching = {s.group_id for s in sessions if not query.open_seats_only or s.seats_left > 0}
    return [group_id for group_id in query.group_ids if group_id in matching]
