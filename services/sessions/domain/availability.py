"""Which groups have a session coming up (with a seat left): the directory's filter asks this."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from saathi.service.internal.contracts import OpenGroupsRequest
from services.sessions import repository
from services.sessions.domain.timetable import HORIZON, ensure_materialised


@dataclass(frozen=True)
class OpenGroupsQuery:
    """The question: which of ``group_ids`` have a scheduled session soon enough (and open)?"""

    group_ids: tuple[str, ...]
    within_hours: int | None
    open_seats_only: bool

    @classmethod
    def of(cls, request: OpenGroupsRequest) -> OpenGroupsQuery:
        """The question as the directory asked it (``POST /internal/groups/open``), each group
        once."""
        return cls(
            tuple(dict.fromkeys(request.group_ids)), request.within_hours, request.open_seats_only
        )

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
