"""The directory's records as plain frozen values: what the repository returns and the domain and
the GraphQL layer read. No ORM object leaves ``repository.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

# The mean Earth radius (IUGG): every distance in the directory is measured on this sphere.
EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class Point:
    """A WGS84 position in decimal degrees."""

    lat: float
    lng: float


@dataclass(frozen=True)
class BoundingBox:
    """A latitude band and one or two longitude ranges (two when it crosses the antimeridian)."""

    min_lat: float
    max_lat: float
    lng_ranges: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Address:
    line1: str | None
    city: str | None
    postcode: str | None


@dataclass(frozen=True)
class Centre:
    id: str
    name: str
    city: str
    address: Address
    location: Point | None
    phone: str | None
    website: str | None
    languages: tuple[str, ...]
    is_partner: bool


@dataclass(frozen=True)
class Supporter:
    id: str
    centre_id: str
    display_name: str
    trained_in: tuple[str, ...]


@dataclass(frozen=True)
class Schedule:
    """A recurrence: an RFC 5545 RRULE in ``timezone``'s wall time, from ``starts_on``."""

    rrule: str
    timezone: str
    duration_minutes: int
    starts_on: date


@dataclass(frozen=True)
class Group:
    """A peer group. ``anchor`` is where its distance is measured from (see ``models``)."""

    id: str
    centre_id: str
    facilitator_id: str | None
    name: str
    description: str
    kind: str
    format: str
    focus: tuple[str, ...]
    languages: tuple[str, ...]
    audience: tuple[str, ...]
    accessibility: tuple[str, ...]
    capacity: int
    schedule: Schedule
    online_join_url: str | None
    address: Address | None
    location: Point | None
    anchor: Point
    source_ref: str | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True)
class CrisisResource:
    name: str
    phone: str
    hours: str
    languages: tuple[str, ...]
    description: str
    city: str | None = None


@dataclass(frozen=True)
class SeriesPush:
    """A timetable waiting in the outbox for the sessions service."""

    group_id: str
    body: dict[str, object]
    version: int
    attempts: int


@dataclass(frozen=True)
class NearbyAfter:
    """A nearby cursor as distance bounds: rows whose distance exceeds ``beyond`` come after it,
    and so do rows whose distance exceeds ``reached`` with an id greater than ``id``."""

    beyond: float
    reached: float
    id: str


@dataclass(frozen=True)
class NearbyQuery:
    """A nearby search as the repository runs it: the groups whose anchor lies in ``box`` (of
    ``kinds`` and ``formats`` when given) at a distance from ``near`` of at most ``within`` km;
    ``reach_km`` is the radius the box was drawn for."""

    near: Point
    box: BoundingBox
    reach_km: float
    within: float
    kinds: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    after: NearbyAfter | None = None


@dataclass(frozen=True)
class NearbyRanks:
    """How many groups are within reach, how many come after the cursor, and the first of those
    as (distance, id), nearest first, with their records by id."""

    total: int
    remaining: int
    ranked: tuple[tuple[float, str], ...]
    groups: dict[str, Group]
