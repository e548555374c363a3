"""Community programmes with partner organisations, navigation resources, and centres by kind.

A programme is public like the groups it is made of (the COMMUNITY_PROGRAMME groups of one
centre); its groups are found in ``nearbyGroups`` with ``kinds: [COMMUNITY_PROGRAMME]``.
Navigation resources are answered like the crisis lines: the national ones (kept in code, so
they answer even when the database is down) always, then those centres list for the city, each
filtered by language when one is asked for.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from saathi.errors import BadUserInput, Forbidden
from saathi.ids import new_id, storable
from saathi.languages import is_language
from saathi.service.connections import Page, decode_cursor, encode_cursor
from saathi.tokens import Principal
from services.directory import repository as listing
from services.directory.domain import centres as centre_list
from services.directory.domain import cursors, lookups
from services.directory.domain.records import Centre
from services.directory.practice import models
from services.directory.practice import repository as practice_repository
from services.directory.practice.records import CentreKind


class PartnerKind(enum.Enum):
    SCHOOL = "SCHOOL"
    COLLEGE = "COLLEGE"
    WORKPLACE = "WORKPLACE"
    COMMUNITY_GROUP = "COMMUNITY_GROUP"
    FAITH_GROUP = "FAITH_GROUP"
    OTHER = "OTHER"


class ResourceCategory(enum.Enum):
    LEGAL_AID = "LEGAL_AID"
    MENTAL_HEALTHCARE_RIGHTS = "MENTAL_HEALTHCARE_RIGHTS"
    DE_ADDICTION_HELPLINE = "DE_ADDICTION_HELPLINE"
    GOVERNMENT_SCHEME = "GOVERNMENT_SCHEME"
    OTHER = "OTHER"


@dataclass(frozen=True)
class ProgrammeRecord:
    id: str
    centre_id: str
    name: str
    description: str
    partner_name: str
    partner_kind: PartnerKind
    audience: tuple[str, ...]
    group_ids: tuple[str, ...]


@dataclass(frozen=True)
class Resource:
    name: str
    description: str
    category: ResourceCategory
    languages: tuple[str, ...]
    phone: str | None = None
    website: str | None = None
    city: str | None = None  # None: national
    centre_id: str | None = None


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
    taken = await models.ProgrammeGroup.filter(group_id__in=list(group_ids)).values_list(
        "group_id", flat=True
    )
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
    await models.Programme.update_or_create(
        id=record.id,
        defaults={
            "centre_id": record.centre_id,
            "name": record.name,
            "description": record.description,
            "partner_name": record.partner_name,
            "partner_kind": record.partner_kind.value,
            "audience": list(record.audience),
            "created_at": datetime.now(UTC),
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


async def programmes(centre_id: str | None, city: str | None) -> list[ProgrammeRecord]:
    """Programmes of a centre, or of every centre in a city (any case), by name then id."""
    query = models.Programme.all()
    if centre_id is not None:
        query = query.filter(centre_id=centre_id)
    if city:
        centres = [
            c.id for c in await listing.all_centres() if c.city.casefold() == city.casefold()
        ]
        query = query.filter(centre_id__in=centres)
    ids = await query.order_by("name", "id").values_list("id", flat=True)
    found = await programmes_by_ids([str(i) for i in ids])
    return [found[str(i)] for i in ids if str(i) in found]


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
    await models.NavigationResource.create(
        id=new_id("nav"),
        centre_id=centre.id,
        city=centre.city,
        category=resource.category.value,
        name=resource.name,
        description=resource.description,
        phone=resource.phone,
        website=resource.website,
        languages=list(resource.languages),
    )
    return resource


async def navigation_resources(
    city: str | None, language: str | None, category: ResourceCategory | None
) -> list[Resource]:
    """The national resources always, then those listed for ``city``; of ``language`` and
    ``category`` when given."""
    wanted_city = (city or "").strip()
    local: list[Resource] = []
    if wanted_city:
        rows = await models.NavigationResource.filter(city__iexact=wanted_city).order_by(
            "name", "id"
        )
        local = [
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
