"""Queued work in the ``saathi serve`` topology: a worker loop inside each subgraph process.

The embedded default retries its queued work from its own lifespan (``network.assembly``); a
served directory or sessions process did so only at start or on its next write, so a timetable
or a cancellation notice queued while its peer was down waited for the next write. Here each
served process runs a loop beside its requests:

- directory: its timetable outbox, to sessions (``push_pending``), and the weekly notice to
  each centre's admins about supporters needing attention, through consent
  (``attention_notices.tell_admins``: one row a centre a week, claimed before it is sent);
- sessions: timetables materialised a full horizon ahead (``extend_horizons``), the seats of
  changed groups, to the directory (``push_seats``), its notices, through consent to the
  participants (``flush``), and the concerns whose centre's supervisors are not told yet
  (``concerns.supervisor_notices``).

Rounds come every ``every`` seconds while they clear everything, and back off (doubling, up
to ``cap``) while the peer is down. With several replicas on PostgreSQL, a round first takes
a transaction-free advisory lock for its component (``pg_try_advisory_lock``): the replica that
gets it drains, the others skip that round, so no row is sent twice at once by two replicas
(a notice sent twice would reach a participant twice). The loop starts once the app's lifespan
has started (databases open) and is cancelled before the app shuts down.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from saathi.database import advisory_lock
from saathi.keystore import KeyStore
from saathi.peers import Peers

logger = logging.getLogger("saathi.worker")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
Round = Callable[[], Awaitable[bool]]


@dataclass(frozen=True)
class Backoff:
    every: float = 30.0
    cap: float = 600.0

    def delay(self, failures: int) -> float:
        return float(min(self.cap, self.every * 2**failures))


def rounds_for(component: str, peers: Peers, keys: KeyStore | None) -> Round | None:
    """What ``component``'s worker does in one round; True when nothing is left queued."""
    if component == "directory":
        from services.directory.domain.attention_notices import tell_admins
        from services.directory.domain.timetables import push_pending

        async def directory_work() -> bool:
            report = await push_pending(peers)
            attention = await tell_admins(peers, datetime.now(UTC))
            return report.pending == 0 and not attention.drain.stopped

        return directory_work
    if component == "sessions":
        from services.sessions.domain.concerns import supervisor_notices
        from services.sessions.domain.notifications import flush
        from services.sessions.domain.seats import push_seats
        from services.sessions.domain.timetable import extend_horizons

        assert keys is not None

        async def notices() -> bool:
            now = datetime.now(UTC)
            await extend_horizons(now)
            seats = await push_seats(peers)
            before = await _pending_notices()
            delivered = await flush(peers, keys, now)
            concerns = await supervisor_notices(peers, now).drain()
            return delivered >= before and seats.pending == 0 and not concerns.stopped

        return notices
    return None


async def _pending_notices() -> int:
    from services.sessions.repository import outbox

    return len(await outbox.pending(10_000))


async def run_rounds(
    component: str,
    round_: Round,
    backoff: Backoff,
    *,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    count: Callable[[str], None] | None = None,
) -> None:
    """Run rounds until cancelled; a failed round is logged and retried after a longer wait.
    ``count`` is told each round's outcome: cleared, pending, failed or skipped."""
    failures = 0
    while True:
        try:
            async with advisory_lock(component, "worker") as held:
                outcome = "skipped"  # another replica holds this round
                if held:
                    outcome = "cleared" if await round_() else "pending"
        except Exception:  # one bad round must not stop the ones after it
            logger.exception("a round of %s's queued work failed", component)
            outcome = "failed"
        if count is not None:
            count(outcome)
        failures = 0 if outcome in ("cleared", "skipped") else failures + 1
        await sleep(backoff.delay(failures))


class WithWorker:
    """An ASGI wrapper that runs ``round_`` beside the app between its start and shutdown."""

    def __init__(
        self,
        app: ASGIApp,
        component: str,
        round_: Round,
        backoff: Backoff,
        count: Callable[[str], None] | None = None,
    ) -> None:
        self.app = app
        self.component = component
        self.round = round_
        self.backoff = backoff
        self.count = count
        self.task: asyncio.Task[None] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return

        async def receive_and_stop() -> Message:
            message = await receive()
            if message["type"] == "lifespan.shutdown":
                await self.stop()  # before the app closes its databases
            return message

        async def send_and_start(message: Message) -> None:
            if message["type"] == "lifespan.startup.complete":
                self.task = asyncio.create_task(
                    run_rounds(self.component, self.round, self.backoff, count=self.count)
                )
            await send(message)

        await self.app(scope, receive_and_stop, send_and_start)

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
            self.task = None
