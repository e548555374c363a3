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


async def forget_participant(participant_id: str) -> None:
    """Take an erased participant out of every undelivered message (dropping emptied ones)."""
    for item in await pending(limit=10_000):
        if participant_id in item.participant_ids or participant_id in item.recipient_keys:
            rest = [p for p in item.participant_ids if p != participant_id]
            keys = {p: k for p, k in item.recipient_keys.items() if p != participant_id}
            if rest and keys:
                await Notification.filter(id=item.id).update(
                    participant_ids=rest, recipient_keys=keys
                )
            else:
                await Notification.filter(id=item.id).delete()
