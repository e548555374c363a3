"""Recovery goals as the participant sees them: ``myGoals``."""

from __future__ import annotations

from datetime import date, datetime
from typing import Self

import strawberry

from saathi.service.strawberry import IsParticipant, PageInfo
from services.consent.api.context import Context
from services.consent.domain import goals
from services.consent.domain.goals import Goal as GoalValue


@strawberry.type
class Goal:
    """One of my recovery goals."""

    id: strawberry.ID
    title: str
    target_date: date | None
    progress: int = strawberry.field(description="How far along, 0 to 100.")
    progress_note: str | None
    achieved: bool
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, goal: GoalValue) -> Self:
        return cls(
            id=strawberry.ID(goal.id),
            title=goal.title,
            target_date=goal.target_date,
            progress=goal.progress,
            progress_note=goal.note,
            achieved=goal.achieved,
            created_at=goal.created_at,
            updated_at=goal.updated_at,
        )


@strawberry.type
class GoalEdge:
    cursor: str
    node: Goal


async def _total(root: GoalConnection) -> int:
    return await goals.count(root.participant_id)


@strawberry.type
class GoalConnection:
    """My goals, newest first."""

    total_count: int = strawberry.field(resolver=_total)
    page_info: PageInfo
    edges: list[GoalEdge]
    participant_id: strawberry.Private[str]


async def my_goals(
    info: strawberry.Info[Context], first: int | None = 20, after: str | None = None
) -> GoalConnection:
    subject = info.context.viewer.participant().subject
    page = await goals.goal_page(info.context.deps, subject, first, after)
    return GoalConnection(
        page_info=PageInfo.of(page),
        edges=[GoalEdge(cursor=goals.cursor_of(g), node=Goal.of(g)) for g in page.edges],
        participant_id=subject,
    )


field = strawberry.field(
    resolver=my_goals,
    permission_classes=[IsParticipant],
    description="My recovery goals, newest first; only I see them, and a centre only under a "
    "consent that covers GOALS.",
)
