"""``setGoal``: the participant sets one of their own recovery goals (new, or changed)."""

from __future__ import annotations

from datetime import date

import strawberry

from saathi.service.strawberry import MutationError
from services.consent.api.context import Context
from services.consent.api.goals import Goal
from services.consent.domain import goals


@strawberry.input
class SetGoalInput:
    goal_id: strawberry.ID | None = strawberry.field(
        default=None, description="One of my goals to change; none for a new goal."
    )
    title: str = strawberry.field(description="1 to 200 characters.")
    target_date: date | None = None


@strawberry.type
class SetGoalPayload:
    goal: Goal | None = None
    error: MutationError | None = None


async def set_goal(info: strawberry.Info[Context], input: SetGoalInput) -> SetGoalPayload:
    context = info.context
    goal = await goals.set_goal(
        context.deps,
        context.viewer.participant(),
        goal_id=None if input.goal_id is None else str(input.goal_id),
        title=input.title,
        target_date=input.target_date,
    )
    return SetGoalPayload(goal=Goal.of(goal))
