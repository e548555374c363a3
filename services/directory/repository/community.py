"""Every query of community programmes (with their groups) and navigation resources."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from tortoise.expressions import Q

from saathi.ids import storable
from services.directory import models
from services.directory.domain.records import (
    PartnerKind,
    ProgrammeRecord,
    Resource,
    ResourceCategory,
)


async def grouped(group_ids: Sequence[str]) -> list[str]:
    """Those of ``group_ids`` already in a programme."""
    rows = await models.ProgrammeGroup.filter(group_id__in=storable(group_ids)).values_list(
        "group_id", flat=True
    )
    return [str(row) for row in rows]


async def save_programme(record: ProgrammeRecord, now: datetime) -> None:
    await models.Programme.update_or_create(
        id=record.id,
        defaults={
            "centre_id": record.centre_id,
            "name": record.name,
            "description": record.description,
            "partner_name": record.partner_name,
            "partner_kind": record.partner_kind.value,
            "audience": list(record.audience),
            "created_at": now,
        },
    )
    for group_id in record.group_ids:
        await models.ProgrammeGroup.update_or_create(
            group_id=group_id, defaults={"programme_id": record.id}
        )


async def programmes_by_ids(ids: Sequence[str]) -> dict[str, ProgrammeRecord]:
    wanted = storable(ids)
    rows = await models.Programme.filter(id__in=wanted)
    members: dict[str, list[str]] = {}
    for link in await models.ProgrammeGroup.filter(programme_id__in=wanted).order_by("group_id"):
        members.setdefault(link.programme_id, []).append(link.group_id)
    return {
        row.id: ProgrammeRecord(
            id=row.id,
            centre_id=row.centre_id,
            name=row.name,
            description=row.description,
            partner_name=row.partner_name,
            partner_kind=PartnerKind(row.partner_kind),
            audience=tuple(row.audience),
            group_ids=tuple(members.get(row.id, ())),
        )
        for row in rows
    }


async def programme_of_groups(group_ids: Sequence[str]) -> dict[str, str]:
    rows = await models.ProgrammeGroup.filter(group_id__in=storable(group_ids))
    return {row.group_id: row.programme_id for row in rows}


async def programme_page(
    centre_id: str | None,
    centre_ids: Sequence[str] | None,
    after: tuple[str, str] | None,
    limit: int,
) -> tuple[list[str], int]:
    """Ids of up to ``limit`` programmes of ``centre_id`` (when given) among ``centre_ids`` (when
    given), by name then id, after the ``(name, id)`` key; and how many match in all."""
    query = models.Programme.all()
    if centre_id is not None:
        query = query.filter(centre_id=centre_id)
    if centre_ids is not None:
        query = query.filter(centre_id__in=storable(centre_ids))
    total = await query.count()
    if after is not None:
        query = query.filter(Q(name__gt=after[0]) | Q(name=after[0], id__gt=after[1]))
    ids = await query.order_by("name", "id").limit(limit).values_list("id", flat=True)
    return [str(i) for i in ids], total


async def add_resource(resource_id: str, resource: Resource) -> None:
    await models.NavigationResource.create(
        id=resource_id,
        centre_id=resource.centre_id,
        city=resource.city,
        category=resource.category.value,
        name=resource.name,
        description=resource.description,
        phone=resource.phone,
        website=resource.website,
        languages=list(resource.languages),
    )


async def resources_in_city(city: str) -> list[Resource]:
    """The resources centres listed for ``city`` (any case), by name then id."""
    rows = await models.NavigationResource.filter(city__iexact=city).order_by("name", "id")
    return [
        Resource(
            name=row.name,
            description=row.description,
            category=ResourceCategory(row.category),
            languages=tuple(row.languages),
            phone=row.phone,
            website=row.website,
            city=row.city,
            centre_id=row.centre_id,
        )
        for row in rows
    ]
