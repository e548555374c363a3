"""``cancelBooking``: the owner gives up a seat; the head of the waitlist takes it."""

from __future__ import annotations

import strawberry

from saathi.service.strawberry import IsParticipant, MutationError, mutation_extensions
from services.sessions.api.context import Context
from services.sessions.api.types import Booking
from services.sessions.domain import bookings


@strawberry.type
class CancelBookingPayload:
    """The cancelled booking, or why it was not cancelled."""

    booking: Booking | None = None
    error: MutationError | None = None


async def cancel_booking(
    info: strawberry.Info[Context], booking_id: strawberry.ID
) -> CancelBookingPayload:
    participant = info.context.viewer.participant()
    record = await bookings.cancel(participant.subject, str(booking_id), info.context.now)
    info.context.loaders.invalidate()
    return CancelBookingPayload(booking=Booking.from_record(record))


field = strawberry.mutation(
    resolver=cancel_booking,
    extensions=mutation_extensions(CancelBookingPayload, IsParticipant()),
)
