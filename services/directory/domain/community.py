"""Community programmes with partner organisations, navigation resources, and centres by kind.

A programme is public like the groups it is made of (the COMMUNITY_PROGRAMME groups of one
centre); its groups are found in ``nearbyGroups`` with ``kinds: [COMMUNITY_PROGRAMME]``.
Navigation resources are answered like the crisis lines: the national ones (kept in code, so
they answer even when the database is down) always, then those centres list for the city, each
filtered by language when one is asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from saathi.errors import BadUserInput, Forbidden
from saathi.ids import new_id
from saathi.languages import is_language
from saathi.service.connections import Page, decode_cursor, encode_cursor, page_of
from saathi.tokens import Principal
from services.directory import repository as listing
from services.directory.domain import centres as centre_list
from services.directory.domain import cursors, lookups
from services.directory.domain.records import (
    Centre,
    CentreKind,
    PartnerKind,
    ProgrammeRecord,
    Resource,
    ResourceCategory,
)
from services.directory.repository import community as community_repository
from services.directory.repository import practice as practice_repository

NATIONAL_RESOURCES = (
    Resource(
        name="National Legal Services Authority (NALSA) legal aid helpline",
        description="Free legal aid and advice for anyone who cannot afford a lawyer, people "
        "with mental illness included; ask for the District Legal Services Authority.",
        category=ResourceCategory.LEGAL_AID,
        languages=("en", "hi"),
        phone="15100",
        website="https://nalsa.gov.in",
    ),
    Resource(
        name="Your rights under the Mental Healthcare Act 2017",
        description="Every person has the right to affordable mental healthcare, to make an "
        "advance directive, to name a nominated representative, to confidentiality and to "
        "live with dignity; complaints go to the State Mental Health Authority.",
        category=ResourceCategory.MENTAL_HEALTHCARE_RIGHTS,
        languages=("en", "hi"),
        website="https://www.indiacode.nic.in/handle/123456789/2249",
    ),
    Resource(
        name="National toll-free de-addiction helpline",
        description="Free counselling and referral to de-addiction centres, from the Ministry "
        "of Social Justice and Empowerment.",
        category=ResourceCategory.DE_ADDICTION_HELPLINE,
        languages=("en", "hi"),
        phone="14446",
    ),
    Resource(
        name="Nasha Mukt Bharat Abhiyaan",
        description="The national campaign against substance use: awareness, counselling and "
        "treatment through district de-addiction centres.",
        category=ResourceCategory.GOVERNMENT_SCHEME,
        languages=("en", "hi"),
        website="https://nmba.dosje.gov.in",
    ),
)

MAX_TEXT = 2000


def _text(value: str | None, name: str, low: int, high: int) -> str:
    text = (value or "").strip()
    if not low <= len(text) <= high:
        raise BadUserInput(f"{name} must be {low} to {high} characters, got {len(text)}.")
    return text


def _own(principal: Principal, centre_id: str) -> None:
    if principal.centre_id != centre_id:
        raise Forbidden("You may only manage your own centre.")


async def _centre(centre_id: str) -> Centre:
    centre = (await listing.centres_by_ids([centre_id])).get(centre_id)
    return lookups.found(centre, "centre", centre_id)


# --- programmes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewProgramme:
    centre_id: str
    name: str
    description: str
    partner_name: str
    partner_kind: PartnerKind
    audience: tuple[str, ...]
    group_ids: tuple[str, ...]


async def create_programme(principal: Principal, given: NewProgramme) -> ProgrammeRecord:
    """A programme of the admin's centre; its groups must be that centre's COMMUNITY_PROGRAMME
    groups not yet in another programme."""
    _own(principal, given.centre_id)
    await _centre(given.centre_id)
    name = _text(given.name, "name", 3, 200)
    partner = _text(given.partner_name, "partnerOrganisation", 2, 200)
    description = (given.description or "").strip()[:MAX_TEXT]
    group_ids = tuple(dict.fromkeys(given.group_ids))
    groups = await listing.groups_by_ids(list(group_ids))
    for group_id in group_ids:
        group = groups.get(group_id)
        if group is None or group.centre_id != given.centre_id:
            raise BadUserInput(f"groupIds: your centre holds no group with the id {group_id!r}.")
        if group.kind != "COMMUNITY_PROGRAMME":
            raise BadUserInput(f"groupIds: {group_id!r} is not a COMMUNITY_PROGRAMME group.")
    taken = await community_repository.grouped(group_ids)
    if taken:
        raise BadUserInput(f"groupIds: {sorted(taken)[0]!r} is already in a programme.")
    record = ProgrammeRecord(
        new_id("prg"),
        given.centre_id,
        name,
        description,
        partner,
        given.partner_kind,
        given.audience,
        group_ids,
    )
    await save_programme(record)
    return record


async def save_programme(record: ProgrammeRecord) -> None:
    await community_repository.save_programme(record, datetime.now(UTC))


async def programmes_by_ids(ids: Sequence[str]) -> dict[str, ProgrammeRecord]:
    return await community_repository.programmes_by_ids(ids)


async def programme_of_groups(group_ids: Sequence[str]) -> dict[str, str]:
    """``{group id: programme id}`` of the groups in a programme."""
    return await community_repository.programme_of_groups(group_ids)


async def programmes_of_groups(group_ids: Sequence[str]) -> dict[str, ProgrammeRecord]:
    """``{group id: its programme}`` for the groups in a programme, in one pass whatever their
    number (a request's loader: ``PeerGroup.programme``)."""
    programme_ids = await programme_of_groups(group_ids)
    if not programme_ids:
        return {}
    found = await programmes_by_ids(sorted(set(programme_ids.values())))
    return {g: found[p] for g, p in programme_ids.items() if p in found}


@dataclass(frozen=True)
class ProgrammeEdge:
    cursor: str
    programme: ProgrammeRecord


async def programmes(
    centre_id: str | None, city: str | None, first: int | None, after: str | None
) -> Page[ProgrammeEdge]:
    """Programmes of a centre, or of every centre in a city (any case), by name then id, one
    page at a time."""
    size = cursors.check_first(first)
    key = decode_cursor(after, "programme", (str, str)) if after is not None else None
    centres = None
    if city:
        centres = [
            c.id for c in await listing.all_centres() if c.city.casefold() == city.casefold()
        ]
    ids, total = await community_repository.programme_page(
        centre_id, centres, (key[0], key[1]) if key else None, size + 1
    )
    found = await programmes_by_ids(ids)
    rows = [found[i] for i in ids if i in found]
    return page_of(
        rows,
        size,
        lambda p: ProgrammeEdge(encode_cursor("programme", p.name, p.id), p),
        lambda e: e.cursor,
        total,
    )


# --- navigation resources -----------------------------------------------------------------------


@dataclass(frozen=True)
class NewResource:
    centre_id: str
    category: ResourceCategory
    name: str
    description: str
    phone: str | None
    website: str | None
    languages: tuple[str, ...]


async def add_resource(principal: Principal, given: NewResource) -> Resource:
    _own(principal, given.centre_id)
    centre = await _centre(given.centre_id)
    for code in given.languages:
        if not is_language(code):
            raise BadUserInput(f"languages: {code!r} is not an ISO 639-1 code (en, hi, mr, ...).")
    website = (given.website or "").strip() or None
    if website is not None and (not website.startswith("https://") or len(website) > 300):
        raise BadUserInput("website must be an https:// address of at most 300 characters.")
    resource = Resource(
        name=_text(given.name, "name", 3, 200),
        description=_text(given.description, "description", 10, MAX_TEXT),
        category=given.category,
        languages=tuple(dict.fromkeys(given.languages)) or centre.languages,
        phone=(given.phone or "").strip()[:40] or None,
        website=website,
        city=centre.city,
        centre_id=centre.id,
    )
    await community_repository.add_resource(new_id("nav"), resource)
    return resource


async def navigation_resources(
    city: str | None, language: str | None, category: ResourceCategory | None
) -> list[Resource]:
    """The national resources always, then those listed for ``city``; of ``language`` and
    ``category`` when given."""
    wanted_city = (city or "").strip()
    local: list[Resource] = []
    if wanted_city:
        local = await community_repository.resources_in_city(wanted_city)
    code = (language or "").strip().lower()
    return [
        r
        for r in (*NATIONAL_RESOURCES, *local)
        if (not code or code in r.languages) and (category is None or r.category is category)
    ]


# --- centres by kind ----------------------------------------------------------------------------


async def centres_of_kind(
    kind: CentreKind, city: str | None, first: int | None, after: str | None
) -> Page[centre_list.CentreEdge]:
    """Centres of ``kind`` (of ``city`` when given), by name then id, as ``domain.centres``."""
    size = cursors.check_first(first)
    key = decode_cursor(after, "centre", (str, str)) if after is not None else None
    of_kind = await practice_repository.centre_ids_of_kind(kind)
    wanted = (city or "").strip().casefold()
    rows = sorted(
        (
            c
            for c in await listing.all_centres()
            if c.id in of_kind and (not wanted or c.city.casefold() == wanted)
        ),
        key=lambda c: (c.name, c.id),
    )
    later = [c for c in rows if key is None or (c.name, c.id) > (key[0], key[1])]
    edges = [centre_list.CentreEdge(encode_cursor("centre", c.name, c.id), c) for c in later[:size]]
    return Page(edges, len(later) > size, edges[-1].cursor if edges else None, len(rows))
