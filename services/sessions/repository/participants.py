"""Queries about one participant across sessions: feedback, shared records, relations, erasure."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from saathi import database
from saathi.ids import storable
from services.sessions.domain.records import BookingRecord, BookingStatus
from services.sessions.models import Booking, BookingEvent, Feedback, Series

CONNECTION = "sessions"


class DuplicateFeedback(Exception):
    """The booking already has its feedback."""


async def booking_with_status(
    session_id: str, participant_id: str, status: BookingStatus
) -> BookingRecord | None:
    rows = await Booking.filter(
        session_id=session_id, participant_id=participant_id, status=status.value
    ).values("id", "session_id", "participant_id", "status", "waitlist_position", "idempotency_key")
    if not rows:
        return None
    row = rows[0]
    return BookingRecord(
        id=row["id"],
        session_id=row["session_id"],
        participant_id=row["participant_id"],
        status=BookingStatus(row["status"]),
        waitlist_position=row["waitlist_position"],
        idempotency_key=row["idempotency_key"],
    )


async def groups_with_confirmed_booking(
    participant_id: str, group_ids: Sequence[str], now: datetime
) -> set[str]:
    """Those of ``group_ids`` where the participant holds a CONFIRMED booking at a session that
    has not ended (one query)."""
    rows = await Booking.filter(
        participant_id=participant_id,
        status=BookingStatus.CONFIRMED.value,
        session__group_id__in=storable(group_ids),
        session__ends_at__gt=now,
    ).values_list("session__group_id", flat=True)
    return {str(group_id) for group_id in rows}


async def booked_in(participant_id: str, centre_id: str, group_ids: Sequence[str]) -> bool:
    """Whether the participant holds (or held and attended) a seat at a session of one of
    ``group_ids`` of ``centre_id``: a CONFIRMED or ATTENDED booking (one query)."""
    if not group_ids:
        return False
    return await Booking.filter(
        participant_id=participant_id,
        status__in=[BookingStatus.CONFIRMED.value, BookingStatus.ATTENDED.value],
        session__group_id__in=storable(group_ids),
        session__centre_id=centre_id,
    ).exists()


async def add_feedback(
    feedback_id: str,
    booking: BookingRecord,
    once_token: str,
    rating: int,
    sealed_comment: str | None,
    at: datetime,
) -> None:
    """Store named feedback on a booking; ``DuplicateFeedback`` when the session has one."""
    await _insert_feedback(
        booking.id,
        id=feedback_id,
        booking_id=booking.id,
        session_id=booking.session_id,
        participant_id=booking.participant_id,
        once_token=once_token,
        rating=rating,
        comment=sealed_comment,
        anonymous=False,
        at=at,
    )


async def add_anonymous_feedback(
    feedback_id: str,
    session_id: str,
    once_token: str,
    rating: int,
    sealed_comment: str | None,
    at: datetime,
) -> None:
    """Store feedback with no link to its author; ``DuplicateFeedback`` for a second one."""
    await _insert_feedback(
        session_id,
        id=feedback_id,
        booking_id=None,
        session_id=session_id,
        participant_id=None,
        once_token=once_token,
        rating=rating,
        comment=sealed_comment,
        anonymous=True,
        at=at,
    )


async def _insert_feedback(named: str, **fields: Any) -> None:
    """One feedback row; the unique once-token turns a second one into ``DuplicateFeedback``
    naming ``named``."""
    try:
        await Feedback.create(**fields)
    except IntegrityError:
        raise DuplicateFeedback(named) from None


async def attended_session_ids(participant_id: str) -> list[str]:
    """The sessions the participant attended (where their anonymous feedback may be)."""
    rows = await Booking.filter(
        participant_id=participant_id, status=BookingStatus.ATTENDED.value
    ).values_list("session_id", flat=True)
    return [str(row) for row in rows]


async def attended_elsewhere(
    participant_id: str, centre_id: str
) -> list[tuple[str, str, datetime, str]]:
    """``(session id, group name, starts at, centre id)`` of sessions the participant attended
    at centres other than ``centre_id``, oldest first."""
    rows = (
        await Booking.filter(participant_id=participant_id, status=BookingStatus.ATTENDED.value)
        .exclude(session__centre_id=centre_id)
        .order_by("session__starts_at", "id")
        .values("session_id", "session__group_id", "session__starts_at", "session__centre_id")
    )
    names = dict(
        await Series.filter(
            group_id__in=list({row["session__group_id"] for row in rows})
        ).values_list("group_id", "group_name")
    )
    return [
        (
            row["session_id"],
            str(names.get(row["session__group_id"], "")),
            row["session__starts_at"],
            row["session__centre_id"],
        )
        for row in rows
    ]


async def named_feedback_elsewhere(
    participant_id: str, centre_id: str
) -> list[tuple[str, int, datetime]]:
    """``(session id, rating, at)`` of the participant's non-anonymous feedback on sessions of
    other centres, oldest first. Never the comment."""
    rows = (
        await Feedback.filter(participant_id=participant_id, anonymous=False)
        .exclude(session__centre_id=centre_id)
        .order_by("at", "id")
        .values_list("session_id", "rating", "at")
    )
    return [(str(sid), int(rating), at) for sid, rating, at in rows]


async def related(centre_id: str, participant_ids: Sequence[str]) -> set[str]:
    """Those of ``participant_ids`` who hold or held a booking at a session of the centre."""
    rows = (
        await Booking.filter(participant_id__in=list(participant_ids), session__centre_id=centre_id)
        .distinct()
        .values_list("participant_id", flat=True)
    )
    return {str(row) for row in rows}


async def live_bookings_ahead(participant_id: str, now: datetime) -> list[BookingRecord]:
    """The participant's live bookings at sessions not yet started."""
    rows = await Booking.filter(
        participant_id=participant_id,
        status__in=[BookingStatus.CONFIRMED.value, BookingStatus.WAITLISTED.value],
        session__starts_at__gt=now,
    ).values("id", "session_id", "participant_id", "status", "waitlist_position", "idempotency_key")
    return [
        BookingRecord(
            id=row["id"],
            session_id=row["session_id"],
            participant_id=row["participant_id"],
            status=BookingStatus(row["status"]),
            waitlist_position=row["waitlist_position"],
            idempotency_key=row["idempotency_key"],
        )
        for row in rows
    ]


async def delete_everything_of(
    participant_id: str, anonymous_tokens: Sequence[str]
) -> tuple[int, int]:
    """Delete the participant's feedback, booking events and bookings, and the comments of
    their anonymous feedback (found by ``anonymous_tokens``; its rating stays); answers the
    counts of bookings and named feedback deleted."""
    async with in_transaction(CONNECTION) as connection:
        await (
            Feedback.filter(once_token__in=list(anonymous_tokens), participant_id=None)
            .using_db(connection)
            .update(comment=None)
        )
        booking_ids = (
            await Booking.filter(participant_id=participant_id)
            .using_db(connection)
            .values_list("id", flat=True)
        )
        feedback = (
            await Feedback.filter(participant_id=participant_id).using_db(connection).delete()
        )
        await BookingEvent.filter(booking_id__in=list(booking_ids)).using_db(connection).delete()
        # Counted from the ids read above: SQLite's count of changed rows would also count
        # what the seat triggers write (``repository.seats``).
        await Booking.filter(participant_id=participant_id).using_db(connection).delete()
    return len(booking_ids), int(feedback)


async def scrub() -> None:
    """Leave no copy of the rows just erased in the database's write-ahead log."""
    await database.scrub(CONNECTION)
