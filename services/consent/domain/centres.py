"""What consent asks the services that own centres: does a centre exist (directory), has a
participant booked there (sessions). Both are live internal calls; nothing is cached, and an
unreachable peer is ``PeerUnavailable`` (the change is refused, never let through unchecked)."""

from __future__ import annotations

from saathi.service.internal.client import call
from saathi.service.internal.contracts import KNOWN_CENTRES, RELATIONS, CentreIds, RelationsRequest
from services.consent.domain.deps import Deps


async def centre_exists(deps: Deps, centre_id: str) -> bool:
    answer = await call(deps.peers, KNOWN_CENTRES, CentreIds(centre_ids=[centre_id]))
    return centre_id in answer.centre_ids


async def has_booked_at(deps: Deps, centre_id: str, participant_id: str) -> bool:
    """Whether the participant holds or held a booking at a session of the centre."""
    request = RelationsRequest(centre_id=centre_id, participant_ids=[participant_id])
    answer = await call(deps.peers, RELATIONS, request)
    return participant_id in answer.participant_ids
