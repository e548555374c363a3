"""Accounts made by operators, for the command line: participants, staff, partners, tokens.

``saathi participant add``, ``saathi staff add``, ``saathi staff link``/``unlink``, ``saathi
partner add`` and ``saathi token`` call these with the consent database open. A participant made
here has no contact, so signs in only with a token an operator issues; their name is sealed under
a data key of their own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    PublicFormat,
    load_pem_public_key,
)

from saathi.errors import BadUserInput, NotFound
from saathi.ids import is_id, new_id
from saathi.keys import SigningKey
from saathi.keystore import KeyStore
from saathi.service.clock import Clock, system_clock
from saathi.settings import Settings
from saathi.tokens import Role, mint_access_token
from services.consent import repository
from services.consent.domain.personal import DISPLAY_NAME_FIELD, seal_text
from services.consent.domain.records import StaffRecord
from services.consent.repository import partners

MAX_NAME_LENGTH = 100


def _names(names: list[str]) -> list[str]:
    cleaned = [name.strip() for name in names]
    if not cleaned:
        raise BadUserInput("Give at least one name.")
    for name in cleaned:
        if not name or len(name) > MAX_NAME_LENGTH:
            raise BadUserInput(f"A name must have 1 to {MAX_NAME_LENGTH} characters.")
    return cleaned


async def add_participants(
    names: list[str], keys: KeyStore, clock: Clock = system_clock
) -> list[str]:
    """New participants with these display names; their ids, in order."""
    now = clock()
    ids = []
    async with repository.transaction():
        for name in _names(names):
            participant_id = new_id("par")
            key = keys.create(participant_id)
            record = await repository.add_participant(
                participant_id=participant_id,
                display_name_sealed=seal_text(key, participant_id, DISPLAY_NAME_FIELD, name),
                home_city_sealed=None,
                preferred_language=None,
                contact_index=None,
                contact_sealed=None,
                now=now,
            )
            ids.append(record.id)
    return ids


async def add_staff(
    centre_id: str,
    role: Role,
    names: list[str],
    clock: Clock = system_clock,
    supporter_id: str | None = None,
) -> list[str]:
    """New staff of ``centre_id`` with ``role``; their ids (``stf_...``), in order.

    ``supporter_id`` ties the one staff member named to their peer-supporter record in the
    directory (the caller checks it is of ``centre_id``): their tokens carry it, and a
    supporter is tied to one staff member at most."""
    if not role.is_staff:
        raise BadUserInput(f"{role.value!r} is not a staff role.")
    if not is_id(centre_id, "ctr"):
        raise BadUserInput(f"{centre_id!r} is not a centre id.")
    if supporter_id is not None:
        if not is_id(supporter_id, "sup"):
            raise BadUserInput(f"{supporter_id!r} is not a peer supporter id.")
        if len(names) != 1:
            raise BadUserInput("Give exactly one name with a peer supporter id.")
        if await repository.staff_of_supporter(supporter_id) is not None:
            raise BadUserInput(f"The peer supporter {supporter_id} is already a staff member.")
    now = clock()
    ids = []
    async with repository.transaction():
        for name in _names(names):
            record = await repository.add_staff(
                staff_id=new_id("stf"),
                display_name=name,
                centre_id=centre_id,
                role=role,
                now=now,
                supporter_id=supporter_id,
            )
            ids.append(record.id)
    return ids


SupporterCentre = Callable[[str], Awaitable[str | None]]
"""The centre the directory holds a peer supporter at (``None``: no such supporter)."""


async def link_staff(
    staff_id: str, supporter_id: str, supporter_centre: SupporterCentre
) -> StaffRecord:
    """Tie an existing staff member to their peer-supporter record, with the checks of
    ``add_staff``: the directory holds that supporter at the staff member's centre, and no
    other staff member is tied to it. A staff member tied to another supporter is refused
    (unlink first); tying them again to the same one changes nothing. Tokens minted from now
    on carry the ``supporter`` claim; tokens already issued do not."""
    if not is_id(supporter_id, "sup"):
        raise BadUserInput(f"{supporter_id!r} is not a peer supporter id.")
    async with repository.transaction():
        staff = await _staff_member(staff_id)
        if staff.supporter_id == supporter_id:
            return staff
        if staff.supporter_id is not None:
            raise BadUserInput(
                f"The staff member {staff_id} is already tied to the peer supporter "
                f"{staff.supporter_id}; unlink them first."
            )
        if await supporter_centre(supporter_id) != staff.centre_id:
            raise BadUserInput(
                f"The centre {staff.centre_id} has no peer supporter {supporter_id}."
            )
        if await repository.staff_of_supporter(supporter_id) is not None:
            raise BadUserInput(f"The peer supporter {supporter_id} is already a staff member.")
        await repository.set_staff_supporter(staff_id, supporter_id)
    return replace(staff, supporter_id=supporter_id)


async def unlink_staff(staff_id: str) -> StaffRecord:
    """Untie a staff member from their peer-supporter record (nothing to do when they are not
    tied); the staff member as they were. Their tokens that carry the ``supporter`` claim stop
    at the next request (``login_sessions.token_is_live``): they read no mentee's goals any
    more."""
    async with repository.transaction():
        staff = await _staff_member(staff_id)
        if staff.supporter_id is not None:
            await repository.set_staff_supporter(staff_id, None)
    return staff


async def _staff_member(staff_id: str) -> StaffRecord:
    staff = await repository.staff_by_id(staff_id) if is_id(staff_id, "stf") else None
    if staff is None:
        raise NotFound(f"No staff member has the id {staff_id!r}.")
    return staff


async def add_partner(centre_id: str, public_key_pem: bytes, clock: Clock = system_clock) -> str:
    """Register a partner system of ``centre_id`` by its Ed25519 public key; its client id."""
    if not is_id(centre_id, "ctr"):
        raise BadUserInput(f"{centre_id!r} is not a centre id.")
    try:
        key = load_pem_public_key(public_key_pem)
    except ValueError:
        raise BadUserInput("The public key is not a PEM public key.") from None
    if not isinstance(key, Ed25519PublicKey):
        raise BadUserInput("The public key must be an Ed25519 key.")
    pem = key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()
    record = await partners.add_partner(
        partner_id=new_id("prt"), centre_id=centre_id, public_key_pem=pem, now=clock()
    )
    return record.id


async def token_for(
    subject_id: str, key: SigningKey, settings: Settings, clock: Clock = system_clock
) -> str:
    """An access token for an existing participant or staff member; ``NotFound`` otherwise."""
    role: Role
    centre_id: str | None = None
    supporter_id: str | None = None
    if is_id(subject_id, "par") and await repository.participant_by_id(subject_id) is not None:
        role = Role.PARTICIPANT
    elif is_id(subject_id, "stf") and (staff := await repository.staff_by_id(subject_id)):
        role, centre_id, supporter_id = staff.role, staff.centre_id, staff.supporter_id
    else:
        raise NotFound(f"No participant or staff member has the id {subject_id!r}.")
    return mint_access_token(
        key,
        subject=subject_id,
        role=role,
        centre_id=centre_id,
        supporter_id=supporter_id,
        issuer=settings.issuer,
        audience=settings.audience,
        ttl_seconds=settings.access_token_ttl,
        now=clock().timestamp(),
    )
