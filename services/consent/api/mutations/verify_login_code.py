"""``verifyLoginCode``: spend the code, sign in, and create the participant on first use."""

from __future__ import annotations

from typing import Self

import strawberry

from saathi.errors import RateLimited, SaathiError
from saathi.service.strawberry import MutationError
from services.consent.api.context import Context
from services.consent.api.types import Participant
from services.consent.domain import login


@strawberry.type
class VerifyLoginCodePayload:
    access_token: str | None = None
    refresh_token: str | None = None
    expires_in: int | None = strawberry.field(
        default=None, description="Seconds until the access token expires."
    )
    participant: Participant | None = None
    retry_after_seconds: int | None = strawberry.field(
        default=None, description="When sign-in is locked out: seconds until it may be tried."
    )
    error: MutationError | None = None

    @classmethod
    def from_error(cls, error: SaathiError) -> Self:
        retry = error.retry_after if isinstance(error, RateLimited) else None
        return cls(retry_after_seconds=retry, error=MutationError.of(error))


async def verify_login_code(
    info: strawberry.Info[Context], contact: str, code: str
) -> VerifyLoginCodePayload:
    signed_in = await login.verify_code(info.context.deps, contact, code)
    info.context.sign_in(signed_in.participant.id)
    return VerifyLoginCodePayload(
        access_token=signed_in.tokens.access_token,
        refresh_token=signed_in.tokens.refresh_token,
        expires_in=signed_in.tokens.expires_in,
        participant=Participant.of(signed_in.participant),
    )
