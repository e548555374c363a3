"""Changing consents: a participant grants, answers a request or revokes; staff ask.

Every change is checked here (who may, what is well formed) and written in one transaction.
A consent's receipt is signed once, when it is made; revocation is a live fact that the
receipt cannot carry, so readers check the consent service, never only the receipt.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from saathi.consent_terms import ConsentPurpose, DataCategory
from saathi.errors import BadUserInput, NotFound, RateLimited
from saathi.ids import is_id, new_id
from saathi.tokens import Principal
from services.consent import repository
from services.consent.domain.centres import centre_exists, has_booked_at
from services.consent.domain.consents import (
    REASON_FIELD,
    ConsentRequestView,
    requests_for,
    sign_receipt,
)
from services.consent.domain.deps import Deps
from services.consent.domain.limits import wait_seconds
from services.consent.domain.participants import signed_in
from services.consent.domain.personal import data_key_of, seal_text
from services.consent.domain.records import (
    ConsentRecord,
    ConsentRequestRecord,
    ConsentRequestStatus,
    ParticipantRecord,
)

MAX_PERIOD = timedelta(days=730)
MAX_REASON_LENGTH = 1000
# How often staff may ask: a request is a message pushed to a person in recovery, so a centre
# cannot flood them, nor send many people requests at once.
REQUEST_WINDOW = 24 * 3600
REQUESTS_PER_CENTRE = 30
REQUESTS_PER_PARTICIPANT = 3
PAIR_INTERVAL = 7 * 24 * 3600  # one request from a centre to a participant a week
NO_SUCH_PARTICIPANT = "No participant with a booking at your centre has the id {id!r}."


def _categories(categories: Sequence[DataCategory]) -> tuple[DataCategory, ...]:
    unique = tuple(dict.fromkeys(categories))
    if not unique:
        raise BadUserInput("Choose at least one category of records.")
    return unique


def _until(until: datetime, now: datetime, what: str) -> datetime:
    if until.tzinfo is None:
        raise BadUserInput(f"{what} needs a time zone offset (like 2026-01-31T00:00:00+05:30).")
    if until <= now:
        raise BadUserInput(f"{what} must be in the future.")
    if until > now + MAX_PERIOD:
        raise BadUserInput(f"{what} may be at most {MAX_PERIOD.days} days from now.")
    return until


def _centre(centre_id: str) -> str:
    if not is_id(centre_id, "ctr"):
        raise BadUserInput(f"{centre_id!r} is not a centre id.")
    return centre_id


def _new_consent(
    deps: Deps,
    *,
    participant_id: str,
    grantee_centre_id: str,
    categories: tuple[DataCategory, ...],
    purpose: ConsentPurpose,
    valid_until: datetime,
    now: datetime,
) -> ConsentRecord:
    consent_id = new_id("cns")
    receipt = sign_receipt(
        deps.signing_key,
        issuer=deps.settings.issuer,
        consent_id=consent_id,
        participant_id=participant_id,
        grantee_centre_id=grantee_centre_id,
        categories=categories,
        purpose=purpose,
        valid_from=now,
        valid_until=valid_until,
    )
    return ConsentRecord(
        id=consent_id,
        participant_id=participant_id,
        grantee_centre_id=grantee_centre_id,
        categories=categories,
        purpose=purpose,
        valid_from=now,
        valid_until=valid_until,
        revoked_at=None,
        receipt=receipt,
    )


async def grant(
    deps: Deps,
    viewer: Principal,
    *,
    grantee_centre_id: str,
    categories: Sequence[DataCategory],
    purpose: ConsentPurpose,
    valid_until: datetime,
) -> ConsentRecord:
    """The signed-in participant lets a centre read ``categories`` for ``purpose`` until then.

    The centre must exist in the directory (asked live): a consent to an id nobody holds would
    otherwise wait for whoever is given that id, and tells the participant nothing useful."""
    now = deps.clock().replace(microsecond=0)
    centre_id = _centre(grantee_centre_id)
    wanted = _categories(categories)
    until = _until(valid_until, now, "validUntil")
    if not await centre_exists(deps, centre_id):
        raise NotFound(f"No centre has the id {centre_id!r}.")
    record = _new_consent(
        deps,
        participant_id=viewer.subject,
        grantee_centre_id=centre_id,
        categories=wanted,
        purpose=purpose,
        valid_until=until,
        now=now,
    )
    async with repository.transaction():
        signed_in(await repository.participant_by_id(viewer.subject))
        await repository.add_consent(record, now)
    return record


async def revoke(deps: Deps, viewer: Principal, consent_id: str) -> ConsentRecord:
    """Revoke one of the participant's consents; revoking twice keeps the first time."""
    found = await repository.consent_by_id(consent_id)
    # Another's consent is answered as a missing one: an id is no oracle for who exists.
    if found is None or found.participant_id != viewer.subject:
        raise NotFound(f"You have no consent with the id {consent_id!r}.")
    await repository.revoke_consent(consent_id, deps.clock())
    revoked = await repository.consent_by_id(consent_id)
    assert revoked is not None
    return revoked


@dataclass(frozen=True)
class Answer:
    """The answered request as the participant sees it, and the consent an approval made."""

    request: ConsentRequestView
    consent: ConsentRecord | None


async def respond(deps: Deps, viewer: Principal, request_id: str, approve: bool) -> Answer:
    """Approve (a consent as requested) or deny a pending request made to the participant."""
    found = await repository.consent_request_by_id(request_id)
    if found is None or found.participant_id != viewer.subject:
        raise NotFound(f"No consent request to you has the id {request_id!r}.")
    participant = signed_in(await repository.participant_by_id(viewer.subject))
    now = deps.clock().replace(microsecond=0)
    (opened,) = requests_for(participant, [found], deps.keys, now)
    status = opened.status
    if status is not ConsentRequestStatus.PENDING:
        raise BadUserInput(
            f"This request is {status.value.lower()}; only a pending one is answered."
        )
    answer = ConsentRequestStatus.APPROVED if approve else ConsentRequestStatus.DENIED
    consent = None
    if approve:
        consent = _new_consent(
            deps,
            participant_id=found.participant_id,
            grantee_centre_id=found.requester_centre_id,
            categories=found.categories,
            purpose=found.purpose,
            valid_until=found.requested_until,
            now=now,
        )
    async with repository.transaction():
        if not await repository.answer_consent_request(request_id, answer):
            raise BadUserInput("This request was already answered.")
        if consent is not None:
            await repository.add_consent(consent, now)
    return Answer(request=replace(opened, status=answer), consent=consent)


async def ask(
    deps: Deps,
    viewer: Principal,
    *,
    participant_id: str,
    categories: Sequence[DataCategory],
    purpose: ConsentPurpose,
    requested_until: datetime,
    reason: str,
) -> ConsentRequestView:
    """Staff of a centre ask a participant for a consent to their own centre."""
    assert viewer.centre_id is not None, "staff tokens are bound to a centre"
    now = deps.clock().replace(microsecond=0)
    wanted = _categories(categories)
    until = _until(requested_until, now, "requestedUntil")
    reason = reason.strip()
    if not reason or len(reason) > MAX_REASON_LENGTH:
        raise BadUserInput(f"Give a reason of 1 to {MAX_REASON_LENGTH} characters.")
    centre_id = viewer.centre_id
    _within_limit(
        await repository.consent_request_times(
            now - timedelta(seconds=REQUEST_WINDOW), centre_id=centre_id
        ),
        now,
        per_window=REQUESTS_PER_CENTRE,
        window=REQUEST_WINDOW,
        what="Your centre has sent too many consent requests today.",
    )
    participant = await _reachable(deps, centre_id, participant_id, now)
    _within_limit(
        await repository.consent_request_times(
            now - timedelta(seconds=PAIR_INTERVAL),
            participant_id=participant.id,
            centre_id=centre_id,
        ),
        now,
        per_window=1,
        window=PAIR_INTERVAL,
        what="Your centre asked this participant recently.",
    )
    _within_limit(
        await repository.consent_request_times(
            now - timedelta(seconds=REQUEST_WINDOW), participant_id=participant.id
        ),
        now,
        per_window=REQUESTS_PER_PARTICIPANT,
        window=REQUEST_WINDOW,
        what="This participant has been sent enough consent requests today.",
    )
    request_id = new_id("crq")
    async with repository.transaction():
        key = data_key_of(deps.keys, participant.id)
        record = ConsentRequestRecord(
            id=request_id,
            participant_id=participant.id,
            requester_centre_id=centre_id,
            categories=wanted,
            purpose=purpose,
            requested_until=until,
            reason_sealed=seal_text(key, participant.id, REASON_FIELD, reason),
            status=ConsentRequestStatus.PENDING,
        )
        await repository.add_consent_request(record, now)
    return ConsentRequestView(record=record, status=ConsentRequestStatus.PENDING, reason=reason)


async def _reachable(
    deps: Deps, centre_id: str, participant_id: str, now: datetime
) -> ParticipantRecord:
    """The participant, when the centre may ask them: they booked there (sessions says so) or
    already gave the centre a consent that is in force. A missing participant and one who is
    not the centre's get the same answer, so the caller learns nothing about other ids."""
    participant = await repository.participant_by_id(participant_id)
    # Ask sessions even for a missing id: both refusals then take the same path.
    booked = await has_booked_at(deps, centre_id, participant_id)
    consented = participant is not None and bool(
        await repository.live_consents([participant_id], centre_id, now)
    )
    if participant is None or not (booked or consented):
        raise NotFound(NO_SUCH_PARTICIPANT.format(id=participant_id))
    return participant


def _within_limit(
    times: Sequence[datetime], now: datetime, *, per_window: int, window: int, what: str
) -> None:
    wait = wait_seconds(times, now, per_window=per_window, window=window)
    if wait:
        raise RateLimited(f"{what} Try again in {wait} seconds.", wait)
