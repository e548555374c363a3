"""``grantConsent``: the participant lets a centre read categories, for a purpose, until a time."""

from __future__ import annotations

from datetime import datetime

import strawberry

from saathi.service.strawberry import MutationError
from saathi.service.strawberry.consent_terms import ConsentPurpose, DataCategory
from services.consent.api.context import Context
from services.consent.api.types import Consent
from services.consent.domain import grants


@strawberry.input
class GrantConsentInput:
    grantee_centre_id: strawberry.ID
    categories: list[DataCategory]
    purpose: ConsentPurpose
    valid_until: datetime = strawberry.field(description="In the future, at most 2 years ahead.")


@strawberry.type
class GrantConsentPayload:
    consent: Consent | None = None
    error: MutationError | None = None


async def grant_consent(
    info: strawberry.Info[Context], input: GrantConsentInput
) -> GrantConsentPayload:
    context = info.context
    record = await grants.grant(
        context.deps,
        context.viewer.participant(),
        grantee_centre_id=str(input.grantee_centre_id),
        categories=input.categories,
        purpose=input.purpose,
        valid_until=input.valid_until,
    )
    return GrantConsentPayload(consent=Consent.of(record, context.deps.clock()))
