"""The served directory's worker loop: a timetable queued while sessions was down reaches it
without a new write, retrying with backoff, and the loop stops before the app shuts down."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from network.worker import Backoff, WithWorker, rounds_for, run_rounds
from saathi.peers import Peers
from services.directory import repository
from services.directory.domain import timetables
from tests.services.directory.conftest import MakeGroup, SessionsDouble


async def test_a_queued_timetable_reaches_sessions_without_a_new_write(
    make_group: MakeGroup, peers: Peers, sessions: SessionsDouble
) -> None:
    # given a timetable queued while sessions was down
    group = await make_group()
    sessions.fail = True
    await timetables.save_group(group)
    assert (await timetables.push_pending(peers)).pending == 1

    # when the served directory runs its worker, sessions still down at first
    round_ = rounds_for("directory", peers, None)
    assert round_ is not None
    started = asyncio.Event()
    stopping = asyncio.Event()

    async def lifespan_app(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        await send({"type": "lifespan.startup.complete"})
        started.set()
        await receive()  # shutdown
        stopping.set()
        await send({"type": "lifespan.shutdown.complete"})

    worker = WithWorker(lifespan_app, "directory", round_, Backoff(every=0.02, cap=0.08))
    messages: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    await messages.put({"type": "lifespan.startup"})
    sent: list[str] = []

    async def send(message: Any) -> None:
        sent.append(message["type"])

    running = asyncio.create_task(worker({"type": "lifespan"}, messages.get, send))
    await started.wait()
    await asyncio.sleep(0.2)
    [push] = await repository.pending_pushes(10)
    assert push.attempts >= 3  # retried, backing off, while sessions was down

    sessions.fail = False
    for _ in range(100):
        if await repository.count_pending_pushes() == 0:
            break
        await asyncio.sleep(0.02)

    # then it arrived, with no write to the directory since
    assert await repository.count_pending_pushes() == 0
    assert [series["groupId"] for series in sessions.series][-1] == group.id

    # and the loop is stopped before the app is told to shut down
    await messages.put({"type": "lifespan.shutdown"})
    await running
    assert worker.task is None
    assert sent == ["lifespan.startup.complete", "lifespan.shutdown.complete"]


@pytest.mark.usefixtures("database")
async def test_rounds_back_off_while_failing_and_return_to_the_interval_after_success() -> None:
    outcomes = iter([False, False, False, True, False])
    waits: list[float] = []
    counted: list[str] = []

    async def round_() -> bool:
        return next(outcomes)

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 5:
            raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        await run_rounds(
            "directory", round_, Backoff(every=1, cap=5), sleep=sleep, count=counted.append
        )

    # run_rounds takes the component's lock: on SQLite (this test's database) always held
    assert waits == [2, 4, 5, 1, 2]
    assert counted == ["pending", "pending", "pending", "cleared", "pending"]


@pytest.mark.usefixtures("database")
async def test_a_round_that_raises_is_logged_and_retried(caplog: pytest.LogCaptureFixture) -> None:
    calls: list[int] = []
    waits: list[float] = []

    async def round_() -> bool:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("boom")
        return True

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 2:
            raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        await run_rounds("directory", round_, Backoff(every=1, cap=5), sleep=sleep)

    assert waits == [2, 1]
    assert "a round of directory's queued work failed" in caplog.text


def test_only_services_with_queued_work_get_a_worker() -> None:
    assert rounds_for("consent", Peers(), None) is None
    assert rounds_for("directory", Peers(), None) is not None
