"""A transactional outbox, drained: what a service queued for another, sent once it can be.

A service writes a row to its outbox in the transaction that makes the change the row
announces; after the commit ``drain`` sends every pending row, oldest first, and stops at the
first ``PeerUnavailable`` (the peer is down, the rest would fail the same way), leaving that
row and the rest for the next round. ``retry_forever`` runs rounds until cancelled, waiting
longer after each failed round (``Backoff``) and the base interval again once a round clears
everything. Sending twice must be harmless at the receiver (idempotent endpoints), because a
row is marked sent only after its peer accepted it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from saathi.peers import PeerUnavailable

logger = logging.getLogger("saathi.outbox")

T = TypeVar("T")


class OutboxStore(Protocol[T]):
    """Where a service keeps its queued rows (a repository module, behind this protocol)."""

    async def pending(self, limit: int) -> Sequence[T]:
        """Rows not yet accepted, oldest first."""

    async def sent(self, item: T) -> None:
        """The peer accepted ``item``: forget it (or keep only what the service must)."""

    async def failed(self, item: T, error: str) -> None:
        """The peer was unavailable: count the attempt and keep the reason."""


@dataclass(frozen=True)
class DrainReport:
    """How a round went: rows accepted, rows dropped by the sender, and whether it stopped at a
    failure (so rows are left for the next round)."""

    sent: int
    dropped: int
    stopped: bool


@dataclass(frozen=True)
class Outbox(Generic[T]):
    """A store and how one of its rows is sent: ``send`` answers False for a row it drops
    (nothing left to send) and raises ``PeerUnavailable`` when the peer cannot take it."""

    store: OutboxStore[T]
    send: Callable[[T], Awaitable[bool]]
    batch: int = 100

    async def drain(self) -> DrainReport:
        sent = dropped = 0
        while True:
            rows = await self.store.pending(self.batch)
            if not rows:
                return DrainReport(sent, dropped, stopped=False)
            for row in rows:
                try:
                    delivered = await self.send(row)
                except PeerUnavailable as error:
                    await self.store.failed(row, error.message)
                    return DrainReport(sent, dropped, stopped=True)
                if delivered:
                    await self.store.sent(row)
                    sent += 1
                else:
                    dropped += 1


@dataclass(frozen=True)
class Backoff:
    """How long to wait before the next round: ``every`` seconds while rounds succeed, then
    doubling after each failed round, up to ``cap``."""

    every: float = 60.0
    factor: float = 2.0
    cap: float = 3600.0

    def delay(self, failures: int) -> float:
        return float(min(self.cap, self.every * self.factor**failures))


async def retry_forever(
    round_: Callable[[], Awaitable[bool]],
    backoff: Backoff,
    *,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> None:
    """Run ``round_`` after each wait until cancelled. ``round_`` answers True when nothing was
    left pending; False or an exception counts as a failed round (logged, never fatal)."""
    failures = 0
    while True:
        await sleep(backoff.delay(failures))
        try:
            cleared = await round_()
        except Exception:  # one bad round must not stop the retries that come after it
            logger.exception("a round of queued work failed")
            cleared = False
        failures = 0 if cleared else failures + 1
