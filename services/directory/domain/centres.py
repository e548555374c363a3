"""The list of centres, by name then id, one page at a time."""

from __future__ import annotations

from dataclasses import dataclass

from saathi.service.connections import Page, decode_cursor, encode_cursor
from services.directory import repository
from services.directory.domain.cursors import check_first
from services.directory.domain.records import Centre


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
    return Page(edges, len(rows) > size, edges[-1].cursor if edges else None, total_count=total)
