"""``requestConsent``: staff of a centre ask a participant for a consent to their centre."""

from __future__ import annotations

from datetime import datetime

import strawberry

from saathi.service.strawberry import MutationError
from saathi.service.strawberry.consent_terms import ConsentPurpose, DataCategory
from services.consent.api.context import Context
from services.consent.api.types import ConsentRequest
from services.consent.domain import grants


@strawberry.input
class RequestConsentInput:
    participant_id: strawberry.ID
    categories: list[DataCategory]
    purpose: ConsentPurpose
    requested_until: datetime
    reason: str = strawberry.field(description="Shown to the participant; stored encrypted.")


@strawberry.type
class RequestConsentPayload:
    request: ConsentRequest | None = None
    error: MutationError | None = None


async def request_consent(
    info: strawberry.Info[Context], input: RequestConsentInput
) -> RequestConsentPayload:
    context = info.context
    view = await grants.ask(
        context.deps,
        context.viewer.staff(),
        participant_id=str(input.participant_id),
        categories=input.categories,
        purpose=input.purpose,
        requested_until=input.requested_until,
        reason=input.reason,
    )
    return RequestConsentPayload(request=ConsentRequest.of(view))
