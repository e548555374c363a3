"""``requestLoginCode``: send a sign-in code (the same answer whether or not an account exists)."""

from __future__ import annotations

from typing import Self

import strawberry

from saathi.errors import RateLimited, SaathiError
from saathi.service.strawberry import MutationError
from services.consent.api.context import Context
from services.consent.domain import login


@strawberry.type
class RequestLoginCodePayload:
    sent: bool
    retry_after_seconds: int | None = strawberry.field(
        default=None, description="Seconds until another code may be asked for."
    )
    error: MutationError | None = None

    @classmethod
    def from_error(cls, error: SaathiError) -> Self:
        retry = error.retry_after if isinstance(error, RateLimited) else None
        return cls(sent=False, retry_after_seconds=retry, error=MutationError.of(error))


async def request_login_code(
    info: strawberry.Info[Context], contact: str
) -> RequestLoginCodePayload:
    context = info.context
    retry_after = await login.request_code(context.deps, contact, context.client_address)
    return RequestLoginCodePayload(sent=True, retry_after_seconds=retry_after)
