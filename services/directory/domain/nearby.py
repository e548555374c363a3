"""Groups near a point: the group filter and the nearby search.

Errors raised here (codes go out as ``extensions.code``)::

    SaathiError
    ├── BadUserInput            BAD_USER_INPUT        a limit, a coordinate or a cursor out of range
    └── SessionsUnavailable     SUBGRAPH_UNAVAILABLE  sessions did not answer (join links)
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from saathi.errors import BadUserInput, ErrorCode, SaathiError
from saathi.peers import Peers
from saathi.service.connections import Page, decode_cursor, encode_cursor
from services.directory import repository
from services.directory.domain.cursors import check_first
from services.directory.domain.geometry import (
    bounding_box,
    check_point,
    check_radius,
    largest_distance_shown,
    shown_distance,
)
from services.directory.domain.records import (
    Group,
    NearbyAfter,
    NearbyQuery,
    Point,
    SeatsWindow,
)

MAX_WITHIN_HOURS = 24 * 365
# The window the sessions service looks in when only ``openSeatsOnly`` is given.
OPEN_SEATS_HORIZON_HOURS = 24 * 28


class SessionsUnavailable(SaathiError):
    """A filter needs the sessions service and it did not answer: no answer beats a wrong one."""

    code = ErrorCode.SUBGRAPH_UNAVAILABLE


UNREADABLE = "The sessions service gave an answer this service cannot read."

# --- the group filter ---------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupFilter:
    """What a caller asked for; an empty tuple or ``None`` means "no constraint"."""

    kinds: tuple[str, ...] = ()
    focus: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    audience: tuple[str, ...] = ()
    starts_within_hours: int | None = None
    open_seats_only: bool = False
    text: str | None = None

    @property
    def needs_sessions(self) -> bool:
        return self.starts_within_hours is not None or self.open_seats_only

    @property
    def needs_records(self) -> bool:
        """Whether a constraint applies that SQL does not answer (focus, languages, audience
        and text are read from each group's record); kinds, formats, residents-only and the
        session constraints are in the statement."""
        return bool(self.focus or self.languages or self.audience or (self.text or "").strip())

    def seats_window(self, now: datetime) -> SeatsWindow | None:
        """The session constraints as times, as the sessions service answers them: a session
        starting in [now, now + startsWithinHours] (at most the four weeks sessions are
        materialised ahead), with a seat left when ``openSeatsOnly``."""
        if not self.needs_sessions:
            return None
        hours = min(self.starts_within_hours or OPEN_SEATS_HORIZON_HOURS, OPEN_SEATS_HORIZON_HOURS)
        start = math.ceil(now.timestamp())
        return SeatsWindow(start, math.floor(now.timestamp()) + hours * 3600, self.open_seats_only)

    def check(self) -> GroupFilter:
        hours = self.starts_within_hours
        if hours is not None and not 1 <= hours <= MAX_WITHIN_HOURS:
            raise BadUserInput(
                f"filter.startsWithinHours must be between 1 and {MAX_WITHIN_HOURS}, got {hours}."
            )
        return self

    def matches(self, group: Group) -> bool:
        """Whether ``group`` passes every constraint that needs no other service."""
        return (
            _any_of(self.kinds, (group.kind,))
            and _any_of(self.formats, (group.format,))
            and _any_of(self.focus, group.focus)
            and _any_of(self.audience, group.audience)
            and _any_of(self.languages, group.languages)
            and _mentions(self.text, group)
        )


def _any_of(wanted: tuple[str, ...], present: Iterable[str]) -> bool:
    return not wanted or not set(wanted).isdisjoint(present)


def _mentions(text: str | None, group: Group) -> bool:
    needle = (text or "").strip().casefold()
    return not needle or needle in group.name.casefold() or needle in group.description.casefold()


# --- nearby search ------------------------------------------------------------------------------


@dataclass(frozen=True)
class NearbySearch:
    near: Point
    radius_km: float | None = None
    filter: GroupFilter = field(default_factory=GroupFilter)
    first: int | None = None
    after: str | None = None


@dataclass(frozen=True)
class NearbyEdge:
    cursor: str
    distance_km: float
    group: Group


async def nearby_groups(
    search: NearbySearch, peers: Peers, now: datetime | None = None
) -> Page[NearbyEdge]:
    """Groups within the radius, nearest first (ties by id), one page after ``search.after``.

    One SQL statement: the database finds the candidates through its spatial index, leaves out
    residents-only groups, applies kinds, formats and the session constraints (from the seats
    the sessions service pushes to the directory), and measures them exactly
    (``haversine_km``). With no constraint it cannot answer (focus, languages, audience, text)
    it also counts and ranks them and returns one page; otherwise it returns every group
    within the radius and the rest is worked out here.
    """
    near = check_point(search.near)
    radius = check_radius(search.radius_km)
    first = check_first(search.first)
    wanted = search.filter.check()
    after = (
        decode_cursor(search.after, "nearby", (float, str)) if search.after is not None else None
    )
    query = NearbyQuery(
        near=near,
        box=bounding_box(near, radius),
        reach_km=radius,
        within=largest_distance_shown(radius),
        kinds=wanted.kinds,
        formats=wanted.formats,
        seats=wanted.seats_window(now or datetime.now(UTC)),
    )
    if wanted.needs_records:
        return await _filtered_page(query, wanted, after, first)
    if after is not None:
        query = replace(query, after=_after(float(after[0]), str(after[1])))
    return await _ranked_page(query, first)


def _after(shown: float, id_: str) -> NearbyAfter:
    """The cursor (shown distance, id) as bounds on the exact distance: a row comes after it
    when its shown distance is greater, or equal with a greater id."""
    if math.isnan(shown):  # nothing compares greater than NaN, as in a sort of tuples
        return NearbyAfter(math.inf, math.inf, id_)
    return NearbyAfter(
        largest_distance_shown(shown), largest_distance_shown(shown, strictly=True), id_
    )


async def _ranked_page(query: NearbyQuery, first: int) -> Page[NearbyEdge]:
    # The database ranks by exact distance; the list is ranked by shown distance, then id. The
    # repository's page holds every row that shows the same distance as its last, so ordering
    # it by (shown distance, id) and cutting it gives the page: no second query for ties.
    ranks = await repository.nearby_ranked(query, first)
    ranked = sorted((shown_distance(d), id_) for d, id_ in ranks.ranked)[:first]
    edges = [NearbyEdge(encode_cursor("nearby", d, id_), d, ranks.groups[id_]) for d, id_ in ranked]
    end = edges[-1].cursor if edges else None
    return Page(edges, ranks.remaining > first, end, total_count=ranks.total)


async def _filtered_page(
    query: NearbyQuery, wanted: GroupFilter, after: list[Any] | None, first: int
) -> Page[NearbyEdge]:
    ranked: list[tuple[float, str, Group]] = []
    for distance, group in await repository.nearby_groups(query):
        if wanted.matches(group):
            ranked.append((shown_distance(distance), group.id, group))
    ranked.sort(key=lambda entry: (entry[0], entry[1]))
    start = 0
    if after is not None:
        key = (float(after[0]), str(after[1]))
        start = next((i for i, e in enumerate(ranked) if (e[0], e[1]) > key), len(ranked))
    page = ranked[start : start + first]
    edges = [NearbyEdge(encode_cursor("nearby", d, id_), d, group) for d, id_, group in page]
    end = edges[-1].cursor if edges else None
    return Page(edges, start + first < len(ranked), end, total_count=len(ranked))
