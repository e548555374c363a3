"""``programmeReport``: a centre's programme figures, small numbers withheld."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.permission import PermissionExtension

from saathi.service.strawberry import ActsFor, centre_argument
from saathi.tokens import Role
from services.sessions.api.context import Context
from services.sessions.api.types import PeerGroup
from services.sessions.domain import reports
from services.sessions.domain.records import Ratings
from services.sessions.domain.reports import ReportRow, facilitator_ratings


def _mean(rated: Ratings | None) -> float | None:
    return None if rated is None or rated.average is None else round(rated.average, 2)


@strawberry.type
class GroupReport:
    """One group's figures; null where a figure is about fewer than 11 participants."""

    group: PeerGroup
    sessions_held: int
    unique_participants: int | None
    attendance_rate: float | None
    average_rating: float | None
    suppressed: bool
    facilitator_rating: float | None = strawberry.field(
        default=None,
        description="Facilitators' mean rating of the group's sessions (1 to 5); withheld with "
        "the participants' figures.",
    )
    reflections: int | None = strawberry.field(
        default=None, description="Sessions a facilitator reflected on; withheld likewise."
    )


@strawberry.type
class ProgrammeReport:
    """The centre's figures over the window; null where a figure is about fewer than 11
    participants, and then ``suppressed`` is true."""

    sessions_held: int
    unique_participants: int | None
    attendance_rate: float | None = strawberry.field(
        description="Attended bookings over bookings with an attendance recorded, 0 to 1."
    )
    average_rating: float | None
    suppressed: bool
    groups: list[GroupReport]
    facilitator_rating: float | None = strawberry.field(
        default=None,
        description="Facilitators' mean rating of their sessions (1 to 5), beside the "
        "participants' averageRating; withheld with the participants' figures.",
    )
    reflections: int | None = strawberry.field(
        default=None, description="Sessions a facilitator reflected on; withheld likewise."
    )


def _group(group_id: str, row: ReportRow, rated: Ratings | None) -> GroupReport:
    shown = rated if rated is not None and not row.suppressed else None
    return GroupReport(
        facilitator_rating=_mean(shown),
        reflections=shown.reflections if shown else (None if row.suppressed else 0),
        group=PeerGroup(id=strawberry.ID(group_id)),
        sessions_held=row.sessions_held,
        unique_participants=row.unique_participants,
        attendance_rate=row.attendance_rate,
        average_rating=row.average_rating,
        suppressed=row.suppressed,
    )


async def programme_report(
    info: strawberry.Info[Context],
    centre_id: strawberry.ID,
    from_: Annotated[datetime, strawberry.argument(name="from")],
    to: datetime,
) -> ProgrammeReport:
    report = await reports.programme_report(str(centre_id), from_, to, info.context.now)
    total = report.total
    rated, by_group = await facilitator_ratings(str(centre_id), from_, to, info.context.loaders.now)
    shown = None if total.suppressed else rated
    return ProgrammeReport(
        facilitator_rating=_mean(shown),
        reflections=shown.reflections if shown else None,
        sessions_held=total.sessions_held,
        unique_participants=total.unique_participants,
        attendance_rate=total.attendance_rate,
        average_rating=total.average_rating,
        suppressed=total.suppressed,
        groups=[_group(group_id, row, by_group.get(group_id)) for group_id, row in report.groups],
    )


field = strawberry.field(
    resolver=programme_report,
    description="Programme evaluation over sessions held in [from, to), at most 366 days; "
    "centre_admin or supervisor of that centre.",
    extensions=[
        PermissionExtension(
            [ActsFor(Role.CENTRE_ADMIN, Role.SUPERVISOR, centre=centre_argument)],
            use_directives=False,
        )
    ],
)
