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
from services.sessions.domain.wellbeing_change import ReportChanges


@strawberry.type
class WellbeingChange:
    """The group's average WHO-5 change (points on the 0 to 100 scale, from each person's first
    to last check-in in the window), from attendees with a live PROGRAMME_EVALUATION consent
    covering WELLBEING to this centre only; null and ``suppressed`` when about fewer than 11."""

    average_who5_change: float | None
    suppressed: bool


async def _wellbeing(root: GroupReport) -> WellbeingChange:
    change = await root.who5.of(root.group_id)
    return WellbeingChange(average_who5_change=change.average_change, suppressed=change.suppressed)


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
    wellbeing: WellbeingChange = strawberry.field(resolver=_wellbeing)
    group_id: strawberry.Private[str]
    who5: strawberry.Private[ReportChanges]
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


def _group(
    group_id: str, row: ReportRow, who5: ReportChanges, rated: Ratings | None
) -> GroupReport:
    shown = rated if rated is not None and not row.suppressed else None
    return GroupReport(
        group_id=group_id,
        who5=who5,
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
    now = info.context.now
    report = await reports.programme_report(str(centre_id), from_, to, now)
    who5 = ReportChanges(
        info.context.peers,
        str(centre_id),
        *reports.window(from_, to, now),
        [group_id for group_id, _ in report.groups],
    )
    total = report.total
    rated, by_group = await facilitator_ratings(str(centre_id), from_, to, now)
    shown = None if total.suppressed else rated
    return ProgrammeReport(
        facilitator_rating=_mean(shown),
        reflections=shown.reflections if shown else None,
        sessions_held=total.sessions_held,
        unique_participants=total.unique_participants,
        attendance_rate=total.attendance_rate,
        average_rating=total.average_rating,
        suppressed=total.suppressed,
        groups=[
            _group(group_id, row, who5, by_group.get(group_id)) for group_id, row in report.groups
        ],
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
