"""The directory's internal endpoints (docs/internal-api.md), service tokens only.

- ``POST /internal/centres/known``: ``{centreIds}`` → ``{centreIds}``, those that exist, so that
  consent refuses a grant to a centre nobody can find.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.routing import Route

from saathi import internal
from saathi.service_trust import ServiceTrust
from services.directory import repository

MAX_CENTRE_IDS = 100


async def known_centres(body: internal.Body) -> Mapping[str, Any]:
    wanted = internal.ids(body, "centreIds", "ctr", max_items=MAX_CENTRE_IDS)
    found = await repository.centres_by_ids(wanted)
    return {"centreIds": [centre_id for centre_id in wanted if centre_id in found]}


CONSENT = ("consent",)


def routes(trust: ServiceTrust) -> list[Route]:
    return [
        Route(
            "/internal/centres/known",
            internal.internal_endpoint(trust, CONSENT, known_centres),
            methods=["POST"],
        )
    ]


MAX_SUPPORTER_IDS = 100


async def supporter_centres(body: internal.Body) -> Mapping[str, Any]:
    """``{supporterIds}`` → ``{centres: {supporterId: centreId}}`` for those that exist: which
    centre holds a concern about a supporter (sessions asks)."""
    wanted = internal.ids(body, "supporterIds", "sup", max_items=MAX_SUPPORTER_IDS)
    found = await repository.supporters_by_ids(wanted)
    return {"centres": {s.id: s.centre_id for s in found.values()}}


def practice_routes(trust: ServiceTrust) -> list[Route]:
    return [
        Route(
            "/internal/supporters/centres",
            internal.internal_endpoint(trust, ("sessions",), supporter_centres),
            methods=["POST"],
        )
    ]
