"""Programme evaluation from wellbeing check-ins: the average WHO-5 change per group.

Sessions knows who attended which group; consent holds the check-ins and the consents. Sessions
sends, per group, the participants who attended in the window; consent keeps only those with a
live consent to that centre given for ``PROGRAMME_EVALUATION`` that covers ``WELLBEING``, takes
each one's change on the 0 to 100 scale from their first to their last check-in in the window
(two check-ins at least), and answers the mean per group. A figure about fewer than
``THRESHOLD`` people is withheld (``null``, ``suppressed``), the same rule as every other
programme figure, decided here, so no figure about fewer people ever leaves consent. Each person
behind a released figure gets an entry in their data-access log.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from saathi.consent_terms import ConsentPurpose, DataCategory
from services.consent import repository
from services.consent.domain.access_log import log_release
from services.consent.domain.deps import Deps
from services.consent.domain.records import ConsentRecord
from services.consent.domain.wellbeing import open_checkins
from services.consent.repository import wellbeing as store

THRESHOLD = 11


@dataclass(frozen=True)
class GroupChange:
    """One group's average WHO-5 change (0 to 100 points), or withheld."""

    group_id: str
    average_change: float | None
    suppressed: bool


def _evaluation_consents(consents: Sequence[ConsentRecord]) -> dict[str, ConsentRecord]:
    found: dict[str, ConsentRecord] = {}
    for consent in consents:
        if (
            consent.purpose is ConsentPurpose.PROGRAMME_EVALUATION
            and DataCategory.WELLBEING in consent.categories
        ):
            found.setdefault(consent.participant_id, consent)
    return found


async def who5_changes(
    deps: Deps,
    centre_id: str,
    start: datetime,
    end: datetime,
    attendees: Mapping[str, Sequence[str]],
) -> list[GroupChange]:
    """The average WHO-5 change of each group's consenting attendees over ``[start, end)``."""
    everyone = sorted({pid for pids in attendees.values() for pid in pids})
    consents = _evaluation_consents(
        await repository.live_consents(everyone, centre_id, deps.clock())
    )
    records = await store.checkins_within(list(consents), start, end)
    changes: dict[str, int] = {}
    for participant_id, found in records.items():
        opened = open_checkins(deps.keys, found)
        if len(opened) >= 2:
            changes[participant_id] = opened[-1].scores.who5_percent - opened[0].scores.who5_percent
    answers, released = [], set()
    for group_id, pids in attendees.items():
        behind = sorted({pid for pid in pids if pid in changes})
        if len(behind) < THRESHOLD:
            answers.append(GroupChange(group_id, None, True))
            continue
        average = sum(changes[pid] for pid in behind) / len(behind)
        answers.append(GroupChange(group_id, round(average, 1), False))
        released.update(behind)
    for participant_id in sorted(released):
        await log_release(deps, consents[participant_id], centre_id, [DataCategory.WELLBEING])
    return answers
