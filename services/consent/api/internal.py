"""Consent's internal endpoints (docs/internal-api.md): sessions' alone, by its service token.

``POST /internal/consents/authorise-read`` checks for a live consent given for the purpose the
reader names and logs the read with it, answering the participant's check-ins and goals when
the consent grants WELLBEING or GOALS (consent holds those);
``POST /internal/wellbeing/programme-change`` answers the average WHO-5 change per group of
the attendees who consented to programme evaluation (withheld below 11 people);
``POST /internal/notify`` tells participants something through the delivery channel;
``POST /internal/tokens/check`` says whether a verified access token's sign-in is still live.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from starlette.routing import Route

from saathi import internal
from saathi.errors import BadUserInput
from saathi.service_trust import ServiceTrust
from saathi.tokens import Role
from services.consent.domain.access_log import authorise_read
from services.consent.domain.deps import Deps
from services.consent.domain.evaluation import who5_changes
from services.consent.domain.login_sessions import token_is_live
from services.consent.domain.notify import notify
from services.consent.domain.outcomes import released
from services.consent.domain.records import ConsentPurpose, DataCategory

MAX_MESSAGE = 1000
MAX_GROUPS = 500
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


def _instant(body: internal.Body, key: str) -> datetime:
    try:
        value = datetime.fromisoformat(internal.text(body, key, max_length=40))
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise BadUserInput(f"{key} must be an ISO 8601 time with an offset.")
    return value


SESSIONS, GATEWAY = ("sessions",), ("gateway",)


def routes(deps: Deps, trust: ServiceTrust) -> list[Route]:
    async def authorise(body: internal.Body) -> Mapping[str, Any]:
        participant_id = internal.an_id(body, "participantId", "par")
        allowed = await authorise_read(
            deps,
            participant_id,
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
            **await released(deps, participant_id, allowed.categories),
        }

    async def programme_change(body: internal.Body) -> Mapping[str, Any]:
        groups = body.get("groups")
        if not isinstance(groups, list) or len(groups) > MAX_GROUPS:
            raise BadUserInput(f"groups must be a list of at most {MAX_GROUPS} groups.")
        attendees = {
            internal.an_id(group, "groupId", "grp"): internal.ids(group, "participantIds", "par")
            for group in groups
            if isinstance(group, dict)
        }
        if len(attendees) != len(groups):
            raise BadUserInput("Each group is {groupId, participantIds}.")
        changes = await who5_changes(
            deps,
            internal.an_id(body, "centreId", "ctr"),
            _instant(body, "from"),
            _instant(body, "to"),
            attendees,
        )
        return {
            "groups": [
                {
                    "groupId": change.group_id,
                    "averageWho5Change": change.average_change,
                    "suppressed": change.suppressed,
                }
                for change in changes
            ]
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
            "/internal/wellbeing/programme-change",
            internal.internal_endpoint(trust, SESSIONS, programme_change),
            methods=["POST"],
        ),
        Route(
            "/internal/notify", internal.internal_endpoint(trust, SESSIONS, tell), methods=["POST"]
        ),
    ]
