"""The practice mutations and staff queries: who may, what is checked, what is stored.

Staff act on their own centre alone. Supporters and centres are public (a group names its
facilitator), so another centre's supporter is ``Forbidden``, not hidden; an id that names no
supporter is ``NotFound``. The roles are checked on each field; the centre here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from saathi.errors import BadUserInput, ErrorCode, Forbidden, NotFound, SaathiError
from saathi.ids import new_id
from saathi.keystore import KeyStore
from saathi.languages import is_language
from saathi.peers import Peers, PeerUnavailable
from saathi.service.connections import Page, decode_cursor, encode_cursor, page_of
from saathi.service.internal import contracts as api
from saathi.service.internal.client import call
from saathi.tokens import Principal
from services.directory import repository as listing
from services.directory.domain import practice as rules
from services.directory.domain.cursors import check_first
from services.directory.domain.records import (
    REQUIRED_TO_FACILITATE,
    Attention,
    CentreKind,
    Practice,
    Profile,
    SupervisionRecord,
    Supporter,
    TrainingModule,
)
from services.directory.repository import practice as repository

MAX_STATEMENT = 2000
MAX_NOTES = 4000
MAX_SUPERVISION_MINUTES = 480
MAX_CERTIFICATION_YEARS = 3
MAX_CODE_OF_CONDUCT = 4000


def _today() -> date:
    return datetime.now(UTC).date()


def check_own_centre(principal: Principal, centre_id: str) -> None:
    if principal.centre_id != centre_id:
        raise Forbidden("You may only manage peer supporters of your own centre.")


async def _own_supporter(principal: Principal, supporter_id: str) -> Supporter:
    supporter = (await listing.supporters_by_ids([supporter_id])).get(supporter_id)
    if supporter is None:
        raise NotFound(f"No peer supporter has the id {supporter_id!r}.")
    check_own_centre(principal, supporter.centre_id)
    return supporter


async def profile_of(supporter_id: str) -> Profile:
    found = (await repository.profiles([supporter_id])).get(supporter_id)
    if found is None:
        raise NotFound(f"No peer supporter has the id {supporter_id!r}.")
    return found


def _languages(values: Sequence[str]) -> tuple[str, ...]:
    codes = tuple(dict.fromkeys(v.strip().lower() for v in values))
    for code in codes:
        if not is_language(code):
            raise BadUserInput(f"languages: {code!r} is not an ISO 639-1 code (en, hi, mr, ...).")
    return codes


def _text(value: str | None, name: str, limit: int) -> str | None:
    if value is None or not value.strip():
        return None
    if len(value) > limit:
        raise BadUserInput(f"{name} must be at most {limit} characters, got {len(value)}.")
    return value.strip()


@dataclass(frozen=True)
class NewSupporter:
    centre_id: str
    display_name: str
    languages: tuple[str, ...]
    lived_experience: str | None


async def add_supporter(principal: Principal, given: NewSupporter, keys: KeyStore) -> Profile:
    """A new peer supporter of the admin's centre; their statement sealed under their key."""
    check_own_centre(principal, given.centre_id)
    if not (await listing.centres_by_ids([given.centre_id])).get(given.centre_id):
        raise NotFound(f"No centre has the id {given.centre_id!r}.")
    name = given.display_name.strip()
    if not 2 <= len(name) <= 100:
        raise BadUserInput(f"displayName must be 2 to 100 characters, got {len(name)}.")
    languages = _languages(given.languages)
    statement = _text(given.lived_experience, "livedExperience", MAX_STATEMENT)
    supporter_id = new_id("sup")
    await listing.save_supporter(Supporter(supporter_id, given.centre_id, name, ()))
    sealed = (
        rules.seal_for(keys, supporter_id, rules.STATEMENT_FIELD, statement) if statement else None
    )
    await repository.save_profile(
        supporter_id, given.centre_id, languages=languages, statement_sealed=sealed
    )
    return await profile_of(supporter_id)


async def record_training(
    principal: Principal, supporter_id: str, module: TrainingModule, completed_on: date
) -> Profile:
    supporter = await _own_supporter(principal, supporter_id)
    if completed_on > _today():
        raise BadUserInput("completedOn cannot be in the future.")
    await repository.save_profile(supporter.id, supporter.centre_id)
    await repository.record_training(supporter.id, module, completed_on, module.label)
    return await profile_of(supporter.id)


async def certify(principal: Principal, supporter_id: str, valid_until: date) -> Profile:
    """Certify from today until ``valid_until``; only with the training facilitation needs."""
    supporter = await _own_supporter(principal, supporter_id)
    today = _today()
    if not today <= valid_until <= today + timedelta(days=366 * MAX_CERTIFICATION_YEARS):
        raise BadUserInput(
            f"validUntil must be from today to {MAX_CERTIFICATION_YEARS} years ahead."
        )
    profile = await profile_of(supporter.id)
    missing = [m.label for m in REQUIRED_TO_FACILITATE if not profile.completed(m, today)]
    if missing:
        raise BadUserInput(
            f"{supporter.display_name} cannot be certified before completing "
            f"{' and '.join(missing)} training."
        )
    await repository.save_profile(supporter.id, supporter.centre_id, certified=(today, valid_until))
    return await profile_of(supporter.id)


@dataclass(frozen=True)
class NewSupervision:
    supporter_id: str
    held_on: date
    minutes: int
    notes: str | None


async def record_supervision(
    principal: Principal, given: NewSupervision, keys: KeyStore
) -> SupervisionRecord:
    """A supervision by the calling supervisor, who becomes the supporter's supervisor; the
    notes sealed under the supporter's key."""
    supporter = await _own_supporter(principal, given.supporter_id)
    if given.held_on > _today():
        raise BadUserInput("heldOn cannot be in the future.")
    if not 1 <= given.minutes <= MAX_SUPERVISION_MINUTES:
        raise BadUserInput(
            f"minutes must be between 1 and {MAX_SUPERVISION_MINUTES}, got {given.minutes}."
        )
    notes = _text(given.notes, "notes", MAX_NOTES)
    record = SupervisionRecord(
        id=new_id("spv"),
        supporter_id=supporter.id,
        centre_id=supporter.centre_id,
        supervisor_id=principal.subject,
        held_on=given.held_on,
        minutes=given.minutes,
        notes_sealed=rules.seal_for(keys, supporter.id, rules.NOTES_FIELD, notes)
        if notes
        else None,
    )
    await repository.add_supervision(record, datetime.now(UTC))
    return record


@dataclass(frozen=True)
class SupporterEdge:
    cursor: str
    profile: Profile


@dataclass(frozen=True)
class AttentionEdge:
    cursor: str
    attention: Attention


def _after(named: list[tuple[str, str]], kind: str, after: str | None) -> list[tuple[str, str]]:
    """``(id, name)`` pairs, by name then id (compared here, whatever the database's collation),
    after the cursor ``after`` of list ``kind``."""
    ordered = sorted(named, key=lambda pair: (pair[1], pair[0]))
    if after is None:
        return ordered
    name, supporter_id = decode_cursor(after, kind, (str, str))
    return [(i, n) for i, n in ordered if (n, i) > (name, supporter_id)]


async def centre_profiles(
    principal: Principal, centre_id: str, first: int | None, after: str | None
) -> Page[SupporterEdge]:
    """The supporters of the caller's own centre, by name then id, one page at a time."""
    check_own_centre(principal, centre_id)
    size = check_first(first)
    named = await repository.supporters_of_centre(centre_id)
    rows = _after(named, "supporter", after)[: size + 1]
    found = await repository.profiles([i for i, _ in rows])
    return page_of(
        [(found[i], n) for i, n in rows if i in found],
        size,
        lambda row: SupporterEdge(encode_cursor("supporter", row[1], row[0].supporter_id), row[0]),
        lambda edge: edge.cursor,
        len(named),
    )


async def attention_list(centre_id: str, today: date) -> list[Attention]:
    return (await attention_lists([centre_id], today))[centre_id]


async def attention_lists(centre_ids: Sequence[str], today: date) -> dict[str, list[Attention]]:
    """The supporters needing attention of each centre, in a fixed number of queries however
    many centres there are (the weekly notice asks it for every centre)."""
    by_centre = await repository.supporter_ids_of_centres(centre_ids)
    found = await repository.profiles([i for ids in by_centre.values() for i in ids])
    practices = await repository.practices(centre_ids)
    return {
        centre_id: [
            attention
            for supporter_id in by_centre.get(centre_id, [])
            if (
                attention := rules.needing_attention(
                    found[supporter_id], practices[centre_id], today
                )
            )
        ]
        for centre_id in centre_ids
    }


async def needing_attention(
    principal: Principal, centre_id: str, first: int | None, after: str | None
) -> Page[AttentionEdge]:
    """The centre's supporters needing attention, by name then id, one page at a time."""
    check_own_centre(principal, centre_id)
    size = check_first(first)
    names = dict(await repository.supporters_of_centre(centre_id))
    every = await attention_list(centre_id, _today())
    by_id = {a.supporter_id: a for a in every}
    later = [by_id[i] for i, _ in _after([(i, names[i]) for i in by_id], "attention", after)]
    return page_of(
        later[: size + 1],
        size,
        lambda a: AttentionEdge(
            encode_cursor("attention", names[a.supporter_id], a.supporter_id), a
        ),
        lambda edge: edge.cursor,
        len(every),
    )


async def check_facilitator(supporter: Supporter, on: date) -> None:
    """``BadUserInput`` unless ``supporter`` may facilitate a session on ``on``."""
    profile = (await repository.profiles([supporter.id])).get(supporter.id)
    rules.check_facilitator(supporter, profile, on)


# --- centres' practice --------------------------------------------------------------------------


@dataclass(frozen=True)
class PracticeChange:
    kind: CentreKind | None = None
    code_of_conduct: str | None = None
    supervision_interval_days: int | None = None


async def practice_of(centre_id: str) -> Practice:
    return (await repository.practices([centre_id]))[centre_id]


async def update_practice(principal: Principal, centre_id: str, change: PracticeChange) -> Practice:
    if principal.centre_id != centre_id:
        raise Forbidden("You may only manage your own centre.")
    if not (await listing.centres_by_ids([centre_id])).get(centre_id):
        raise NotFound(f"No centre has the id {centre_id!r}.")
    stored = await practice_of(centre_id)
    interval = change.supervision_interval_days
    if interval is not None and not 7 <= interval <= 180:
        raise BadUserInput(f"supervisionIntervalDays must be between 7 and 180, got {interval}.")
    code = _text(change.code_of_conduct, "codeOfConduct", MAX_CODE_OF_CONDUCT)
    updated = Practice(
        centre_id,
        change.kind or stored.kind,
        code if change.code_of_conduct is not None else stored.code_of_conduct,
        interval or stored.supervision_interval_days,
    )
    await repository.save_practice(updated)
    return updated


def code_of_conduct(practice: Practice) -> str:
    return practice.code_of_conduct or rules.DEFAULT_CODE_OF_CONDUCT


async def set_residents_only(
    principal: Principal, group_id: str, residents_only: bool, peers: Peers
) -> bool:
    """Keep a residential centre's group for its residents (or open it again). Sessions is told
    first, so that a group the directory hides is never bookable by the public meanwhile."""
    group = (await listing.groups_by_ids([group_id])).get(group_id)
    if group is None:
        raise NotFound(f"No group has the id {group_id!r}.")
    if principal.centre_id != group.centre_id:
        raise Forbidden("You may only manage groups of your own centre.")
    practice = await practice_of(group.centre_id)
    if residents_only and practice.kind is not CentreKind.RESIDENTIAL:
        raise BadUserInput("Only a RESIDENTIAL centre keeps groups for its residents.")
    request = api.ResidentsOnlyRequest(
        group_id=group.id, centre_id=group.centre_id, residents_only=residents_only
    )
    try:
        await call(peers, api.RESIDENTS_ONLY, request)
    except PeerUnavailable as error:
        raise SessionsUnavailable("Bookings cannot be told right now; try again.") from error
    await repository.set_residents_only(group.id, group.centre_id, residents_only)
    return residents_only


class SessionsUnavailable(SaathiError):
    code = ErrorCode.SUBGRAPH_UNAVAILABLE


async def practices(centre_ids: Sequence[str]) -> dict[str, Practice]:
    """Each centre's practice (the defaults for a centre without a row): a request's loader."""
    return await repository.practices(centre_ids)


async def supervisions(supporter_id: str) -> list[SupervisionRecord]:
    """The supporter's supervision sessions (notes sealed), as the repository orders them."""
    return await repository.supervisions(supporter_id)
