"""Telling the directory each group's seats, so nearby search filters on them in its own SQL.

Triggers queue a group in the transaction that changes its sessions or bookings
(``repository.seats``). ``push_seats`` sends the queued groups, a batch at a time, each with
its coming scheduled sessions and their seats left *as they are when sent*, tagged with the
version the trigger left: the directory applies a group's push only when it is newer than the
last it applied, so a retried or overtaken push never puts an older state back. When the
directory is down the groups stay queued and go with the next round (after the next change, and
from the worker's rounds).

``SeatPusher.kick`` starts a round in the background after a change (a mutation, a timetable,
an erasure) and coalesces kicks that come while one runs.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from saathi.peers import Peers, PeerUnavailable
from saathi.service.internal.client import call
from saathi.service.internal.contracts import (
    AVAILABILITY,
    AvailabilityRequest,
    GroupSeats,
    SeatsOfSession,
)
from services.sessions.repository import seats

logger = logging.getLogger("saathi.sessions.seats")

# Around a bulk write whose seats reach the directory another way (a synthetic seed).
bulk_load = seats.bulk_load

BATCH = 200


@dataclass(frozen=True)
class SeatsReport:
    sent: int
    pending: int


async def push_seats(peers: Peers, now: datetime | None = None) -> SeatsReport:
    """Send every queued group's seats; stop at the first failure (the directory is down) and
    leave the rest queued."""
    sent = 0
    while True:
        batch = await seats.pending(BATCH)
        if not batch:
            return SeatsReport(sent, 0)
        moment = now or datetime.now(UTC)
        coming = await seats.coming_seats([group_id for group_id, _ in batch], moment)
        request = AvailabilityRequest(
            groups=[
                GroupSeats(
                    group_id=group_id,
                    version=version,
                    sessions=[
                        SeatsOfSession(session_id=id_, starts_at=at, seats_left=left)
                        for id_, at, left in coming[group_id][:500]
                    ],
                )
                for group_id, version in batch
            ]
        )
        try:
            await call(peers, AVAILABILITY, request)
        except PeerUnavailable as error:
            await seats.failed([group_id for group_id, _ in batch], error.message)
            logger.warning("seats of %d groups not pushed: %s", len(batch), error.message)
            return SeatsReport(sent, await seats.count_pending())
        await seats.sent(batch)
        sent += len(batch)


@dataclass
class SeatPusher:
    """Runs ``push_seats`` in the background after changes; one round at a time."""

    peers: Peers
    clock: Callable[[], datetime] | None = None
    task: asyncio.Task[None] | None = field(default=None, init=False)
    again: bool = field(default=False, init=False)

    def kick(self) -> None:
        if self.task is not None and not self.task.done():
            self.again = True
            return
        self.task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        while True:
            self.again = False
            try:
                await push_seats(self.peers, self.clock() if self.clock else None)
            except Exception:  # a failed round leaves the groups queued for the next
                logger.exception("pushing seats to the directory failed")
            if not self.again:
                return

    async def settled(self) -> None:
        """Wait for the round under way, if any (tests, shutdown)."""
        while self.task is not None and not self.task.done():
            await asyncio.shield(self.task)
