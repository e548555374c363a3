"""Root query fields."""

from __future__ import annotations

import strawberry

from saathi.service.strawberry import IsParticipant
from services.consent.api.context import Context
from services.consent.api.types import Participant
from services.consent.domain.participants import signed_in


async def _me(info: strawberry.Info[Context]) -> Participant | None:
    subject = info.context.viewer.participant().subject
    return Participant.of(signed_in(await info.context.loaders.participant.load(subject)))


@strawberry.type
class Query:
    me: Participant | None = strawberry.field(
        resolver=_me, permission_classes=[IsParticipant], description="The signed-in participant."
    )
