"""The subgraph's object types: ``Session`` and ``Booking``, and the entities it extends.

``PeerGroup`` (owned by directory) and ``Participant`` (owned by consent) appear here by key
only, with the fields this subgraph adds to them. Every field that reads data goes through a
per-request loader, ``resolve_reference`` included, so ``_entities`` costs one query a type.
"""

from __future__ import annotations

from datetime import datetime

import strawberry

from services.sessions.api.context import Context
from services.sessions.api.permissions import IsSelf
from services.sessions.domain.records import (
    BookingRecord,
    BookingStatus,
    SessionRecord,
    SessionStatus,
)
from services.sessions.domain.timetable import check_page

SessionStatusEnum = strawberry.enum(SessionStatus)
BookingStatusEnum = strawberry.enum(BookingStatus)


@strawberry.federation.type(keys=["id"])
class Session:
    """One occurrence of a group's timetable, bookable until it starts."""

    id: strawberry.ID
    group_id: strawberry.Private[str]
    starts_at: datetime
    ends_at: datetime
    capacity: int
    seats_taken: int = strawberry.field(description="Confirmed and attended bookings.")
    seats_left: int = strawberry.field(
        description="Capacity minus confirmed bookings, never below 0."
    )
    status: SessionStatus
    attended_count: int

    @strawberry.field
    def group(self) -> PeerGroup:
        return PeerGroup(id=strawberry.ID(self.group_id))

    @classmethod
    def from_record(cls, record: SessionRecord) -> Session:
        return cls(
            id=strawberry.ID(record.id),
            group_id=record.group_id,
            starts_at=record.starts_at,
            ends_at=record.ends_at,
            capacity=record.capacity,
            seats_taken=record.seats_taken,
            seats_left=record.seats_left,
            status=record.status,
            attended_count=record.attended,
        )

    @classmethod
    async def resolve_reference(
        cls, id: strawberry.ID, info: strawberry.Info[Context]
    ) -> Session | None:
        record = await info.context.loaders.session.load(str(id))
        return None if record is None else cls.from_record(record)


@strawberry.federation.type(keys=["id"])
class Booking:
    """A participant's seat, or place on the waitlist (1-based), in one session."""

    id: strawberry.ID
    session_id: strawberry.Private[str]
    participant_id: strawberry.Private[str]
    status: BookingStatus
    waitlist_position: int | None

    @strawberry.field
    async def session(self, info: strawberry.Info[Context]) -> Session:
        record = await info.context.loaders.session.load(self.session_id)
        assert record is not None, "a booking's session is never deleted"
        return Session.from_record(record)

    @strawberry.field
    def participant(self) -> Participant:
        return Participant(id=strawberry.ID(self.participant_id))

    @classmethod
    def from_record(cls, record: BookingRecord) -> Booking:
        return cls(
            id=strawberry.ID(record.id),
            session_id=record.session_id,
            participant_id=record.participant_id,
            status=record.status,
            waitlist_position=record.waitlist_position,
        )

    @classmethod
    async def resolve_reference(
        cls, id: strawberry.ID, info: strawberry.Info[Context]
    ) -> Booking | None:
        record = await info.context.loaders.booking.load(str(id))
        return None if record is None else cls.from_record(record)


@strawberry.federation.type(keys=["id"])
class PeerGroup:
    """A peer group (owned by the directory), with its coming sessions."""

    id: strawberry.ID

    # strawberry types its keyword-only decorator form as returning Any (the bare form is typed).
    @strawberry.field(  # type: ignore[untyped-decorator]
        description="The next scheduled session, or null when none is planned."
    )
    async def next_session(self, info: strawberry.Info[Context]) -> Session | None:
        records = await info.context.loaders.upcoming_sessions.load(str(self.id))
        return Session.from_record(records[0]) if records else None

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="Scheduled sessions starting after now, soonest first."
    )
    async def upcoming_sessions(
        self, info: strawberry.Info[Context], first: int | None = 10
    ) -> list[Session]:
        page = check_page(first)
        records = await info.context.loaders.upcoming_sessions.load(str(self.id))
        return [Session.from_record(r) for r in records[:page]]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> PeerGroup:
        return cls(id=id)


@strawberry.federation.type(keys=["id"])
class Participant:
    """A participant (owned by consent), with their bookings."""

    id: strawberry.ID

    @strawberry.field(  # type: ignore[untyped-decorator]  # see PeerGroup.next_session
        permission_classes=[IsSelf],
        description="Only the participant may read these; upcoming: live, not yet ended.",
    )
    async def bookings(
        self, info: strawberry.Info[Context], upcoming: bool | None = False
    ) -> list[Booking]:
        key = (str(self.id), bool(upcoming))
        records = await info.context.loaders.bookings_of.load(key)
        return [Booking.from_record(r) for r in records]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Participant:
        return cls(id=id)
