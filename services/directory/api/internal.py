"""The directory's internal endpoints (``saathi.service.internal.contracts``;
docs/internal-api.md), service tokens only.

- ``POST /internal/centres/known`` (consent): ``{centreIds}`` → ``{centreIds}``, those that
  exist, so that consent refuses a grant to a centre nobody can find.
"""

from __future__ import annotations

from starlette.routing import Route

from saathi.service.internal import contracts as api
from saathi.service.internal.server import route
from saathi.service_trust import ServiceTrust
from services.directory.domain import lookups


async def known_centres(request: api.CentreIds) -> api.CentreIds:
    found = await lookups.centres_by_ids(request.centre_ids)
    return api.CentreIds(centre_ids=[c for c in request.centre_ids if c in found])


def routes(trust: ServiceTrust) -> list[Route]:
    return [route(trust, api.KNOWN_CENTRES, known_centres)]
