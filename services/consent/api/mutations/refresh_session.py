"""``refreshSession``: rotate a refresh token; reusing a spent one ends its whole family."""

from __future__ import annotations

import strawberry

from saathi.service.strawberry import MutationError
from services.consent.api.context import Context
from services.consent.domain import login_sessions


@strawberry.type
class RefreshSessionPayload:
    access_token: str | None = None
    refresh_token: str | None = None
    expires_in: int | None = strawberry.field(
        default=None, description="Seconds until the access token expires."
    )
    error: MutationError | None = None


async def refresh_session(
    info: strawberry.Info[Context], refresh_token: str
) -> RefreshSessionPayload:
    tokens = await login_sessions.refresh_session(info.context.deps, refresh_token)
    return RefreshSessionPayload(
        access_token=tokens.access_token,
        refresh_token=tokens.refresh_token,
        expires_in=tokens.expires_in,
    )
