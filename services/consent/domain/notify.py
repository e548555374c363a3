"""Telling participants (a cancelled session) or a centre's staff (a concern, supporters needing
attention) something through the delivery channel.

Only this service can open a contact, so other services name participants and the message;
participants without a contact (made by an operator) or no longer here are skipped and counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from saathi.tokens import Role
from services.consent import repository
from services.consent.domain.deps import Deps
from services.consent.domain.personal import CONTACT_FIELD, open_text


@dataclass(frozen=True)
class Notified:
    delivered: int
    skipped: int


async def notify(deps: Deps, participant_ids: Sequence[str], kind: str, message: str) -> Notified:
    """Send ``message`` (of ``kind``) once to each participant who has a contact."""
    unique = list(dict.fromkeys(participant_ids))
    found = await repository.participants_by_ids(unique)
    keys = deps.keys.get_many(found)
    now = deps.clock()
    delivered = skipped = 0
    for participant_id in unique:
        participant = found.get(participant_id)
        key = keys.get(participant_id)
        if participant is None or participant.contact_sealed is None or key is None:
            skipped += 1
            continue
        contact = open_text(key, participant.id, CONTACT_FIELD, participant.contact_sealed)
        await deps.delivery.send_message(to=contact, kind=kind, message=message, at=now)
        delivered += 1
    return Notified(delivered=delivered, skipped=skipped)


async def notify_staff(
    deps: Deps, centre_id: str, roles: Sequence[Role], kind: str, message: str
) -> int:
    """Send ``message`` to each of the centre's staff holding one of ``roles`` (a concern for
    its supervisors, supporters needing attention for its admins); how many. Staff hold no
    contact here: the line is addressed to the staff id, which the centre's own tools read."""
    now = deps.clock()
    staff_ids = await repository.staff_ids_of(centre_id, [role.value for role in roles])
    for staff_id in staff_ids:
        await deps.delivery.send_message(to=staff_id, kind=kind, message=message, at=now)
    return len(staff_ids)
