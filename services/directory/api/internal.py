"""The directory's internal endpoints (docs/internal-api.md), service tokens only.

- ``POST /internal/centres/known``: ``{centreIds}`` → ``{centreIds}``, those that exist, so that
  consent refuses a grant to a centre nobody can find.
- ``POST /internal/crisis-lines``: ``{city}`` → ``{lines}``, the crisis lines for a city (the
  national ones first), so that consent can answer a low wellbeing check-in with them without
  a copy of its own. The body carries a city only, never who is asking.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.routing import Route

from saathi import internal
from saathi.errors import BadUserInput
from saathi.service_trust import ServiceTrust
from services.directory import repository
from services.directory.domain.crisis import crisis_resources

MAX_CENTRE_IDS = 100


async def known_centres(body: internal.Body) -> Mapping[str, Any]:
    wanted = internal.ids(body, "centreIds", "ctr", max_items=MAX_CENTRE_IDS)
    found = await repository.centres_by_ids(wanted)
    return {"centreIds": [centre_id for centre_id in wanted if centre_id in found]}


MAX_CITY = 100


async def crisis_lines(body: internal.Body) -> Mapping[str, Any]:
    city = body.get("city")
    if city is not None and (not isinstance(city, str) or len(city) > MAX_CITY):
        raise BadUserInput(f"city must be a string of at most {MAX_CITY} characters, or null.")
    return {
        "lines": [
            {
                "name": line.name,
                "phone": line.phone,
                "hours": line.hours,
                "languages": list(line.languages),
                "description": line.description,
            }
            for line in crisis_resources(city)
        ]
    }


CONSENT = ("consent",)


def routes(trust: ServiceTrust) -> list[Route]:
    return [
        Route(
            "/internal/centres/known",
            internal.internal_endpoint(trust, CONSENT, known_centres),
            methods=["POST"],
        ),
        Route(
            "/internal/crisis-lines",
            internal.internal_endpoint(trust, CONSENT, crisis_lines),
            methods=["POST"],
        ),
    ]
