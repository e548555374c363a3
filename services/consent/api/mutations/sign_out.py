"""``signOut``: end this sign-in (or every one of the participant's); its tokens stop at once."""

from __future__ import annotations

from typing import Annotated, Self

import strawberry

from saathi.errors import SaathiError
from saathi.service.strawberry import MutationError
from services.consent.api.context import Context
from services.consent.domain import login_sessions


@strawberry.type
class SignOutPayload:
    signed_out: bool
    error: MutationError | None = None

    @classmethod
    def from_error(cls, error: SaathiError) -> Self:
        return cls(signed_out=False, error=MutationError.of(error))


async def sign_out(
    info: strawberry.Info[Context],
    everywhere: Annotated[
        bool, strawberry.argument(description="End every sign-in of mine, on every device.")
    ] = False,
) -> SignOutPayload:
    context = info.context
    await login_sessions.sign_out(context.deps, context.viewer.participant(), everywhere=everywhere)
    return SignOutPayload(signed_out=True)
