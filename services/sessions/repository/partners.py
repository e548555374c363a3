"""Partner systems: the sessions they push (by their own ids), the booking feed they pull."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Subquery

from services.sessions.domain.records import (
    BookingChangeRecord,
    BookingStatus,
    SessionRecord,
    SessionStatus,
)
from services.sessions.models import BookingEvent, Session, SyncBatch
from services.sessions.repository import Unit


async def batch_answer(centre_id: str, batch_id: str) -> Any | None:
    rows = await SyncBatch.filter(centre_id=centre_id, batch_id=batch_id).values_list(
        "answer", flat=True
    )
    return rows[0] if rows else None


async def save_batch_answer(
    unit: Unit, centre_id: str, batch_id: str, answer: Any, at: datetime
) -> bool:
    """Store the batch's answer in the unit's transaction; ``False`` when another request
    stored one for the same batch first (the caller rolls back and replays that one)."""
    try:
        await SyncBatch.create(
            using_db=unit.connection, centre_id=centre_id, batch_id=batch_id, answer=answer, at=at
        )
    except IntegrityError:
        return False
    return True


async def external_session(unit: Unit, centre_id: str, external_id: str) -> SessionRecord | None:
    """The centre's session with this partner id, its row locked (PostgreSQL)."""
    row = (
        await Session.filter(centre_id=centre_id, external_id=external_id)
        .select_for_update()
        .using_db(unit.connection)
        .first()
    )
    if row is None:
        return None
    return SessionRecord(
        id=row.id,
        group_id=row.group_id,
        centre_id=row.centre_id,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        capacity=row.capacity,
        status=SessionStatus(row.status),
        held=row.held,
        external_id=row.external_id,
        version=row.version,
    )


async def save_external(unit: Unit, session: SessionRecord, *, new: bool) -> None:
    values = {
        "group_id": session.group_id,
        "centre_id": session.centre_id,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "capacity": session.capacity,
        "status": session.status.value,
        "held": session.held,
        "external_id": session.external_id,
        "version": session.version,
    }
    if new:
        await Session.create(using_db=unit.connection, id=session.id, **values)
    else:
        await Session.filter(id=session.id).using_db(unit.connection).update(**values)


async def booking_changes(centre_id: str, since: datetime, limit: int) -> list[BookingChangeRecord]:
    """Status changes of bookings at the centre's sessions at or after ``since``, oldest first."""
    events = (
        await BookingEvent.filter(
            session_id__in=Subquery(Session.filter(centre_id=centre_id).values("id")),
            at__gte=since,
        )
        .order_by("at", "id")
        .limit(limit)
        .values("booking_id", "session_id", "status", "at")
    )
    external = dict(
        await Session.filter(id__in=list({e["session_id"] for e in events})).values_list(
            "id", "external_id"
        )
    )
    return [
        BookingChangeRecord(
            booking_id=e["booking_id"],
            session_id=e["session_id"],
            external_session_id=external.get(e["session_id"]),
            status=BookingStatus(e["status"]),
            changed_at=e["at"],
        )
        for e in events
    ]
