"""``sharedRecord``: staff read what other centres hold about a participant, under consent."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.permission import PermissionExtension

from saathi.service.permissions import STAFF_ROLES
from saathi.service.strawberry import ActsFor, ErrorsAsPayload, MutationError
from services.sessions.api.context import Context
from services.sessions.api.types import Centre, Participant
from services.sessions.domain import sharing
from services.sessions.domain.sharing import ConsentPurpose, DataCategory

strawberry.enum(DataCategory, name="DataCategory")
strawberry.enum(ConsentPurpose, name="ConsentPurpose")


@strawberry.type
class SharedAttendance:
    """A session the participant attended at another centre."""

    session_id: strawberry.ID
    group_name: str
    attended_at: datetime
    centre: Centre


@strawberry.type
class SharedFeedback:
    """A rating the participant gave under their name at another centre (never the comment)."""

    session_id: strawberry.ID
    rating: int
    at: datetime


@strawberry.type
class SharedRecordPayload:
    """The granted categories only (null for the others); ``CONSENT_REQUIRED`` without a live
    consent for the purpose asked, and then nothing else."""

    consent_id: strawberry.ID | None = None
    redisclosure_notice: str | None = None
    participant: Participant | None = None
    attendance: list[SharedAttendance] | None = None
    feedback: list[SharedFeedback] | None = None
    error: MutationError | None = None


async def shared_record(
    info: strawberry.Info[Context],
    participant_id: strawberry.ID,
    categories: list[DataCategory],
    purpose: ConsentPurpose,
) -> SharedRecordPayload:
    staff = info.context.viewer.staff()
    record = await sharing.read(
        info.context.peers, str(participant_id), str(staff.centre_id), categories, purpose
    )
    return SharedRecordPayload(
        consent_id=strawberry.ID(record.consent_id),
        redisclosure_notice=sharing.REDISCLOSURE_NOTICE,
        participant=Participant(id=strawberry.ID(record.participant_id)),
        attendance=None
        if record.attendance is None
        else [
            SharedAttendance(
                session_id=strawberry.ID(a.session_id),
                group_name=a.group_name,
                attended_at=a.attended_at,
                centre=Centre(id=strawberry.ID(a.centre_id)),
            )
            for a in record.attendance
        ],
        feedback=None
        if record.feedback is None
        else [
            SharedFeedback(session_id=strawberry.ID(f.session_id), rating=f.rating, at=f.at)
            for f in record.feedback
        ],
    )


field = strawberry.field(
    resolver=shared_record,
    description="Records other centres hold about a participant, under a live consent to "
    "your centre given for `purpose`; every read is checked afresh and logged for the "
    "participant with its purpose.",
    extensions=[
        PermissionExtension([ActsFor(*STAFF_ROLES)], use_directives=False),
        ErrorsAsPayload(SharedRecordPayload),
    ],
)
