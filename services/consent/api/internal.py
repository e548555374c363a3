"""Consent's internal endpoints (docs/internal-api.md): sessions' alone, by its service token.

``POST /internal/consents/authorise-read`` checks for a live consent and logs the read;
``POST /internal/notify`` tells participants something through the delivery channel.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.routing import Route

from saathi import internal
from saathi.errors import BadUserInput
from saathi.service_trust import ServiceTrust
from services.consent.domain.access_log import authorise_read
from services.consent.domain.deps import Deps
from services.consent.domain.notify import notify
from services.consent.records import DataCategory

MAX_MESSAGE = 1000
_KIND = "kind"


def _categories(body: internal.Body) -> list[DataCategory]:
    names = internal.strings(body, "categories")
    try:
        return [DataCategory(name) for name in names]
    except ValueError:
        raise BadUserInput(
            f"categories must be among {', '.join(c.value for c in DataCategory)}."
        ) from None


SESSIONS = ("sessions",)


def routes(deps: Deps, trust: ServiceTrust) -> list[Route]:
    async def authorise(body: internal.Body) -> Mapping[str, Any]:
        allowed = await authorise_read(
            deps,
            internal.an_id(body, "participantId", "par"),
            internal.an_id(body, "accessorCentreId", "ctr"),
            _categories(body),
        )
        if allowed is None:
            return {"consentId": None, "categories": []}
        return {
            "consentId": allowed.consent_id,
            "categories": [category.value for category in allowed.categories],
            "purpose": allowed.purpose.value,
            "validUntil": allowed.valid_until.isoformat(),
        }

    async def tell(body: internal.Body) -> Mapping[str, Any]:
        done = await notify(
            deps,
            internal.ids(body, "participantIds", "par"),
            internal.text(body, _KIND, max_length=64),
            internal.text(body, "message", max_length=MAX_MESSAGE),
        )
        return {"delivered": done.delivered, "skipped": done.skipped}

    return [
        Route(
            "/internal/consents/authorise-read",
            internal.internal_endpoint(trust, SESSIONS, authorise),
            methods=["POST"],
        ),
        Route(
            "/internal/notify", internal.internal_endpoint(trust, SESSIONS, tell), methods=["POST"]
        ),
    ]
