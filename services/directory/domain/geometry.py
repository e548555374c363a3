"""Points, radii and distances on the earth: what the nearby search measures with."""

from __future__ import annotations

import math
import struct

from saathi.errors import BadUserInput
from services.directory.domain.records import EARTH_RADIUS_KM, BoundingBox, Centre, Point

DEFAULT_RADIUS_KM = 25.0
MAX_RADIUS_KM = 2000.0


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
