"""``recordAttendance``: the facilitator marks who came, once the session has started."""

from __future__ import annotations

import strawberry

from saathi.service.strawberry import ActsFor, MutationError, mutation_extensions
from saathi.tokens import Role
from services.sessions.api.context import Context
from services.sessions.api.types import Session
from services.sessions.domain import staff


@strawberry.input
class AttendanceInput:
    booking_id: strawberry.ID
    attended: bool


@strawberry.type
class RecordAttendancePayload:
    session: Session | None = None
    error: MutationError | None = None


async def record_attendance(
    info: strawberry.Info[Context], session_id: strawberry.ID, attendance: list[AttendanceInput]
) -> RecordAttendancePayload:
    principal = info.context.viewer.required()
    marks = [staff.Attendance(str(a.booking_id), a.attended) for a in attendance]
    await staff.record_attendance(principal.centre_id, str(session_id), marks, info.context.now)
    info.context.loaders.invalidate()
    record = await info.context.loaders.session.load(str(session_id))
    assert record is not None, "the session was just read"
    return RecordAttendancePayload(session=Session.from_record(record))


field = strawberry.mutation(
    resolver=record_attendance,
    description="Facilitator or centre_admin of the session's centre; CONFIRMED bookings "
    "become ATTENDED or NO_SHOW.",
    extensions=mutation_extensions(
        RecordAttendancePayload, ActsFor(Role.FACILITATOR, Role.CENTRE_ADMIN)
    ),
)
