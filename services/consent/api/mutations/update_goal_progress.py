"""``updateGoalProgress``: the participant records how far they have come with a goal."""

from __future__ import annotations

from typing import Self

import strawberry

from saathi.errors import SaathiError
from services.consent.api.context import Context
from services.consent.api.goals import Goal
from services.consent.api.mutations.payload import payload_or_error
from services.consent.api.types import MutationError
from services.consent.domain import goals


@strawberry.input
class UpdateGoalProgressInput:
    goal_id: strawberry.ID
    progress: int = strawberry.field(description="0 to 100; 100 is achieved.")
    note: str | None = strawberry.field(default=None, description="At most 1000 characters.")


@strawberry.type
class UpdateGoalProgressPayload:
    goal: Goal | None = None
    error: MutationError | None = None

    @classmethod
    def from_error(cls, error: SaathiError) -> Self:
        return cls(error=MutationError.of(error))


async def _update(
    info: strawberry.Info[Context], input: UpdateGoalProgressInput
) -> UpdateGoalProgressPayload:
    context = info.context
    goal = await goals.update_progress(
        context.deps, context.viewer.participant(), str(input.goal_id), input.progress, input.note
    )
    return UpdateGoalProgressPayload(goal=Goal.of(goal))


async def update_goal_progress(
    info: strawberry.Info[Context], input: UpdateGoalProgressInput
) -> UpdateGoalProgressPayload:
    return await payload_or_error(UpdateGoalProgressPayload, _update(info, input))
