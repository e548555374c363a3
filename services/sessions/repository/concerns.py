"""Every query on concerns. Rows leave as ``ConcernRecord`` values."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from tortoise.expressions import Q

from saathi.ids import storable
from services.sessions.domain.records import ConcernRecord
from services.sessions.models import Concern, Series, Session


def _record(row: Concern) -> ConcernRecord:
    return ConcernRecord(
        id=row.id,
        centre_id=row.centre_id,
        about_kind=row.about_kind,
        about_id=row.about_id,
        category=row.category,
        anonymous=row.anonymous,
        reporter_id=row.reporter_id,
        reporter_mark=row.reporter_mark,
        description_sealed=row.description_sealed,
        status=row.status,
        reported_at=row.reported_at,
        acknowledged_at=row.acknowledged_at,
        resolved_at=row.resolved_at,
    )


async def centre_of_session(session_id: str) -> str | None:
    if not storable([session_id]):
        return None
    row = await Session.filter(id=session_id).values_list("centre_id", flat=True)
    return str(row[0]) if row else None


async def centre_of_group(group_id: str) -> str | None:
    if not storable([group_id]):
        return None
    row = await Series.filter(group_id=group_id).values_list("centre_id", flat=True)
    return str(row[0]) if row else None


async def add(record: ConcernRecord) -> None:
    await Concern.create(
        id=record.id,
        centre_id=record.centre_id,
        about_kind=record.about_kind,
        about_id=record.about_id,
        category=record.category,
        anonymous=record.anonymous,
        reporter_id=record.reporter_id,
        reporter_mark=record.reporter_mark,
        description_sealed=record.description_sealed,
        status=record.status,
        reported_at=record.reported_at,
    )


async def by_id(concern_id: str) -> ConcernRecord | None:
    if not storable([concern_id]):
        return None
    row = await Concern.get_or_none(id=concern_id)
    return None if row is None else _record(row)


async def of_centre(
    centre_id: str, status: str | None, after: tuple[str, str] | None, limit: int
) -> tuple[int, list[ConcernRecord]]:
    """How many of the centre's concerns (of ``status``) there are, and one page of them,
    newest first (ties by id), after the cursor ``(reported_at iso, id)``."""
    query = Concern.filter(centre_id=centre_id)
    if status is not None:
        query = query.filter(status=status)
    total = await query.count()
    if after is not None:
        at = datetime.fromisoformat(after[0])
        query = query.filter(Q(reported_at__lt=at) | Q(reported_at=at, id__lt=after[1]))
    rows = await query.order_by("-reported_at", "-id").limit(limit)
    return total, [_record(row) for row in rows]


async def of_reporter(reporter_id: str, mark: str | None) -> list[ConcernRecord]:
    """The concerns a participant reported, named (by id) or anonymous (by their mark)."""
    condition = Q(reporter_id=reporter_id)
    if mark is not None:
        condition |= Q(reporter_mark=mark)
    rows = await Concern.filter(condition).order_by("-reported_at", "-id")
    return [_record(row) for row in rows]


async def set_status(concern_id: str, status: str, at: datetime) -> None:
    values: dict[str, object] = {"status": status}
    values["acknowledged_at" if status == "ACKNOWLEDGED" else "resolved_at"] = at
    await Concern.filter(id=concern_id).update(**values)


async def untold(limit: int) -> list[ConcernRecord]:
    rows = await Concern.filter(supervisors_told_at=None).order_by("reported_at").limit(limit)
    return [_record(row) for row in rows]


async def told(concern_id: str, at: datetime) -> None:
    await Concern.filter(id=concern_id).update(supervisors_told_at=at)


async def forget_reporter(reporter_id: str, mark: str | None) -> int:
    """Cut the participant's link to their concerns and delete the descriptions they wrote
    (an erasure); the concerns stay in their centres' queues. How many were theirs."""
    condition = Q(reporter_id=reporter_id)
    if mark is not None:
        condition |= Q(reporter_mark=mark)
    return int(
        await Concern.filter(condition).update(
            reporter_id=None, reporter_mark=None, description_sealed=None
        )
    )


def ids_of(records: Sequence[ConcernRecord]) -> list[str]:
    return [record.id for record in records]
