"""Programme evaluation: sessions held, reach, attendance, ratings; small numbers withheld.

Any figure about fewer than ``THRESHOLD`` participants is withheld, so that no figure can single
anyone out: ``uniqueParticipants`` (people who attended), ``attendanceRate`` (people with an
attendance recorded) and ``averageRating`` (people who rated) are each checked against the
number of people behind them. A row shows all three or none (then it says ``suppressed``), so
that a withheld figure cannot be worked out from the ones beside it. The count
of sessions held is about sessions, not people, and always shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from services.sessions.domain.records import Figures, Ratings
from services.sessions.domain.staff import check_window
from services.sessions.repository import reflections, reports

THRESHOLD = 11
MAX_WINDOW = timedelta(days=366)


@dataclass(frozen=True)
class ReportRow:
    """Figures safe to show; ``None`` where withheld (or where there is nothing to measure)."""

    sessions_held: int
    unique_participants: int | None
    attendance_rate: float | None
    average_rating: float | None
    suppressed: bool


@dataclass(frozen=True)
class Report:
    total: ReportRow
    groups: list[tuple[str, ReportRow]]


def row(figures: Figures) -> ReportRow:
    """Figures about people show only when every one of them is about ``THRESHOLD`` people or
    more; otherwise all of them are withheld and the row says ``suppressed``."""
    suppressed = (
        figures.participants < THRESHOLD
        or figures.outcome_participants < THRESHOLD
        or figures.raters < THRESHOLD
    )
    if suppressed:
        return ReportRow(figures.sessions_held, None, None, None, True)
    outcomes = figures.attended + figures.no_show
    return ReportRow(
        sessions_held=figures.sessions_held,
        unique_participants=figures.participants,
        attendance_rate=round(figures.attended / outcomes, 4) if outcomes else None,
        average_rating=None if figures.average_rating is None else round(figures.average_rating, 2),
        suppressed=False,
    )


def window(start: datetime, end: datetime, now: datetime) -> tuple[datetime, datetime]:
    """The report's window in UTC, checked, ending now at the latest."""
    start, end = check_window(start, end, MAX_WINDOW)
    return start, min(end, now)


async def programme_report(centre_id: str, start: datetime, end: datetime, now: datetime) -> Report:
    """Figures over the sessions the centre held from ``start`` until ``end`` (or now)."""
    start, end = window(start, end, now)
    if end <= start:
        return Report(row(Figures(0, 0, 0, 0, 0, None, 0)), [])
    total, groups = await reports.figures(centre_id, start, end)
    return Report(row(total), [(group_id, row(groups[group_id])) for group_id in sorted(groups)])


async def facilitator_ratings(
    centre_id: str, start: datetime, end: datetime, now: datetime
) -> tuple[Ratings, dict[str, Ratings]]:
    """Facilitators' ratings of the centre's sessions in the same window as the report. Shown
    only where the participants' figures are (the caller withholds them with a suppressed row),
    so that the two sides are seen together or not at all."""
    start, end = check_window(start, end, MAX_WINDOW)
    end = min(end, now)
    if end <= start:
        return Ratings(0, None), {}
    return await reflections.ratings(centre_id, start, end)
