"""Every query the directory makes. Rows leave this module as ``records`` values, never as ORM
objects, and every function is one SQL statement (or one per record written, when seeding)."""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from tortoise import Tortoise, fields
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import OperationalError
from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from saathi.database import bulk_insert
from saathi.ids import storable
from services.directory.domain.records import (
    EARTH_RADIUS_KM,
    Address,
    Centre,
    Group,
    NearbyQuery,
    NearbyRanks,
    Point,
    Schedule,
    SeriesPush,
    Supporter,
)
from services.directory.models import Centre as CentreRow
from services.directory.models import PeerGroup as GroupRow
from services.directory.models import PeerSupporter as SupporterRow
from services.directory.models import SeriesPush as PushRow

CONNECTION = "directory"


def _point(lat: float | None, lng: float | None) -> Point | None:
    return None if lat is None or lng is None else Point(lat, lng)


def _centre(row: CentreRow) -> Centre:
    return Centre(
        id=row.id,
        name=row.name,
        city=row.city,
        address=Address(row.line1, row.city, row.postcode),
        location=_point(row.lat, row.lng),
        phone=row.phone,
        website=row.website,
        languages=tuple(row.languages),
        is_partner=row.is_partner,
    )


def _supporter(row: SupporterRow) -> Supporter:
    return Supporter(
        id=row.id,
        centre_id=row.centre_id,  # type: ignore[attr-defined]  # tortoise adds <fk>_id
        display_name=row.display_name,
        trained_in=tuple(row.trained_in),
    )


# Column converters of the group table, so that plain rows become records without an ORM object.
_GROUP_FIELDS = tuple(
    (name, GroupRow._meta.fields_map[name]) for name in sorted(GroupRow._meta.db_fields)
)


def _group(row: GroupRow) -> Group:
    values = {name: getattr(row, name) for name, _ in _GROUP_FIELDS}
    values["centre_id"] = row.centre_id  # type: ignore[attr-defined]  # tortoise adds <fk>_id
    values["facilitator_id"] = row.facilitator_id  # type: ignore[attr-defined]
    return _group_from(values)


def _group_from(values: Mapping[str, Any]) -> Group:
    """A group record from its column values (converted to Python types)."""
    row = _Values(values)
    has_address = row.line1 is not None or row.city is not None or row.postcode is not None
    return Group(
        id=row.id,
        centre_id=row.centre_id,
        facilitator_id=row.facilitator_id,
        name=row.name,
        description=row.description,
        kind=row.kind,
        format=row.format,
        focus=tuple(row.focus),
        languages=tuple(row.languages),
        audience=tuple(row.audience),
        accessibility=tuple(row.accessibility),
        capacity=row.capacity,
        schedule=Schedule(row.rrule, row.timezone, row.duration_minutes, row.starts_on),
        online_join_url=row.online_join_url,
        address=Address(row.line1, row.city, row.postcode) if has_address else None,
        location=_point(row.lat, row.lng),
        anchor=Point(row.anchor_lat, row.anchor_lng),
        source_ref=row.source_ref,
        updated_at=row.updated_at,
    )


class _Values:
    """Attribute access to a mapping of column values."""

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, Any]) -> None:
        self._values = values

    def __getattr__(self, name: str) -> Any:
        return self._values[name]


# --- reads --------------------------------------------------------------------------------------


async def centres_by_ids(ids: Sequence[str]) -> dict[str, Centre]:
    if not ids:
        return {}
    rows = await CentreRow.filter(id__in=storable(ids))
    return {row.id: _centre(row) for row in rows}


async def supporters_by_ids(ids: Sequence[str]) -> dict[str, Supporter]:
    if not ids:
        return {}
    rows = await SupporterRow.filter(id__in=storable(ids))
    return {row.id: _supporter(row) for row in rows}


async def groups_by_ids(ids: Sequence[str]) -> dict[str, Group]:
    if not ids:
        return {}
    rows = await GroupRow.filter(id__in=storable(ids))
    return {row.id: _group(row) for row in rows}


def _city(city: str | None) -> Q:
    return Q(city__iexact=city) if city else Q()


async def count_centres(city: str | None) -> int:
    return await CentreRow.filter(_city(city)).count()


async def centres_page(
    city: str | None, *, after: tuple[str, str] | None, limit: int
) -> list[Centre]:
    """Up to ``limit`` centres ordered by (name, id), strictly after the key ``after``."""
    query = CentreRow.filter(_city(city))
    if after is not None:
        name, id_ = after
        query = query.filter(Q(name__gt=name) | Q(name=name, id__gt=id_))
    rows = await query.order_by("name", "id").limit(limit)
    return [_centre(row) for row in rows]


# --- nearby search ------------------------------------------------------------------------------
#
# The database narrows to the groups whose anchor lies in a box around the point, through a
# spatial index (an R*Tree on SQLite, a GiST index over ``earthdistance``'s ``ll_to_earth`` on
# PostgreSQL), and works out each candidate's exact great-circle distance in SQL. The expression
# repeats ``domain.geometry.haversine_km`` operation for operation, with the same constants
# passed as parameters, so that both databases compute the same double as Python does (IEEE
# arithmetic and the C library's sin, cos, asin and sqrt): results are exactly those of a
# brute-force scan.

ANCHORS = "directory_group_anchor"
RTREE = "directory_group_anchor_rtree"
_GROUPS = "directory_peer_group"
_RESIDENTS_ONLY = "directory_residents_only"
_SEATS = "directory_session_seats"
_EARTH_INDEX = "directory_peer_group_earth"
# earthdistance measures on its own sphere (``earth()``, 6378.168 km): a box that holds a circle
# on our sphere holds it on theirs when widened in proportion, plus a metre for rounding.
_EARTHDISTANCE_RADIUS_KM = 6378.168

# Whether PostgreSQL has the GiST index: learnt by ``build_spatial_index`` at every start.
_SPATIAL = {"earth": False}


async def after_generate_schemas() -> None:
    """Called by ``open_databases`` once the tables exist: the spatial index of group anchors,
    whose SQL lives with the queries that use it."""
    await build_spatial_index()


async def build_spatial_index() -> None:
    """Create the spatial index if missing, and on SQLite rebuild it when it does not hold
    exactly the stored groups (a data dir from before it existed, or rowids a VACUUM changed).
    Runs at every start, after the tables are created."""
    connection = Tortoise.get_connection(CONNECTION)
    if connection.capabilities.dialect == "sqlite":
        await _build_rtree(connection)
    else:
        await _build_earth_index(connection)


async def _build_rtree(connection: BaseDBAsyncClient) -> None:
    # A narrow copy of each group's anchor, kind and format, keyed by an integer that names the
    # group's R*Tree entry: the R*Tree holds 32-bit bounds, the copy the exact doubles, and
    # reading 1,500 candidates from a table this narrow costs a fraction of reading the wide
    # group rows. Triggers keep both in step with every write; the check below repairs them at
    # start (a data dir from before they existed).
    # A cache that holds the anchors and the R*Tree (a few MB at 100,000 groups): with SQLite's
    # default of 2 MB, every search reads most of its candidates' pages from the OS again.
    await connection.execute_script("PRAGMA cache_size = -65536; PRAGMA mmap_size = 268435456;")
    await connection.execute_script(
        f"""
        CREATE TABLE IF NOT EXISTS {ANCHORS} (
            n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, lat REAL NOT NULL,
            lng REAL NOT NULL, kind TEXT NOT NULL, format TEXT NOT NULL);
        CREATE VIRTUAL TABLE IF NOT EXISTS {RTREE}
            USING rtree(id, min_lat, max_lat, min_lng, max_lng);
        CREATE TRIGGER IF NOT EXISTS {ANCHORS}_insert AFTER INSERT ON {_GROUPS} BEGIN
            INSERT INTO {ANCHORS} (id, lat, lng, kind, format)
                VALUES (new.id, new.anchor_lat, new.anchor_lng, new.kind, new.format);
            INSERT INTO {RTREE} SELECT n, lat, lat, lng, lng FROM {ANCHORS} WHERE id = new.id;
        END;
        CREATE TRIGGER IF NOT EXISTS {ANCHORS}_update
            AFTER UPDATE OF id, anchor_lat, anchor_lng, kind, format ON {_GROUPS} BEGIN
            UPDATE {ANCHORS} SET id = new.id, lat = new.anchor_lat, lng = new.anchor_lng,
                kind = new.kind, format = new.format WHERE id = old.id;
            UPDATE {RTREE} SET min_lat = new.anchor_lat, max_lat = new.anchor_lat,
                min_lng = new.anchor_lng, max_lng = new.anchor_lng
                WHERE id = (SELECT n FROM {ANCHORS} WHERE id = new.id);
        END;
        CREATE TRIGGER IF NOT EXISTS {ANCHORS}_delete AFTER DELETE ON {_GROUPS} BEGIN
            DELETE FROM {RTREE} WHERE id = (SELECT n FROM {ANCHORS} WHERE id = old.id);
            DELETE FROM {ANCHORS} WHERE id = old.id;
        END;
        """
    )
    _, rows = await connection.execute_query(
        f"SELECT (SELECT count(*) FROM {_GROUPS}) AS groups, "
        f"(SELECT count(*) FROM {ANCHORS}) AS anchors, (SELECT count(*) FROM {RTREE}) AS entries, "
        f"(SELECT count(*) FROM {_GROUPS} AS g JOIN {ANCHORS} AS a ON a.id = g.id "
        f"AND a.lat = g.anchor_lat AND a.lng = g.anchor_lng AND a.kind = g.kind "
        f"AND a.format = g.format) AS copied, "
        f"(SELECT count(*) FROM {RTREE} AS r JOIN {ANCHORS} AS a ON a.n = r.id "
        f"AND a.lat BETWEEN r.min_lat AND r.max_lat AND a.lng BETWEEN r.min_lng AND r.max_lng) "
        f"AS indexed"
    )
    counts = rows[0]
    if len({counts[name] for name in ("groups", "anchors", "entries", "copied", "indexed")}) == 1:
        return
    async with in_transaction(CONNECTION) as transaction:
        await transaction.execute_query(f"DELETE FROM {RTREE}")
        await transaction.execute_query(f"DELETE FROM {ANCHORS}")
        await transaction.execute_query(
            f"INSERT INTO {ANCHORS} (id, lat, lng, kind, format) "
            f"SELECT id, anchor_lat, anchor_lng, kind, format FROM {_GROUPS}"
        )
        await transaction.execute_query(
            f"INSERT INTO {RTREE} SELECT n, lat, lat, lng, lng FROM {ANCHORS}"
        )


@contextlib.asynccontextmanager
async def bulk_load() -> AsyncIterator[None]:
    """Around a large insert of groups (a synthetic seed), the spatial index is built once at
    the end rather than kept row by row: on SQLite the insert trigger is dropped and the anchor
    copy and the R*Tree are filled in two statements; on PostgreSQL the GiST index is dropped
    and created again over all the rows (searches meanwhile use the plain index)."""
    connection = Tortoise.get_connection(CONNECTION)
    if connection.capabilities.dialect != "sqlite":
        await connection.execute_script(f"DROP INDEX IF EXISTS {_EARTH_INDEX}")
        try:
            yield
        finally:
            await _build_earth_index(connection)
            # Fresh statistics: without them the planner guesses at the seats' EXISTS and the
            # box, and a search on a freshly seeded database took twice as long.
            await connection.execute_script(f"ANALYZE {_GROUPS}; ANALYZE {_SEATS};")
        return
    # No wait for the disk at every commit meanwhile: a seed cut short by a power cut is
    # seeded again.
    await connection.execute_script(
        f"DROP TRIGGER IF EXISTS {ANCHORS}_insert; PRAGMA cache_size = -262144; "
        f"PRAGMA synchronous = OFF;"
    )
    try:
        yield
    finally:
        await connection.execute_script("PRAGMA synchronous = FULL;")
        # Recreates the trigger, sees the copy short of the groups and rebuilds it in bulk.
        await _build_rtree(connection)


async def _build_earth_index(connection: BaseDBAsyncClient) -> None:
    """The GiST index needs the ``cube`` and ``earthdistance`` extensions, visible on the search
    path; without them (a role that may not create them, a schema that does not see them) the
    plain (anchor_lat, anchor_lng) index the table always has answers the bounding box."""
    try:
        if not await _sees_earthdistance(connection):
            await connection.execute_script(
                "CREATE EXTENSION IF NOT EXISTS cube; CREATE EXTENSION IF NOT EXISTS earthdistance;"
            )
        await connection.execute_script(
            f"CREATE INDEX IF NOT EXISTS {_EARTH_INDEX} ON {_GROUPS} "
            f"USING gist (ll_to_earth(anchor_lat, anchor_lng))"
        )
    except OperationalError:
        _SPATIAL["earth"] = False
        return
    _SPATIAL["earth"] = True


async def _sees_earthdistance(connection: BaseDBAsyncClient) -> bool:
    _, rows = await connection.execute_query(
        "SELECT to_regprocedure('ll_to_earth(float8, float8)') IS NOT NULL AS seen"
    )
    return bool(rows[0]["seen"])


class _Parameters:
    """Numbered placeholders in the dialect's spelling (``?1`` or ``$1``) and their values."""

    def __init__(self, dialect: str) -> None:
        self.sigil = "?" if dialect == "sqlite" else "$"
        self.postgres = dialect != "sqlite"
        self.values: list[Any] = []

    def __call__(self, value: Any) -> str:
        self.values.append(value)
        placeholder = f"{self.sigil}{len(self.values)}"
        if self.postgres and isinstance(value, float):
            return f"{placeholder}::float8"
        return placeholder

    def many(self, values: Sequence[str]) -> str:
        return ", ".join(self(value) for value in values)


def _candidates(query: NearbyQuery, p: _Parameters, dialect_earth: bool) -> str:
    """The SELECT of (id, anchor_lat, anchor_lng) of every group in the query's box."""
    table = "g" if p.postgres else "a"
    where = []
    if query.kinds:
        where.append(f"{table}.kind IN ({p.many(query.kinds)})")
    if query.formats:
        where.append(f"{table}.format IN ({p.many(query.formats)})")
    # A residential centre's residents-only groups are never in public search.
    where.append(
        f"NOT EXISTS (SELECT 1 FROM {_RESIDENTS_ONLY} AS ro WHERE ro.group_id = {table}.id)"
    )
    seats = query.seats
    if seats is not None:
        open_only = " AND ss.seats_left > 0" if seats.open_only else ""
        where.append(
            f"EXISTS (SELECT 1 FROM {_SEATS} AS ss WHERE ss.group_id = {table}.id "
            f"AND ss.starts_at >= {p(seats.start)} AND ss.starts_at <= {p(seats.end)}{open_only})"
        )
    extra = "".join(f" AND {w}" for w in where)
    box = query.box
    if not p.postgres:
        parts = [
            f"SELECT a.id AS id, a.lat AS lat, a.lng AS lng FROM {RTREE} AS r "
            f"CROSS JOIN {ANCHORS} AS a ON a.n = r.id "
            f"WHERE r.max_lat >= {p(box.min_lat)} AND r.min_lat <= {p(box.max_lat)} "
            f"AND r.max_lng >= {p(west)} AND r.min_lng <= {p(east)}{extra}"
            for west, east in box.lng_ranges
        ]
        return " UNION ALL ".join(parts)
    if dialect_earth:
        near = query.near
        metres = (query.reach_km * _EARTHDISTANCE_RADIUS_KM / EARTH_RADIUS_KM + 0.001) * 1000
        return (
            f"SELECT g.id AS id, g.anchor_lat AS lat, g.anchor_lng AS lng FROM {_GROUPS} AS g "
            f"WHERE earth_box(ll_to_earth({p(near.lat)}, {p(near.lng)}), {p(metres)}) "
            f"@> ll_to_earth(g.anchor_lat, g.anchor_lng){extra}"
        )
    ranges = " OR ".join(
        f"(g.anchor_lng >= {p(west)} AND g.anchor_lng <= {p(east)})"
        for west, east in box.lng_ranges
    )
    return (
        f"SELECT g.id AS id, g.anchor_lat AS lat, g.anchor_lng AS lng FROM {_GROUPS} AS g "
        f"WHERE g.anchor_lat >= {p(box.min_lat)} AND g.anchor_lat <= {p(box.max_lat)} "
        f"AND ({ranges}){extra}"
    )


def _distances(query: NearbyQuery, p: _Parameters, candidates: str) -> str:
    """(id, d) of every candidate: ``geometry.haversine_km(near, anchor)``, step for step."""
    near = query.near
    to_radians = math.pi / 180
    lat1 = math.radians(near.lat)
    k, two = p(to_radians), p(2.0)
    smaller = "LEAST" if p.postgres else "min"
    return (
        f"SELECT id, {p(2 * EARTH_RADIUS_KM)} * asin({smaller}({p(1.0)}, "
        f"sqrt(s_lat * s_lat + ({p(math.cos(lat1))} * c_lat) * (s_lng * s_lng)))) AS d "
        f"FROM (SELECT id, sin((lat2 - {p(lat1)}) / {two}) AS s_lat, sin(dlng / {two}) AS s_lng, "
        f"cos(lat2) AS c_lat FROM (SELECT id, lat * {k} AS lat2, (lng - {p(near.lng)}) * {k} "
        f"AS dlng FROM ({candidates}) AS candidates) AS radians) AS halves"
    )


def _later(query: NearbyQuery, p: _Parameters) -> str:
    """1 for a row after the query's cursor, else 0."""
    after = query.after
    if after is None:
        return "1"
    collate = ' COLLATE "C"' if p.postgres else ""
    return (
        f"CASE WHEN d > {p(after.beyond)} OR (d > {p(after.reached)} AND id{collate} > "
        f"{p(after.id)}) THEN 1 ELSE 0 END"
    )


async def _dialect() -> tuple[BaseDBAsyncClient, str, bool]:
    connection = Tortoise.get_connection(CONNECTION)
    dialect = connection.capabilities.dialect
    return connection, dialect, dialect != "sqlite" and _SPATIAL["earth"]


# Two exact distances that round to the same metre differ by at most a metre: this much past
# the last row of a page holds every row that shows the same distance (with room to spare).
_SAME_METRE_KM = 0.002


async def nearby_ranked(query: NearbyQuery, limit: int) -> NearbyRanks:
    """How many groups are within reach, how many of those come after the cursor, and the first
    ``limit`` of the latter by exact distance, with every other one that comes within a metre
    of the last (so that all those showing the same rounded distance are there to be ordered
    by id), with their records: one statement, whatever the number of groups."""
    connection, dialect, earth = await _dialect()
    p = _Parameters(dialect)
    distances = _distances(query, p, _candidates(query, p, earth))
    later = _later(query, p)
    # The hits are materialised once, then counted and ranked for the page: cheaper than a
    # window function, which SQLite evaluates with a sort of every hit. The one-row ``counts``
    # leads, so that the counts come back even when no row comes after the cursor.
    sql = (
        f"WITH near AS MATERIALIZED (SELECT id, d, {later} AS later FROM ({distances}) AS x "
        f"WHERE d <= {p(query.within)}), "
        f"edge AS (SELECT d FROM near WHERE later = 1 ORDER BY d LIMIT 1 OFFSET {p(limit - 1)}), "
        f"page AS (SELECT id, d FROM near WHERE later = 1 "
        f"AND d <= coalesce((SELECT d FROM edge) + {p(_SAME_METRE_KM)}, {p(query.within)})), "
        f"counts AS (SELECT count(*) AS total, coalesce(sum(later), 0) AS remaining FROM near) "
        f"SELECT counts.total AS nearby_total, counts.remaining AS nearby_remaining, "
        f"page.d AS nearby_distance, g.* FROM counts LEFT JOIN page ON 1 = 1 "
        f"LEFT JOIN {_GROUPS} AS g ON g.id = page.id"
    )
    _, rows = await connection.execute_query(sql, p.values)
    first = rows[0]
    ranked = [row for row in rows if row["nearby_distance"] is not None and row["id"] is not None]
    return NearbyRanks(
        total=int(first["nearby_total"]),
        remaining=int(first["nearby_remaining"] or 0),
        ranked=tuple((float(row["nearby_distance"]), str(row["id"])) for row in ranked),
        groups={str(row["id"]): _group_from_row(row) for row in ranked},
    )


async def nearby_groups(query: NearbyQuery) -> list[tuple[float, Group]]:
    """Every group within reach with its distance, the cursor ignored (for the filters this
    module cannot answer in SQL: the domain applies them to the records)."""
    connection, dialect, earth = await _dialect()
    p = _Parameters(dialect)
    distances = _distances(query, p, _candidates(query, p, earth))
    sql = (
        f"SELECT near.d AS nearby_distance, g.* FROM ({distances}) AS near "
        f"JOIN {_GROUPS} AS g ON g.id = near.id WHERE near.d <= {p(query.within)}"
    )
    _, rows = await connection.execute_query(sql, p.values)
    return [(float(row["nearby_distance"]), _group_from_row(row)) for row in rows]


def _json_list(value: Any) -> tuple[str, ...]:
    return tuple(json.loads(value) if isinstance(value, (str, bytes)) else value)


def _date(value: Any) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _moment(value: Any) -> datetime | None:
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _group_from_row(row: Mapping[str, Any]) -> Group:
    """A group record straight from a plain row of ``directory_peer_group`` (the nearby page):
    the columns converted by hand, not through the ORM's field objects, which cost more than
    the statement on a page of twenty. ``test_nearby_exact`` compares it with ``_group``."""
    line1, city, postcode = row["line1"], row["city"], row["postcode"]
    has_address = line1 is not None or city is not None or postcode is not None
    return Group(
        id=row["id"],
        centre_id=row["centre_id"],
        facilitator_id=row["facilitator_id"],
        name=row["name"],
        description=row["description"],
        kind=row["kind"],
        format=row["format"],
        focus=_json_list(row["focus"]),
        languages=_json_list(row["languages"]),
        audience=_json_list(row["audience"]),
        accessibility=_json_list(row["accessibility"]),
        capacity=row["capacity"],
        schedule=Schedule(
            row["rrule"], row["timezone"], row["duration_minutes"], _date(row["starts_on"])
        ),
        online_join_url=row["online_join_url"],
        address=Address(line1, city, postcode) if has_address else None,
        location=_point(row["lat"], row["lng"]),
        anchor=Point(row["anchor_lat"], row["anchor_lng"]),
        source_ref=row["source_ref"],
        updated_at=_moment(row["updated_at"]),
    )


# --- writes -------------------------------------------------------------------------------------


async def save_centre(centre: Centre) -> None:
    """Insert or update ``centre`` under its id."""
    location = centre.location
    await CentreRow.update_or_create(
        id=centre.id,
        defaults={
            "name": centre.name,
            "city": centre.city,
            "line1": centre.address.line1,
            "postcode": centre.address.postcode,
            "lat": location.lat if location else None,
            "lng": location.lng if location else None,
            "phone": centre.phone,
            "website": centre.website,
            "languages": list(centre.languages),
            "is_partner": centre.is_partner,
        },
    )


async def save_supporter(supporter: Supporter) -> None:
    await SupporterRow.update_or_create(
        id=supporter.id,
        defaults={
            "centre_id": supporter.centre_id,
            "display_name": supporter.display_name,
            "trained_in": list(supporter.trained_in),
        },
    )


def _group_fields(group: Group) -> dict[str, Any]:
    address, location = group.address, group.location
    values: dict[str, Any] = {
        "centre_id": group.centre_id,
        "facilitator_id": group.facilitator_id,
        "name": group.name,
        "description": group.description,
        "kind": group.kind,
        "format": group.format,
        "focus": list(group.focus),
        "languages": list(group.languages),
        "audience": list(group.audience),
        "accessibility": list(group.accessibility),
        "capacity": group.capacity,
        "rrule": group.schedule.rrule,
        "timezone": group.schedule.timezone,
        "duration_minutes": group.schedule.duration_minutes,
        "starts_on": group.schedule.starts_on,
        "online_join_url": group.online_join_url,
        "line1": address.line1 if address else None,
        "city": address.city if address else None,
        "postcode": address.postcode if address else None,
        "lat": location.lat if location else None,
        "lng": location.lng if location else None,
        "anchor_lat": group.anchor.lat,
        "anchor_lng": group.anchor.lng,
        "source_ref": group.source_ref,
    }
    if group.updated_at is not None:
        values["updated_at"] = group.updated_at
    return values


async def save_group(group: Group) -> None:
    """Insert or update ``group``; its anchor is written with it."""
    await GroupRow.update_or_create(id=group.id, defaults=_group_fields(group))


async def save_group_and_push(group: Group, body: Mapping[str, object]) -> None:
    """Write ``group`` and queue its timetable for the sessions service, in one transaction, so
    that either both are stored or neither is."""
    async with in_transaction(CONNECTION) as connection:
        await GroupRow.update_or_create(
            id=group.id, defaults=_group_fields(group), using_db=connection
        )
        queued = await PushRow.filter(group_id=group.id).using_db(connection).first()
        if queued is None:
            await PushRow.create(group_id=group.id, body=dict(body), using_db=connection)
        else:
            queued.body = dict(body)
            queued.version += 1
            await queued.save(using_db=connection)


async def pending_pushes(limit: int) -> list[SeriesPush]:
    """The oldest timetables not yet accepted by the sessions service."""
    rows = await PushRow.all().order_by("created_at", "group_id").limit(limit)
    return [SeriesPush(r.group_id, dict(r.body), r.version, r.attempts) for r in rows]


async def count_pending_pushes() -> int:
    return await PushRow.all().count()


async def forget_push(push: SeriesPush) -> None:
    """Drop a push sessions accepted, unless a newer timetable replaced it meanwhile."""
    await PushRow.filter(group_id=push.group_id, version=push.version).delete()


async def note_push_failure(push: SeriesPush, error: str) -> None:
    await PushRow.filter(group_id=push.group_id).update(
        attempts=F("attempts") + 1, last_error=error[:2000]
    )


async def groups_by_source(centre_id: str, refs: Sequence[str]) -> dict[str, Group]:
    """A centre's imported groups by the source's slug or id."""
    if not refs:
        return {}
    rows = await GroupRow.filter(centre_id=centre_id, source_ref__in=list(refs))
    return {row.source_ref: _group(row) for row in rows if row.source_ref is not None}


async def all_groups() -> list[Group]:
    """Every group, by id (feeds, and the brute-force reference of the benchmark)."""
    return [_group(row) for row in await GroupRow.all().order_by("id")]


async def all_centres() -> list[Centre]:
    return [_centre(row) for row in await CentreRow.all().order_by("id")]


async def insert_missing(
    centres: Iterable[Centre], supporters: Iterable[Supporter], groups: Iterable[Group]
) -> dict[str, int]:
    """Bulk-insert the records whose ids are not stored yet (one chunk of a large seed); returns
    how many of each were inserted. Stored records are left as they are. Groups go in as plain
    rows: a hundred thousand ORM objects would take most of a seed's minute."""
    inserted: dict[str, int] = {}
    batches: list[tuple[str, Any, list[Any]]] = [
        ("centres", CentreRow, [_centre_row(c) for c in centres]),
        ("supporters", SupporterRow, [_supporter_row(s) for s in supporters]),
    ]
    group_list = list(groups)
    async with in_transaction(CONNECTION) as connection:
        for name, model, rows in batches:
            ids = [row.id for row in rows]
            stored = set(
                await model.filter(id__in=ids).using_db(connection).values_list("id", flat=True)
            )
            fresh = [row for row in rows if row.id not in stored]
            if fresh:
                await model.bulk_create(fresh, using_db=connection)
            inserted[name] = len(fresh)
        stored = await _stored_ids(connection, [g.id for g in group_list])
        fresh_groups = [g for g in group_list if g.id not in stored]
        await bulk_insert(
            connection, _GROUPS, _GROUP_COLUMNS, [_group_values(g) for g in fresh_groups]
        )
        inserted["groups"] = len(fresh_groups)
    return inserted


async def _stored_ids(connection: BaseDBAsyncClient, ids: Sequence[str]) -> set[str]:
    """Which of ``ids`` name a stored group. On PostgreSQL one array parameter: a thousand
    ``IN`` parameters made the server plan each chunk's check for longer than its insert."""
    if not ids:
        return set()
    if connection.capabilities.dialect == "sqlite":
        marks = ", ".join("?" for _ in ids)
        _, rows = await connection.execute_query(
            f"SELECT id FROM {_GROUPS} WHERE id IN ({marks})", list(ids)
        )
    else:
        _, rows = await connection.execute_query(
            f"SELECT id FROM {_GROUPS} WHERE id = ANY($1::text[])", [list(ids)]
        )
    return {str(row["id"]) for row in rows}


# Columns of a group row in insert order, with the fields whose values need converting (JSON).
_GROUP_COLUMNS = ("id", "centre_id", "facilitator_id", *(n for n, _ in _GROUP_FIELDS if n != "id"))
_GROUP_JSON = {name: field for name, field in _GROUP_FIELDS if isinstance(field, fields.JSONField)}


def _group_values(group: Group) -> list[Any]:
    values = _group_fields(group)
    values["id"] = group.id
    values.setdefault("updated_at", None)
    for name, field in _GROUP_JSON.items():
        values[name] = field.to_db_value(values[name], GroupRow)
    return [values[column] for column in _GROUP_COLUMNS]


def _centre_row(centre: Centre) -> CentreRow:
    location = centre.location
    return CentreRow(
        id=centre.id,
        name=centre.name,
        city=centre.city,
        line1=centre.address.line1,
        postcode=centre.address.postcode,
        lat=location.lat if location else None,
        lng=location.lng if location else None,
        phone=centre.phone,
        website=centre.website,
        languages=list(centre.languages),
        is_partner=centre.is_partner,
    )


def _supporter_row(supporter: Supporter) -> SupporterRow:
    return SupporterRow(
        id=supporter.id,
        centre_id=supporter.centre_id,
        display_name=supporter.display_name,
        trained_in=list(supporter.trained_in),
    )


async def count_rows() -> dict[str, int]:
    """How many centres, supporters and groups are stored (for seeding reports and tests)."""
    return {
        "centres": await CentreRow.all().count(),
        "supporters": await SupporterRow.all().count(),
        "groups": await GroupRow.all().count(),
    }
