"""The values the sessions service passes between its layers: plain, frozen, no ORM."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime


class SessionStatus(enum.Enum):
    """Whether a session will happen, was called off, or has taken place."""

    SCHEDULED = "SCHEDULED"
    CANCELLED = "CANCELLED"
    COMPLETED = "COMPLETED"


class BookingStatus(enum.Enum):
    """A booking's life: a seat or a waitlist place, then cancelled or attended (or not)."""

    CONFIRMED = "CONFIRMED"
    WAITLISTED = "WAITLISTED"
    CANCELLED = "CANCELLED"
    ATTENDED = "ATTENDED"
    NO_SHOW = "NO_SHOW"

    @property
    def is_live(self) -> bool:
        """Whether the booking still holds (or waits for) a seat."""
        return self in (BookingStatus.CONFIRMED, BookingStatus.WAITLISTED)


@dataclass(frozen=True)
class SeriesRecord:
    """A group's timetable: ``rrule`` read in ``timezone``'s wall-clock time from ``starts_on``."""

    id: str
    group_id: str
    centre_id: str
    rrule: str
    timezone: str
    starts_on: date
    duration_minutes: int
    capacity: int
    materialised_until: datetime | None = None
    group_name: str = ""


@dataclass(frozen=True)
class GroupLabel:
    """How a group is named to people, and the zone its times are told in."""

    name: str
    timezone: str


@dataclass(frozen=True)
class SessionRecord:
    """One session with its booking counts (``confirmed`` and ``attended`` bookings)."""

    id: str
    group_id: str
    centre_id: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    status: SessionStatus
    confirmed: int = 0
    attended: int = 0
    held: int = 0
    """Seats a partner filled outside the network (its ``seatsTaken``)."""
    external_id: str | None = None
    version: int | None = None

    @property
    def seats_taken(self) -> int:
        return self.confirmed + self.attended + self.held

    @property
    def seats_left(self) -> int:
        """Capacity minus confirmed and held seats, never below zero (capacity may be lowered)."""
        return max(self.capacity - self.confirmed - self.held, 0)

    @property
    def has_seat(self) -> bool:
        """Whether one more booking can be confirmed rather than waitlisted."""
        return self.confirmed + self.held < self.capacity


@dataclass(frozen=True)
class BookingRecord:
    """A participant's booking; ``waitlist_position`` is 1-based and set only while waitlisted."""

    id: str
    session_id: str
    participant_id: str
    status: BookingStatus
    waitlist_position: int | None
    idempotency_key: str


@dataclass(frozen=True)
class AnonymousRating:
    """Anonymous feedback without a comment (the demo history): no booking, no participant."""

    id: str
    session_id: str
    once_token: str | None
    rating: int
    day: datetime


@dataclass(frozen=True)
class SealedNotice:
    """A message sealed under a key of its own, and that key under each recipient's data key
    (base64 throughout)."""

    message_sealed: str
    recipient_keys: dict[str, str]


@dataclass(frozen=True)
class PendingNotification:
    """A message for participants that consent has not yet accepted, still sealed: the
    message under its own key, that key under each recipient's data key."""

    id: str
    participant_ids: tuple[str, ...]
    kind: str
    message_sealed: str | None
    recipient_keys: dict[str, str]
    attempts: int


@dataclass(frozen=True)
class Figures:
    """Raw programme figures over some sessions, and how many people each is about."""

    sessions_held: int
    participants: int
    """Distinct participants who attended."""
    outcome_participants: int
    """Distinct participants with an attendance recorded (attended or not)."""
    attended: int
    no_show: int
    average_rating: float | None
    raters: int
    """Distinct participants who rated."""


@dataclass(frozen=True)
class BookingChangeRecord:
    """One status a booking took, for the holding centre's partner system."""

    booking_id: str
    session_id: str
    external_session_id: str | None
    status: BookingStatus
    changed_at: datetime


@dataclass(frozen=True)
class ConcernRecord:
    id: str
    centre_id: str
    about_kind: str
    about_id: str
    category: str
    anonymous: bool
    reporter_id: str | None
    reporter_mark: str | None
    description_sealed: str | None
    status: str
    reported_at: datetime
    acknowledged_at: datetime | None
    resolved_at: datetime | None


@dataclass(frozen=True)
class Ratings:
    """Facilitators' ratings over a window: how many sessions were reflected on, the mean."""

    reflections: int
    average: float | None
