"""Draining an outbox: oldest first, stop at the first failure, back off after failed rounds."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field

import pytest

from saathi.peers import PeerUnavailable
from saathi.service.outbox import Backoff, DrainReport, Outbox, retry_forever


@dataclass
class Row:
    id: int
    attempts: int = 0
    error: str | None = None


@dataclass
class MemoryStore:
    """An outbox held in a list (the services' stores are their repositories)."""

    rows: list[Row] = field(default_factory=list)
    sent_ids: list[int] = field(default_factory=list)

    async def pending(self, limit: int) -> Sequence[Row]:
        return self.rows[:limit]

    async def sent(self, item: Row) -> None:
        self.rows.remove(item)
        self.sent_ids.append(item.id)

    async def failed(self, item: Row, error: str) -> None:
        item.attempts += 1
        item.error = error


async def test_every_row_is_sent_oldest_first_across_batches() -> None:
    store = MemoryStore([Row(i) for i in range(5)])

    async def send(row: Row) -> bool:
        return True

    report = await Outbox(store, send, batch=2).drain()

    assert report == DrainReport(sent=5, dropped=0, stopped=False)
    assert store.sent_ids == [0, 1, 2, 3, 4]


async def test_the_first_failure_stops_the_round_and_counts_the_attempt() -> None:
    store = MemoryStore([Row(1), Row(2), Row(3)])
    tried: list[int] = []

    async def send(row: Row) -> bool:
        tried.append(row.id)
        if row.id == 2:
            raise PeerUnavailable("consent is down")
        return True

    report = await Outbox(store, send).drain()

    assert report == DrainReport(sent=1, dropped=0, stopped=True)
    assert tried == [1, 2]
    assert [(r.id, r.attempts, r.error) for r in store.rows] == [
        (2, 1, "consent is down"),
        (3, 0, None),
    ]


async def test_a_row_the_sender_drops_is_not_counted_as_sent() -> None:
    store = MemoryStore([Row(1), Row(2)])

    async def send(row: Row) -> bool:
        if row.id == 1:
            store.rows.remove(row)  # nothing left to send: the sender deletes it
            return False
        return True

    assert await Outbox(store, send).drain() == DrainReport(sent=1, dropped=1, stopped=False)


def test_backoff_doubles_after_each_failed_round_up_to_the_cap() -> None:
    backoff = Backoff(every=10, factor=2, cap=60)

    assert [backoff.delay(n) for n in range(5)] == [10, 20, 40, 60, 60]


async def test_retry_forever_backs_off_on_failure_and_resets_on_success() -> None:
    outcomes = iter([False, False, True, False])
    waits: list[float] = []

    async def round_() -> bool:
        result = next(outcomes)
        return result

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) > 4:
            raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        await retry_forever(round_, Backoff(every=1, factor=2, cap=100), sleep=sleep)

    assert waits == [1, 2, 4, 1, 2]


async def test_a_round_that_raises_is_logged_and_retried(caplog: pytest.LogCaptureFixture) -> None:
    calls = 0

    async def round_() -> bool:
        nonlocal calls
        calls += 1
        raise RuntimeError("database gone")

    async def sleep(seconds: float) -> None:
        if calls >= 2:
            raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        await retry_forever(round_, Backoff(), sleep=sleep)

    assert calls == 2
    assert "a round of queued work failed" in caplog.text
