"""What consent asks about participants: who is related to a centre, and erasure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from saathi.keystore import KeyStore
from services.sessions import repository
from services.sessions.domain import notifications
from services.sessions.domain.bookings import release
from services.sessions.domain.concerns import forget_reporter
from services.sessions.domain.feedback import once_token
from services.sessions.repository import participants, residents


async def related(centre_id: str, participant_ids: Sequence[str]) -> list[str]:
    """Those of ``participant_ids`` who hold or held a booking at the centre, in the order given."""
    if not participant_ids:
        return []
    found = await participants.related(centre_id, participant_ids)
    return [p for p in dict.fromkeys(participant_ids) if p in found]


async def groups_booked(participant_id: str, group_ids: Sequence[str], now: datetime) -> list[str]:
    """Those of ``group_ids`` (in the order given) where the participant holds a CONFIRMED
    booking at a session that has not ended: whose join link they may see (directory asks)."""
    if not group_ids:
        return []
    found = await participants.groups_with_confirmed_booking(participant_id, group_ids, now)
    return [g for g in dict.fromkeys(group_ids) if g in found]


@dataclass(frozen=True)
class Erased:
    bookings: int
    feedback: int


async def erase(participant_id: str, now: datetime, keys: KeyStore) -> Erased:
    """Delete the participant's bookings, feedback and events; safe to repeat.

    Live bookings ahead are released first, one transaction each, so their seats go to the
    waitlist exactly as a cancellation would; then everything of theirs is deleted (their
    anonymous feedback keeps only its rating), they are taken out of any message still waiting
    in the outbox, their concerns lose their descriptions (keys destroyed) and their link to
    them, their data key is destroyed and the write-ahead log cleared.
    """
    data_key = keys.get(participant_id)
    tokens = (
        []
        if data_key is None
        else [
            once_token(data_key, session_id)
            for session_id in await participants.attended_session_ids(participant_id)
        ]
    )
    for booking in await participants.live_bookings_ahead(participant_id, now):
        async with repository.unit_of_work() as unit:
            session = await unit.lock_session(booking.session_id)
            current = await unit.booking(booking.id)
            if session is None or current is None or not current.status.is_live:
                continue
            await release(unit, session, current, now)
    bookings, feedback = await participants.delete_everything_of(participant_id, tokens)
    await notifications.forget_participant(participant_id)
    await forget_reporter(participant_id, keys)
    await residents.forget(participant_id)
    keys.destroy(participant_id)
    await participants.scrub()
    return Erased(bookings=bookings, feedback=feedback)
