"""Participants: loading them in batches, and finding or creating one by contact at sign-in."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from saathi.errors import Unauthenticated
from saathi.ids import new_id
from services.consent import repository
from services.consent.domain.deps import Deps
from services.consent.domain.personal import (
    CONTACT_FIELD,
    DISPLAY_NAME_FIELD,
    HOME_CITY_FIELD,
    contact_index,
    seal_text,
)
from services.consent.domain.records import ConsentRecord, ConsentRequestRecord, ParticipantRecord

DEFAULT_DISPLAY_NAME = "Friend"


async def load_participants(ids: Sequence[str]) -> list[ParticipantRecord | None]:
    """The participants with ``ids``, in order (``None`` for an unknown id), in one query."""
    found = await repository.participants_by_ids(ids)
    return [found.get(participant_id) for participant_id in ids]


async def load_consents(participant_ids: Sequence[str]) -> list[list[ConsentRecord]]:
    found = await repository.consents_of(participant_ids)
    return [found.get(participant_id, []) for participant_id in participant_ids]


async def load_consent_requests(
    participant_ids: Sequence[str],
) -> list[list[ConsentRequestRecord]]:
    found = await repository.consent_requests_of(participant_ids)
    return [found.get(participant_id, []) for participant_id in participant_ids]


def signed_in(record: ParticipantRecord | None) -> ParticipantRecord:
    """The signed-in participant's record; their token outlived the account when it is gone."""
    if record is None:
        raise Unauthenticated("This account no longer exists. Sign in again.")
    return record


async def create_participant(
    deps: Deps,
    *,
    participant_id: str | None = None,
    display_name: str = DEFAULT_DISPLAY_NAME,
    home_city: str | None = None,
    preferred_language: str | None = None,
    contact: str | None = None,
    now: datetime,
) -> ParticipantRecord:
    """A new participant with a data key of their own; name, city and contact are stored only
    sealed under it."""
    participant_id = participant_id or new_id("par")
    key = deps.keys.create(participant_id)
    return await repository.add_participant(
        participant_id=participant_id,
        display_name_sealed=seal_text(key, participant_id, DISPLAY_NAME_FIELD, display_name),
        home_city_sealed=None
        if home_city is None
        else seal_text(key, participant_id, HOME_CITY_FIELD, home_city),
        preferred_language=preferred_language,
        contact_index=None if contact is None else contact_index(deps.master_key, contact),
        contact_sealed=None
        if contact is None
        else seal_text(key, participant_id, CONTACT_FIELD, contact),
        now=now,
    )


async def find_or_create_by_contact(deps: Deps, contact: str, now: datetime) -> ParticipantRecord:
    """The participant whose normalised contact is ``contact``; a new one on first sign-in."""
    found = await repository.participant_by_contact_index(contact_index(deps.master_key, contact))
    if found is not None:
        return found
    return await create_participant(deps, contact=contact, now=now)
