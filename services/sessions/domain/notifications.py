"""Telling participants: queued in the outbox with the change, handed to consent afterwards.

Only consent can decrypt contact details, so sessions asks it (``POST /internal/notify``). A
message is written to the outbox in the transaction that makes the change it announces; then
``flush`` hands every undelivered one to consent. When consent is down the message stays in the
outbox with its attempt count, and the next ``flush`` (after the next cancellation, or from an
operator's job) retries it: nothing is lost, and consent may deliver twice at worst.

A queued message names a session and why it was cancelled, next to who was booked: it is
sealed under a key of its own, and that key under each recipient's data key (``seal_notice``),
so erasing a recipient (their key destroyed) leaves them no readable copy here. Once consent
accepted it, the row keeps neither the recipients nor the message.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import datetime

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from saathi.crypto import seal, unseal
from saathi.keystore import KeyStore
from saathi.peers import Peers
from saathi.service.internal.client import call
from saathi.service.internal.contracts import NOTIFY, NotifyRequest
from saathi.service.outbox import Outbox
from services.sessions.domain.records import PendingNotification, SealedNotice
from services.sessions.repository import outbox

BATCH = 100


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _recipient(notification_id: str, participant_id: str) -> bytes:
    return f"{notification_id}:{participant_id}".encode()


def seal_notice(
    keys: KeyStore, notification_id: str, participant_ids: Sequence[str], message: str
) -> SealedNotice:
    """``message`` for ``participant_ids``, sealed so that each one's data key opens it."""
    message_key = AESGCM.generate_key(bit_length=256)
    return SealedNotice(
        message_sealed=_b64(seal(message_key, message.encode(), notification_id.encode())),
        recipient_keys={
            participant_id: _b64(
                seal(
                    keys.create(participant_id),
                    message_key,
                    _recipient(notification_id, participant_id),
                )
            )
            for participant_id in participant_ids
        },
    )


def open_notice(keys: KeyStore, item: PendingNotification) -> str | None:
    """The message in the clear, through any recipient whose data key still exists."""
    if item.message_sealed is None:
        return None
    found = keys.get_many(item.recipient_keys)
    for participant_id, data_key in found.items():
        message_key = unseal(
            data_key,
            base64.b64decode(item.recipient_keys[participant_id]),
            _recipient(item.id, participant_id),
        )
        sealed = base64.b64decode(item.message_sealed)
        return unseal(message_key, sealed, item.id.encode()).decode()
    return None


class _Store:
    """The sessions outbox (``repository.outbox``) as the toolkit's ``OutboxStore``."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    async def pending(self, limit: int) -> Sequence[PendingNotification]:
        return await outbox.pending(limit)

    async def sent(self, item: PendingNotification) -> None:
        await outbox.delivered(item.id, self.now)

    async def failed(self, item: PendingNotification, error: str) -> None:
        await outbox.failed(item, error)


def notices(peers: Peers, keys: KeyStore, now: datetime) -> Outbox[PendingNotification]:
    """The notices outbox: each one opened with a recipient's data key and handed to consent.

    A message none of whose recipients has a key any more (all erased) is dropped.
    """

    async def send(item: PendingNotification) -> bool:
        message = open_notice(keys, item)
        if message is None:
            await outbox.drop(item.id)
            return False
        request = NotifyRequest(
            participant_ids=list(item.participant_ids), kind=item.kind, message=message
        )
        await call(peers, NOTIFY, request)
        return True

    return Outbox(_Store(now), send, BATCH)


async def flush(peers: Peers, keys: KeyStore, now: datetime) -> int:
    """Hand undelivered notifications to consent, oldest first; answers how many it accepted.
    Stops at the first failure: consent is down, and the rest would fail the same way."""
    report = await notices(peers, keys, now).drain()
    return report.sent


async def forget_participant(participant_id: str) -> None:
    """Take an erased participant out of every undelivered message; a message left with nobody
    to tell is dropped, since it announces nothing to anyone."""
    for item in await outbox.pending(limit=10_000):
        if participant_id in item.participant_ids or participant_id in item.recipient_keys:
            rest = [p for p in item.participant_ids if p != participant_id]
            keys = {p: k for p, k in item.recipient_keys.items() if p != participant_id}
            if rest and keys:
                await outbox.readdress(item.id, rest, keys)
            else:
                await outbox.drop(item.id)
