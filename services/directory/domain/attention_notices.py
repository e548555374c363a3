"""The weekly notice to each centre's admins about supporters needing attention, through the
toolkit's outbox.

A round first queues this ISO week's notice for every centre with a supporter needing attention
(``queue``): the row's (centre, week) pair is unique, so however many replicas run the round
and however often, a centre gets one row a week. Then the outbox drains the rows not yet sent
(``attention_outbox``): a sender claims a row with one conditional update before sending it
(two replicas never both win it; a sender that dies leaves the claim to lapse after ``LEASE``),
marks it sent once consent's ``POST /internal/staff/notify`` took it, and on failure releases
it, counts the attempt and stops the round (consent is down: the rest would fail too). A sent
row stays as the mark that the week's notice went. The message names no supporter: the admins
read who and why in ``supportersNeedingAttention``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from saathi.peers import Peers
from saathi.service.internal import contracts as api
from saathi.service.internal.client import call
from saathi.service.outbox import DrainReport, Outbox
from saathi.tokens import Role
from services.directory.domain.practice_editing import attention_lists
from services.directory.domain.records import AttentionNoticeRecord
from services.directory.repository import practice as repository

logger = logging.getLogger("saathi.directory.attention")

KIND = "supporters_need_attention"
LEASE = timedelta(minutes=5)
BATCH = 100


def week_of(now: datetime) -> str:
    year, week, _ = now.date().isocalendar()
    return f"{year}-W{week:02d}"


async def queue(now: datetime) -> int:
    """Queue this week's notice for each centre with supporters needing attention that has none
    yet; how many were queued. A round once the week's notices are queued costs two queries,
    and the first round of a week a few for each ``_CHUNK`` centres, not a few for each centre:
    the worker runs it every minute or so, beside the requests."""
    week = week_of(now)
    noticed = await repository.centres_noticed(week)
    waiting = [c for c in await repository.centres_with_supporters() if c not in noticed]
    queued = 0
    for start in range(0, len(waiting), _CHUNK):
        lists = await attention_lists(waiting[start : start + _CHUNK], now.date())
        for centre_id, attention in lists.items():
            if not attention:
                continue
            message = (
                f"{len(attention)} peer supporter(s) of your centre need attention "
                "(certification ending or supervision overdue): see supportersNeedingAttention."
            )
            queued += await repository.queue_attention_notice(centre_id, week, message, now)
    return queued


_CHUNK = 200


class _Store:
    """The queued notices (``repository``) as the toolkit's ``OutboxStore``."""

    def __init__(self, now: datetime) -> None:
        self._now = now

    async def pending(self, limit: int) -> list[AttentionNoticeRecord]:
        return await repository.pending_attention_notices(self._now, limit)

    async def sent(self, item: AttentionNoticeRecord) -> None:
        await repository.attention_notice_sent(item.id, self._now)

    async def failed(self, item: AttentionNoticeRecord, error: str) -> None:
        await repository.attention_notice_failed(item.id, error)
        logger.warning(
            "notice to the admins of %s not sent (attempt %d): %s",
            item.centre_id,
            item.attempts + 1,
            error,
        )


def attention_outbox(peers: Peers, now: datetime) -> Outbox[AttentionNoticeRecord]:
    async def send(notice: AttentionNoticeRecord) -> bool:
        if not await repository.claim_attention_notice(notice.id, now, now + LEASE):
            return False  # sent meanwhile, or another replica is sending it
        request = api.StaffNotifyRequest(
            centre_id=notice.centre_id,
            roles=[Role.CENTRE_ADMIN.value],
            kind=KIND,
            message=notice.message,
        )
        await call(peers, api.STAFF_NOTIFY, request)
        return True

    return Outbox(_Store(now), send, BATCH)


@dataclass(frozen=True)
class AttentionReport:
    queued: int
    drain: DrainReport


async def tell_admins(peers: Peers, now: datetime) -> AttentionReport:
    """One round: queue this week's notices, then send what is pending."""
    queued = await queue(now)
    return AttentionReport(queued, await attention_outbox(peers, now).drain())


async def tell_admins_weekly(peers: Peers, now: datetime) -> int:
    """One round; how many centres' admins were told in it."""
    return (await tell_admins(peers, now)).drain.sent
