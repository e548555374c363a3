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

import msgspec

from saathi.peers import Peers, PeerUnavailable
from saathi.service.internal.client import call
from saathi.service.internal.contracts import SERIES, SeriesRequest
from saathi.service.internal.wire import to_builtins
from saathi.service.outbox import Outbox
from services.directory import repository
from services.directory.domain.records import Group, SeriesPush

logger = logging.getLogger("saathi.directory.timetables")

BATCH = 200


def series_body(group: Group) -> dict[str, object]:
    """The body of ``POST /internal/series`` for ``group``, as the outbox stores it (the
    contract's ``SeriesRequest`` in its JSON form)."""
    schedule = group.schedule
    request = SeriesRequest(
        group_id=group.id,
        centre_id=group.centre_id,
        group_name=group.name,
        rrule=schedule.rrule,
        timezone=schedule.timezone,
        starts_on=schedule.starts_on,
        duration_minutes=schedule.duration_minutes,
        capacity=group.capacity,
    )
    body: dict[str, object] = to_builtins(request)
    return body


async def save_group(group: Group) -> None:
    """Store ``group`` and queue its timetable in one transaction (push with ``push_pending``)."""
    await repository.save_group_and_push(group, series_body(group))


@dataclass(frozen=True)
class PushReport:
    pushed: int
    pending: int


class _Store:
    """The directory's push rows (``repository``) as the toolkit's ``OutboxStore``."""

    async def pending(self, limit: int) -> list[SeriesPush]:
        return await repository.pending_pushes(limit)

    async def sent(self, item: SeriesPush) -> None:
        await repository.forget_push(item)

    async def failed(self, item: SeriesPush, error: str) -> None:
        await repository.note_push_failure(item, error)
        logger.warning(
            "timetable of %s not pushed (attempt %d): %s", item.group_id, item.attempts + 1, error
        )


def series_outbox(peers: Peers) -> Outbox[SeriesPush]:
    async def send(push: SeriesPush) -> bool:
        try:
            request = msgspec.convert(push.body, SeriesRequest)
        except msgspec.ValidationError as error:
            raise PeerUnavailable(
                f"the queued timetable does not fit the contract: {error}"
            ) from None
        await call(peers, SERIES, request)
        return True

    return Outbox(_Store(), send, BATCH)


async def push_pending(peers: Peers) -> PushReport:
    """Send every queued timetable, oldest first; stop at the first failure (sessions is down,
    so the rest would fail too) and leave what is left for the next try."""
    report = await series_outbox(peers).drain()
    pending = await repository.count_pending_pushes() if report.stopped else 0
    return PushReport(report.sent, pending)
