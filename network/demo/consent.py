"""The consent service's part of the demo network: participants, staff, consents, a request, and
a few logged reads.

Ids are ``stable_id``s and existing records are left as they are, so seeding twice changes
nothing. The first participant gets an active consent (with a signed receipt) and a pending
request, so that ``me`` shows both; the second an active consent covering PROFILE, the third a
revoked one. Reads under the active ones fill the first two participants' data-access logs.
Everyone has check-ins and goals (``network.demo.outcomes``); the others consent to programme
evaluation at one centre, three of them to care continuity with their goals too, one of whom
(``MENTEE``) is mentored there, so that centre's mentor reads their goals. Every demo peer
supporter is a facilitator on the staff (``demo_supporter_staff_id``), their tokens naming
their supporter record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from network.demo import description as demo
from network.demo.outcomes import EVALUATION_CENTRE, seed_outcomes
from saathi.consent_terms import ConsentPurpose, DataCategory
from saathi.crypto import MasterKey
from saathi.ids import stable_id
from saathi.keys import SigningKey
from saathi.runtime import key_store_for, master_key_for, signing_key_for
from saathi.settings import Settings, load_settings
from saathi.tokens import Role
from services.consent import repository
from services.consent.domain import access_log
from services.consent.domain.access_log import append_entry
from services.consent.domain.anchor import AuditTrail
from services.consent.domain.consents import REASON_FIELD, sign_receipt
from services.consent.domain.delivery import OutboxDelivery
from services.consent.domain.deps import Deps
from services.consent.domain.participants import create_participant
from services.consent.domain.personal import data_key_of, seal_text
from services.consent.domain.records import (
    ConsentRecord,
    ConsentRequestRecord,
    ConsentRequestStatus,
    ParticipantRecord,
)

STAFF_ROLES = (Role.FACILITATOR, Role.CENTRE_ADMIN, Role.SUPERVISOR)
DEMO_REASON = (
    "To carry on your support at our centre after your move, we would like to see your attendance."
)


def demo_staff_id(centre_id: str, role: Role) -> str:
    return stable_id("stf", f"{centre_id}:{role.value}")


def demo_supporter_staff_id(supporter_id: str) -> str:
    """The facilitator who is the demo peer supporter ``supporter_id`` (their tokens say so)."""
    return stable_id("stf", f"supporter:{supporter_id}")


async def seed_demo(
    settings: Settings | None = None,
    *,
    signing_key: SigningKey | None = None,
    master_key: MasterKey | None = None,
) -> None:
    """Write the demo participants, staff, consent and request (keys from ``settings.data_dir``,
    ``SAATHI_*`` settings when not given). The consent database must be open."""
    settings = settings or load_settings()
    deps = Deps(
        settings=settings,
        signing_key=signing_key or signing_key_for(settings),
        master_key=master_key or master_key_for(settings),
        delivery=OutboxDelivery(settings.outbox_path),
        audit=AuditTrail.for_data_dir(settings.data_dir),
        keys=key_store_for(settings, "consent"),
    )
    now = deps.clock()
    async with repository.transaction():
        participants = [await _participant(deps, person) for person in demo.PARTICIPANTS]
        for centre in demo.CENTRES:
            for role in STAFF_ROLES:
                staff_id = demo_staff_id(centre.id, role)
                if await repository.staff_by_id(staff_id) is None:
                    await repository.add_staff(
                        staff_id=staff_id,
                        display_name=f"{role.value.replace('_', ' ').capitalize()}, {centre.name}",
                        centre_id=centre.id,
                        role=role,
                        now=now,
                    )
        for supporter in demo.SUPPORTERS:
            staff_id = demo_supporter_staff_id(supporter.id)
            if await repository.staff_by_id(staff_id) is None:
                await repository.add_staff(
                    staff_id=staff_id,
                    display_name=supporter.display_name,
                    centre_id=supporter.centre_id,
                    role=Role.FACILITATOR,
                    now=now,
                    supporter_id=supporter.id,
                )
        for index, specs in DEMO_CONSENTS.items():
            made = [await _consent(deps, participants[index], spec) for spec in specs]
            if made[0].revoked_at is None:
                await _reads(deps, participants[index], made[0])
        await _request(deps, participants[0])
        await seed_outcomes(deps, participants)
        for index in range(len(DEMO_CONSENTS), len(participants)):
            for spec in (*OUTCOME_CONSENTS.get(index, ()), EVALUATION):
                await _consent(deps, participants[index], spec)


async def _participant(deps: Deps, person: demo.DemoParticipant) -> ParticipantRecord:
    found = await repository.participant_by_id(person.id)
    if found is not None:
        return found
    return await create_participant(
        deps,
        participant_id=person.id,
        display_name=person.display_name,
        home_city=person.home_city,
        preferred_language=person.preferred_language,
        contact=person.contact,
        now=deps.clock(),
    )


@dataclass(frozen=True)
class DemoConsent:
    name: str
    grantee: int
    categories: tuple[DataCategory, ...]
    purpose: ConsentPurpose
    days: int
    revoked_days_ago: int | None = None


# Per demo participant (by index): their consents; the first stays the original demo consent.
DEMO_CONSENTS: dict[int, tuple[DemoConsent, ...]] = {
    0: (
        DemoConsent(
            "demo",
            1,
            (DataCategory.ATTENDANCE, DataCategory.FEEDBACK),
            ConsentPurpose.CARE_CONTINUITY,
            180,
        ),
    ),
    1: (
        DemoConsent(
            "demo",
            0,
            (DataCategory.PROFILE, DataCategory.ATTENDANCE),
            ConsentPurpose.REFERRAL,
            90,
        ),
    ),
    2: (
        DemoConsent(
            "demo", 3, (DataCategory.FEEDBACK,), ConsentPurpose.RESEARCH, 365, revoked_days_ago=10
        ),
    ),
}
_EVALUATING = demo.CENTRES.index(EVALUATION_CENTRE)
# Everyone after the first three lets the evaluation centre use their check-ins for programme
# evaluation; two also share goals and check-ins with it for care continuity.
EVALUATION = DemoConsent(
    "evaluation",
    _EVALUATING,
    (DataCategory.WELLBEING,),
    ConsentPurpose.PROGRAMME_EVALUATION,
    365,
)
OUTCOME_CONSENTS: dict[int, tuple[DemoConsent, ...]] = {
    index: (
        DemoConsent(
            "outcomes",
            _EVALUATING,
            (DataCategory.GOALS, DataCategory.WELLBEING),
            ConsentPurpose.CARE_CONTINUITY,
            180,
        ),
    )
    for index in (3, 4, 20)
}
MENTEE = 20
"""A participant of the evaluating centre's one-to-one mentoring who shares their goals with it."""
# Reads logged under each participant's first consent, so many days ago.
DEMO_READS_DAYS_AGO = (21, 9, 2)


async def _consent(deps: Deps, participant: ParticipantRecord, spec: DemoConsent) -> ConsentRecord:
    consent_id = stable_id("cns", f"{participant.id}:{spec.name}")
    found = await repository.consent_by_id(consent_id)
    if found is not None:
        return found
    now = deps.clock().replace(microsecond=0)
    valid_from = now - timedelta(days=30)
    grantee = demo.CENTRES[spec.grantee].id
    valid_until = valid_from + timedelta(days=spec.days)
    receipt = sign_receipt(
        deps.signing_key,
        issuer=deps.settings.issuer,
        consent_id=consent_id,
        participant_id=participant.id,
        grantee_centre_id=grantee,
        categories=spec.categories,
        purpose=spec.purpose,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    record = ConsentRecord(
        id=consent_id,
        participant_id=participant.id,
        grantee_centre_id=grantee,
        categories=spec.categories,
        purpose=spec.purpose,
        valid_from=valid_from,
        valid_until=valid_until,
        revoked_at=None
        if spec.revoked_days_ago is None
        else now - timedelta(days=spec.revoked_days_ago),
        receipt=receipt,
    )
    await repository.add_consent(record, now)
    return record


async def _reads(deps: Deps, participant: ParticipantRecord, consent: ConsentRecord) -> None:
    """A few logged reads under ``consent``, written only into an empty log."""
    if not await access_log.participants_log_is_empty(participant.id):
        return
    now = deps.clock().replace(microsecond=0)
    for days_ago in DEMO_READS_DAYS_AGO:
        await append_entry(
            deps,
            participant.id,
            at=now - timedelta(days=days_ago),
            accessor_centre_id=consent.grantee_centre_id,
            categories=consent.categories,
            purpose=consent.purpose,
            consent_id=consent.id,
        )


async def _request(deps: Deps, participant: ParticipantRecord) -> None:
    request_id = stable_id("crq", f"{participant.id}:demo")
    if await repository.consent_request_exists(request_id):
        return
    now = deps.clock().replace(microsecond=0)
    key = data_key_of(deps.keys, participant.id)
    record = ConsentRequestRecord(
        id=request_id,
        participant_id=participant.id,
        requester_centre_id=demo.CENTRES[2].id,
        categories=(DataCategory.PROFILE, DataCategory.ATTENDANCE),
        purpose=ConsentPurpose.REFERRAL,
        requested_until=now + timedelta(days=90),
        reason_sealed=seal_text(key, participant.id, REASON_FIELD, DEMO_REASON),
        status=ConsentRequestStatus.PENDING,
    )
    await repository.add_consent_request(record, now)
