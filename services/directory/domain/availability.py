"""The seats of each group's coming sessions, pushed by the sessions service.

Sessions owns sessions and bookings; the directory keeps a copy of what nearby search filters
on (when each coming session starts, and how many seats it has left), so that
``startsWithinHours`` and ``openSeatsOnly`` are answered in the search's own SQL statement
instead of a call to sessions with every candidate. Sessions pushes a group's seats after every
change (``POST /internal/groups/availability``, from its outbox): the copy lags the truth by
the time the push takes to arrive, and a push that arrives after a later one is ignored
(versions). docs/nearby-search.md says what that guarantees.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from saathi.service.internal.contracts import AvailabilityRequest, GroupSeats
from services.directory.domain import records
from services.directory.repository import availability


def _record(group: GroupSeats) -> records.GroupSeats:
    return records.GroupSeats(
        group_id=group.group_id,
        version=group.version,
        sessions=tuple(
            records.SessionSeats(s.session_id, math.floor(s.starts_at.timestamp()), s.seats_left)
            for s in group.sessions
        ),
    )


async def apply(request: AvailabilityRequest) -> int:
    """Apply a push; returns how many groups were newer than what the directory held."""
    return await availability.apply_seats([_record(group) for group in request.groups])


async def seed_from_sessions(groups: Sequence[GroupSeats]) -> None:
    """The seats of freshly seeded groups (``saathi seed --synthetic``), in bulk."""
    await availability.insert_seats([_record(group) for group in groups])
