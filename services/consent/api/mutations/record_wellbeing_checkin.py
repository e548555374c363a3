"""``recordWellbeingCheckin``: the participant records their WHO-5 (and BARC-10) for themselves."""

from __future__ import annotations

import strawberry

from saathi.service.strawberry import MutationError
from services.consent.api.context import Context
from services.consent.api.wellbeing import WellbeingCheckin, WellbeingSupport
from services.consent.domain import wellbeing


@strawberry.input
class RecordWellbeingCheckinInput:
    who5: list[int] = strawberry.field(description="The five WHO-5 items, each 0 to 5.")
    barc10: list[int] | None = strawberry.field(
        default=None, description="For addiction recovery: the ten BARC-10 items, each 1 to 6."
    )
    note: str | None = strawberry.field(
        default=None, description="For me; at most 1000 characters."
    )


@strawberry.type
class RecordWellbeingCheckinPayload:
    checkin: WellbeingCheckin | None = None
    support: WellbeingSupport | None = strawberry.field(
        default=None,
        description="With a WHO-5 of 7 or below (28 or below on the 0 to 100 scale): crisis "
        "lines and a gentle suggestion to talk to someone. Nobody else is told.",
    )
    error: MutationError | None = None


async def record_wellbeing_checkin(
    info: strawberry.Info[Context], input: RecordWellbeingCheckinInput
) -> RecordWellbeingCheckinPayload:
    context = info.context
    recorded = await wellbeing.record_checkin(
        context.deps, context.viewer.participant(), input.who5, input.barc10, input.note
    )
    return RecordWellbeingCheckinPayload(
        checkin=WellbeingCheckin.of(recorded.checkin),
        support=None if recorded.support is None else WellbeingSupport.of(recorded.support),
    )
