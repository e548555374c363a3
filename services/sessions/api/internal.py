"""The sessions service's internal endpoints (``saathi.service.internal.contracts``;
docs/internal-api.md): timetables, booked groups, the earliest free session of groups (mentor
matching) and residents-only groups for the directory; relations and erasure for consent. Each
handler decodes nothing itself: it gets the contract's request model and answers its response
model.
"""

from __future__ import annotations

from datetime import timedelta

from starlette.routing import Route

from saathi.ids import stable_id
from saathi.keystore import KeyStore
from saathi.service.clock import Clock
from saathi.service.internal import contracts as api
from saathi.service.internal.server import route
from saathi.service_trust import ServiceTrust
from services.sessions.domain import free_slots, participants, residents, timetable
from services.sessions.domain.records import SeriesRecord
from services.sessions.domain.seats import SeatPusher


def routes(
    trust: ServiceTrust, keys: KeyStore, clock: Clock, pusher: SeatPusher | None = None
) -> list[Route]:
    """Every internal endpoint, each behind the guard of its callers; ``pusher`` is kicked
    after a change of seats (a timetable, an erasure) so the directory hears of it."""

    def changed() -> None:
        if pusher is not None:
            pusher.kick()

    async def series(request: api.SeriesRequest) -> api.SeriesStored:
        stored = await timetable.replace_series(
            SeriesRecord(
                id=stable_id("srs", request.group_id),
                group_id=request.group_id,
                centre_id=request.centre_id,
                rrule=request.rrule,
                timezone=request.timezone,
                starts_on=request.starts_on,
                duration_minutes=request.duration_minutes,
                capacity=request.capacity,
                group_name=request.group_name,
            ),
            clock(),
        )
        changed()
        until = stored.materialised_until
        return api.SeriesStored(
            group_id=stored.group_id, materialised_until=until.isoformat() if until else None
        )

    async def relations(request: api.RelationsRequest) -> api.ParticipantIds:
        found = await participants.related(request.centre_id, request.participant_ids)
        return api.ParticipantIds(participant_ids=found)

    async def booked_groups(request: api.BookedGroupsRequest) -> api.GroupIds:
        found = await participants.groups_booked(request.participant_id, request.group_ids, clock())
        return api.GroupIds(group_ids=found)

    async def erase(request: api.EraseRequest) -> api.Erased:
        erased = await participants.erase(request.participant_id, clock(), keys)
        changed()
        return api.Erased(
            erased=api.ErasedCounts(bookings=erased.bookings, feedback=erased.feedback)
        )

    async def free_sessions(request: api.FreeSessionsRequest) -> api.FreeSessions:
        found = await free_slots.earliest_free(
            tuple(dict.fromkeys(request.group_ids)), timedelta(hours=request.within_hours), clock()
        )
        return api.FreeSessions(
            sessions=[
                api.FreeSession(group_id=group_id, session_id=session_id, starts_at=starts_at)
                for group_id, (session_id, starts_at) in found.items()
            ]
        )

    async def residents_only(request: api.ResidentsOnlyRequest) -> api.ResidentsOnlySet:
        await residents.set_residents_only(
            request.group_id, request.centre_id, request.residents_only
        )
        return api.ResidentsOnlySet(
            group_id=request.group_id, residents_only=request.residents_only
        )

    return [
        route(trust, api.SERIES, series),
        route(trust, api.RELATIONS, relations),
        route(trust, api.BOOKED_GROUPS, booked_groups),
        route(trust, api.ERASE, erase),
        route(trust, api.FREE_SESSIONS, free_sessions),
        route(trust, api.RESIDENTS_ONLY, residents_only),
    ]
