"""The sessions part of the demo network: timetables, eight weeks of history, open seats ahead.

For every group in ``network.demo.description.GROUPS``: its series (with the group's name,
starting on ``network.demo.members.schedule_start`` of the day); its sessions from eight weeks
ago (``COMPLETED``, with bookings by the group's members, ``network.demo.members.MEMBERS``,
marked ``ATTENDED`` or ``NO_SHOW`` and some anonymous feedback) to the materialisation horizon
ahead (``SCHEDULED``, a few bookings by members, never full). Choices are pseudo-random but
seeded by the session id, so the same ``now`` always gives the same network, and only sessions
that do not exist yet get history: seeding twice changes nothing.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from network.demo import description as demo
from network.demo.members import MEMBERS, schedule_start
from saathi.ids import stable_id
from saathi.keystore import KeyStore
from services.sessions import repository
from services.sessions.domain.feedback import once_token
from services.sessions.domain.records import (
    AnonymousRating,
    BookingRecord,
    BookingStatus,
    SeriesRecord,
    SessionRecord,
    SessionStatus,
)
from services.sessions.domain.timetable import AHEAD, materialise

HISTORY = timedelta(weeks=8)


def demo_series(now: datetime) -> list[SeriesRecord]:
    return [
        SeriesRecord(
            id=stable_id("srs", group.id),
            group_id=group.id,
            centre_id=group.centre_id,
            rrule=group.rrule,
            timezone=group.timezone,
            starts_on=schedule_start(now.date()),
            duration_minutes=group.duration_minutes,
            capacity=group.capacity,
            materialised_until=now + AHEAD,
            group_name=group.name,
        )
        for group in demo.GROUPS
    ]


def demo_sessions(series: list[SeriesRecord], now: datetime) -> list[SessionRecord]:
    """Past sessions that have ended are ``COMPLETED``; the rest are ``SCHEDULED``."""
    sessions = []
    for s in series:
        for session in materialise(s, now - HISTORY, now + AHEAD):
            if session.ends_at <= now:
                session = SessionRecord(**{**session.__dict__, "status": SessionStatus.COMPLETED})
            sessions.append(session)
    return sessions


History = tuple[
    list[tuple[BookingRecord, datetime]],
    list[tuple[BookingRecord, BookingStatus, datetime]],
    list[AnonymousRating],
]


def demo_history(
    sessions: list[SessionRecord], now: datetime, keys: KeyStore | None = None
) -> History:
    """Bookings, their status events and (anonymous) feedback for ``sessions``,
    deterministically; with ``keys`` each feedback carries its author's once-per-session mark."""
    bookings: list[tuple[BookingRecord, datetime]] = []
    events: list[tuple[BookingRecord, BookingStatus, datetime]] = []
    feedback: list[AnonymousRating] = []
    for session in sessions:
        rng = random.Random(session.id)
        past = session.status is SessionStatus.COMPLETED
        members = MEMBERS.get(session.group_id, ())
        if past:
            # Most members come most weeks, as many as there are seats.
            chosen = [p for p in members if rng.random() < 0.75][: session.capacity]
        else:
            # Keep seats open ahead: a couple of bookings at most, none in one-seat slots.
            most = min(session.capacity - 1, 2, len(members))
            chosen = rng.sample(members, rng.randint(0, most)) if most > 0 else []
        for participant in chosen:
            made = session.starts_at - timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 12))
            booking = BookingRecord(
                id=stable_id("bkg", f"{session.id}:{participant.id}"),
                session_id=session.id,
                participant_id=participant.id,
                status=BookingStatus.CONFIRMED,
                waitlist_position=None,
                idempotency_key=f"demo:{session.id}",
            )
            events.append((booking, BookingStatus.CONFIRMED, made))
            if past:
                attended = rng.random() < 0.8
                outcome = BookingStatus.ATTENDED if attended else BookingStatus.NO_SHOW
                booking = BookingRecord(**{**booking.__dict__, "status": outcome})
                events.append((booking, outcome, session.ends_at))
                if attended and rng.random() < 0.5:
                    given = min(session.ends_at + timedelta(hours=rng.randint(1, 48)), now)
                    feedback.append(
                        AnonymousRating(
                            id=stable_id("fbk", booking.id),
                            session_id=session.id,
                            once_token=None
                            if keys is None
                            else once_token(keys.create(participant.id), session.id),
                            rating=rng.choice((3, 4, 4, 5, 5)),
                            day=given.replace(hour=0, minute=0, second=0, microsecond=0),
                        )
                    )
            bookings.append((booking, made))
    return bookings, events, feedback


async def seed_demo(now: datetime | None = None, keys: KeyStore | None = None) -> None:
    """Write the demo timetable and history; sessions that already exist are left alone."""
    now = now or datetime.now(UTC)
    series = demo_series(now)
    await repository.insert_series(series)
    await repository.name_unnamed_series({s.group_id: s.group_name for s in series})
    sessions = demo_sessions(series, now)
    existing = await repository.existing_session_ids([s.id for s in sessions])
    new = [s for s in sessions if s.id not in existing]
    await repository.insert_sessions(new)
    await repository.insert_history(*demo_history(new, now, keys))
