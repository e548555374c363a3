"""Wellbeing check-ins as the participant sees them: ``myWellbeing``, and the support a low
WHO-5 brings back with ``recordWellbeingCheckin``."""

from __future__ import annotations

from datetime import datetime
from typing import Self

import strawberry

from saathi.service.strawberry import IsParticipant, PageInfo
from services.consent.api.context import Context
from services.consent.domain import wellbeing
from services.consent.domain.crisis_lines import crisis_lines
from services.consent.domain.wellbeing import Checkin, Direction, Support, Trend

strawberry.enum(Direction, name="WellbeingDirection")


@strawberry.federation.type(shareable=True)
class CrisisResource:
    """A helpline to call now (the directory's; listed here with a low check-in)."""

    name: str
    phone: str
    hours: str
    languages: list[str]
    description: str


@strawberry.type
class WellbeingCheckin:
    """One check-in, as its participant gave it."""

    id: strawberry.ID
    at: datetime
    who5: list[int] = strawberry.field(description="The five WHO-5 items, each 0 to 5.")
    who5_total: int = strawberry.field(description="The WHO-5 raw total, 0 to 25.")
    who5_percent: int = strawberry.field(description="The WHO-5 on the 0 to 100 scale.")
    barc10: list[int] | None = strawberry.field(description="The ten BARC-10 items, each 1 to 6.")
    barc10_total: int | None = strawberry.field(description="The BARC-10 total, 10 to 60.")
    note: str | None

    @classmethod
    def of(cls, checkin: Checkin) -> Self:
        scores = checkin.scores
        return cls(
            id=strawberry.ID(checkin.id),
            at=checkin.at,
            who5=list(scores.who5),
            who5_total=scores.who5_raw,
            who5_percent=scores.who5_percent,
            barc10=None if scores.barc10 is None else list(scores.barc10),
            barc10_total=scores.barc10_total,
            note=scores.note,
        )


@strawberry.type
class WellbeingTrend:
    """The WHO-5 (0 to 100) over the last 12 weeks; a change of 10 points or more is
    ``IMPROVING`` or ``WORSENING``."""

    since: datetime
    checkins: int
    first_who5_percent: int
    latest_who5_percent: int
    who5_change: int
    average_who5_percent: float
    direction: Direction

    @classmethod
    def of(cls, trend: Trend) -> Self:
        return cls(
            since=trend.since,
            checkins=trend.checkins,
            first_who5_percent=trend.first_percent,
            latest_who5_percent=trend.latest_percent,
            who5_change=trend.change,
            average_who5_percent=trend.average_percent,
            direction=trend.direction,
        )


async def _crisis_lines(
    root: WellbeingSupport, info: strawberry.Info[Context]
) -> list[CrisisResource]:
    lines = await crisis_lines(info.context.deps, root.city)
    return [
        CrisisResource(
            name=line.name,
            phone=line.phone,
            hours=line.hours,
            languages=list(line.languages),
            description=line.description,
        )
        for line in lines
    ]


@strawberry.type
class WellbeingSupport:
    """Came back because the WHO-5 was 7 or below (28 or below on the 0 to 100 scale). Nobody
    else is told."""

    message: str
    crisis_lines: list[CrisisResource] = strawberry.field(
        resolver=_crisis_lines,
        description="The national crisis lines, then any for my home city.",
    )
    city: strawberry.Private[str | None]

    @classmethod
    def of(cls, support: Support) -> Self:
        return cls(message=support.message, city=support.city)


@strawberry.type
class WellbeingEdge:
    cursor: str
    node: WellbeingCheckin


async def _total(root: WellbeingConnection) -> int:
    return await wellbeing.count(root.participant_id)


async def _trend(
    root: WellbeingConnection, info: strawberry.Info[Context]
) -> WellbeingTrend | None:
    found = await wellbeing.trend(info.context.deps, root.participant_id)
    return None if found is None else WellbeingTrend.of(found)


@strawberry.type
class WellbeingConnection:
    """My check-ins, newest first, and the trend of the last 12 weeks."""

    total_count: int = strawberry.field(resolver=_total)
    page_info: PageInfo
    edges: list[WellbeingEdge]
    trend: WellbeingTrend | None = strawberry.field(
        resolver=_trend, description="Null with fewer than two check-ins in the last 12 weeks."
    )
    participant_id: strawberry.Private[str]


async def my_wellbeing(
    info: strawberry.Info[Context], first: int | None = 20, after: str | None = None
) -> WellbeingConnection:
    subject = info.context.viewer.participant().subject
    page = await wellbeing.checkin_page(info.context.deps, subject, first, after)
    return WellbeingConnection(
        page_info=PageInfo.of(page),
        edges=[
            WellbeingEdge(cursor=wellbeing.cursor_of(c), node=WellbeingCheckin.of(c))
            for c in page.edges
        ],
        participant_id=subject,
    )


field = strawberry.field(
    resolver=my_wellbeing,
    permission_classes=[IsParticipant],
    description="My wellbeing check-ins (WHO-5, BARC-10), newest first, with the trend.",
)
