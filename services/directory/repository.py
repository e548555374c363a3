"""Every query the directory makes. Rows leave this module as ``records`` values, never as ORM
objects, and every function is one SQL statement (or one per record written, when seeding)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from saathi.ids import storable
from services.directory.models import Centre as CentreRow
from services.directory.models import PeerGroup as GroupRow
from services.directory.models import PeerSupporter as SupporterRow
from services.directory.models import SeriesPush as PushRow
from services.directory.records import (
    Address,
    BoundingBox,
    Centre,
    Group,
    Point,
    Schedule,
    SeriesPush,
    Supporter,
)

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


def _group(row: GroupRow) -> Group:
    has_address = row.line1 is not None or row.city is not None or row.postcode is not None
    return Group(
        id=row.id,
        centre_id=row.centre_id,  # type: ignore[attr-defined]  # tortoise adds <fk>_id
        facilitator_id=row.facilitator_id,  # type: ignore[attr-defined]
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


async def groups_in_box(
    box: BoundingBox, *, kinds: Sequence[str] = (), formats: Sequence[str] = ()
) -> list[Group]:
    """Groups whose anchor lies in ``box`` (and of ``kinds``/``formats`` when given)."""
    longitudes = Q()
    for index, (west, east) in enumerate(box.lng_ranges):
        within = Q(anchor_lng__gte=west, anchor_lng__lte=east)
        longitudes = within if index == 0 else longitudes | within
    query = GroupRow.filter(longitudes, anchor_lat__gte=box.min_lat, anchor_lat__lte=box.max_lat)
    if kinds:
        query = query.filter(kind__in=list(kinds))
    if formats:
        query = query.filter(format__in=list(formats))
    return [_group(row) for row in await query]


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
    how many of each were inserted. Stored records are left as they are."""
    inserted: dict[str, int] = {}
    batches: list[tuple[str, Any, list[Any]]] = [
        ("centres", CentreRow, [_centre_row(c) for c in centres]),
        ("supporters", SupporterRow, [_supporter_row(s) for s in supporters]),
        ("groups", GroupRow, [GroupRow(id=g.id, **_group_fields(g)) for g in groups]),
    ]
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
    return inserted


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
