"""The directory's rules: argument limits, cursors, distances, the group filter, schedule
summaries, nearby search and the crisis lines.

Errors raised here (codes go out as ``extensions.code``)::

    SaathiError
    ├── BadUserInput            BAD_USER_INPUT        a limit, a coordinate or a cursor out of range
    ├── NotFound                NOT_FOUND             an id that names no centre or group
    └── SessionsUnavailable     SUBGRAPH_UNAVAILABLE  the sessions service did not answer a filter
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any, Generic, TypeVar

from saathi.demo import CRISIS_RESOURCES
from saathi.errors import BadUserInput, ErrorCode, NotFound, SaathiError
from saathi.peers import Peers, PeerUnavailable
from saathi.times import clock
from services.directory import repository
from services.directory.records import (
    EARTH_RADIUS_KM,
    BoundingBox,
    Centre,
    CrisisResource,
    Group,
    NearbyAfter,
    NearbyQuery,
    Point,
    Schedule,
    Supporter,
)

DEFAULT_RADIUS_KM = 25.0
MAX_RADIUS_KM = 2000.0
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 50
MAX_WITHIN_HOURS = 24 * 365
# The window the sessions service looks in when only ``openSeatsOnly`` is given.
OPEN_SEATS_HORIZON_HOURS = 24 * 28

R = TypeVar("R")
E = TypeVar("E")


class SessionsUnavailable(SaathiError):
    """A filter needs the sessions service and it did not answer: no answer beats a wrong one."""

    code = ErrorCode.SUBGRAPH_UNAVAILABLE


# --- records by id ------------------------------------------------------------------------------


async def centres_by_ids(ids: Sequence[str]) -> dict[str, Centre]:
    return await repository.centres_by_ids(ids)


async def groups_by_ids(ids: Sequence[str]) -> dict[str, Group]:
    return await repository.groups_by_ids(ids)


async def supporters_by_ids(ids: Sequence[str]) -> dict[str, Supporter]:
    return await repository.supporters_by_ids(ids)


def found(record: R | None, kind: str, id_: str) -> R:
    """``record``, or ``NotFound`` naming what was looked for."""
    if record is None:
        raise NotFound(f"No {kind} has the id {id_!r}.")
    return record


# --- arguments ----------------------------------------------------------------------------------


def check_point(point: Point, argument: str = "near") -> Point:
    if not -90.0 <= point.lat <= 90.0:
        raise BadUserInput(f"{argument}.lat must be between -90 and 90, got {point.lat}.")
    if not -180.0 <= point.lng <= 180.0:
        raise BadUserInput(f"{argument}.lng must be between -180 and 180, got {point.lng}.")
    return point


def check_radius(radius_km: float | None) -> float:
    radius = DEFAULT_RADIUS_KM if radius_km is None else radius_km
    if not 0.0 <= radius <= MAX_RADIUS_KM:
        raise BadUserInput(f"radiusKm must be between 0 and {MAX_RADIUS_KM:g}, got {radius:g}.")
    return radius


def check_first(first: int | None) -> int:
    size = DEFAULT_PAGE_SIZE if first is None else first
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise BadUserInput(f"first must be between 1 and {MAX_PAGE_SIZE}, got {size}.")
    return size


# --- cursors ------------------------------------------------------------------------------------


def encode_cursor(kind: str, *parts: str | float) -> str:
    """An opaque cursor: clients hand it back as ``after`` and never read it."""
    raw = json.dumps([kind, *parts], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


# Cursors are made here and nothing else is accepted: a bounded size, the exact encoding
# ``encode_cursor`` gives, finite non-negative numbers and short printable strings.
MAX_CURSOR = 2048
MAX_CURSOR_TEXT = 500


def decode_cursor(cursor: str, kind: str, shape: tuple[type, ...]) -> list[Any]:
    """The parts of a cursor made by ``encode_cursor(kind, ...)``; ``BadUserInput`` otherwise."""
    value: Any = None
    if 0 < len(cursor) <= MAX_CURSOR and cursor.isascii():
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            value = json.loads(raw, parse_constant=_no_constant)
        except (binascii.Error, ValueError, RecursionError):
            value = None
    if (
        isinstance(value, list)
        and len(value) == len(shape) + 1
        and value[0] == kind
        and all(_is(part, type_) for part, type_ in zip(value[1:], shape, strict=True))
        and encode_cursor(kind, *value[1:]) == cursor
    ):
        return value[1:]
    raise BadUserInput("after is not a cursor from this list.")


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number a cursor holds")


def _is(value: object, type_: type) -> bool:
    if type_ is float:
        return (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and math.isfinite(value)
            and value >= 0
        )
    if type_ is str:
        return (
            isinstance(value, str)
            and 0 < len(value) <= MAX_CURSOR_TEXT
            and not any(ord(char) < 32 or 127 <= ord(char) < 160 for char in value)
        )
    return isinstance(value, type_)


# --- geometry -----------------------------------------------------------------------------------


def haversine_km(a: Point, b: Point) -> float:
    """Great-circle distance between ``a`` and ``b`` on a sphere of radius 6371.0088 km.

    The repository's SQL repeats these operations in this order (squares as products, not
    powers), so the databases and this function give the same double."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat = lat2 - lat1
    dlng = math.radians(b.lng - a.lng)
    s_lat, s_lng = math.sin(dlat / 2), math.sin(dlng / 2)
    h = s_lat * s_lat + math.cos(lat1) * math.cos(lat2) * (s_lng * s_lng)
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def shown_distance(distance_km: float) -> float:
    """A distance as clients see it, compare it and page by it: to the metre."""
    return round(distance_km, 3)


def _bits(value: float) -> int:
    return int(struct.unpack("<q", struct.pack("<d", value))[0])


def _float(bits: int) -> float:
    return float(struct.unpack("<d", struct.pack("<q", bits))[0])


def largest_distance_shown(below: float, *, strictly: bool = False) -> float:
    """The largest distance whose shown value is at most ``below`` (less than it when
    ``strictly``), or -1.0 when no distance is. ``shown_distance`` only grows with the distance,
    so "shown at most r" is exactly "at most this bound", which SQL can test. Found by bisection
    over the order of non-negative doubles (their bit patterns), about 64 steps."""

    def fits(distance: float) -> bool:
        shown = shown_distance(distance)
        return shown < below if strictly else shown <= below

    if math.isnan(below) or not fits(0.0):
        return -1.0
    if math.isinf(below):
        return math.inf
    low, high = 0, _bits(abs(below) + 1.0)  # fits(low); not fits(high)
    while high - low > 1:
        middle = (low + high) // 2
        if fits(_float(middle)):
            low = middle
        else:
            high = middle
    return _float(low)


def anchor(location: Point | None, centre: Centre) -> Point:
    """Where a group's distance is measured from: its own location, else its centre's."""
    point = location or centre.location
    if point is None:
        raise BadUserInput("A group without a location needs a centre with one.")
    return point


def bounding_box(centre: Point, radius_km: float) -> BoundingBox:
    """A box holding every point within ``radius_km`` of ``centre`` (and a little more).

    Latitude spans ``radius / R`` radians; longitude the widest a small circle reaches at
    this latitude. A box that reaches a pole takes every longitude; one that crosses the
    antimeridian is split in two.
    """
    angle = (radius_km + 0.001) / EARTH_RADIUS_KM
    dlat = math.degrees(angle)
    min_lat, max_lat = centre.lat - dlat, centre.lat + dlat
    if min_lat <= -90.0 or max_lat >= 90.0:
        return BoundingBox(max(min_lat, -90.0), min(max_lat, 90.0), ((-180.0, 180.0),))
    dlng = math.degrees(math.asin(min(1.0, math.sin(angle) / math.cos(math.radians(centre.lat)))))
    west, east = centre.lng - dlng, centre.lng + dlng
    if west < -180.0:
        ranges: tuple[tuple[float, float], ...] = ((west + 360.0, 180.0), (-180.0, east))
    elif east > 180.0:
        ranges = ((west, 180.0), (-180.0, east - 360.0))
    else:
        ranges = ((west, east),)
    return BoundingBox(min_lat, max_lat, ranges)


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
        """Whether a constraint beyond kinds and formats applies (to each group's record)."""
        return bool(
            self.focus
            or self.languages
            or self.audience
            or (self.text or "").strip()
            or self.needs_sessions
        )

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


@dataclass(frozen=True)
class Page(Generic[E]):
    """One page of a list: its edges, how many match in all and whether more follow."""

    total_count: int
    edges: list[E]
    has_next_page: bool
    end_cursor: str | None


async def nearby_groups(search: NearbySearch, peers: Peers) -> Page[NearbyEdge]:
    """Groups within the radius, nearest first (ties by id), one page after ``search.after``.

    The database finds the candidates through its spatial index and measures them exactly
    (``haversine_km``). With no other filter than kinds and formats it also counts and ranks
    them and returns one page of ids; otherwise it returns every group within the radius and the
    other constraints are worked out here, the sessions service answering the time and seat
    constraints in one call for every candidate.
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
    )
    if wanted.needs_records:
        return await _filtered_page(query, wanted, peers, after, first)
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
    ranks = await repository.nearby_ranked(query, first + 1)
    rows = list(ranks.ranked)
    if len(rows) > first:
        # The database ranks by exact distance; the list is ranked by shown distance, then id.
        # Only the last shown distance on the page can have rows the limit left out: fetch
        # every row with that shown distance before cutting the page.
        last = shown_distance(rows[first - 1][0])
        if shown_distance(rows[first][0]) == last:
            bucket = await repository.nearby_between(
                query,
                largest_distance_shown(last, strictly=True),
                largest_distance_shown(last),
            )
            rows = list({id_: (d, id_) for d, id_ in [*rows, *bucket]}.values())
    ranked = sorted((shown_distance(d), id_) for d, id_ in rows)[:first]
    groups = dict(ranks.groups)
    missing = [id_ for _, id_ in ranked if id_ not in groups]
    if missing:  # ranked by the bucket query above
        groups.update(await repository.groups_by_ids_raw(missing))
    edges = [
        NearbyEdge(encode_cursor("nearby", d, id_), d, groups[id_])
        for d, id_ in ranked
        if id_ in groups  # deleted since it was ranked
    ]
    end = edges[-1].cursor if edges else None
    return Page(ranks.total, edges, ranks.remaining > first, end)


async def _filtered_page(
    query: NearbyQuery,
    wanted: GroupFilter,
    peers: Peers,
    after: list[Any] | None,
    first: int,
) -> Page[NearbyEdge]:
    ranked: list[tuple[float, str, Group]] = []
    for distance, group in await repository.nearby_groups(query):
        if wanted.matches(group):
            ranked.append((shown_distance(distance), group.id, group))
    if wanted.needs_sessions and ranked:
        open_ids = await open_group_ids(peers, [id_ for _, id_, _ in ranked], wanted)
        ranked = [entry for entry in ranked if entry[1] in open_ids]
    ranked.sort(key=lambda entry: (entry[0], entry[1]))
    start = 0
    if after is not None:
        key = (float(after[0]), str(after[1]))
        start = next((i for i, e in enumerate(ranked) if (e[0], e[1]) > key), len(ranked))
    page = ranked[start : start + first]
    edges = [NearbyEdge(encode_cursor("nearby", d, id_), d, group) for d, id_, group in page]
    end = edges[-1].cursor if edges else None
    return Page(len(ranked), edges, start + first < len(ranked), end)


async def open_group_ids(peers: Peers, group_ids: list[str], wanted: GroupFilter) -> set[str]:
    """Which of ``group_ids`` have a session that meets the time and seat constraints."""
    body = {
        "groupIds": group_ids,
        "withinHours": wanted.starts_within_hours,
        "openSeatsOnly": wanted.open_seats_only,
    }
    try:
        answer = await peers.post_json("sessions", "/internal/groups/open", body)
    except PeerUnavailable as exc:
        raise SessionsUnavailable(
            "Session times and seats are unavailable right now; try again without "
            "startsWithinHours and openSeatsOnly."
        ) from exc
    ids = answer.get("groupIds") if isinstance(answer, dict) else None
    if not isinstance(ids, list) or not all(isinstance(id_, str) for id_ in ids):
        raise SessionsUnavailable("The sessions service gave an answer this service cannot read.")
    return set(ids)


# --- centres ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CentreEdge:
    cursor: str
    centre: Centre


async def centres(city: str | None, first: int | None, after: str | None) -> Page[CentreEdge]:
    """Centres (of ``city`` when given, in any case), by name then id."""
    size = check_first(first)
    key = decode_cursor(after, "centre", (str, str)) if after is not None else None
    city = city.strip() if city else None
    total = await repository.count_centres(city)
    rows = await repository.centres_page(
        city, after=(key[0], key[1]) if key else None, limit=size + 1
    )
    edges = [CentreEdge(encode_cursor("centre", c.name, c.id), c) for c in rows[:size]]
    return Page(total, edges, len(rows) > size, edges[-1].cursor if edges else None)


# --- crisis lines -------------------------------------------------------------------------------

CRISIS_LINES = tuple(
    CrisisResource(r.name, r.phone, r.hours, r.languages, r.description, r.city)
    for r in CRISIS_RESOURCES
)


def crisis_resources(city: str | None) -> list[CrisisResource]:
    """The national lines always, then any for ``city``. Kept in code, so that they are
    answered even when the database is down."""
    wanted = (city or "").strip().casefold()
    return [r for r in CRISIS_LINES if r.city is None or (wanted and r.city.casefold() == wanted)]


# --- schedules ----------------------------------------------------------------------------------

_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_DAY_NAMES = {
    "MO": "Monday",
    "TU": "Tuesday",
    "WE": "Wednesday",
    "TH": "Thursday",
    "FR": "Friday",
    "SA": "Saturday",
    "SU": "Sunday",
}
_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last"}
_FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")


def parse_rrule(rrule: str) -> dict[str, str]:
    """The parts of an RFC 5545 RRULE (``FREQ=WEEKLY;BYDAY=TU``), keys upper-cased."""
    text = rrule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[len("RRULE:") :]
    parts: dict[str, str] = {}
    for item in filter(None, text.split(";")):
        name, sep, value = item.partition("=")
        if not sep or not value:
            raise BadUserInput(f"The schedule rule {rrule!r} is not an RFC 5545 RRULE.")
        parts[name.strip().upper()] = value.strip().upper()
    if parts.get("FREQ") not in _FREQUENCIES:
        raise BadUserInput(f"The schedule rule {rrule!r} needs FREQ of {', '.join(_FREQUENCIES)}.")
    return parts


def schedule_summary(schedule: Schedule) -> str:
    """A sentence for people: "Every Tuesday, 6:00 pm to 7:30 pm".

    The rule's hours are wall-clock hours in the group's time zone, so the times read as the
    rule gives them (written as ``saathi.times.clock`` writes every time); the end is the start
    plus the duration.
    """
    rule = parse_rrule(schedule.rrule)
    start = time(_first_int(rule.get("BYHOUR"), 0), _first_int(rule.get("BYMINUTE"), 0))
    end = (datetime.combine(date.min, start) + timedelta(minutes=schedule.duration_minutes)).time()
    sentence = f"{_pattern(rule, schedule.starts_on)}, {clock(start)} to {clock(end)}"
    if "UNTIL" in rule:
        until = _until(rule["UNTIL"])
        sentence += f", until {until.day} {until:%B %Y}"
    return sentence


def _pattern(rule: dict[str, str], starts_on: date) -> str:
    freq, interval = rule["FREQ"], _first_int(rule.get("INTERVAL"), 1)
    days = [d[-2:] for d in rule["BYDAY"].split(",")] if "BYDAY" in rule else []
    if freq == "DAILY" and not days:
        return _every(interval, "day").capitalize()
    if freq in ("DAILY", "WEEKLY"):
        return _weekly(days or [_DAYS[starts_on.weekday()]], interval)
    if freq == "MONTHLY":
        return f"The {_day_of_month(rule, starts_on)} of {_every(interval, 'month')}"
    return f"{_every(interval, 'year').capitalize()} on {starts_on.day} {starts_on:%B}"


def _weekly(days: list[str], interval: int) -> str:
    ordered = sorted(set(days), key=_DAYS.index)
    if len(ordered) == 7:
        named = "day"
    elif ordered == list(_DAYS[:5]):
        named = "weekday"
    else:
        named = _and([_DAY_NAMES[d] for d in ordered])
    if interval == 1:
        return f"Every {named}"
    if interval == 2:
        return f"Every other {named}"
    return f"Every {interval} weeks on {named}"


def _day_of_month(rule: dict[str, str], starts_on: date) -> str:
    if "BYDAY" in rule:
        days = rule["BYDAY"].split(",")
        ordinal = int(days[0][:-2] or "1")
        return f"{_ORDINALS.get(ordinal, _nth(ordinal))} {_and([_DAY_NAMES[d[-2:]] for d in days])}"
    day = _first_int(rule.get("BYMONTHDAY"), starts_on.day)
    return "last day" if day == -1 else _nth(day)


def _every(interval: int, unit: str) -> str:
    if interval == 1:
        return f"every {unit}"
    if interval == 2:
        return f"every other {unit}"
    return f"every {interval} {unit}s"


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _nth(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _first_int(value: str | None, default: int) -> int:
    if value is None:
        return default
    try:
        return int(value.split(",")[0])
    except ValueError:
        raise BadUserInput(f"{value!r} is not a number in the schedule rule.") from None


def _until(value: str) -> date:
    try:
        return datetime.strptime(value[:8], "%Y%m%d").date()
    except ValueError:
        raise BadUserInput(f"UNTIL={value} is not a date in the schedule rule.") from None
