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
        .values("id", "participant_ids", "kind", "message_sealed", "recipient_keys", "attempts")
    )
    return [
        PendingNotification(
            id=row["id"],
            participant_ids=tuple(row["participant_ids"]),
            kind=row["kind"],
            message_sealed=row["message_sealed"],
            recipient_keys=dict(row["recipient_keys"] or {}),
            attempts=row["attempts"],
        )
        for row in rows
    ]


async def delivered(notification_id: str, at: datetime) -> None:
    """Mark it delivered and keep nothing of it but its kind and times: who was told what is
    the delivery channel's to hold, not this database's."""
    await Notification.filter(id=notification_id).update(
        delivered_at=at, participant_ids=[], message_sealed=None, recipient_keys={}
    )


async def failed(notification: PendingNotification, error: str) -> None:
    await Notification.filter(id=notification.id).update(
        attempts=notification.attempts + 1, last_error=error[:500]
    )


async def drop(notification_id: str) -> None:
    await Notification.filter(id=notification_id).delete()


async def readdress(
    notification_id: str, participant_ids: list[str], recipient_keys: dict[str, str]
) -> None:
    """Keep the message for these recipients only."""
    await Notification.filter(id=notification_id).update(
        participant_ids=participant_ids, recipient_keys=recipient_keys
    )
