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
from typing import Any

from saathi.peers import Peers, PeerUnavailable
from services.sessions.repository import reports

CONSENT_PROGRAMME_CHANGE = "/internal/wellbeing/programme-change"


@dataclass(frozen=True)
class Who5Change:
    average_change: float | None
    suppressed: bool


WITHHELD = Who5Change(None, True)


def released_changes(answer: Any, asked: set[str]) -> dict[str, Who5Change]:
    """The figures consent released for groups in ``asked``; anything else is dropped."""
    groups = answer.get("groups") if isinstance(answer, dict) else None
    if not isinstance(groups, list):
        raise PeerUnavailable("The consent service answered WHO-5 changes without groups.")
    found: dict[str, Who5Change] = {}
    for group in groups:
        if not isinstance(group, dict) or group.get("groupId") not in asked:
            continue
        average = group.get("averageWho5Change")
        if group.get("suppressed") is False and isinstance(average, int | float):
            found[str(group["groupId"])] = Who5Change(float(average), False)
    return found


async def who5_changes(
    peers: Peers, centre_id: str, start: datetime, end: datetime, group_ids: list[str]
) -> dict[str, Who5Change]:
    """Each group's average WHO-5 change over ``[start, end)`` (withheld unless consent released
    it); ``PeerUnavailable`` when consent cannot answer."""
    if not group_ids:
        return {}
    attendees = await reports.attendees(centre_id, start, end)
    asked = [
        {"groupId": group_id, "participantIds": attendees.get(group_id, [])}
        for group_id in group_ids
    ]
    answer = await peers.post_json(
        "consent",
        CONSENT_PROGRAMME_CHANGE,
        {
            "centreId": centre_id,
            "from": start.isoformat(),
            "to": end.isoformat(),
            "groups": asked,
        },
    )
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
