"""Erasure of an account: everything the network holds about a participant, on their request.

Sessions erases its part first (bookings, feedback, notices, and its own key for the person);
if it cannot be reached nothing here changes, so the participant can simply try again (both
sides are idempotent). Then the delivery channel forgets the person's messages (the outbox
lines with their contact), and in one transaction every row about the person is deleted and a
tombstone records that an erasure happened and how many rows went, with nothing that
identifies who. Last, the person's data key is destroyed in the key store (crypto-shredding:
their sealed name, city, contact and request reasons are unreadable in any copy of the
database, backups included) and the write-ahead log is cleared. See docs/erasure.md. The
anchor file of the access log gets a signed erasure line for the participant's log (under its
pseudonym), so ``saathi audit verify`` tells the erased log from a removed one.

An access token issued before the erasure still verifies, but names a participant who no longer
exists: ``me`` and every mutation answer ``UNAUTHENTICATED`` ("This account no longer exists").
"""

from __future__ import annotations

from saathi.ids import new_id
from saathi.service.internal.client import call
from saathi.service.internal.contracts import ERASE, EraseRequest
from saathi.tokens import Principal
from services.consent import repository
from services.consent.domain.access_log import anchor_erasure, log_head
from services.consent.domain.deps import Deps
from services.consent.domain.login import contact_bucket
from services.consent.domain.participants import signed_in
from services.consent.domain.personal import CONTACT_FIELD, open_field
from services.consent.domain.records import ErasureCounts


async def erase_account(deps: Deps, viewer: Principal) -> ErasureCounts:
    """Erase the signed-in participant everywhere; what was removed, by kind."""
    participant = signed_in(await repository.participant_by_id(viewer.subject))
    answer = await call(deps.peers, ERASE, EraseRequest(participant_id=participant.id))
    bookings, feedback = answer.erased.bookings, answer.erased.feedback
    bucket = None
    contact = open_field(deps.keys, participant.id, CONTACT_FIELD, participant.contact_sealed)
    if contact is not None:
        bucket = contact_bucket(deps.master_key, contact)
        await deps.delivery.forget(contact)
    async with repository.transaction():
        # Signed before the rows go, so the log's absence afterwards reads as this erasure.
        await anchor_erasure(deps, participant.id, await log_head(participant.id))
        index = await repository.participant_contact_index(participant.id)
        consents, entries = await repository.erase_participant(participant.id, index, bucket)
        counts = ErasureCounts(
            bookings=bookings, feedback=feedback, consents=consents, log_entries=entries
        )
        await repository.add_erasure(new_id("ers"), deps.clock(), counts)
    deps.keys.destroy(participant.id)
    await repository.scrub()
    return counts
