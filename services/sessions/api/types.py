"""The subgraph's object types: ``Session`` and ``Booking``, and the entities it extends.

``PeerGroup`` (owned by directory) and ``Participant`` (owned by consent) appear here by key
only, with the fields this subgraph adds to them. Every field that reads data goes through a
per-request loader, ``resolve_reference`` included, so ``_entities`` costs one query a type.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.permission import PermissionExtension

from saathi.errors import Forbidden
from saathi.service.permissions import STAFF_ROLES
from saathi.service.strawberry import ActsFor, IsSelf, parent_centre, parent_id
from saathi.tokens import Role
from services.sessions.api.context import Context
from services.sessions.domain import partners

if TYPE_CHECKING:
    from services.sessions.api.concerns import Concern
from services.sessions.domain.records import (
    BookingChangeRecord,
    BookingRecord,
    BookingStatus,
    SessionRecord,
    SessionStatus,
)
from services.sessions.domain.staff import MAX_WINDOW, check_window
from services.sessions.domain.timetable import check_page

SessionStatusEnum = strawberry.enum(SessionStatus)
BookingStatusEnum = strawberry.enum(BookingStatus)


@strawberry.federation.type(keys=["id"])
class Session:
    """One occurrence of a group's timetable, bookable until it starts."""

    id: strawberry.ID
    group_id: strawberry.Private[str]
    centre_id: strawberry.Private[str]
    starts_at: datetime
    ends_at: datetime
    capacity: int
    seats_taken: int = strawberry.field(
        description="Confirmed and attended bookings, and seats a partner filled itself."
    )
    seats_left: int = strawberry.field(
        description="Capacity minus confirmed (and partner-filled) seats, never below 0."
    )
    status: SessionStatus
    attended_count: int

    @strawberry.field
    def group(self) -> PeerGroup:
        return PeerGroup(id=strawberry.ID(self.group_id))

    @strawberry.field(  # type: ignore[untyped-decorator]  # see PeerGroup.next_session
        description="Every booking of the session; staff of the holding centre only.",
        extensions=[PermissionExtension([ActsFor(*STAFF_ROLES, centre=parent_centre)], False)],
    )
    async def bookings(self, info: strawberry.Info[Context]) -> list[Booking]:
        records = await info.context.loaders.session_bookings.load(str(self.id))
        return [Booking.from_record(r) for r in records]

    @classmethod
    def from_record(cls, record: SessionRecord) -> Session:
        return cls(
            id=strawberry.ID(record.id),
            group_id=record.group_id,
            centre_id=record.centre_id,
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
        # ``_entities`` is a root field like any other: the booking's participant, or staff of
        # the centre holding its session, and nobody else (anonymous is UNAUTHENTICATED).
        principal = info.context.viewer.required()
        if principal.role is not Role.PARTICIPANT and principal.role not in STAFF_ROLES:
            raise Forbidden("Your role may not read bookings.")
        record = await info.context.loaders.booking.load(str(id))
        if record is None or not await _may_see(record, info.context):
            # Another person's booking resolves exactly as a missing one: null.
            return None
        return cls.from_record(record)


async def _may_see(booking: BookingRecord, context: Context) -> bool:
    """A booking is its participant's, and the holding centre's staff's; no one else's."""
    principal = context.viewer.optional()
    if principal is None:
        return False
    if principal.role is Role.PARTICIPANT:
        return principal.subject == booking.participant_id
    if principal.role.is_staff:
        session = await context.loaders.session.load(booking.session_id)
        return session is not None and session.centre_id == principal.centre_id
    return False


@strawberry.federation.type(keys=["id"])
class PeerGroup:
    """A peer group (owned by the directory), with its coming sessions."""

    id: strawberry.ID

    # strawberry types its keyword-only decorator form as returning Any (the bare form is typed).
    @strawberry.field(  # type: ignore[untyped-decorator]
        description="The next scheduled session, or null when none is planned."
    )
    async def next_session(self, info: strawberry.Info[Context]) -> Session | None:
        record = await info.context.loaders.next_session.load(str(self.id))
        return Session.from_record(record) if record is not None else None

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

    @strawberry.field(  # type: ignore[untyped-decorator]  # see PeerGroup.next_session
        permission_classes=[IsSelf],
        description="The concerns the participant reported (named or anonymous) and their "
        "status; only the participant may read these.",
    )
    async def concerns(
        self, info: strawberry.Info[Context]
    ) -> list[Annotated[Concern, strawberry.lazy("services.sessions.api.concerns")]]:
        from services.sessions.api.concerns import my_concerns

        return await my_concerns(info)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Participant:
        return cls(id=id)


@strawberry.type
class BookingChange:
    """A status a booking at the centre's sessions took, and when."""

    booking_id: strawberry.ID
    session_id: strawberry.ID
    external_session_id: str | None = strawberry.field(
        description="The partner's own id of the session, when the partner pushed it."
    )
    status: BookingStatus
    changed_at: datetime

    @classmethod
    def from_record(cls, record: BookingChangeRecord) -> BookingChange:
        return cls(
            booking_id=strawberry.ID(record.booking_id),
            session_id=strawberry.ID(record.session_id),
            external_session_id=record.external_session_id,
            status=record.status,
            changed_at=record.changed_at,
        )


@strawberry.federation.type(keys=["id"])
class Centre:
    """A centre (owned by the directory), with its private timetable and booking feed."""

    id: strawberry.ID

    @strawberry.field(  # type: ignore[untyped-decorator]  # see PeerGroup.next_session
        description=f"Sessions (any status) starting in [from, to), at most {MAX_WINDOW.days} "
        "days; staff of this centre only.",
        extensions=[PermissionExtension([ActsFor(*STAFF_ROLES, centre=parent_id)], False)],
    )
    async def sessions(
        self,
        info: strawberry.Info[Context],
        from_: Annotated[datetime, strawberry.argument(name="from")],
        to: datetime,
    ) -> list[Session]:
        start, end = check_window(from_, to, MAX_WINDOW)
        records = await info.context.loaders.centre_sessions.load((str(self.id), start, end))
        return [Session.from_record(r) for r in records]

    @strawberry.field(  # type: ignore[untyped-decorator]  # see PeerGroup.next_session
        description="Status changes of bookings at this centre's sessions from `since` "
        "(inclusive), oldest first; this centre's partner system or staff only.",
        extensions=[
            PermissionExtension([ActsFor(Role.PARTNER, *STAFF_ROLES, centre=parent_id)], False)
        ],
    )
    async def booking_changes(self, since: datetime) -> list[BookingChange]:
        records = await partners.booking_changes(str(self.id), since)
        return [BookingChange.from_record(r) for r in records]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Centre:
        return cls(id=id)
