"""``submitFeedback``: a rating (and a sealed comment) from a participant who attended."""

from __future__ import annotations

import strawberry

from saathi.service.strawberry import IsParticipant, MutationError, mutation_extensions
from services.sessions.api.context import Context
from services.sessions.domain import feedback


@strawberry.input
class FeedbackInput:
    """A rating from 1 to 5; the comment (at most 2000 characters) is stored encrypted."""

    session_id: strawberry.ID
    rating: int
    comment: str | None = None
    anonymous: bool | None = True


@strawberry.type
class SubmitFeedbackPayload:
    """``accepted`` once stored; a second feedback on the same booking is ``BAD_USER_INPUT``."""

    accepted: bool = False
    error: MutationError | None = None


async def submit_feedback(
    info: strawberry.Info[Context], input: FeedbackInput
) -> SubmitFeedbackPayload:
    participant = info.context.viewer.participant()
    given = feedback.FeedbackInput(
        session_id=str(input.session_id),
        rating=input.rating,
        comment=input.comment,
        anonymous=input.anonymous is not False,
    )
    await feedback.submit(participant.subject, given, info.context.keys, info.context.now)
    return SubmitFeedbackPayload(accepted=True)


field = strawberry.mutation(
    resolver=submit_feedback,
    description="Only for a session the participant attended; once per booking.",
    extensions=mutation_extensions(SubmitFeedbackPayload, IsParticipant()),
)
