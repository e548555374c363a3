"""The average WHO-5 change per group, for ``programmeReport``.

Sessions knows who attended; consent holds the check-ins and the consents, and decides
(``POST /internal/wellbeing/programme-change``): only attendees with a live
``PROGRAMME_EVALUATION`` consent to the centre that covers ``WELLBEING`` count, and a figure
about fewer than 11 of them is withheld there. Sessions withholds again anything consent
answers about a group it did not ask about, or in a shape it cannot read.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

from saathi.peers import Peers
from saathi.service.internal.client import call
from saathi.service.internal.contracts import (
    PROGRAMME_CHANGE,
    GroupAttendees,
    ProgrammeChangeRequest,
    ProgrammeChanges,
)
from services.sessions.repository import reports


@dataclass(frozen=True)
class Who5Change:
    average_change: float | None
    suppressed: bool


WITHHELD = Who5Change(None, True)


def released_changes(answer: ProgrammeChanges, asked: set[str]) -> dict[str, Who5Change]:
    """The figures consent released for groups in ``asked``; anything else is dropped."""
    return {
        group.group_id: Who5Change(group.average_who5_change, False)
        for group in answer.groups
        if group.group_id in asked
        and not group.suppressed
        and group.average_who5_change is not None
    }


async def who5_changes(
    peers: Peers, centre_id: str, start: datetime, end: datetime, group_ids: list[str]
) -> dict[str, Who5Change]:
    """Each group's average WHO-5 change over ``[start, end)`` (withheld unless consent released
    it); ``PeerUnavailable`` when consent cannot answer."""
    if not group_ids:
        return {}
    attendees = await reports.attendees(centre_id, start, end)
    request = ProgrammeChangeRequest(
        centre_id=centre_id,
        start=start,
        end=end,
        groups=[
            GroupAttendees(group_id=group_id, participant_ids=attendees.get(group_id, []))
            for group_id in group_ids
        ],
    )
    answer = await call(peers, PROGRAMME_CHANGE, request)
    released = released_changes(answer, set(group_ids))
    return {group_id: released.get(group_id, WITHHELD) for group_id in group_ids}


class ReportChanges:
    """The WHO-5 changes of one report's groups, asked of consent once, when the first group's
    figure is resolved (a report that does not select them costs no call)."""

    def __init__(
        self, peers: Peers, centre_id: str, start: datetime, end: datetime, group_ids: list[str]
    ) -> None:
        self._ask = (peers, centre_id, start, end, group_ids)
        self._found: asyncio.Future[dict[str, Who5Change]] | None = None

    async def of(self, group_id: str) -> Who5Change:
        if self._found is None:
            self._found = asyncio.ensure_future(who5_changes(*self._ask))
        return (await asyncio.shield(self._found)).get(group_id, WITHHELD)
