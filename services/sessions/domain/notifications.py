"""Telling participants: queued in the outbox with the change, handed to consent afterwards.

Only consent can decrypt contact details, so sessions asks it (``POST /internal/notify``). A
message is written to the outbox in the transaction that makes the change it announces; then
``flush`` hands every undelivered one to consent. When consent is down the message stays in the
outbox with its attempt count, and the next ``flush`` (after the next cancellation, or from an
operator's job) retries it: nothing is lost, and consent may deliver twice at worst.
"""

from __future__ import annotations

from datetime import datetime

from saathi.peers import Peers, PeerUnavailable
from services.sessions.repository import outbox

BATCH = 100


async def flush(peers: Peers, now: datetime) -> int:
    """Hand undelivered notifications to consent, oldest first; answers how many it accepted.

    Stops at the first failure: consent is down, and the rest would fail the same way.
    """
    accepted = 0
    for item in await outbox.pending(BATCH):
        body = {
            "participantIds": list(item.participant_ids),
            "kind": item.kind,
            "message": item.message,
        }
        try:
            await peers.post_json("consent", "/internal/notify", body)
        except PeerUnavailable as error:
            await outbox.failed(item, error.message)
            break
        await outbox.delivered(item.id, now)
        accepted += 1
    return accepted
