"""Every ORM query of the consent service; it returns ``records`` and takes plain values.

Writes that must not race (spending a login code or a refresh token, counting an attempt) are
single conditional ``UPDATE`` statements whose row count says whether this caller won.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import datetime, timedelta

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from saathi import database
from saathi.consent_terms import ConsentPurpose, DataCategory
from saathi.ids import storable
from saathi.tokens import Role
from services.consent import models
from services.consent.domain.records import (
    ConsentRecord,
    ConsentRequestRecord,
    ConsentRequestStatus,
    ErasureCounts,
    LoginCodeRecord,
    ParticipantRecord,
    RateEventRecord,
    RefreshTokenRecord,
    StaffRecord,
)

CONNECTION = "consent"


@asynccontextmanager
async def transaction() -> AsyncIterator[None]:
    """Run the enclosed queries in one transaction on this service's connection."""
    async with in_transaction(CONNECTION):
        yield


# Participants and staff


def _participant(row: models.Participant) -> ParticipantRecord:
    return ParticipantRecord(
        id=row.id,
        display_name_sealed=row.display_name_sealed,
        home_city_sealed=row.home_city_sealed,
        preferred_language=row.preferred_language,
        contact_sealed=row.contact_sealed,
    )


async def participants_by_ids(ids: Iterable[str]) -> dict[str, ParticipantRecord]:
    rows = await models.Participant.filter(id__in=storable(ids))
    return {row.id: _participant(row) for row in rows}


async def participant_by_id(participant_id: str) -> ParticipantRecord | None:
    row = await models.Participant.get_or_none(id=participant_id)
    return None if row is None else _participant(row)


async def participant_by_contact_index(contact_index: str) -> ParticipantRecord | None:
    row = await models.Participant.get_or_none(contact_index=contact_index)
    return None if row is None else _participant(row)


async def add_participant(
    *,
    participant_id: str,
    display_name_sealed: bytes,
    home_city_sealed: bytes | None,
    preferred_language: str | None,
    contact_index: str | None,
    contact_sealed: bytes | None,
    now: datetime,
) -> ParticipantRecord:
    row = await models.Participant.create(
        id=participant_id,
        display_name_sealed=display_name_sealed,
        home_city_sealed=home_city_sealed,
        preferred_language=preferred_language,
        contact_index=contact_index,
        contact_sealed=contact_sealed,
        created_at=now,
    )
    return _participant(row)


def _staff(row: models.Staff) -> StaffRecord:
    return StaffRecord(
        id=row.id,
        display_name=row.display_name,
        centre_id=row.centre_id,
        role=Role(row.role),
        supporter_id=row.supporter_id,
    )


async def staff_by_id(staff_id: str) -> StaffRecord | None:
    row = await models.Staff.get_or_none(id=staff_id)
    return None if row is None else _staff(row)


async def add_staff(
    *,
    staff_id: str,
    display_name: str,
    centre_id: str,
    role: Role,
    now: datetime,
    supporter_id: str | None = None,
) -> StaffRecord:
    row = await models.Staff.create(
        id=staff_id,
        display_name=display_name,
        centre_id=centre_id,
        role=role.value,
        created_at=now,
        supporter_id=supporter_id,
    )
    return _staff(row)


async def staff_of_supporter(supporter_id: str) -> StaffRecord | None:
    row = await models.Staff.get_or_none(supporter_id=supporter_id)
    return None if row is None else _staff(row)


async def set_staff_supporter(staff_id: str, supporter_id: str | None) -> None:
    """Tie a staff member to a peer-supporter record, or untie them (``None``); the column is
    unique, so two staff members can never hold the same supporter."""
    await models.Staff.filter(id=staff_id).update(supporter_id=supporter_id)


# Login codes


async def supersede_login_codes(contact_index: str, now: datetime) -> None:
    """Spend every live code of a contact, so that only the newest one can be used."""
    await models.LoginCode.filter(contact_index=contact_index, spent_at=None).update(spent_at=now)


async def add_login_code(
    *, contact_index: str, digest: str, now: datetime, expires_at: datetime
) -> None:
    await models.LoginCode.create(
        contact_index=contact_index, code_digest=digest, created_at=now, expires_at=expires_at
    )


async def live_login_code(
    contact_index: str, now: datetime, max_attempts: int
) -> LoginCodeRecord | None:
    row = (
        await models.LoginCode.filter(
            contact_index=contact_index,
            spent_at=None,
            expires_at__gt=now,
            attempts__lt=max_attempts,
        )
        .order_by("-id")
        .first()
    )
    if row is None:
        return None
    return LoginCodeRecord(
        id=row.id, digest=row.code_digest, attempts=row.attempts, expires_at=row.expires_at
    )


async def claim_login_attempt(code_id: int, now: datetime, max_attempts: int) -> bool:
    """Count one try against a live code; ``False`` when the code is spent, expired or used up."""
    updated = await models.LoginCode.filter(
        id=code_id, spent_at=None, expires_at__gt=now, attempts__lt=max_attempts
    ).update(attempts=F("attempts") + 1)
    return updated == 1


async def spend_login_code(code_id: int, now: datetime) -> bool:
    updated = await models.LoginCode.filter(id=code_id, spent_at=None).update(spent_at=now)
    return updated == 1


# Sign-in lockouts


async def login_locked_until(bucket: str) -> datetime | None:
    row = await models.LoginLock.get_or_none(bucket=bucket)
    return None if row is None else row.locked_until


async def count_login_failure(bucket: str) -> int:
    """Count one wrong code against the bucket; the failures counted since the last lockout."""
    await models.LoginLock.get_or_create(bucket=bucket)
    await models.LoginLock.filter(bucket=bucket).update(failures=F("failures") + 1)
    row = await models.LoginLock.get(bucket=bucket)
    return row.failures


async def lock_login(bucket: str, threshold: int, lockouts: Sequence[int], now: datetime) -> int:
    """Turn ``threshold`` failures into the next lockout; its seconds (0: another caller did)."""
    row = await models.LoginLock.get(bucket=bucket)
    seconds = lockouts[min(row.lockouts, len(lockouts) - 1)]
    updated = await models.LoginLock.filter(
        bucket=bucket, failures__gte=threshold, lockouts=row.lockouts
    ).update(
        failures=0,
        lockouts=F("lockouts") + 1,
        locked_until=now + timedelta(seconds=seconds),
    )
    return seconds if updated == 1 else 0


async def clear_login_failures(bucket: str) -> None:
    await models.LoginLock.filter(bucket=bucket).delete()


# Refresh tokens


async def add_refresh_token(
    *, family_id: str, participant_id: str, digest: str, now: datetime, expires_at: datetime
) -> None:
    await models.RefreshToken.create(
        family_id=family_id,
        participant_id=participant_id,
        digest=digest,
        created_at=now,
        expires_at=expires_at,
    )


async def refresh_token_by_digest(digest: str) -> RefreshTokenRecord | None:
    row = await models.RefreshToken.get_or_none(digest=digest)
    if row is None:
        return None
    return RefreshTokenRecord(
        id=row.id,
        family_id=row.family_id,
        participant_id=row.participant_id,
        expires_at=row.expires_at,
        spent_at=row.spent_at,
        revoked_at=row.revoked_at,
    )


async def spend_refresh_token(token_id: int, now: datetime) -> bool:
    updated = await models.RefreshToken.filter(id=token_id, spent_at=None, revoked_at=None).update(
        spent_at=now
    )
    return updated == 1


async def revoke_refresh_family(family_id: str, now: datetime) -> None:
    await models.RefreshToken.filter(family_id=family_id, revoked_at=None).update(revoked_at=now)


async def revoke_refresh_families_of(participant_id: str, now: datetime) -> None:
    await models.RefreshToken.filter(participant_id=participant_id, revoked_at=None).update(
        revoked_at=now
    )


async def refresh_family_live(family_id: str, participant_id: str) -> bool:
    """Whether the family still has a token that was not revoked (one indexed lookup)."""
    return await models.RefreshToken.filter(
        family_id=family_id, participant_id=participant_id, revoked_at=None
    ).exists()


async def participant_exists(participant_id: str) -> bool:
    return await models.Participant.filter(id=participant_id).exists()


# Rate limit events


async def prune_rate_events(before: datetime) -> None:
    await models.RateEvent.filter(at__lt=before).delete()


async def add_rate_event(bucket: str, at: datetime) -> int:
    row = await models.RateEvent.create(bucket=bucket, at=at)
    return row.id


async def rate_events(bucket: str, since: datetime) -> list[RateEventRecord]:
    rows = await models.RateEvent.filter(bucket=bucket, at__gt=since).order_by("at", "id")
    return [RateEventRecord(id=row.id, at=row.at) for row in rows]


async def delete_rate_events(ids: Sequence[int]) -> None:
    await models.RateEvent.filter(id__in=list(ids)).delete()


# Consents and consent requests


def _categories(raw: object) -> tuple[DataCategory, ...]:
    assert isinstance(raw, list)
    return tuple(DataCategory(value) for value in raw)


def _consent(row: models.Consent) -> ConsentRecord:
    return ConsentRecord(
        id=row.id,
        participant_id=row.participant_id,
        grantee_centre_id=row.grantee_centre_id,
        categories=_categories(row.categories),
        purpose=ConsentPurpose(row.purpose),
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        revoked_at=row.revoked_at,
        receipt=row.receipt,
    )


def _consent_request(row: models.ConsentRequest) -> ConsentRequestRecord:
    return ConsentRequestRecord(
        id=row.id,
        participant_id=row.participant_id,
        requester_centre_id=row.requester_centre_id,
        categories=_categories(row.categories),
        purpose=ConsentPurpose(row.purpose),
        requested_until=row.requested_until,
        reason_sealed=row.reason_sealed,
        status=ConsentRequestStatus(row.status),
    )


async def consents_of(participant_ids: Sequence[str]) -> dict[str, list[ConsentRecord]]:
    """Every consent of each participant, newest first, in one query."""
    found: dict[str, list[ConsentRecord]] = defaultdict(list)
    rows = await models.Consent.filter(participant_id__in=list(participant_ids)).order_by(
        "-valid_from", "-id"
    )
    for row in rows:
        found[row.participant_id].append(_consent(row))
    return found


async def consent_requests_of(
    participant_ids: Sequence[str],
) -> dict[str, list[ConsentRequestRecord]]:
    """Every consent request to each participant, newest first, in one query."""
    found: dict[str, list[ConsentRequestRecord]] = defaultdict(list)
    rows = await models.ConsentRequest.filter(participant_id__in=list(participant_ids)).order_by(
        "-created_at", "-id"
    )
    for row in rows:
        found[row.participant_id].append(_consent_request(row))
    return found


async def consent_request_times(
    since: datetime, *, participant_id: str | None = None, centre_id: str | None = None
) -> list[datetime]:
    """When consent requests were made since ``since``, to a participant and/or by a centre."""
    query = models.ConsentRequest.filter(created_at__gt=since)
    if participant_id is not None:
        query = query.filter(participant_id=participant_id)
    if centre_id is not None:
        query = query.filter(requester_centre_id=centre_id)
    return [row.created_at for row in await query.only("id", "created_at")]


async def consent_request_exists(request_id: str) -> bool:
    return await models.ConsentRequest.filter(id=request_id).exists()


async def add_consent(record: ConsentRecord, now: datetime) -> None:
    await models.Consent.create(
        id=record.id,
        participant_id=record.participant_id,
        grantee_centre_id=record.grantee_centre_id,
        categories=[category.value for category in record.categories],
        purpose=record.purpose.value,
        valid_from=record.valid_from,
        valid_until=record.valid_until,
        revoked_at=record.revoked_at,
        receipt=record.receipt,
        created_at=now,
    )


async def add_consent_request(record: ConsentRequestRecord, now: datetime) -> None:
    await models.ConsentRequest.create(
        id=record.id,
        participant_id=record.participant_id,
        requester_centre_id=record.requester_centre_id,
        categories=[category.value for category in record.categories],
        purpose=record.purpose.value,
        requested_until=record.requested_until,
        reason_sealed=record.reason_sealed,
        status=record.status.value,
        created_at=now,
    )


async def consent_by_id(consent_id: str) -> ConsentRecord | None:
    row = await models.Consent.get_or_none(id=consent_id)
    return None if row is None else _consent(row)


async def last_receipt_expiry() -> datetime | None:
    """When the last consent receipt ever signed expires (its consent's ``valid_until``): a
    retired signing key stays published until then (``saathi keys rotate``)."""
    row = await models.Consent.all().order_by("-valid_until").first()
    return None if row is None else row.valid_until


async def consent_request_by_id(request_id: str) -> ConsentRequestRecord | None:
    row = await models.ConsentRequest.get_or_none(id=request_id)
    return None if row is None else _consent_request(row)


async def revoke_consent(consent_id: str, now: datetime) -> None:
    """Set ``revoked_at`` once; a second revocation keeps the first time."""
    await models.Consent.filter(id=consent_id, revoked_at=None).update(revoked_at=now)


async def answer_consent_request(request_id: str, status: ConsentRequestStatus) -> bool:
    """Move a pending request to ``status``; ``False`` when it was answered first elsewhere."""
    updated = await models.ConsentRequest.filter(
        id=request_id, status=ConsentRequestStatus.PENDING.value
    ).update(status=status.value)
    return updated == 1


async def live_consents(
    participant_ids: Sequence[str], grantee_centre_id: str, now: datetime
) -> list[ConsentRecord]:
    """Consents of ``participant_ids`` to one centre, in force at ``now``, in one query."""
    rows = await models.Consent.filter(
        participant_id__in=list(participant_ids),
        grantee_centre_id=grantee_centre_id,
        revoked_at=None,
        valid_from__lte=now,
        valid_until__gt=now,
    ).order_by("-valid_until", "id")
    return [_consent(row) for row in rows]


# Erasure


async def erase_participant(
    participant_id: str, contact_index: str | None, rate_bucket: str | None
) -> tuple[int, int]:
    """Delete every row about the participant; (consents, log entries) deleted.

    The connection overwrites what it deletes (``secure_delete``); ``scrub`` afterwards clears
    the write-ahead log. What was sealed under the participant's data key stays unreadable in
    any copy that outlives this once the key store destroys the key.
    """
    if contact_index is not None:
        await models.LoginCode.filter(contact_index=contact_index).delete()
    if rate_bucket is not None:
        await models.RateEvent.filter(bucket=rate_bucket).delete()
        await models.LoginLock.filter(bucket=rate_bucket).delete()
    await models.RefreshToken.filter(participant_id=participant_id).delete()
    consents = await models.Consent.filter(participant_id=participant_id).delete()
    await models.ConsentRequest.filter(participant_id=participant_id).delete()
    entries = await models.DataAccess.filter(participant_id=participant_id).delete()
    await models.DataAccessHead.filter(participant_id=participant_id).delete()
    await models.WellbeingCheckin.filter(participant_id=participant_id).delete()
    await models.Goal.filter(participant_id=participant_id).delete()
    await models.Participant.filter(id=participant_id).delete()
    return consents, entries


async def add_erasure(erasure_id: str, at: datetime, counts: ErasureCounts) -> None:
    await models.Erasure.create(
        id=erasure_id,
        at=at,
        bookings=counts.bookings,
        feedback=counts.feedback,
        consents=counts.consents,
        log_entries=counts.log_entries,
    )


async def scrub() -> None:
    """Leave no copy of the rows just erased in the database's write-ahead log."""
    await database.scrub(CONNECTION)


async def participant_contact_index(participant_id: str) -> str | None:
    row = await models.Participant.get_or_none(id=participant_id)
    return None if row is None else row.contact_index


async def staff_ids_of(centre_id: str, roles: Sequence[str]) -> list[str]:
    """The ids of the centre's staff holding one of ``roles``, in id order."""
    rows = await models.Staff.filter(centre_id=centre_id, role__in=list(roles)).order_by("id")
    return [row.id for row in rows]
