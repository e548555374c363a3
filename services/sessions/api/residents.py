"""``admitResident`` / ``dischargeResident``: a residential centre's admin says who lives there,
and so may book its residents-only groups."""

from __future__ import annotations

import strawberry

from saathi.service.strawberry import ActsFor, MutationError, mutation
from saathi.tokens import Role
from services.sessions.api.context import Context
from services.sessions.domain import residents


@strawberry.type
class ResidentPayload:
    done: bool = False
    error: MutationError | None = None


async def admit_resident(
    info: strawberry.Info[Context], centre_id: strawberry.ID, participant_id: strawberry.ID
) -> ResidentPayload:
    principal = info.context.viewer.required()
    await residents.admit(principal, str(centre_id), str(participant_id), info.context.loaders.now)
    return ResidentPayload(done=True)


async def discharge_resident(
    info: strawberry.Info[Context], centre_id: strawberry.ID, participant_id: strawberry.ID
) -> ResidentPayload:
    principal = info.context.viewer.required()
    await residents.discharge(principal, str(centre_id), str(participant_id))
    return ResidentPayload(done=True)


admit_field = mutation(
    admit_resident,
    ResidentPayload,
    ActsFor(Role.CENTRE_ADMIN),
    description="centre_admin of the centre: the participant may book its residents-only groups.",
)
discharge_field = mutation(
    discharge_resident,
    ResidentPayload,
    ActsFor(Role.CENTRE_ADMIN),
    description="centre_admin of the centre: the participant no longer lives there.",
)
