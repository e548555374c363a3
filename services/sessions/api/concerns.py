"""Concerns as GraphQL: ``reportConcern`` (participant), the centre's ``concerns`` queue and
``acknowledgeConcern`` / ``resolveConcern`` (supervisor or centre_admin of the holding centre),
and ``Participant.concerns`` (the reporter's own)."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.permission import PermissionExtension

from saathi.service.strawberry import (
    ActsFor,
    IsParticipant,
    MutationError,
    PageInfo,
    centre_argument,
    mutation,
)
from services.sessions.api.context import Context
from services.sessions.domain import concerns
from services.sessions.domain.concerns import (
    OVERSEERS,
    ConcernAbout,
    ConcernCategory,
    ConcernStatus,
)
from services.sessions.domain.records import ConcernRecord

ConcernCategoryEnum = strawberry.enum(ConcernCategory)
ConcernStatusEnum = strawberry.enum(ConcernStatus)
ConcernAboutEnum = strawberry.enum(ConcernAbout)


@strawberry.type
class Concern:
    """A concern raised by a participant. ``reporterId`` is null when it was made anonymously
    (and always for the reporter's own view); ``description`` is null once the reporter has
    erased their account."""

    id: strawberry.ID
    category: ConcernCategory
    status: ConcernStatus
    about: ConcernAbout
    about_id: strawberry.ID = strawberry.field(description="The session, group or supporter.")
    centre_id: strawberry.ID = strawberry.field(description="The centre that holds it.")
    anonymous: bool
    reporter_id: strawberry.ID | None
    description: str | None
    reported_at: datetime
    acknowledged_at: datetime | None
    resolved_at: datetime | None

    @classmethod
    def of(cls, record: ConcernRecord, info: strawberry.Info[Context], *, staff: bool) -> Concern:
        return cls(
            id=strawberry.ID(record.id),
            category=ConcernCategory(record.category),
            status=ConcernStatus(record.status),
            about=ConcernAbout(record.about_kind),
            about_id=strawberry.ID(record.about_id),
            centre_id=strawberry.ID(record.centre_id),
            anonymous=record.anonymous,
            reporter_id=(
                strawberry.ID(record.reporter_id) if staff and record.reporter_id else None
            ),
            description=concerns.open_description(info.context.keys, record),
            reported_at=record.reported_at,
            acknowledged_at=record.acknowledged_at,
            resolved_at=record.resolved_at,
        )


@strawberry.type
class ConcernEdge:
    cursor: str
    node: Concern


@strawberry.type
class ConcernConnection:
    total_count: int
    page_info: PageInfo
    edges: list[ConcernEdge]


async def centre_concerns(
    info: strawberry.Info[Context],
    centre_id: strawberry.ID,
    status: ConcernStatus | None = None,
    first: int | None = concerns.DEFAULT_PAGE,
    after: str | None = None,
) -> ConcernConnection:
    page = await concerns.queue(str(centre_id), status, first, after)
    return ConcernConnection(
        total_count=page.total_count or 0,
        page_info=PageInfo.of(page),
        edges=[
            ConcernEdge(cursor=e.cursor, node=Concern.of(e.record, info, staff=True))
            for e in page.edges
        ],
    )


queue_field = strawberry.field(
    resolver=centre_concerns,
    description="The centre's concerns, newest first; supervisor or centre_admin of that centre.",
    extensions=[
        PermissionExtension([ActsFor(*OVERSEERS, centre=centre_argument)], use_directives=False)
    ],
)


@strawberry.input
class ReportConcernInput:
    """Name exactly one of sessionId, groupId and supporterId. The description (10 to 4000
    characters) is stored sealed; anonymous (the default) hides who reported it from staff."""

    category: ConcernCategory
    description: str
    session_id: strawberry.ID | None = None
    group_id: strawberry.ID | None = None
    supporter_id: strawberry.ID | None = None
    anonymous: bool | None = True


@strawberry.type
class ConcernPayload:
    concern: Concern | None = None
    error: MutationError | None = None


async def report_concern(
    info: strawberry.Info[Context], input: ReportConcernInput
) -> ConcernPayload:
    participant = info.context.viewer.participant()
    given = concerns.NewConcern(
        session_id=str(input.session_id) if input.session_id is not None else None,
        group_id=str(input.group_id) if input.group_id is not None else None,
        supporter_id=str(input.supporter_id) if input.supporter_id is not None else None,
        category=input.category,
        description=input.description,
        anonymous=input.anonymous is not False,
    )
    record = await concerns.report(
        participant.subject, given, info.context.keys, info.context.peers, info.context.loaders.now
    )
    return ConcernPayload(concern=Concern.of(record, info, staff=False))


report_field = mutation(
    report_concern,
    ConcernPayload,
    IsParticipant(),
    description="A signed-in participant raises a concern; the holding centre's supervisors "
    "are told.",
)


async def _move(
    info: strawberry.Info[Context], id: strawberry.ID, to: ConcernStatus
) -> ConcernPayload:
    principal = info.context.viewer.required()
    record = await concerns.move(principal, str(id), to, info.context.loaders.now)
    return ConcernPayload(concern=Concern.of(record, info, staff=True))


async def acknowledge_concern(info: strawberry.Info[Context], id: strawberry.ID) -> ConcernPayload:
    return await _move(info, id, ConcernStatus.ACKNOWLEDGED)


async def resolve_concern(info: strawberry.Info[Context], id: strawberry.ID) -> ConcernPayload:
    return await _move(info, id, ConcernStatus.RESOLVED)


acknowledge_field = mutation(
    acknowledge_concern,
    ConcernPayload,
    ActsFor(*OVERSEERS),
    description="OPEN → ACKNOWLEDGED; supervisor or centre_admin of the holding centre.",
)
resolve_field = mutation(
    resolve_concern,
    ConcernPayload,
    ActsFor(*OVERSEERS),
    description="OPEN or ACKNOWLEDGED → RESOLVED; supervisor or centre_admin of the holding "
    "centre.",
)


async def my_concerns(info: strawberry.Info[Context]) -> list[Concern]:
    participant = info.context.viewer.participant()
    records = await concerns.mine(participant.subject, info.context.keys)
    return [Concern.of(r, info, staff=False) for r in records]
