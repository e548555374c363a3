"""``revokeConsent``: the participant takes a consent back; it counts from the next read."""

from __future__ import annotations

from typing import Self

import strawberry

from saathi.errors import SaathiError
from services.consent.api.context import Context
from services.consent.api.mutations.payload import payload_or_error
from services.consent.api.types import Consent, MutationError
from services.consent.domain import grants


@strawberry.type
class RevokeConsentPayload:
    consent: Consent | None = None
    error: MutationError | None = None

    @classmethod
    def from_error(cls, error: SaathiError) -> Self:
        return cls(error=MutationError.of(error))


async def _revoke(info: strawberry.Info[Context], id: strawberry.ID) -> RevokeConsentPayload:
    context = info.context
    record = await grants.revoke(context.deps, context.viewer.participant(), str(id))
    return RevokeConsentPayload(consent=Consent.of(record, context.deps.clock()))


async def revoke_consent(info: strawberry.Info[Context], id: strawberry.ID) -> RevokeConsentPayload:
    return await payload_or_error(RevokeConsentPayload, _revoke(info, id))
