"""``revokeConsent``: the participant takes a consent back; it counts from the next read."""

from __future__ import annotations

import strawberry

from saathi.service.strawberry import MutationError
from services.consent.api.context import Context
from services.consent.api.types import Consent
from services.consent.domain import grants


@strawberry.type
class RevokeConsentPayload:
    consent: Consent | None = None
    error: MutationError | None = None


async def revoke_consent(info: strawberry.Info[Context], id: strawberry.ID) -> RevokeConsentPayload:
    context = info.context
    record = await grants.revoke(context.deps, context.viewer.participant(), str(id))
    return RevokeConsentPayload(consent=Consent.of(record, context.deps.clock()))
