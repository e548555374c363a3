"""Booking and cancelling seats: capacity, the waitlist, promotion, idempotency.

Every decision about a seat is taken inside one transaction that holds the session's row lock
(see ``repository.unit_of_work``), so concurrent bookings can never take more seats than the
session has, and a cancellation frees its seat and promotes the waitlist in the same step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from saathi.errors import (
    AlreadyBooked,
    BadUserInput,
    NotFound,
    SessionCancelled,
    SessionStarted,
)
from saathi.ids import new_id
from services.sessions import repository
from services.sessions.domain.records import (
    BookingRecord,
    BookingStatus,
    SessionRecord,
    SessionStatus,
)
from services.sessions.domain.residents import check_may_book

MAX_IDEMPOTENCY_KEY = 200


def not_yours(booking_id: str) -> str:
    """The one message for a booking id that is missing or another participant's."""
    return f"You hold no booking with the id {booking_id!r}."


def check_idempotency_key(key: str) -> None:
    if not 1 <= len(key) <= MAX_IDEMPOTENCY_KEY:
        raise BadUserInput(f"idempotencyKey must be 1 to {MAX_IDEMPOTENCY_KEY} characters long.")


def check_bookable(session: SessionRecord, now: datetime) -> None:
    """Raise unless ``session`` can still take bookings at ``now``."""
    if session.status is SessionStatus.CANCELLED:
        raise SessionCancelled("This session was cancelled by its centre.")
    if session.status is SessionStatus.COMPLETED or session.starts_at <= now:
        raise SessionStarted("This session has already started; it can no longer be booked.")


def seat_for(
    session: SessionRecord, last_waitlist_position: int
) -> tuple[BookingStatus, int | None]:
    """A confirmed seat while the session has one left, else the next waitlist place."""
    if session.has_seat:
        return BookingStatus.CONFIRMED, None
    return BookingStatus.WAITLISTED, last_waitlist_position + 1


def _replayed(booking: BookingRecord, session_id: str) -> BookingRecord:
    """The booking an idempotency key already made, if it was made for this same session."""
    if booking.session_id != session_id:
        raise BadUserInput(
            "This idempotencyKey was already used for another session; send a new key."
        )
    return booking


async def book(
    participant_id: str, session_id: str, idempotency_key: str, now: datetime
) -> BookingRecord:
    """Book a seat (or a waitlist place); the same key always returns the same booking."""
    check_idempotency_key(idempotency_key)
    earlier = await repository.booking_by_key(participant_id, idempotency_key)
    if earlier is not None:
        return _replayed(earlier, session_id)
    try:
        async with repository.unit_of_work() as unit:
            session = await unit.lock_session(session_id)
            if session is None:
                raise NotFound(f"No session has the id {session_id!r}.")
            # A retry that waited for the lock behind its own first attempt finds it here.
            earlier = await unit.booking_by_key(participant_id, idempotency_key)
            if earlier is not None:
                return _replayed(earlier, session_id)
            check_bookable(session, now)
            await check_may_book(session.group_id, participant_id)
            if await unit.live_booking(session_id, participant_id) is not None:
                raise AlreadyBooked("You already hold a booking for this session.")
            status, position = seat_for(session, await unit.last_waitlist_position(session_id))
            booking = BookingRecord(
                id=new_id("bkg"),
                session_id=session_id,
                participant_id=participant_id,
                status=status,
                waitlist_position=position,
                idempotency_key=idempotency_key,
            )
            await unit.add_booking(booking, now)
            return booking
    except repository.DuplicateIdempotencyKey:
        # Another request with the same key committed between our read and our insert.
        stored = await repository.booking_by_key(participant_id, idempotency_key)
        if stored is None:  # pragma: no cover - the unique constraint just said it exists
            raise
        return _replayed(stored, session_id)


async def cancel(participant_id: str, booking_id: str, now: datetime) -> BookingRecord:
    """Cancel the participant's own booking, freeing the seat for the head of the waitlist."""
    found = (await repository.bookings_by_ids([booking_id])).get(booking_id)
    if found is None or found.participant_id != participant_id:
        # Someone else's booking answers exactly as a missing one: ids are no oracle.
        raise NotFound(not_yours(booking_id))
    async with repository.unit_of_work() as unit:
        session = await unit.lock_session(found.session_id)
        booking = await unit.booking(booking_id)
        if session is None or booking is None:  # pragma: no cover - rows are never deleted
            raise NotFound(not_yours(booking_id))
        if booking.status is BookingStatus.CANCELLED:
            return booking
        if not booking.status.is_live:
            raise BadUserInput("Attendance was recorded for this booking; it cannot be cancelled.")
        if session.starts_at <= now:
            raise SessionStarted("This session has already started; the booking stands.")
        await release(unit, session, booking, now)
        return replace(booking, status=BookingStatus.CANCELLED, waitlist_position=None)


async def release(
    unit: repository.Unit, session: SessionRecord, booking: BookingRecord, now: datetime
) -> None:
    """Cancel a live ``booking``: close its waitlist gap, or give its seat to the waitlist."""
    await unit.set_status([booking], BookingStatus.CANCELLED, now)
    if booking.status is BookingStatus.WAITLISTED:
        await unit.close_waitlist_gap(session.id, after=booking.waitlist_position or 0, by=1)
    elif session.status is SessionStatus.SCHEDULED:
        free = session.capacity - session.held - (session.confirmed - 1)
        promoted = await unit.waitlist(session.id, first=free) if free > 0 else []
        await unit.set_status(promoted, BookingStatus.CONFIRMED, now)
        if promoted:
            await unit.close_waitlist_gap(session.id, after=0, by=len(promoted))


async def bookings(booking_ids: Sequence[str]) -> dict[str, BookingRecord]:
    """The bookings with these ids (unknown ids are left out)."""
    return await repository.bookings_by_ids(booking_ids)


async def bookings_of(
    participant_ids: Sequence[str], *, upcoming: bool, now: datetime
) -> dict[str, list[BookingRecord]]:
    """Each participant's bookings by session start; ``upcoming``: live ones not yet ended."""
    if upcoming:
        rows = await repository.bookings_of_participants(
            participant_ids,
            statuses=(BookingStatus.CONFIRMED, BookingStatus.WAITLISTED),
            ending_after=now,
        )
    else:
        rows = await repository.bookings_of_participants(participant_ids)
    by_participant: dict[str, list[BookingRecord]] = {pid: [] for pid in participant_ids}
    for row in rows:
        by_participant[row.participant_id].append(row)
    return by_participant
