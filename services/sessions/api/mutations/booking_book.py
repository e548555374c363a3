"""``bookSession``: a seat, or a place on the waitlist; one booking per idempotency key."""

from __future__ import annotations

import strawberry

from saathi.service.strawberry import IsParticipant, MutationError, mutation_extensions
from services.sessions.api.context import Context
from services.sessions.api.types import Booking
from services.sessions.domain import bookings


@strawberry.type
class BookSessionPayload:
    """The booking (``waitlistPosition`` set when waitlisted), or why there is none."""

    booking: Booking | None = None
    error: MutationError | None = None


async def book_session(
    info: strawberry.Info[Context], session_id: strawberry.ID, idempotency_key: str
) -> BookSessionPayload:
    participant = info.context.viewer.participant()
    record = await bookings.book(
        participant.subject, str(session_id), idempotency_key, info.context.now
    )
    info.context.loaders.invalidate()
    return BookSessionPayload(booking=Booking.from_record(record))


field = strawberry.mutation(
    resolver=book_session,
    description="Retrying with the same idempotencyKey returns the same booking.",
    extensions=mutation_extensions(BookSessionPayload, IsParticipant()),
)
