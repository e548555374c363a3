"""``sharedRecord``: staff read what other centres hold about a participant, under consent."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry.permission import PermissionExtension

from saathi.service.permissions import STAFF_ROLES
from saathi.service.strawberry import ActsFor, ErrorsAsPayload, MutationError
from saathi.service.strawberry.consent_terms import ConsentPurpose, DataCategory
from services.sessions.api.context import Context
from services.sessions.api.types import Centre, Participant
from services.sessions.domain import sharing


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
class SharedWellbeingCheckin:
    """A wellbeing check-in the participant recorded (scores only, never their note)."""

    at: datetime
    who5_total: int = strawberry.field(description="WHO-5 raw total, 0 to 25.")
    who5_percent: int = strawberry.field(description="WHO-5 on the 0 to 100 scale.")
    barc10_total: int | None = strawberry.field(description="BARC-10 total, 10 to 60.")


@strawberry.type
class SharedGoal:
    """One of the participant's recovery goals (never their progress notes)."""

    id: strawberry.ID
    title: str
    target_date: date | None
    progress: int
    achieved: bool


@strawberry.type
class SharedRecordPayload:
    """The granted categories only (null for the others); ``CONSENT_REQUIRED`` without a live
    consent for the purpose asked, and then nothing else."""

    consent_id: strawberry.ID | None = None
    redisclosure_notice: str | None = None
    participant: Participant | None = None
    attendance: list[SharedAttendance] | None = None
    feedback: list[SharedFeedback] | None = None
    wellbeing: list[SharedWellbeingCheckin] | None = strawberry.field(
        default=None, description="Under a consent that covers WELLBEING; newest first."
    )
    goals: list[SharedGoal] | None = strawberry.field(
        default=None, description="Under a consent that covers GOALS; newest first."
    )
    error: MutationError | None = None


async def shared_record(
    info: strawberry.Info[Context],
    participant_id: strawberry.ID,
    categories: list[DataCategory],
    purpose: ConsentPurpose,
) -> SharedRecordPayload:
    staff = info.context.viewer.staff()
    record = await sharing.read(info.context.peers, str(participant_id), staff, categories, purpose)
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
        wellbeing=None
        if record.wellbeing is None
        else [
            SharedWellbeingCheckin(
                at=c.at,
                who5_total=c.who5_total,
                who5_percent=c.who5_percent,
                barc10_total=c.barc10_total,
            )
            for c in record.wellbeing
        ],
        goals=None
        if record.goals is None
        else [
            SharedGoal(
                id=strawberry.ID(g.id),
                title=g.title,
                target_date=g.target_date,
                progress=g.progress,
                achieved=g.achieved,
            )
            for g in record.goals
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
