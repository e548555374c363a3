"""``respondToConsentRequest``: approve (a consent as requested) or deny a pending request."""

from __future__ import annotations

import strawberry

from saathi.service.strawberry import MutationError
from services.consent.api.context import Context
from services.consent.api.types import Consent, ConsentRequest
from services.consent.domain import grants


@strawberry.type
class RespondToConsentRequestPayload:
    request: ConsentRequest | None = None
    consent: Consent | None = strawberry.field(default=None, description="When approved.")
    error: MutationError | None = None


async def respond_to_consent_request(
    info: strawberry.Info[Context], request_id: strawberry.ID, approve: bool
) -> RespondToConsentRequestPayload:
    context = info.context
    answer = await grants.respond(
        context.deps, context.viewer.participant(), str(request_id), approve
    )
    consent = answer.consent
    return RespondToConsentRequestPayload(
        request=ConsentRequest.of(answer.request),
        consent=None if consent is None else Consent.of(consent, context.deps.clock()),
    )
