"""Queries on wellbeing check-ins and goals: rows hold sealed blobs, owners and times only."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from tortoise.expressions import Q

from services.consent import models
from services.consent.domain.records import GoalRecord, WellbeingCheckinRecord


def _checkin(row: models.WellbeingCheckin) -> WellbeingCheckinRecord:
    return WellbeingCheckinRecord(
        id=row.id, participant_id=row.participant_id, at=row.at, sealed=row.sealed
    )


def _goal(row: models.Goal) -> GoalRecord:
    return GoalRecord(
        id=row.id,
        participant_id=row.participant_id,
        created_at=row.created_at,
        updated_at=row.updated_at,
        sealed=row.sealed,
    )


def _before(field: str, after: tuple[datetime, str] | None) -> Q:
    """Rows after the keyset position ``after`` in (``field``, id) order, newest first."""
    if after is None:
        return Q()
    at, row_id = after
    earlier: dict[str, Any] = {f"{field}__lt": at}
    same: dict[str, Any] = {field: at, "id__lt": row_id}
    return Q(**earlier) | Q(**same)


async def add_checkin(record: WellbeingCheckinRecord) -> None:
    await models.WellbeingCheckin.create(
        id=record.id, participant_id=record.participant_id, at=record.at, sealed=record.sealed
    )


async def checkins_page(
    participant_id: str, after: tuple[datetime, str] | None, limit: int
) -> list[WellbeingCheckinRecord]:
    """Up to ``limit`` of the participant's check-ins, newest first, after ``after``."""
    rows = (
        await models.WellbeingCheckin.filter(_before("at", after), participant_id=participant_id)
        .order_by("-at", "-id")
        .limit(limit)
    )
    return [_checkin(row) for row in rows]


async def checkins_since(participant_id: str, since: datetime) -> list[WellbeingCheckinRecord]:
    """The participant's check-ins from ``since`` on, oldest first."""
    rows = await models.WellbeingCheckin.filter(
        participant_id=participant_id, at__gte=since
    ).order_by("at", "id")
    return [_checkin(row) for row in rows]


async def checkins_of(participant_id: str) -> list[WellbeingCheckinRecord]:
    """Every check-in of the participant, oldest first."""
    rows = await models.WellbeingCheckin.filter(participant_id=participant_id).order_by("at", "id")
    return [_checkin(row) for row in rows]


async def count_checkins(participant_id: str) -> int:
    return await models.WellbeingCheckin.filter(participant_id=participant_id).count()


async def checkins_within(
    participant_ids: Sequence[str], start: datetime, end: datetime
) -> dict[str, list[WellbeingCheckinRecord]]:
    """Each participant's check-ins in ``[start, end)``, oldest first, in one query."""
    found: dict[str, list[WellbeingCheckinRecord]] = defaultdict(list)
    rows = await models.WellbeingCheckin.filter(
        participant_id__in=list(participant_ids), at__gte=start, at__lt=end
    ).order_by("at", "id")
    for row in rows:
        found[row.participant_id].append(_checkin(row))
    return found


async def add_goal(record: GoalRecord) -> None:
    await models.Goal.create(
        id=record.id,
        participant_id=record.participant_id,
        created_at=record.created_at,
        updated_at=record.updated_at,
        sealed=record.sealed,
    )


async def goal_by_id(goal_id: str) -> GoalRecord | None:
    row = await models.Goal.get_or_none(id=goal_id)
    return None if row is None else _goal(row)


async def replace_goal(goal_id: str, participant_id: str, sealed: bytes, now: datetime) -> bool:
    """Store the goal's new sealed content; ``False`` when no such goal of the participant."""
    updated = await models.Goal.filter(id=goal_id, participant_id=participant_id).update(
        sealed=sealed, updated_at=now
    )
    return updated == 1


async def goals_page(
    participant_id: str, after: tuple[datetime, str] | None, limit: int
) -> list[GoalRecord]:
    """Up to ``limit`` of the participant's goals, newest first, after ``after``."""
    rows = (
        await models.Goal.filter(_before("created_at", after), participant_id=participant_id)
        .order_by("-created_at", "-id")
        .limit(limit)
    )
    return [_goal(row) for row in rows]


async def all_goals(participant_id: str) -> list[GoalRecord]:
    rows = await models.Goal.filter(participant_id=participant_id).order_by("-created_at", "-id")
    return [_goal(row) for row in rows]


async def count_goals(participant_id: str) -> int:
    return await models.Goal.filter(participant_id=participant_id).count()
