"""Programme evaluation figures, aggregated in SQL: a few grouped queries, whatever the volume."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise.expressions import Q
from tortoise.functions import Avg, Count
from tortoise.queryset import QuerySet

from services.sessions.domain.records import BookingStatus, Figures, SessionStatus
from services.sessions.models import Booking, Feedback, Session

_ATTENDED = BookingStatus.ATTENDED.value
_NO_SHOW = BookingStatus.NO_SHOW.value


def _held(prefix: str, centre_id: str, start: datetime, end: datetime) -> dict[str, Any]:
    """Filters for sessions the centre held in ``[start, end)`` (not cancelled)."""
    return {
        f"{prefix}centre_id": centre_id,
        f"{prefix}starts_at__gte": start,
        f"{prefix}starts_at__lt": end,
    }


def _bookings(queryset: QuerySet[Booking]) -> QuerySet[Booking]:
    return queryset.annotate(
        participants=Count("participant_id", distinct=True, _filter=Q(status=_ATTENDED)),
        outcome_participants=Count(
            "participant_id", distinct=True, _filter=Q(status__in=[_ATTENDED, _NO_SHOW])
        ),
        attended=Count("id", _filter=Q(status=_ATTENDED)),
        no_show=Count("id", _filter=Q(status=_NO_SHOW)),
    )


def _ratings(queryset: QuerySet[Feedback]) -> QuerySet[Feedback]:
    return queryset.annotate(average=Avg("rating"), raters=Count("participant_id", distinct=True))


async def _raters_at_least(rated: QuerySet[Feedback]) -> tuple[int, dict[str, int]]:
    """A floor on the number of people who rated, in total and per group.

    Anonymous feedback names nobody, so distinct raters cannot be counted; but a person rates
    a session at most once, so the most ratings on any one session is a floor. Taking the
    larger of that and the distinct named raters never counts more people than there are: a
    figure is withheld rather than shown about fewer than the threshold.
    """
    rows = (
        await rated.annotate(given=Count("id"))
        .group_by("session_id", "session__group_id")
        .values("session__group_id", "given")
    )
    groups: dict[str, int] = {}
    for row in rows:
        group_id = str(row["session__group_id"])
        groups[group_id] = max(groups.get(group_id, 0), int(row["given"]))
    return max(groups.values(), default=0), groups


def _with_floor(ratings: dict[str, Any], floor: int) -> dict[str, Any]:
    return {**ratings, "raters": max(int(ratings.get("raters") or 0), floor)}


_BOOKING_FIGURES = ("participants", "outcome_participants", "attended", "no_show")


def _figures(sessions: int, bookings: dict[str, Any], ratings: dict[str, Any]) -> Figures:
    average = ratings.get("average")
    return Figures(
        sessions_held=sessions,
        participants=int(bookings.get("participants") or 0),
        outcome_participants=int(bookings.get("outcome_participants") or 0),
        attended=int(bookings.get("attended") or 0),
        no_show=int(bookings.get("no_show") or 0),
        average_rating=None if average is None else float(average),
        raters=int(ratings.get("raters") or 0),
    )


async def figures(
    centre_id: str, start: datetime, end: datetime
) -> tuple[Figures, dict[str, Figures]]:
    """The centre's figures over sessions held in ``[start, end)``, in total and per group."""
    cancelled = SessionStatus.CANCELLED.value
    sessions = (
        await Session.filter(**_held("", centre_id, start, end))
        .exclude(status=cancelled)
        .annotate(held=Count("id"))
        .group_by("group_id")
        .values("group_id", "held")
    )
    booked = Booking.filter(**_held("session__", centre_id, start, end)).exclude(
        session__status=cancelled
    )
    rated = Feedback.filter(**_held("session__", centre_id, start, end)).exclude(
        session__status=cancelled
    )
    by_group_bookings = {
        row["session__group_id"]: row
        for row in await _bookings(booked)
        .group_by("session__group_id")
        .values("session__group_id", *_BOOKING_FIGURES)
    }
    by_group_ratings = {
        row["session__group_id"]: row
        for row in await _ratings(rated)
        .group_by("session__group_id")
        .values("session__group_id", "average", "raters")
    }
    # Grouped by the one centre: without a GROUP BY, tortoise groups by every column.
    total_bookings = (
        await _bookings(booked).group_by("session__centre_id").values(*_BOOKING_FIGURES)
    )
    total_ratings = await _ratings(rated).group_by("session__centre_id").values("average", "raters")
    total_floor, group_floors = await _raters_at_least(rated)
    groups = {
        row["group_id"]: _figures(
            int(row["held"]),
            by_group_bookings.get(row["group_id"], {}),
            _with_floor(
                by_group_ratings.get(row["group_id"], {}), group_floors.get(row["group_id"], 0)
            ),
        )
        for row in sessions
    }
    total = _figures(
        sum(f.sessions_held for f in groups.values()),
        total_bookings[0] if total_bookings else {},
        _with_floor(total_ratings[0] if total_ratings else {}, total_floor),
    )
    return total, groups


async def attendees(centre_id: str, start: datetime, end: datetime) -> dict[str, list[str]]:
    """Per group, the distinct participants who attended a session the centre held in
    ``[start, end)``; one query."""
    rows = (
        await Booking.filter(**_held("session__", centre_id, start, end), status=_ATTENDED)
        .exclude(session__status=SessionStatus.CANCELLED.value)
        .distinct()
        .values_list("session__group_id", "participant_id")
    )
    found: dict[str, list[str]] = {}
    for group_id, participant_id in sorted(rows):
        found.setdefault(str(group_id), []).append(str(participant_id))
    return found
