"""Queries on facilitators' reflections."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.exceptions import IntegrityError
from tortoise.functions import Avg, Count

from services.sessions.domain.records import Ratings
from services.sessions.models import Reflection


class DuplicateReflection(Exception):
    """The session already has its reflection."""


@dataclass(frozen=True)
class ReflectionRow:
    id: str
    session_id: str
    group_id: str
    centre_id: str
    author_id: str
    rating: int
    safety_concern: bool
    notes_sealed: str | None
    starts_at: datetime


async def add(row: ReflectionRow, at: datetime) -> None:
    try:
        await Reflection.create(
            id=row.id,
            session_id=row.session_id,
            group_id=row.group_id,
            centre_id=row.centre_id,
            author_id=row.author_id,
            rating=row.rating,
            safety_concern=row.safety_concern,
            notes_sealed=row.notes_sealed,
            starts_at=row.starts_at,
            recorded_at=at,
        )
    except IntegrityError:
        raise DuplicateReflection(row.session_id) from None


async def ratings(
    centre_id: str, start: datetime, end: datetime
) -> tuple[Ratings, dict[str, Ratings]]:
    """The centre's facilitator ratings of sessions starting in [start, end), in all and by
    group."""
    query = Reflection.filter(centre_id=centre_id, starts_at__gte=start, starts_at__lt=end)
    total = await query.annotate(n=Count("id"), mean=Avg("rating")).first().values("n", "mean")
    rows = (
        await query.annotate(n=Count("id"), mean=Avg("rating"))
        .group_by("group_id")
        .values("group_id", "n", "mean")
    )
    by_group = {
        str(r["group_id"]): Ratings(int(r["n"]), float(r["mean"]) if r["mean"] else None)
        for r in rows
    }
    count = int(total["n"]) if total and total["n"] else 0
    mean = float(total["mean"]) if total and total["mean"] is not None else None
    return Ratings(count, mean), by_group
