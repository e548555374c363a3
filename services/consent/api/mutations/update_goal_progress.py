"""``updateGoalProgress``: the participant records how far they have come with a goal."""

from __future__ import annotations

import strawberry

from saathi.service.strawberry import MutationError
from services.consent.api.context import Context
from services.consent.api.goals import Goal
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


async def update_goal_progress(
    info: strawberry.Info[Context], input: UpdateGoalProgressInput
) -> UpdateGoalProgressPayload:
    context = info.context
    goal = await goals.update_progress(
        context.deps, context.viewer.participant(), str(input.goal_id), input.progress, input.note
    )
    return UpdateGoalProgressPayload(goal=Goal.of(goal))
