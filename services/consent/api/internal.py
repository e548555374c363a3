"""Consent's internal endpoints (docs/internal-api.md): sessions' alone, by its service token.

``POST /internal/consents/authorise-read`` checks for a live consent given for the purpose the
reader names and logs the read with it;
``POST /internal/notify`` tells participants something through the delivery channel;
``POST /internal/tokens/check`` says whether a verified access token's sign-in is still live.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.routing import Route

from saathi import internal
from saathi.errors import BadUserInput
from saathi.service_trust import ServiceTrust
from saathi.tokens import Role
from services.consent.domain.access_log import authorise_read
from services.consent.domain.deps import Deps
from services.consent.domain.login_sessions import token_is_live
from services.consent.domain.notify import notify
from services.consent.domain.records import ConsentPurpose, DataCategory

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


def _purpose(body: internal.Body) -> ConsentPurpose:
    value = body.get("purpose")
    try:
        return ConsentPurpose(value)
    except ValueError:
        raise BadUserInput(
            f"purpose must be one of {', '.join(p.value for p in ConsentPurpose)}."
        ) from None


SESSIONS, GATEWAY = ("sessions",), ("gateway",)


def routes(deps: Deps, trust: ServiceTrust) -> list[Route]:
    async def authorise(body: internal.Body) -> Mapping[str, Any]:
        allowed = await authorise_read(
            deps,
            internal.an_id(body, "participantId", "par"),
            internal.an_id(body, "accessorCentreId", "ctr"),
            _categories(body),
            _purpose(body),
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

    async def check_token(body: internal.Body) -> Mapping[str, Any]:
        try:
            role = Role(internal.text(body, "role", max_length=20))
        except ValueError:
            raise BadUserInput("role is not a known role.") from None
        session = body.get("sessionId")
        if session is not None and not isinstance(session, str):
            raise BadUserInput("sessionId must be a string or null.")
        subject = internal.text(body, "subject", max_length=100)
        return {"live": await token_is_live(subject, role, session)}

    return [
        Route(
            "/internal/tokens/check",
            internal.internal_endpoint(trust, GATEWAY, check_token),
            methods=["POST"],
        ),
        Route(
            "/internal/consents/authorise-read",
            internal.internal_endpoint(trust, SESSIONS, authorise),
            methods=["POST"],
        ),
        Route(
            "/internal/notify", internal.internal_endpoint(trust, SESSIONS, tell), methods=["POST"]
        ),
    ]
