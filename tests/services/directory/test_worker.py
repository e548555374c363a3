"""The served directory's worker loop: a timetable queued while sessions was down reaches it
without a new write, retrying with backoff, and the loop stops before the app shuts down."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from network.worker import Backoff, WithWorker, rounds_for, run_rounds
from saathi.database import advisory_lock
from saathi.peers import Peers
from services.directory import repository
from services.directory.domain import attention_notices, timetables
from services.directory.domain.attention_notices import tell_admins_weekly
from services.directory.models import AttentionNotice
from tests.services.directory.conftest import MakeGroup, MakeSupporter, SessionsDouble, StatementLog


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


@dataclass
class ConsentDouble:
    """Consent's ``/internal/staff/notify``: records each notice, or is down."""

    notices: list[dict[str, Any]] = field(default_factory=list)
    fail: bool = False

    def app(self) -> Starlette:
        async def notify(request: Request) -> JSONResponse:
            if self.fail:
                return JSONResponse({"error": "down"}, status_code=503)
            body = await request.json()
            await asyncio.sleep(0.01)  # long enough for a second replica to try the same row
            self.notices.append(body)
            return JSONResponse({"delivered": 1})

        return Starlette(routes=[Route("/internal/staff/notify", notify, methods=["POST"])])


async def _replica_round(round_: Any) -> bool:
    """One replica's round as ``run_rounds`` runs it: under the component's lock (on
    PostgreSQL one replica at a time; on SQLite always held, so the rounds overlap)."""
    async with advisory_lock("directory", "worker") as held:
        return bool(await round_()) if held else True


async def test_the_weekly_attention_notice_is_queued_once_and_sent_once_across_replicas(
    make_supporter: MakeSupporter, peers: Peers
) -> None:
    # given two centres with a supporter never supervised (so needing attention), and consent
    # down at first
    await AttentionNotice.all().delete()
    first, second = await make_supporter(), await make_supporter()
    consent = ConsentDouble(fail=True)
    peers.attach_app("consent", consent.app())
    round_ = rounds_for("directory", peers, None)
    assert round_ is not None

    # when the worker runs twice while consent is down
    down = [await round_(), await round_()]

    # then each centre's notice is queued once, kept, its attempts counted, and nothing sent
    rows = await AttentionNotice.all().order_by("id")
    assert down == [False, False]
    assert sorted(r.centre_id for r in rows) == sorted([first.centre_id, second.centre_id])
    assert [r.sent_at for r in rows] == [None, None]
    assert rows[0].attempts == 2  # a round stops at the first failure
    assert consent.notices == []

    # when consent is back and three replicas run their rounds at the same moment
    consent.fail = False
    cleared = await asyncio.gather(*(_replica_round(round_) for _ in range(3)))
    again = await round_()

    # then each centre's admins are told exactly once, and a later round this week adds nothing
    assert all(cleared)
    assert again is True
    assert sorted(n["centreId"] for n in consent.notices) == sorted(
        [first.centre_id, second.centre_id]
    )
    assert {n["roles"][0] for n in consent.notices} == {"centre_admin"}
    assert {n["kind"] for n in consent.notices} == {"supporters_need_attention"}
    assert first.id not in str(consent.notices)
    rows = await AttentionNotice.all()
    assert len(rows) == 2
    assert all(r.sent_at is not None and r.claimed_until is None for r in rows)


async def test_next_week_brings_a_new_notice_and_a_lapsed_claim_is_sent_again(
    make_supporter: MakeSupporter, peers: Peers
) -> None:
    await AttentionNotice.all().delete()
    supporter = await make_supporter()
    consent = ConsentDouble()
    peers.attach_app("consent", consent.app())
    now = datetime.now(UTC)

    told_now = await tell_admins_weekly(peers, now)
    # a replica that claimed next week's notice and died before sending it
    await attention_notices.queue(now + timedelta(days=7))
    [stuck] = await AttentionNotice.filter(sent_at=None)
    await AttentionNotice.filter(id=stuck.id).update(claimed_until=now + timedelta(days=7))
    while_claimed = await tell_admins_weekly(peers, now + timedelta(days=7))
    after_lease = await tell_admins_weekly(
        peers, now + timedelta(days=7) + attention_notices.LEASE + timedelta(seconds=1)
    )

    assert (told_now, while_claimed, after_lease) == (1, 0, 1)
    assert [n["centreId"] for n in consent.notices] == [supporter.centre_id] * 2


async def test_the_weekly_round_costs_a_few_statements_however_many_centres(
    make_supporter: MakeSupporter, peers: Peers, sql: StatementLog
) -> None:
    """The worker asks for supporters needing attention every minute or so, beside the
    requests: with many centres, a round must not cost a query per centre."""
    # given 30 centres, each with a supporter never supervised
    await AttentionNotice.all().delete()
    for _ in range(30):
        await make_supporter()
    consent = ConsentDouble()
    peers.attach_app("consent", consent.app())
    now = datetime.now(UTC)

    # when the week's first round queues the notices, then a later round runs
    sql.clear()
    queued = await attention_notices.queue(now)
    first_round = [s for s in sql.statements if "attention_notice" not in s]
    sql.clear()
    again = await attention_notices.queue(now + timedelta(minutes=1))

    # then the first round read the centres' supporters in a fixed number of statements (one
    # insert a centre aside), and the later round found nothing to do in two statements
    assert queued == 30
    assert len(first_round) <= 8, first_round
    assert again == 0
    assert len(sql.statements) == 2, sql.statements
