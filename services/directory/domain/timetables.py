"""Telling the sessions service a group's timetable, through a transactional outbox.

A group write stores the group and a ``SeriesPush`` row in one transaction
(``repository.save_group_and_push``); after the commit ``push_pending`` sends every pending row
to sessions' ``POST /internal/series`` and deletes those it accepted. When sessions is down the
row stays and is sent again on the next group write and when the directory starts, so the two
services never disagree for longer than sessions is away; the endpoint is idempotent (create or
replace), so sending a row twice is harmless.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from saathi.peers import Peers, PeerUnavailable
from services.directory import repository
from services.directory.domain.records import Group

logger = logging.getLogger("saathi.directory.timetables")

SERIES_PATH = "/internal/series"
BATCH = 200


def series_body(group: Group) -> dict[str, object]:
    """The body of ``POST /internal/series`` for ``group`` (camelCase, JSON-ready)."""
    schedule = group.schedule
    return {
        "groupId": group.id,
        "centreId": group.centre_id,
        "groupName": group.name,
        "rrule": schedule.rrule,
        "timezone": schedule.timezone,
        "startsOn": schedule.starts_on.isoformat(),
        "durationMinutes": schedule.duration_minutes,
        "capacity": group.capacity,
    }


async def save_group(group: Group) -> None:
    """Store ``group`` and queue its timetable in one transaction (push with ``push_pending``)."""
    await repository.save_group_and_push(group, series_body(group))


@dataclass(frozen=True)
class PushReport:
    pushed: int
    pending: int


async def push_pending(peers: Peers) -> PushReport:
    """Send every queued timetable, oldest first; stop at the first failure (sessions is down,
    so the rest would fail too) and leave what is left for the next try."""
    pushed = 0
    while True:
        batch = await repository.pending_pushes(BATCH)
        if not batch:
            return PushReport(pushed, 0)
        for push in batch:
            try:
                await peers.post_json("sessions", SERIES_PATH, push.body)
            except PeerUnavailable as exc:
                await repository.note_push_failure(push, exc.message)
                logger.warning(
                    "timetable of %s not pushed (attempt %d): %s",
                    push.group_id,
                    push.attempts + 1,
                    exc.message,
                )
                return PushReport(pushed, await repository.count_pending_pushes())
            await repository.forget_push(push)
            pushed += 1
