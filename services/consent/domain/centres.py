"""What consent asks the services that own centres: does a centre exist (directory), has a
participant booked there (sessions). Both are live internal calls; nothing is cached, and an
unreachable peer is ``PeerUnavailable`` (the change is refused, never let through unchecked)."""

from __future__ import annotations

from saathi.peers import PeerUnavailable
from services.consent.domain.deps import Deps

DIRECTORY_KNOWN_CENTRES = "/internal/centres/known"
SESSIONS_RELATIONS = "/internal/participants/relations"


async def centre_exists(deps: Deps, centre_id: str) -> bool:
    answer = await deps.call("directory", DIRECTORY_KNOWN_CENTRES, {"centreIds": [centre_id]})
    known = answer.get("centreIds")
    if not isinstance(known, list):
        raise PeerUnavailable("The directory answered known centres without centreIds.")
    return centre_id in known


async def has_booked_at(deps: Deps, centre_id: str, participant_id: str) -> bool:
    """Whether the participant holds or held a booking at a session of the centre."""
    answer = await deps.call(
        "sessions", SESSIONS_RELATIONS, {"centreId": centre_id, "participantIds": [participant_id]}
    )
    related = answer.get("participantIds")
    if not isinstance(related, list):
        raise PeerUnavailable("The sessions service answered relations without participantIds.")
    return participant_id in related
