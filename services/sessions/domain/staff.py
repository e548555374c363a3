"""A centre's own timetable as its staff run it: sessions, bookings, attendance, cancelling.

Tenancy: every session belongs to the centre that holds it, and a staff token is bound to one
centre. A session of another centre named by id answers exactly as a missing one (``NotFound``,
same message), so ids are no oracle; a centre named by id (a public record) is ``Forbidden``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from saathi.errors import (
    BadUserInput,
    NotFound,
    SessionCancelled,
    SessionStarted,
)
from saathi.ids import new_id
from saathi.keystore import KeyStore
from saathi.peers import Peers
from saathi.times import moment
from services.sessions import repository
from services.sessions.domain.notifications import flush, seal_notice
from services.sessions.domain.records import (
    BookingRecord,
    BookingStatus,
    GroupLabel,
    SessionRecord,
    SessionStatus,
)
from services.sessions.domain.timetable import ensure_materialised

MAX_WINDOW = timedelta(days=93)
"""The longest window of ``Centre.sessions``: about a quarter."""

MAX_REASON = 500
CANCELLED_KIND = "session_cancelled"


def check_window(start: datetime, end: datetime, longest: timedelta) -> tuple[datetime, datetime]:
    """``(start, end)`` in UTC; ``BadUserInput`` unless both carry an offset, start < end, and the
    window is at most ``longest``."""
    if start.tzinfo is None or end.tzinfo is None:
        raise BadUserInput("from and to must carry a UTC offset.")
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if start >= end:
        raise BadUserInput("from must be before to.")
    if end - start > longest:
        raise BadUserInput(f"The window may span at most {longest.days} days.")
    return start, end


def not_ours(session_id: str) -> str:
    """The one message for a session id that is missing or another centre's."""
    return f"Your centre holds no session with the id {session_id!r}."


async def centre_sessions(
    centre_id: str, start: datetime, end: datetime, now: datetime
) -> list[SessionRecord]:
    """The centre's sessions starting in ``[start, end)``, any status, soonest first.

    The centre's timetables are materialised first, so staff see the coming weeks even when no
    participant has looked at them yet.
    """
    await ensure_materialised(
        [s.group_id for s in await repository.series_for_centre(centre_id)], now
    )
    return await repository.sessions_of_centre(centre_id, start, end)


async def bookings_of_sessions(session_ids: Sequence[str]) -> dict[str, list[BookingRecord]]:
    """Each session's bookings, oldest first."""
    by_session: dict[str, list[BookingRecord]] = {sid: [] for sid in session_ids}
    for booking in await repository.bookings_of_sessions(session_ids):
        by_session[booking.session_id].append(booking)
    return by_session


@dataclass(frozen=True)
class Attendance:
    """Whether the participant of one booking came."""

    booking_id: str
    attended: bool


def _check_attendance(
    session: SessionRecord, attendance: Sequence[Attendance], now: datetime
) -> None:
    if session.status is SessionStatus.CANCELLED:
        raise SessionCancelled("This session was cancelled; there is no attendance to record.")
    if session.starts_at > now:
        raise BadUserInput("Attendance can be recorded once the session has started.")
    if not attendance:
        raise BadUserInput("Give the attendance of at least one booking.")
    ids = [a.booking_id for a in attendance]
    if len(set(ids)) != len(ids):
        raise BadUserInput("Give each booking once.")


async def record_attendance(
    centre_id: str | None, session_id: str, attendance: Sequence[Attendance], now: datetime
) -> None:
    """Mark confirmed bookings ``ATTENDED`` or ``NO_SHOW`` (a mark may be corrected), all or none.

    Each change is a booking event, so the holding centre's partner system sees it too.
    """
    async with repository.unit_of_work() as unit:
        session = await unit.lock_session(session_id)
        if session is None or session.centre_id != centre_id:
            raise NotFound(not_ours(session_id))
        _check_attendance(session, attendance, now)
        bookings = {b.id: b for b in await unit.bookings_in(session_id)}
        changes: dict[BookingStatus, list[BookingRecord]] = {
            BookingStatus.ATTENDED: [],
            BookingStatus.NO_SHOW: [],
        }
        recordable = (BookingStatus.CONFIRMED, BookingStatus.ATTENDED, BookingStatus.NO_SHOW)
        for mark in attendance:
            booking = bookings.get(mark.booking_id)
            if booking is None:
                raise BadUserInput(f"Booking {mark.booking_id!r} is not a booking of this session.")
            if booking.status not in recordable:
                raise BadUserInput(
                    f"Booking {mark.booking_id!r} is {booking.status.value}: only confirmed "
                    "bookings have an attendance."
                )
            outcome = BookingStatus.ATTENDED if mark.attended else BookingStatus.NO_SHOW
            if booking.status is not outcome:
                changes[outcome].append(booking)
        for outcome, changed in changes.items():
            await unit.set_status(changed, outcome, now)


def cancellation_message(
    group: GroupLabel | None, session: SessionRecord, reason: str, now: datetime
) -> str:
    """What a booked participant is told: which session, when (in the group's zone, as
    ``saathi.times`` writes it), and why."""
    what = f"Your session of {group.name}" if group and group.name else "Your session"
    when = moment(session.starts_at, group.timezone if group else None, now)
    return f"{what} at {when} was cancelled by the centre. Reason: {reason}"


async def cancel_session(
    centre_id: str | None,
    session_id: str,
    reason: str,
    now: datetime,
    keys: KeyStore,
    peers: Peers,
) -> bool:
    """Cancel a scheduled session of the admin's centre with every live booking on it, then
    tell the booked participants.

    The notification is queued in the same transaction as the cancellation (see
    ``notifications``), so a consent outage cannot lose it; after the commit the outbox is
    handed to consent (with any message an earlier outage left). Cancelling again changes
    nothing and answers ``False``; a first cancellation answers ``True``.
    """
    cancelled = await _cancel_session(centre_id, session_id, reason, now, keys)
    await flush(peers, keys, now)
    return cancelled


async def _cancel_session(
    centre_id: str | None, session_id: str, reason: str, now: datetime, keys: KeyStore
) -> bool:
    """The cancellation and its queued notification, in one transaction."""
    reason = reason.strip()
    if not 1 <= len(reason) <= MAX_REASON:
        raise BadUserInput(f"Give a reason of 1 to {MAX_REASON} characters.")
    found = (await repository.sessions_by_ids([session_id])).get(session_id)
    if found is None or found.centre_id != centre_id:
        raise NotFound(not_ours(session_id))
    # Read outside the transaction: on SQLite it holds the one connection until it ends.
    group = (await repository.group_labels([found.group_id])).get(found.group_id)
    async with repository.unit_of_work() as unit:
        session = await unit.lock_session(session_id)
        if session is None:  # pragma: no cover - sessions with bookings are never deleted
            raise NotFound(f"No session has the id {session_id!r}.")
        if session.status is SessionStatus.CANCELLED:
            return False
        if session.status is SessionStatus.COMPLETED or session.starts_at <= now:
            raise SessionStarted("This session has already started; it can no longer be cancelled.")
        live = await unit.bookings_in(
            session_id, (BookingStatus.CONFIRMED, BookingStatus.WAITLISTED)
        )
        await unit.set_session_status(session_id, SessionStatus.CANCELLED)
        await unit.set_status(live, BookingStatus.CANCELLED, now)
        participants = sorted({b.participant_id for b in live})
        if participants:
            message = cancellation_message(group, session, reason, now)
            notification_id = new_id("ntf")
            sealed = seal_notice(keys, notification_id, participants, message)
            await unit.add_notification(notification_id, participants, CANCELLED_KIND, sealed, now)
    return True
