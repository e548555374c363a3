"""``syncAvailability``: a partner centre's system pushes its own sessions.

Refusals of the whole batch (another centre, a bad batch) are GraphQL errors with a code: the
payload has no ``error`` field, so a refusal can never pass for an empty success.
"""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.permission import PermissionExtension

from saathi.errors import ErrorCode
from saathi.service.strawberry import ActsFor
from saathi.tokens import Role
from services.sessions.api.context import Context
from services.sessions.domain import partners
from services.sessions.domain.records import SessionStatus


@strawberry.input
class PartnerSessionInput:
    external_id: str
    group_id: strawberry.ID
    starts_at: datetime
    ends_at: datetime
    capacity: int
    seats_taken: int
    status: SessionStatus
    version: int


@strawberry.input
class SyncAvailabilityInput:
    centre_id: strawberry.ID
    batch_id: str
    sessions: list[PartnerSessionInput]


@strawberry.type
class SyncRejection:
    external_id: str
    code: ErrorCode
    message: str


@strawberry.type
class SyncAvailabilityPayload:
    """How many sessions were stored, and each one that was not, with why."""

    accepted: int
    rejected: list[SyncRejection]


async def sync_availability(
    info: strawberry.Info[Context], input: SyncAvailabilityInput
) -> SyncAvailabilityPayload:
    principal = info.context.viewer.required()
    sessions = [
        partners.PartnerSession(
            external_id=s.external_id,
            group_id=str(s.group_id),
            starts_at=s.starts_at,
            ends_at=s.ends_at,
            capacity=s.capacity,
            seats_taken=s.seats_taken,
            status=s.status,
            version=s.version,
        )
        for s in input.sessions
    ]
    answer = await partners.sync_once(
        principal.centre_id,
        str(input.centre_id),
        input.batch_id,
        sessions,
        info.context.now,
        info.context.keys,
    )
    return SyncAvailabilityPayload(
        accepted=answer.accepted,
        rejected=[
            SyncRejection(external_id=r.external_id, code=r.code, message=r.message)
            for r in answer.rejected
        ],
    )


field = strawberry.mutation(
    resolver=sync_availability,
    description="Partner of the centre; idempotent per batchId, the last version wins per "
    "externalId.",
    extensions=[PermissionExtension([ActsFor(Role.PARTNER)], use_directives=False)],
)
