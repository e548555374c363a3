"""The directory's internal endpoints (``saathi.service.internal.contracts``;
docs/internal-api.md), service tokens only.

- ``POST /internal/centres/known`` (consent): ``{centreIds}`` → ``{centreIds}``, those that
  exist, so that consent refuses a grant to a centre nobody can find.
- ``POST /internal/crisis-lines`` (consent): ``{city}`` → ``{lines}``, the crisis lines for a
  city (the national ones first), so that consent can answer a low wellbeing check-in with them
  without a copy of its own. The body carries a city only, never who is asking.
- ``POST /internal/supporters/centres`` (sessions): ``{supporterIds}`` → ``{centres}``, the
  centre holding each supporter that exists, where a concern about them goes.
- ``POST /internal/supporters/mentoring-groups`` (sessions): ``{supporterId, centreId}`` →
  ``{groupIds}``, the MENTORING groups of that centre the supporter (of that centre)
  facilitates, so that sessions lets a peer mentor read the goals of the participants who
  booked them, and no one else's.
- ``POST /internal/groups/availability`` (sessions): ``{groups: [{groupId, version, sessions}]}``
  → ``{applied}``, the seats of each group's coming sessions, which nearby search filters on.
"""

from __future__ import annotations

from starlette.routing import Route

from saathi.service.internal import contracts as api
from saathi.service.internal.server import route
from saathi.service_trust import ServiceTrust
from services.directory.domain import availability, lookups, mentors
from services.directory.domain.crisis import crisis_resources


async def known_centres(request: api.CentreIds) -> api.CentreIds:
    found = await lookups.centres_by_ids(request.centre_ids)
    return api.CentreIds(centre_ids=[c for c in request.centre_ids if c in found])


async def crisis_lines(request: api.CrisisLinesRequest) -> api.CrisisLines:
    return api.CrisisLines(
        lines=[
            api.CrisisLine(
                name=line.name,
                phone=line.phone,
                hours=line.hours,
                languages=list(line.languages),
                description=line.description,
            )
            for line in crisis_resources(request.city)
        ]
    )


async def supporter_centres(request: api.SupporterIds) -> api.SupporterCentres:
    found = await lookups.supporters_by_ids(request.supporter_ids)
    return api.SupporterCentres(centres={s.id: s.centre_id for s in found.values()})


async def mentor_groups(request: api.MentorGroupsRequest) -> api.GroupIds:
    return api.GroupIds(
        group_ids=await mentors.mentoring_groups_of(request.supporter_id, request.centre_id)
    )


async def group_availability(request: api.AvailabilityRequest) -> api.AvailabilityApplied:
    return api.AvailabilityApplied(applied=await availability.apply(request))


def routes(trust: ServiceTrust) -> list[Route]:
    return [
        route(trust, api.AVAILABILITY, group_availability),
        route(trust, api.KNOWN_CENTRES, known_centres),
        route(trust, api.CRISIS_LINES, crisis_lines),
        route(trust, api.SUPPORTER_CENTRES, supporter_centres),
        route(trust, api.MENTOR_GROUPS, mentor_groups),
    ]
