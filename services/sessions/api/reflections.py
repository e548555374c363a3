"""``submitFacilitatorReflection``: staff of the session's centre, after it has ended."""

from __future__ import annotations

import strawberry

from saathi.service.strawberry import ActsFor, MutationError, mutation
from saathi.tokens import Role
from services.sessions.api.context import Context
from services.sessions.domain import reflections


@strawberry.input
class FacilitatorReflectionInput:
    """How the group went (1 to 5), and notes of at most 2000 characters each, stored sealed."""

    session_id: strawberry.ID
    rating: int
    went_well: str | None = None
    safety_concerns: str | None = None
    what_would_help: str | None = None


@strawberry.type
class SubmitFacilitatorReflectionPayload:
    """``accepted`` once stored; a second reflection on the same session is BAD_USER_INPUT."""

    accepted: bool = False
    error: MutationError | None = None


async def submit_facilitator_reflection(
    info: strawberry.Info[Context], input: FacilitatorReflectionInput
) -> SubmitFacilitatorReflectionPayload:
    principal = info.context.viewer.required()
    given = reflections.NewReflection(
        session_id=str(input.session_id),
        rating=input.rating,
        went_well=input.went_well,
        safety_concerns=input.safety_concerns,
        what_would_help=input.what_would_help,
    )
    await reflections.submit(principal, given, info.context.keys, info.context.loaders.now)
    return SubmitFacilitatorReflectionPayload(accepted=True)


field = mutation(
    submit_facilitator_reflection,
    SubmitFacilitatorReflectionPayload,
    ActsFor(Role.FACILITATOR, Role.SUPERVISOR, Role.CENTRE_ADMIN),
    description="Facilitator (or supervisor, centre_admin) of the session's centre, once the "
    "session has ended; one per session.",
)
