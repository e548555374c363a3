"""The notification outbox: messages queued with the change they announce, until delivered."""

from __future__ import annotations

from datetime import datetime

from services.sessions.domain.records import PendingNotification
from services.sessions.models import Notification


async def pending(limit: int) -> list[PendingNotification]:
    """Undelivered notifications, oldest first."""
    rows = (
        await Notification.filter(delivered_at=None)
        .order_by("created_at", "id")
        .limit(limit)
        .values("id", "participant_ids", "kind", "message", "attempts")
    )
    return [
        PendingNotification(
            id=row["id"],
            participant_ids=tuple(row["participant_ids"]),
            kind=row["kind"],
            message=row["message"],
            attempts=row["attempts"],
        )
        for row in rows
    ]


async def delivered(notification_id: str, at: datetime) -> None:
    await Notification.filter(id=notification_id).update(delivered_at=at)


async def failed(notification: PendingNotification, error: str) -> None:
    await Notification.filter(id=notification.id).update(
        attempts=notification.attempts + 1, last_error=error[:500]
    )


async def forget_participant(participant_id: str) -> None:
    """Take an erased participant out of every undelivered message (dropping emptied ones)."""
    for item in await pending(limit=10_000):
        if participant_id in item.participant_ids:
            rest = [p for p in item.participant_ids if p != participant_id]
            if rest:
                await Notification.filter(id=item.id).update(participant_ids=rest)
            else:
                await Notification.filter(id=item.id).delete()
