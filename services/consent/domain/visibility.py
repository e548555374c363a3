"""Who besides the participant may read their display name: staff of a centre that holds a
booking of theirs (sessions says so), or a centre with a live consent covering PROFILE.

Decided for every participant of a request at once: one consent query and at most one
``/internal/participants/relations`` call to sessions, only for those no consent covers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from saathi.consent_terms import DataCategory
from saathi.service.internal.client import call
from saathi.service.internal.contracts import RELATIONS, RelationsRequest
from services.consent import repository
from services.consent.domain.deps import Deps


async def visible_to_centre(deps: Deps, centre_id: str, participant_ids: Sequence[str]) -> set[str]:
    """Those of ``participant_ids`` whose profile staff of ``centre_id`` may see."""
    unique = list(dict.fromkeys(participant_ids))
    consents = await repository.live_consents(unique, centre_id, deps.clock())
    covered = {c.participant_id for c in consents if DataCategory.PROFILE in c.categories}
    rest = [participant_id for participant_id in unique if participant_id not in covered]
    if not rest:
        return covered
    request = RelationsRequest(centre_id=centre_id, participant_ids=rest)
    answer = await call(deps.peers, RELATIONS, request)
    return covered | {value for value in answer.participant_ids if value in rest}


async def load_visibility(deps: Deps, keys: Sequence[tuple[str, str]]) -> list[bool]:
    """DataLoader batch: ``(centre id, participant id)`` → may that centre's staff see them."""
    by_centre: dict[str, list[str]] = defaultdict(list)
    for centre_id, participant_id in keys:
        by_centre[centre_id].append(participant_id)
    visible = {
        centre_id: await visible_to_centre(deps, centre_id, ids)
        for centre_id, ids in by_centre.items()
    }
    return [participant_id in visible[centre_id] for centre_id, participant_id in keys]
