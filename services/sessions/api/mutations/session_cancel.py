"""``cancelSession``: the centre calls one occurrence off; every booked participant is told."""

from __future__ import annotations

import strawberry

from saathi.service.strawberry import ActsFor, MutationError, mutation_extensions
from saathi.tokens import Role
from services.sessions.api.context import Context
from services.sessions.api.types import Session
from services.sessions.domain import staff


@strawberry.type
class CancelSessionPayload:
    session: Session | None = None
    error: MutationError | None = None


async def cancel_session(
    info: strawberry.Info[Context], session_id: strawberry.ID, reason: str
) -> CancelSessionPayload:
    principal = info.context.viewer.required()
    now = info.context.now
    keys = info.context.keys
    await staff.cancel_session(
        principal.centre_id, str(session_id), reason, now, keys, info.context.peers
    )
    info.context.loaders.invalidate()
    record = await info.context.loaders.session.load(str(session_id))
    assert record is not None, "the session was just read"
    return CancelSessionPayload(session=Session.from_record(record))


field = strawberry.mutation(
    resolver=cancel_session,
    description="centre_admin of the session's centre; idempotent.",
    extensions=mutation_extensions(CancelSessionPayload, ActsFor(Role.CENTRE_ADMIN)),
)
