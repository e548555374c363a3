"""``respondToConsentRequest``: approve (a consent as requested) or deny a pending request."""

from __future__ import annotations

from typing import Self

import strawberry

from saathi.errors import SaathiError
from services.consent.api.context import Context
from services.consent.api.mutations.payload import payload_or_error
from services.consent.api.types import Consent, ConsentRequest, MutationError
from services.consent.domain import grants


@strawberry.type
class RespondToConsentRequestPayload:
    request: ConsentRequest | None = None
    consent: Consent | None = strawberry.field(default=None, description="When approved.")
    error: MutationError | None = None

    @classmethod
    def from_error(cls, error: SaathiError) -> Self:
        return cls(error=MutationError.of(error))


async def _respond(
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


async def respond_to_consent_request(
    info: strawberry.Info[Context], request_id: strawberry.ID, approve: bool
) -> RespondToConsentRequestPayload:
    return await payload_or_error(
        RespondToConsentRequestPayload, _respond(info, request_id, approve)
    )
